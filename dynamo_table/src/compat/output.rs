//! The published API's result types: a page of items ([`OutputItems`]) and its [`Cursor`], and
//! the reports of batch writes ([`BatchWriteOutput`]) and reads ([`BatchReadOutput`]). Each is
//! made from the native result it wraps.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use aws_sdk_dynamodb::operation::{query::QueryOutput, scan::ScanOutput};
use aws_sdk_dynamodb::types::{AttributeValue, ConsumedCapacity, ItemCollectionMetrics};

use crate::codec::item::decode_item;
use crate::error::{Error, Result};
use crate::operations::batch::{BatchGetResult, BatchStats, BatchWriteResult};
use crate::operations::read::{self, QueryResult};
use crate::schema::DynamoTable;

/// A key as the published API writes it: partition key and optional sort key.
pub type CompositeKey<PK, SK> = (PK, SortKey<SK>);
/// A partition key value (the published API's alias).
pub type PartitionKey<PK> = PK;
/// An optional sort key value (the published API's alias). Sort-key *conditions* are
/// [`SortCondition`](crate::read::SortCondition).
pub type SortKey<SK> = Option<SK>;

/// One page of a query or scan, as the published API returns it.
///
/// `start_cursor()` resumes the read exactly where the page stopped, for an index too (the
/// cursor keeps DynamoDB's whole `LastEvaluatedKey`, index keys included).
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "orders")]
/// # struct Order { #[dynamo(pk)] user_id: String, #[dynamo(sk)] order_id: String }
/// # async fn run() -> Result<(), dynamo_table::Error> {
/// let user = "u1".to_string();
/// let mut page = Order::query_items(&user, None, Some(25), None).await?;
/// loop {
///     println!("{} orders", page.items.len());
///     let Some(cursor) = page.start_cursor() else { break };
///     page = Order::query_items(&user, None, Some(25), cursor.exclusive_start_key()).await?;
/// }
/// # Ok(()) }
/// ```
#[must_use = "a page holds the items read and the cursor to the next page"]
pub struct OutputItems<T: DynamoTable> {
    /// The items of the page.
    pub items: Vec<T>,
    /// The page size the read asked for.
    pub limit: u16,
    /// Items returned (after any filter).
    pub count: i32,
    /// Items read (before any filter).
    pub scanned_count: i32,
    /// The table key of the last item read, when there are more pages.
    pub last_evaluated_key: Option<CompositeKey<T::PK, T::SK>>,
    /// Where the page stopped, exactly (index keys included).
    resume: Option<read::Cursor<T>>,
}

impl<T: DynamoTable> OutputItems<T> {
    /// The cursor to the next page, or `None` after the last page.
    pub fn start_cursor(&self) -> Option<Cursor<T>> {
        let (pk, sk) = self.last_evaluated_key.clone()?;
        Some(Cursor {
            pk,
            sk,
            resume: self.resume.clone(),
        })
    }

    /// A native page in the published shape. Fails if the page's last key does not decode as
    /// `T`'s key types.
    pub(crate) fn from_page(page: QueryResult<T>, limit: u16) -> Result<Self> {
        let resume = page.start_cursor();
        let last_evaluated_key = match &resume {
            Some(cursor) => Some(table_key_of::<T>(cursor.key())?),
            None => None,
        };
        Ok(OutputItems {
            count: count(page.count),
            scanned_count: count(page.scanned_count),
            items: page.items,
            limit,
            last_evaluated_key,
            resume,
        })
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The table key held in a `LastEvaluatedKey`, decoded as `T`'s key types.
fn table_key_of<T: DynamoTable>(
    key: &HashMap<String, AttributeValue>,
) -> Result<CompositeKey<T::PK, T::SK>> {
    let pk = key_part::<T, T::PK>(key, T::PARTITION_KEY)?;
    let sk = match T::SORT_KEY {
        Some(name) => Some(key_part::<T, T::SK>(key, name)?),
        None => None,
    };
    Ok((pk, sk))
}

/// One attribute of a `LastEvaluatedKey`, decoded.
fn key_part<T: DynamoTable, V: serde::de::DeserializeOwned>(
    key: &HashMap<String, AttributeValue>,
    name: &str,
) -> Result<V> {
    let fail = |source| Error::Deserialization {
        table: T::TABLE.to_owned(),
        type_name: std::any::type_name::<V>(),
        attribute: name.to_owned(),
        source,
    };
    match key.get(name) {
        Some(value) => serde_dynamo::from_attribute_value(value.clone()).map_err(fail),
        None => Err(fail(serde::de::Error::custom(
            "the page's last key lacks this key attribute",
        ))),
    }
}

impl<T: DynamoTable> Default for OutputItems<T> {
    fn default() -> Self {
        OutputItems {
            items: Vec::new(),
            limit: 0,
            count: 0,
            scanned_count: 0,
            last_evaluated_key: None,
            resume: None,
        }
    }
}

impl<T: DynamoTable + Clone> Clone for OutputItems<T> {
    fn clone(&self) -> Self {
        OutputItems {
            items: self.items.clone(),
            limit: self.limit,
            count: self.count,
            scanned_count: self.scanned_count,
            last_evaluated_key: self.last_evaluated_key.clone(),
            resume: self.resume.clone(),
        }
    }
}

impl<T: DynamoTable + fmt::Debug> fmt::Debug for OutputItems<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutputItems")
            .field("items", &self.items)
            .field("limit", &self.limit)
            .field("count", &self.count)
            .field("scanned_count", &self.scanned_count)
            .field("last_evaluated_key", &self.last_evaluated_key)
            .finish()
    }
}

