//! The published API's table functions, at `dynamo_table::table`, with its signatures: the
//! bodies of [`DynamoTable`]'s provided methods, and the free functions. Each is a thin call
//! into [`Table`](crate::Table).

use aws_sdk_dynamodb::operation::{
    delete_item::DeleteItemOutput, put_item::PutItemOutput, update_item::UpdateItemOutput,
};
use aws_sdk_dynamodb::types::AttributeValue;
use futures::Stream;
use serde::Serialize;

use super::output::{BatchReadOutput, BatchWriteOutput, CompositeKey, Cursor, OutputItems};
pub(crate) use super::shape::bind;
use super::shape::{NumberText, ReadShape, condition_bound, lazy_stream, lenient, table_of};
use crate::codec::key::key_map;
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{Bound, Expression, IntoExpression};
use crate::operations::read::{Query, Scan, SortCondition};
use crate::schema::{Binary, DynamoTable, KeyType, KeyValue};
use crate::table_handle::Table;

/// How one page of a query is read: the published API's arguments, gathered.
pub(crate) struct Page<'a, T: DynamoTable> {
    sort: Option<SortCondition<T::SK>>,
    start: Option<&'a T::SK>,
    cursor: Option<Cursor<T>>,
    index: Option<String>,
    shape: ReadShape<'a>,
}

impl<'a, T: DynamoTable> Page<'a, T> {
    /// A page of the items with sort key `sort_key` (all, for `None`), after the sort key
    /// `start`, at most `limit` read, ascending if `forward`.
    pub(crate) fn new(
        sort_key: Option<&T::SK>,
        start: Option<&'a T::SK>,
        limit: Option<u16>,
        forward: bool,
    ) -> Self {
        Page {
            sort: sort_key.cloned().map(SortCondition::Eq),
            start,
            cursor: None,
            index: None,
            shape: ReadShape::new(limit, forward),
        }
    }

    pub(crate) fn sort(mut self, condition: SortCondition<T::SK>) -> Self {
        self.sort = Some(condition);
        self
    }

    pub(crate) fn after(mut self, cursor: Option<Cursor<T>>) -> Self {
        self.cursor = cursor;
        self
    }

