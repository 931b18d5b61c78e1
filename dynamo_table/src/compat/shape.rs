//! Turning the published API's arguments into native builders: optional conditions and filters
//! bound with their values, queries and scans shaped from `(sort, limit, cursor, ascending)`.

use futures::{Stream, StreamExt, stream};
use serde::Serialize;

use crate::error::Result;
use crate::expression::{Bound, IntoExpression};
use crate::operations::read::{Cursor, Query, Scan, SortCondition};
use crate::schema::{DynamoTable, KeyValue};
use crate::table::Table;

/// An optional condition: checked and bound with its values, or `None`.
pub(crate) fn condition_bound<C: IntoExpression>(
    condition: Option<C>,
    values: Option<serde_json::Value>,
) -> Option<Result<Bound>> {
    condition.map(|c| bind(c, values.unwrap_or(serde_json::Value::Null)))
}

/// A filter checked and bound with its values.
pub(crate) fn bind(filter: impl IntoExpression, values: impl Serialize) -> Result<Bound> {
    filter.into_expression().and_then(|e| Bound::new(e, values))
}

/// A query shaped by the published API's arguments.
pub(crate) fn shape<T: DynamoTable, SK: KeyValue>(
    mut query: Query<T, SK>,
    sort: Option<SortCondition<SK>>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    ascending: bool,
) -> Query<T, SK> {
    if let Some(sort) = sort {
        query = query.sort_key(sort);
    }
    if let Some(limit) = limit {
        query = query.limit(u32::from(limit));
    }
    if !ascending {
        query = query.descending();
    }
    query.after(cursor)
}

/// A scan shaped by the published API's arguments.
pub(crate) fn shape_scan<T: DynamoTable>(
    mut scan: Scan<T>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
) -> Scan<T> {
    if let Some(limit) = limit {
        scan = scan.limit(u32::from(limit));
    }
    scan.after(cursor)
}

/// `T`'s table on `T`'s client ([`DynamoTable::dynamodb_client`]).
pub(crate) async fn table_of<T: DynamoTable>() -> Table<T> {
    T::dynamodb_client().await.table::<T>()
}

/// A stream that first fetches `T`'s table, then streams what `build` makes of it.
pub(crate) fn lazy_stream<T, S>(
    build: impl FnOnce(Table<T>) -> S + Send + 'static,
) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: DynamoTable,
    S: Stream<Item = Result<T>> + Send + 'static,
{
    stream::once(async move { build(table_of::<T>().await) }).flatten()
}
