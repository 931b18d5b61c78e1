//! Single-item operations: put, get, delete.

use aws_sdk_dynamodb::operation::{delete_item::DeleteItemOutput, put_item::PutItemOutput};

use crate::error::Result;
use crate::handle::Table;
use crate::key::IntoKey;
use crate::table::DynamoTable;

impl<T: DynamoTable> Table<T> {
    /// Puts `item`, replacing any item with the same key.
    pub async fn add_item(&self, item: &T) -> Result<PutItemOutput> {
        self.put(item, None).await
    }

    /// Gets the item with this key, or `None` if there is none. The read is eventually
    /// consistent, as DynamoDB's default.
    pub async fn get_item(&self, pk: &T::PK, sk: Option<&T::SK>) -> Result<Option<T>> {
        let key = self.key_map(pk, sk)?;
        let output = self
            .client
            .sdk()
            .get_item()
            .table_name(&self.name)
            .set_key(Some(key))
            .send()
            .await
            .map_err(|e| self.client.request_error("GetItem", &self.name, e))?;
        output.item.map(|item| self.decode_item(item)).transpose()
    }

    /// Deletes the item with this key. Deleting a missing item is not an error.
    pub async fn delete_item(&self, pk: &T::PK, sk: Option<&T::SK>) -> Result<DeleteItemOutput> {
        let key = self.key_map(pk, sk)?;
        self.client
            .sdk()
            .delete_item()
            .table_name(&self.name)
            .set_key(Some(key))
            .send()
            .await
            .map_err(|e| self.client.request_error("DeleteItem", &self.name, e))
    }

    /// Gets the item with this key: a typed key struct (`OrderKey`) or a `(pk, Option<sk>)` pair.
    pub async fn get_by_key(&self, key: impl IntoKey<T>) -> Result<Option<T>> {
        let (pk, sk) = key.into_key();
        self.get_item(&pk, sk.as_ref()).await
    }

    /// Deletes the item with this key: a typed key struct or a `(pk, Option<sk>)` pair.
    pub async fn delete_by_key(&self, key: impl IntoKey<T>) -> Result<DeleteItemOutput> {
        let (pk, sk) = key.into_key();
        self.delete_item(&pk, sk.as_ref()).await
    }

    /// Deletes `item`, by its own key.
    pub async fn destroy_item(&self, item: &T) -> Result<DeleteItemOutput> {
        let sk = item.sort_key();
        self.delete_item(&item.partition_key(), sk.as_ref()).await
    }
}