    pub(crate) fn index(mut self, index: Option<String>) -> Self {
        self.index = index;
        self
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

    /// The query of partition `pk` on `table` (or the index the page names) that reads this
    /// page, with `sort` as its sort-key condition (the page's own, taken out, or one whose
    /// values have another Rust type).
    fn query<SK: KeyValue>(
        self,
        table: &Table<T>,
        pk: &T::PK,
        sort: Option<SortCondition<SK>>,
    ) -> Query<T, SK> {
        let mut query = table.query_as::<SK>(pk, self.index.clone());
        if let Some(sort) = sort {
            query = query.sort_key(sort);
        }
        query = self.shape.apply(query);
        match (self.cursor, self.start) {
            (Some(cursor), _) => query.after(cursor.into_native()),
            (None, Some(sk)) => match start_key::<T>(self.index.as_deref(), pk, sk) {
                Ok(key) => query.start_at(key),
                Err(e) => {
                    query.read_mut().fail(e);
                    query
                }
            },
            (None, None) => query,
        }
    }

    fn page_size(&self) -> u16 {
        self.shape.page_size::<T>()
    }
}

/// The start key of a table query after sort key `sk` (none when the table has no sort key:
/// its partitions hold one item). An index needs its own key values, which only a cursor has.
fn start_key<T: DynamoTable>(
    index: Option<&str>,
    pk: &T::PK,
    sk: &T::SK,
) -> Result<Option<std::collections::HashMap<String, AttributeValue>>> {
    if let Some(index) = index {
        return Err(Error::invalid(
            InvalidReason::IndexStartKey,
            format!(
                "`exclusive_start_key` cannot resume a query of index `{index}`: the page boundary \
                 of an index also holds the index's key values. Page through an index with \
                 `Table::index::<I>().query(..)` and the cursor of each page"
            ),
        ));
    }
    let sk = lenient::<T>(Some(sk.clone()));
    if sk.is_none() {
        return Ok(None);
    }
    key_map::<T>(T::TABLE, pk, sk.as_ref()).map(Some)
}

/// One page of a query of `T`'s table (or of the index named by the page).
pub(crate) async fn page<T: DynamoTable>(
    pk: &T::PK,
    mut page: Page<'_, T>,
) -> Result<OutputItems<T>> {
    let table = table_of::<T>().await;
    let sort = page.sort.take();
    read(&table, pk, page, sort).await
}

/// Reads `page` of partition `pk` under the sort-key condition `sort`.
async fn read<T: DynamoTable, SK: KeyValue>(
    table: &Table<T>,
    pk: &T::PK,
    page: Page<'_, T>,
    sort: Option<SortCondition<SK>>,
) -> Result<OutputItems<T>> {
    let size = page.page_size();
    let result = Box::pin(page.query(table, pk, sort).page()).await?;
    OutputItems::from_page(result, size)
}

/// One page of a query whose sort-key range is given as text: strings for a string sort key,
/// numbers for a numeric one, bytes for a binary one.
async fn page_between<T: DynamoTable>(
    pk: &T::PK,
    page: Page<'_, T>,
    low: String,
    high: String,
) -> Result<OutputItems<T>> {
    let table = &table_of::<T>().await;
    match <T::SK as KeyValue>::KEY_TYPE {
        KeyType::S => read(table, pk, page, Some(SortCondition::Between(low, high))).await,
        KeyType::N => {
            let range = SortCondition::Between(NumberText(low), NumberText(high));
            read(table, pk, page, Some(range)).await
        }
        KeyType::B => {
            let (low, high) = (
                Binary::from(low.into_bytes()),
                Binary::from(high.into_bytes()),
            );
            read(table, pk, page, Some(SortCondition::Between(low, high))).await
        }
    }
}

/// Puts `payload`, replacing any item with the same key.
pub async fn add_item<T: DynamoTable>(payload: &T) -> Result<PutItemOutput> {
    table_of::<T>().await.put(payload).await
}

/// Gets the item with this key, or `None`. A sort key given for a table without one is ignored.
pub async fn get_item<T: DynamoTable>(
    partition_key: &T::PK,
    sort_key: Option<&T::SK>,
) -> Result<Option<T>> {
    let key = (partition_key.clone(), lenient::<T>(sort_key.cloned()));
    table_of::<T>().await.get(key).await
}

/// One page of the partition, ascending, after the sort key `exclusive_start_key`.
pub async fn query_items<T: DynamoTable>(
    partition_key: &T::PK,
    limit: Option<u16>,
    exclusive_start_key: Option<&T::SK>,
) -> Result<OutputItems<T>> {
    page(
        partition_key,
        Page::new(None, exclusive_start_key, limit, true),
    )
    .await
}

/// One filtered page of the partition, or of the index `index_name` keyed like the table.
#[allow(clippy::too_many_arguments)]
pub async fn query_items_with_filter<T: DynamoTable, U: Serialize>(
    partition_key: &T::PK,
    sort_key: Option<&T::SK>,
    exclusive_start_key: Option<&T::SK>,
    limit: Option<u16>,
    index_name: Option<String>,
    scan_index_forward: bool,
    filter_expression: impl IntoExpression,
    filter_expression_values: U,
) -> Result<OutputItems<T>> {
    let shape = Page::new(sort_key, exclusive_start_key, limit, scan_index_forward)
        .index(index_name)
        .filter(filter_expression, filter_expression_values);
    page(partition_key, shape).await
}

/// One page returning only `projection_attributes` (every attribute for `None`); the items must
/// still decode as `T`.
pub async fn query_items_with_projection<T: DynamoTable>(
    partition_key: &T::PK,
    sort_key: Option<&T::SK>,
    exclusive_start_key: Option<&T::SK>,
    limit: Option<u16>,
    index_name: Option<String>,
    scan_index_forward: bool,
    projection_attributes: Option<&[&str]>,
) -> Result<OutputItems<T>> {
    let shape = Page::new(sort_key, exclusive_start_key, limit, scan_index_forward)
        .index(index_name)
        .project(projection_attributes);
    page(partition_key, shape).await
}

/// [`query_items_with_filter`] with a projection.
#[allow(clippy::too_many_arguments)]
pub async fn query_items_with_filter_and_projection<T: DynamoTable, U: Serialize>(
    partition_key: &T::PK,
    sort_key: Option<&T::SK>,
    exclusive_start_key: Option<&T::SK>,
    limit: Option<u16>,
    index_name: Option<String>,
    scan_index_forward: bool,
    filter_expression: impl IntoExpression,
    filter_expression_values: U,
    projection_attributes: Option<&[&str]>,
) -> Result<OutputItems<T>> {
    let shape = Page::new(sort_key, exclusive_start_key, limit, scan_index_forward)
        .index(index_name)
        .filter(filter_expression, filter_expression_values)
        .project(projection_attributes);
    page(partition_key, shape).await
}

/// One page of the items whose sort key is between `range_start` and `range_end`, both
/// included (numbers for a numeric sort key).
pub async fn query_items_between<T: DynamoTable>(
    partition_key: &T::PK,
    exclusive_start_key: Option<&T::SK>,
    limit: Option<u16>,
    index_name: Option<String>,
    scan_index_forward: bool,
    range_start: String,
    range_end: String,
) -> Result<OutputItems<T>> {
    let shape = Page::new(None, exclusive_start_key, limit, scan_index_forward).index(index_name);
    page_between(partition_key, shape, range_start, range_end).await
}

/// One page of the items whose attribute `field_name` contains `field_value` (a filter: the
/// page may hold fewer items than `limit`, and a key attribute is refused, as DynamoDB does).
pub async fn query_items_contains<T: DynamoTable>(
    partition_key: &T::PK,
    exclusive_start_key: Option<&T::SK>,
    limit: Option<u16>,
    index_name: Option<String>,
    scan_index_forward: bool,
    field_name: String,
    field_value: String,
) -> Result<OutputItems<T>> {
    let values = serde_json::json!({ ":value": field_value });
    let filter = Expression::parse("contains(#field, :value)")
        .and_then(|e| Bound::new(e.name("#field", field_name), values));
    let mut shape =
        Page::new(None, exclusive_start_key, limit, scan_index_forward).index(index_name);
    shape.shape.filter = Some(filter);
    page(partition_key, shape).await
}

/// One page of the items whose sort key ends with `prefix` (the published name of the
/// argument). DynamoDB has no `ends_with`: the page is read, then its items are kept when
/// their sort key ends with `prefix`, so it may hold fewer items than `limit`.
pub async fn query_items_ends_with<T: DynamoTable>(
    partition_key: &T::PK,
    exclusive_start_key: Option<&T::SK>,
    limit: Option<u16>,
    index_name: Option<String>,
    scan_index_forward: bool,
    prefix: String,
) -> Result<OutputItems<T>> {
    let shape =
        Page::<T>::new(None, exclusive_start_key, limit, scan_index_forward).index(index_name);
    let mut out = page(partition_key, shape).await?;
    out.items.retain(|item| {
        item.sort_key()
            .is_some_and(|sk| key_text(&sk.to_attribute_value()).ends_with(&prefix))
    });
    out.count = i32::try_from(out.items.len()).unwrap_or(i32::MAX);
    Ok(out)
}

/// A key value as text: a string, a number's digits, or bytes read as UTF-8.
fn key_text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::S(s) | AttributeValue::N(s) => s.clone(),
        AttributeValue::B(b) => String::from_utf8_lossy(b.as_ref()).into_owned(),
        _ => String::new(),
    }
}

