//! The published API's index functions: the bodies of [`GSITable`]'s provided methods, over the
//! native [`IndexTable`](crate::IndexTable).

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use futures::Stream;
use serde::Serialize;

use super::shape::{bind, lazy_stream, shape, table_of};
use crate::error::Result;
use crate::expression::{Bound, IntoExpression};
use crate::operations::read::{Cursor, Query, QueryResult, SortCondition};
use crate::schema::{DynamoIndex, GSITable, IndexKind};
use crate::table::Table;

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

/// A query on `T`'s GSI through `table`, shaped like the published arguments (`sk` means
/// equality).
fn gsi_query<T: GSITable>(
    table: &Table<T>,
    pk: &str,
    sk: Option<String>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    ascending: bool,
) -> Query<T, String> {
    let index = table.index_named::<GsiIndex<T>>(Cow::Owned(T::global_index_name()));
    shape(
        index.query(&pk.to_owned()),
        sk.map(SortCondition::Eq),
        limit,
        cursor,
        ascending,
    )
}

pub(crate) async fn query_gsi_items<T: GSITable>(
    pk: String,
    sk: Option<String>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    ascending: bool,
) -> Result<QueryResult<T>> {
    gsi_page(pk, sk, limit, cursor, ascending, None).await
}

/// One page of `T`'s GSI, filtered if `filter` is given.
async fn gsi_page<T: GSITable>(
    pk: String,
    sk: Option<String>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    ascending: bool,
    filter: Option<Result<Bound>>,
) -> Result<QueryResult<T>> {
    let table = table_of::<T>().await;
    let query = gsi_query(&table, &pk, sk, limit, cursor, ascending);
    match filter {
        Some(filter) => query.bound_filter(filter).page().await,
        None => query.page().await,
    }
}

pub(crate) async fn query_gsi_item<T: GSITable>(
    pk: String,
    sk: Option<String>,
) -> Result<Option<T>> {
    let table = table_of::<T>().await;
    gsi_query(&table, &pk, sk, None, None, true).first().await
}

pub(crate) fn query_gsi_items_with_filter<T: GSITable>(
    pk: String,
    sk: Option<String>,
    cursor: Option<Cursor<T>>,
    limit: Option<u16>,
    ascending: bool,
    filter: impl IntoExpression + Send,
    values: impl Serialize + Send,
) -> impl Future<Output = Result<QueryResult<T>>> + Send + 'static {
    let filter = bind(filter, values);
    gsi_page(pk, sk, limit, cursor, ascending, Some(filter))
}

pub(crate) async fn count_gsi_items<T: GSITable>(pk: String) -> Result<usize> {
    let table = table_of::<T>().await;
    gsi_query(&table, &pk, None, None, None, true).count().await
}

pub(crate) fn query_gsi_stream<T: GSITable>(
    pk: String,
    sk: Option<String>,
    page_size: Option<u16>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    lazy_stream(move |table| gsi_query(&table, &pk, sk, page_size, None, true).stream())
}
