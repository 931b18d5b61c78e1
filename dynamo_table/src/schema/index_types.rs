//! Secondary indexes as types: [`DynamoIndex`], which the derive generates per index, and the
//! single-index [`GSITable`] of the published 0.x API.

use std::future::Future;

use futures::Stream;
use serde::Serialize;

use super::index::IndexKind;
use super::key::{KeyNames, KeyValue};
use super::table::DynamoTable;
// The provided methods of `GSITable` are the published API's index functions: their bodies and
// the types in their signatures live in the compatibility layer (the one upward import allowed).
use crate::compat::{self, Cursor, IntoExpression, QueryResult, Result};

/// A secondary index of a table, as a type. `#[derive(DynamoTable)]` generates one per
/// `gsi(name = ...)` / `lsi(name = ...)`, named after the struct and the index
/// (`Order` + `by_status` = `OrderByStatusIndex`), with a key struct (`OrderByStatusIndexKey`).
///
/// ```
/// use dynamo_table::DynamoTable;
/// use dynamo_table::schema::{DynamoIndex, IndexKind};
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     #[dynamo(sk)]
///     order_id: String,
///     #[dynamo(gsi(name = "by_status", pk))]
///     status: String,
/// }
/// assert_eq!(OrderByStatusIndex::NAME, "by_status");
/// assert_eq!(OrderByStatusIndex::KIND, IndexKind::Global);
/// assert_eq!(OrderByStatusIndex::PARTITION_KEY, "status");
/// ```
pub trait DynamoIndex: Send + Sync + 'static {
    /// The table the index belongs to.
    type Table: DynamoTable;
    /// The index's partition key type.
    type PK: KeyValue;
    /// The index's sort key type ([`NoSortKey`](super::NoSortKey) when it has none).
    type SK: KeyValue;
    /// The index name.
    const NAME: &'static str;
    /// Global or local.
    const KIND: IndexKind;
    /// The index's partition key attribute.
    const PARTITION_KEY: &'static str;
    /// The index's sort key attribute, if any.
    const SORT_KEY: Option<&'static str>;
}

/// The key attribute names of `I`.
pub(crate) fn index_key_names<I: DynamoIndex>() -> KeyNames {
    KeyNames {
        partition: I::PARTITION_KEY,
        sort: I::SORT_KEY,
    }
}

/// A table's single global secondary index keyed by strings, as in the published 0.x API. The
/// derive implements it when a struct has exactly one GSI whose key fields are `String`; write
/// it by hand otherwise. [`DynamoIndex`] is the typed, multi-index form.
pub trait GSITable: DynamoTable {
    /// The index's partition key attribute.
    const GSI_PARTITION_KEY: &'static str;
    /// The index's sort key attribute, if any.
    const GSI_SORT_KEY: Option<&'static str> = None;

    /// This item's index partition key.
    fn gsi_partition_key(&self) -> String;

    /// This item's index sort key.
    fn gsi_sort_key(&self) -> Option<String> {
        None
    }

    /// The index name. By default the published 0.x convention, so tables it created keep
    /// working: `global-{TABLE}-{GSI_PARTITION_KEY}`, with `-{GSI_SORT_KEY}` when there is one.
    /// The derive returns the declared `gsi(name = ...)`.
    ///
    /// ```
    /// # use dynamo_table::{DynamoTable, GSITable};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize)]
    /// # struct User { user_id: String, email: String }
    /// # impl DynamoTable for User {
    /// #     type PK = String; type SK = String;
    /// #     const TABLE: &'static str = "users";
    /// #     const PARTITION_KEY: &'static str = "user_id";
    /// #     fn partition_key(&self) -> String { self.user_id.clone() }
    /// # }
    /// impl GSITable for User {
    ///     const GSI_PARTITION_KEY: &'static str = "email";
    ///     fn gsi_partition_key(&self) -> String { self.email.clone() }
    /// }
    /// assert_eq!(User::global_index_name(), "global-users-email");
    /// ```
    fn global_index_name() -> String {
        match Self::GSI_SORT_KEY {
            Some(sk) => format!("global-{}-{}-{sk}", Self::TABLE, Self::GSI_PARTITION_KEY),
            None => format!("global-{}-{}", Self::TABLE, Self::GSI_PARTITION_KEY),
        }
    }

    /// One page of the index partition `pk` (and index sort key `sk`, if given), ascending.
    fn query_gsi_items(
        pk: String,
        sk: Option<String>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::gsi::query_gsi_items::<Self>(pk, sk, limit, cursor, true)
    }

    /// The first item of the index partition `pk`.
    fn query_gsi_item(
        pk: String,
        sk: Option<String>,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        compat::gsi::query_gsi_item::<Self>(pk, sk)
    }

    /// One page of the index partition `pk`, descending.
    fn reverse_query_gsi_items(
        pk: String,
        sk: Option<String>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::gsi::query_gsi_items::<Self>(pk, sk, limit, cursor, false)
    }

    /// One filtered page of the index partition `pk` (the published 0.x argument order).
    #[allow(clippy::too_many_arguments)]
    fn query_gsi_items_with_filter(
        pk: String,
        sk: Option<String>,
        cursor: Option<Cursor<Self>>,
        limit: Option<u16>,
        ascending: bool,
        filter: impl IntoExpression + Send,
        values: impl Serialize + Send,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::gsi::query_gsi_items_with_filter::<Self>(
            pk, sk, cursor, limit, ascending, filter, values,
        )
    }

    /// How many items the index partition `pk` holds, over all pages.
    fn count_gsi_items(pk: String) -> impl Future<Output = Result<usize>> + Send {
        compat::gsi::count_gsi_items::<Self>(pk)
    }

    /// Every item of the index partition `pk`, a page at a time.
    fn query_gsi_stream(
        pk: String,
        sk: Option<String>,
        page_size: Option<u16>,
    ) -> impl Stream<Item = Result<Self>> + Send + 'static {
        compat::gsi::query_gsi_stream::<Self>(pk, sk, page_size)
    }
}
