//! Key values as attribute values, and key maps, checked the way DynamoDB checks them.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{Error, InvalidReason, Result};
use crate::schema::{DynamoTable, KeyNames, KeyType, KeyValue};

/// An item, a key, or any other map of attribute names to values.
pub(crate) type Item = HashMap<String, AttributeValue>;

/// A key value as DynamoDB stores it, refusing what DynamoDB would reject (an empty string or
/// binary value).
pub(crate) fn key_attribute<K: KeyValue>(
    table: &str,
    attribute: &str,
    role: &str,
    value: &K,
) -> Result<AttributeValue> {
    let av = value.to_attribute_value();
    let empty = match &av {
        AttributeValue::S(s) => s.is_empty(),
        AttributeValue::B(b) => b.as_ref().is_empty(),
        _ => false,
    };
    if empty {
        return Err(Error::invalid(
            InvalidReason::EmptyKey,
            format!(
                "the {role} `{attribute}` of table `{table}` is empty: DynamoDB key attributes \
                 cannot be empty strings or empty binary values; give it a value"
            ),
        ));
    }
    Ok(av)
}

/// The primary-key map of `T`'s item with these key values, checked against `T`'s schema.
pub(crate) fn key_map<T: DynamoTable>(table: &str, pk: &T::PK, sk: Option<&T::SK>) -> Result<Item> {
    let mut key = HashMap::with_capacity(2);
    key.insert(
        T::PARTITION_KEY.to_owned(),
        key_attribute(table, T::PARTITION_KEY, "partition key", pk)?,
    );
    match (T::SORT_KEY, sk) {
        (Some(name), Some(sk)) => {
            key.insert(name.to_owned(), key_attribute(table, name, "sort key", sk)?);
        }
        (None, None) => {}
        (Some(name), None) => {
            return Err(Error::invalid(
                InvalidReason::SortKeyMissing,
                format!(
                    "table `{table}` has the sort key `{name}`: pass `Some(sort_key)` along with \
                     the partition key"
                ),
            ));
        }
        (None, Some(_)) => {
            return Err(Error::invalid(
                InvalidReason::SortKeyNotExpected,
                format!("table `{table}` has no sort key: pass `None` as the sort key"),
            ));
        }
    }
    Ok(key)
}

/// Checks that an encoded item of `T` carries every key attribute, non-empty and of the key's
/// type.
pub(crate) fn check_keys_in_item<T: DynamoTable>(table: &str, item: &Item) -> Result<()> {
    let pk = (
        T::PARTITION_KEY,
        <T::PK as KeyValue>::KEY_TYPE,
        "partition key",
    );
    let sk = T::SORT_KEY.map(|name| (name, <T::SK as KeyValue>::KEY_TYPE, "sort key"));
    for (attribute, key_type, role) in std::iter::once(pk).chain(sk) {
        let problem = match (item.get(attribute), key_type) {
            (None, _) => "is missing from the item (check serde's `rename`/`skip` on that field)",
            (Some(AttributeValue::S(s)), KeyType::S) if s.is_empty() => "is an empty string",
            (Some(AttributeValue::B(b)), KeyType::B) if b.as_ref().is_empty() => "is empty",
            (Some(AttributeValue::S(_)), KeyType::S)
            | (Some(AttributeValue::N(_)), KeyType::N)
            | (Some(AttributeValue::B(_)), KeyType::B) => continue,
            (Some(_), _) => "has a different DynamoDB type than the table's key",
        };
        return Err(Error::invalid(
            InvalidReason::KeyAttributeInItem,
            format!(
                "the {role} `{attribute}` of an item for table `{table}` {problem}: DynamoDB \
                 needs every key attribute present, non-empty and of type {key_type:?}"
            ),
        ));
    }
    Ok(())
}

/// A key for messages: `(user_id="u1", order_id=7)`.
pub(crate) fn describe_key(names: KeyNames, attributes: &Item) -> String {
    let show = |name: &str| match attributes.get(name) {
        Some(AttributeValue::S(s)) => format!("{name}={s:?}"),
        Some(AttributeValue::N(n)) => format!("{name}={n}"),
        Some(other) => format!("{name}={other:?}"),
        None => format!("{name}=<missing>"),
    };
    let parts: Vec<String> = names.iter().map(show).collect();
    format!("({})", parts.join(", "))
}
