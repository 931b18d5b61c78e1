//! `BatchWriteItem` that accounts for every item: chunking, de-duplication, bounded
//! concurrency, and retries of unprocessed items with backoff.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use dynamo_table_rules::limits::WRITES_PER_BATCH;

use super::chunks::{CallFailed, retry_chunk, run_chunks};
use super::key_hash::{
    FastMap, Found, find_repeats, group_of, key_hash, table_list, typed_key_hash,
};
use super::results::{BatchStats, CallCapacity, Failed};
use super::runs::Runs;
use crate::codec::item::encode;
use crate::codec::key::{Item, describe_key, key_map};
use crate::codec::size::check_item_size;
use crate::error::{Error, InvalidReason, Result};
use crate::operations::TableRef;
use crate::operations::version::refuse_unchecked;
use crate::request::attempts::{AttemptLog, CountedExt};
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

/// One write added by itself (`BatchWrite::put`, `delete`).
#[derive(Debug)]
struct Entry {
    kind: Kind,
    /// Its table: an index into [`BatchWrite::tables`].
    table: u32,
    /// Its key's hash ([`key_hash`]); `None` when it was refused while being prepared.
    key: Option<u64>,
    /// Its request, copied into each call that carries it; `None` when it was refused.
    request: Option<Box<WriteRequest>>,
}

/// The writes of a batch.
#[derive(Debug)]
enum Writes {
    /// Added one at a time, each with its request.
    Listed(Vec<Entry>),
    /// `len` writes of one kind to one table, made from the caller's values by the batch's
    /// [`Build`] (`Table::batch_put`, `batch_delete`): their keys are hashed and their requests
    /// built when needed, so the batch holds nothing per write beside the caller's values.
    Uniform { kind: Kind, table: u32, len: usize },
}

impl Writes {
    fn len(&self) -> usize {
        match self {
            Writes::Listed(entries) => entries.len(),
            Writes::Uniform { len, .. } => *len,
        }
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        match self {
            Writes::Listed(entries) => entries.get(i).map(|e| e.kind),
            Writes::Uniform { kind, len, .. } => (i < *len).then_some(*kind),
        }
    }

    /// Write `i`'s table number.
    fn table(&self, i: usize) -> Option<u32> {
        match self {
            Writes::Listed(entries) => entries.get(i).map(|e| e.table),
            Writes::Uniform { table, len, .. } => (i < *len).then_some(*table),
        }
    }

    /// Write `i`'s own request, if it keeps one.
    fn request(&self, i: usize) -> Option<&WriteRequest> {
        match self {
            Writes::Listed(entries) => entries.get(i)?.request.as_deref(),
            Writes::Uniform { .. } => None,
        }
    }

    /// Write `i`'s key hash: kept, or computed by `rebuild`. `Ok(None)` for a write refused
    /// when it was added (its error is kept apart); `Err` for a key `rebuild` refuses.
    fn hash(
        &self,
        i: usize,
        tables: &[WrittenTable],
        rebuild: Option<Rebuild<'_>>,
    ) -> Result<Option<u64>> {
        match (self, rebuild) {
            (Writes::Listed(entries), _) => Ok(entries.get(i).and_then(|e| e.key)),
            (Writes::Uniform { table, .. }, Some(build)) => {
                let name = tables.get(*table as usize).map_or("", |t| &*t.name);
                build.key_hash(i, name, *table).map(Some)
            }
            (Writes::Uniform { .. }, None) => Err(request_shape(no_outcome())),
        }
    }
}

/// A table written by the batch.
#[derive(Debug)]
struct WrittenTable {
    /// `DynamoTable::TABLE`.
    type_table: &'static str,
    /// The full name (with the client's prefix), shared by its writes' calls.
    name: Arc<str>,
    key_names: KeyNames,
}

/// Builds the requests of writes that hold none, from the caller's values, when a call is
/// about to carry them: batches over the caller's values (`Table::batch_put`, `batch_delete`)
/// hold no copy of their requests, only the requests in flight.
pub(crate) trait Build: Sync {
    /// Write `i`'s request for `table` (its full name).
    fn request(&self, i: usize, table: &str) -> Result<WriteRequest>;
    /// Write `i`'s key map, which tells two writes apart (without encoding a whole item).
    fn key(&self, i: usize, table: &str) -> Result<Item>;
    /// Write `i`'s key hash ([`key_hash`]) in the table numbered `number`, or why the key is
    /// refused.
    fn key_hash(&self, i: usize, table: &str, number: u32) -> Result<u64>;
}

