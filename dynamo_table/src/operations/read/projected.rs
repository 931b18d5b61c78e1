//! A query or scan that reads a projection ([`Projected`]): only its attributes are sent back,
//! and each item is a `P`.

use std::fmt;
use std::marker::PhantomData;

use futures::Stream;

use super::page::{Cursor, QueryResult};
use super::plan::Read;
use crate::codec::item::Serde;
use crate::error::Result;
use crate::expression::Projection;
use crate::schema::DynamoTable;

/// A query or scan of `T`'s items that returns the projection `P` (from
/// [`Query::project`](super::Query::project) or [`Scan::project`](super::Scan::project)).
///
/// ```no_run
/// # use dynamo_table::{DynamoProjection, DynamoTable};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "orders")]
/// # struct Order { #[dynamo(pk)] user_id: String, #[dynamo(sk)] order_id: String, total: f64, notes: Vec<String> }
/// #[derive(Deserialize, DynamoProjection)]
/// #[dynamo(of = Order)]
/// struct OrderTotal { order_id: String, total: f64 }
///
/// # async fn run(orders: dynamo_table::Table<Order>) -> Result<(), dynamo_table::Error> {
/// let page = orders.query(&"u1".to_string()).project::<OrderTotal>().page().await?;
/// let sum: f64 = page.items.iter().map(|o| o.total).sum();
/// # let _ = sum;
/// # Ok(()) }
/// ```
#[must_use = "a read does nothing until it is awaited or streamed"]
pub struct Projected<T, P> {
    read: Read<T>,
    _items: PhantomData<fn() -> P>,
}

impl<T, P> fmt::Debug for Projected<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Projected")
            .field("read", &self.read)
            .field("as", &std::any::type_name::<P>())
            .finish()
    }
}

impl<T: DynamoTable, P: Projection<Table = T>> Projected<T, P> {
    pub(crate) fn new(read: Read<T>) -> Self {
        Projected {
            read,
            _items: PhantomData,
        }
    }

    /// Starts after `cursor` (a page's [`start_cursor`](QueryResult::start_cursor)); `None`
    /// starts at the beginning.
    pub fn after(mut self, cursor: Option<Cursor<P>>) -> Self {
        self.read.set_cursor(cursor.map(Cursor::retyped));
        self
    }

    /// Reads one page.
    pub async fn page(self) -> Result<QueryResult<P>> {
        self.read.page::<Serde<P>>().await
    }

    /// The first matching item, if any.
    pub async fn first(self) -> Result<Option<P>> {
        self.read.first::<Serde<P>>().await
    }

    /// Every matching item, a page at a time, the next page requested ahead.
    pub fn stream(self) -> impl Stream<Item = Result<P>> + Send + Unpin + 'static {
        self.read.items::<Serde<P>>()
    }

    /// Every page, each requested as the one before it arrives.
    pub fn pages(self) -> impl Stream<Item = Result<QueryResult<P>>> + Send + Unpin + 'static {
        self.read.pages::<Serde<P>>()
    }
}
