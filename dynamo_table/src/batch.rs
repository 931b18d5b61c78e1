//! What batch operations share: options, statistics, failure records and key fingerprints.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use futures::StreamExt;

use crate::capacity::Capacity;
use crate::config::RetryConfig;
use crate::error::Error;

/// A map keyed by key fingerprints, with a fast non-cryptographic hash: the keys are the
/// caller's own, per batch call, so there is nothing to defend against.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The FxHash mixing step (as in rustc), over 8-byte words.
#[derive(Default)]
pub(crate) struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// The attribute names of a table's key: partition key, then sort key.
pub(crate) type KeyNames = (&'static str, Option<&'static str>);

/// A value a batch could not process, and why. The error is shared by every value that failed
/// for the same reason (a whole request rejected, say).
///
/// ```
/// use std::sync::Arc;
/// use dynamo_table::{Error, Failed};
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
/// let result = users.batch_upsert(batch).await?;
/// let s = result.stats;
/// println!("{} calls, {} retries, {} WCU", s.requests, s.retries, s.capacity.write_units);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
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
}

impl BatchStats {
    pub(crate) fn add(&mut self, other: &BatchStats) {
        self.requests += other.requests;
        self.retries += other.retries;
        self.unprocessed += other.unprocessed;
        self.retried_errors += other.retried_errors;
        self.capacity.add(other.capacity);
    }
}

/// The outcome of a batch write, one entry per input value.
///
/// Every input lands in exactly one of `items`, `failed` and `superseded`:
/// `items.len() + failed.len() + superseded.len()` equals the number of inputs.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run(users: dynamo_table::Table<User>, batch: Vec<User>) -> Result<(), dynamo_table::Error> {
/// let n = batch.len();
/// let result = users.batch_upsert(batch).await?;
/// assert_eq!(result.items.len() + result.failed.len() + result.superseded.len(), n);
/// for f in &result.failed {
///     eprintln!("{:?} not written: {}", f.value, f.error);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct BatchWriteResult<V> {
    /// The values DynamoDB accepted (written, or deleted).
    pub items: Vec<V>,
    /// The values that were not written, each with its reason.
    pub failed: Vec<Failed<V>>,
    /// Values not sent because a later value in the same call had the same key: the last one
    /// wins, as if the writes had been made in order.
    pub superseded: Vec<V>,
    /// Wall time of the whole call.
    pub execution_time: Duration,
    /// Requests, retries and unprocessed counts.
    pub stats: BatchStats,
}

impl<V> BatchWriteResult<V> {
    /// True when every value was written (superseded duplicates aside).
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }
}

/// A canonical string for a key, to match DynamoDB's answers (unprocessed requests, returned
/// items) back to the inputs. `None` if a key attribute is missing.
pub(crate) fn fingerprint(
    table: &str,
    names: KeyNames,
    attributes: &HashMap<String, AttributeValue>,
) -> Option<String> {
    let pk = attributes.get(names.0)?;
    let sk = match names.1 {
        Some(name) => Some(attributes.get(name)?),
        None => None,
    };
    // Each part is length-prefixed, so no two different keys can give the same string.
    let mut out = String::with_capacity(table.len() + 48);
    push_part(&mut out, 'T', table.as_bytes());
    push_value(&mut out, pk);
    if let Some(sk) = sk {
        push_value(&mut out, sk);
    }
    Some(out)
}

fn push_part(out: &mut String, tag: char, bytes: &[u8]) {
    out.push(tag);
    push_number(out, bytes.len());
    out.push(':');
    match std::str::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            for b in bytes {
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}

/// Decimal digits of `n`, without the formatting machinery (this runs once per key).
fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[at..] {
        out.push(char::from(*d));
    }
}

fn push_value(out: &mut String, value: &AttributeValue) {
    match value {
        AttributeValue::S(s) => push_part(out, 'S', s.as_bytes()),
        AttributeValue::N(n) => push_part(out, 'N', n.as_bytes()),
        AttributeValue::B(b) => push_part(out, 'B', b.as_ref()),
        // Keys are S, N or B; anything else is still told apart, if slowly.
        other => push_part(out, '?', format!("{other:?}").as_bytes()),
    }
}