/// The [`Build`] of a batch, if its writes hold no requests.
pub(crate) type Rebuild<'a> = &'a dyn Build;

/// Write `i` puts the `i`th item.
struct Puts<'a, T>(&'a [T]);

impl<T: DynamoTable> Build for Puts<'_, T> {
    fn request(&self, i: usize, table: &str) -> Result<WriteRequest> {
        let item = self.0.get(i).ok_or_else(|| request_shape(no_outcome()))?;
        checked_item(table, item).and_then(put_request)
    }

    fn key(&self, i: usize, table: &str) -> Result<Item> {
        let item = self.0.get(i).ok_or_else(|| request_shape(no_outcome()))?;
        key_map::<T>(table, &item.partition_key(), item.sort_key().as_ref())
    }

    fn key_hash(&self, i: usize, table: &str, number: u32) -> Result<u64> {
        let item = self.0.get(i).ok_or_else(|| request_shape(no_outcome()))?;
        typed_key_hash::<T>(
            table,
            number,
            &item.partition_key(),
            item.sort_key().as_ref(),
        )
    }
}

/// Write `i` deletes the `i`th key.
struct Deletes<'a, T: DynamoTable>(&'a [KeyOf<T>]);

impl<T: DynamoTable> Build for Deletes<'_, T> {
    fn request(&self, i: usize, table: &str) -> Result<WriteRequest> {
        let (pk, sk) = self.0.get(i).ok_or_else(|| request_shape(no_outcome()))?;
        delete_request::<T>(table, pk, sk.as_ref())
    }

    fn key(&self, i: usize, table: &str) -> Result<Item> {
        let (pk, sk) = self.0.get(i).ok_or_else(|| request_shape(no_outcome()))?;
        key_map::<T>(table, pk, sk.as_ref())
    }

    fn key_hash(&self, i: usize, table: &str, number: u32) -> Result<u64> {
        let (pk, sk) = self.0.get(i).ok_or_else(|| request_shape(no_outcome()))?;
        typed_key_hash::<T>(table, number, pk, sk.as_ref())
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
    writes: Writes,
    /// Writes refused before sending, by index.
    refused: Vec<(usize, Error)>,
    /// Why the whole batch is refused: it writes a table with a version attribute.
    versioned: Option<Error>,
    retry: Option<RetryConfig>,
    /// The tables written so far: each name is formatted once, not once per write.
    tables: Vec<WrittenTable>,
    /// Whether each call's capacity is kept, beside the total.
    call_capacity: CallCapacity,
}

/// What a batch's calls achieved.
struct Ran {
    outcomes: Outcomes,
    execution_time: Duration,
    stats: BatchStats,
}

impl BatchWrite {
    pub(crate) fn new(conn: Connection) -> Self {
        BatchWrite {
            conn,
            writes: Writes::Listed(Vec::new()),
            refused: Vec::new(),
            versioned: None,
            retry: None,
            tables: Vec::new(),
            call_capacity: CallCapacity::Total,
        }
    }

    /// A batch of `len` writes of `kind` to `T`'s table, on `table`'s connection with its retry
    /// settings, whose keys and requests the [`Build`] given to [`run`](Self::run) makes.
    fn uniform<T: DynamoTable>(table: &TableRef, kind: Kind, len: usize) -> Self {
        let mut batch = BatchWrite::new(table.conn.clone()).retry(table.batch_retry);
        let number = batch.table::<T>();
        batch.adopt_defaults::<T>();
        batch.writes = Writes::Uniform {
            kind,
            table: number,
            len,
        };
        batch
    }

    /// The number of `T`'s table among the batch's tables, added if new.
    fn table<T: DynamoTable>(&mut self) -> u32 {
        // A batch writes few tables: a linear search beats hashing a name per write.
        let at = match self.tables.iter().position(|t| t.type_table == T::TABLE) {
            Some(at) => at,
            None => {
                self.tables.push(WrittenTable {
                    type_table: T::TABLE,
                    name: Arc::from(self.conn.table_name::<T>()),
                    key_names: key_names::<T>(),
                });
                self.tables.len() - 1
            }
        };
        // Each table is added by a distinct type: far fewer than u32::MAX.
        u32::try_from(at).unwrap_or(u32::MAX)
    }

