//! Transactions: up to 100 writes (puts, updates, deletes, condition checks) over any tables,
//! applied all together or not at all, and once; and up to 100 reads as one snapshot.
//!
//! A write transaction carries a `ClientRequestToken`, made once per call and sent with every
//! attempt: DynamoDB applies a token's transaction at most once (for 10 minutes), so an attempt
//! whose answer was lost, a 500, a dropped connection or a timeout, is retried safely, by the SDK
//! and then by the library, until DynamoDB answers. Conflicts with other transactions are
//! retried the same way.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsOutput;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Get, Put, ReturnValuesOnConditionCheckFailure,
    TransactGetItem, TransactWriteItem, Update,
};
use serde::Serialize;

use super::modify::{Modify, ModifyRequest};
use super::update::{increment_expression, patch_expression};
use super::version::{Overwrite, VersionCheck, checked_condition, checked_put};
use crate::codec::item::{decode_item, encode};
use crate::codec::key::{Item, describe_key, key_map};
use crate::codec::size::{check_item_size, item_size};
use crate::error::{Error, ErrorKind, InvalidReason, Result};
use crate::expression::{Bound, IntoExpression, non_empty};
use crate::request::attempts::{AttemptLog, CountedExt};
use crate::request::capacity::{self, Side};
use crate::request::connection::Connection;
use crate::request::send::ObserveExt;
use crate::retry::{Attempt, GaveUp, with_backoff};
use crate::schema::{DynamoTable, IntoKey, KeyNames, RetryConfig, key_names};

use dynamo_table_rules::limits;

/// One action of a write transaction, built and checked when it was added.
struct Action {
    table: String,
    names: KeyNames,
    key: Item,
    /// Bytes the action counts toward the 4 MB limit (the item of a put, the key otherwise).
    size: usize,
    request: TransactWriteItem,
    /// The version check of a versioned write, to name a conflict if it is canceled.
    version: Option<VersionCheck>,
}

impl Action {
    /// An action on the item `key` of `T`'s table `table` that writes no item of its own: it
    /// counts its key toward the 4 MB limit.
    fn on_key<T: DynamoTable>(table: String, key: Item, request: TransactWriteItem) -> Action {
        Action {
            size: item_size(&key),
            table,
            names: key_names::<T>(),
            key,
            request,
            version: None,
        }
    }

    fn checking(mut self, version: Option<VersionCheck>) -> Action {
        self.version = version;
        self
    }
}

/// `T`'s table name (with the client's prefix) and `key` as checked attribute values.
fn keyed<T: DynamoTable>(conn: &Connection, key: impl IntoKey<T>) -> Result<(String, Item)> {
    let table = conn.table_name::<T>();
    let (pk, sk) = key.into_key();
    let key = key_map::<T>(&table, &pk, sk.as_ref())?;
    Ok((table, key))
}

/// A write transaction: build it with [`DynamoClient::transact_write`](crate::DynamoClient::transact_write),
/// add actions, then [`execute`](TransactWrite::execute) it. Either every action is applied, or
/// none is.
///
/// Checked before sending: at most 100 actions and 4 MB, no two actions on one item (the error
/// names it), and every key, item and expression as for single writes. A failed condition
/// cancels the whole transaction: [`Error::TransactionCanceled`] says which action failed and
/// why, with the item as it is.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "accounts")]
/// # struct Account { #[dynamo(pk)] id: String, balance: i64 }
/// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
/// // Move 10 from a to b, only if a has it.
/// client
///     .transact_write()
///     .increment::<Account>(("a".to_string(), None), &[("balance", -10)])
///     .condition_check::<Account>(("a".to_string(), None), "balance >= :n", serde_json::json!({ ":n": 10 }))
///     .increment::<Account>(("b".to_string(), None), &[("balance", 10)])
///     .execute()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a transaction does nothing until `.execute().await`"]
pub struct TransactWrite {
    conn: Connection,
    actions: Vec<Action>,
    problem: Option<Error>,
    token: Option<String>,
    retry: RetryConfig,
}

