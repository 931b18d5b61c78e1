//! Typed attribute paths: what the derive generates for every attribute of a table (and of
//! every nested document), each knowing its attribute name and its Rust type, so that
//! conditions and updates built on them are checked against the struct by the compiler.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::schema::Binary;

/// One step of a path: an attribute (or map key) name, or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Segment {
    Name(Cow<'static, str>),
    Index(usize),
}

/// `segments` as an expression writes them: each name as `name` makes it (the name itself, or
/// a placeholder), joined by `.`, with list indexes as `[i]`.
pub(crate) fn write_path(segments: &[Segment], mut name: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Name(n) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&name(n));
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The part of a path above a nested document's attributes: empty at the top of an item.
/// The derive's generated code passes it along; there is nothing to do with it by hand.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct Prefix(pub(crate) Vec<Segment>);

impl Prefix {
    /// The top of an item.
    pub fn root() -> Self {
        Prefix(Vec::new())
    }
}

/// Marks the path of a key attribute: usable in conditions, never in updates (DynamoDB cannot
/// change a key in place).
#[derive(Debug, Clone, Copy)]
pub enum Key {}

/// Marks the path of an attribute that is not a key.
#[derive(Debug, Clone, Copy)]
pub enum Field {}

/// How a path's values become attribute values: as serde writes the field (its
/// `#[serde(with)]` included).
pub(crate) type Encoder<V> = fn(&V) -> Result<AttributeValue>;

/// The path to an attribute of `T`'s items whose Rust type is `V` (`K`: [`Field`], or [`Key`]
/// for a key attribute). The derive makes one per field: `Order::fields().total` is a
/// `Path<Order, f64>`. Nested documents (`#[derive(DynamoDocument)]`) continue with
/// [`fields`](Path::fields), lists with [`at`](Path::at), maps with [`key`](Path::key).
///
/// Conditions on it take values of type `V` (or `&V`, or `&str` for a `String`); any other type
/// is a compile error on the value:
///
/// ```
/// use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     status: String,
///     total: f64,
/// }
///
/// let f = Order::fields();
/// assert_eq!(f.total.name(), "total");
/// let shipped_and_large = f.status.eq("shipped").and(f.total.gt(100.0));
/// # let _ = shipped_and_large;
/// ```
pub struct Path<T, V, K = Field> {
    segments: Vec<Segment>,
    encode: Encoder<V>,
    _marker: PhantomData<fn() -> (T, K)>,
}

impl<T, V, K> Clone for Path<T, V, K> {
    fn clone(&self) -> Self {
        Path {
            segments: self.segments.clone(),
            encode: self.encode,
            _marker: PhantomData,
        }
    }
}

impl<T, V, K> fmt::Debug for Path<T, V, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({})", self.name())
    }
}

impl<T, V: Serialize, K> Path<T, V, K> {
    /// The path of the attribute `name` under `prefix`, written as serde writes `V`. For the
    /// derive's generated code.
    #[doc(hidden)]
    pub fn __at(prefix: &Prefix, name: &'static str) -> Self {
        Self::__with(prefix, name, encode_value::<V>)
    }
}

impl<T, V, K> Path<T, V, K> {
    /// The path of the attribute `name` under `prefix`, whose values `encode` writes (a field
    /// with `#[serde(with)]`). For the derive's generated code.
    #[doc(hidden)]
    pub fn __with(prefix: &Prefix, name: &'static str, encode: Encoder<V>) -> Self {
        let mut segments = prefix.0.clone();
        segments.push(Segment::Name(Cow::Borrowed(name)));
        Path {
            segments,
            encode,
            _marker: PhantomData,
        }
    }

    fn child<W: Serialize, L>(&self, segment: Segment) -> Path<T, W, L> {
        let mut segments = self.segments.clone();
        segments.push(segment);
        Path {
            segments,
            encode: encode_value::<W>,
            _marker: PhantomData,
        }
    }

    /// The path as DynamoDB reads it, e.g. `address.zip` or `lines[2].sku`.
    pub fn name(&self) -> String {
        write_path(&self.segments, |name| name.to_owned())
    }

