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
use crate::compat::{self, Cursor, GsiPage, IntoExpression, OutputItems, Result};

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

    /// One page of the index partition `gsi_partition_key` (and index sort key `gsi_sort_key`,
    /// if given), ascending, from `exclusive_start_cursor` (a page's `start_cursor()`).
    fn query_gsi_items(
        gsi_partition_key: String,
        gsi_sort_key: Option<String>,
        limit: Option<u16>,
        exclusive_start_cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        let shape = GsiPage::new(
            gsi_partition_key,
            gsi_sort_key,
            exclusive_start_cursor,
            limit,
            true,
        );
        compat::gsi::page::<Self>(shape)
    }

    /// [`query_gsi_items`](Self::query_gsi_items) returning only `projection_attributes`; the
    /// items must still decode as `Self`.
    fn query_gsi_items_with_projection<'a>(
        gsi_partition_key: String,
        gsi_sort_key: Option<String>,
        limit: Option<u16>,
        exclusive_start_cursor: Option<Cursor<Self>>,
        projection_attributes: Option<&'a [&'a str]>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send + 'a
    where
        Self: 'a,
    {
        let shape = GsiPage::new(
            gsi_partition_key,
            gsi_sort_key,
            exclusive_start_cursor,
            limit,
            true,
        )
        .project(projection_attributes);
        compat::gsi::page::<Self>(shape)
    }

    /// [`query_gsi_items`](Self::query_gsi_items), descending.
    fn reverse_query_gsi_items(
        gsi_partition_key: String,
        gsi_sort_key: Option<String>,
        limit: Option<u16>,
        exclusive_start_cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        let shape = GsiPage::new(
            gsi_partition_key,
            gsi_sort_key,
            exclusive_start_cursor,
            limit,
            false,
        );
        compat::gsi::page::<Self>(shape)
    }

    /// [`query_gsi_items_with_projection`](Self::query_gsi_items_with_projection), descending.
    fn reverse_query_gsi_items_with_projection<'a>(
        gsi_partition_key: String,
        gsi_sort_key: Option<String>,
        limit: Option<u16>,
        exclusive_start_cursor: Option<Cursor<Self>>,
        projection_attributes: Option<&'a [&'a str]>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send + 'a
    where
        Self: 'a,
    {
        let shape = GsiPage::new(
            gsi_partition_key,
            gsi_sort_key,
            exclusive_start_cursor,
            limit,
            false,
        )
        .project(projection_attributes);
        compat::gsi::page::<Self>(shape)
    }

    /// The first item of the index partition `gsi_partition_key`.
    fn query_gsi_item(
        gsi_partition_key: String,
        gsi_sort_key: Option<String>,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        compat::gsi::query_gsi_item::<Self>(gsi_partition_key, gsi_sort_key)
    }

    /// One filtered page of the index partition (the published argument order).
    #[allow(clippy::too_many_arguments)]
    fn query_gsi_items_with_filter<U: Serialize>(
        gsi_partition_key: String,
        gsi_sort_key: Option<String>,
        exclusive_start_cursor: Option<Cursor<Self>>,
        limit: Option<u16>,
        scan_index_forward: bool,
        filter_expression: impl IntoExpression + Send,
        filter_expression_values: U,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        let shape = GsiPage::new(
            gsi_partition_key,
            gsi_sort_key,
            exclusive_start_cursor,
            limit,
            scan_index_forward,
        )
        .filter(filter_expression, filter_expression_values);
        compat::gsi::page::<Self>(shape)
    }

    /// [`query_gsi_items_with_filter`](Self::query_gsi_items_with_filter) with a projection.
    #[allow(clippy::too_many_arguments)]
    // The published signature, bounds where it had them.
    #[allow(clippy::multiple_bound_locations)]
    fn query_gsi_items_with_filter_and_projection<'a, U: Serialize>(
        gsi_partition_key: String,
        gsi_sort_key: Option<String>,
        exclusive_start_cursor: Option<Cursor<Self>>,
        limit: Option<u16>,
        scan_index_forward: bool,
        filter_expression: impl IntoExpression + Send,
        filter_expression_values: U,
        projection_attributes: Option<&'a [&'a str]>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send + 'a
    where
        U: 'a,
        Self: 'a,
    {
        let shape = GsiPage::new(
            gsi_partition_key,
            gsi_sort_key,
            exclusive_start_cursor,
            limit,
            scan_index_forward,
        )
        .filter(filter_expression, filter_expression_values)
        .project(projection_attributes);
        compat::gsi::page::<Self>(shape)
    }

    /// How many items the index partition holds, over all pages.
    fn count_gsi_items(gsi_partition_key: String) -> impl Future<Output = Result<usize>> + Send {
        compat::gsi::count_gsi_items::<Self>(gsi_partition_key)
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