/// Decodes a raw SDK page. The published crate had `From` here, which cannot report an item
/// that does not decode; this conversion fails instead of dropping it.
///
/// ```
/// # use dynamo_table::DynamoTable;
/// # use dynamo_table::table::OutputItems;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// use dynamo_table::aws_sdk_dynamodb::operation::query::QueryOutput;
/// let raw = QueryOutput::builder().count(0).scanned_count(0).build();
/// let page = OutputItems::<User>::try_from((raw, 10)).unwrap();
/// assert!(page.items.is_empty() && page.last_evaluated_key.is_none());
/// ```
impl<T: DynamoTable> TryFrom<(QueryOutput, u16)> for OutputItems<T> {
    type Error = Error;

    fn try_from((output, limit): (QueryOutput, u16)) -> Result<Self> {
        from_raw(
            output.items,
            output.count,
            output.scanned_count,
            output.last_evaluated_key,
            limit,
        )
    }
}

/// Decodes a raw SDK scan page; see the query form.
impl<T: DynamoTable> TryFrom<(ScanOutput, u16)> for OutputItems<T> {
    type Error = Error;

    fn try_from((output, limit): (ScanOutput, u16)) -> Result<Self> {
        from_raw(
            output.items,
            output.count,
            output.scanned_count,
            output.last_evaluated_key,
            limit,
        )
    }
}

fn from_raw<T: DynamoTable>(
    items: Option<Vec<HashMap<String, AttributeValue>>>,
    count: i32,
    scanned_count: i32,
    last_key: Option<HashMap<String, AttributeValue>>,
    limit: u16,
) -> Result<OutputItems<T>> {
    let items = items
        .unwrap_or_default()
        .into_iter()
        .map(|item| decode_item(T::TABLE, item))
        .collect::<Result<Vec<T>>>()?;
    let last_evaluated_key = match &last_key {
        Some(key) => Some(table_key_of::<T>(key)?),
        None => None,
    };
    Ok(OutputItems {
        items,
        limit,
        count,
        scanned_count,
        last_evaluated_key,
        resume: None,
    })
}

/// Where a page stopped: the table key of its last item (`pk`, `sk`) and, kept inside, the
/// exact key DynamoDB returned, so a query of an index resumes exactly.
///
/// For a table query pass [`Cursor::exclusive_start_key`]; for an index query
/// ([`GSITable`](crate::GSITable)) pass the cursor itself.
#[must_use = "a cursor resumes a read at the next page"]
pub struct Cursor<T: DynamoTable> {
    /// The partition key of the last item read.
    pub pk: T::PK,
    /// The sort key of the last item read (`None` when the table has none).
    pub sk: Option<T::SK>,
    resume: Option<read::Cursor<T>>,
}

impl<T: DynamoTable> Cursor<T> {
    /// The partition key of the last item read.
    pub fn partition_key(&self) -> &T::PK {
        &self.pk
    }

    /// The sort key of the last item read.
    pub fn sort_key(&self) -> Option<&T::SK> {
        self.sk.as_ref()
    }

    /// The value a table query takes as `exclusive_start_key`.
    pub fn exclusive_start_key(&self) -> Option<&T::SK> {
        self.sort_key()
    }

    /// The native cursor, which resumes exactly (index keys included).
    pub(crate) fn into_native(self) -> Option<read::Cursor<T>> {
        self.resume
    }
}

impl<T: DynamoTable> Clone for Cursor<T> {
    fn clone(&self) -> Self {
        Cursor {
            pk: self.pk.clone(),
            sk: self.sk.clone(),
            resume: self.resume.clone(),
        }
    }
}

impl<T: DynamoTable> fmt::Debug for Cursor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("pk", &self.pk)
            .field("sk", &self.sk)
            .finish()
    }
}

