//! `BatchWriteItem` that accounts for every item: chunking, de-duplication, bounded
//! concurrency, and retries of unprocessed items with backoff.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use dynamo_table_rules::limits::WRITES_PER_BATCH;

use super::chunks::{retry_chunk, run_chunks};
use super::fingerprint::{FastMap, fingerprint, fingerprint_into, table_list};
use super::results::{BatchStats, Failed};
use super::slot::Slot;
use crate::codec::item::encode;
use crate::codec::key::{Item, describe_key, key_map};
use crate::codec::size::check_item_size;
use crate::error::{Error, InvalidReason, Result};
use crate::operations::TableRef;
use crate::operations::version::refuse_unchecked;
use crate::request::attempts::AttemptLog;
use crate::request::capacity::{self, Side};
use crate::request::connection::Connection;
use crate::request::send::ObserveExt;
use crate::schema::{DynamoTable, IntoKey, KeyNames, KeyOf, RetryConfig, key_names};

/// What became of one write of a [`BatchWrite`].
///
/// ```
/// use dynamo_table::batch::WriteOutcome;
/// fn describe(outcome: &WriteOutcome) -> String {
///     match outcome {
///         WriteOutcome::Written => "written".into(),
///         WriteOutcome::Superseded { by } => format!("replaced by write {by}"),
///         WriteOutcome::Failed(e) => format!("not written: {e}"),
///         WriteOutcome::Unknown(e) => format!("may or may not be written: {e}"),
///     }
/// }
/// assert_eq!(describe(&WriteOutcome::Superseded { by: 3 }), "replaced by write 3");
/// ```
#[derive(Debug, Clone)]
pub enum WriteOutcome {
    /// DynamoDB applied it.
    Written,
    /// Not sent: the write at this later index had the same table and key.
    Superseded {
        /// The index of the write that replaced it.
        by: usize,
    },
    /// Not applied, with the reason.
    Failed(Arc<Error>),
    /// Maybe applied: a call that carried it went unanswered (a 5xx, a dropped connection, a
    /// timeout) and no later answer settled it. The error is the last call's. A put or delete
    /// can be sent again safely.
    Unknown(Arc<Error>),
}

/// The outcome of [`BatchWrite::execute`]: one [`WriteOutcome`] per write, in the order they
/// were added.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
/// let report = client.batch_write().put(&User { user_id: "u1".into() }).execute().await?;
/// assert_eq!(report.written() + report.failed() + report.unknown(), report.outcomes.len());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct BatchWriteReport {
    /// One outcome per write, in the order they were added.
    pub outcomes: Vec<WriteOutcome>,
    /// Wall time of the whole call.
    pub execution_time: Duration,
    /// Requests, retries and unprocessed counts.
    pub stats: BatchStats,
}

impl BatchWriteReport {
    /// How many writes DynamoDB applied.
    pub fn written(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, WriteOutcome::Written))
            .count()
    }

    /// How many writes were not applied.
    pub fn failed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, WriteOutcome::Failed(_)))
            .count()
    }

    /// How many writes may or may not have been applied.
    pub fn unknown(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, WriteOutcome::Unknown(_)))
            .count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Put,
    Delete,
}

/// One write, ready to send (`None` when it was refused while being prepared).
#[derive(Debug)]
struct Entry {
    kind: Kind,
    /// The table's full name, shared by its writes.
    table: Arc<str>,
    key_names: KeyNames,
    prepared: Option<Prepared>,
}

/// A write's request, and its key's fingerprint.
#[derive(Debug)]
struct Prepared {
    /// The request, until a call takes it (see [`Rebuild`]); a call's unprocessed copy comes
    /// back here.
    request: Slot<WriteRequest>,
    fingerprint: String,
}

/// Builds write `i`'s request again (its table's full name given), after a call that failed
/// whole took it. With one, each request is moved into its first call instead of copied into
/// every call; batches whose writes are not kept (`BatchWrite::put(&item)`) copy.
pub(crate) type Rebuild<'a> = &'a (dyn Fn(usize, &str) -> Result<WriteRequest> + Sync);

