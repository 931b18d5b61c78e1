//! Key values as attribute values, and key maps, checked the way DynamoDB checks them.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_table_rules::limits::{MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES};
use dynamo_table_rules::numbers::check_number;

use crate::error::{Error, InvalidReason, Result};
use crate::schema::{Binary, DynamoTable, KeyAttribute, KeyNames, KeyType, KeyValue, key_names};

/// An item, a key, or any other map of attribute names to values (defined with the table
/// type's conversion, which the schema layer owns).
pub(crate) use crate::schema::conversion::Item;

/// Which key of a table or index a value is: its size limit, and its name in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRole {
    Partition,
    Sort,
    IndexPartition,
    IndexSort,
}

impl KeyRole {
    /// DynamoDB's limit on the key's size, in bytes: 2,048 for a partition key, 1,024 for a
    /// sort key, an index's as its table's.
    fn limit(self) -> usize {
        match self {
            KeyRole::Partition | KeyRole::IndexPartition => MAX_PARTITION_KEY_BYTES,
            KeyRole::Sort | KeyRole::IndexSort => MAX_SORT_KEY_BYTES,
        }
    }
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyRole::Partition => "partition key",
            KeyRole::Sort => "sort key",
            KeyRole::IndexPartition => "index partition key",
            KeyRole::IndexSort => "index sort key",
        })
    }
}

/// A key value as DynamoDB stores it, refusing what DynamoDB would reject: an empty string or
/// binary value, a key over its size limit (2,048 bytes for a partition key, 1,024 for a sort
/// key), a number DynamoDB cannot store. `role` says which key it is.
pub(crate) fn key_attribute<K: KeyValue>(
    table: &str,
    attribute: &str,
    role: KeyRole,
    value: &K,
) -> Result<AttributeValue> {
    let av = value.to_attribute_value();
    check_key_value(table, attribute, role, &av)?;
    Ok(av)
}

/// The checks of [`key_attribute`] on a value already converted.
fn check_key_value(table: &str, attribute: &str, role: KeyRole, av: &AttributeValue) -> Result<()> {
    check_key(table, attribute, role, KeyView::of(av))
}