/// One page of the items whose sort key starts with `prefix` (string and binary sort keys).
pub async fn query_items_begins_with<T: DynamoTable>(
    partition_key: &T::PK,
    exclusive_start_key: Option<&T::SK>,
    limit: Option<u16>,
    index_name: Option<String>,
    scan_index_forward: bool,
    prefix: String,
) -> Result<OutputItems<T>> {
    let shape = Page::new(None, exclusive_start_key, limit, scan_index_forward)
        .index(index_name)
        .sort(SortCondition::BeginsWith(prefix));
    page(partition_key, shape).await
}

/// The first item of the partition.
pub async fn query_item<T: DynamoTable>(partition_key: &T::PK) -> Result<Option<T>> {
    table_of::<T>().await.query(partition_key).first().await
}

/// Deletes the item with this key; deleting a missing item is not an error.
pub async fn delete_item<T: DynamoTable>(
    partition_key: T::PK,
    sort_key: Option<T::SK>,
) -> Result<DeleteItemOutput> {
    let key = (partition_key, lenient::<T>(sort_key));
    table_of::<T>().await.delete(key).await
}

/// Adds `increment_by` to the number attribute `field` (0 if missing).
pub async fn increment<T: DynamoTable>(
    partition_key: &T::PK,
    sort_key: Option<&T::SK>,
    field: &str,
    increment_by: u64,
) -> Result<UpdateItemOutput> {
    increment_multiple::<T>(partition_key, sort_key, &[(field, increment_by)]).await
}

