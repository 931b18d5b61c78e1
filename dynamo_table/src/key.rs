//! Key values: the Rust types a partition or sort key can have, and their DynamoDB types.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ScalarAttributeType};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::table::DynamoTable;
use crate::table_batch::KeyOf;

/// The DynamoDB type of a key attribute. Keys can only be strings, numbers or binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// `S`: a string.
    S,
    /// `N`: a number.
    N,
    /// `B`: binary.
    B,
}

impl KeyType {
    /// The SDK's name for this type, as used in `AttributeDefinitions`.
    ///
    /// ```
    /// use dynamo_table::KeyType;
    /// use dynamo_table::aws_sdk_dynamodb::types::ScalarAttributeType;
    /// assert_eq!(KeyType::N.scalar_type(), ScalarAttributeType::N);
    /// ```
    pub fn scalar_type(self) -> ScalarAttributeType {
        match self {
            KeyType::S => ScalarAttributeType::S,
            KeyType::N => ScalarAttributeType::N,
            KeyType::B => ScalarAttributeType::B,
        }
    }
}

/// A Rust type that can be a DynamoDB key: it knows its [`KeyType`] and writes itself as the
/// same `AttributeValue` the item's serializer writes for the field.
///
/// Implemented for `String` (`S`), the integer types (`N`) and [`Binary`] (`B`). For a newtype
/// such as `struct UserId(String)`, `#[derive(KeyValue)]` implements it by delegating to the
/// inner value (serde writes a newtype as its inner value, so the two agree).
///
/// ```
/// use dynamo_table::{KeyType, KeyValue};
/// use dynamo_table::aws_sdk_dynamodb::types::AttributeValue;
///
/// assert_eq!(<u64 as KeyValue>::KEY_TYPE, KeyType::N);
/// assert_eq!(42u64.to_attribute_value(), AttributeValue::N("42".into()));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a DynamoDB key",
    label = "not a key type",
    note = "DynamoDB keys are strings (S), numbers (N) or binary (B): use `String`, an integer \
            type or `dynamo_table::Binary`; for a newtype such as `struct UserId(String)`, add \
            `#[derive(dynamo_table::KeyValue)]`"
)]
pub trait KeyValue: Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The DynamoDB type of this key.
    const KEY_TYPE: KeyType;

    /// The value as DynamoDB stores it.
    fn to_attribute_value(&self) -> AttributeValue;
}

impl KeyValue for String {
    const KEY_TYPE: KeyType = KeyType::S;

    fn to_attribute_value(&self) -> AttributeValue {
        AttributeValue::S(self.clone())
    }
}

macro_rules! number_keys {
    ($($t:ty)*) => {$(
        impl KeyValue for $t {
            const KEY_TYPE: KeyType = KeyType::N;

            fn to_attribute_value(&self) -> AttributeValue {
                AttributeValue::N(self.to_string())
            }
        }
    )*};
}

number_keys!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

/// Bytes stored as DynamoDB binary (`B`), usable as a key.
///
/// A plain `Vec<u8>` is written by serde as a list of numbers, which DynamoDB cannot key on;
/// `Binary` is written as bytes.
///
/// ```
/// use dynamo_table::{Binary, KeyType, KeyValue};
/// assert_eq!(<Binary as KeyValue>::KEY_TYPE, KeyType::B);
/// let b = Binary::from(vec![1u8, 2, 3]);
/// assert_eq!(b.as_ref(), &[1, 2, 3]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Binary(pub Vec<u8>);

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary(bytes)
    }
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct BytesVisitor;
        impl<'de> serde::de::Visitor<'de> for BytesVisitor {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("binary data")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> std::result::Result<Binary, E> {
                Ok(Binary(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(
                self,
                v: Vec<u8>,
            ) -> std::result::Result<Binary, E> {
                Ok(Binary(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Binary, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(b) = seq.next_element::<u8>()? {
                    bytes.push(b);
                }
                Ok(Binary(bytes))
            }
        }
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

impl KeyValue for Binary {
    const KEY_TYPE: KeyType = KeyType::B;

    fn to_attribute_value(&self) -> AttributeValue {
        AttributeValue::B(Blob::new(self.0.clone()))
    }
}

/// Anything that names one item of `T`'s table: the seed's `(pk, Option<sk>)` pair, or the typed
/// key struct the derive generates (`OrderKey`, also by reference).
///
/// ```
/// use dynamo_table::{DynamoTable, IntoKey};
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     #[dynamo(sk)]
///     order_id: u64,
/// }
///
/// let typed = OrderKey { user_id: "u1".into(), order_id: 7 };
/// assert_eq!(IntoKey::<Order>::into_key(&typed), ("u1".to_string(), Some(7)));
/// assert_eq!(IntoKey::<Order>::into_key(("u1".to_string(), Some(7))), ("u1".to_string(), Some(7)));
/// ```
pub trait IntoKey<T: DynamoTable> {
    /// The partition key and optional sort key.
    fn into_key(self) -> KeyOf<T>;
}

impl<T: DynamoTable> IntoKey<T> for (T::PK, Option<T::SK>) {
    fn into_key(self) -> KeyOf<T> {
        self
    }
}

/// The sort-key type of a table that has no sort key. It has no values, so `None` is the only
/// sort key one can pass.
///
/// ```
/// use dynamo_table::NoSortKey;
/// let no_sort_key: Option<NoSortKey> = None;
/// assert!(no_sort_key.is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoSortKey {}

impl KeyValue for NoSortKey {
    const KEY_TYPE: KeyType = KeyType::S;

    fn to_attribute_value(&self) -> AttributeValue {
        match *self {}
    }
}

/// Checks a key value DynamoDB would reject before a request is sent.
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
        return Err(Error::invalid(format!(
            "the {role} `{attribute}` of table `{table}` is empty: DynamoDB key attributes cannot \
             be empty strings or empty binary values; give it a value"
        )));
    }
    Ok(av)
}

/// Checks that a serialized item carries a key attribute DynamoDB will accept.
pub(crate) fn check_key_in_item(
    table: &str,
    item: &HashMap<String, AttributeValue>,
    attribute: &str,
    key_type: KeyType,
    role: &str,
) -> Result<()> {
    let problem = match (item.get(attribute), key_type) {
        (None, _) => "is missing from the item (check serde's `rename`/`skip` on that field)",
        (Some(AttributeValue::S(s)), KeyType::S) if s.is_empty() => "is an empty string",
        (Some(AttributeValue::B(b)), KeyType::B) if b.as_ref().is_empty() => "is empty",
        (Some(AttributeValue::S(_)), KeyType::S)
        | (Some(AttributeValue::N(_)), KeyType::N)
        | (Some(AttributeValue::B(_)), KeyType::B) => return Ok(()),
        (Some(_), _) => "has a different DynamoDB type than the table's key",
    };
    Err(Error::invalid(format!(
        "the {role} `{attribute}` of an item for table `{table}` {problem}: DynamoDB needs every \
         key attribute present, non-empty and of type {key_type:?}"
    )))
}
