//! [`Connection`]: what every request needs, shared by the client, its table handles and its
//! batches.

use std::sync::Arc;

use crate::schema::DynamoTable;

/// Batch requests in flight at once per batch call, unless set otherwise.
pub(crate) const DEFAULT_BATCH_CONCURRENCY: usize = 4;

/// The SDK client, the endpoint it talks to (named in errors), the table-name prefix, and how
/// many batch requests may be in flight at once. Cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct Connection {
    pub sdk: aws_sdk_dynamodb::Client,
    pub endpoint: Arc<str>,
    pub prefix: Arc<str>,
    pub batch_concurrency: usize,
    /// The key page tokens are signed with, if the application set one.
    pub token_key: Option<Arc<[u8]>>,
}

impl Connection {
    pub(crate) fn new(sdk: aws_sdk_dynamodb::Client, endpoint: String) -> Self {
        Connection {
            sdk,
            endpoint: Arc::from(endpoint),
            prefix: Arc::from(""),
            batch_concurrency: DEFAULT_BATCH_CONCURRENCY,
            token_key: None,
        }
    }

    /// The full name of `T`'s table: prefix + `T::TABLE`.
    pub(crate) fn table_name<T: DynamoTable>(&self) -> String {
        format!("{}{}", self.prefix, T::TABLE)
    }
}
