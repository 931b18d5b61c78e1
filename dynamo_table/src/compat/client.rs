//! The client a table's published-API functions run on.

use std::sync::{PoisonError, RwLock};

use crate::client::{DynamoClient, peek_global};
use crate::schema::DynamoTable;

/// SDK clients a table's `dynamodb_client` override returned, wrapped once each. The
/// references are `'static`, so an address names one client for the life of the process.
static WRAPPED: RwLock<Vec<(usize, DynamoClient)>> = RwLock::new(Vec::new());

/// The client `T`'s functions run on: the global client (with its table prefix and settings)
/// when `T::dynamodb_client()` returns its SDK client, else that SDK client, wrapped.
pub(crate) async fn client_of<T: DynamoTable>() -> DynamoClient {
    let sdk = T::dynamodb_client().await;
    if let Some(global) = peek_global()
        && std::ptr::eq(global.sdk(), sdk)
    {
        return global.clone();
    }
    let address = std::ptr::from_ref(sdk) as usize;
    let known = WRAPPED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(a, _)| *a == address)
        .map(|(_, client)| client.clone());
    if let Some(client) = known {
        return client;
    }
    let client = DynamoClient::from_client(sdk.clone());
    WRAPPED
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .push((address, client.clone()));
    client
}
