//! Writes with conditions, partial updates, attribute removal and atomic counters.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::delete_item::DeleteItemOutput;
use aws_sdk_dynamodb::operation::put_item::PutItemOutput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemOutput;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use crate::capacity::Side;
use crate::error::{Error, Result};
use crate::expression::{Bound, IntoExpression};
use crate::handle::Table;
use crate::observe::ObserveExt;
use crate::table::DynamoTable;

/// An update expression under construction, with the library's own `#dt_`/`:dt_` placeholders.
#[derive(Default)]
struct UpdateExpression {
    set: Vec<String>,
    remove: Vec<String>,
    add: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl UpdateExpression {
    fn name(&mut self, attribute: &str) -> String {
        let placeholder = format!("#dt_n{}", self.names.len());
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":dt_v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    fn text(&self) -> String {
        let mut clauses = Vec::new();
        for (word, parts) in [
            ("SET", &self.set),
            ("REMOVE", &self.remove),
            ("ADD", &self.add),
        ] {
            if !parts.is_empty() {
                clauses.push(format!("{word} {}", parts.join(", ")));
            }
        }
        clauses.join(" ")
    }
}

impl<T: DynamoTable> Table<T> {
    fn key_names(&self) -> [Option<&'static str>; 2] {
        [Some(T::PARTITION_KEY), T::SORT_KEY]
    }

    fn refuse_key_attribute(&self, attribute: &str, what: &str) -> Result<()> {
        if self.key_names().contains(&Some(attribute)) {
            return Err(Error::invalid(format!(
                "`{attribute}` is a key attribute of table `{}`: DynamoDB cannot {what} it; \
                 delete the item and put it under the new key instead",
                self.name
            )));
        }
        Ok(())
    }

