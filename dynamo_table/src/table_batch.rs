//! Batch operations of one table: typed wrappers over [`BatchWrite`] and the batch-get engine.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::batch::{BatchStats, BatchWriteResult, Failed, FastHasher, fingerprint};

type FastSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FastHasher>>;
use crate::batch_get::{GetOutcome, GetRequest, get_all};
use crate::batch_write::{BatchWrite, BatchWriteReport, WriteOutcome};
use crate::error::{Error, Result};
use crate::handle::Table;
use crate::key::IntoKey;
use crate::table::DynamoTable;

/// A key of `T`'s table in the seed's call style: partition key and optional sort key.
pub type KeyOf<T> = (<T as DynamoTable>::PK, Option<<T as DynamoTable>::SK>);

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
pub struct BatchGetResult<T: DynamoTable> {
    /// The items found, each once, in the order of their keys.
    pub items: Vec<T>,
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

impl<T: DynamoTable + fmt::Debug> fmt::Debug for BatchGetResult<T> {
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

impl<T: DynamoTable> Table<T> {
    /// Reads the items with these keys, 100 keys per `BatchGetItem` call, retrying unprocessed
    /// keys with backoff (see [`BatchWrite`] for the retry and concurrency rules).
    ///
    /// Repeated keys are read once. An invalid key (empty, or a sort key that does not fit the
    /// table) fails the whole call before anything is sent; everything after that is reported
    /// per key.
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "users")]
    /// # struct User { #[dynamo(pk)] user_id: String }
    /// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
    /// let users = client.table::<User>();
    /// let result = users.batch_get(vec![("u1".to_string(), None), ("u2".to_string(), None)]).await?;
    /// assert_eq!(result.items.len() + result.not_found.len() + result.failed_keys.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn batch_get<K: IntoKey<T>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<BatchGetResult<T>> {
        let started = Instant::now();
        let key_names = (T::PARTITION_KEY, T::SORT_KEY);
        let table: Arc<str> = Arc::from(self.name.as_str());
        let mut all = Vec::new();
        for key in keys {
            let (pk, sk) = key.into_key();
            let key = self.key_map(&pk, sk.as_ref())?;
            let fingerprint = fingerprint(&self.name, key_names, &key)
                .ok_or_else(|| Error::invalid("the key is incomplete".to_owned()))?;
            let request = GetRequest {
                table: Arc::clone(&table),
                key_names,
                key,
                fingerprint,
            };
            all.push((request, (pk, sk)));
        }
        // Repeated keys are read once: keep the first of each.
        let mut seen: FastSet<&str> = FastSet::default();
        seen.reserve(all.len());
        let unique: Vec<bool> = all
            .iter()
            .map(|(request, _)| seen.insert(request.fingerprint.as_str()))
            .collect();
        drop(seen);
        let duplicate_keys = unique.iter().filter(|u| !**u).count();
        let (requests, typed): (Vec<GetRequest>, Vec<KeyOf<T>>) = all
            .into_iter()
            .zip(unique)
            .filter_map(|(entry, keep)| keep.then_some(entry))
            .unzip();

        let decode = |item| self.decode(item);
        let (outcomes, stats) = get_all(&self.client, &requests, self.batch_retry, &decode).await;
        let mut result = BatchGetResult {
            items: Vec::with_capacity(typed.len()),
            failed_keys: Vec::new(),
            not_found: Vec::new(),
            duplicate_keys,
            execution_time: Duration::ZERO,
            stats,
        };
        for (key, outcome) in typed.into_iter().zip(outcomes) {
            match outcome {
                GetOutcome::Found(item) => result.items.push(item),
                GetOutcome::NotFound => result.not_found.push(key),
                GetOutcome::Failed(error) => result.failed_keys.push(Failed { value: key, error }),
            }
        }
        result.execution_time = started.elapsed();
        Ok(result)
    }

    /// Puts every item, 25 per `BatchWriteItem` call; see [`BatchWrite`] for de-duplication,
    /// concurrency and retries. Items that cannot be written (over 400 KB, an empty key) are
    /// reported in `failed` while the rest are written.
    pub async fn batch_upsert(&self, items: Vec<T>) -> Result<BatchWriteResult<T>> {
        let batch = items.iter().fold(self.new_batch(), BatchWrite::put);
        Ok(split(items, batch.execute().await?))
    }

    /// Deletes every item, by its own key.
    pub async fn batch_delete(&self, items: Vec<T>) -> Result<BatchWriteResult<T>> {
        let batch = items.iter().fold(self.new_batch(), BatchWrite::delete_item);
        Ok(split(items, batch.execute().await?))
    }

    /// Deletes the items with these keys.
    pub async fn batch_delete_keys<K: IntoKey<T>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<BatchWriteResult<KeyOf<T>>> {
        let keys: Vec<KeyOf<T>> = keys.into_iter().map(IntoKey::into_key).collect();
        let batch = keys.iter().fold(self.new_batch(), |batch, (pk, sk)| {
            batch.delete::<T>(pk, sk.as_ref())
        });
        Ok(split(keys, batch.execute().await?))
    }

    /// Puts `puts` and deletes `deletes` in one batch. A put and a delete of the same key is an
    /// error, before anything is sent. In the result, `items` holds the puts and deletes that
    /// were applied (puts first).
    pub async fn batch_write(&self, puts: Vec<T>, deletes: Vec<T>) -> Result<BatchWriteResult<T>> {
        let batch = puts.iter().fold(self.new_batch(), BatchWrite::put);
        let batch = deletes.iter().fold(batch, BatchWrite::delete_item);
        let mut values = puts;
        values.extend(deletes);
        Ok(split(values, batch.execute().await?))
    }

    fn new_batch(&self) -> BatchWrite {
        self.client.batch_write().retry(self.batch_retry)
    }
}

/// Pairs each input value with its outcome.
fn split<V>(values: Vec<V>, report: BatchWriteReport) -> BatchWriteResult<V> {
    let mut result = BatchWriteResult {
        items: Vec::with_capacity(values.len()),
        failed: Vec::new(),
        superseded: Vec::new(),
        execution_time: report.execution_time,
        stats: report.stats,
    };
    for (value, outcome) in values.into_iter().zip(report.outcomes) {
        match outcome {
            WriteOutcome::Written => result.items.push(value),
            WriteOutcome::Superseded { .. } => result.superseded.push(value),
            WriteOutcome::Failed(error) => result.failed.push(Failed { value, error }),
        }
    }
    result
}