impl Prepared {
    /// The request for a call: copied, or (given a way to rebuild it) taken.
    fn for_call(
        &self,
        i: usize,
        table: &str,
        rebuild: Option<Rebuild<'_>>,
    ) -> Result<WriteRequest> {
        match rebuild {
            None => self
                .request
                .with(|request| request.cloned())
                .ok_or_else(|| request_shape(no_outcome())),
            Some(rebuild) => self.request.take_or(|| rebuild(i, table)),
        }
    }

    /// The item (of a put) or key (of a delete) of write `i`, described for a message (before
    /// anything is sent: a deferred request is built for it).
    fn describe(&self, i: usize, entry: &Entry, rebuild: Option<Rebuild<'_>>) -> String {
        let describe =
            |request: &WriteRequest| describe_key(entry.key_names, request_attributes(request));
        self.request.with(|request| match (request, rebuild) {
            (Some(request), _) => describe(request),
            (None, Some(rebuild)) => match rebuild(i, &entry.table) {
                Ok(request) => describe(&request),
                Err(e) => format!("(not readable: {e})"),
            },
            (None, None) => "(not readable)".to_owned(),
        })
    }
}

/// Puts and deletes, across any number of tables, sent as `BatchWriteItem` calls.
///
/// - Writes are grouped 25 to a call; calls run concurrently, at most
///   [`DynamoClient::batch_concurrency`](crate::DynamoClient::batch_concurrency) at a time.
/// - Items DynamoDB leaves unprocessed, and calls that fail with a retryable error (throttling,
///   5xx, network), are sent again after an exponential backoff with full jitter, up to the
///   retry settings (by default the `BATCH_RETRIES_CONFIG` of the first table added).
/// - Two writes to the same key in one batch: the later one wins and the earlier is reported
///   [`WriteOutcome::Superseded`]; a put and a delete of the same key is an error, because
///   DynamoDB would reject the whole call and the intent is unclear.
/// - Every write gets an outcome. A failing call does not affect the outcome of the others.
///
/// ```no_run
/// # use dynamo_table::{DynamoClient, DynamoTable};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "orders")]
/// # struct Order { #[dynamo(pk)] user_id: String, #[dynamo(sk)] order_id: String }
/// # async fn run(client: DynamoClient) -> Result<(), dynamo_table::Error> {
/// let report = client
///     .batch_write()
///     .put(&User { user_id: "u1".into() })
///     .put(&Order { user_id: "u1".into(), order_id: "o1".into() })
///     .delete::<Order>(("u0".to_string(), Some("o9".to_string())))
///     .execute()
///     .await?;
/// assert_eq!(report.written() + report.failed(), 3);
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a batch does nothing until `.execute().await`"]
pub struct BatchWrite {
    conn: Connection,
    entries: Vec<Entry>,
    /// Writes refused before sending, by index.
    refused: Vec<(usize, Error)>,
    /// Why the whole batch is refused: it writes a table with a version attribute.
    versioned: Option<Error>,
    retry: Option<RetryConfig>,
    /// The full names of the tables written so far, by `DynamoTable::TABLE`: each is formatted
    /// once, not once per write.
    tables: Vec<(&'static str, Arc<str>)>,
}

impl BatchWrite {
    pub(crate) fn new(conn: Connection) -> Self {
        BatchWrite {
            conn,
            entries: Vec::new(),
            refused: Vec::new(),
            versioned: None,
            retry: None,
            tables: Vec::new(),
        }
    }

    /// `T`'s table's full name (with the client's prefix).
    fn table<T: DynamoTable>(&mut self) -> Arc<str> {
        // A batch writes few tables: a linear search beats hashing a name per write.
        if let Some((_, name)) = self.tables.iter().find(|(table, _)| *table == T::TABLE) {
            return Arc::clone(name);
        }
        let name: Arc<str> = Arc::from(self.conn.table_name::<T>());
        self.tables.push((T::TABLE, Arc::clone(&name)));
        name
    }

