//! The published API's table functions: the bodies of [`DynamoTable`]'s provided methods, and
//! [`batch_write`]. Each is a thin call into [`Table`](crate::Table).

use std::future::Future;

use aws_sdk_dynamodb::operation::{
    delete_item::DeleteItemOutput, put_item::PutItemOutput, update_item::UpdateItemOutput,
};
use futures::Stream;
use serde::Serialize;

use super::shape::{bind, condition_bound, lazy_stream, shape, shape_scan, table_of};
use crate::error::Result;
use crate::expression::{Bound, IntoExpression};
use crate::operations::batch::{BatchGetResult, BatchWriteResult, split};
use crate::operations::read::{Cursor, QueryResult, Scan, SortCondition};
use crate::schema::{DynamoTable, KeyOf};
use crate::table::Table;

/// The key of this item, as a pair.
fn own_key<T: DynamoTable>(item: &T) -> KeyOf<T> {
    (item.partition_key(), item.sort_key())
}

/// A key from borrowed parts.
fn key_of<T: DynamoTable>(pk: &T::PK, sk: Option<&T::SK>) -> KeyOf<T> {
    (pk.clone(), sk.cloned())
}

pub(crate) async fn add_item<T: DynamoTable>(item: &T) -> Result<PutItemOutput> {
    table_of::<T>().await.put(item).await
}

pub(crate) async fn get_item<T: DynamoTable>(pk: &T::PK, sk: Option<&T::SK>) -> Result<Option<T>> {
    table_of::<T>().await.get(key_of::<T>(pk, sk)).await
}

pub(crate) async fn delete_item<T: DynamoTable>(
    pk: T::PK,
    sk: Option<T::SK>,
) -> Result<DeleteItemOutput> {
    table_of::<T>().await.delete((pk, sk)).await
}

pub(crate) async fn destroy_item<T: DynamoTable>(item: &T) -> Result<DeleteItemOutput> {
    table_of::<T>().await.delete(own_key(item)).await
}

pub(crate) async fn batch_get<T: DynamoTable>(keys: Vec<KeyOf<T>>) -> Result<BatchGetResult<T>> {
    table_of::<T>().await.batch_get(keys).await
}

pub(crate) async fn batch_upsert<T: DynamoTable>(items: Vec<T>) -> Result<BatchWriteResult<T>> {
    table_of::<T>().await.batch_put(items).await
}

pub(crate) async fn batch_delete<T: DynamoTable>(items: Vec<T>) -> Result<BatchWriteResult<T>> {
    batch_write(Vec::new(), items).await
}

/// Puts `puts` and deletes `deletes` of `T`'s table in one batch, on `T`'s client. A put and a
/// delete of the same key is refused before anything is sent. In the result, `items` holds the
/// puts and deletes that were applied (puts first). For writes across several tables, use
/// [`DynamoClient::batch_write`](crate::DynamoClient::batch_write).
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run() -> Result<(), dynamo_table::Error> {
/// let puts = vec![User { user_id: "u2".into() }];
/// let deletes = vec![User { user_id: "u1".into() }];
/// let result = dynamo_table::batch_write(puts, deletes).await?;
/// assert_eq!(result.items.len() + result.failed.len() + result.superseded.len(), 2);
/// # Ok(()) }
/// ```
pub async fn batch_write<T: DynamoTable>(
    puts: Vec<T>,
    deletes: Vec<T>,
) -> Result<BatchWriteResult<T>> {
    let client = T::dynamodb_client().await;
    let mut batch = client.batch_write().retry(T::BATCH_RETRIES_CONFIG);
    for item in &puts {
        batch = batch.put(item);
    }
    for item in &deletes {
        batch = batch.delete::<T>(own_key(item));
    }
    let mut values = puts;
    values.extend(deletes);
    Ok(split(values, batch.execute().await?))
}

pub(crate) async fn add_item_with_condition<T: DynamoTable, C: IntoExpression + Send>(
    item: &T,
    condition: Option<C>,
    values: Option<serde_json::Value>,
) -> Result<PutItemOutput> {
    let condition = condition_bound(condition, values);
    let table = table_of::<T>().await;
    match condition {
        Some(bound) => table.put_bound(item, bound?).await,
        None => table.put(item).await,
    }
}

pub(crate) async fn update_item<T: DynamoTable>(
    item: &T,
    updates: impl Serialize + Send,
) -> Result<UpdateItemOutput> {
    table_of::<T>().await.update(own_key(item), updates).await
}

pub(crate) async fn update_item_with_condition<T: DynamoTable, C: IntoExpression + Send>(
    item: &T,
    updates: impl Serialize + Send,
    condition: Option<C>,
    values: Option<serde_json::Value>,
) -> Result<UpdateItemOutput> {
    let condition = condition_bound(condition, values);
    let table = table_of::<T>().await;
    match condition {
        Some(bound) => table.update_bound(own_key(item), updates, bound?).await,
        None => table.update(own_key(item), updates).await,
    }
}

pub(crate) async fn remove_attributes<T: DynamoTable>(
    item: &T,
    attributes: &[&str],
) -> Result<UpdateItemOutput> {
    let table = table_of::<T>().await;
    table.remove_attributes(own_key(item), attributes).await
}

pub(crate) async fn increment_multiple<T: DynamoTable>(
    pk: &T::PK,
    sk: Option<&T::SK>,
    fields: &[(&str, i64)],
) -> Result<UpdateItemOutput> {
    let table = table_of::<T>().await;
    table.increment(key_of::<T>(pk, sk), fields).await
}

/// One page of a query shaped by the published arguments, filtered if `filter` is given: what
/// every page-returning query function does.
async fn query_page<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    ascending: bool,
    filter: Option<Result<Bound>>,
) -> Result<QueryResult<T>> {
    let table = table_of::<T>().await;
    let query = shape(table.query(pk), sort, limit, cursor, ascending);
    match filter {
        Some(filter) => query.bound_filter(filter).page().await,
        None => query.page().await,
    }
}

