//! Turning the published API's arguments into native ones: conditions and filters bound with
//! their values, a sort key dropped where the table has none, numbers given as text, and the
//! table handle of `T`'s client.

use aws_sdk_dynamodb::types::AttributeValue;
use futures::{Stream, StreamExt, stream};
use serde::Serialize;

use crate::error::Result;
use crate::expression::{Bound, IntoExpression};
use crate::schema::{DynamoTable, KeyType, KeyValue};
use crate::table_handle::Table;

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

/// The published API ignores a sort key given for a table that has none; so does this layer.
pub(crate) fn lenient<T: DynamoTable>(sk: Option<T::SK>) -> Option<T::SK> {
    T::SORT_KEY.and(sk)
}

/// A number key given as its digits (the published API's `String` sort-key ranges); checked
/// like any number key before sending.
#[derive(Debug, Clone)]
pub(crate) struct NumberText(pub String);

impl KeyValue for NumberText {
    const KEY_TYPE: KeyType = KeyType::N;

    fn to_attribute_value(&self) -> AttributeValue {
        AttributeValue::N(self.0.trim().to_owned())
    }
}

/// `T`'s table on `T`'s client ([`DynamoTable::dynamodb_client`]).
pub(crate) async fn table_of<T: DynamoTable>() -> Table<T> {
    super::client::client_of::<T>().await.table::<T>()
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
