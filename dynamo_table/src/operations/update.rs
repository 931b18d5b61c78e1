//! Updates of one item: setting attributes from a patch, removing attributes, and atomic
//! increments, each in one `UpdateItem` request.

use aws_sdk_dynamodb::operation::update_item::UpdateItemOutput;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use serde::Serialize;

use dynamo_table_rules::limits::{MAX_EXPRESSION_BYTES, MAX_OPERATORS};

use super::TableRef;
use super::item::explained;
use super::version::{Overwrite, VersionCheck, checked_condition, refuse_version_attribute};
use super::write_outcome::{Produces, settle};
use crate::codec::item::{check_value, to_attribute_value};
use crate::codec::key::{Item, key_map};
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{Bound, LibraryPlaceholders, Segment, non_empty, write_path};
use crate::request::attempts::{AttemptLog, CountedExt};
use crate::request::capacity::{self, Side};
use crate::request::send::ObserveExt;
use crate::schema::conversion::integer_text;
use crate::schema::{DynamoTable, key_names};

/// An update expression under construction: its clauses, its condition and the library's
/// placeholders.
pub(crate) struct UpdateExpression {
    set: Vec<String>,
    remove: Vec<String>,
    add: Vec<String>,
    delete: Vec<String>,
    condition: Option<Bound>,
    placeholders: LibraryPlaceholders,
    /// The attributes the update leaves, to recognise it if a retry finds it applied;
    /// `None` once an `ADD` makes the result depend on what was there.
    produces: Option<Vec<(String, Option<AttributeValue>)>>,
}

impl UpdateExpression {
    /// An empty update under `condition`, whose placeholders cannot collide with the
    /// condition's.
    fn new(condition: Option<Bound>) -> Self {
        UpdateExpression {
            set: Vec::new(),
            remove: Vec::new(),
            add: Vec::new(),
            delete: Vec::new(),
            placeholders: LibraryPlaceholders::avoiding(condition.as_ref()),
            condition,
            produces: Some(Vec::new()),
        }
    }

    /// Sets `attribute` to `value`.
    fn set(&mut self, attribute: &str, value: AttributeValue) {
        if let Some(produces) = &mut self.produces {
            produces.push((attribute.to_owned(), Some(value.clone())));
        }
        let name = self.placeholders.name(attribute);
        let value = self.placeholders.value(value);
        self.set
            .push([name.as_str(), " = ", value.as_str()].concat());
    }

    /// Adds `amount` to the number `attribute`.
    fn add(&mut self, attribute: &str, amount: i64) {
        let name = self.placeholders.name(attribute);
        let value = self
            .placeholders
            .value(AttributeValue::N(integer_text(amount)));
        self.add.push([name.as_str(), " ", value.as_str()].concat());
        self.produces = None;
    }

    /// Adds 1 to `T`'s version attribute, if it has one: for writes that do not overwrite
    /// what was read, and so need not check it.
    fn bump_version<T: DynamoTable>(&mut self) {
        if let Some(version) = T::VERSION {
            self.add(version.attribute, 1);
        }
    }

    /// The expression's text, its condition's, and every name and value they use.
    pub(crate) fn into_parts(self) -> UpdateParts {
        let text = self.text();
        let LibraryPlaceholders {
            mut names,
            mut values,
            ..
        } = self.placeholders;
        let condition = self.condition.map(|c| {
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
            ("DELETE", &self.delete),
        ] {
            if !parts.is_empty() {
                clauses.push([word, " ", &parts.join(", ")].concat());
            }
        }
        clauses.join(" ")
    }
}

/// One change of a typed update, its path and values already checked and written.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// `SET path = value`.
    Set(Vec<Segment>, AttributeValue),
    /// `SET path = if_not_exists(path, value)`.
    SetIfNotExists(Vec<Segment>, AttributeValue),
    /// `REMOVE path`.
    Remove(Vec<Segment>),
    /// `ADD path value`: a number added, or set elements merged in.
    Add(Vec<Segment>, AttributeValue),
    /// `DELETE path value`: set elements taken out.
    Delete(Vec<Segment>, AttributeValue),
    /// `SET path = list_append(...)`, at the end (or, `true`, the front), from an empty list
    /// when there is none.
    Append(Vec<Segment>, AttributeValue, bool),
}

impl Change {
    fn segments(&self) -> &[Segment] {
        match self {
            Change::Set(s, _)
            | Change::SetIfNotExists(s, _)
            | Change::Remove(s)
            | Change::Add(s, _)
            | Change::Delete(s, _)
            | Change::Append(s, _, _) => s,
        }
    }
}

impl UpdateExpression {
    /// `segments` written with the library's name placeholders, e.g. `#dt_n0.#dt_n1[2]`.
    fn path(&mut self, segments: &[Segment]) -> String {
        write_path(segments, |name| self.placeholders.name(name))
    }

