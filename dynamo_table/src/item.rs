//! Single-item operations: put, get, delete.

use aws_sdk_dynamodb::operation::{delete_item::DeleteItemOutput, put_item::PutItemOutput};

use crate::capacity::{Capacity, Side};
use crate::error::Result;
use crate::handle::Table;
use crate::key::IntoKey;
use crate::observe::ObserveExt;
use crate::table::DynamoTable;

impl<T: DynamoTable> Table<T> {
    /// Puts `item`, replacing any item with the same key.
    pub async fn add_item(&self, item: &T) -> Result<PutItemOutput> {
        self.put(item, None).await
    }

    /// Gets the item with this key, or `None` if there is none. The read is eventually
    /// consistent, as DynamoDB's default.
    pub async fn get_item(&self, pk: &T::PK, sk: Option<&T::SK>) -> Result<Option<T>> {
        self.get_item_with_capacity(pk, sk)
            .await
            .map(|(item, _)| item)
    }

    /// [`Table::get_item`], with the capacity the read consumed.
    pub async fn get_item_with_capacity(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
    ) -> Result<(Option<T>, Capacity)> {
        let key = self.key_map(pk, sk)?;
        let (output, capacity) = self
            .client
            .sdk()
            .get_item()
            .table_name(&self.name)
            .set_key(Some(key))
            .set_return_consumed_capacity(crate::capacity::wanted())
            .send()
            .observed_by(&self.client, "GetItem", &self.name, Side::Read)
            .await?;
        let item = output.item.map(|item| self.decode(item)).transpose()?;
        Ok((item, capacity))
    }

    /// Deletes the item with this key. Deleting a missing item is not an error.
    pub async fn delete_item(&self, pk: &T::PK, sk: Option<&T::SK>) -> Result<DeleteItemOutput> {
        self.delete(pk, sk, None).await
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