impl fmt::Debug for TransactWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransactWrite")
            .field("actions", &self.actions.len())
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl TransactWrite {
    pub(crate) fn new(conn: Connection) -> Self {
        TransactWrite {
            conn,
            actions: Vec::new(),
            problem: None,
            token: None,
            retry: RetryConfig::batch_default(),
        }
    }

    /// Sends the transaction with this `ClientRequestToken` (1 to 36 characters) instead of a
    /// new one: to resend, within 10 minutes, a transaction whose outcome is unknown, so that
    /// DynamoDB applies it at most once.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// How conflicts and lost answers are retried (default: [`RetryConfig::batch_default`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    fn push(mut self, action: Result<Action>) -> Self {
        match action {
            Ok(action) => self.actions.push(action),
            Err(e) => {
                if self.problem.is_none() {
                    self.problem = Some(e);
                }
            }
        }
        self
    }

    /// Puts `item`, replacing any item with its key; a versioned item (`#[dynamo(version)]`)
    /// checks and bumps its version, as [`Table::put`](crate::Table::put) does.
    pub fn put<T: DynamoTable>(self, item: &T) -> Self {
        let action = put_action(&self.conn, item, None);
        self.push(action)
    }

    /// Puts `item` if `condition` holds (`values` binds its `:placeholders`).
    pub fn put_with_condition<T: DynamoTable>(
        self,
        item: &T,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Self {
        let action = bind(condition, values).and_then(|c| put_action(&self.conn, item, Some(c)));
        self.push(action)
    }

    /// Sets the attributes of `patch` on the item with this key (`None`s skipped). Refused on
    /// a table with a version attribute: use [`update_if_version`](Self::update_if_version).
    pub fn update<T: DynamoTable>(self, key: impl IntoKey<T>, patch: impl Serialize) -> Self {
        let action = update_action::<T>(&self.conn, key, patch, None, None);
        self.push(action)
    }

    /// [`update`](Self::update) of a versioned item, applied only at `version` and bumping it,
    /// as [`Table::update_if_version`](crate::Table::update_if_version) does.
    pub fn update_if_version<T: DynamoTable>(
        self,
        key: impl IntoKey<T>,
        version: u64,
        patch: impl Serialize,
    ) -> Self {
        let table = self.conn.table_name::<T>();
        let action = VersionCheck::expecting::<T>(&table, version, "update_if_version")
            .and_then(|check| update_action::<T>(&self.conn, key, patch, None, Some(check)));
        self.push(action)
    }

    /// [`update`](Self::update) if `condition` holds.
    pub fn update_with_condition<T: DynamoTable>(
        self,
        key: impl IntoKey<T>,
        patch: impl Serialize,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Self {
        let action = bind(condition, values)
            .and_then(|c| update_action::<T>(&self.conn, key, patch, Some(c), None));
        self.push(action)
    }

    /// A typed update ([`Table::modify`](crate::Table::modify)), with its condition and
    /// version, as an action of the transaction (it is sent with the transaction, not alone).
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "accounts")]
    /// # struct Account { #[dynamo(pk)] id: String, balance: i64 }
    /// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
    /// let (accounts, f) = (client.table::<Account>(), Account::fields());
    /// let take = accounts
    ///     .modify(AccountKey { id: "a".into() })
    ///     .decrement(&f.balance, 10)
    ///     .when(f.balance.ge(10));
    /// let give = accounts.modify(AccountKey { id: "b".into() }).increment(&f.balance, 10);
    /// client.transact_write().modify(take).modify(give).execute().await?;
    /// # Ok(()) }
    /// ```
    pub fn modify<T: DynamoTable>(self, update: Modify<T>) -> Self {
        let action = update.into_request().and_then(|request| {
            let ModifyRequest {
                table,
                key,
                update,
                version,
            } = request;
            updating::<T>(table.name, key, update.into_parts()).map(|a| a.checking(version))
        });
        self.push(action)
    }

    /// Adds each amount to its number attribute (a missing one starts from 0).
    pub fn increment<T: DynamoTable>(self, key: impl IntoKey<T>, amounts: &[(&str, i64)]) -> Self {
        let action = increment_action::<T>(&self.conn, key, amounts);
        self.push(action)
    }

    /// Deletes the item with this key. Refused on a table with a version attribute: use
    /// [`delete_if_version`](Self::delete_if_version).
    pub fn delete<T: DynamoTable>(self, key: impl IntoKey<T>) -> Self {
        let action = delete_action::<T>(&self.conn, key, None, None);
        self.push(action)
    }

    /// Deletes the versioned item with this key, only at `version`.
    pub fn delete_if_version<T: DynamoTable>(self, key: impl IntoKey<T>, version: u64) -> Self {
        let table = self.conn.table_name::<T>();
        let action = VersionCheck::expecting::<T>(&table, version, "delete_if_version")
            .and_then(|check| delete_action::<T>(&self.conn, key, None, Some(check)));
        self.push(action)
    }

    /// Deletes the item with this key if `condition` holds.
    pub fn delete_with_condition<T: DynamoTable>(
        self,
        key: impl IntoKey<T>,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Self {
        let action = bind(condition, values)
            .and_then(|c| delete_action::<T>(&self.conn, key, Some(c), None));
        self.push(action)
    }

    /// Requires `condition` to hold on the item with this key, without writing it.
    pub fn condition_check<T: DynamoTable>(
        self,
        key: impl IntoKey<T>,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Self {
        let action = bind(condition, values).and_then(|c| check_action::<T>(&self.conn, key, c));
        self.push(action)
    }

    /// Actions added so far.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// True when no action was added.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Checks the transaction, then sends it until DynamoDB answers: conflicts, throttling and
    /// lost answers are retried with the same token, so it is applied at most once.
    pub async fn execute(self) -> Result<TransactWriteItemsOutput> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        check_actions(&self.actions)?;
        let token = match self.token {
            Some(token) => check_token(token)?,
            None => new_token(),
        };
        let tables = table_list(self.actions.iter().map(|a| a.table.as_str()));
        let versions: Vec<Option<VersionCheck>> = self.actions.iter().map(|a| a.version).collect();
        let items: Vec<TransactWriteItem> = self.actions.into_iter().map(|a| a.request).collect();
        let conn = self.conn;
        let log = AttemptLog::default();
        let mut answer = None;
        let (_, outcome) = with_backoff(
            self.retry,
            (),
            |()| {
                let request = conn
                    .sdk
                    .transact_write_items()
                    .set_transact_items(Some(items.clone()))
                    .client_request_token(token.clone())
                    .set_return_consumed_capacity(capacity::wanted())
                    .send()
                    .counted_in(&log)
                    .observed_by(&conn, "TransactWriteItems", &tables, Side::Write);
                async move {
                    match request.await {
                        Ok((output, _)) => (Some(output), Attempt::Done),
                        Err(e) if worth_resending(&e) => (
                            None,
                            Attempt::Again {
                                pending: (),
                                error: Some(e),
                            },
                        ),
                        Err(e) => (None, Attempt::Fail(e)),
                    }
                }
            },
            |output| {
                if output.is_some() {
                    answer = output;
                }
            },
        )
        .await;
        let error = match (answer, outcome) {
            (Some(output), _) => return Ok(output),
            (None, Err(GaveUp::Failed(e))) => e,
            (None, Err(GaveUp::Exhausted { error: Some(e), .. })) => e,
            (None, _) => Error::Unprocessed {
                table: tables.clone(),
                attempts: log.attempts(),
            },
        };
        let error = log.judge(error, "TransactWriteItems", tables);
        Err(name_version_conflicts(error, &versions))
    }
}

