//! [`Table`]: one table reached through one explicit client. Every table operation of the
//! native API is a method here; each is a thin call into the operations layer.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::operation::{
    delete_item::DeleteItemOutput, put_item::PutItemOutput, update_item::UpdateItemOutput,
};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use crate::codec;
use crate::codec::item::{AsTable, Serde};
use crate::error::Result;
use crate::expression::{Bound, IntoExpression, Projection};
use crate::index::IndexTable;
use crate::operations::batch::{BatchGetResult, BatchWriteResult, CallCapacity};
use crate::operations::modify::Modify;
use crate::operations::read::{Query, Scan};
use crate::operations::transact::TransactWrite;
use crate::operations::version::VersionCheck;
use crate::operations::{TableRef, admin, batch, item, update};
use crate::request::capacity::Capacity;
use crate::request::connection::Connection;
use crate::schema::{DynamoIndex, DynamoTable, IntoKey, KeyOf, KeyValue, RetryConfig, key_names};

/// `T`'s table on one [`DynamoClient`](crate::DynamoClient): the prefixed name is fixed when the handle is made.
/// Cheap to clone.
///
/// | what | methods |
/// | --- | --- |
/// | one item | [`put`](Self::put), [`get`](Self::get), [`delete`](Self::delete), [`update`](Self::update), [`remove_attributes`](Self::remove_attributes), [`increment`](Self::increment), [`increment_once`](Self::increment_once), and `*_with_condition` |
/// | typed updates | [`modify`](Self::modify) |
/// | versioned items | [`put`](Self::put), [`update_if_version`](Self::update_if_version), [`delete_if_version`](Self::delete_if_version) |
/// | many items | [`query`](Self::query), [`scan`](Self::scan), [`index`](Self::index) |
/// | batches | [`batch_get`](Self::batch_get), [`batch_put`](Self::batch_put), [`batch_delete`](Self::batch_delete); across tables, [`DynamoClient::batch_write`](crate::DynamoClient::batch_write) |
/// | the table | [`create`](Self::create), [`create_if_not_exists`](Self::create_if_not_exists), [`delete_table`](Self::delete_table) |
///
/// Keys are anything that is [`IntoKey`]: the derive's typed key (`user.key()`, `UserKey`) or a
/// `(pk, Option<sk>)` pair.
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
/// let ada = User { user_id: "u1".into(), name: "Ada".into() };
/// users.put(&ada).await?;
/// assert!(users.get(ada.key()).await?.is_some());
/// # Ok(()) }
/// ```
pub struct Table<T> {
    target: TableRef,
    _items: PhantomData<fn() -> T>,
}

impl<T: DynamoTable> Table<T> {
    pub(crate) fn new(conn: Connection) -> Self {
        Table {
            target: TableRef {
                name: conn.table_name::<T>(),
                conn,
                batch_retry: T::BATCH_RETRIES_CONFIG,
            },
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
    /// let patient = client
    ///     .table::<User>()
    ///     .with_batch_retries(RetryConfig::batch_default().with_max_retries(20));
    /// # let _ = patient;
    /// # }
    /// ```
    pub fn with_batch_retries(mut self, retry: RetryConfig) -> Self {
        self.target.batch_retry = retry;
        self
    }

    /// The full table name, prefix included.
    pub fn name(&self) -> &str {
        &self.target.name
    }

    /// Puts `item`, replacing any item with the same key.
    ///
    /// On a table with a version attribute (`#[dynamo(version)]`), the put checks and bumps
    /// it: `item`'s version is the one it expects in the table (0 for an item never written:
    /// then no item may exist), and the table gets the next one. Another version in the table
    /// is [`Error::VersionConflict`](crate::Error::VersionConflict), and nothing is written.
    /// `item` itself keeps its version: read the item again to write it again.
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// #[derive(Serialize, Deserialize, DynamoTable)]
    /// #[dynamo(table = "accounts")]
    /// struct Account {
    ///     #[dynamo(pk)]
    ///     id: String,
    ///     #[dynamo(version)]
    ///     version: u64,
    ///     balance: i64,
    /// }
    ///
    /// # async fn run(accounts: dynamo_table::Table<Account>) -> Result<(), dynamo_table::Error> {
    /// // Version 0: a new item; the table stores version 1.
    /// accounts.put(&Account { id: "a".into(), version: 0, balance: 10 }).await?;
    /// // Read, change, write back: fails if someone wrote the item in between.
    /// loop {
    ///     let Some(mut account) = accounts.get(AccountKey { id: "a".into() }).await? else { break };
    ///     account.balance += 5;
    ///     match accounts.put(&account).await {
    ///         Err(e) if e.is_version_conflict() => continue,
    ///         result => { result?; break }
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn put(&self, item: &T) -> Result<PutItemOutput> {
        item::put(&self.target, item, None).await
    }

    /// Puts `item` if `condition` holds for the item currently stored under its key (e.g.
    /// `attribute_not_exists(user_id)` to never overwrite). `values` binds the condition's
    /// `:placeholders` (`()` when it has none). A failed condition is
    /// [`Error::ConditionalCheckFailed`](crate::Error::ConditionalCheckFailed).
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "users")]
    /// # struct User { #[dynamo(pk)] user_id: String }
    /// # async fn run(users: dynamo_table::Table<User>) -> Result<(), dynamo_table::Error> {
    /// let new = User { user_id: "u1".into() };
    /// match users.put_with_condition(&new, "attribute_not_exists(user_id)", ()).await {
    ///     Err(e) if e.is_conditional_check_failed() => println!("u1 exists already"),
    ///     other => { other?; }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn put_with_condition(
        &self,
        item: &T,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Result<PutItemOutput> {
        let condition = Bound::new(condition.into_expression()?, values)?;
        self.put_bound(item, condition).await
    }