    /// Table number `table`'s full name.
    fn table_name(&self, table: u32) -> &str {
        self.tables
            .get(table as usize)
            .map_or("(unknown table)", |t| &*t.name)
    }

    /// Sets how unprocessed writes are retried (default: the `BATCH_RETRIES_CONFIG` of the first
    /// table added).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Keeps the capacity of each call as well as the total, for the published API, which
    /// reports it per call.
    pub(crate) fn keeping_each_call_capacity(mut self) -> Self {
        self.call_capacity = CallCapacity::Each;
        self
    }

    /// Adds a put of `item` into its table.
    pub fn put<T: DynamoTable>(mut self, item: &T) -> Self {
        let table = self.table::<T>();
        let prepared = checked_item(self.table_name(table), item).and_then(|attributes| {
            let key = entry_key(self.table_name(table), table, key_names::<T>(), &attributes)?;
            Ok((put_request(attributes)?, key))
        });
        self.push::<T>(Kind::Put, table, prepared);
        self
    }

    /// Adds a delete of the item with this key from `T`'s table: a typed key struct
    /// (`OrderKey`) or a `(pk, Option<sk>)` pair.
    pub fn delete<T: DynamoTable>(mut self, key: impl IntoKey<T>) -> Self {
        let (pk, sk) = key.into_key();
        let table = self.table::<T>();
        let name = self.table_name(table);
        let prepared = delete_request::<T>(name, &pk, sk.as_ref()).and_then(|request| {
            let key = entry_key(name, table, key_names::<T>(), request_attributes(&request))?;
            Ok((request, key))
        });
        self.push::<T>(Kind::Delete, table, prepared);
        self
    }

    /// The number of writes added.
    pub fn len(&self) -> usize {
        self.writes.len()
    }

    /// True when no write was added.
    pub fn is_empty(&self) -> bool {
        self.writes.len() == 0
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

    /// Adds a write: its request and its key's hash, or why it is refused.
    fn push<T: DynamoTable>(
        &mut self,
        kind: Kind,
        table: u32,
        prepared: Result<(WriteRequest, u64)>,
    ) {
        self.adopt_defaults::<T>();
        // Only batches made by `new` take writes one at a time; `uniform` ones are run at once.
        let Writes::Listed(entries) = &mut self.writes else {
            return;
        };
        let (request, key) = match prepared {
            Ok((request, key)) => (Some(Box::new(request)), Some(key)),
            Err(error) => {
                self.refused.push((entries.len(), error));
                (None, None)
            }
        };
        entries.push(Entry {
            kind,
            table,
            key,
            request,
        });
    }

    /// Sends every write and reports what became of each.
    ///
    /// Returns `Err` only when the batch is contradictory (a put and a delete of the same key)
    /// or writes a table with a version attribute (`BatchWriteItem` cannot check versions),
    /// before anything is sent. Everything else, including invalid items, throttling and
    /// network failures, is reported per write in the [`BatchWriteReport`].
    pub async fn execute(self) -> Result<BatchWriteReport> {
        let ran = self.run(None).await?;
        Ok(BatchWriteReport {
            outcomes: ran.outcomes.into_outcomes().collect(),
            execution_time: ran.execution_time,
            stats: ran.stats,
        })
    }

    /// Sends every write, building the requests of writes that hold none with `rebuild` as
    /// their calls are sent.
    async fn run(self, rebuild: Option<Rebuild<'_>>) -> Result<Ran> {
        if let Some(error) = self.versioned {
            return Err(error);
        }
        let started = Instant::now();
        let retry = self.retry.unwrap_or_else(RetryConfig::batch_default);
        let mut outcomes = Outcomes::new(self.writes.len());
        for (index, error) in self.refused {
            outcomes.set(index, WriteOutcome::Failed(Arc::new(error)));
        }
        let batch = Sending {
            conn: &self.conn,
            writes: &self.writes,
            tables: &self.tables,
            rebuild,
        };
        batch.supersede_duplicates(&mut outcomes)?;
        let to_send = outcomes.pending();
        let stats = run_chunks(
            to_send,
            WRITES_PER_BATCH,
            self.conn.batch_concurrency,
            self.call_capacity,
            |chunk| write_chunk(&batch, chunk, retry),
            |index, outcome| outcomes.set(index, outcome),
        )
        .await;
        Ok(Ran {
            outcomes,
            execution_time: started.elapsed(),
            stats,
        })
    }
}

/// What the calls of a batch share.
struct Sending<'a> {
    conn: &'a Connection,
    writes: &'a Writes,
    tables: &'a [WrittenTable],
    rebuild: Option<Rebuild<'a>>,
}

