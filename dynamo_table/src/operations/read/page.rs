//! Pages of query and scan results, and the cursors that resume them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{Error, InvalidReason, Result};
use crate::request::capacity::Capacity;

/// Where a page stopped: DynamoDB's `LastEvaluatedKey`, exactly as returned (for an index it
/// holds the index keys and the table keys), tied to the table and index it came from.
///
/// Pass it back to the same query or scan to get the next page. Using it on another table or
/// index is refused with [`Error::InvalidInput`].
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run(users: dynamo_table::Table<User>) -> Result<(), dynamo_table::Error> {
/// let mut cursor = None;
/// loop {
///     let page = users.scan().limit(100).after(cursor).page().await?;
///     println!("{} users", page.items.len());
///     cursor = page.start_cursor();
///     if cursor.is_none() { break; }
/// }
/// # Ok(()) }
/// ```
pub struct Cursor<T> {
    pub(crate) table: String,
    pub(crate) index: Option<Cow<'static, str>>,
    pub(crate) key: HashMap<String, AttributeValue>,
    _items: PhantomData<fn() -> T>,
}

impl<T> Cursor<T> {
    pub(crate) fn new(
        table: &str,
        index: Option<Cow<'static, str>>,
        key: HashMap<String, AttributeValue>,
    ) -> Self {
        Cursor {
            table: table.to_owned(),
            index,
            key,
            _items: PhantomData,
        }
    }

    /// The `LastEvaluatedKey` map.
    pub fn key(&self) -> &HashMap<String, AttributeValue> {
        &self.key
    }

    /// The table it came from.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The index it came from, if any.
    pub fn index(&self) -> Option<&str> {
        self.index.as_deref()
    }

    /// Checks that this cursor belongs to `table` / `index`.
    pub(crate) fn check(&self, table: &str, index: Option<&str>) -> Result<()> {
        if self.table == table && self.index.as_deref() == index {
            return Ok(());
        }
        let place = |t: &str, i: Option<&str>| match i {
            Some(i) => format!("index `{i}` of table `{t}`"),
            None => format!("table `{t}`"),
        };
        Err(Error::invalid(
            InvalidReason::CursorMismatch,
            format!(
                "this cursor comes from {} and cannot resume a read of {}: pass the cursor of \
                 the same query",
                place(&self.table, self.index.as_deref()),
                place(table, index)
            ),
        ))
    }
}

impl<T> Clone for Cursor<T> {
    fn clone(&self) -> Self {
        Cursor {
            table: self.table.clone(),
            index: self.index.clone(),
            key: self.key.clone(),
            _items: PhantomData,
        }
    }
}

impl<T> PartialEq for Cursor<T> {
    fn eq(&self, other: &Self) -> bool {
        self.table == other.table && self.index == other.index && self.key == other.key
    }
}

impl<T> fmt::Debug for Cursor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("table", &self.table)
            .field("index", &self.index)
            .field("key", &self.key)
            .finish()
    }
}

/// One page of a query or scan.
///
/// A page may hold no items and still have a next cursor (DynamoDB reads at most 1 MB, or
/// `limit` items, before the filter); only a missing cursor means the end.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run(users: dynamo_table::Table<User>) -> Result<(), dynamo_table::Error> {
/// let page = users.query(&"u1".to_string()).page().await?;
/// println!("{} of {} read, {} RCU", page.count, page.scanned_count, page.consumed_capacity.read_units);
/// if page.has_more() { /* page.start_cursor() resumes */ }
/// # Ok(()) }
/// ```
pub struct QueryResult<T> {
    /// The items of this page, after the filter.
    pub items: Vec<T>,
    /// How many items matched on this page (after the filter).
    pub count: usize,
    /// How many items DynamoDB read for this page (before the filter).
    pub scanned_count: usize,
    /// The capacity this page consumed (zero without the `consumed_capacity_stats` feature).
    pub consumed_capacity: Capacity,
    pub(crate) next: Option<Cursor<T>>,
}

impl<T> QueryResult<T> {
    /// The cursor for the next page, or `None` at the end.
    pub fn start_cursor(&self) -> Option<Cursor<T>> {
        self.next.clone()
    }

    /// The cursor for the next page, by value.
    pub fn into_cursor(self) -> Option<Cursor<T>> {
        self.next
    }

    /// True when there is another page.
    pub fn has_more(&self) -> bool {
        self.next.is_some()
    }
}

impl<T: fmt::Debug> fmt::Debug for QueryResult<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryResult")
            .field("items", &self.items)
            .field("count", &self.count)
            .field("scanned_count", &self.scanned_count)
            .field("consumed_capacity", &self.consumed_capacity)
            .field("next", &self.next)
            .finish()
    }
}

/// A page as DynamoDB returned it, before the items are decoded.
pub(crate) struct RawPage {
    pub capacity: Capacity,
    pub items: Vec<HashMap<String, AttributeValue>>,
    pub count: usize,
    pub scanned_count: usize,
    pub last_key: Option<HashMap<String, AttributeValue>>,
}

impl RawPage {
    /// From the fields a Query and a Scan answer share.
    pub(crate) fn new(
        capacity: Capacity,
        count: i32,
        scanned_count: i32,
        items: Option<Vec<HashMap<String, AttributeValue>>>,
        last_key: Option<HashMap<String, AttributeValue>>,
    ) -> Self {
        RawPage {
            capacity,
            count: usize::try_from(count).unwrap_or(0),
            scanned_count: usize::try_from(scanned_count).unwrap_or(0),
            items: items.unwrap_or_default(),
            last_key,
        }
    }
}
