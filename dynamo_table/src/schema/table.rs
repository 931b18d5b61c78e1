//! The [`DynamoTable`] trait: a Rust type stored as the items of one DynamoDB table.
//!
//! Its associated items are the table's schema, which every layer of the crate reads. Its
//! provided methods (`add_item`, `query_items`, ...) are the functions of the published 0.x
//! API: each forwards to the compatibility layer, which implements it on the native API
//! ([`Table`](crate::Table)). That forwarding is the one import from this layer upward.

use std::future::Future;

use aws_sdk_dynamodb::operation::{
    delete_item::DeleteItemOutput, put_item::PutItemOutput, update_item::UpdateItemOutput,
};
use futures::Stream;
use serde::{Serialize, de::DeserializeOwned};

use super::index::IndexSchema;
use super::key::{KeyNames, KeyValue};
use super::retry_config::RetryConfig;
use crate::compat::{
    self, BatchGetResult, BatchWriteResult, Cursor, DynamoClient, IntoExpression, QueryResult,
    Result, SortCondition,
};

/// A Rust type whose values are the items of one DynamoDB table.
///
/// Usually derived (`#[derive(DynamoTable)]`); a hand-written impl works the same way:
///
/// ```no_run
/// use dynamo_table::DynamoTable;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Clone, Serialize, Deserialize)]
/// struct User {
///     user_id: String,
///     email: String,
/// }
///
/// impl DynamoTable for User {
///     type PK = String;
///     type SK = String;
///
///     const TABLE: &'static str = "users";
///     const PARTITION_KEY: &'static str = "user_id";
///     const SORT_KEY: Option<&'static str> = None;
///
///     fn partition_key(&self) -> Self::PK {
///         self.user_id.clone()
///     }
/// }
///
/// # async fn run() -> Result<(), dynamo_table::Error> {
/// let user = User { user_id: "u1".into(), email: "u1@example.com".into() };
/// user.add_item().await?;
/// let found = User::get_item(&"u1".to_string(), None).await?;
/// assert_eq!(found.map(|u| u.email).as_deref(), Some("u1@example.com"));
/// # Ok(()) }
/// ```
///
/// The associated functions run on [`Self::dynamodb_client`]; for an explicit client use
/// [`DynamoClient::table`], whose [`Table`](crate::Table) has the same operations.
pub trait DynamoTable: Serialize + DeserializeOwned + Send + Sync + Sized + 'static {
    /// The partition key's type.
    type PK: KeyValue;
    /// The sort key's type; any [`KeyValue`] (conventionally `String`, or
    /// [`NoSortKey`](super::NoSortKey)) when the table has no sort key.
    type SK: KeyValue;

    /// The table name, before any prefix of the client.
    const TABLE: &'static str;
    /// The partition key's attribute name.
    const PARTITION_KEY: &'static str;
    /// The sort key's attribute name, if the table has one.
    const SORT_KEY: Option<&'static str> = None;
    /// Items per query or scan page when the caller gives no limit.
    const DEFAULT_PAGE_SIZE: u16 = 10;
    /// How batch operations retry unprocessed items.
    const BATCH_RETRIES_CONFIG: RetryConfig = RetryConfig::batch_default();
    /// The table's secondary indexes (the derive fills this in from `gsi(...)` / `lsi(...)`);
    /// used to create the table.
    const INDEXES: &'static [IndexSchema] = &[];
    /// The attribute DynamoDB's time to live reads (`#[dynamo(ttl)]`): the table is created with
    /// TTL enabled on it, and reads leave out items whose time has passed.
    const TTL_ATTRIBUTE: Option<&'static str> = None;

    /// This item's partition key.
    fn partition_key(&self) -> Self::PK;

    /// This item's sort key (`None` when the table has none).
    fn sort_key(&self) -> Option<Self::SK> {
        None
    }

    /// The client the associated functions use: the [`global_client`] unless overridden.
    ///
    /// ```no_run
    /// use dynamo_table::{DynamoClient, DynamoTable};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize)]
    /// # struct Audit { id: String }
    /// static AUDIT_CLIENT: std::sync::OnceLock<DynamoClient> = std::sync::OnceLock::new();
    ///
    /// impl DynamoTable for Audit {
    ///     type PK = String;
    ///     type SK = String;
    ///     const TABLE: &'static str = "audit";
    ///     const PARTITION_KEY: &'static str = "id";
    ///     fn partition_key(&self) -> String { self.id.clone() }
    ///
    ///     async fn dynamodb_client() -> DynamoClient {
    ///         match AUDIT_CLIENT.get() {
    ///             Some(client) => client.clone(),
    ///             None => dynamo_table::global_client().await,
    ///         }
    ///     }
    /// }
    /// ```
    fn dynamodb_client() -> impl Future<Output = DynamoClient> + Send {
        compat::global_client()
    }

    /// Puts this item, replacing any item with the same key.
    fn add_item(&self) -> impl Future<Output = Result<PutItemOutput>> + Send {
        compat::table::add_item::<Self>(self)
    }

    /// Gets the item with this key, or `None`. `sk` must be `Some` exactly when the table has a
    /// sort key.
    fn get_item(
        pk: &Self::PK,
        sk: Option<&Self::SK>,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        compat::table::get_item::<Self>(pk, sk)
    }

    /// Deletes the item with this key; deleting a missing item is not an error.
    fn delete_item(
        pk: Self::PK,
        sk: Option<Self::SK>,
    ) -> impl Future<Output = Result<DeleteItemOutput>> + Send {
        compat::table::delete_item::<Self>(pk, sk)
    }

    /// Deletes this item, by its own key.
    fn destroy_item(&self) -> impl Future<Output = Result<DeleteItemOutput>> + Send {
        compat::table::destroy_item::<Self>(self)
    }

    /// Reads many items by key; see [`Table::batch_get`](crate::Table::batch_get).
    fn batch_get(
        keys: Vec<KeyOf<Self>>,
    ) -> impl Future<Output = Result<BatchGetResult<Self>>> + Send {
        compat::table::batch_get::<Self>(keys)
    }

    /// Puts many items; see [`Table::batch_put`](crate::Table::batch_put).
    fn batch_upsert(
        items: Vec<Self>,
    ) -> impl Future<Output = Result<BatchWriteResult<Self>>> + Send {
        compat::table::batch_upsert::<Self>(items)
    }

    /// Deletes many items, each by its own key; see [`Table::batch_delete`](crate::Table::batch_delete).
    fn batch_delete(
        items: Vec<Self>,
    ) -> impl Future<Output = Result<BatchWriteResult<Self>>> + Send {
        compat::table::batch_delete::<Self>(items)
    }

    /// Puts this item if `condition` holds (`None`: unconditionally). `values` binds the
    /// condition's `:placeholders`.
    fn add_item_with_condition<C: IntoExpression + Send>(
        &self,
        condition: Option<C>,
        values: Option<serde_json::Value>,
    ) -> impl Future<Output = Result<PutItemOutput>> + Send {
        compat::table::add_item_with_condition::<Self, C>(self, condition, values)
    }

    /// Sets the attributes of `updates` on this item (by its key); `None`s are skipped.
    fn update_item(
        &self,
        updates: impl Serialize + Send,
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        compat::table::update_item::<Self>(self, updates)
    }

    /// [`DynamoTable::update_item`] if `condition` holds.
    fn update_item_with_condition<C: IntoExpression + Send>(
        &self,
        updates: impl Serialize + Send,
        condition: Option<C>,
        values: Option<serde_json::Value>,
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        compat::table::update_item_with_condition::<Self, C>(self, updates, condition, values)
    }

    /// Removes these attributes from this item.
    fn remove_attributes(
        &self,
        attributes: &[&str],
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        compat::table::remove_attributes::<Self>(self, attributes)
    }

    /// Adds each amount to its attribute atomically; missing attributes start from 0.
    fn increment_multiple(
        pk: &Self::PK,
        sk: Option<&Self::SK>,
        fields: &[(&str, i64)],
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        compat::table::increment_multiple::<Self>(pk, sk, fields)
    }

    /// One page of the partition `pk`, ascending, from `cursor`.
    fn query_items(
        pk: &Self::PK,
        sort: Option<SortCondition<Self::SK>>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::table::query_items::<Self>(pk, sort, limit, cursor)
    }

    /// One page of the partition `pk`, descending (newest first for time-ordered sort keys).
    fn reverse_query_items(
        pk: &Self::PK,
        sort: Option<SortCondition<Self::SK>>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::table::reverse_query_items::<Self>(pk, sort, limit, cursor)
    }

    /// The first item of the partition `pk`.
    fn query_item(pk: &Self::PK) -> impl Future<Output = Result<Option<Self>>> + Send {
        compat::table::query_item::<Self>(pk)
    }

    /// One page of the partition `pk`, filtered. A page may be empty and still have a cursor.
    fn query_items_with_filter(
        pk: &Self::PK,
        sort: Option<SortCondition<Self::SK>>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        filter: impl IntoExpression + Send,
        values: impl Serialize + Send,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::table::query_items_with_filter::<Self>(pk, sort, limit, cursor, filter, values)
    }

    /// One page of the items whose sort key starts with `prefix`.
    fn query_begins_with(
        pk: &Self::PK,
        prefix: &str,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        ascending: bool,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::table::query_begins_with::<Self>(pk, prefix, limit, cursor, ascending)
    }

    /// One page of the items whose sort key is between `low` and `high` (both included).
    fn query_between(
        pk: &Self::PK,
        low: impl Into<Self::SK>,
        high: impl Into<Self::SK>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        ascending: bool,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::table::query_between::<Self>(pk, low, high, limit, cursor, ascending)
    }

    /// How many items the partition `pk` holds, over all pages.
    fn count_items(pk: &Self::PK) -> impl Future<Output = Result<usize>> + Send {
        compat::table::count_items::<Self>(pk)
    }

    /// Every item of the partition `pk`, `page_size` per request, fetched as the stream is
    /// polled: memory holds one page.
    fn query_stream(
        pk: &Self::PK,
        sort: Option<SortCondition<Self::SK>>,
        page_size: Option<u16>,
    ) -> impl Stream<Item = Result<Self>> + Send + 'static {
        compat::table::query_stream::<Self>(pk, sort, page_size)
    }

    /// [`DynamoTable::query_stream`], filtered.
    fn query_stream_with_filter(
        pk: &Self::PK,
        sort: Option<SortCondition<Self::SK>>,
        page_size: Option<u16>,
        filter: impl IntoExpression,
        values: impl Serialize,
    ) -> impl Stream<Item = Result<Self>> + Send + 'static {
        compat::table::query_stream_with_filter::<Self>(pk, sort, page_size, filter, values)
    }

    /// One page of a scan of the table.
    fn scan_items(
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::table::scan_items::<Self>(limit, cursor)
    }

    /// One page of a filtered scan.
    fn scan_items_with_filter(
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        filter: impl IntoExpression + Send,
        values: impl Serialize + Send,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        compat::table::scan_items_with_filter::<Self>(limit, cursor, filter, values)
    }

    /// Every item of the table, a page at a time.
    fn scan_stream(page_size: Option<u16>) -> impl Stream<Item = Result<Self>> + Send + 'static {
        compat::table::scan_stream::<Self>(page_size)
    }

    /// [`DynamoTable::scan_stream`], filtered.
    fn scan_stream_with_filter(
        page_size: Option<u16>,
        filter: impl IntoExpression,
        values: impl Serialize,
    ) -> impl Stream<Item = Result<Self>> + Send + 'static {
        compat::table::scan_stream_with_filter::<Self>(page_size, filter, values)
    }
}