    pub(crate) fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// A value of the attribute's type as DynamoDB stores it.
    pub(crate) fn encode(&self, value: impl ValueOf<V>) -> Result<AttributeValue> {
        let encode = self.encode;
        value.with_value(&mut |v| encode(v))
    }
}

impl<T, V: Document, K> Path<T, V, K> {
    /// The attributes of the nested document at this path (its type derives
    /// `DynamoDocument`).
    pub fn fields(&self) -> V::Fields<T> {
        V::fields_at(&Prefix(self.segments.clone()))
    }
}

impl<T, E: Serialize, K> Path<T, Vec<E>, K> {
    /// The element at `index` of this list.
    pub fn at(&self, index: usize) -> Path<T, E> {
        self.child(Segment::Index(index))
    }
}

impl<T, E: Serialize, K> Path<T, HashMap<String, E>, K> {
    /// The value under `key` in this map.
    pub fn key(&self, key: impl Into<String>) -> Path<T, E> {
        self.child(Segment::Name(Cow::Owned(key.into())))
    }
}

impl<T, E: Serialize, K> Path<T, BTreeMap<String, E>, K> {
    /// The value under `key` in this map.
    pub fn key(&self, key: impl Into<String>) -> Path<T, E> {
        self.child(Segment::Name(Cow::Owned(key.into())))
    }
}

/// A nested struct stored as a map attribute, whose attributes get typed paths too:
/// `#[derive(DynamoDocument)]`. `Fields<T>` is the generated struct of paths inside items of
/// `T`.
///
/// ```
/// use dynamo_table::{DynamoDocument, DynamoTable};
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoDocument)]
/// struct Address {
///     city: String,
///     zip: String,
/// }
///
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "customers")]
/// struct Customer {
///     #[dynamo(pk)]
///     id: String,
///     address: Address,
/// }
///
/// assert_eq!(Customer::fields().address.fields().zip.name(), "address.zip");
/// ```
pub trait Document {
    /// The paths of this document's attributes, inside items of `T`.
    type Fields<T>;

    /// The paths under `prefix`. For generated code.
    #[doc(hidden)]
    fn fields_at<T>(prefix: &Prefix) -> Self::Fields<T>;
}

/// A value usable where an attribute of type `V` is expected: a `V`, a `&V`, or a `&str` for a
/// `String`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of this attribute, whose type is `{V}`",
    label = "expected a `{V}` (or a `&{V}`)",
    note = "typed conditions and updates take values of the attribute's own Rust type: convert \
            the value, or check that the path is the attribute you mean"
)]
pub trait ValueOf<V> {
    /// Calls `f` with the value as a `&V`.
    #[doc(hidden)]
    fn with_value<R>(&self, f: &mut dyn FnMut(&V) -> R) -> R;
}

impl<V> ValueOf<V> for V {
    fn with_value<R>(&self, f: &mut dyn FnMut(&V) -> R) -> R {
        f(self)
    }
}

impl<V> ValueOf<V> for &V {
    fn with_value<R>(&self, f: &mut dyn FnMut(&V) -> R) -> R {
        f(self)
    }
}

impl ValueOf<String> for &str {
    fn with_value<R>(&self, f: &mut dyn FnMut(&String) -> R) -> R {
        f(&(*self).to_owned())
    }
}

/// Attribute types `begins_with` applies to: strings and binary.
#[diagnostic::on_unimplemented(
    message = "`begins_with` needs a string or binary attribute, and this one is a `{Self}`",
    label = "not a string or binary attribute",
    note = "for numbers compare with `between`, `ge` or `lt` instead"
)]
pub trait Prefixed {}

impl Prefixed for String {}
impl Prefixed for Binary {}

/// Attribute types `contains` applies to: a string (a substring), and sets and lists (an
/// element).
#[diagnostic::on_unimplemented(
    message = "`contains` needs a string, set or list attribute, and this one is a `{Self}`",
    label = "not a string, set or list",
    note = "compare a single value with `eq` instead"
)]
pub trait Contains {
    /// What it contains.
    type Element: Serialize;
}