/// Adds each amount to its attribute in one request (0 if missing). At least once: see the
/// README on retries.
pub async fn increment_multiple<T: DynamoTable>(
    partition_key: &T::PK,
    sort_key: Option<&T::SK>,
    fields: &[(&str, u64)],
) -> Result<UpdateItemOutput> {
    let mut amounts = Vec::with_capacity(fields.len());
    for &(field, amount) in fields {
        let amount = i64::try_from(amount).map_err(|_| {
            Error::invalid(
                InvalidReason::AttributeValue,
                format!(
                    "the increment of `{field}` by {amount} is above {}: add it in steps",
                    i64::MAX
                ),
            )
        })?;
        amounts.push((field, amount));
    }
    let key = (partition_key.clone(), lenient::<T>(sort_key.cloned()));
    table_of::<T>().await.increment(key, &amounts).await
}

/// Sets the attributes of `update` on the item with this key.
pub async fn update_item<T: DynamoTable, U: Serialize + Send>(
    partition_key: T::PK,
    sort_key: Option<T::SK>,
    update: U,
) -> Result<UpdateItemOutput> {
    let key = (partition_key, lenient::<T>(sort_key));
    table_of::<T>().await.update(key, update).await
}

/// [`update_item`] if `condition_expression` holds.
pub async fn update_item_with_condition<T: DynamoTable, U: Serialize + Send, C: Serialize>(
    partition_key: T::PK,
    sort_key: Option<T::SK>,
    update: U,
    condition_expression: Option<String>,
    condition_expression_values: Option<C>,
) -> Result<UpdateItemOutput> {
    let condition = condition_of(condition_expression, condition_expression_values);
    update_conditioned::<T, U>(partition_key, sort_key, update, condition).await
}

/// A condition and its values, checked and bound (`None` without a condition).
pub(crate) fn condition_of<C: Serialize>(
    condition: Option<String>,
    values: Option<C>,
) -> Option<Result<Bound>> {
    let values = match values.map(serde_json::to_value).transpose() {
        Ok(values) => values,
        Err(e) => {
            return Some(Err(Error::invalid(
                InvalidReason::ExpressionValuesShape,
                format!("the condition's values do not serialize: {e}"),
            )));
        }
    };
    condition_bound(condition, values)
}