/// A canceled transaction's failed conditions on versioned actions, with the versions expected
/// and found where they differ.
fn name_version_conflicts(mut error: Error, versions: &[Option<VersionCheck>]) -> Error {
    if let Error::TransactionCanceled { reasons, .. } = &mut error {
        for reason in reasons.iter_mut() {
            if reason.code != "ConditionalCheckFailed" {
                continue;
            }
            if let Some(Some(check)) = versions.get(reason.position) {
                reason.version = check.mismatch(&reason.item);
            }
        }
    }
    error
}

/// A condition checked and bound with its values.
fn bind(condition: impl IntoExpression, values: impl Serialize) -> Result<Bound> {
    condition
        .into_expression()
        .and_then(|e| Bound::new(e, values))
}

/// A condition's text, names and values, for an action's fields.
type ConditionParts = (
    Option<String>,
    Option<HashMap<String, String>>,
    Option<HashMap<String, AttributeValue>>,
);

fn all_old(condition: &Option<String>) -> Option<ReturnValuesOnConditionCheckFailure> {
    condition
        .as_ref()
        .map(|_| ReturnValuesOnConditionCheckFailure::AllOld)
}

fn request_shape(what: &str, e: impl fmt::Display) -> Error {
    Error::invalid(
        InvalidReason::RequestShape,
        format!("the SDK could not build the transaction's {what}: {e}"),
    )
}

