//! Queries: one partition of a table or index, with a sort-key condition, a filter, pages,
//! counts and streams.

use std::borrow::Cow;

use aws_sdk_dynamodb::types::AttributeValue;
use futures::Stream;
use serde::Serialize;

use super::page::{Cursor, QueryResult};
use super::plan::{Read, shared_read_methods};
use crate::codec::key::key_attribute;
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{Bound, IntoExpression, LibraryPlaceholders};
use crate::operations::TableRef;
use crate::request::capacity::Capacity;
use crate::schema::{DynamoTable, KeyNames, KeyValue};

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

/// A query on one partition of a table or index. Build it with [`Table::query`] or
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
        let partition = match key_attribute(&read.table.name, pk_name, "partition key", pk) {
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
        let mut placeholders = LibraryPlaceholders::default();
        let mut text = format!(
            "{} = {}",
            placeholders.name(pk_name),
            placeholders.value(pk_value)
        );
        if let (Some(condition), Some(sk_name)) = (self.sort, self.read.key_names.sort) {
            let table = self.read.table.name.clone();
            let sk = placeholders.name(sk_name);
            let mut value = |key: &SK| match key_attribute(&table, sk_name, "sort key", key) {
                Ok(v) => Ok(placeholders.value(v)),
                Err(e) => Err(e),
            };
            let clause = match &condition {
                SortCondition::Eq(k) => value(k).map(|v| format!("{sk} = {v}")),
                SortCondition::Lt(k) => value(k).map(|v| format!("{sk} < {v}")),
                SortCondition::Le(k) => value(k).map(|v| format!("{sk} <= {v}")),
                SortCondition::Gt(k) => value(k).map(|v| format!("{sk} > {v}")),
                SortCondition::Ge(k) => value(k).map(|v| format!("{sk} >= {v}")),
                SortCondition::Between(low, high) => value(low)
                    .and_then(|lo| value(high).map(|hi| format!("{sk} BETWEEN {lo} AND {hi}"))),
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
