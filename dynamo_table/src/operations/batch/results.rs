//! What batch calls report: per-item outcomes, failures with their reasons, and counters.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::request::capacity::Capacity;
use crate::schema::{DynamoTable, KeyOf};

/// A value a batch could not process, and why. The error is shared by every value that failed
/// for the same reason (a whole request rejected, say).
///
/// ```
/// use std::sync::Arc;
/// use dynamo_table::Error;
/// use dynamo_table::batch::Failed;
/// let failed = Failed {
///     value: "user-7".to_string(),
///     error: Arc::new(Error::Unprocessed { table: "users".into(), attempts: 9 }),
/// };
/// if failed.error.is_retryable() {
///     println!("try {} again later", failed.value);
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Failed<V> {
    /// The item or key as it was passed in.
    pub value: V,
    /// Why it failed. [`Error::is_retryable`] tells whether trying again later may help.
    pub error: Arc<Error>,
}

/// Counters of one batch call, for logs and tests.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run(users: dynamo_table::Table<User>, batch: Vec<User>) -> Result<(), dynamo_table::Error> {
/// let result = users.batch_put(batch).await?;
/// let s = result.stats;
/// println!("{} calls, {} retries, {} WCU", s.requests, s.retries, s.capacity.write_units);
/// # Ok(()) }
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct BatchStats {
    /// Requests sent (`BatchWriteItem` / `BatchGetItem` calls, retries included).
    pub requests: u32,
    /// Requests that were retries.
    pub retries: u32,
    /// Items or keys DynamoDB returned as unprocessed, summed over all attempts.
    pub unprocessed: u64,
    /// Whole requests that failed with a retryable error (throttling, 5xx, network) and were
    /// sent again.
    pub retried_errors: u32,
    /// The capacity every call consumed, retries included.
    pub capacity: Capacity,
    /// The capacity of each call DynamoDB answered, in the order they were answered: kept only
    /// where [`CallCapacity::Each`] asks for it (the published API, which reports it per call).
    /// A native batch keeps the total alone, so that its memory does not grow with its calls.
    pub(crate) per_call: Vec<Capacity>,
}

/// Whether a batch keeps the capacity of each of its calls, beside the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallCapacity {
    /// The total only.
    Total,
    /// The total and each call's.
    Each,
}

impl fmt::Debug for BatchStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchStats")
            .field("requests", &self.requests)
            .field("retries", &self.retries)
            .field("unprocessed", &self.unprocessed)
            .field("retried_errors", &self.retried_errors)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl BatchStats {
    /// Adds `other`'s counters, and its calls' capacities if `keep` asks for them.
    pub(crate) fn add(&mut self, other: BatchStats, keep: CallCapacity) {
        self.requests += other.requests;
        self.retries += other.retries;
        self.unprocessed += other.unprocessed;
        self.retried_errors += other.retried_errors;
        self.capacity.add(other.capacity);
        if keep == CallCapacity::Each {
            self.per_call.extend(other.per_call);
        }
    }
}

/// The outcome of a batch get: each distinct key lands in exactly one of `items` (found),
/// `not_found` and `failed_keys`.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run(users: dynamo_table::Table<User>) -> Result<(), dynamo_table::Error> {
/// let keys = vec![("u1".to_string(), None), ("u2".to_string(), None)];
/// let read = users.batch_get(keys).await?;
/// println!("found {:?}, missing {:?}", read.items, read.not_found);
/// for f in &read.failed_keys {
///     eprintln!("{:?} unread: {}", f.value, f.error);
/// }
/// # Ok(()) }
/// ```
pub struct BatchGetResult<T: DynamoTable, O = T> {
    /// The items found, each once, in the order of their keys (as `O`: `T`, or a projection of
    /// it).
    pub items: Vec<O>,
    /// Keys that could not be read (retries exhausted, a request rejected, or an item that does
    /// not fit `T`), each with its reason.
    pub failed_keys: Vec<Failed<KeyOf<T>>>,
    /// Keys with no item in the table.
    pub not_found: Vec<KeyOf<T>>,
    /// Keys that repeated an earlier key of the same call and were read only once.
    pub duplicate_keys: usize,
    /// Wall time of the whole call.
    pub execution_time: Duration,
    /// Requests, retries and unprocessed counts.
    pub stats: BatchStats,
}

impl<T: DynamoTable, O: fmt::Debug> fmt::Debug for BatchGetResult<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchGetResult")
            .field("items", &self.items)
            .field("failed_keys", &self.failed_keys)
            .field("not_found", &self.not_found)
            .field("duplicate_keys", &self.duplicate_keys)
            .field("execution_time", &self.execution_time)
            .field("stats", &self.stats)
            .finish()
    }
}
