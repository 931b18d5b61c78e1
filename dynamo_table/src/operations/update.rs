//! Updates of one item: setting attributes from a patch, removing attributes, and atomic
//! increments, each in one `UpdateItem` request.

use aws_sdk_dynamodb::operation::update_item::UpdateItemOutput;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use serde::Serialize;

use super::TableRef;
use super::write_outcome::{Produces, settle};
use crate::codec::item::{check_value, to_attribute_value};
use crate::codec::key::{Item, key_map};
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{Bound, LibraryPlaceholders, non_empty};
use crate::request::attempts::AttemptLog;
use crate::request::capacity::{self, Side};
use crate::request::send::ObserveExt;
use crate::schema::{DynamoTable, key_names};

/// An update expression under construction: its clauses and the library's placeholders.
pub(crate) struct UpdateExpression {
    set: Vec<String>,
    remove: Vec<String>,
    add: Vec<String>,
    placeholders: LibraryPlaceholders,
    /// The attributes the update leaves, to recognise it if a retry finds it applied;
    /// `None` once an `ADD` makes the result depend on what was there.
    produces: Option<Vec<(String, Option<AttributeValue>)>>,
}

impl UpdateExpression {
    /// An empty update whose placeholders cannot collide with `condition`'s.
    fn new(condition: Option<&Bound>) -> Self {
        UpdateExpression {
            set: Vec::new(),
            remove: Vec::new(),
            add: Vec::new(),
            placeholders: LibraryPlaceholders::avoiding(condition),
            produces: Some(Vec::new()),
        }
    }

    /// The expression's text, and every name and value it and `condition` use.
    pub(crate) fn into_parts(self, condition: Option<Bound>) -> UpdateParts {
        let text = self.text();
        let LibraryPlaceholders {
            mut names,
            mut values,
            ..
        } = self.placeholders;
        let condition = condition.map(|c| {
            names.extend(c.names);
            values.extend(c.values);
            c.text
        });
        UpdateParts {
            text,
            condition,
            names,
            values,
        }
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

/// An `UpdateItem` request's expression fields.
pub(crate) struct UpdateParts {
    pub text: String,
    pub condition: Option<String>,
    pub names: std::collections::HashMap<String, String>,
    pub values: Item,
}

/// Refuses a change of a key attribute, which DynamoDB cannot make in place.
fn refuse_key_attribute<T: DynamoTable>(table: &str, attribute: &str, what: &str) -> Result<()> {
    if key_names::<T>().contains(attribute) {
        return Err(Error::invalid(
            InvalidReason::KeyAttributeUpdate,
            format!(
                "`{attribute}` is a key attribute of table `{table}`: DynamoDB cannot {what} it; \
                 delete the item and put it under the new key instead"
            ),
        ));
    }
    Ok(())
}

/// Sets the attributes of `patch` on the item with this key (a `None` / `null` is skipped, not
/// written as NULL), under `condition` if there is one. Key attributes may appear only with the
/// item's own key values.
pub(crate) async fn update<T: DynamoTable>(
    table: &TableRef,
    pk: &T::PK,
    sk: Option<&T::SK>,
    patch: impl Serialize,
    condition: Option<Bound>,
) -> Result<UpdateItemOutput> {
    let key = key_map::<T>(&table.name, pk, sk)?;
    let update = patch_expression::<T>(&table.name, &key, patch, condition.as_ref())?;
    send(table, key, update, condition).await
}

/// The `SET` expression of a patch (a struct or map of attribute names to values; `None`s and
/// unchanged keys skipped) on the item `key`, its placeholders clear of `condition`'s.
pub(crate) fn patch_expression<T: DynamoTable>(
    table: &str,
    key: &Item,
    patch: impl Serialize,
    condition: Option<&Bound>,
) -> Result<UpdateExpression> {
    let patch = to_attribute_value(table, "update patch", patch)?;
    let AttributeValue::M(patch) = patch else {
        return Err(Error::invalid(
            InvalidReason::UpdatePatchShape,
            format!(
                "an update patch must be a struct or a map of attribute names to values, like \
                 `json!({{\"status\": \"active\"}})`, not {patch:?}"
            ),
        ));
    };
    let mut update = UpdateExpression::new(condition);
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
            refuse_key_attribute::<T>(table, &attribute, "change")?;
        }
        check_value(table, &format!("the update of `{attribute}`"), &value)?;
        if let Some(produces) = &mut update.produces {
            produces.push((attribute.clone(), Some(value.clone())));
        }
        let name = update.placeholders.name(&attribute);
        let value = update.placeholders.value(value);
        update.set.push(format!("{name} = {value}"));
    }
    if update.set.is_empty() {
        return Err(Error::invalid(
            InvalidReason::EmptyUpdate,
            format!(
                "the update patch for table `{table}` sets nothing (it is empty, or every value \
                 is null or a key): give at least one attribute a value"
            ),
        ));
    }
    Ok(update)
}

