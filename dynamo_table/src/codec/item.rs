//! Items: a `T` to a DynamoDB item and back, with errors that name the table, the type and the
//! attribute.

use aws_sdk_dynamodb::types::AttributeValue;

use super::key::{Item, KeyRole, check_index_keys_in_item, check_key_in_item, describe_item_key};
use super::values::{bad_attribute, bad_value};
use crate::error::{Error, InvalidReason, Result};
use serde::de::DeserializeOwned;

use crate::schema::conversion::{self, FieldError};
use crate::schema::{DynamoTable, KeyValue};
use std::marker::PhantomData;

/// `item` as a DynamoDB item for `table`, checked as DynamoDB would check it: key attributes
/// present, non-empty and of the key types; index key attributes valid where present; every
/// number storable; nesting at most 32 deep. A refusal names the attribute and the item's key.
pub(crate) fn encode<T: DynamoTable>(table: &str, item: &T) -> Result<Item> {
    let attributes: Item = item.__to_item().map_err(|source| Error::Serialization {
        table: table.to_owned(),
        type_name: std::any::type_name::<T>(),
        source,
    })?;
    check_attributes(table, &attributes, item)?;
    Ok(attributes)
}

/// The checks of [`encode`] (this runs once per item written). The key attributes are looked
/// up by name, and the values checked in one pass. Problems are reported in the order: table
/// keys, index keys, values.
fn check_attributes<T: DynamoTable>(table: &str, attributes: &Item, item: &T) -> Result<()> {
    let pk = attributes.get(T::PARTITION_KEY);
    let pk_type = <T::PK as KeyValue>::KEY_TYPE;
    check_key_in_item(table, T::PARTITION_KEY, pk_type, KeyRole::Partition, pk)?;
    if let Some(name) = T::SORT_KEY {
        let sk_type = <T::SK as KeyValue>::KEY_TYPE;
        check_key_in_item(table, name, sk_type, KeyRole::Sort, attributes.get(name))?;
    }
    check_index_keys_in_item::<T>(table, attributes)?;
    let bad = attributes
        .iter()
        .find_map(|(name, value)| bad_attribute(name, value));
    match bad {
        None => Ok(()),
        Some((path, why)) => Err(Error::invalid(
            InvalidReason::AttributeValue,
            format!(
                "attribute `{path}` of the item with key {} for table `{table}`: {why}",
                describe_item_key(item)
            ),
        )),
    }
}

/// Refuses a value DynamoDB cannot store (update patches, expression values), naming `what`
/// (written out only for a refusal: `format_args!` costs nothing when the value is fine).
pub(crate) fn check_value(
    table: &str,
    what: impl std::fmt::Display,
    value: &AttributeValue,
) -> Result<()> {
    match bad_value(value, 1) {
        None => Ok(()),
        Some((path, why)) => Err(Error::invalid(
            InvalidReason::AttributeValue,
            format!("{what}{path} for table `{table}`: {why}"),
        )),
    }
}

/// A DynamoDB item of `table` as a `T`, through serde (projections, updated attributes); an error
/// names the attribute that did not fit.
pub(crate) fn decode<T: DeserializeOwned>(table: &str, item: Item) -> Result<T> {
    conversion::serde_from_item(item).map_err(|e| decode_error::<T>(table, e))
}

/// A DynamoDB item of `table` as the table type, by its own conversion (the derive's, field by
/// field); an error names the attribute that did not fit.
pub(crate) fn decode_item<T: DynamoTable>(table: &str, item: Item) -> Result<T> {
    T::__from_item(item).map_err(|e| decode_error::<T>(table, e))
}

fn decode_error<T>(table: &str, e: FieldError) -> Error {
    Error::Deserialization {
        table: table.to_owned(),
        type_name: std::any::type_name::<T>(),
        attribute: e.attribute,
        source: e.source,
    }
}

/// What a read decodes its items as: the table type by its own conversion ([`AsTable`]), or
/// any other type through serde ([`Serde`]: projections).
pub(crate) trait Reading: Send + 'static {
    /// What each item becomes.
    type Output: Send + 'static;
    /// One item of `table`.
    fn decode(table: &str, item: Item) -> Result<Self::Output>;
}

/// Items read as the table type `T`.
pub(crate) struct AsTable<T>(PhantomData<fn() -> T>);

impl<T: DynamoTable> Reading for AsTable<T> {
    type Output = T;
    fn decode(table: &str, item: Item) -> Result<T> {
        decode_item(table, item)
    }
}

/// Items read as `O` through serde.
pub(crate) struct Serde<O>(PhantomData<fn() -> O>);

impl<O: DeserializeOwned + Send + 'static> Reading for Serde<O> {
    type Output = O;
    fn decode(table: &str, item: Item) -> Result<O> {
        decode(table, item)
    }
}

/// Any serializable value as one attribute value (update patches, expression values).
pub(crate) fn to_attribute_value(
    table: &str,
    what: &'static str,
    value: impl serde::Serialize,
) -> Result<AttributeValue> {
    serde_dynamo::to_attribute_value(value).map_err(|source| Error::Serialization {
        table: table.to_owned(),
        type_name: what,
        source,
    })
}

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// True when `item` of `T`'s table has a time to live that has passed: DynamoDB has not deleted
/// it yet, but it is gone as far as reads are concerned.
pub(crate) fn is_expired<T: DynamoTable>(item: &Item) -> bool {
    let Some(attribute) = T::TTL_ATTRIBUTE else {
        return false;
    };
    match item.get(attribute) {
        Some(AttributeValue::N(n)) => n.parse::<f64>().is_ok_and(|at| at <= unix_now() as f64),
        _ => false,
    }
}