fn put_action<T: DynamoTable>(
    conn: &Connection,
    item: &T,
    condition: Option<Bound>,
) -> Result<Action> {
    let table = conn.table_name::<T>();
    let mut attributes = encode(&table, item)?;
    let (condition, version) = checked_put(&table, item, &mut attributes, condition)?;
    check_item_size(&table, key_names::<T>(), &attributes)?;
    let key: Item = key_names::<T>()
        .iter()
        .filter_map(|name| attributes.get(name).map(|v| (name.to_owned(), v.clone())))
        .collect();
    let size = item_size(&attributes);
    let (text, names, values): ConditionParts = Bound::request_parts(condition);
    let put = Put::builder()
        .table_name(&table)
        .set_item(Some(attributes))
        .set_return_values_on_condition_check_failure(all_old(&text))
        .set_condition_expression(text)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .build()
        .map_err(|e| request_shape("put", e))?;
    Ok(Action {
        table,
        names: key_names::<T>(),
        key,
        size,
        request: TransactWriteItem::builder().put(put).build(),
        version,
    })
}

fn update_action<T: DynamoTable>(
    conn: &Connection,
    key: impl IntoKey<T>,
    patch: impl Serialize,
    condition: Option<Bound>,
    version: Option<VersionCheck>,
) -> Result<Action> {
    let (table, key) = keyed::<T>(conn, key)?;
    let update = patch_expression::<T>(&table, &key, patch, condition, version.as_ref())?;
    updating::<T>(table, key, update.into_parts()).map(|a| a.checking(version))
}

fn increment_action<T: DynamoTable>(
    conn: &Connection,
    key: impl IntoKey<T>,
    amounts: &[(&str, i64)],
) -> Result<Action> {
    let (table, key) = keyed::<T>(conn, key)?;
    let update = increment_expression::<T>(&table, amounts)?;
    updating::<T>(table, key, update.into_parts())
}

/// An update action from its expression's parts: text, condition, names, values.
fn updating<T: DynamoTable>(
    table: String,
    key: Item,
    parts: super::update::UpdateParts,
) -> Result<Action> {
    let super::update::UpdateParts {
        text,
        condition,
        names: attribute_names,
        values,
    } = parts;
    let update = Update::builder()
        .table_name(&table)
        .set_key(Some(key.clone()))
        .update_expression(text)
        .set_return_values_on_condition_check_failure(all_old(&condition))
        .set_condition_expression(condition)
        .set_expression_attribute_names(non_empty(attribute_names))
        .set_expression_attribute_values(non_empty(values))
        .build()
        .map_err(|e| request_shape("update", e))?;
    let request = TransactWriteItem::builder().update(update).build();
    Ok(Action::on_key::<T>(table, key, request))
}

