//! Queries: one partition of a table or index, with a sort-key condition, a filter, pages,
//! counts and streams.

use std::borrow::Cow;

use aws_sdk_dynamodb::types::AttributeValue;
use futures::Stream;
use serde::Serialize;

use super::page::{Cursor, QueryResult};
use super::plan::{Read, shared_read_methods};
use super::projected::Projected;
use crate::codec::key::{KeyRole, key_attribute};
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{Bound, IntoExpression, LibraryPlaceholders, Projection};
use crate::operations::TableRef;
use crate::request::capacity::Capacity;
use crate::schema::{DynamoTable, KeyNames, KeyType, KeyValue};

/// A condition on the sort key of a query.
///
/// ```
/// use dynamo_table::read::SortCondition;
/// let recent: SortCondition<String> = SortCondition::BeginsWith("2024-".into());
/// let range = SortCondition::Between(100u64, 200u64);
/// # let _ = (recent, range);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortCondition<K> {
    /// `sk = value`
    Eq(K),
    /// `sk < value`
    Lt(K),
    /// `sk <= value`
    Le(K),
    /// `sk > value`
    Gt(K),
    /// `sk >= value`
    Ge(K),
    /// `sk BETWEEN low AND high` (both included)
    Between(K, K),
    /// `begins_with(sk, prefix)`: string sort keys only.
    BeginsWith(String),
}

/// A query on one partition of a table or index. Build it with [`Table::query`](crate::Table::query) or
/// [`IndexTable::query`](crate::IndexTable::query), refine it, then read it with [`page`],
/// [`count`], [`stream`] or [`first`].
///
/// Mistakes (a limit of 0, a filter naming a key attribute, a bad expression, a cursor of
/// another query) are returned as [`Error::InvalidInput`] by the read, before any request.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use dynamo_table::read::SortCondition;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "orders")]
/// # struct Order { #[dynamo(pk)] user_id: String, #[dynamo(sk)] order_id: String, status: String }
/// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
/// let page = client
///     .table::<Order>()
///     .query(&"u1".to_string())
///     .sort_key(SortCondition::BeginsWith("2024-".into()))
///     .filter("#status = :s", serde_json::json!({ ":s": "shipped" }))
///     .limit(20)
///     .page()
///     .await?;
/// for order in &page.items { println!("{order:?}"); }
/// let next = page.start_cursor(); // pass to `.after(next)` for the next page
/// # let _ = next;
/// # Ok(()) }
/// ```
///
/// [`page`]: Query::page
/// [`count`]: Query::count
/// [`stream`]: Query::stream
/// [`first`]: Query::first
#[derive(Debug)]
pub struct Query<T, SK> {
    read: Read<T>,
    partition: Option<(&'static str, AttributeValue)>,
    sort: Option<SortCondition<SK>>,
}

impl<T: DynamoTable, SK: KeyValue> Query<T, SK> {
    pub(crate) fn new<PK: KeyValue>(
        table: TableRef,
        index: Option<Cow<'static, str>>,
        key_names: KeyNames,
        pk: &PK,
    ) -> Self {
        let mut read = Read::new(table, index, key_names);
        let pk_name = key_names.partition;
        let partition = match key_attribute(&read.table.name, pk_name, KeyRole::Partition, pk) {
            Ok(value) => Some((pk_name, value)),
            Err(e) => {
                read.fail(e);
                None
            }
        };
        Query {
            read,
            partition,
            sort: None,
        }
    }