impl Contains for String {
    type Element = String;
}

impl<E: Serialize> Contains for Vec<E> {
    type Element = E;
}

impl<E: Serialize> Contains for VecDeque<E> {
    type Element = E;
}

impl<E: Serialize, S> Contains for HashSet<E, S> {
    type Element = E;
}

impl<E: Serialize> Contains for BTreeSet<E> {
    type Element = E;
}

/// Marks attributes an update may change: every attribute but the table's keys.
#[diagnostic::on_unimplemented(
    message = "this attribute is a key of the table, and DynamoDB cannot update a key in place",
    label = "a key attribute",
    note = "to move an item to another key, delete it and put it under the new key (both in one \
            transaction, if they must happen together)"
)]
pub trait Updatable {}

impl Updatable for Field {}

/// Attribute types `add` and `increment` apply to: numbers (added to) and sets (merged into).
#[diagnostic::on_unimplemented(
    message = "`add` needs a number or set attribute, and this one is a `{Self}`",
    label = "not a number or a set",
    note = "to replace the value use `set`; to add to a list use `append`"
)]
pub trait Addable {}

/// Number types, which `increment` and `decrement` apply to.
#[diagnostic::on_unimplemented(
    message = "`increment` and `decrement` need a number attribute, and this one is a `{Self}`",
    label = "not a number",
    note = "to replace the value use `set`"
)]
pub trait Number: Addable {}

macro_rules! numbers {
    ($($n:ty),*) => {$(
        impl Addable for $n {}
        impl Number for $n {}
    )*};
}

numbers!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64
);

impl<E, S> Addable for HashSet<E, S> {}
impl<E> Addable for BTreeSet<E> {}

/// Set types, whose elements `delete` removes.
#[diagnostic::on_unimplemented(
    message = "`delete` removes elements from a set attribute, and this one is a `{Self}`",
    label = "not a set",
    note = "to remove the whole attribute use `remove`"
)]
pub trait Set {}

impl<E, S> Set for HashSet<E, S> {}
impl<E> Set for BTreeSet<E> {}

/// List types, which `append` and `prepend` extend.
#[diagnostic::on_unimplemented(
    message = "`append` and `prepend` extend a list attribute, and this one is a `{Self}`",
    label = "not a list",
    note = "for a set use `add`; to replace the value use `set`"
)]
pub trait List {}

impl<E> List for Vec<E> {}
impl<E> List for VecDeque<E> {}

/// Writes `value` as the attribute value serde writes for it, refusing what DynamoDB cannot
/// store (NaN, infinities, numbers out of range). For generated code.
#[doc(hidden)]
pub fn encode_value<V: Serialize>(value: &V) -> Result<AttributeValue> {
    let encoded =
        serde_dynamo::to_attribute_value(value).map_err(|source| Error::Serialization {
            table: "(a typed condition or update)".to_owned(),
            type_name: std::any::type_name::<V>(),
            source,
        })?;
    crate::codec::item::check_value("(a typed condition or update)", "a value", &encoded)?;
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item;

    #[test]
    fn paths_name_their_attribute_as_dynamodb_reads_it() {
        let lines: Path<Item, Vec<HashMap<String, u32>>> = Path::__at(&Prefix::root(), "lines");
        assert_eq!(lines.at(2).key("qty").name(), "lines[2].qty");
        let sorted: Path<Item, BTreeMap<String, bool>> = Path::__at(&Prefix::root(), "flags");
        assert_eq!(sorted.key("beta").name(), "flags.beta");
        assert_eq!(
            lines.at(0).key("qty").encode(3u32).ok(),
            Some(AttributeValue::N("3".into()))
        );
    }

    #[test]
    fn a_value_dynamodb_cannot_store_is_refused() {
        let total: Path<Item, f64> = Path::__at(&Prefix::root(), "total");
        assert!(total.encode(f64::NAN).is_err());
    }
}