/// [`update_item`] under an already bound condition.
pub(crate) async fn update_conditioned<T: DynamoTable, U: Serialize + Send>(
    partition_key: T::PK,
    sort_key: Option<T::SK>,
    update: U,
    condition: Option<Result<Bound>>,
) -> Result<UpdateItemOutput> {
    let key = (partition_key, lenient::<T>(sort_key));
    let table = table_of::<T>().await;
    match condition {
        Some(bound) => table.update_bound(key, update, bound?).await,
        None => table.update(key, update).await,
    }
}

/// How many items the partition holds, over all pages.
pub async fn count_items<T: DynamoTable>(partition_key: &T::PK) -> Result<usize> {
    table_of::<T>().await.query(partition_key).count().await
}

/// A scan shaped by the published arguments.
fn scan_of<T: DynamoTable>(
    table: &Table<T>,
    limit: Option<u16>,
    start: Option<CompositeKey<T::PK, T::SK>>,
    filter: Option<Result<Bound>>,
) -> Scan<T> {
    let mut scan = table.scan();
    if let Some(limit) = limit {
        scan = scan.limit(u32::from(limit));
    }
    if let Some(filter) = filter {
        scan = scan.bound_filter(filter);
    }
    match start {
        Some((pk, sk)) => match key_map::<T>(T::TABLE, &pk, lenient::<T>(sk).as_ref()) {
            Ok(key) => scan.start_at(Some(key)),
            Err(e) => {
                scan.read_mut().fail(e);
                scan
            }
        },
        None => scan,
    }
}

/// One page of a scan, after the key `exclusive_start_key` (a page's `last_evaluated_key`).
pub async fn scan_items<T: DynamoTable>(
    limit: Option<u16>,
    exclusive_start_key: Option<CompositeKey<T::PK, T::SK>>,
) -> Result<OutputItems<T>> {
    let table = table_of::<T>().await;
    let page = scan_of(&table, limit, exclusive_start_key, None)
        .page()
        .await?;
    OutputItems::from_page(page, limit.unwrap_or(T::DEFAULT_PAGE_SIZE))
}

/// [`scan_items`] with a filter.
pub async fn scan_items_with_filter<T: DynamoTable, U: Serialize>(
    limit: Option<u16>,
    exclusive_start_key: Option<CompositeKey<T::PK, T::SK>>,
    filter_expression: impl IntoExpression,
    filter_expression_values: U,
) -> Result<OutputItems<T>> {
    let filter = bind(filter_expression, filter_expression_values);
    scan_filtered::<T>(limit, exclusive_start_key, filter).await
}

/// [`scan_items`] with an already bound filter.
pub(crate) async fn scan_filtered<T: DynamoTable>(
    limit: Option<u16>,
    exclusive_start_key: Option<CompositeKey<T::PK, T::SK>>,
    filter: Result<Bound>,
) -> Result<OutputItems<T>> {
    let table = table_of::<T>().await;
    let page = scan_of(&table, limit, exclusive_start_key, Some(filter))
        .page()
        .await?;
    OutputItems::from_page(page, limit.unwrap_or(T::DEFAULT_PAGE_SIZE))
}

/// Removes these attributes from the item with this key.
pub async fn remove_attributes<T: DynamoTable>(
    partition_key: T::PK,
    sort_key: Option<T::SK>,
    attributes: &[&str],
) -> Result<UpdateItemOutput> {
    let key = (partition_key, lenient::<T>(sort_key));
    table_of::<T>()
        .await
        .remove_attributes(key, attributes)
        .await
}

