//! Turning the published API's arguments into native ones: conditions and filters bound with
//! their values, a sort key dropped where the table has none, numbers given as text, and the
//! table handle of `T`'s client.

use aws_sdk_dynamodb::types::AttributeValue;
use futures::{Stream, StreamExt, stream};
use serde::Serialize;

use crate::error::Result;
use crate::expression::{Bound, IntoExpression};
use crate::operations::read::Query;
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

/// What the published API's page arguments set on any query, of a table or of an index: the
/// page size, the order, a filter and a projection.
pub(crate) struct ReadShape<'a> {
    pub limit: Option<u16>,
    pub forward: bool,
    pub filter: Option<Result<Bound>>,
    pub projection: Option<&'a [&'a str]>,
}

impl<'a> ReadShape<'a> {
    /// At most `limit` items read (the table's page size for `None`), ascending if `forward`.
    pub(crate) fn new(limit: Option<u16>, forward: bool) -> Self {
        ReadShape {
            limit,
            forward,
            filter: None,
            projection: None,
        }
    }

    /// The page size the read asks for.
    pub(crate) fn page_size<T: DynamoTable>(&self) -> u16 {
        self.limit.unwrap_or(T::DEFAULT_PAGE_SIZE)
    }

    /// Sets the page size, order, filter and projection on `query`.
    pub(crate) fn apply<T: DynamoTable, SK: KeyValue>(
        self,
        mut query: Query<T, SK>,
    ) -> Query<T, SK> {
        if let Some(limit) = self.limit {
            query = query.limit(u32::from(limit));
        }
        if !self.forward {
            query = query.descending();
        }
        if let Some(filter) = self.filter {
            query = query.bound_filter(filter);
        }
        if let Some(attributes) = self.projection {
            query = query.project_attributes(attributes);
        }
        query
    }
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