    /// Puts `item` if `condition` holds for the item currently stored under its key (e.g.
    /// `attribute_not_exists(user_id)` to never overwrite). A failed condition is
    /// [`Error::ConditionalCheckFailed`].
    pub async fn add_item_with_condition(
        &self,
        item: &T,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Result<PutItemOutput> {
        let condition = Bound::new(condition.into_expression()?, values)?;
        self.put(item, Some(condition)).await
    }

    /// Puts `item`, under `condition` if there is one.
    pub(crate) async fn put(&self, item: &T, condition: Option<Bound>) -> Result<PutItemOutput> {
        let attributes = self.encode(item)?;
        self.check_size(&attributes)?;
        let (text, names, values) = split(condition);
        self.client
            .sdk()
            .put_item()
            .table_name(&self.name)
            .set_item(Some(attributes))
            .set_condition_expression(text)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .set_return_consumed_capacity(crate::capacity::wanted())
            .send()
            .observed_by(&self.client, "PutItem", &self.name, Side::Write)
            .await
            .map(|(output, _)| output)
    }

    pub(crate) async fn update_with_bound(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
        patch: impl Serialize,
        condition: Bound,
    ) -> Result<UpdateItemOutput> {
        self.update(pk, sk, patch, Some(condition)).await
    }

    /// Deletes the item with this key if `condition` holds. A failed condition is
    /// [`Error::ConditionalCheckFailed`].
    pub async fn delete_item_with_condition(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Result<DeleteItemOutput> {
        let condition = Bound::new(condition.into_expression()?, values)?;
        self.delete(pk, sk, Some(condition)).await
    }

    /// Deletes the item with this key, under `condition` if there is one.
    pub(crate) async fn delete(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
        condition: Option<Bound>,
    ) -> Result<DeleteItemOutput> {
        let key = self.key_map(pk, sk)?;
        let (text, names, values) = split(condition);
        self.client
            .sdk()
            .delete_item()
            .table_name(&self.name)
            .set_key(Some(key))
            .set_condition_expression(text)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .set_return_consumed_capacity(crate::capacity::wanted())
            .send()
            .observed_by(&self.client, "DeleteItem", &self.name, Side::Write)
            .await
            .map(|(output, _)| output)
    }

    /// Sets the attributes of `patch` (a struct or `json!({...})` serialized by serde) on the
    /// item with this key, leaving the others as they are. If no such item exists, DynamoDB
    /// creates it.
    ///
    /// A `None` / `null` in the patch is skipped, not written as NULL (a NULL would knock the
    /// item out of a sparse index); remove attributes with [`Table::remove_attributes`]. Key
    /// attributes may appear only with the item's own key values.
    pub async fn update_item(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
        patch: impl Serialize,
    ) -> Result<UpdateItemOutput> {
        self.update(pk, sk, patch, None).await
    }

    /// [`Table::update_item`] if `condition` holds for the stored item.
    pub async fn update_item_with_condition(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
        patch: impl Serialize,
        condition: impl IntoExpression,
        values: impl Serialize,
    ) -> Result<UpdateItemOutput> {
        let condition = Bound::new(condition.into_expression()?, values)?;
        self.update_with_bound(pk, sk, patch, condition).await
    }

    async fn update(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
        patch: impl Serialize,
        condition: Option<Bound>,
    ) -> Result<UpdateItemOutput> {
        let key = self.key_map(pk, sk)?;
        let patch: AttributeValue =
            serde_dynamo::to_attribute_value(patch).map_err(|source| Error::Serialization {
                table: self.name.clone(),
                type_name: "update patch",
                source,
            })?;
        let AttributeValue::M(patch) = patch else {
            return Err(Error::invalid(format!(
                "an update patch must be a struct or a map of attribute names to values, like \
                 `json!({{\"status\": \"active\"}})`, not {patch:?}"
            )));
        };
        let mut update = UpdateExpression::default();
        let mut attributes: Vec<(String, AttributeValue)> = patch.into_iter().collect();
        attributes.sort_by(|a, b| a.0.cmp(&b.0));
        for (attribute, value) in attributes {
            if matches!(value, AttributeValue::Null(_)) {
                continue;
            }
            if let Some(existing) = key.get(&attribute) {
                if *existing == value {
                    continue;
                }
                self.refuse_key_attribute(&attribute, "change")?;
            }
            let name = update.name(&attribute);
            let value = update.value(value);
            update.set.push(format!("{name} = {value}"));
        }
        if update.set.is_empty() {
            return Err(Error::invalid(format!(
                "the update patch for table `{}` sets nothing (it is empty, or every value is \
                 null or a key): give at least one attribute a value",
                self.name
            )));
        }
        self.send_update(key, update, condition).await
    }

    /// Removes these attributes from the item with this key.
    pub async fn remove_attributes(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
        attributes: &[&str],
    ) -> Result<UpdateItemOutput> {
        let key = self.key_map(pk, sk)?;
        if attributes.is_empty() {
            return Err(Error::invalid(
                "remove_attributes needs at least one attribute name",
            ));
        }
        let mut update = UpdateExpression::default();
        for attribute in attributes {
            self.refuse_key_attribute(attribute, "remove")?;
            let name = update.name(attribute);
            update.remove.push(name);
        }
        self.send_update(key, update, None).await
    }

    /// Adds each amount to its numeric attribute, atomically, in one request. An attribute that
    /// does not exist yet starts from 0 (and an item that does not exist is created).
    ///
    /// Not idempotent: if the request times out it may or may not have been applied; where
    /// exactly-once matters, add a condition or use a transaction.
    pub async fn increment_multiple(
        &self,
        pk: &T::PK,
        sk: Option<&T::SK>,
        increments: &[(&str, i64)],
    ) -> Result<UpdateItemOutput> {
        let key = self.key_map(pk, sk)?;
        if increments.is_empty() {
            return Err(Error::invalid(
                "increment_multiple needs at least one (attribute, amount) pair",
            ));
        }
        let mut update = UpdateExpression::default();
        for (attribute, amount) in increments {
            self.refuse_key_attribute(attribute, "increment")?;
            if update.names.values().any(|a| a == attribute) {
                return Err(Error::invalid(format!(
                    "`{attribute}` appears twice in increment_multiple: add the amounts into one"
                )));
            }
            let name = update.name(attribute);
            let value = update.value(AttributeValue::N(amount.to_string()));
            update.add.push(format!("{name} {value}"));
        }
        self.send_update(key, update, None).await
    }

    async fn send_update(
        &self,
        key: HashMap<String, AttributeValue>,
        update: UpdateExpression,
        condition: Option<Bound>,
    ) -> Result<UpdateItemOutput> {
        let text = update.text();
        let mut names = update.names;
        let mut values = update.values;
        let condition_text = condition.map(|c| {
            names.extend(c.names);
            values.extend(c.values);
            c.text
        });
        self.client
            .sdk()
            .update_item()
            .table_name(&self.name)
            .set_key(Some(key))
            .update_expression(text)
            .set_condition_expression(condition_text)
            .set_expression_attribute_names(non_empty(names))
            .set_expression_attribute_values(non_empty(values))
            .set_return_consumed_capacity(crate::capacity::wanted())
            .send()
            .observed_by(&self.client, "UpdateItem", &self.name, Side::Write)
            .await
            .map(|(output, _)| output)
    }
}

/// An optional condition as the three optional request fields.
#[allow(clippy::type_complexity)]
fn split(
    condition: Option<Bound>,
) -> (
    Option<String>,
    Option<HashMap<String, String>>,
    Option<HashMap<String, AttributeValue>>,
) {
    match condition {
        Some(c) => (Some(c.text), non_empty(c.names), non_empty(c.values)),
        None => (None, None, None),
    }
}

fn non_empty<K, V>(map: HashMap<K, V>) -> Option<HashMap<K, V>> {
    (!map.is_empty()).then_some(map)
}
