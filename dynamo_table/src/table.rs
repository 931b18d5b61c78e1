//! The [`DynamoTable`] trait: a Rust type stored as the items of one DynamoDB table.

use std::future::Future;

use aws_sdk_dynamodb::operation::{delete_item::DeleteItemOutput, put_item::PutItemOutput};
use serde::{Serialize, de::DeserializeOwned};

use crate::batch::BatchWriteResult;
use crate::client::{DynamoClient, global_client};
use crate::config::RetryConfig;
use crate::error::Result;
use crate::expression::IntoExpression;
use crate::key::KeyValue;
use crate::page::{Cursor, QueryResult};
use crate::query::SortKey;
use crate::schema::IndexSchema;
use crate::seed::{bind, condition_bound, lazy_stream, shape, shape_scan, table_of};
use crate::table_batch::{BatchGetResult, KeyOf};
use aws_sdk_dynamodb::operation::update_item::UpdateItemOutput;
use futures::Stream;

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
    /// [`NoSortKey`](crate::NoSortKey)) when the table has no sort key.
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
        global_client()
    }

    /// Puts this item, replacing any item with the same key.
    fn add_item(&self) -> impl Future<Output = Result<PutItemOutput>> + Send {
        async move { table_of::<Self>().await.add_item(self).await }
    }

    /// Gets the item with this key, or `None`. `sk` must be `Some` exactly when the table has a
    /// sort key.
    fn get_item(
        pk: &Self::PK,
        sk: Option<&Self::SK>,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        async move { table_of::<Self>().await.get_item(pk, sk).await }
    }

    /// Deletes the item with this key; deleting a missing item is not an error.
    fn delete_item(
        pk: Self::PK,
        sk: Option<Self::SK>,
    ) -> impl Future<Output = Result<DeleteItemOutput>> + Send {
        async move {
            let table = table_of::<Self>().await;
            table.delete_item(&pk, sk.as_ref()).await
        }
    }

    /// Deletes this item, by its own key.
    fn destroy_item(&self) -> impl Future<Output = Result<DeleteItemOutput>> + Send {
        async move { table_of::<Self>().await.destroy_item(self).await }
    }

    /// Reads many items by key; see [`Table::batch_get`](crate::Table::batch_get).
    fn batch_get(
        keys: Vec<KeyOf<Self>>,
    ) -> impl Future<Output = Result<BatchGetResult<Self>>> + Send {
        async move { table_of::<Self>().await.batch_get(keys).await }
    }

    /// Puts many items; see [`Table::batch_upsert`](crate::Table::batch_upsert).
    fn batch_upsert(
        items: Vec<Self>,
    ) -> impl Future<Output = Result<BatchWriteResult<Self>>> + Send {
        async move { table_of::<Self>().await.batch_upsert(items).await }
    }

    /// Deletes many items, each by its own key; see [`Table::batch_delete`](crate::Table::batch_delete).
    fn batch_delete(
        items: Vec<Self>,
    ) -> impl Future<Output = Result<BatchWriteResult<Self>>> + Send {
        async move { table_of::<Self>().await.batch_delete(items).await }
    }

    /// Puts this item if `condition` holds (`None`: unconditionally). `values` binds the
    /// condition's `:placeholders`.
    fn add_item_with_condition<C: IntoExpression + Send>(
        &self,
        condition: Option<C>,
        values: Option<serde_json::Value>,
    ) -> impl Future<Output = Result<PutItemOutput>> + Send {
        let condition = condition_bound(condition, values);
        async move {
            let table = table_of::<Self>().await;
            match condition {
                Some(bound) => table.put(self, Some(bound?)).await,
                None => table.add_item(self).await,
            }
        }
    }

    /// Sets the attributes of `updates` on this item (by its key); `None`s are skipped.
    fn update_item(
        &self,
        updates: impl Serialize + Send,
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        async move {
            let table = table_of::<Self>().await;
            let sk = self.sort_key();
            table
                .update_item(&self.partition_key(), sk.as_ref(), updates)
                .await
        }
    }

    /// [`DynamoTable::update_item`] if `condition` holds.
    fn update_item_with_condition<C: IntoExpression + Send>(
        &self,
        updates: impl Serialize + Send,
        condition: Option<C>,
        values: Option<serde_json::Value>,
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        let condition = condition_bound(condition, values);
        async move {
            let table = table_of::<Self>().await;
            let sk = self.sort_key();
            let pk = self.partition_key();
            match condition {
                Some(bound) => {
                    table
                        .update_with_bound(&pk, sk.as_ref(), updates, bound?)
                        .await
                }
                None => table.update_item(&pk, sk.as_ref(), updates).await,
            }
        }
    }

    /// Removes these attributes from this item.
    fn remove_attributes(
        &self,
        attributes: &[&str],
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        async move {
            let table = table_of::<Self>().await;
            let sk = self.sort_key();
            table
                .remove_attributes(&self.partition_key(), sk.as_ref(), attributes)
                .await
        }
    }

    /// Adds each amount to its attribute atomically; missing attributes start from 0.
    fn increment_multiple(
        pk: &Self::PK,
        sk: Option<&Self::SK>,
        fields: &[(&str, i64)],
    ) -> impl Future<Output = Result<UpdateItemOutput>> + Send {
        async move {
            let table = table_of::<Self>().await;
            table.increment_multiple(pk, sk, fields).await
        }
    }

    /// One page of the partition `pk`, ascending, from `cursor`.
    fn query_items(
        pk: &Self::PK,
        sort: Option<SortKey<Self::SK>>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        async move {
            let table = table_of::<Self>().await;
            shape(table.query(pk), sort, limit, cursor, true)
                .page()
                .await
        }
    }

    /// One page of the partition `pk`, descending (newest first for time-ordered sort keys).
    fn reverse_query_items(
        pk: &Self::PK,
        sort: Option<SortKey<Self::SK>>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        async move {
            let table = table_of::<Self>().await;
            shape(table.query(pk), sort, limit, cursor, false)
                .page()
                .await
        }
    }

    /// The first item of the partition `pk`.
    fn query_item(pk: &Self::PK) -> impl Future<Output = Result<Option<Self>>> + Send {
        async move {
            let table = table_of::<Self>().await;
            table.query(pk).first().await
        }
    }

    /// One page of the partition `pk`, filtered. A page may be empty and still have a cursor.
    fn query_items_with_filter(
        pk: &Self::PK,
        sort: Option<SortKey<Self::SK>>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        filter: impl IntoExpression + Send,
        values: impl Serialize + Send,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        let filter = bind(filter, values);
        async move {
            let table = table_of::<Self>().await;
            shape(table.query(pk), sort, limit, cursor, true)
                .bound_filter(filter)
                .page()
                .await
        }
    }

    /// One page of the items whose sort key starts with `prefix`.
    fn query_begins_with(
        pk: &Self::PK,
        prefix: &str,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        ascending: bool,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        let sort = SortKey::BeginsWith(prefix.to_owned());
        async move {
            let table = table_of::<Self>().await;
            shape(table.query(pk), Some(sort), limit, cursor, ascending)
                .page()
                .await
        }
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
        let sort = SortKey::Between(low.into(), high.into());
        async move {
            let table = table_of::<Self>().await;
            shape(table.query(pk), Some(sort), limit, cursor, ascending)
                .page()
                .await
        }
    }

    /// How many items the partition `pk` holds, over all pages.
    fn count_items(pk: &Self::PK) -> impl Future<Output = Result<usize>> + Send {
        async move {
            let table = table_of::<Self>().await;
            table.query(pk).count().await
        }
    }

    /// Every item of the partition `pk`, `page_size` per request, fetched as the stream is
    /// polled: memory holds one page.
    fn query_stream(
        pk: &Self::PK,
        sort: Option<SortKey<Self::SK>>,
        page_size: Option<u16>,
    ) -> impl Stream<Item = Result<Self>> + Send + 'static {
        let pk = pk.clone();
        lazy_stream(move |table: crate::Table<Self>| {
            shape(table.query(&pk), sort, page_size, None, true).stream()
        })
    }

    /// [`DynamoTable::query_stream`], filtered.
    fn query_stream_with_filter(
        pk: &Self::PK,
        sort: Option<SortKey<Self::SK>>,
        page_size: Option<u16>,
        filter: impl IntoExpression,
        values: impl Serialize,
    ) -> impl Stream<Item = Result<Self>> + Send + 'static {
        let pk = pk.clone();
        let filter = bind(filter, values);
        lazy_stream(move |table: crate::Table<Self>| {
            shape(table.query(&pk), sort, page_size, None, true)
                .bound_filter(filter)
                .stream()
        })
    }

    /// One page of a scan of the table.
    fn scan_items(
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        async move {
            let table = table_of::<Self>().await;
            shape_scan(table.scan(), limit, cursor).page().await
        }
    }

    /// One page of a filtered scan.
    fn scan_items_with_filter(
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
        filter: impl IntoExpression + Send,
        values: impl Serialize + Send,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        let filter = bind(filter, values);
        async move {
            let table = table_of::<Self>().await;
            shape_scan(table.scan(), limit, cursor)
                .bound_filter(filter)
                .page()
                .await
        }
    }

    /// Every item of the table, a page at a time.
    fn scan_stream(page_size: Option<u16>) -> impl Stream<Item = Result<Self>> + Send + 'static {
        lazy_stream(move |table: crate::Table<Self>| {
            shape_scan(table.scan(), page_size, None).stream()
        })
    }

    /// [`DynamoTable::scan_stream`], filtered.
    fn scan_stream_with_filter(
        page_size: Option<u16>,
        filter: impl IntoExpression,
        values: impl Serialize,
    ) -> impl Stream<Item = Result<Self>> + Send + 'static {
        let filter = bind(filter, values);
        lazy_stream(move |table: crate::Table<Self>| {
            shape_scan(table.scan(), page_size, None)
                .bound_filter(filter)
                .stream()
        })
    }
}

/// Puts `puts` and deletes `deletes` of `T`'s table in one batch, on `T`'s client; see
/// [`Table::batch_write`](crate::Table::batch_write). For writes across several tables, use [`DynamoClient::batch_write`].
pub async fn batch_write<T: DynamoTable>(
    puts: Vec<T>,
    deletes: Vec<T>,
) -> Result<BatchWriteResult<T>> {
    table_of::<T>().await.batch_write(puts, deletes).await
}
