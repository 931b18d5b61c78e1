//! Creating and deleting a table from a [`DynamoTable`]'s key schema.

use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType as KeyRole, TableStatus,
};

use crate::client::is_table_name_char;
use crate::error::{Error, Result};
use crate::handle::Table;
use crate::key::KeyValue;
use crate::table::DynamoTable;

/// How long [`Table::create`] waits for a new table to become active.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(300);

impl<T: DynamoTable> Table<T> {
    /// Creates the table from `T`'s key schema (attribute types from the key types), with
    /// on-demand billing, and waits until it is active.
    ///
    /// Fails with a [`Error::Service`] (`ResourceInUseException`) if it exists; see
    /// [`Table::create_if_not_exists`].
    pub async fn create(&self) -> Result<()> {
        self.check_name()?;
        let mut keys = vec![key_element(T::PARTITION_KEY, KeyRole::Hash)?];
        let mut attributes = vec![attribute(T::PARTITION_KEY, &<T::PK as KeyValue>::KEY_TYPE)?];
        if let Some(sort_key) = T::SORT_KEY {
            keys.push(key_element(sort_key, KeyRole::Range)?);
            attributes.push(attribute(sort_key, &<T::SK as KeyValue>::KEY_TYPE)?);
        }
        self.client
            .sdk()
            .create_table()
            .table_name(&self.name)
            .set_key_schema(Some(keys))
            .set_attribute_definitions(Some(attributes))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .map_err(|e| self.client.request_error("CreateTable", &self.name, e))?;
        self.wait_until_active().await
    }

    /// Creates the table unless a table of that name exists; returns `true` if it created it.
    /// Either way the table is active when this returns `Ok`.
    pub async fn create_if_not_exists(&self) -> Result<bool> {
        match self.create().await {
            Ok(()) => Ok(true),
            Err(Error::Service { code, .. }) if code == "ResourceInUseException" => {
                self.wait_until_active().await?;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Deletes the table and everything in it.
    pub async fn delete_table(&self) -> Result<()> {
        self.client
            .sdk()
            .delete_table()
            .table_name(&self.name)
            .send()
            .await
            .map_err(|e| self.client.request_error("DeleteTable", &self.name, e))?;
        Ok(())
    }

    fn check_name(&self) -> Result<()> {
        let len = self.name.chars().count();
        if !(3..=255).contains(&len) || !self.name.chars().all(is_table_name_char) {
            return Err(Error::invalid(format!(
                "`{}` is not a valid table name: use 3-255 characters of A-Z a-z 0-9 _ - .",
                self.name
            )));
        }
        Ok(())
    }

    async fn wait_until_active(&self) -> Result<()> {
        let started = tokio::time::Instant::now();
        let mut pause = Duration::from_millis(50);
        loop {
            let output = self
                .client
                .sdk()
                .describe_table()
                .table_name(&self.name)
                .send()
                .await
                .map_err(|e| self.client.request_error("DescribeTable", &self.name, e))?;
            let status = output.table().and_then(|t| t.table_status());
            if matches!(status, Some(TableStatus::Active)) {
                return Ok(());
            }
            if started.elapsed() > ACTIVE_TIMEOUT {
                let message = format!(
                    "the table is still {status:?} after {} s; check it in the AWS console",
                    ACTIVE_TIMEOUT.as_secs()
                );
                return Err(Error::Service {
                    table: self.name.clone(),
                    operation: "DescribeTable",
                    code: "TableNotActive".to_owned(),
                    source: message.clone().into(),
                    message,
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}

fn key_element(name: &str, role: KeyRole) -> Result<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(role)
        .build()
        .map_err(|e| Error::invalid(format!("key schema element `{name}`: {e}")))
}

fn attribute(name: &str, key_type: &crate::key::KeyType) -> Result<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(key_type.scalar_type())
        .build()
        .map_err(|e| Error::invalid(format!("attribute definition `{name}`: {e}")))
}
