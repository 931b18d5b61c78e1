//! Helpers behind the seed crate's associated functions of [`DynamoTable`] and
//! [`GSITable`](crate::GSITable): they keep the seed's names, argument order and meaning, and
//! each is a thin call into [`Table`](crate::Table), whose methods do the work.

use futures::{Stream, StreamExt, stream};
use serde::Serialize;

use crate::error::Result;
use crate::expression::{Bound, IntoExpression};
use crate::page::Cursor;
use crate::query::{Query, SortKey};
use crate::scan::Scan;
use crate::table::DynamoTable;

/// A seed-style optional condition: checked and bound with its values, or `None`.
pub(crate) fn condition_bound<C: IntoExpression>(
    condition: Option<C>,
    values: Option<serde_json::Value>,
) -> Option<Result<Bound>> {
    condition.map(|c| {
        c.into_expression()
            .and_then(|e| Bound::new(e, values.unwrap_or(serde_json::Value::Null)))
    })
}

pub(crate) fn bind(filter: impl IntoExpression, values: impl Serialize) -> Result<Bound> {
    filter.into_expression().and_then(|e| Bound::new(e, values))
}

pub(crate) fn shape<T: DynamoTable, SK: crate::KeyValue>(
    mut query: Query<T, SK>,
    sort: Option<SortKey<SK>>,
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

/// `T`'s table on `T`'s client.
pub(crate) async fn table_of<T: DynamoTable>() -> crate::Table<T> {
    T::dynamodb_client().await.table::<T>()
}

/// A stream that first fetches the table's client, then streams what `build` makes of it.
pub(crate) fn lazy_stream<T, S>(
    build: impl FnOnce(crate::Table<T>) -> S + Send + 'static,
) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: DynamoTable,
    S: Stream<Item = Result<T>> + Send + 'static,
{
    stream::once(async move { build(table_of::<T>().await) }).flatten()
}

/// A query on the seed GSI of `T` through `T`'s client, shaped like the seed's arguments.
pub(crate) async fn gsi_query<T: crate::GSITable>(
    pk: &str,
    sk: Option<String>,
    limit: Option<u16>,
    cursor: Option<Cursor<T>>,
    ascending: bool,
) -> Query<T, String> {
    let index = table_of::<T>()
        .await
        .index_named::<crate::index::SeedGsi<T>>(std::borrow::Cow::Owned(T::global_index_name()));
    shape(
        index.query(&pk.to_owned()),
        sk.map(SortKey::Eq),
        limit,
        cursor,
        ascending,
    )
}