/// A key of `T`'s table as values: partition key and optional sort key.
pub type KeyOf<T> = (<T as DynamoTable>::PK, Option<<T as DynamoTable>::SK>);

/// Anything that names one item of `T`'s table: a `(pk, Option<sk>)` pair, or the typed key
/// struct the derive generates (`OrderKey`, also by reference).
///
/// ```
/// use dynamo_table::DynamoTable;
/// use dynamo_table::schema::IntoKey;
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     #[dynamo(sk)]
///     order_id: u64,
/// }
///
/// let typed = OrderKey { user_id: "u1".into(), order_id: 7 };
/// assert_eq!(IntoKey::<Order>::into_key(&typed), ("u1".to_string(), Some(7)));
/// assert_eq!(IntoKey::<Order>::into_key(("u1".to_string(), Some(7))), ("u1".to_string(), Some(7)));
/// ```
pub trait IntoKey<T: DynamoTable> {
    /// The partition key and optional sort key.
    fn into_key(self) -> KeyOf<T>;
}

impl<T: DynamoTable> IntoKey<T> for (T::PK, Option<T::SK>) {
    fn into_key(self) -> KeyOf<T> {
        self
    }
}

/// The key attribute names of `T`'s table.
pub(crate) fn key_names<T: DynamoTable>() -> KeyNames {
    KeyNames {
        partition: T::PARTITION_KEY,
        sort: T::SORT_KEY,
    }
}
