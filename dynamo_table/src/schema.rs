//! A table's schema as data (key attributes, indexes), and creating or deleting a table from it.

use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType as KeyRole,
    LocalSecondaryIndex, Projection, ProjectionType, TableStatus,
};

use crate::capacity::Side;
use crate::client::is_table_name_char;
use crate::error::{Error, Result};
use crate::handle::Table;
use crate::key::{KeyType, KeyValue};
use crate::observe::ObserveExt;
use crate::table::DynamoTable;

/// A key attribute: its name and DynamoDB type.
///
/// ```
/// use dynamo_table::{KeyAttribute, KeyType};
/// let pk = KeyAttribute { name: "user_id", key_type: KeyType::S };
/// assert_eq!(pk.key_type, KeyType::S);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyAttribute {
    /// The attribute name.
    pub name: &'static str,
    /// Its DynamoDB type.
    pub key_type: KeyType,
}

/// Global or local secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexKind {
    /// A global secondary index: its own partition key, eventually consistent reads only.
    Global,
    /// A local secondary index: the table's partition key with another sort key.
    Local,
}

/// A secondary index of a table, as the derive describes it. Indexes project every attribute,
/// so a query on an index returns whole items that deserialize into the table's type.
///
/// ```
/// use dynamo_table::{DynamoTable, IndexKind};
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     #[dynamo(sk, lsi(name = "by_id_local", sk))]
///     order_id: String,
///     #[dynamo(gsi(name = "by_status", pk))]
///     status: String,
/// }
/// let kinds: Vec<IndexKind> = Order::INDEXES.iter().map(|i| i.kind).collect();
/// assert_eq!(kinds, [IndexKind::Local, IndexKind::Global]);
/// assert_eq!(Order::INDEXES[1].partition_key.name, "status");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexSchema {
    /// The index name.
    pub name: &'static str,
    /// Global or local.
    pub kind: IndexKind,
    /// The index's partition key (for a local index, the table's).
    pub partition_key: KeyAttribute,
    /// The index's sort key, if any.
    pub sort_key: Option<KeyAttribute>,
}

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
        let pk = KeyAttribute {
            name: T::PARTITION_KEY,
            key_type: <T::PK as KeyValue>::KEY_TYPE,
        };
        let sk = T::SORT_KEY.map(|name| KeyAttribute {
            name,
            key_type: <T::SK as KeyValue>::KEY_TYPE,
        });
        let mut attributes: Vec<KeyAttribute> = Vec::new();
        let mut define = |attribute: KeyAttribute| {
            if !attributes.iter().any(|a| a.name == attribute.name) {
                attributes.push(attribute);
            }
        };
        define(pk);
        sk.into_iter().for_each(&mut define);
        for index in T::INDEXES {
            define(index.partition_key);
            index.sort_key.into_iter().for_each(&mut define);
        }

        let mut request = self
            .client
            .sdk()
            .create_table()
            .table_name(&self.name)
            .set_key_schema(Some(key_schema(pk, sk)?))
            .billing_mode(BillingMode::PayPerRequest);
        for attribute in attributes {
            request = request.attribute_definitions(definition(attribute)?);
        }
        for index in T::INDEXES {
            let projection = Projection::builder()
                .projection_type(ProjectionType::All)
                .build();
            let keys = key_schema(index.partition_key, index.sort_key)?;
            request = match index.kind {
                IndexKind::Global => request.global_secondary_indexes(
                    GlobalSecondaryIndex::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(keys))
                        .projection(projection)
                        .build()
                        .map_err(|e| Error::invalid(format!("index `{}`: {e}", index.name)))?,
                ),
                IndexKind::Local => request.local_secondary_indexes(
                    LocalSecondaryIndex::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(keys))
                        .projection(projection)
                        .build()
                        .map_err(|e| Error::invalid(format!("index `{}`: {e}", index.name)))?,
                ),
            };
        }
        request
            .send()
            .observed_by(&self.client, "CreateTable", &self.name, Side::Uncounted)
            .await?;
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
            .observed_by(&self.client, "DeleteTable", &self.name, Side::Uncounted)
            .await?;
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
            let (output, _) = self
                .client
                .sdk()
                .describe_table()
                .table_name(&self.name)
                .send()
                .observed_by(&self.client, "DescribeTable", &self.name, Side::Uncounted)
                .await?;
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

fn key_schema(pk: KeyAttribute, sk: Option<KeyAttribute>) -> Result<Vec<KeySchemaElement>> {
    let mut keys = vec![key_element(pk.name, KeyRole::Hash)?];
    if let Some(sk) = sk {
        keys.push(key_element(sk.name, KeyRole::Range)?);
    }
    Ok(keys)
}

fn key_element(name: &str, role: KeyRole) -> Result<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(role)
        .build()
        .map_err(|e| Error::invalid(format!("key schema element `{name}`: {e}")))
}

fn definition(attribute: KeyAttribute) -> Result<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(attribute.name)
        .attribute_type(attribute.key_type.scalar_type())
        .build()
        .map_err(|e| Error::invalid(format!("attribute definition `{}`: {e}", attribute.name)))
}
