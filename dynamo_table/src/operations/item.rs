//! Single-item operations: put, get, delete, each with an optional condition.

use aws_sdk_dynamodb::operation::{delete_item::DeleteItemOutput, put_item::PutItemOutput};
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;

use super::TableRef;
use super::version::{Overwrite, VersionCheck, checked_condition, checked_put};
use super::write_outcome::{Produces, settle};
use crate::codec::item::{Reading, encode, is_expired};
use crate::codec::key::key_map;
use crate::codec::size::check_item_size;

use crate::error::Result;
use crate::expression::{self, Bound};
use crate::request::attempts::{AttemptLog, CountedExt};
use crate::request::capacity::{self, Capacity, Side};
use crate::request::send::ObserveExt;
use crate::schema::{DynamoTable, key_names};

/// Puts `item`, under `condition` if there is one.
pub(crate) async fn put<T: DynamoTable>(
    table: &TableRef,
    item: &T,
    condition: Option<Bound>,
) -> Result<PutItemOutput> {
    let mut attributes = encode(&table.name, item)?;
    let (condition, version) = checked_put(&table.name, item, &mut attributes, condition)?;
    check_item_size(&table.name, key_names::<T>(), &attributes)?;
    // What a conditional put leaves, to recognise it if a retry finds it applied.
    let produces = match condition {
        Some(_) => Produces::Item(attributes.clone()),
        None => Produces::Unknown,
    };
    let all_old = condition
        .as_ref()
        .map(|_| ReturnValuesOnConditionCheckFailure::AllOld);
    let (text, names, values) = Bound::request_parts(condition);
    let log = AttemptLog::default();
    let result = table
        .conn
        .sdk
        .put_item()
        .table_name(&table.name)
        .set_item(Some(attributes))
        .set_condition_expression(text)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .set_return_values_on_condition_check_failure(all_old)
        .set_return_consumed_capacity(capacity::wanted())
        .send()
        .counted_in(&log)
        .observed_by(&table.conn, "PutItem", &table.name, Side::Write)
        .await
        .map(|(output, _)| output);
    let result = settle(result, &log, &table.name, "PutItem", &produces, |_| {
        PutItemOutput::builder().build()
    });
    explained(result, version.as_ref())
}

/// A write's result, its failed condition reported as a version conflict where it is one.
pub(crate) fn explained<O>(result: Result<O>, version: Option<&VersionCheck>) -> Result<O> {
    match version {
        Some(version) => result.map_err(|e| version.explain(e)),
        None => result,
    }
}

/// Gets the item with this key (eventually consistent), with the capacity the read consumed:
/// whole, or only the `projection`'s attributes, as `R` reads it (`T`, or a projection of it).
pub(crate) async fn get<T: DynamoTable, R: Reading>(
    table: &TableRef,
    pk: &T::PK,
    sk: Option<&T::SK>,
    projection: Option<Vec<String>>,
) -> Result<(Option<R::Output>, Capacity)> {
    let key = key_map::<T>(&table.name, pk, sk)?;
    // The time to live comes too, to leave out an expired item.
    let projection = projection.map(|mut attributes| {
        attributes.extend(T::TTL_ATTRIBUTE.map(str::to_owned));
        expression::projection(None, &attributes)
    });
    let (text, names, _) = Bound::request_parts(projection);
    let (output, capacity) = table
        .conn
        .sdk
        .get_item()
        .table_name(&table.name)
        .set_key(Some(key))
        .set_projection_expression(text)
        .set_expression_attribute_names(names)
        .set_return_consumed_capacity(capacity::wanted())
        .send()
        .observed_by(&table.conn, "GetItem", &table.name, Side::Read)
        .await?;
    let item = output
        .item
        .filter(|item| !is_expired::<T>(item))
        .map(|item| R::decode(&table.name, item))
        .transpose()?;
    Ok((item, capacity))
}

/// Deletes the item with this key, under `condition` if there is one, and at the `version`
/// expected (which a table with a version attribute requires).
pub(crate) async fn delete<T: DynamoTable>(
    table: &TableRef,
    pk: &T::PK,
    sk: Option<&T::SK>,
    condition: Option<Bound>,
    version: Option<VersionCheck>,
) -> Result<DeleteItemOutput> {
    let key = key_map::<T>(&table.name, pk, sk)?;
    let condition =
        checked_condition::<T>(&table.name, Overwrite::Delete, condition, version.as_ref())?;
    let all_old = condition
        .as_ref()
        .map(|_| ReturnValuesOnConditionCheckFailure::AllOld);
    let (text, names, values) = Bound::request_parts(condition);
    let log = AttemptLog::default();
    let result = table
        .conn
        .sdk
        .delete_item()
        .table_name(&table.name)
        .set_key(Some(key))
        .set_condition_expression(text)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .set_return_values_on_condition_check_failure(all_old)
        .set_return_consumed_capacity(capacity::wanted())
        .send()
        .counted_in(&log)
        .observed_by(&table.conn, "DeleteItem", &table.name, Side::Write)
        .await
        .map(|(output, _)| output);
    let result = settle(
        result,
        &log,
        &table.name,
        "DeleteItem",
        &Produces::Nothing,
        |_| DeleteItemOutput::builder().build(),
    );
    explained(result, version.as_ref())
}
