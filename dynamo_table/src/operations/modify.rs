//! Typed updates of one item ([`Modify`]): changes on the derive's attribute paths, checked by
//! the compiler (a key cannot be changed, `add` needs a number or a set, ...), sent as one
//! `UpdateItem` with an optional condition, returning what the caller asks for.

use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use serde::de::DeserializeOwned;

use super::TableRef;
use super::item::explained;
use super::update::{Change, UpdateExpression, send_returning};
use super::version::VersionCheck;
use crate::codec::item::{decode, decode_item};
use crate::codec::key::{Item, key_map};
use crate::error::{Error, Result};
use crate::expression::{
    Addable, Bound, Condition, Expression, IntoExpression, List, Number, Path, Set, Updatable,
    ValueOf,
};
use crate::schema::{DynamoTable, IntoKey, key_names};

/// A typed update, checked and written: for one request, alone or in a transaction.
pub(crate) struct ModifyRequest {
    pub table: TableRef,
    pub key: Item,
    pub update: UpdateExpression,
    pub version: Option<VersionCheck>,
}

/// The item an update replaced, as [`Modify::execute_returning_old`] reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum OldItem<T> {
    /// The item before the update.
    Item(T),
    /// There was no item: the update created it. (An item that held nothing but its key
    /// counts as none: some DynamoDB implementations answer a new item's `ALL_OLD` with its
    /// key.)
    NoItem,
    /// Not known: an attempt went unanswered and DynamoDB applied it, so what came back (if
    /// anything) may be the update's own result. The update itself was applied once.
    Unknown,
}

/// A typed update of one item, from [`Table::modify`](crate::Table::modify): changes on the
/// paths of `T::fields()`, an optional condition, then one of the `execute*` calls.
///
/// The compiler checks each change against the struct: the value has the attribute's type, a
/// key attribute cannot be changed, `add`/`increment` need a number (or a set, for `add`),
/// `delete` a set, `append`/`prepend` a list.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "orders")]
/// # struct Order { #[dynamo(pk)] id: String, status: String, views: u64, notes: Vec<String> }
/// # async fn run(orders: dynamo_table::Table<Order>) -> Result<(), dynamo_table::Error> {
/// let f = Order::fields();
/// let order: Order = orders
///     .modify(OrderKey { id: "o1".into() })
///     .set(&f.status, "shipped")
///     .increment(&f.views, 1)
///     .append(&f.notes, vec!["left the warehouse".to_string()])
///     .when(f.status.eq("paid"))
///     .must_exist()
///     .execute_returning_new()
///     .await?;
/// # let _ = order;
/// # Ok(()) }
/// ```
#[must_use = "an update does nothing until one of the `execute` calls is awaited"]
pub struct Modify<T> {
    table: TableRef,
    key: Result<Item>,
    changes: Vec<Change>,
    condition: Option<Condition<T>>,
    version: Option<u64>,
    must_exist: bool,
    problem: Option<Error>,
    _items: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Modify<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Modify")
            .field("table", &self.table.name)
            .field("changes", &self.changes.len())
            .field("condition", &self.condition)
            .field("version", &self.version)
            .field("must_exist", &self.must_exist)
            .finish_non_exhaustive()
    }
}

impl<T: DynamoTable> Modify<T> {
    pub(crate) fn new(table: TableRef, key: impl IntoKey<T>) -> Self {
        let (pk, sk) = key.into_key();
        let key = key_map::<T>(&table.name, &pk, sk.as_ref());
        Modify {
            table,
            key,
            changes: Vec::new(),
            condition: None,
            version: None,
            must_exist: false,
            problem: None,
            _items: PhantomData,
        }
    }

    /// Adds the change made of `path` and its value, or notes why the value cannot be written.
    fn change<V, K>(
        mut self,
        path: &Path<T, V, K>,
        value: impl ValueOf<V>,
        make: impl FnOnce(Vec<crate::expression::Segment>, AttributeValue) -> Change,
    ) -> Self {
        match path.encode(value) {
            Ok(value) => self.changes.push(make(path.segments().to_vec(), value)),
            Err(e) => {
                self.problem.get_or_insert(e);
            }
        }
        self
    }

    /// Sets the attribute to `value`.
    pub fn set<V, K: Updatable>(self, path: &Path<T, V, K>, value: impl ValueOf<V>) -> Self {
        self.change(path, value, Change::Set)
    }

    /// Sets the attribute to `value` only if the item does not have it yet
    /// (`if_not_exists`).
    pub fn set_if_not_exists<V, K: Updatable>(
        self,
        path: &Path<T, V, K>,
        value: impl ValueOf<V>,
    ) -> Self {
        self.change(path, value, Change::SetIfNotExists)
    }

    /// Removes the attribute.
    pub fn remove<V, K: Updatable>(mut self, path: &Path<T, V, K>) -> Self {
        self.changes.push(Change::Remove(path.segments().to_vec()));
        self
    }

    /// Adds `value` to the number attribute, or its elements to the set attribute (`ADD`; a
    /// missing attribute starts from 0 or the empty set).
    pub fn add<V: Addable, K: Updatable>(
        self,
        path: &Path<T, V, K>,
        value: impl ValueOf<V>,
    ) -> Self {
        self.change(path, value, Change::Add)
    }

    /// Adds `by` to the number attribute (a missing one starts from 0).
    pub fn increment<V: Number, K: Updatable>(
        self,
        path: &Path<T, V, K>,
        by: impl ValueOf<V>,
    ) -> Self {
        self.change(path, by, Change::Add)
    }