    /// Adds `change` to the expression. What the update leaves stays known only while every
    /// change sets a top-level attribute to a value, or removes one.
    fn apply(&mut self, change: Change) {
        let top_level = |segments: &[Segment]| match segments {
            [Segment::Name(name)] => Some(name.to_string()),
            _ => None,
        };
        let leaves = match &change {
            Change::Set(segments, value) => top_level(segments).map(|a| (a, Some(value.clone()))),
            Change::Remove(segments) => top_level(segments).map(|a| (a, None)),
            _ => None,
        };
        match leaves {
            Some(leaf) => {
                if let Some(produces) = &mut self.produces {
                    produces.push(leaf);
                }
            }
            None => self.produces = None,
        }
        match change {
            Change::Set(segments, value) => {
                let (path, value) = (self.path(&segments), self.placeholders.value(value));
                self.set.push(format!("{path} = {value}"));
            }
            Change::SetIfNotExists(segments, value) => {
                let (path, value) = (self.path(&segments), self.placeholders.value(value));
                self.set
                    .push(format!("{path} = if_not_exists({path}, {value})"));
            }
            Change::Remove(segments) => {
                let path = self.path(&segments);
                self.remove.push(path);
            }
            Change::Add(segments, value) => {
                let (path, value) = (self.path(&segments), self.placeholders.value(value));
                self.add.push(format!("{path} {value}"));
            }
            Change::Delete(segments, value) => {
                let (path, value) = (self.path(&segments), self.placeholders.value(value));
                self.delete.push(format!("{path} {value}"));
            }
            Change::Append(segments, value, front) => {
                let path = self.path(&segments);
                let value = self.placeholders.value(value);
                let empty = self.placeholders.value(AttributeValue::L(Vec::new()));
                let existing = format!("if_not_exists({path}, {empty})");
                let joined = if front {
                    format!("list_append({value}, {existing})")
                } else {
                    format!("list_append({existing}, {value})")
                };
                self.set.push(format!("{path} = {joined}"));
            }
        }
    }

    /// An update of `changes` under `condition`, and `version`'s check (which sets the next
    /// version). Without a check, a table with a version attribute takes only additions,
    /// which bump it.
    pub(crate) fn of_changes<T: DynamoTable>(
        table: &str,
        changes: Vec<Change>,
        condition: Option<Bound>,
        version: Option<&VersionCheck>,
    ) -> Result<UpdateExpression> {
        if changes.is_empty() {
            return Err(Error::invalid(
                InvalidReason::EmptyUpdate,
                format!("the update of an item of table `{table}` changes nothing: add a change"),
            ));
        }
        for (i, change) in changes.iter().enumerate() {
            if let Some(Segment::Name(head)) = change.segments().first() {
                refuse_version_attribute::<T>(table, head, "change")?;
            }
            refuse_overlap(table, change, &changes[..i])?;
        }
        let only_additions = changes.iter().all(|c| matches!(c, Change::Add(..)));
        let condition = match (version, only_additions) {
            (None, true) => condition,
            _ => checked_condition::<T>(table, Overwrite::Update, condition, version)?,
        };
        let mut update = UpdateExpression::new(condition);
        for change in changes {
            update.apply(change);
        }
        match version {
            Some(version) => update.set(version.attribute(), version.next_value()),
            None => update.bump_version::<T>(),
        }
        update.check_limits(table)?;
        Ok(update)
    }

    /// DynamoDB's limits on an update expression: 4 KB, and 300 operators and functions.
    fn check_limits(&self, table: &str) -> Result<()> {
        let text = self.text();
        let actions = self.set.len() + self.remove.len() + self.add.len() + self.delete.len();
        let operators = actions + text.matches('(').count();
        if text.len() > MAX_EXPRESSION_BYTES || operators > MAX_OPERATORS {
            return Err(Error::invalid(
                InvalidReason::ExpressionLimit,
                format!(
                    "the update of an item of table `{table}` is {} bytes with {operators} \
                     operators and functions, over DynamoDB's {MAX_EXPRESSION_BYTES} bytes or \
                     {MAX_OPERATORS} operators: split it into several updates",
                    text.len()
                ),
            ));
        }
        Ok(())
    }
}

/// Refuses a change whose path is, contains or lies inside the path of an `earlier` one:
/// DynamoDB rejects an update with overlapping paths.
fn refuse_overlap(table: &str, change: &Change, earlier: &[Change]) -> Result<()> {
    let path = change.segments();
    for other in earlier {
        let theirs = other.segments();
        let shorter = path.len().min(theirs.len());
        if path[..shorter] == theirs[..shorter] {
            return Err(Error::invalid(
                InvalidReason::DuplicateAttribute,
                format!(
                    "an update of an item of table `{table}` changes `{}` and `{}`, and \
                     DynamoDB refuses two changes of one attribute (or of an attribute and \
                     what is inside it) in one update: combine them, or update twice",
                    describe_path(theirs),
                    describe_path(path)
                ),
            ));
        }
    }
    Ok(())
}

