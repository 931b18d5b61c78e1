//! The published API's index functions, with its signatures: the bodies of [`GSITable`]'s
//! provided methods and the free functions at `dynamo_table::table`, over the native
//! [`IndexTable`](crate::IndexTable).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use futures::Stream;
use serde::Serialize;

use super::output::{Cursor, OutputItems};
use super::shape::{ReadShape, bind, lazy_stream, table_of};
use crate::error::Result;
use crate::expression::IntoExpression;
use crate::operations::read::{Query, SortCondition};
use crate::schema::{DynamoIndex, GSITable, IndexKind};
use crate::table_handle::Table;

/// The [`DynamoIndex`] view of a [`GSITable`]'s index. Its name is not a constant (see
/// [`GSITable::global_index_name`]), so `NAME` is empty and the handle carries the name.
pub(crate) struct GsiIndex<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for GsiIndex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GsiIndex")
    }
}

impl<T: GSITable> DynamoIndex for GsiIndex<T> {
    type Table = T;
    type PK = String;
    type SK = String;
    const NAME: &'static str = "";
    const KIND: IndexKind = IndexKind::Global;
    const PARTITION_KEY: &'static str = T::GSI_PARTITION_KEY;
    const SORT_KEY: Option<&'static str> = T::GSI_SORT_KEY;
}

/// How one page of `T`'s GSI is read: the published API's arguments, gathered.
pub(crate) struct GsiPage<'a, T: GSITable> {
    pk: String,
    sk: Option<String>,
    cursor: Option<Cursor<T>>,
    shape: ReadShape<'a>,
}

impl<'a, T: GSITable> GsiPage<'a, T> {
    /// The index partition `pk` (and index sort key `sk`, if given), from `cursor`.
    pub(crate) fn new(
        pk: String,
        sk: Option<String>,
        cursor: Option<Cursor<T>>,
        limit: Option<u16>,
        forward: bool,
    ) -> Self {
        GsiPage {
            pk,
            sk,
            cursor,
            shape: ReadShape::new(limit, forward),
        }
    }

    pub(crate) fn filter(
        mut self,
        expression: impl IntoExpression,
        values: impl Serialize,
    ) -> Self {
        self.shape.filter = Some(bind(expression, values));
        self
    }

    pub(crate) fn project(mut self, attributes: Option<&'a [&'a str]>) -> Self {
        self.shape.projection = attributes;
        self
    }

    /// The query on `table`'s GSI.
    fn query(self, table: &Table<T>) -> Query<T, String> {
        let index = table.index_named::<GsiIndex<T>>(Cow::Owned(T::global_index_name()));
        let mut query = index.query(&self.pk);
        if let Some(sk) = self.sk {
            query = query.sort_key(SortCondition::Eq(sk));
        }
        self.shape
            .apply(query)
            .after(self.cursor.and_then(Cursor::into_native))
    }
}

/// One page of `T`'s GSI.
pub(crate) async fn page<T: GSITable>(page: GsiPage<'_, T>) -> Result<OutputItems<T>> {
    let size = page.shape.page_size::<T>();
    let table = table_of::<T>().await;
    let result = Box::pin(page.query(&table).page()).await?;
    OutputItems::from_page(result, size)
}

pub(crate) async fn query_gsi_item<T: GSITable>(
    pk: String,
    sk: Option<String>,
) -> Result<Option<T>> {
    let table = table_of::<T>().await;
    GsiPage::new(pk, sk, None, None, true)
        .query(&table)
        .first()
        .await
}

/// One filtered page of `T`'s GSI (the index partition `gsi_partition_key`, and sort key
/// `gsi_sort_key` if given), from `exclusive_start_cursor` (a page's `start_cursor()`).
#[allow(clippy::too_many_arguments)]
pub async fn query_gsi_items_with_filter<T: GSITable, U: Serialize>(
    gsi_partition_key: String,
    gsi_sort_key: Option<String>,
    exclusive_start_cursor: Option<Cursor<T>>,
    limit: Option<u16>,
    scan_index_forward: bool,
    filter_expression: impl IntoExpression,
    filter_expression_values: U,
) -> Result<OutputItems<T>> {
    let shape = GsiPage::new(
        gsi_partition_key,
        gsi_sort_key,
        exclusive_start_cursor,
        limit,
        scan_index_forward,
    )
    .filter(filter_expression, filter_expression_values);
    page(shape).await
}

/// [`query_gsi_items_with_filter`] returning only `projection_attributes` (every attribute for
/// `None`); the items must still decode as `T`.
#[allow(clippy::too_many_arguments)]
pub async fn query_gsi_items_with_filter_and_projection<T: GSITable, U: Serialize>(
    gsi_partition_key: String,
    gsi_sort_key: Option<String>,
    exclusive_start_cursor: Option<Cursor<T>>,
    limit: Option<u16>,
    scan_index_forward: bool,
    filter_expression: impl IntoExpression,
    filter_expression_values: U,
    projection_attributes: Option<&[&str]>,
) -> Result<OutputItems<T>> {
    let shape = GsiPage::new(
        gsi_partition_key,
        gsi_sort_key,
        exclusive_start_cursor,
        limit,
        scan_index_forward,
    )
    .filter(filter_expression, filter_expression_values)
    .project(projection_attributes);
    page(shape).await
}

/// How many items the index partition `gsi_partition_key` holds, over all pages.
pub async fn count_gsi_items<T: GSITable>(gsi_partition_key: String) -> Result<usize> {
    let table = table_of::<T>().await;
    GsiPage::new(gsi_partition_key, None, None, None, true)
        .query(&table)
        .count()
        .await
}

pub(crate) fn query_gsi_stream<T: GSITable>(
    pk: String,
    sk: Option<String>,
    page_size: Option<u16>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    lazy_stream(move |table: Table<T>| {
        GsiPage::new(pk, sk, None, page_size, true)
            .query(&table)
            .stream()
    })
}