pub(crate) async fn query_items<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
) -> Result<QueryResult<T>> {
    query_page(pk, sort, limit, cursor, true, None).await
}

pub(crate) async fn reverse_query_items<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
) -> Result<QueryResult<T>> {
    query_page(pk, sort, limit, cursor, false, None).await
}

pub(crate) async fn query_item<T: DynamoTable>(pk: &T::PK) -> Result<Option<T>> {
    table_of::<T>().await.query(pk).first().await
}

pub(crate) fn query_items_with_filter<'a, T: DynamoTable>(
    pk: &'a T::PK,
    sort: Option<SortCondition<T::SK>>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    filter: impl IntoExpression + Send,
    values: impl Serialize + Send,
) -> impl Future<Output = Result<QueryResult<T>>> + Send + 'a {
    let filter = bind(filter, values);
    query_page(pk, sort, limit, cursor, true, Some(filter))
}

pub(crate) async fn query_begins_with<T: DynamoTable>(
    pk: &T::PK,
    prefix: &str,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    ascending: bool,
) -> Result<QueryResult<T>> {
    let sort = SortCondition::BeginsWith(prefix.to_owned());
    query_page(pk, Some(sort), limit, cursor, ascending, None).await
}

pub(crate) fn query_between<'a, T: DynamoTable>(
    pk: &'a T::PK,
    low: impl Into<T::SK>,
    high: impl Into<T::SK>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    ascending: bool,
) -> impl Future<Output = Result<QueryResult<T>>> + Send + 'a {
    let sort = SortCondition::Between(low.into(), high.into());
    query_page(pk, Some(sort), limit, cursor, ascending, None)
}

pub(crate) async fn count_items<T: DynamoTable>(pk: &T::PK) -> Result<usize> {
    table_of::<T>().await.query(pk).count().await
}

/// Every item of a query shaped by the published arguments, filtered if `filter` is given.
fn query_items_stream<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    page_size: Option<u16>,
    filter: Option<Result<Bound>>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    let pk = pk.clone();
    lazy_stream(move |table| {
        let query = shape(table.query(&pk), sort, page_size, None, true);
        match filter {
            Some(filter) => query.bound_filter(filter),
            None => query,
        }
        .stream()
    })
}

pub(crate) fn query_stream<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    page_size: Option<u16>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    query_items_stream(pk, sort, page_size, None)
}

pub(crate) fn query_stream_with_filter<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    page_size: Option<u16>,
    filter: impl IntoExpression,
    values: impl Serialize,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    query_items_stream(pk, sort, page_size, Some(bind(filter, values)))
}

/// A scan shaped by the published arguments, filtered if `filter` is given.
fn scan_of<T: DynamoTable>(
    table: &Table<T>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    filter: Option<Result<Bound>>,
) -> Scan<T> {
    let scan = shape_scan(table.scan(), limit, cursor);
    match filter {
        Some(filter) => scan.bound_filter(filter),
        None => scan,
    }
}

pub(crate) async fn scan_items<T: DynamoTable>(
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
) -> Result<QueryResult<T>> {
    scan_of(&table_of::<T>().await, limit, cursor, None)
        .page()
        .await
}

pub(crate) fn scan_items_with_filter<T: DynamoTable>(
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    filter: impl IntoExpression + Send,
    values: impl Serialize + Send,
) -> impl Future<Output = Result<QueryResult<T>>> + Send + 'static {
    let filter = bind(filter, values);
    async move {
        let table = table_of::<T>().await;
        scan_of(&table, limit, cursor, Some(filter)).page().await
    }
}

pub(crate) fn scan_stream<T: DynamoTable>(
    page_size: Option<u16>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    lazy_stream(move |table| scan_of(&table, page_size, None, None).stream())
}

pub(crate) fn scan_stream_with_filter<T: DynamoTable>(
    page_size: Option<u16>,
    filter: impl IntoExpression,
    values: impl Serialize,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    let filter = bind(filter, values);
    lazy_stream(move |table| scan_of(&table, page_size, None, Some(filter)).stream())
}