impl Sending<'_> {
    fn table(&self, i: usize) -> &WrittenTable {
        // A write's table is added with it: its number is always in range.
        &self.tables[self.writes.table(i).unwrap_or(u32::MAX) as usize]
    }

    /// Write `i`'s key hash (see [`Writes::hash`]).
    fn hash(&self, i: usize) -> Result<Option<u64>> {
        self.writes.hash(i, self.tables, self.rebuild)
    }

    /// Write `i`'s request for a call: DynamoDB's unprocessed copy from the last call, a copy
    /// of its own, or one built now.
    fn request(
        &self,
        i: usize,
        returned: &mut FastMap<usize, WriteRequest>,
    ) -> Result<WriteRequest> {
        if let Some(request) = returned.remove(&i) {
            return Ok(request);
        }
        match (self.writes.request(i), self.rebuild) {
            (Some(request), _) => Ok(request.clone()),
            (None, Some(build)) => build.request(i, &self.table(i).name),
            (None, None) => Err(request_shape(no_outcome())),
        }
    }

    /// Write `i`'s key attributes: from its own request, or built by the batch's [`Build`];
    /// `None` if neither can give them.
    fn key_of(&self, i: usize) -> Option<Item> {
        let table = self.tables.get(self.writes.table(i)? as usize)?;
        match (self.writes.request(i), self.rebuild) {
            (Some(request), _) => {
                let attributes = request_attributes(request);
                table
                    .key_names
                    .iter()
                    .map(|n| Some((n.to_owned(), attributes.get(n)?.clone())))
                    .collect()
            }
            (None, Some(build)) => build.key(i, &table.name).ok(),
            (None, None) => None,
        }
    }

    /// True when writes `a` and `b` have the same table and key. A key that cannot be read
    /// counts as different: both are then sent, and DynamoDB's answer is reported as it is.
    fn same_key(&self, a: usize, b: usize) -> bool {
        self.writes.table(a) == self.writes.table(b)
            && match (self.key_of(a), self.key_of(b)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }
    }

    /// Marks every write followed by a later write of the same key as superseded (the last
    /// write of a key wins), and a write whose key the batch's [`Build`] refuses as failed; a
    /// put and a delete of one key is an error.
    fn supersede_duplicates(&self, outcomes: &mut Outcomes) -> Result<()> {
        find_repeats(
            self.writes.len(),
            |i| self.hash(i),
            |a, b| self.same_key(a, b),
            |found| {
                match found {
                    Found::Refused(i, error) => {
                        outcomes.set(i, WriteOutcome::Failed(Arc::new(error)))
                    }
                    Found::Repeat { earlier, later } => {
                        if self.writes.kind(earlier) != self.writes.kind(later) {
                            return Err(self.conflict(earlier, later));
                        }
                        outcomes.set(earlier, WriteOutcome::Superseded { by: later });
                    }
                }
                Ok(())
            },
        )
    }

    /// The error for a put and a delete of one key (writes `earlier` and `later`).
    fn conflict(&self, earlier: usize, later: usize) -> Error {
        let table = self.table(later);
        let key = self.key_of(later).map_or_else(
            || "(not readable)".to_owned(),
            |k| describe_key(table.key_names, &k),
        );
        Error::invalid(
            InvalidReason::ConflictingWrites,
            format!(
                "the batch both puts and deletes the item with key {key} in table `{}` (writes \
                 {earlier} and {later}): DynamoDB rejects such a batch; keep one of the two",
                table.name
            ),
        )
    }
}

/// The outcomes of a batch's writes as they settle: which writes have one, as runs of indices
/// (see [`Runs`]: about one per chunk in flight, not a bit per write), and beside them the
/// outcomes that carry more than "written" (an error, the superseding write), which are few
/// unless much fails. A settled write not among those was written; a write not settled is
/// pending.
#[derive(Debug)]
struct Outcomes {
    len: usize,
    settled: Runs,
    others: FastMap<usize, WriteOutcome>,
}

impl Outcomes {
    fn new(len: usize) -> Self {
        Outcomes {
            len,
            settled: Runs::default(),
            others: FastMap::default(),
        }
    }