/// Removes these attributes from the item with this key.
pub(crate) async fn remove_attributes<T: DynamoTable>(
    table: &TableRef,
    pk: &T::PK,
    sk: Option<&T::SK>,
    attributes: &[&str],
) -> Result<UpdateItemOutput> {
    let key = key_map::<T>(&table.name, pk, sk)?;
    if attributes.is_empty() {
        return Err(Error::invalid(
            InvalidReason::EmptyUpdate,
            "remove_attributes needs at least one attribute name",
        ));
    }
    let mut update = UpdateExpression::new(None);
    for attribute in attributes {
        refuse_key_attribute::<T>(&table.name, attribute, "remove")?;
        if let Some(produces) = &mut update.produces {
            produces.push(((*attribute).to_owned(), None));
        }
        let name = update.placeholders.name(attribute);
        update.remove.push(name);
    }
    send(table, key, update, None).await
}

/// Adds each amount to its numeric attribute, atomically, in one request; a missing attribute
/// starts from 0 (and a missing item is created).
pub(crate) async fn increment<T: DynamoTable>(
    table: &TableRef,
    pk: &T::PK,
    sk: Option<&T::SK>,
    increments: &[(&str, i64)],
) -> Result<UpdateItemOutput> {
    let key = key_map::<T>(&table.name, pk, sk)?;
    let update = increment_expression::<T>(&table.name, increments)?;
    send(table, key, update, None)
        .await
        .map_err(|error| name_increments(error, increments))
}

/// The `ADD` expression adding each amount to its attribute.
pub(crate) fn increment_expression<T: DynamoTable>(
    table: &str,
    increments: &[(&str, i64)],
) -> Result<UpdateExpression> {
    if increments.is_empty() {
        return Err(Error::invalid(
            InvalidReason::EmptyUpdate,
            "an increment needs at least one (attribute, amount) pair",
        ));
    }
    let mut update = UpdateExpression::new(None);
    for (attribute, amount) in increments {
        refuse_key_attribute::<T>(table, attribute, "increment")?;
        if update.placeholders.names.values().any(|a| a == attribute) {
            return Err(Error::invalid(
                InvalidReason::DuplicateAttribute,
                format!("`{attribute}` appears twice in one increment: add the amounts into one"),
            ));
        }
        let name = update.placeholders.name(attribute);
        let value = update
            .placeholders
            .value(AttributeValue::N(amount.to_string()));
        update.add.push(format!("{name} {value}"));
        update.produces = None;
    }
    Ok(update)
}

/// DynamoDB's message for a failed increment names no attribute: name them, and the likely
/// cause.
fn name_increments(error: Error, increments: &[(&str, i64)]) -> Error {
    match error {
        Error::Validation {
            table,
            operation,
            message,
            source,
        } => {
            let names: Vec<String> = increments.iter().map(|(a, _)| format!("`{a}`")).collect();
            Error::Validation {
                message: format!(
                    "{message} (incrementing {}: each must be a number attribute, or missing)",
                    names.join(", ")
                ),
                table,
                operation,
                source,
            }
        }
        other => other,
    }
}

async fn send(
    table: &TableRef,
    key: Item,
    mut update: UpdateExpression,
    condition: Option<Bound>,
) -> Result<UpdateItemOutput> {
    let produces = match update.produces.take() {
        Some(attributes) => Produces::Attributes(attributes),
        None => Produces::Unknown,
    };
    let all_old = condition
        .as_ref()
        .map(|_| ReturnValuesOnConditionCheckFailure::AllOld);
    let UpdateParts {
        text,
        condition: condition_text,
        names,
        values,
    } = update.into_parts(condition);
    let log = AttemptLog::default();
    let result = table
        .conn
        .sdk
        .update_item()
        .table_name(&table.name)
        .set_key(Some(key))
        .update_expression(text)
        .set_condition_expression(condition_text)
        .set_expression_attribute_names(non_empty(names))
        .set_expression_attribute_values(non_empty(values))
        .set_return_values_on_condition_check_failure(all_old)
        .set_return_consumed_capacity(capacity::wanted())
        .customize()
        .interceptor(log.clone())
        .send()
        .observed_by(&table.conn, "UpdateItem", &table.name, Side::Write)
        .await
        .map(|(output, _)| output);
    settle(result, &log, &table.name, "UpdateItem", &produces, || {
        UpdateItemOutput::builder().build()
    })
}