    /// [`Table::put_with_condition`] with a condition already bound to its values.
    pub(crate) async fn put_bound(&self, item: &T, condition: Bound) -> Result<PutItemOutput> {
        item::put(&self.target, item, Some(condition)).await
    }

    /// Gets the item with this key, or `None` if there is none. The read is eventually
    /// consistent, as DynamoDB's default.
    pub async fn get(&self, key: impl IntoKey<T>) -> Result<Option<T>> {
        self.get_with_capacity(key).await.map(|(item, _)| item)
    }

    /// [`Table::get`], with the capacity the read consumed.
    pub async fn get_with_capacity(&self, key: impl IntoKey<T>) -> Result<(Option<T>, Capacity)> {
        let (pk, sk) = key.into_key();
        item::get::<T, AsTable<T>>(&self.target, &pk, sk.as_ref(), None).await
    }

    /// Gets only the attributes of the projection `P` (a struct of some of `T`'s fields,
    /// `#[derive(DynamoProjection)]`) of the item with this key, or `None` if there is none.
    ///
    /// ```no_run
    /// # use dynamo_table::{DynamoProjection, DynamoTable};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "users")]
    /// # struct User { #[dynamo(pk)] user_id: String, name: String, avatar: Vec<u8> }
    /// #[derive(Deserialize, DynamoProjection)]
    /// #[dynamo(of = User)]
    /// struct UserName { name: String }
    ///
    /// # async fn run(users: dynamo_table::Table<User>) -> Result<(), dynamo_table::Error> {
    /// let name = users.get_projection::<UserName>(UserKey { user_id: "u1".into() }).await?;
    /// # let _ = name;
    /// # Ok(()) }
    /// ```
    pub async fn get_projection<P: Projection<Table = T>>(
        &self,
        key: impl IntoKey<T>,
    ) -> Result<Option<P>> {
        let attributes = P::attributes()?;
        let (pk, sk) = key.into_key();
        item::get::<T, Serde<P>>(&self.target, &pk, sk.as_ref(), Some(attributes))
            .await
            .map(|(item, _)| item)
    }

    /// Deletes the item with this key. Deleting a missing item is not an error. On a table with
    /// a version attribute this is refused: use [`delete_if_version`](Self::delete_if_version).
    pub async fn delete(&self, key: impl IntoKey<T>) -> Result<DeleteItemOutput> {
        let (pk, sk) = key.into_key();
        item::delete::<T>(&self.target, &pk, sk.as_ref(), None, None).await
    }