fn delete_action<T: DynamoTable>(
    conn: &Connection,
    key: impl IntoKey<T>,
    condition: Option<Bound>,
    version: Option<VersionCheck>,
) -> Result<Action> {
    let (table, key) = keyed::<T>(conn, key)?;
    let condition = checked_condition::<T>(&table, Overwrite::Delete, condition, version.as_ref())?;
    let (text, names, values): ConditionParts = Bound::request_parts(condition);
    let delete = Delete::builder()
        .table_name(&table)
        .set_key(Some(key.clone()))
        .set_return_values_on_condition_check_failure(all_old(&text))
        .set_condition_expression(text)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .build()
        .map_err(|e| request_shape("delete", e))?;
    let request = TransactWriteItem::builder().delete(delete).build();
    Ok(Action::on_key::<T>(table, key, request).checking(version))
}

fn check_action<T: DynamoTable>(
    conn: &Connection,
    key: impl IntoKey<T>,
    condition: Bound,
) -> Result<Action> {
    let (table, key) = keyed::<T>(conn, key)?;
    let (text, names, values): ConditionParts = Bound::request_parts(Some(condition));
    let check = ConditionCheck::builder()
        .table_name(&table)
        .set_key(Some(key.clone()))
        .set_return_values_on_condition_check_failure(all_old(&text))
        .set_condition_expression(text)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .build()
        .map_err(|e| request_shape("condition check", e))?;
    let request = TransactWriteItem::builder().condition_check(check).build();
    Ok(Action::on_key::<T>(table, key, request))
}

/// DynamoDB's limits on a transaction, checked before sending: 1 to 100 actions, 4 MB, one
/// action per item.
fn check_actions(actions: &[Action]) -> Result<()> {
    if actions.is_empty() {
        return Err(Error::invalid(
            InvalidReason::TransactionShape,
            "a transaction needs at least one action: add a put, update, delete or condition check",
        ));
    }
    if actions.len() > limits::TRANSACTION_MAX_ACTIONS {
        return Err(Error::invalid(
            InvalidReason::TransactionShape,
            format!(
                "a transaction has at most {} actions and this one has {}: split it into \
                 transactions that need not be atomic together, or use a batch",
                limits::TRANSACTION_MAX_ACTIONS,
                actions.len()
            ),
        ));
    }
    let size: usize = actions.iter().map(|a| a.size).sum();
    if size > limits::TRANSACTION_MAX_BYTES {
        return Err(Error::invalid(
            InvalidReason::TransactionShape,
            format!(
                "the items of this transaction come to {size} bytes, over DynamoDB's {} bytes \
                 (4 MB): split it",
                limits::TRANSACTION_MAX_BYTES
            ),
        ));
    }
    for (i, action) in actions.iter().enumerate() {
        if let Some(j) = actions[..i]
            .iter()
            .position(|a| a.table == action.table && a.key == action.key)
        {
            return Err(Error::invalid(
                InvalidReason::TransactionShape,
                format!(
                    "actions {j} and {i} of this transaction both touch the item {} of table \
                     `{}`: DynamoDB allows one action per item; merge them into one",
                    describe_key(action.names, &action.key),
                    action.table
                ),
            ));
        }
    }
    Ok(())
}

/// A `ClientRequestToken`: 32 random hexadecimal digits.
fn new_token() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

fn check_token(token: String) -> Result<String> {
    if token.is_empty() || token.len() > limits::CLIENT_REQUEST_TOKEN_MAX_LEN {
        return Err(Error::invalid(
            InvalidReason::TransactionShape,
            format!(
                "a transaction token has 1 to {} characters, and `{token}` has {}",
                limits::CLIENT_REQUEST_TOKEN_MAX_LEN,
                token.len()
            ),
        ));
    }
    Ok(token)
}

/// The tables of a transaction, for messages and spans.
fn table_list<'a>(tables: impl Iterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = tables.collect();
    names.sort_unstable();
    names.dedup();
    names.join(", ")
}

/// True when resending the transaction with its token may succeed: a conflict with another
/// transaction, throttling, a lost answer or a server error.
fn worth_resending(error: &Error) -> bool {
    match error {
        Error::TransactionCanceled { reasons, .. } => {
            reasons.iter().any(|r| r.code == "TransactionConflict")
                && reasons
                    .iter()
                    .all(|r| matches!(r.code.as_str(), "None" | "TransactionConflict"))
        }
        e => e.kind() == ErrorKind::TransactionConflict || e.is_retryable(),
    }
}