/// A key value as DynamoDB stores it, read in place: its type and its text or bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyView<'a> {
    S(&'a str),
    N(&'a str),
    B(&'a [u8]),
    /// A value of a type keys never have (DynamoDB refuses it as a key).
    Other(&'a AttributeValue),
}

impl<'a> KeyView<'a> {
    pub(crate) fn of(av: &'a AttributeValue) -> Self {
        match av {
            AttributeValue::S(s) => KeyView::S(s),
            AttributeValue::N(n) => KeyView::N(n),
            AttributeValue::B(b) => KeyView::B(b.as_ref()),
            other => KeyView::Other(other),
        }
    }
}

/// Hands `value` as DynamoDB stores it to `f`. A `String` or [`Binary`] key is read in place;
/// a key of another type is converted first.
fn with_key_view<K: KeyValue, R>(value: &K, f: impl FnOnce(KeyView<'_>) -> R) -> R {
    let any: &dyn Any = value;
    if let Some(text) = any.downcast_ref::<String>() {
        return f(KeyView::S(text));
    }
    if let Some(bytes) = any.downcast_ref::<Binary>() {
        return f(KeyView::B(bytes.as_ref()));
    }
    let converted = value.to_attribute_value();
    f(KeyView::of(&converted))
}

/// The checks of [`key_attribute`], on a value read in place.
fn check_key(table: &str, attribute: &str, role: KeyRole, value: KeyView<'_>) -> Result<()> {
    let (empty, bytes) = match value {
        KeyView::S(s) => (s.is_empty(), s.len()),
        KeyView::B(b) => (b.is_empty(), b.len()),
        KeyView::N(n) => {
            if let Err(why) = check_number(n) {
                return Err(Error::invalid(
                    InvalidReason::AttributeValue,
                    format!("the {role} `{attribute}` of table `{table}`: {why}"),
                ));
            }
            (false, 0)
        }
        KeyView::Other(_) => (false, 0),
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
    let limit = role.limit();
    if bytes > limit {
        return Err(Error::invalid(
            InvalidReason::KeyTooLarge,
            format!(
                "the {role} `{attribute}` of table `{table}` is {bytes} bytes; DynamoDB allows at \
                 most {limit}: use a shorter key (a hash of the long value, say)"
            ),
        ));
    }
    Ok(())
}

/// The primary-key map of `T`'s item with these key values, checked against `T`'s schema.
pub(crate) fn key_map<T: DynamoTable>(table: &str, pk: &T::PK, sk: Option<&T::SK>) -> Result<Item> {
    let (pk, sk) = key_values::<T>(table, pk, sk)?;
    let mut key = HashMap::with_capacity(2);
    key.insert(T::PARTITION_KEY.to_owned(), pk);
    if let (Some(name), Some(sk)) = (T::SORT_KEY, sk) {
        key.insert(name.to_owned(), sk);
    }
    Ok(key)
}

/// The values of a `T` key (partition, then sort), checked as [`key_map`] checks them, without
/// the map.
pub(crate) fn key_values<T: DynamoTable>(
    table: &str,
    pk: &T::PK,
    sk: Option<&T::SK>,
) -> Result<(AttributeValue, Option<AttributeValue>)> {
    let pk = key_attribute(table, T::PARTITION_KEY, KeyRole::Partition, pk)?;
    match sort_key::<T>(table, sk)? {
        Some((name, sk)) => Ok((pk, Some(key_attribute(table, name, KeyRole::Sort, sk)?))),
        None => Ok((pk, None)),
    }
}

/// [`key_values`] read in place and handed to `f`, for a key that is only looked at (hashed):
/// a `String` key is not copied.
pub(crate) fn with_key_views<T: DynamoTable, R>(
    table: &str,
    pk: &T::PK,
    sk: Option<&T::SK>,
    f: impl FnOnce(KeyView<'_>, Option<KeyView<'_>>) -> R,
) -> Result<R> {
    with_key_view(pk, |pk| {
        check_key(table, T::PARTITION_KEY, KeyRole::Partition, pk)?;
        match sort_key::<T>(table, sk)? {
            Some((name, sk)) => with_key_view(sk, |sk| {
                check_key(table, name, KeyRole::Sort, sk)?;
                Ok(f(pk, Some(sk)))
            }),
            None => Ok(f(pk, None)),
        }
    })
}

/// The sort key given, with its attribute name, if `T` has one; an error if the key does not
/// match `T`'s schema (a sort key missing, or one given for a table without).
fn sort_key<'k, T: DynamoTable>(
    table: &str,
    sk: Option<&'k T::SK>,
) -> Result<Option<(&'static str, &'k T::SK)>> {
    match (T::SORT_KEY, sk) {
        (Some(name), Some(sk)) => Ok(Some((name, sk))),
        (None, None) => Ok(None),
        (Some(name), None) => Err(Error::invalid(
            InvalidReason::SortKeyMissing,
            format!(
                "table `{table}` has the sort key `{name}`: pass `Some(sort_key)` along with the \
                 partition key"
            ),
        )),
        (None, Some(_)) => Err(Error::invalid(
            InvalidReason::SortKeyNotExpected,
            format!("table `{table}` has no sort key: pass `None` as the sort key"),
        )),
    }
}

/// Checks the index key attributes of an encoded `T` item: where one is present, DynamoDB
/// needs it non-empty, of the index key's type and within the key size limits (an absent one
/// keeps the item out of the index, which is allowed, so absence is not checked). Each is looked
/// up by name, in the order of `T`'s indexes, so the first problem reported is always the same.
pub(crate) fn check_index_keys_in_item<T: DynamoTable>(table: &str, item: &Item) -> Result<()> {
    for index in T::INDEXES {
        let keys = [
            Some((index.partition_key, KeyRole::IndexPartition)),
            index.sort_key.map(|k| (k, KeyRole::IndexSort)),
        ];
        for (KeyAttribute { name, key_type }, role) in keys.into_iter().flatten() {
            let Some(value) = item.get(name) else {
                continue;
            };
            let fits = matches!(
                (value, key_type),
                (AttributeValue::S(_), KeyType::S)
                    | (AttributeValue::N(_), KeyType::N)
                    | (AttributeValue::B(_), KeyType::B)
            );
            let problem = if fits {
                check_key_value(table, name, role, value).err()
            } else {
                Some(Error::invalid(
                    InvalidReason::IndexKeyInItem,
                    format!("the {role} `{name}` is not of type {key_type:?}"),
                ))
            };
            if let Some(Error::InvalidInput { message, .. }) = problem {
                return Err(Error::invalid(
                    InvalidReason::IndexKeyInItem,
                    format!(
                        "the item with key {} cannot go into index `{}`: {message}; leave the \
                         attribute out (`None` with `skip_serializing_if`) to keep the item out \
                         of the index, or give it a valid value",
                        describe_key(key_names::<T>(), item),
                        index.name,
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Checks a table key attribute of an encoded item (`value`: the item's attribute of that name,
/// if it has one): present, non-empty, of the key's type, within the size limits. `role` is
/// "partition key" or "sort key".
pub(crate) fn check_key_in_item(
    table: &str,
    attribute: &str,
    key_type: KeyType,
    role: KeyRole,
    value: Option<&AttributeValue>,
) -> Result<()> {
    let problem = match (value, key_type) {
        (None, _) => "is missing from the item (check serde's `rename`/`skip` on that field)",
        (Some(AttributeValue::S(s)), KeyType::S) if s.is_empty() => "is an empty string",
        (Some(AttributeValue::B(b)), KeyType::B) if b.as_ref().is_empty() => "is empty",
        (Some(value @ AttributeValue::S(_)), KeyType::S)
        | (Some(value @ AttributeValue::N(_)), KeyType::N)
        | (Some(value @ AttributeValue::B(_)), KeyType::B) => {
            return check_key_value(table, attribute, role, value);
        }
        (Some(_), _) => "has a different DynamoDB type than the table's key",
    };
    Err(Error::invalid(
        InvalidReason::KeyAttributeInItem,
        format!(
            "the {role} `{attribute}` of an item for table `{table}` {problem}: DynamoDB needs \
             every key attribute present, non-empty and of type {key_type:?}"
        ),
    ))
}

/// The key of `item` for messages, from its key values (no encoding needed).
pub(crate) fn describe_item_key<T: DynamoTable>(item: &T) -> String {
    let mut key = Item::with_capacity(2);
    key.insert(
        T::PARTITION_KEY.to_owned(),
        item.partition_key().to_attribute_value(),
    );
    if let (Some(name), Some(sk)) = (T::SORT_KEY, item.sort_key()) {
        key.insert(name.to_owned(), sk.to_attribute_value());
    }
    describe_key(key_names::<T>(), &key)
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