    /// Deletes the item with this key if `condition` holds. A failed condition is
    /// [`Error::ConditionalCheckFailed`](crate::Error::ConditionalCheckFailed).
    pub async fn delete_with_condition(
        &self,
        key: impl IntoKey<T>,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Result<DeleteItemOutput> {
        let condition = Bound::new(condition.into_expression()?, values)?;
        let (pk, sk) = key.into_key();
        item::delete::<T>(&self.target, &pk, sk.as_ref(), Some(condition), None).await
    }

    /// Sets the attributes of `patch` (a struct or `json!({...})` serialized by serde) on the
    /// item with this key, leaving the others as they are. If no such item exists, DynamoDB
    /// creates it.
    ///
    /// A `None` / `null` in the patch is skipped, not written as NULL (a NULL would knock the
    /// item out of a sparse index); remove attributes with [`Table::remove_attributes`]. Key
    /// attributes may appear only with the item's own key values. On a table with a version
    /// attribute this is refused: use [`update_if_version`](Self::update_if_version).
    pub async fn update(
        &self,
        key: impl IntoKey<T>,
        patch: impl Serialize,
    ) -> Result<UpdateItemOutput> {
        let (pk, sk) = key.into_key();
        update::update::<T>(&self.target, &pk, sk.as_ref(), patch, None, None).await
    }

    /// [`Table::update`] if `condition` holds for the stored item.
    pub async fn update_with_condition(
        &self,
        key: impl IntoKey<T>,
        patch: impl Serialize,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Result<UpdateItemOutput> {
        let condition = Bound::new(condition.into_expression()?, values)?;
        self.update_bound(key, patch, condition).await
    }

    /// [`Table::update_with_condition`] with a condition already bound to its values.
    pub(crate) async fn update_bound(
        &self,
        key: impl IntoKey<T>,
        patch: impl Serialize,
        condition: Bound,
    ) -> Result<UpdateItemOutput> {
        let (pk, sk) = key.into_key();
        update::update::<T>(&self.target, &pk, sk.as_ref(), patch, Some(condition), None).await
    }

    /// [`update`](Self::update) on a table with a version attribute: applied only if the item
    /// is at `version` (0: no item, which the update then creates), and bumping it. Another
    /// version is [`Error::VersionConflict`](crate::Error::VersionConflict). The patch may
    /// carry the version attribute only at `version` (as a whole item read from the table
    /// does).
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "accounts")]
    /// # struct Account { #[dynamo(pk)] id: String, #[dynamo(version)] version: u64, frozen: bool }
    /// # async fn run(accounts: dynamo_table::Table<Account>) -> Result<(), dynamo_table::Error> {
    /// if let Some(account) = accounts.get(AccountKey { id: "a".into() }).await? {
    ///     let patch = serde_json::json!({ "frozen": true });
    ///     accounts.update_if_version(account.key(), account.version, patch).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn update_if_version(
        &self,
        key: impl IntoKey<T>,
        version: u64,
        patch: impl Serialize,
    ) -> Result<UpdateItemOutput> {
        let check = VersionCheck::expecting::<T>(&self.target.name, version, "update_if_version")?;
        let (pk, sk) = key.into_key();
        update::update::<T>(&self.target, &pk, sk.as_ref(), patch, None, Some(check)).await
    }

    /// [`delete`](Self::delete) on a table with a version attribute: applied only if the item
    /// is at `version`. Another version (or no item) is
    /// [`Error::VersionConflict`](crate::Error::VersionConflict).
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "accounts")]
    /// # struct Account { #[dynamo(pk)] id: String, #[dynamo(version)] version: u64 }
    /// # async fn run(accounts: dynamo_table::Table<Account>, account: Account) -> Result<(), dynamo_table::Error> {
    /// accounts.delete_if_version(account.key(), account.version).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_if_version(
        &self,
        key: impl IntoKey<T>,
        version: u64,
    ) -> Result<DeleteItemOutput> {
        let check = VersionCheck::expecting::<T>(&self.target.name, version, "delete_if_version")?;
        let (pk, sk) = key.into_key();
        item::delete::<T>(&self.target, &pk, sk.as_ref(), None, Some(check)).await
    }

    /// A typed update of the item with this key: changes on the paths of `T::fields()`,
    /// checked by the compiler, in one request; see [`Modify`](crate::update::Modify).
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "pages")]
    /// # struct Page { #[dynamo(pk)] url: String, views: u64, title: String }
    /// # async fn run(pages: dynamo_table::Table<Page>) -> Result<(), dynamo_table::Error> {
    /// let f = Page::fields();
    /// pages
    ///     .modify(PageKey { url: "/".into() })
    ///     .increment(&f.views, 1)
    ///     .set_if_not_exists(&f.title, "Home")
    ///     .execute()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn modify(&self, key: impl IntoKey<T>) -> Modify<T> {
        Modify::new(self.target.clone(), key)
    }

    /// Removes these attributes from the item with this key. On a table with a version
    /// attribute, the version is bumped (not checked).
    pub async fn remove_attributes(
        &self,
        key: impl IntoKey<T>,
        attributes: &[&str],
    ) -> Result<UpdateItemOutput> {
        let (pk, sk) = key.into_key();
        update::remove_attributes::<T>(&self.target, &pk, sk.as_ref(), attributes).await
    }

    /// Adds each amount to its numeric attribute, atomically, in one request. An attribute that
    /// does not exist yet starts from 0 (and an item that does not exist is created). On a
    /// table with a version attribute, the version is bumped (not checked: increments add to
    /// what is there, whatever was read).
    ///
    /// At least once: when an attempt's answer is lost after DynamoDB applied it, the SDK
    /// resends it and DynamoDB adds again (the error, if the call still fails, is
    /// [`Error::MaybeApplied`](crate::Error::MaybeApplied)). For exactly once, use
    /// [`increment_once`](Self::increment_once).
    pub async fn increment(
        &self,
        key: impl IntoKey<T>,
        amounts: &[(&str, i64)],
    ) -> Result<UpdateItemOutput> {
        let (pk, sk) = key.into_key();
        update::increment::<T>(&self.target, &pk, sk.as_ref(), amounts).await
    }

    /// [`increment`](Self::increment), applied exactly once: sent as a one-action transaction
    /// with a token, so an attempt whose answer is lost (a 500, a dropped connection, a
    /// timeout) is resent without adding twice. `increment` is at least once: the SDK resends
    /// a lost attempt, and DynamoDB adds again. This costs twice the write capacity.
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "pages")]
    /// # struct Page { #[dynamo(pk)] url: String, views: u64 }
    /// # async fn run(pages: dynamo_table::Table<Page>) -> Result<(), dynamo_table::Error> {
    /// pages.increment_once(PageKey { url: "/".into() }, &[("views", 1)]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn increment_once(
        &self,
        key: impl IntoKey<T>,
        amounts: &[(&str, i64)],
    ) -> Result<()> {
        TransactWrite::new(self.target.conn.clone())
            .increment::<T>(key, amounts)
            .execute()
            .await
            .map(|_| ())
    }

    /// A query on the partition `pk` of the table.
    pub fn query(&self, pk: &T::PK) -> Query<T, T::SK> {
        Query::new(self.target.clone(), None, key_names::<T>(), pk)
    }

    /// A query on the partition `pk` of the table, or of the index `index` keyed like the table
    /// (the published API's `index_name`), whose sort-key condition takes `SK` values: sort
    /// keys given in another Rust type (the published API's strings).
    pub(crate) fn query_as<SK: KeyValue>(&self, pk: &T::PK, index: Option<String>) -> Query<T, SK> {
        Query::new(
            self.target.clone(),
            index.map(Cow::Owned),
            key_names::<T>(),
            pk,
        )
    }

    /// A scan of the whole table.
    pub fn scan(&self) -> Scan<T> {
        Scan::new(self.target.clone(), None, key_names::<T>())
    }

    /// A handle on one of the table's indexes.
    pub fn index<I: DynamoIndex<Table = T>>(&self) -> IndexTable<I> {
        self.index_named(Cow::Borrowed(I::NAME))
    }

    /// A handle on an index under a name known only at run time (`GSITable`'s).
    pub(crate) fn index_named<I: DynamoIndex<Table = T>>(
        &self,
        name: Cow<'static, str>,
    ) -> IndexTable<I> {
        IndexTable::new(self.target.clone(), name)
    }

    /// Reads the items with these keys, 100 keys per `BatchGetItem` call, retrying unprocessed
    /// keys with backoff (see [`BatchWrite`](crate::batch::BatchWrite) for the retry and
    /// concurrency rules).
    ///
    /// Repeated keys are read once. An invalid key (empty, or a sort key that does not fit the
    /// table) fails the whole call before anything is sent; everything after that is reported
    /// per key. A key is freed as soon as its item is found, so a large batch does not hold the
    /// keys of the items it has already read.
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "users")]
    /// # struct User { #[dynamo(pk)] user_id: String }
    /// # async fn run(users: dynamo_table::Table<User>) -> Result<(), dynamo_table::Error> {
    /// let result = users.batch_get(vec![("u1".to_string(), None), ("u2".to_string(), None)]).await?;
    /// assert_eq!(result.items.len() + result.not_found.len() + result.failed_keys.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn batch_get<K: IntoKey<T>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<BatchGetResult<T>> {
        batch::get::get_items::<T, AsTable<T>, K>(&self.target, keys, None, CallCapacity::Total)
            .await
    }

    /// [`batch_get`](Self::batch_get), keeping the capacity of each call as well as the total,
    /// for the published API, which reports it per call.
    pub(crate) async fn batch_get_keeping_each_call_capacity<K: IntoKey<T>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<BatchGetResult<T>> {
        batch::get::get_items::<T, AsTable<T>, K>(&self.target, keys, None, CallCapacity::Each)
            .await
    }

    /// [`batch_get`](Self::batch_get) reading only the attributes of the projection `P` (a
    /// struct of some of `T`'s fields, `#[derive(DynamoProjection)]`).
    pub async fn batch_get_projection<P: Projection<Table = T>, K: IntoKey<T>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<BatchGetResult<T, P>> {
        let attributes = P::attributes()?;
        batch::get::get_items::<T, Serde<P>, K>(
            &self.target,
            keys,
            Some(attributes),
            CallCapacity::Total,
        )
        .await
    }

    /// Puts every item, 25 per `BatchWriteItem` call; see [`BatchWrite`](crate::batch::BatchWrite)
    /// for de-duplication, concurrency and retries. Items that cannot be written (over 400 KB,
    /// an empty key) are reported in `failed` while the rest are written.
    pub async fn batch_put(&self, items: Vec<T>) -> Result<BatchWriteResult<T>> {
        batch::write::put_items(&self.target, items).await
    }

    /// Deletes the items with these keys, each reported with its outcome.
    pub async fn batch_delete<K: IntoKey<T>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<BatchWriteResult<KeyOf<T>>> {
        let keys: Vec<KeyOf<T>> = keys.into_iter().map(IntoKey::into_key).collect();
        batch::write::delete_keys::<T>(&self.target, keys).await
    }

    /// Creates the table from `T`'s key schema and indexes (attribute types from the key types),
    /// with on-demand billing, and waits until it is active.
    ///
    /// Fails with [`ErrorKind::TableInUse`](crate::error::ErrorKind::TableInUse) if it exists;
    /// see [`Table::create_if_not_exists`].
    pub async fn create(&self) -> Result<()> {
        admin::create::<T>(&self.target).await
    }

    /// [`create`](Self::create), plus an index known only at run time (a hand-written
    /// `GSITable`'s, under the given name); returns what `CreateTable` answered.
    pub(crate) async fn create_with(
        &self,
        extra: Option<(String, crate::schema::IndexSchema)>,
    ) -> Result<aws_sdk_dynamodb::operation::create_table::CreateTableOutput> {
        admin::create_with::<T>(&self.target, extra).await
    }

    /// Creates the table unless a table of that name exists; returns `true` if it created it.
    /// Either way the table is active when this returns `Ok`.
    pub async fn create_if_not_exists(&self) -> Result<bool> {
        admin::create_if_not_exists::<T>(&self.target).await
    }

    /// Deletes the table and everything in it.
    pub async fn delete_table(&self) -> Result<()> {
        admin::delete_table(&self.target).await
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
    /// # let client = dynamo_table::DynamoClient::new(&dynamo_table::config::auto_config().await);
    /// let users = client.table::<User>();
    /// let map = users.encode(&User { user_id: "u1".into(), age: 7 }).unwrap();
    /// assert_eq!(users.decode(map).unwrap(), User { user_id: "u1".into(), age: 7 });
    /// # }
    /// ```
    pub fn encode(&self, item: &T) -> Result<HashMap<String, AttributeValue>> {
        codec::item::encode(&self.target.name, item)
    }

    /// A DynamoDB item map as a `T`; an error names the attribute that did not fit.
    pub fn decode(&self, item: HashMap<String, AttributeValue>) -> Result<T> {
        codec::item::decode_item(&self.target.name, item)
    }
}

impl<T> Clone for Table<T> {
    fn clone(&self) -> Self {
        Table {
            target: self.target.clone(),
            _items: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("name", &self.target.name)
            .field("endpoint", &self.target.conn.endpoint)
            .finish()
    }
}
