//! Keys: the Rust types a partition or sort key can have, their DynamoDB types, and the key
//! schema of a table (its attribute names).

use std::fmt;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ScalarAttributeType};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::conversion::integer_text;

/// The attribute names of a key, partition key first: the one place a table's or an index's
/// key schema is spelled out as names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct KeyNames {
    pub partition: &'static str,
    pub sort: Option<&'static str>,
}

impl KeyNames {
    /// The partition key, then the sort key if there is one.
    pub(crate) fn iter(self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.partition).chain(self.sort)
    }

    /// True when `attribute` is one of the key's attributes.
    pub(crate) fn contains(self, attribute: &str) -> bool {
        self.iter().any(|name| name == attribute)
    }
}

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
    /// use dynamo_table::schema::KeyType;
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
/// use dynamo_table::KeyValue;
/// use dynamo_table::schema::KeyType;
/// use dynamo_table::aws_sdk_dynamodb::types::AttributeValue;
///
/// assert_eq!(<u64 as KeyValue>::KEY_TYPE, KeyType::N);
/// assert_eq!(42u64.to_attribute_value(), AttributeValue::N("42".into()));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a DynamoDB key",
    label = "not a key type",
    note = "DynamoDB keys are strings (S), numbers (N) or binary (B): use `String`, an integer \
            type or `dynamo_table::schema::Binary`; for a newtype such as `struct UserId(String)`, add \
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
                AttributeValue::N(integer_text(*self))
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
/// use dynamo_table::KeyValue;
/// use dynamo_table::schema::{Binary, KeyType};
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

/// The sort-key type of a table that has no sort key. It has no values, so `None` is the only
/// sort key one can pass.
///
/// ```
/// use dynamo_table::schema::NoSortKey;
/// let no_sort_key: Option<NoSortKey> = None;
/// assert!(no_sort_key.is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoSortKey {}

/// Never succeeds: there is no value to read.
impl<'de> Deserialize<'de> for NoSortKey {
    fn deserialize<D: Deserializer<'de>>(_: D) -> std::result::Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "NoSortKey has no values: the table has no sort key",
        ))
    }
}

impl KeyValue for NoSortKey {
    const KEY_TYPE: KeyType = KeyType::S;

    fn to_attribute_value(&self) -> AttributeValue {
        match *self {}
    }
}
