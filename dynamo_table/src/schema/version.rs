//! Version attributes (`#[dynamo(version)]`): the attribute a table's writes check and bump for
//! optimistic locking, and the Rust types it can have.

/// The version attribute of a table: its name, and the largest version its Rust type holds.
///
/// ```
/// use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "accounts")]
/// struct Account {
///     #[dynamo(pk)]
///     id: String,
///     #[dynamo(version)]
///     version: u32,
///     balance: i64,
/// }
///
/// let version = Account::VERSION.unwrap();
/// assert_eq!(version.attribute, "version");
/// assert_eq!(version.max, u64::from(u32::MAX));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionSchema {
    /// The attribute name.
    pub attribute: &'static str,
    /// The largest version the field's type holds: a write that would go past it is refused.
    pub max: u64,
}

/// A Rust type a version attribute can have: an integer, or an `Option` of one (`None` is
/// version 0, an item never written).
///
/// ```
/// use dynamo_table::schema::VersionNumber;
/// assert_eq!(7u32.version(), Some(7));
/// assert_eq!(None::<u64>.version(), Some(0));
/// assert_eq!((-1i64).version(), None);
/// assert_eq!(<u8 as VersionNumber>::MAX, 255);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a version attribute",
    label = "not an integer",
    note = "a version counts the writes of an item: use `u64` (or another integer type, or an \
            `Option` of one)"
)]
pub trait VersionNumber {
    /// The largest version the type holds.
    const MAX: u64;

    /// The version as a count of writes: `None` when the value is not one (negative).
    fn version(&self) -> Option<u64>;
}

macro_rules! version_number {
    ($($int:ty),*) => {$(
        impl VersionNumber for $int {
            // Every integer type's maximum fits in a u64 on the platforms Rust supports.
            const MAX: u64 = <$int>::MAX as u64;

            fn version(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }
        }
    )*};
}

version_number!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl<V: VersionNumber> VersionNumber for Option<V> {
    const MAX: u64 = V::MAX;

    fn version(&self) -> Option<u64> {
        match self {
            Some(v) => v.version(),
            None => Some(0),
        }
    }
}
