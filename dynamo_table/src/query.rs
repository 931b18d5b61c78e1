//! Queries: one partition of a table or index, with a sort-key condition, a filter, pages,
//! counts and streams.

use std::borrow::Cow;

use aws_sdk_dynamodb::types::AttributeValue;
use futures::Stream;
use serde::Serialize;

use crate::capacity::Capacity;
use crate::error::{Error, Result};
use crate::expression::{Bound, IntoExpression};
use crate::handle::Table;
use crate::key::{KeyValue, key_attribute};
use crate::page::{Cursor, QueryResult};
use crate::read::Read;
use crate::table::DynamoTable;

/// A condition on the sort key of a query.
///
/// ```
/// use dynamo_table::SortKey;
/// let recent: SortKey<String> = SortKey::BeginsWith("2024-".into());
/// let range = SortKey::Between(100u64, 200u64);
/// # let _ = (recent, range);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey<K> {
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
/// # use dynamo_table::{DynamoTable, SortKey};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "orders")]
/// # struct Order { #[dynamo(pk)] user_id: String, #[dynamo(sk)] order_id: String, status: String }
/// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
/// let page = client
///     .table::<Order>()
///     .query(&"u1".to_string())
///     .sort_key(SortKey::BeginsWith("2024-".into()))
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
    sort: Option<SortKey<SK>>,
}

impl<T: DynamoTable, SK: KeyValue> Query<T, SK> {
    pub(crate) fn new<PK: KeyValue>(
        table: Table<T>,
        index: Option<Cow<'static, str>>,
        key_names: (&'static str, Option<&'static str>),
        pk: &PK,
    ) -> Self {
        let mut read = Read::new(table, index, key_names);
        let partition = match key_attribute(&read.table.name, key_names.0, "partition key", pk) {
            Ok(value) => Some((key_names.0, value)),
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
    pub fn sort_key(mut self, condition: SortKey<SK>) -> Self {
        if self.read.key_names.1.is_none() {
            let what = self.read.index.as_deref().map_or_else(
                || format!("table `{}`", self.read.table.name),
                |i| format!("index `{i}`"),
            );
            self.read.fail(Error::invalid(format!(
                "{what} has no sort key, so a query on it cannot have a sort-key condition"
            )));
        }
        self.sort = Some(condition);
        self
    }

    crate::read::shared_read_methods!();

    /// Newest (highest sort key) first.
    pub fn descending(mut self) -> Self {
        self.read.forward = false;
        self
    }

    fn into_read(mut self) -> Read<T> {
        let Some((pk_name, pk_value)) = self.partition else {
            return self.read;
        };
        let mut text = String::from("#dt_pk = :dt_pk");
        let mut names = vec![("#dt_pk".to_owned(), pk_name.to_owned())];
        let mut values = vec![(":dt_pk".to_owned(), pk_value)];
        if let (Some(condition), Some(sk_name)) = (self.sort, self.read.key_names.1) {
            names.push(("#dt_sk".to_owned(), sk_name.to_owned()));
            let table = self.read.table.name.clone();
            let mut value = |placeholder: &str, key: &SK| -> Option<()> {
                match key_attribute(&table, sk_name, "sort key", key) {
                    Ok(v) => {
                        values.push((placeholder.to_owned(), v));
                        Some(())
                    }
                    Err(e) => {
                        self.read.fail(e);
                        None
                    }
                }
            };
            let clause = match &condition {
                SortKey::Eq(k) => value(":dt_sk", k).map(|()| "#dt_sk = :dt_sk"),
                SortKey::Lt(k) => value(":dt_sk", k).map(|()| "#dt_sk < :dt_sk"),
                SortKey::Le(k) => value(":dt_sk", k).map(|()| "#dt_sk <= :dt_sk"),
                SortKey::Gt(k) => value(":dt_sk", k).map(|()| "#dt_sk > :dt_sk"),
                SortKey::Ge(k) => value(":dt_sk", k).map(|()| "#dt_sk >= :dt_sk"),
                SortKey::Between(low, high) => value(":dt_lo", low)
                    .and_then(|()| value(":dt_hi", high))
                    .map(|()| "#dt_sk BETWEEN :dt_lo AND :dt_hi"),
                SortKey::BeginsWith(prefix) => {
                    values.push((":dt_sk".to_owned(), AttributeValue::S(prefix.clone())));
                    Some("begins_with(#dt_sk, :dt_sk)")
                }
            };
            if let Some(clause) = clause {
                text.push_str(" AND ");
                text.push_str(clause);
            }
        }
        self.read.key_condition = Some(Bound {
            text,
            names: names.into_iter().collect(),
            values: values.into_iter().collect(),
        });
        self.read
    }
}

impl<T: DynamoTable> Table<T> {
    /// A query on the partition `pk` of the table.
    pub fn query(&self, pk: &T::PK) -> Query<T, T::SK> {
        Query::new(self.clone(), None, (T::PARTITION_KEY, T::SORT_KEY), pk)
    }
}