    /// Takes `by` off the number attribute (a missing one starts from 0).
    pub fn decrement<V: Number, K: Updatable>(
        self,
        path: &Path<T, V, K>,
        by: impl ValueOf<V>,
    ) -> Self {
        self.change(path, by, |segments, value| {
            let negated = match value {
                AttributeValue::N(n) => AttributeValue::N(match n.strip_prefix('-') {
                    Some(positive) => positive.to_owned(),
                    None => format!("-{n}"),
                }),
                other => other,
            };
            Change::Add(segments, negated)
        })
    }

    /// Takes the elements of `elements` out of the set attribute (`DELETE`).
    pub fn delete<V: Set, K: Updatable>(
        self,
        path: &Path<T, V, K>,
        elements: impl ValueOf<V>,
    ) -> Self {
        self.change(path, elements, Change::Delete)
    }

    /// Appends `elements` to the list attribute (a missing list starts empty).
    pub fn append<V: List, K: Updatable>(
        self,
        path: &Path<T, V, K>,
        elements: impl ValueOf<V>,
    ) -> Self {
        self.change(path, elements, |s, v| Change::Append(s, v, false))
    }

    /// Puts `elements` in front of the list attribute (a missing list starts empty).
    pub fn prepend<V: List, K: Updatable>(
        self,
        path: &Path<T, V, K>,
        elements: impl ValueOf<V>,
    ) -> Self {
        self.change(path, elements, |s, v| Change::Append(s, v, true))
    }

    /// Applies the update only if `condition` holds for the item as it is (several `when`s
    /// must all hold). A failed condition is
    /// [`Error::ConditionalCheckFailed`](crate::Error::ConditionalCheckFailed), with the item.
    pub fn when(mut self, condition: Condition<T>) -> Self {
        self.condition = Some(match self.condition.take() {
            Some(earlier) => earlier.and(condition),
            None => condition,
        });
        self
    }

    /// Applies the update only if the item is at `version`, and bumps it: for a table with a
    /// version attribute, where an update that sets, removes or appends needs one.
    pub fn if_version(mut self, version: u64) -> Self {
        self.version = Some(version);
        self
    }

    /// Applies the update only if the item exists, instead of creating a partial item.
    pub fn must_exist(mut self) -> Self {
        self.must_exist = true;
        self
    }

    /// Sends the update.
    pub async fn execute(self) -> Result<()> {
        self.send(None).await.map(|_| ())
    }

    /// Sends the update and returns the item as it left it.
    pub async fn execute_returning_new(self) -> Result<T> {
        let table = self.table.name.clone();
        let (attributes, _) = self.send(Some(ReturnValue::AllNew)).await?;
        decode_item(&table, attributes.unwrap_or_default())
    }

    /// Sends the update and returns the item it replaced.
    pub async fn execute_returning_old(self) -> Result<OldItem<T>> {
        let table = self.table.name.clone();
        let (attributes, resent) = self.send(Some(ReturnValue::AllOld)).await?;
        let keys = key_names::<T>();
        Ok(match (attributes, resent) {
            (_, true) => OldItem::Unknown,
            (Some(item), false) if item.keys().any(|a| !keys.contains(a)) => {
                OldItem::Item(decode_item(&table, item)?)
            }
            (_, false) => OldItem::NoItem,
        })
    }

    /// Sends the update and returns the attributes it changed, with their new values, as a
    /// `P` (a struct of those fields, or a map).
    pub async fn execute_returning_updated<P: DeserializeOwned>(self) -> Result<P> {
        let table = self.table.name.clone();
        let (attributes, _) = self.send(Some(ReturnValue::UpdatedNew)).await?;
        decode(&table, attributes.unwrap_or_default())
    }

    /// The condition of the request: the caller's, and that the item exists.
    fn bound_condition(&mut self) -> Result<Option<Bound>> {
        let mut bound = match self.condition.take() {
            Some(condition) => Some(Bound::new(condition.into_expression()?, ())?),
            None => None,
        };
        if self.must_exist {
            let exists = Expression::parse("attribute_exists(#must_exist)")?
                .name("#must_exist", T::PARTITION_KEY);
            let exists = Bound::new(exists, ())?;
            bound = Some(match bound {
                Some(user) => user.and(&exists),
                None => exists,
            });
        }
        Ok(bound)
    }

    /// The request this update makes: its table, key, expression and version check.
    pub(crate) fn into_request(mut self) -> Result<ModifyRequest> {
        if let Some(problem) = self.problem.take() {
            return Err(problem);
        }
        let key = std::mem::replace(&mut self.key, Ok(Item::new()))?;
        let condition = self.bound_condition()?;
        let version = match self.version {
            Some(v) => Some(VersionCheck::expecting::<T>(
                &self.table.name,
                v,
                "if_version",
            )?),
            None => None,
        };
        let changes = std::mem::take(&mut self.changes);
        let update = UpdateExpression::of_changes::<T>(
            &self.table.name,
            changes,
            condition,
            version.as_ref(),
        )?;
        Ok(ModifyRequest {
            table: self.table,
            key,
            update,
            version,
        })
    }

    async fn send(self, returning: Option<ReturnValue>) -> Result<(Option<Item>, bool)> {
        let ModifyRequest {
            table,
            key,
            update,
            version,
        } = self.into_request()?;
        let result = send_returning(&table, key, update, returning).await;
        explained(result, version.as_ref()).map(|(output, resent)| (output.attributes, resent))
    }
}