/// Runs `indices` in chunks of at most `size`, `concurrency` chunks at a time, and fills in
/// each index's outcome. An index left without one (which `retry_chunk` never does) gets
/// `missing()`, so a bug would surface as a failure, never as a lost request.
pub(crate) async fn run_chunks<O, F, Fut>(
    outcomes: Vec<Option<O>>,
    indices: Vec<usize>,
    size: usize,
    concurrency: usize,
    run: F,
    missing: impl Fn() -> O,
) -> (Vec<O>, BatchStats)
where
    F: FnMut(Vec<usize>) -> Fut,
    Fut: Future<Output = (Vec<(usize, O)>, BatchStats)>,
{
    let mut outcomes = outcomes;
    let mut stats = BatchStats::default();
    let mut results = futures::stream::iter(chunks(indices, size))
        .map(run)
        .buffer_unordered(concurrency.max(1));
    while let Some((settled, chunk_stats)) = results.next().await {
        stats.add(&chunk_stats);
        for (index, outcome) in settled {
            outcomes[index] = Some(outcome);
        }
    }
    let outcomes = outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(&missing))
        .collect();
    (outcomes, stats)
}

/// Splits `indices` into runs of at most `size`.
fn chunks(indices: Vec<usize>, size: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::with_capacity(indices.len().div_ceil(size.max(1)));
    let mut current = Vec::with_capacity(size);
    for i in indices {
        current.push(i);
        if current.len() == size {
            out.push(std::mem::replace(&mut current, Vec::with_capacity(size)));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Names of the distinct tables among `tables`, for logs and error messages.
pub(crate) fn table_list<'a>(tables: impl Iterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = Vec::new();
    for table in tables {
        // A batch touches few tables: a linear check beats sorting a name per request.
        if !names.contains(&table) {
            names.push(table);
        }
    }
    names.sort_unstable();
    names.join("`, `")
}

/// What one call for a chunk achieved: the settled requests with their outcomes, the requests
/// DynamoDB left unprocessed and the capacity consumed, or an error for the whole call.
pub(crate) type Attempt<O> = Result<(Vec<(usize, O)>, Vec<usize>, Capacity), Error>;

/// Sends a chunk (request indices) until every request is settled, a call fails with an error
/// that is not worth retrying, or `retry` runs out. Unprocessed requests and retryable errors
/// are retried after a jittered exponential backoff. Every index of `chunk` comes back exactly
/// once, with its outcome.
pub(crate) async fn retry_chunk<O, F, Fut>(
    chunk: Vec<usize>,
    retry: RetryConfig,
    tables: impl Fn(&[usize]) -> String,
    failed: impl Fn(&Arc<Error>) -> O,
    mut attempt: F,
) -> (Vec<(usize, O)>, BatchStats)
where
    F: FnMut(Vec<usize>) -> Fut,
    Fut: Future<Output = Attempt<O>>,
{
    let mut results = Vec::with_capacity(chunk.len());
    let mut stats = BatchStats::default();
    let mut pending = chunk;
    let mut attempts: u32 = 0;
    loop {
        attempts += 1;
        stats.requests += 1;
        let (unsettled, last_error) = match attempt(pending.clone()).await {
            Ok((settled, unprocessed, capacity)) => {
                results.extend(settled);
                stats.capacity.add(capacity);
                stats.unprocessed += unprocessed.len() as u64;
                (unprocessed, None)
            }
            Err(error) if error.is_retryable() => {
                stats.retried_errors += 1;
                (pending, Some(error))
            }
            Err(error) => {
                let error = Arc::new(error);
                results.extend(pending.into_iter().map(|i| (i, failed(&error))));
                return (results, stats);
            }
        };
        if unsettled.is_empty() {
            return (results, stats);
        }
        if attempts > retry.max_retries {
            let error = Arc::new(last_error.unwrap_or_else(|| Error::Unprocessed {
                table: tables(&unsettled),
                attempts,
            }));
            results.extend(unsettled.into_iter().map(|i| (i, failed(&error))));
            return (results, stats);
        }
        tokio::time::sleep(retry.backoff(attempts - 1)).await;
        stats.retries += 1;
        pending = unsettled;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_keys_apart() {
        let key = |pk: AttributeValue, sk: AttributeValue| {
            HashMap::from([("p".to_owned(), pk), ("s".to_owned(), sk)])
        };
        let names = ("p", Some("s"));
        let a = fingerprint(
            "t",
            names,
            &key(
                AttributeValue::S("a:b".into()),
                AttributeValue::S("c".into()),
            ),
        );
        let b = fingerprint(
            "t",
            names,
            &key(
                AttributeValue::S("a".into()),
                AttributeValue::S("b:c".into()),
            ),
        );
        let c = fingerprint(
            "t",
            names,
            &key(AttributeValue::N("1".into()), AttributeValue::S("c".into())),
        );
        let d = fingerprint(
            "t",
            names,
            &key(AttributeValue::S("1".into()), AttributeValue::S("c".into())),
        );
        assert!(a.is_some() && a != b && c != d);
        assert_eq!(fingerprint("t", names, &HashMap::new()), None);
    }
}