/// A read of up to 100 items, from any tables, as one snapshot: [`TransactGet::get`] returns a
/// [`Slot`] per item, [`TransactGetItems::take`] the item it names, typed.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "accounts")]
/// # struct Account { #[dynamo(pk)] id: String, balance: i64 }
/// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
/// let mut read = client.transact_get();
/// let a = read.get::<Account>(("a".to_string(), None));
/// let b = read.get::<Account>(("b".to_string(), None));
/// let mut items = read.execute().await?;
/// let (a, b) = (items.take(a)?, items.take(b)?);
/// println!("{a:?} {b:?}");
/// # Ok(()) }
/// ```
#[must_use = "a read does nothing until `.execute().await`"]
pub struct TransactGet {
    conn: Connection,
    gets: Vec<(String, Item)>,
    problem: Option<Error>,
}

impl fmt::Debug for TransactGet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransactGet")
            .field("gets", &self.gets.len())
            .finish_non_exhaustive()
    }
}

/// Which item of a [`TransactGet`] a result is, and its type.
#[derive(Debug)]
pub struct Slot<T> {
    index: usize,
    _item: PhantomData<fn() -> T>,
}

impl TransactGet {
    pub(crate) fn new(conn: Connection) -> Self {
        TransactGet {
            conn,
            gets: Vec::new(),
            problem: None,
        }
    }

    /// Reads the item with this key of `T`'s table.
    pub fn get<T: DynamoTable>(&mut self, key: impl IntoKey<T>) -> Slot<T> {
        match keyed::<T>(&self.conn, key) {
            Ok(get) => self.gets.push(get),
            Err(e) => {
                self.problem.get_or_insert(e);
                self.gets.push((self.conn.table_name::<T>(), Item::new()));
            }
        }
        Slot {
            index: self.gets.len() - 1,
            _item: PhantomData,
        }
    }

    /// Reads every item in one `TransactGetItems` request.
    pub async fn execute(self) -> Result<TransactGetItems> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        if self.gets.is_empty() || self.gets.len() > limits::TRANSACTION_MAX_ACTIONS {
            return Err(Error::invalid(
                InvalidReason::TransactionShape,
                format!(
                    "a transactional read has 1 to {} items, and this one has {}",
                    limits::TRANSACTION_MAX_ACTIONS,
                    self.gets.len()
                ),
            ));
        }
        let tables = table_list(self.gets.iter().map(|(t, _)| t.as_str()));
        let mut request = Vec::with_capacity(self.gets.len());
        for (table, key) in &self.gets {
            let get = Get::builder()
                .table_name(table)
                .set_key(Some(key.clone()))
                .build()
                .map_err(|e| request_shape("get", e))?;
            request.push(TransactGetItem::builder().get(get).build());
        }
        let (output, _) = self
            .conn
            .sdk
            .transact_get_items()
            .set_transact_items(Some(request))
            .set_return_consumed_capacity(capacity::wanted())
            .send()
            .observed_by(&self.conn, "TransactGetItems", &tables, Side::Read)
            .await?;
        let items = output
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.item)
            .collect();
        Ok(TransactGetItems {
            tables: self.gets.into_iter().map(|(t, _)| t).collect(),
            items,
        })
    }
}

/// The items a [`TransactGet`] read, in the order they were asked for.
#[derive(Debug)]
pub struct TransactGetItems {
    tables: Vec<String>,
    items: Vec<Option<Item>>,
}

impl TransactGetItems {
    /// The item `slot` names, decoded (`None` if there is none). Each item can be taken once.
    pub fn take<T: DynamoTable>(&mut self, slot: Slot<T>) -> Result<Option<T>> {
        let item = self.items.get_mut(slot.index).and_then(Option::take);
        let table = self
            .tables
            .get(slot.index)
            .map(String::as_str)
            .unwrap_or(T::TABLE);
        item.map(|item| decode_item(table, item)).transpose()
    }
}