    /// Sets how unprocessed writes are retried (default: the `BATCH_RETRIES_CONFIG` of the first
    /// table added).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Adds a put of `item` into its table.
    pub fn put<T: DynamoTable>(mut self, item: &T) -> Self {
        self.push_put(item);
        self
    }

    /// Adds a delete of the item with this key from `T`'s table: a typed key struct
    /// (`OrderKey`) or a `(pk, Option<sk>)` pair.
    pub fn delete<T: DynamoTable>(mut self, key: impl IntoKey<T>) -> Self {
        let (pk, sk) = key.into_key();
        self.push_delete::<T>(&pk, sk.as_ref());
        self
    }

    /// The number of writes added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no write was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes `T`'s retry settings if none are set yet, and notes a version attribute, which
    /// refuses the batch.
    fn adopt_defaults<T: DynamoTable>(&mut self) {
        if self.retry.is_none() {
            self.retry = Some(T::BATCH_RETRIES_CONFIG);
        }
        if self.versioned.is_none()
            && let Err(error) = refuse_unchecked::<T>(
                &self.conn.table_name::<T>(),
                "BatchWriteItem (which takes no conditions)",
                "write its items one by one (`put`, `delete_if_version`), or together in a \
                 transaction (`DynamoClient::transact_write`)",
            )
        {
            self.versioned = Some(error);
        }
    }

    pub(crate) fn push_put<T: DynamoTable>(&mut self, item: &T) {
        self.adopt_defaults::<T>();
        let table = self.table::<T>();
        let prepared = prepare_put(&table, item);
        self.push(Kind::Put, table, key_names::<T>(), prepared);
    }

    /// A put whose request is built only when its call is sent, by the [`Rebuild`] given to
    /// [`execute_with`](Self::execute_with): memory then holds the requests in flight, not one
    /// per item. Its key is checked, and fingerprinted, now.
    fn push_deferred_put<T: DynamoTable>(&mut self, item: &T) {
        self.adopt_defaults::<T>();
        let table = self.table::<T>();
        let key_names = key_names::<T>();
        let fingerprint = key_map::<T>(&table, &item.partition_key(), item.sort_key().as_ref())
            .and_then(|key| key_fingerprint(&table, key_names, &key));
        let prepared = match fingerprint {
            Ok(fingerprint) => Some(Prepared {
                request: Slot::new(None),
                fingerprint,
            }),
            Err(error) => {
                self.refused.push((self.entries.len(), error));
                None
            }
        };
        self.entries.push(Entry {
            kind: Kind::Put,
            table,
            key_names,
            prepared,
        });
    }

    pub(crate) fn push_delete<T: DynamoTable>(&mut self, pk: &T::PK, sk: Option<&T::SK>) {
        self.adopt_defaults::<T>();
        let table = self.table::<T>();
        let prepared = prepare_delete::<T>(&table, pk, sk);
        self.push(Kind::Delete, table, key_names::<T>(), prepared);
    }

    fn push(
        &mut self,
        kind: Kind,
        table: Arc<str>,
        key_names: KeyNames,
        prepared: Result<(WriteRequest, String)>,
    ) {
        let prepared = match prepared {
            Ok((request, fingerprint)) => Some(Prepared {
                request: Slot::new(Some(request)),
                fingerprint,
            }),
            Err(error) => {
                self.refused.push((self.entries.len(), error));
                None
            }
        };
        self.entries.push(Entry {
            kind,
            table,
            key_names,
            prepared,
        });
    }

    /// Sends every write and reports what became of each.
    ///
    /// Returns `Err` only when the batch is contradictory (a put and a delete of the same key)
    /// or writes a table with a version attribute (`BatchWriteItem` cannot check versions),
    /// before anything is sent. Everything else, including invalid items, throttling and
    /// network failures, is reported per write in the [`BatchWriteReport`].
    pub async fn execute(self) -> Result<BatchWriteReport> {
        self.execute_with(None).await
    }

