//! [`Table`]: one table reached through one explicit client.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::client::DynamoClient;
use crate::config::RetryConfig;
use crate::error::{Error, Result};
use crate::key::{KeyValue, check_key_in_item, key_attribute};
use crate::table::DynamoTable;

/// `T`'s table on one [`DynamoClient`]: the prefixed name is fixed when the handle is made.
///
/// It has every operation the associated functions of [`DynamoTable`] have, without the global
/// client. Cheap to clone.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String, name: String }
/// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
/// let users = client.table::<User>();
/// users.create_if_not_exists().await?;
/// users.add_item(&User { user_id: "u1".into(), name: "Ada".into() }).await?;
/// assert!(users.get_item(&"u1".to_string(), None).await?.is_some());
/// # Ok(()) }
/// ```
pub struct Table<T> {
    pub(crate) client: DynamoClient,
    pub(crate) name: String,
    pub(crate) batch_retry: RetryConfig,
    _items: PhantomData<fn() -> T>,
}

impl<T: DynamoTable> Table<T> {
    pub(crate) fn new(client: DynamoClient) -> Self {
        let name = client.table_name::<T>();
        Table {
            client,
            name,
            batch_retry: T::BATCH_RETRIES_CONFIG,
            _items: PhantomData,
        }
    }

    /// Overrides `T::BATCH_RETRIES_CONFIG` for the batch operations of this handle.
    ///
    /// ```no_run
    /// # use dynamo_table::{DynamoTable, RetryConfig};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "users")]
    /// # struct User { #[dynamo(pk)] user_id: String }
    /// # fn run(client: dynamo_table::DynamoClient) {
    /// let patient = client.table::<User>().with_batch_retries(RetryConfig::batch_default().with_max_retries(20));
    /// # let _ = patient;
    /// # }
    /// ```
    pub fn with_batch_retries(mut self, retry: RetryConfig) -> Self {
        self.batch_retry = retry;
        self
    }

    /// The full table name, prefix included.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The client this handle uses.
    pub fn client(&self) -> &DynamoClient {
        &self.client
    }

    /// The primary-key map of an item with these key values, checked against the table's schema.
    pub(crate) fn key_map(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
    ) -> Result<HashMap<String, AttributeValue>> {
        let mut key = HashMap::with_capacity(2);
        key.insert(
            T::PARTITION_KEY.to_owned(),
            key_attribute(&self.name, T::PARTITION_KEY, "partition key", pk)?,
        );
        match (T::SORT_KEY, sk) {
            (Some(name), Some(sk)) => {
                key.insert(
                    name.to_owned(),
                    key_attribute(&self.name, name, "sort key", sk)?,
                );
            }
            (None, None) => {}
            (Some(name), None) => {
                return Err(Error::invalid(format!(
                    "table `{}` has the sort key `{name}`: pass `Some(sort_key)` along with the \
                     partition key",
                    self.name
                )));
            }
            (None, Some(_)) => {
                return Err(Error::invalid(format!(
                    "table `{}` has no sort key: pass `None` as the sort key",
                    self.name
                )));
            }
        }
        Ok(key)
    }

    /// `item` as a DynamoDB item map, for requests this crate does not wrap. Its key attributes
    /// are checked: present, non-empty and of the table's key types.
    ///
    /// ```
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Debug, PartialEq, Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "users")]
    /// # struct User { #[dynamo(pk)] user_id: String, age: u32 }
    /// # async fn run() {
    /// # let client = dynamo_table::DynamoClient::new(&dynamo_table::auto_config().await);
    /// let users = client.table::<User>();
    /// let map = users.encode(&User { user_id: "u1".into(), age: 7 }).unwrap();
    /// assert_eq!(users.decode(map).unwrap(), User { user_id: "u1".into(), age: 7 });
    /// # }
    /// ```
    pub fn encode(&self, item: &T) -> Result<HashMap<String, AttributeValue>> {
        let attributes: HashMap<String, AttributeValue> =
            serde_dynamo::to_item(item).map_err(|source| Error::Serialization {
                table: self.name.clone(),
                type_name: std::any::type_name::<T>(),
                source,
            })?;
        let pk = (
            T::PARTITION_KEY,
            <T::PK as KeyValue>::KEY_TYPE,
            "partition key",
        );
        let sk = T::SORT_KEY.map(|name| (name, <T::SK as KeyValue>::KEY_TYPE, "sort key"));
        for (attribute, key_type, role) in std::iter::once(pk).chain(sk) {
            check_key_in_item(&self.name, &attributes, attribute, key_type, role)?;
        }
        Ok(attributes)
    }

    /// Refuses an item over DynamoDB's 400 KB limit before it is sent.
    pub(crate) fn check_size(&self, attributes: &HashMap<String, AttributeValue>) -> Result<()> {
        let size = crate::item_size::item_size(attributes);
        if size > crate::item_size::MAX_ITEM_BYTES {
            return Err(Error::invalid(format!(
                "an item for table `{}` is {size} bytes, over DynamoDB's 400 KB item limit ({} \
                 bytes, attribute names included): make it smaller, or keep the large part in S3 \
                 and store its address",
                self.name,
                crate::item_size::MAX_ITEM_BYTES
            )));
        }
        Ok(())
    }

    /// A DynamoDB item map as a `T`; an error names the attribute that did not fit.
    pub fn decode(&self, item: HashMap<String, AttributeValue>) -> Result<T> {
        let deserializer = serde_dynamo::Deserializer::from_attribute_value(
            serde_dynamo::AttributeValue::from(AttributeValue::M(item)),
        );
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let attribute = e.path().to_string();
            Error::Deserialization {
                table: self.name.clone(),
                type_name: std::any::type_name::<T>(),
                attribute,
                source: e.into_inner(),
            }
        })
    }
}

impl<T> Clone for Table<T> {
    fn clone(&self) -> Self {
        Table {
            client: self.client.clone(),
            name: self.name.clone(),
            batch_retry: self.batch_retry,
            _items: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("name", &self.name)
            .field("endpoint", &self.client.endpoint())
            .finish()
    }
}
