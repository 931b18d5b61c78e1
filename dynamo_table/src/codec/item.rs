//! Items: a `T` to a DynamoDB item and back, with errors that name the table, the type and the
//! attribute.

use aws_sdk_dynamodb::types::AttributeValue;

use super::key::{Item, check_keys_in_item};
use crate::error::{Error, Result};
use crate::schema::DynamoTable;

/// `item` as a DynamoDB item for `table`, its key attributes checked.
pub(crate) fn encode<T: DynamoTable>(table: &str, item: &T) -> Result<Item> {
    let attributes: Item = serde_dynamo::to_item(item).map_err(|source| Error::Serialization {
        table: table.to_owned(),
        type_name: std::any::type_name::<T>(),
        source,
    })?;
    check_keys_in_item::<T>(table, &attributes)?;
    Ok(attributes)
}

/// A DynamoDB item of `table` as a `T`; an error names the attribute that did not fit.
pub(crate) fn decode<T: DynamoTable>(table: &str, item: Item) -> Result<T> {
    let deserializer = serde_dynamo::Deserializer::from_attribute_value(
        serde_dynamo::AttributeValue::from(AttributeValue::M(item)),
    );
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let attribute = e.path().to_string();
        Error::Deserialization {
            table: table.to_owned(),
            type_name: std::any::type_name::<T>(),
            attribute,
            source: e.into_inner(),
        }
    })
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