    /// [`execute`](Self::execute), moving each request into its call where `rebuild` can build
    /// it again.
    pub(crate) async fn execute_with(
        self,
        rebuild: Option<Rebuild<'_>>,
    ) -> Result<BatchWriteReport> {
        if let Some(error) = self.versioned {
            return Err(error);
        }
        let started = Instant::now();
        let retry = self.retry.unwrap_or_else(RetryConfig::batch_default);
        let mut outcomes: Vec<Option<WriteOutcome>> = vec![None; self.entries.len()];

        // De-duplicate: the last write of a key wins.
        let mut last_by_key: FastMap<&str, usize> = FastMap::default();
        for (index, entry) in self.entries.iter().enumerate() {
            let Some(prepared) = &entry.prepared else {
                continue;
            };
            if let Some(earlier) = last_by_key.insert(prepared.fingerprint.as_str(), index) {
                if self.entries[earlier].kind != entry.kind {
                    return Err(Error::invalid(
                        InvalidReason::ConflictingWrites,
                        format!(
                            "the batch both puts and deletes the item with key {} in table `{}` \
                             (writes {earlier} and {index}): DynamoDB rejects such a batch; keep \
                             one of the two",
                            prepared.describe(index, entry, rebuild),
                            entry.table
                        ),
                    ));
                }
                outcomes[earlier] = Some(WriteOutcome::Superseded { by: index });
            }
        }
        for (index, error) in self.refused {
            outcomes[index] = Some(WriteOutcome::Failed(Arc::new(error)));
        }
        let to_send: Vec<usize> = (0..self.entries.len())
            .filter(|&i| outcomes[i].is_none())
            .collect();

        let conn = &self.conn;
        let entries = &self.entries;
        let (outcomes, stats) = run_chunks(
            outcomes,
            to_send,
            WRITES_PER_BATCH,
            conn.batch_concurrency,
            |chunk| write_chunk(conn, entries, chunk, retry, rebuild),
            || WriteOutcome::Failed(Arc::new(request_shape(no_outcome()))),
        )
        .await;
        Ok(BatchWriteReport {
            outcomes,
            execution_time: started.elapsed(),
            stats,
        })
    }
}

/// Sends one chunk (at most 25 writes) until every write is applied, fails for good, or the
/// retries run out.
async fn write_chunk(
    conn: &Connection,
    entries: &[Entry],
    chunk: Vec<usize>,
    retry: RetryConfig,
    rebuild: Option<Rebuild<'_>>,
) -> (Vec<(usize, WriteOutcome)>, BatchStats) {
    let tables = |indices: &[usize]| table_list(indices.iter().map(|&i| &*entries[i].table));
    let failed = |error: &Arc<Error>| WriteOutcome::Failed(Arc::clone(error));
    let unknown = |error: &Arc<Error>| WriteOutcome::Unknown(Arc::clone(error));
    retry_chunk(
        "BatchWriteItem",
        chunk,
        retry,
        tables,
        failed,
        unknown,
        |pending| async move {
            // Grouped under the shared names; each name is copied once per call. A deferred
            // request that cannot be built (an item DynamoDB would refuse) fails alone; it was
            // never sent.
            let mut by_table: Vec<(&str, Vec<WriteRequest>)> = Vec::new();
            let mut refused = Vec::new();
            let mut sent = Vec::with_capacity(pending.len());
            for &i in &pending {
                if let Some(prepared) = &entries[i].prepared {
                    let table = &*entries[i].table;
                    let request = match prepared.for_call(i, table, rebuild) {
                        Ok(request) => request,
                        Err(error) => {
                            refused.push((i, WriteOutcome::Failed(Arc::new(error))));
                            continue;
                        }
                    };
                    sent.push(i);
                    let at = match by_table.iter().position(|(name, _)| *name == table) {
                        Some(at) => at,
                        None => {
                            by_table.push((table, Vec::with_capacity(pending.len())));
                            by_table.len() - 1
                        }
                    };
                    by_table[at].1.push(request);
                }
            }
            if sent.is_empty() {
                return Ok((refused, Vec::new(), Default::default(), false));
            }
            let pending = sent;
            let request_items: HashMap<String, Vec<WriteRequest>> = by_table
                .into_iter()
                .map(|(table, requests)| (table.to_owned(), requests))
                .collect();
            let log = AttemptLog::default();
            let (output, capacity) = conn
                .sdk
                .batch_write_item()
                .set_request_items(Some(request_items))
                .set_return_consumed_capacity(capacity::wanted())
                .customize()
                .interceptor(log.clone())
                .send()
                .observed_by(conn, "BatchWriteItem", &tables(&pending), Side::Write)
                .await
                .map_err(|error| log.judge(error, "BatchWriteItem", tables(&pending)))?;
            let unprocessed = output.unprocessed_items.unwrap_or_default();
            let left = match_unprocessed(entries, &pending, unprocessed);
            let left_set: HashSet<usize> = left.iter().copied().collect();
            let mut settled = refused;
            settled.extend(
                pending
                    .iter()
                    .filter(|i| !left_set.contains(i))
                    .map(|&i| (i, WriteOutcome::Written)),
            );
            Ok((settled, left, capacity, log.unanswered() > 0))
        },
    )
    .await
}

/// The pending writes DynamoDB returned as unprocessed; each returned request goes back to its
/// write for the next call. If any returned request cannot be matched to a pending write, all
/// pending writes count as unprocessed: sending a put or delete twice is harmless, reporting an
/// unapplied one as written is not.
fn match_unprocessed(
    entries: &[Entry],
    pending: &[usize],
    unprocessed: HashMap<String, Vec<WriteRequest>>,
) -> Vec<usize> {
    if unprocessed.values().all(Vec::is_empty) {
        return Vec::new();
    }
    let by_key: FastMap<&str, usize> = pending
        .iter()
        .filter_map(|&i| {
            entries[i]
                .prepared
                .as_ref()
                .map(|p| (p.fingerprint.as_str(), i))
        })
        .collect();
    let names: FastMap<&str, KeyNames> = pending
        .iter()
        .map(|&i| (&*entries[i].table, entries[i].key_names))
        .collect();
    let mut left = Vec::new();
    // One buffer for every returned request's fingerprint.
    let mut buffer = String::new();
    for (table, requests) in unprocessed {
        let Some(&key_names) = names.get(table.as_str()) else {
            return pending.to_vec();
        };
        for request in requests {
            let index =
                fingerprint_into(&mut buffer, &table, key_names, request_attributes(&request))
                    .then(|| by_key.get(buffer.as_str()).copied())
                    .flatten();
            match (index, index.and_then(|i| entries[i].prepared.as_ref())) {
                (Some(i), Some(prepared)) => {
                    prepared.request.put_back(request);
                    left.push(i);
                }
                _ => return pending.to_vec(),
            }
        }
    }
    left.sort_unstable();
    left.dedup();
    left
}

/// The item of a put, or the key of a delete.
fn request_attributes(request: &WriteRequest) -> &Item {
    static EMPTY: std::sync::OnceLock<Item> = std::sync::OnceLock::new();
    request
        .put_request()
        .map(PutRequest::item)
        .or_else(|| request.delete_request().map(DeleteRequest::key))
        .unwrap_or_else(|| EMPTY.get_or_init(HashMap::new))
}

/// A put of `item` into `table`, checked, and its key's fingerprint.
fn prepare_put<T: DynamoTable>(table: &str, item: &T) -> Result<(WriteRequest, String)> {
    let attributes = checked_item(table, item)?;
    let fp = key_fingerprint(table, key_names::<T>(), &attributes)?;
    Ok((put_request(attributes)?, fp))
}

/// `item` encoded for `table`, checked as DynamoDB would check it (keys, values, size).
fn checked_item<T: DynamoTable>(table: &str, item: &T) -> Result<Item> {
    let attributes = encode(table, item)?;
    check_item_size(table, key_names::<T>(), &attributes)?;
    Ok(attributes)
}

fn put_request(attributes: Item) -> Result<WriteRequest> {
    let put = PutRequest::builder()
        .set_item(Some(attributes))
        .build()
        .map_err(|e| request_shape(format!("could not build a put request: {e}")))?;
    Ok(WriteRequest::builder().put_request(put).build())
}

/// A delete of the item with this key from `table`, and its key's fingerprint.
fn prepare_delete<T: DynamoTable>(
    table: &str,
    pk: &T::PK,
    sk: Option<&T::SK>,
) -> Result<(WriteRequest, String)> {
    let key = key_map::<T>(table, pk, sk)?;
    let fp = key_fingerprint(table, key_names::<T>(), &key)?;
    let delete = DeleteRequest::builder()
        .set_key(Some(key))
        .build()
        .map_err(|e| request_shape(format!("could not build a delete request: {e}")))?;
    Ok((WriteRequest::builder().delete_request(delete).build(), fp))
}

fn key_fingerprint(table: &str, key_names: KeyNames, attributes: &Item) -> Result<String> {
    fingerprint(table, key_names, attributes)
        .ok_or_else(|| request_shape(format!("an item for table `{table}` has no key attributes")))
}

fn request_shape(message: String) -> Error {
    Error::invalid(InvalidReason::RequestShape, message)
}

fn no_outcome() -> String {
    "internal error of dynamo_table: no outcome for this write; please report it".to_owned()
}

/// Puts every item into `T`'s table, each paired with its outcome.
pub(crate) async fn put_items<T: DynamoTable>(
    table: &TableRef,
    items: Vec<T>,
) -> Result<BatchWriteResult<T>> {
    let mut batch = new_batch(table);
    for item in &items {
        batch.push_deferred_put(item);
    }
    // Write `i` is `items[i]`: its request is encoded when its first call is sent, and again
    // after a call that failed whole took it.
    let rebuild = |i: usize, table: &str| match items.get(i) {
        Some(item) => checked_item(table, item).and_then(put_request),
        None => Err(request_shape(no_outcome())),
    };
    let report = batch.execute_with(Some(&rebuild)).await?;
    Ok(split(items, report))
}

/// Deletes the items of `T`'s table with these keys, each paired with its outcome.
pub(crate) async fn delete_keys<T: DynamoTable>(
    table: &TableRef,
    keys: Vec<KeyOf<T>>,
) -> Result<BatchWriteResult<KeyOf<T>>> {
    let mut batch = new_batch(table);
    for (pk, sk) in &keys {
        batch.push_delete::<T>(pk, sk.as_ref());
    }
    // Write `i` deletes `keys[i]`.
    let rebuild = |i: usize, table: &str| match keys.get(i) {
        Some((pk, sk)) => prepare_delete::<T>(table, pk, sk.as_ref()).map(|(request, _)| request),
        None => Err(request_shape(no_outcome())),
    };
    let report = batch.execute_with(Some(&rebuild)).await?;
    Ok(split(keys, report))
}

/// A batch on `table`'s connection with `table`'s retry settings.
pub(crate) fn new_batch(table: &TableRef) -> BatchWrite {
    BatchWrite::new(table.conn.clone()).retry(table.batch_retry)
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
/// let result = users.batch_put(batch).await?;
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
    /// The values that may or may not have been written (a call that carried them went
    /// unanswered), each with the error. Sending them again is safe.
    pub unknown: Vec<Failed<V>>,
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
        self.failed.is_empty() && self.unknown.is_empty()
    }
}

/// Pairs each input value with its outcome.
pub(crate) fn split<V>(values: Vec<V>, report: BatchWriteReport) -> BatchWriteResult<V> {
    let mut result = BatchWriteResult {
        items: Vec::with_capacity(values.len()),
        failed: Vec::new(),
        unknown: Vec::new(),
        superseded: Vec::new(),
        execution_time: report.execution_time,
        stats: report.stats,
    };
    for (value, outcome) in values.into_iter().zip(report.outcomes) {
        match outcome {
            WriteOutcome::Written => result.items.push(value),
            WriteOutcome::Superseded { .. } => result.superseded.push(value),
            WriteOutcome::Failed(error) => result.failed.push(Failed { value, error }),
            WriteOutcome::Unknown(error) => result.unknown.push(Failed { value, error }),
        }
    }
    result
}