/// What a batch write did, as the published API reports it: each put and each delete is in
/// exactly one of the processed and failed lists.
#[must_use = "a batch write may fail for some items: check failed_puts and failed_deletes"]
#[derive(Debug)]
pub struct BatchWriteOutput<T: DynamoTable> {
    /// Puts DynamoDB applied (a put followed by a later write of the same key counts here: the
    /// later one wins, as if in order).
    pub processed_puts: Vec<T>,
    /// Puts that were not applied, or may not have been (sending them again is safe).
    pub failed_puts: Vec<T>,
    /// Deletes DynamoDB applied.
    pub processed_deletes: Vec<T>,
    /// Deletes that were not applied, or may not have been (sending them again is safe).
    pub failed_deletes: Vec<T>,
    /// Wall time of the whole call.
    pub total_duration: Duration,
    /// Requests sent again (unprocessed items and retried errors).
    pub retry_count: usize,
    /// Always empty: the library does not ask for item collection metrics.
    pub item_collection_metrics: HashMap<String, Vec<ItemCollectionMetrics>>,
    /// The capacity each request consumed, one entry per request.
    pub consumed_capacity: Vec<ConsumedCapacity>,
}

impl<T: DynamoTable> BatchWriteOutput<T> {
    /// Splits a native result whose values are tagged `true` for a put, `false` for a delete.
    pub(crate) fn from_result(table: &str, result: BatchWriteResult<(bool, T)>) -> Self {
        let mut out = BatchWriteOutput {
            processed_puts: Vec::new(),
            failed_puts: Vec::new(),
            processed_deletes: Vec::new(),
            failed_deletes: Vec::new(),
            total_duration: result.execution_time,
            retry_count: result.stats.retries as usize,
            item_collection_metrics: HashMap::new(),
            consumed_capacity: capacity_list(table, &result.stats),
        };
        let processed = result.items.into_iter().chain(result.superseded);
        for (is_put, item) in processed {
            match is_put {
                true => out.processed_puts.push(item),
                false => out.processed_deletes.push(item),
            }
        }
        // The published API has no third outcome: a write that may or may not have been
        // applied is reported failed, so the caller sends it again, which is safe.
        for failed in result.failed.into_iter().chain(result.unknown) {
            match failed.value {
                (true, item) => out.failed_puts.push(item),
                (false, item) => out.failed_deletes.push(item),
            }
        }
        out
    }

    /// True when nothing failed.
    pub fn is_success(&self) -> bool {
        self.failed_puts.is_empty() && self.failed_deletes.is_empty()
    }

    /// Puts and deletes applied.
    pub fn processed_count(&self) -> usize {
        self.processed_puts.len() + self.processed_deletes.len()
    }

    /// Puts and deletes not applied.
    pub fn failed_count(&self) -> usize {
        self.failed_puts.len() + self.failed_deletes.len()
    }

    /// Applied writes as a percentage of all writes (100 for an empty call).
    pub fn success_rate(&self) -> f64 {
        percent(self.processed_count(), self.failed_count())
    }
}

/// What a batch read found, as the published API reports it. Keys with no item are in
/// neither list.
#[must_use = "a batch read may fail for some keys: check failed_keys"]
#[derive(Debug)]
pub struct BatchReadOutput<T: DynamoTable> {
    /// The items found.
    pub items: Vec<T>,
    /// Keys that could not be read.
    pub failed_keys: Vec<CompositeKey<T::PK, T::SK>>,
    /// Wall time of the whole call.
    pub total_duration: Duration,
    /// Requests sent again (unprocessed keys and retried errors).
    pub retry_count: usize,
    /// The capacity each request consumed, one entry per request.
    pub consumed_capacity: Vec<ConsumedCapacity>,
}

impl<T: DynamoTable> BatchReadOutput<T> {
    pub(crate) fn from_result(table: &str, result: BatchGetResult<T>) -> Self {
        BatchReadOutput {
            items: result.items,
            failed_keys: result.failed_keys.into_iter().map(|f| f.value).collect(),
            total_duration: result.execution_time,
            retry_count: result.stats.retries as usize,
            consumed_capacity: capacity_list(table, &result.stats),
        }
    }

    /// True when every key was read (found or not).
    pub fn is_success(&self) -> bool {
        self.failed_keys.is_empty()
    }

    /// Items found plus keys that failed (keys with no item are not counted).
    pub fn total_requested(&self) -> usize {
        self.items.len() + self.failed_keys.len()
    }

    /// Items found as a percentage of [`total_requested`](Self::total_requested) (100 when 0).
    pub fn success_rate(&self) -> f64 {
        percent(self.items.len(), self.failed_keys.len())
    }
}

fn percent(done: usize, failed: usize) -> f64 {
    let total = done + failed;
    if total == 0 {
        return 100.0;
    }
    done as f64 / total as f64 * 100.0
}

/// The capacity of each request of a batch call, as the SDK's `ConsumedCapacity`; empty when
/// DynamoDB reported none.
fn capacity_list(table: &str, stats: &BatchStats) -> Vec<ConsumedCapacity> {
    if stats.capacity.total() == 0.0 {
        return Vec::new();
    }
    stats
        .per_call
        .iter()
        .map(|c| {
            ConsumedCapacity::builder()
                .table_name(table)
                .capacity_units(c.total())
                .read_capacity_units(c.read_units)
                .write_capacity_units(c.write_units)
                .build()
        })
        .collect()
}