/// A path as DynamoDB reads it, for messages.
fn describe_path(segments: &[Segment]) -> String {
    write_path(segments, str::to_owned)
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
/// written as NULL), under `condition` if there is one, and at the `version` expected (which a
/// table with a version attribute requires). Key attributes may appear only with the item's
/// own key values.
pub(crate) async fn update<T: DynamoTable>(
    table: &TableRef,
    pk: &T::PK,
    sk: Option<&T::SK>,
    patch: impl Serialize,
    condition: Option<Bound>,
    version: Option<VersionCheck>,
) -> Result<UpdateItemOutput> {
    let key = key_map::<T>(&table.name, pk, sk)?;
    let update = patch_expression::<T>(&table.name, &key, patch, condition, version.as_ref())?;
    let result = send(table, key, update).await;
    explained(result, version.as_ref())
}

/// The `SET` expression of a patch (a struct or map of attribute names to values; `None`s and
/// unchanged keys skipped) on the item `key`, under `condition`; with a `version`, also under
/// its check, and setting the next version. The patch may carry the expected version itself
/// (a whole item read from the table does), and no other.
pub(crate) fn patch_expression<T: DynamoTable>(
    table: &str,
    key: &Item,
    patch: impl Serialize,
    condition: Option<Bound>,
    version: Option<&VersionCheck>,
) -> Result<UpdateExpression> {
    let condition = checked_condition::<T>(table, Overwrite::Update, condition, version)?;
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
        if let Some(version) = version.filter(|v| v.attribute() == attribute) {
            if value == AttributeValue::N(version.expected().to_string()) {
                continue;
            }
            refuse_version_attribute::<T>(table, &attribute, "set")?;
        }
        check_value(table, format_args!("the update of `{attribute}`"), &value)?;
        update.set(&attribute, value);
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
    if let Some(version) = version {
        update.set(version.attribute(), version.next_value());
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
        refuse_version_attribute::<T>(&table.name, attribute, "remove")?;
        if let Some(produces) = &mut update.produces {
            produces.push(((*attribute).to_owned(), None));
        }
        let name = update.placeholders.name(attribute);
        update.remove.push(name);
    }
    update.bump_version::<T>();
    send(table, key, update).await
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
    send(table, key, update)
        .await
        .map_err(|error| name_increments(error, increments))
}

/// The `ADD` expression adding each amount to its attribute (and 1 to the version, if the
/// table has one).
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
        refuse_version_attribute::<T>(table, attribute, "increment")?;
        if update.placeholders.names.values().any(|a| a == attribute) {
            return Err(Error::invalid(
                InvalidReason::DuplicateAttribute,
                format!("`{attribute}` appears twice in one increment: add the amounts into one"),
            ));
        }
        update.add(attribute, *amount);
    }
    update.bump_version::<T>();
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

async fn send(table: &TableRef, key: Item, update: UpdateExpression) -> Result<UpdateItemOutput> {
    send_returning(table, key, update, None)
        .await
        .map(|(output, _)| output)
}

/// Sends `update` of the item `key`, asking for `returning` (DynamoDB's `ReturnValues`); with
/// the output, whether an attempt went unanswered before the one that answered (so that old
/// values returned may be the update's own).
pub(crate) async fn send_returning(
    table: &TableRef,
    key: Item,
    mut update: UpdateExpression,
    returning: Option<ReturnValue>,
) -> Result<(UpdateItemOutput, bool)> {
    let produces = match update.produces.take() {
        Some(attributes) => Produces::Attributes(attributes),
        None => Produces::Unknown,
    };
    let UpdateParts {
        text,
        condition: condition_text,
        names,
        values,
    } = update.into_parts();
    let all_old = condition_text
        .as_ref()
        .map(|_| ReturnValuesOnConditionCheckFailure::AllOld);
    let new = matches!(
        returning,
        Some(ReturnValue::AllNew | ReturnValue::UpdatedNew)
    );
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
        .set_return_values(returning)
        .set_return_consumed_capacity(capacity::wanted())
        .send()
        .counted_in(&log)
        .observed_by(&table.conn, "UpdateItem", &table.name, Side::Write)
        .await
        .map(|(output, _)| output);
    // Applied by an earlier attempt: the item as it is now is the update's result, which is
    // what `ALL_NEW` asks for (and holds what `UPDATED_NEW` does); old values are gone.
    let output = settle(
        result,
        &log,
        &table.name,
        "UpdateItem",
        &produces,
        |current| {
            UpdateItemOutput::builder()
                .set_attributes(current.filter(|_| new).cloned())
                .build()
        },
    )?;
    Ok((output, log.unanswered() > 0))
}
