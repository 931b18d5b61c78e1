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

use super::conversion::{self, FieldError, Item};
use super::index::IndexSchema;
use super::key::{KeyNames, KeyValue};
use super::retry_config::RetryConfig;
use super::version::VersionSchema;
use crate::compat::{
    self, BatchReadOutput, BatchWriteOutput, CompositeKey, Cursor, IntoExpression, OutputItems,
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
/// The associated functions are the published 0.x API and run on [`Self::dynamodb_client`];
/// for an explicit client use [`DynamoClient::table`](crate::DynamoClient::table), whose
/// [`Table`](crate::Table) has the same operations and more.
pub trait DynamoTable: Serialize + DeserializeOwned + Send + Sync + Sized + 'static {
    /// The partition key's type.
    type PK: KeyValue + DeserializeOwned;
    /// The sort key's type; any [`KeyValue`] (conventionally `String`, or
    /// [`NoSortKey`](super::NoSortKey)) when the table has no sort key.
    type SK: KeyValue + DeserializeOwned;

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
    /// The version attribute (`#[dynamo(version)]`), for optimistic locking: puts, updates and
    /// deletes name the version they expect and write the next one, and batch writes, which
    /// cannot check it, refuse the table. See [`Table::put`](crate::Table::put).
    const VERSION: Option<VersionSchema> = None;

    /// This item's partition key.
    fn partition_key(&self) -> Self::PK;

    /// This item's sort key (`None` when the table has none).
    fn sort_key(&self) -> Option<Self::SK> {
        None
    }

    /// The version this item was read at, for a table with a [`VERSION`](Self::VERSION): 0 for
    /// an item never written; `None` when the field holds no version (a negative number). The
    /// derive implements it; a hand-written impl that sets `VERSION` must too.
    fn version(&self) -> Option<u64> {
        Some(0)
    }

    /// This value as a DynamoDB item. The derive writes it field by field (the items are the
    /// ones serde_dynamo writes); this default goes through serde.
    #[doc(hidden)]
    fn __to_item(&self) -> Result<Item, serde_dynamo::Error> {
        conversion::serde_to_item(self)
    }

    /// An item as this type. The derive writes it field by field; this default goes through
    /// serde.
    #[doc(hidden)]
    fn __from_item(item: Item) -> Result<Self, FieldError> {
        conversion::serde_from_item(item)
    }

    /// The partition key's attribute name (the published API's accessor).
    fn partition_key_name(&self) -> &'static str {
        Self::PARTITION_KEY
    }

    /// The sort key's attribute name, if the table has one.
    fn sort_key_name(&self) -> Option<&'static str> {
        Self::SORT_KEY
    }

    /// This item's key as a pair.
    fn composite_key(&self) -> CompositeKey<Self::PK, Self::SK> {
        (self.partition_key(), self.sort_key())
    }

    /// The SDK client the associated functions use: the global client's unless overridden.
    /// When it is the global client, the global client's table-name prefix applies too.
    ///
    /// ```no_run
    /// use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize)]
    /// # struct Audit { id: String }
    /// static AUDIT_CLIENT: tokio::sync::OnceCell<dynamo_table::aws_sdk_dynamodb::Client> =
    ///     tokio::sync::OnceCell::const_new();
    ///
    /// impl DynamoTable for Audit {
    ///     type PK = String;
    ///     type SK = String;
    ///     const TABLE: &'static str = "audit";
    ///     const PARTITION_KEY: &'static str = "id";
    ///     fn partition_key(&self) -> String { self.id.clone() }
    ///
    ///     async fn dynamodb_client() -> &'static dynamo_table::aws_sdk_dynamodb::Client {
    ///         AUDIT_CLIENT
    ///             .get_or_init(|| async {
    ///                 let config = dynamo_table::config::auto_config().await;
    ///                 dynamo_table::aws_sdk_dynamodb::Client::new(&config)
    ///             })
    ///             .await
    ///     }
    /// }
    /// ```
    fn dynamodb_client() -> impl Future<Output = &'static aws_sdk_dynamodb::Client> + Send {
        compat::dynamodb_client()
    }

    /// Puts this item, replacing any item with the same key.
    fn add_item(&self) -> impl Future<Output = Result<PutItemOutput>> + Send {
        compat::table::add_item::<Self>(self)
    }

    /// Gets the item with this key, or `None`. A sort key given for a table without one is
    /// ignored.
    fn get_item(
        partition_key: &Self::PK,
        sort_key: Option<&Self::SK>,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        compat::table::get_item::<Self>(partition_key, sort_key)
    }

    /// One page of the partition, ascending; `sort_key` keeps only that sort key,
    /// `exclusive_start_key` starts after that sort key (a page's
    /// [`Cursor::exclusive_start_key`](crate::table::Cursor::exclusive_start_key)).
    fn query_items(
        partition_key: &Self::PK,
        sort_key: Option<&Self::SK>,
        limit: Option<u16>,
        exclusive_start_key: Option<&Self::SK>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        compat::table::page::<Self>(
            partition_key,
            compat::table::Page::new(sort_key, exclusive_start_key, limit, true),
        )
    }

    /// [`query_items`](Self::query_items) with a filter; `filter_expression_values` maps its
    /// `:placeholders` (e.g. `json!({":s": "active"})`).
    fn query_items_with_filter<U: Serialize>(
        partition_key: &Self::PK,
        sort_key: Option<&Self::SK>,
        limit: Option<u16>,
        exclusive_start_key: Option<&Self::SK>,
        filter_expression: impl IntoExpression + Send,
        filter_expression_values: U,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        let page = compat::table::Page::new(sort_key, exclusive_start_key, limit, true)
            .filter(filter_expression, filter_expression_values);
        compat::table::page::<Self>(partition_key, page)
    }

    /// [`query_items`](Self::query_items) returning only `projection_attributes` (all
    /// attributes for `None`): the items must still decode as `Self`, so leave out only
    /// fields that are `Option` or have a serde default.
    fn query_items_with_projection<'a>(
        partition_key: &'a Self::PK,
        sort_key: Option<&'a Self::SK>,
        limit: Option<u16>,
        exclusive_start_key: Option<&'a Self::SK>,
        projection_attributes: Option<&'a [&'a str]>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send + 'a
    where
        Self: 'a,
    {
        let page = compat::table::Page::new(sort_key, exclusive_start_key, limit, true)
            .project(projection_attributes);
        compat::table::page::<Self>(partition_key, page)
    }

    /// [`query_items_with_filter`](Self::query_items_with_filter) with a projection.
    #[allow(clippy::too_many_arguments)]
    // The published signature, bounds where it had them.
    #[allow(clippy::multiple_bound_locations)]
    fn query_items_with_filter_and_projection<'a, U: Serialize>(
        partition_key: &'a Self::PK,
        sort_key: Option<&'a Self::SK>,
        limit: Option<u16>,
        exclusive_start_key: Option<&'a Self::SK>,
        filter_expression: impl IntoExpression + Send,
        filter_expression_values: U,
        projection_attributes: Option<&'a [&'a str]>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send + 'a
    where
        U: 'a,
        Self: 'a,
    {
        let page = compat::table::Page::new(sort_key, exclusive_start_key, limit, true)
            .filter(filter_expression, filter_expression_values)
            .project(projection_attributes);
        compat::table::page::<Self>(partition_key, page)
    }

    /// [`query_items`](Self::query_items), descending (newest first for time-ordered sort
    /// keys).
    fn reverse_query_items(
        partition_key: &Self::PK,
        sort_key: Option<&Self::SK>,
        limit: Option<u16>,
        exclusive_start_key: Option<&Self::SK>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        compat::table::page::<Self>(
            partition_key,
            compat::table::Page::new(sort_key, exclusive_start_key, limit, false),
        )
    }

    /// [`query_items_with_filter`](Self::query_items_with_filter), descending.
    fn reverse_query_items_with_filter<U: Serialize>(
        partition_key: &Self::PK,
        sort_key: Option<&Self::SK>,
        limit: Option<u16>,
        exclusive_start_key: Option<&Self::SK>,
        filter_expression: impl IntoExpression + Send,
        filter_expression_values: U,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        let page = compat::table::Page::new(sort_key, exclusive_start_key, limit, false)
            .filter(filter_expression, filter_expression_values);
        compat::table::page::<Self>(partition_key, page)
    }

    /// The first item of the partition.
    fn query_item(partition_key: &Self::PK) -> impl Future<Output = Result<Option<Self>>> + Send {
        compat::table::query_item::<Self>(partition_key)
    }

    /// Deletes this item, by its own key.
    fn destroy_item(self) -> impl Future<Output = Result<DeleteItemOutput>> + Send {
        compat::table::delete_item::<Self>(self.partition_key(), self.sort_key())
    }

    /// Deletes the item with this key; deleting a missing item is not an error.
    fn delete_item(
        partition_key: Self::PK,
        sort_key: Option<Self::SK>,
    ) -> impl Future<Output = Result<DeleteItemOutput>> + Send {
        compat::table::delete_item::<Self>(partition_key, sort_key)
    }

    /// Sets the attributes of `update` (a struct or a JSON map) on this item, by its key.
    /// `None` fields are left as they are (not written as NULL).
    fn update_item<T: Serialize + Send>(
        &self,
        update: T,
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        compat::table::update_item::<Self, T>(self.partition_key(), self.sort_key(), update)
    }

    /// How many items the partition holds, over all pages.
    fn count_items(partition_key: &Self::PK) -> impl Future<Output = Result<usize>> + Send {
        compat::table::count_items::<Self>(partition_key)
    }

    /// One page of a scan, starting after `exclusive_start_key` (a page's
    /// `last_evaluated_key`).
    fn scan_items(
        limit: Option<u16>,
        exclusive_start_key: Option<CompositeKey<Self::PK, Self::SK>>,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        compat::table::scan_items::<Self>(limit, exclusive_start_key)
    }

    /// [`scan_items`](Self::scan_items) with a filter.
    fn scan_items_with_filter<U: Serialize>(
        limit: Option<u16>,
        exclusive_start_key: Option<CompositeKey<Self::PK, Self::SK>>,
        filter_expression: impl IntoExpression + Send,
        filter_expression_values: U,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        let filter = compat::table::bind(filter_expression, filter_expression_values);
        compat::table::scan_filtered::<Self>(limit, exclusive_start_key, filter)
    }

    /// Adds each amount to its attribute in one request; a missing attribute starts from 0.
    /// At least once: a request retried after a lost answer adds twice; for exactly once use
    /// [`Table::increment_once`](crate::Table::increment_once).
    fn increment_multiple(
        partition_key: &Self::PK,
        sort_key: Option<&Self::SK>,
        fields: &[(&str, u64)],
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        compat::table::increment_multiple::<Self>(partition_key, sort_key, fields)
    }

    /// Removes these attributes from this item.
    fn remove_attributes(
        &self,
        attributes: &[&str],
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        compat::table::remove_attributes::<Self>(self.partition_key(), self.sort_key(), attributes)
    }

    /// [`update_item`](Self::update_item) if `condition_expression` holds;
    /// `condition_expression_values` maps its `:placeholders`.
    fn update_item_with_condition<U: Serialize + Send, C: Serialize>(
        &self,
        update: U,
        condition_expression: Option<String>,
        condition_expression_values: Option<C>,
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        let condition =
            compat::table::condition_of(condition_expression, condition_expression_values);
        compat::table::update_conditioned::<Self, U>(
            self.partition_key(),
            self.sort_key(),
            update,
            condition,
        )
    }

    /// Puts many items, 25 per request, retrying unprocessed ones; every item ends in
    /// `processed_puts` or `failed_puts`.
    fn batch_upsert(
        upsert: Vec<Self>,
    ) -> impl Future<Output = Result<BatchWriteOutput<Self>>> + Send
    where
        Self: Clone,
    {
        compat::table::batch_write::<Self>(upsert, Vec::new())
    }

    /// Deletes many items, each by its own key.
    fn batch_delete(
        delete: Vec<Self>,
    ) -> impl Future<Output = Result<BatchWriteOutput<Self>>> + Send
    where
        Self: Clone,
    {
        compat::table::batch_write::<Self>(Vec::new(), delete)
    }

    /// Reads many items by key, 100 per request, retrying unprocessed keys.
    fn batch_get(
        values: Vec<CompositeKey<Self::PK, Self::SK>>,
    ) -> impl Future<Output = Result<BatchReadOutput<Self>>> + Send {
        compat::table::batch_get::<Self>(values)
    }

    /// One page of the items whose sort key is between `start_sort_key` and `end_sort_key`
    /// (both included; numbers for a numeric sort key).
    fn query_items_between(
        partition_key: &Self::PK,
        exclusive_start_key: Option<&Self::SK>,
        limit: Option<u16>,
        scan_index_forward: bool,
        start_sort_key: String,
        end_sort_key: String,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        compat::table::query_items_between::<Self>(
            partition_key,
            exclusive_start_key,
            limit,
            None,
            scan_index_forward,
            start_sort_key,
            end_sort_key,
        )
    }

    /// One page of the items whose attribute `field_name` contains `field_value` (a filter: a
    /// key attribute is refused, as DynamoDB refuses it).
    fn query_items_contains(
        partition_key: &Self::PK,
        exclusive_start_key: Option<&Self::SK>,
        limit: Option<u16>,
        scan_index_forward: bool,
        field_name: String,
        field_value: String,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        compat::table::query_items_contains::<Self>(
            partition_key,
            exclusive_start_key,
            limit,
            None,
            scan_index_forward,
            field_name,
            field_value,
        )
    }

    /// One page of the items whose sort key starts with `sort_key_prefix`.
    fn query_items_begins_with(
        partition_key: &Self::PK,
        exclusive_start_key: Option<&Self::SK>,
        limit: Option<u16>,
        scan_index_forward: bool,
        sort_key_prefix: String,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        compat::table::query_items_begins_with::<Self>(
            partition_key,
            exclusive_start_key,
            limit,
            None,
            scan_index_forward,
            sort_key_prefix,
        )
    }

    // The functions below come from the 0.5 README; 0.11 kept them in its docs.

    /// Puts this item if `condition` holds (`None`: unconditionally). `values` binds the
    /// condition's `:placeholders`.
    fn add_item_with_condition<C: IntoExpression + Send>(
        &self,
        condition: Option<C>,
        values: Option<serde_json::Value>,
    ) -> impl Future<Output = Result<PutItemOutput>> + Send {
        compat::table::add_item_with_condition::<Self, C>(self, condition, values)
    }

    /// One page of the items whose sort key starts with `prefix`, from `cursor`.
    fn query_begins_with(
        pk: &Self::PK,
        prefix: &str,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        ascending: bool,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        let page = compat::table::Page::new(None, None, limit, ascending)
            .sort(SortCondition::BeginsWith(prefix.to_owned()))
            .after(cursor);
        compat::table::page::<Self>(pk, page)
    }

    /// One page of the items whose sort key is between `low` and `high` (both included).
    fn query_between(
        pk: &Self::PK,
        low: impl Into<Self::SK>,
        high: impl Into<Self::SK>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        ascending: bool,
    ) -> impl Future<Output = Result<OutputItems<Self>>> + Send {
        let page = compat::table::Page::new(None, None, limit, ascending)
            .sort(SortCondition::Between(low.into(), high.into()))
            .after(cursor);
        compat::table::page::<Self>(pk, page)
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
