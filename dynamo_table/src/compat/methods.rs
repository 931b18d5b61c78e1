//! The published API's `DynamoTableMethods`: differences between items and keys.

use crate::schema::DynamoTable;

use super::output::CompositeKey;

/// Set differences between items of a table and keys, by key. Implemented for every
/// [`DynamoTable`] whose key types compare with `==`.
///
/// ```
/// use dynamo_table::{DynamoTable, DynamoTableMethods};
/// # use serde::{Deserialize, Serialize};
/// #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "users")]
/// struct User { #[dynamo(pk)] user_id: String }
///
/// let items = vec![User { user_id: "a".into() }, User { user_id: "b".into() }];
/// let keys = vec![("b".to_string(), None), ("c".to_string(), None)];
/// assert_eq!(User::left_diff(items.clone(), keys.clone()), vec![User { user_id: "a".into() }]);
/// assert_eq!(User::right_diff(items, keys), vec![("c".to_string(), None)]);
/// ```
pub trait DynamoTableMethods: DynamoTable
where
    Self::PK: PartialEq,
    Self::SK: PartialEq,
{
    /// The items of `left` whose key is not in `right`.
    fn left_diff(left: Vec<Self>, right: Vec<CompositeKey<Self::PK, Self::SK>>) -> Vec<Self> {
        left.into_iter()
            .filter(|item| !right.contains(&item.composite_key()))
            .collect()
    }

    /// The keys of `right` that no item of `left` has.
    fn right_diff(
        left: Vec<Self>,
        right: Vec<CompositeKey<Self::PK, Self::SK>>,
    ) -> Vec<CompositeKey<Self::PK, Self::SK>> {
        let left_keys: Vec<_> = left.iter().map(DynamoTable::composite_key).collect();
        right
            .into_iter()
            .filter(|key| !left_keys.contains(key))
            .collect()
    }
}

impl<T> DynamoTableMethods for T
where
    T: DynamoTable,
    T::PK: PartialEq,
    T::SK: PartialEq,
{
}