    fn set(&mut self, i: usize, outcome: WriteOutcome) {
        if i >= self.len {
            return;
        }
        self.settled.insert(i);
        if let WriteOutcome::Written = outcome {
            if !self.others.is_empty() {
                self.others.remove(&i);
            }
        } else {
            self.others.insert(i, outcome);
        }
    }

    /// The writes pending now, as a snapshot, to send while outcomes settle; while no write has
    /// an outcome (nothing refused or superseded), all of them, with no snapshot.
    fn pending(&self) -> impl Iterator<Item = usize> + Send + 'static {
        let snapshot = (!self.settled.is_empty()).then(|| self.settled.clone());
        (0..self.len).filter(move |&i| snapshot.as_ref().is_none_or(|settled| !settled.contains(i)))
    }

    /// One outcome per write, in order. A write left pending (which the engine never does)
    /// is a failure, never a lost write.
    fn into_outcomes(self) -> impl Iterator<Item = WriteOutcome> {
        let Outcomes {
            len,
            settled,
            mut others,
        } = self;
        (0..len).map(move |i| {
            let other = if others.is_empty() {
                None
            } else {
                others.remove(&i)
            };
            match other {
                Some(outcome) => outcome,
                None if settled.contains(i) => WriteOutcome::Written,
                None => WriteOutcome::Failed(Arc::new(request_shape(no_outcome()))),
            }
        })
    }
}

/// Sends one chunk (at most 25 writes) until every write is applied, fails for good, or the
/// retries run out.
async fn write_chunk(
    batch: &Sending<'_>,
    chunk: Vec<usize>,
    retry: RetryConfig,
) -> (Vec<(usize, WriteOutcome)>, BatchStats) {
    let tables = |indices: &[usize]| table_list(indices.iter().map(|&i| &*batch.table(i).name));
    let failed = |error: &Arc<Error>| WriteOutcome::Failed(Arc::clone(error));
    let unknown = |error: &Arc<Error>| WriteOutcome::Unknown(Arc::clone(error));
    // DynamoDB's copies of the requests it left unprocessed, for the next call.
    let returned: Mutex<FastMap<usize, WriteRequest>> = Mutex::default();
    let returned = &returned;
    retry_chunk(
        "BatchWriteItem",
        chunk,
        retry,
        tables,
        failed,
        unknown,
        |mut pending: Vec<usize>| async move {
            // Grouped under the shared names; each name is copied once per call. A request
            // that cannot be built (an item DynamoDB would refuse) fails alone, with its own
            // error: it is never sent, nor counted among the requests the call carried.
            let mut by_table: Vec<(&str, Vec<WriteRequest>)> = Vec::new();
            let mut refused = Vec::new();
            let size = pending.len();
            {
                let mut returned = returned.lock().unwrap_or_else(PoisonError::into_inner);
                pending.retain(|&i| match batch.request(i, &mut returned) {
                    Ok(request) => {
                        group_of(&mut by_table, &batch.table(i).name, || {
                            Vec::with_capacity(size)
                        })
                        .push(request);
                        true
                    }
                    Err(error) => {
                        refused.push((i, WriteOutcome::Failed(Arc::new(error))));
                        false
                    }
                });
            }
            if pending.is_empty() {
                return Ok((refused, Vec::new(), Default::default(), false));
            }
            let request_items: HashMap<String, Vec<WriteRequest>> = by_table
                .into_iter()
                .map(|(table, requests)| (table.to_owned(), requests))
                .collect();
            let log = AttemptLog::default();
            let answer = batch
                .conn
                .sdk
                .batch_write_item()
                .set_request_items(Some(request_items))
                .set_return_consumed_capacity(capacity::wanted())
                .send()
                .counted_in_boxed(&log)
                .observed_by(batch.conn, "BatchWriteItem", &tables(&pending), Side::Write)
                .await;
            let (output, capacity) = match answer {
                Ok(answer) => answer,
                Err(error) => {
                    let error = log.judge(error, "BatchWriteItem", tables(&pending));
                    return Err(CallFailed {
                        settled: refused,
                        carried: pending,
                        error,
                    });
                }
            };
            let unprocessed = output.unprocessed_items.unwrap_or_default();
            let (left, ambiguous) = {
                let mut returned = returned.lock().unwrap_or_else(PoisonError::into_inner);
                match_unprocessed(batch, &pending, unprocessed, &mut returned)
            };
            let left_set: HashSet<usize> = left.iter().copied().collect();
            let mut settled = refused;
            settled.extend(
                pending
                    .iter()
                    .filter(|i| !left_set.contains(i))
                    .map(|&i| (i, WriteOutcome::Written)),
            );
            // Writes counted as unprocessed because DynamoDB's answer could not be matched may
            // have been applied: unknown, not failed, if they end unsettled.
            Ok((settled, left, capacity, log.unanswered() > 0 || ambiguous))
        },
    )
    .await
}