    /// Only items whose sort key meets `condition`.
    pub fn sort_key(mut self, condition: SortCondition<SK>) -> Self {
        if matches!(condition, SortCondition::BeginsWith(_)) && SK::KEY_TYPE == KeyType::N {
            let sk = self.read.key_names.sort.unwrap_or_default();
            self.read.fail(Error::invalid(
                InvalidReason::BeginsWithNumber,
                format!(
                    "`begins_with` needs a string or binary sort key, and `{sk}` is a number: \
                     use `SortCondition::Between` (or `Ge` / `Lt`) for a numeric range"
                ),
            ));
        }
        if self.read.key_names.sort.is_none() {
            let what = self.read.index.as_deref().map_or_else(
                || format!("table `{}`", self.read.table.name),
                |i| format!("index `{i}`"),
            );
            self.read.fail(Error::invalid(
                InvalidReason::NoSortKey,
                format!(
                    "{what} has no sort key, so a query on it cannot have a sort-key condition"
                ),
            ));
        }
        self.sort = Some(condition);
        self
    }

    shared_read_methods!();

    /// Newest (highest sort key) first.
    pub fn descending(mut self) -> Self {
        self.read.forward = false;
        self
    }

    fn into_read(mut self) -> Read<T> {
        let Some((pk_name, pk_value)) = self.partition else {
            return self.read;
        };
        // The filter is sent in the same request: step around its placeholders.
        let mut placeholders = LibraryPlaceholders::avoiding(self.read.filter.iter());
        let mut text = format!(
            "{} = {}",
            placeholders.name(pk_name),
            placeholders.value(pk_value)
        );
        if let (Some(condition), Some(sk_name)) = (self.sort, self.read.key_names.sort) {
            let table = self.read.table.name.clone();
            let sk = placeholders.name(sk_name);
            let mut value = |key: &SK| match key_attribute(&table, sk_name, KeyRole::Sort, key) {
                Ok(v) => Ok(placeholders.value(v)),
                Err(e) => Err(e),
            };
            let clause = match &condition {
                SortCondition::Eq(k) => value(k).map(|v| format!("{sk} = {v}")),
                SortCondition::Lt(k) => value(k).map(|v| format!("{sk} < {v}")),
                SortCondition::Le(k) => value(k).map(|v| format!("{sk} <= {v}")),
                SortCondition::Gt(k) => value(k).map(|v| format!("{sk} > {v}")),
                SortCondition::Ge(k) => value(k).map(|v| format!("{sk} >= {v}")),
                SortCondition::Between(low, high) => check_range(&table, sk_name, low, high)
                    .and_then(|()| {
                        value(low).and_then(|lo| {
                            value(high).map(|hi| format!("{sk} BETWEEN {lo} AND {hi}"))
                        })
                    }),
                SortCondition::BeginsWith(prefix) => {
                    let v = placeholders.value(AttributeValue::S(prefix.clone()));
                    Ok(format!("begins_with({sk}, {v})"))
                }
            };
            match clause {
                Ok(clause) => {
                    text.push_str(" AND ");
                    text.push_str(&clause);
                }
                Err(e) => self.read.fail(e),
            }
        }
        self.read.key_condition = Some(placeholders.bind(text));
        self.read
    }
}

/// Refuses `BETWEEN low AND high` with `low` above `high`, which DynamoDB rejects.
fn check_range<K: KeyValue>(table: &str, attribute: &str, low: &K, high: &K) -> Result<()> {
    let (low_value, high_value) = (low.to_attribute_value(), high.to_attribute_value());
    let inverted = match (&low_value, &high_value) {
        (AttributeValue::S(l), AttributeValue::S(h)) => l.as_bytes() > h.as_bytes(),
        (AttributeValue::B(l), AttributeValue::B(h)) => l.as_ref() > h.as_ref(),
        (AttributeValue::N(l), AttributeValue::N(h)) => {
            match (l.parse::<i128>(), h.parse::<i128>()) {
                (Ok(l), Ok(h)) => l > h,
                _ => l.parse::<f64>().ok() > h.parse::<f64>().ok(),
            }
        }
        _ => false,
    };
    if inverted {
        return Err(Error::invalid(
            InvalidReason::SortRange,
            format!(
                "the range on sort key `{attribute}` of table `{table}` runs from {low:?} down to \
                 {high:?}: DynamoDB needs the low end first, so swap them"
            ),
        ));
    }
    Ok(())
}