/// Every item of the query, `limit` per request, fetched as the stream is polled (memory holds
/// one page). The future resolves at once; requests start when the stream is polled.
pub async fn query_items_stream<T: DynamoTable>(
    partition_key: &T::PK,
    sort_key: Option<&T::SK>,
    exclusive_start_key: Option<&T::SK>,
    limit: Option<u16>,
    index_name: Option<String>,
    scan_index_forward: bool,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    let pk = partition_key.clone();
    let sort_key = sort_key.cloned();
    let start = exclusive_start_key.cloned();
    lazy_stream(move |table: Table<T>| {
        let mut shape = Page::new(sort_key.as_ref(), start.as_ref(), limit, scan_index_forward)
            .index(index_name);
        let sort = shape.sort.take();
        shape.query(&table, &pk, sort).stream()
    })
}

/// Puts `update` and deletes `delete` (each by its own key) in batches of 25, retrying
/// unprocessed items; every item ends in a processed or a failed list. A put and a delete of
/// the same key is refused before anything is sent.
pub async fn batch_write<T: DynamoTable>(
    update: Vec<T>,
    delete: Vec<T>,
) -> Result<BatchWriteOutput<T>> {
    let client = super::client::client_of::<T>().await;
    let table = client.table_name::<T>();
    let mut batch = client
        .batch_write()
        .retry(T::BATCH_RETRIES_CONFIG)
        .keeping_each_call_capacity();
    for item in &update {
        batch = batch.put(item);
    }
    for item in &delete {
        let key = (item.partition_key(), lenient::<T>(item.sort_key()));
        batch = batch.delete::<T>(key);
    }
    let values = update
        .into_iter()
        .map(|item| (true, item))
        .chain(delete.into_iter().map(|item| (false, item)))
        .collect();
    let report = batch.execute().await?;
    let result = crate::operations::batch::split(
        values,
        report.outcomes.into_iter(),
        report.execution_time,
        report.stats,
    );
    Ok(BatchWriteOutput::from_result(&table, result))
}

/// Reads the items with these keys, 100 per request, retrying unprocessed keys.
pub async fn batch_get<T: DynamoTable>(
    values: Vec<CompositeKey<T::PK, T::SK>>,
) -> Result<BatchReadOutput<T>> {
    let table = table_of::<T>().await;
    let keys = values
        .into_iter()
        .map(|(pk, sk)| (pk, lenient::<T>(sk)))
        .collect::<Vec<_>>();
    let result = table.batch_get_keeping_each_call_capacity(keys).await?;
    Ok(BatchReadOutput::from_result(table.name(), result))
}

// From the 0.5 API.

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

/// Every item of a query, filtered if `filter` is given.
fn stream_of<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    page_size: Option<u16>,
    filter: Option<Result<Bound>>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    let pk = pk.clone();
    lazy_stream(move |table: Table<T>| {
        let mut query = table.query(&pk);
        if let Some(sort) = sort {
            query = query.sort_key(sort);
        }
        if let Some(size) = page_size {
            query = query.limit(u32::from(size));
        }
        if let Some(filter) = filter {
            query = query.bound_filter(filter);
        }
        query.stream()
    })
}

pub(crate) fn query_stream<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    page_size: Option<u16>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    stream_of(pk, sort, page_size, None)
}

pub(crate) fn query_stream_with_filter<T: DynamoTable>(
    pk: &T::PK,
    sort: Option<SortCondition<T::SK>>,
    page_size: Option<u16>,
    filter: impl IntoExpression,
    values: impl Serialize,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    stream_of(pk, sort, page_size, Some(bind(filter, values)))
}

fn scan_stream_of<T: DynamoTable>(
    page_size: Option<u16>,
    filter: Option<Result<Bound>>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    lazy_stream(move |table: Table<T>| scan_of(&table, page_size, None, filter).stream())
}

pub(crate) fn scan_stream<T: DynamoTable>(
    page_size: Option<u16>,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    scan_stream_of(page_size, None)
}

pub(crate) fn scan_stream_with_filter<T: DynamoTable>(
    page_size: Option<u16>,
    filter: impl IntoExpression,
    values: impl Serialize,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    scan_stream_of(page_size, Some(bind(filter, values)))
}