/// The pending writes DynamoDB returned as unprocessed; each returned request is kept in
/// `returned` for the next call. If any returned request cannot be matched to exactly one
/// pending write, all pending writes count as unprocessed (and `true` says so): sending a put
/// or delete twice is harmless, reporting an unapplied one as written is not.
fn match_unprocessed(
    batch: &Sending<'_>,
    pending: &[usize],
    unprocessed: HashMap<String, Vec<WriteRequest>>,
    returned: &mut FastMap<usize, WriteRequest>,
) -> (Vec<usize>, bool) {
    if unprocessed.values().all(Vec::is_empty) {
        return (Vec::new(), false);
    }
    // Pending writes by key hash; `None` where two of them share one (ambiguous).
    let mut by_key: FastMap<u64, Option<usize>> = FastMap::default();
    for &i in pending {
        if let Ok(Some(hash)) = batch.hash(i) {
            by_key
                .entry(hash)
                .and_modify(|at| *at = None)
                .or_insert(Some(i));
        }
    }
    let mut left = Vec::new();
    for (table, requests) in unprocessed {
        let Some(number) = batch.tables.iter().position(|t| *t.name == *table) else {
            return (pending.to_vec(), true);
        };
        let key_names = batch.tables[number].key_names;
        let number = u32::try_from(number).unwrap_or(u32::MAX);
        for request in requests {
            let index = key_hash(number, key_names, request_attributes(&request))
                .and_then(|hash| by_key.get(&hash).copied().flatten());
            match index {
                Some(i) => {
                    returned.insert(i, request);
                    left.push(i);
                }
                None => return (pending.to_vec(), true),
            }
        }
    }
    left.sort_unstable();
    left.dedup();
    (left, false)
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

/// A delete of the item with this key from `table`.
fn delete_request<T: DynamoTable>(
    table: &str,
    pk: &T::PK,
    sk: Option<&T::SK>,
) -> Result<WriteRequest> {
    let delete = DeleteRequest::builder()
        .set_key(Some(key_map::<T>(table, pk, sk)?))
        .build()
        .map_err(|e| request_shape(format!("could not build a delete request: {e}")))?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

/// The hash of the key in `attributes`, for an entry of the table numbered `number`.
fn entry_key(table: &str, number: u32, key_names: KeyNames, attributes: &Item) -> Result<u64> {
    key_hash(number, key_names, attributes)
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
    // Write `i` is `items[i]`: its key is hashed from the item, and its request encoded when a
    // call is about to carry it.
    let batch = BatchWrite::uniform::<T>(table, Kind::Put, items.len());
    let ran = batch.run(Some(&Puts(&items))).await?;
    Ok(split(
        items,
        ran.outcomes.into_outcomes(),
        ran.execution_time,
        ran.stats,
    ))
}

/// Deletes the items of `T`'s table with these keys, each paired with its outcome.
pub(crate) async fn delete_keys<T: DynamoTable>(
    table: &TableRef,
    keys: Vec<KeyOf<T>>,
) -> Result<BatchWriteResult<KeyOf<T>>> {
    // Write `i` deletes `keys[i]`; its request is built when a call is about to carry it.
    let batch = BatchWrite::uniform::<T>(table, Kind::Delete, keys.len());
    let ran = batch.run(Some(&Deletes::<T>(&keys))).await?;
    Ok(split(
        keys,
        ran.outcomes.into_outcomes(),
        ran.execution_time,
        ran.stats,
    ))
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

/// Pairs each input value with its outcome. The written values stay where they are, in the
/// input's allocation: no second vector of the caller's values.
pub(crate) fn split<V>(
    mut values: Vec<V>,
    mut outcomes: impl Iterator<Item = WriteOutcome>,
    execution_time: Duration,
    stats: BatchStats,
) -> BatchWriteResult<V> {
    let mut result = BatchWriteResult {
        items: Vec::new(),
        failed: Vec::new(),
        unknown: Vec::new(),
        superseded: Vec::new(),
        execution_time,
        stats,
    };
    let mut others = Vec::new();
    let not_written: Vec<V> = values
        .extract_if(.., |_| match outcomes.next() {
            Some(WriteOutcome::Written) => false,
            Some(other) => {
                others.push(other);
                true
            }
            // An outcome the engine failed to record (a bug): a failure, never a lost value.
            None => {
                others.push(WriteOutcome::Failed(Arc::new(request_shape(no_outcome()))));
                true
            }
        })
        .collect();
    for (value, outcome) in not_written.into_iter().zip(others) {
        match outcome {
            // Not extracted, so not here; kept with the written ones if it were.
            WriteOutcome::Written => values.push(value),
            WriteOutcome::Superseded { .. } => result.superseded.push(value),
            WriteOutcome::Failed(error) => result.failed.push(Failed { value, error }),
            WriteOutcome::Unknown(error) => result.unknown.push(Failed { value, error }),
        }
    }
    result.items = values;
    result
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, Clone, Serialize, Deserialize)]
    struct Doc {
        id: String,
        body: String,
    }

    impl DynamoTable for Doc {
        type PK = String;
        type SK = String;
        const TABLE: &'static str = "docs";
        const PARTITION_KEY: &'static str = "id";
        fn partition_key(&self) -> String {
            self.id.clone()
        }
    }

    fn doc(id: &str, body: &str) -> Doc {
        Doc {
            id: id.into(),
            body: body.into(),
        }
    }

    /// A batch on a client that is never called.
    fn batch() -> BatchWrite {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .build();
        let sdk = aws_sdk_dynamodb::Client::from_conf(config);
        BatchWrite::new(Connection::new(sdk, "http://127.0.0.1:9".into()))
    }

    /// The entries of a batch made by `batch()`.
    fn entries(batch: &mut BatchWrite) -> &mut Vec<Entry> {
        match &mut batch.writes {
            Writes::Listed(entries) => entries,
            Writes::Uniform { .. } => panic!("a uniform batch has no entries"),
        }
    }

    /// Every write's key hash forced to one value: different keys then collide.
    fn collide(batch: &mut BatchWrite) {
        for entry in entries(batch) {
            entry.key = entry.key.map(|_| 42);
        }
    }

    /// `len` puts of `Doc`s built by the `Build` given when it is run, as `batch_put` makes.
    fn uniform(len: usize) -> BatchWrite {
        let mut uniform = batch();
        let table = uniform.table::<Doc>();
        uniform.writes = Writes::Uniform {
            kind: Kind::Put,
            table,
            len,
        };
        uniform
    }

    /// A [`Build`] whose key hashes all collide.
    struct Colliding<'a>(&'a dyn Build);

    impl Build for Colliding<'_> {
        fn request(&self, i: usize, table: &str) -> Result<WriteRequest> {
            self.0.request(i, table)
        }
        fn key(&self, i: usize, table: &str) -> Result<Item> {
            self.0.key(i, table)
        }
        fn key_hash(&self, i: usize, table: &str, number: u32) -> Result<u64> {
            self.0.key_hash(i, table, number).map(|_| 42)
        }
    }

    fn sending<'a>(batch: &'a BatchWrite, rebuild: Option<Rebuild<'a>>) -> Sending<'a> {
        Sending {
            conn: &batch.conn,
            writes: &batch.writes,
            tables: &batch.tables,
            rebuild,
        }
    }

    /// The outcomes `supersede_duplicates` gives the batch's writes.
    fn supersede(batch: &BatchWrite, rebuild: Option<Rebuild<'_>>) -> Result<Outcomes> {
        let mut outcomes = Outcomes::new(batch.len());
        sending(batch, rebuild).supersede_duplicates(&mut outcomes)?;
        Ok(outcomes)
    }

    /// (superseded write, the write that superseded it), in order.
    fn superseded(outcomes: Outcomes) -> Vec<(usize, usize)> {
        outcomes
            .into_outcomes()
            .enumerate()
            .filter_map(|(i, o)| match o {
                WriteOutcome::Superseded { by } => Some((i, by)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn keys_that_share_a_hash_are_told_apart_by_their_keys() {
        let mut kept = batch()
            .put(&doc("a", "1"))
            .put(&doc("b", "1"))
            .put(&doc("a", "2"))
            .put(&doc("c", "1"))
            .put(&doc("b", "2"));
        collide(&mut kept);
        assert_eq!(
            superseded(supersede(&kept, None).unwrap()),
            [(0, 2), (1, 4)]
        );

        // Writes that hold no request (batch_put): keys built from the values, including one
        // whose item is refused when encoded (too large), which is still told apart.
        let items = vec![
            doc("a", "1"),
            doc("b", &"x".repeat(500 * 1024)),
            doc("c", "1"),
            doc("a", "2"),
        ];
        let outcomes = supersede(&uniform(items.len()), Some(&Colliding(&Puts(&items)))).unwrap();
        assert_eq!(superseded(outcomes), [(0, 3)]);
    }

    #[test]
    fn duplicates_among_many_writes_are_all_found_and_refused_keys_fail() {
        // 20,000 puts; every 100th repeats the key of the write 5,000 before it, and one key
        // is empty (which DynamoDB refuses).
        let mut items: Vec<Doc> = (0..20_000).map(|i| doc(&format!("k{i}"), "v")).collect();
        let repeated: Vec<(usize, usize)> = (5_000..20_000)
            .step_by(100)
            .map(|later| (later - 5_000, later))
            .collect();
        for &(earlier, later) in &repeated {
            items[later].id = items[earlier].id.clone();
        }
        items[7].id.clear();
        let outcomes = supersede(&uniform(items.len()), Some(&Puts(&items))).unwrap();
        assert!(matches!(
            outcomes.others.get(&7),
            Some(WriteOutcome::Failed(_))
        ));
        assert_eq!(superseded(outcomes), repeated);
    }

    #[test]
    fn a_put_and_a_delete_of_one_key_are_refused_even_among_colliding_keys() {
        let mut conflicting = batch()
            .put(&doc("a", "1"))
            .put(&doc("b", "1"))
            .delete::<Doc>(("b".to_string(), None));
        collide(&mut conflicting);
        let error = supersede(&conflicting, None).unwrap_err();
        assert!(error.to_string().contains("writes 1 and 2"), "{error}");
    }

    #[test]
    fn outcomes_keep_a_bit_per_write_and_every_write_gets_one() {
        let mut fresh = Outcomes::new(3);
        assert_eq!(fresh.pending().collect::<Vec<_>>(), [0, 1, 2]);
        fresh.set(1, WriteOutcome::Written);
        assert_eq!(fresh.pending().collect::<Vec<_>>(), [0, 2]);

        let mut outcomes = Outcomes::new(5);
        outcomes.set(1, WriteOutcome::Superseded { by: 3 });
        outcomes.set(3, WriteOutcome::Written);
        outcomes.set(
            4,
            WriteOutcome::Unknown(Arc::new(request_shape("lost".into()))),
        );
        outcomes.set(9, WriteOutcome::Written);
        assert_eq!(outcomes.pending().collect::<Vec<_>>(), [0, 2]);
        assert_eq!(outcomes.others.len(), 2);
        let all: Vec<WriteOutcome> = outcomes.into_outcomes().collect();
        assert_eq!(all.len(), 5);
        // A write never settled is reported failed, never dropped.
        assert!(matches!(all[0], WriteOutcome::Failed(_)));
        assert!(matches!(all[1], WriteOutcome::Superseded { by: 3 }));
        assert!(matches!(all[3], WriteOutcome::Written));
        assert!(matches!(all[4], WriteOutcome::Unknown(_)));
    }

    #[test]
    fn an_unprocessed_write_is_matched_to_its_write_or_all_count_as_unprocessed() {
        let mut written = batch()
            .put(&doc("a", "1"))
            .put(&doc("b", "1"))
            .put(&doc("c", "1"));
        let matched = |batch: &BatchWrite| {
            let request = batch.writes.request(1).cloned().unwrap();
            let unprocessed = HashMap::from([("docs".to_owned(), vec![request])]);
            let mut returned = FastMap::default();
            let matched = match_unprocessed(
                &sending(batch, None),
                &[0, 1, 2],
                unprocessed,
                &mut returned,
            );
            (matched, returned.len())
        };
        assert_eq!(matched(&written), ((vec![1], false), 1));
        // Every write given b's hash: the answer matches three writes.
        let hash = entries(&mut written)[1].key;
        for entry in entries(&mut written) {
            entry.key = hash;
        }
        // The answer cannot be placed: every pending write is sent again, and may have been
        // applied.
        assert_eq!(matched(&written).0, (vec![0, 1, 2], true));
    }
}
