//! Secondary indexes as data: [`IndexSchema`], which the derive writes and table creation
//! reads.

use super::key::KeyType;

/// A key attribute: its name and DynamoDB type.
///
/// ```
/// use dynamo_table::schema::{KeyAttribute, KeyType};
/// let pk = KeyAttribute { name: "user_id", key_type: KeyType::S };
/// assert_eq!(pk.key_type, KeyType::S);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyAttribute {
    /// The attribute name.
    pub name: &'static str,
    /// Its DynamoDB type.
    pub key_type: KeyType,
}

/// Global or local secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexKind {
    /// A global secondary index: its own partition key, eventually consistent reads only.
    Global,
    /// A local secondary index: the table's partition key with another sort key.
    Local,
}

/// A secondary index of a table, as the derive describes it. Indexes project every attribute,
/// so a query on an index returns whole items that deserialize into the table's type.
///
/// ```
/// use dynamo_table::DynamoTable;
/// use dynamo_table::schema::IndexKind;
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     #[dynamo(sk, lsi(name = "by_id_local", sk))]
///     order_id: String,
///     #[dynamo(gsi(name = "by_status", pk))]
///     status: String,
/// }
/// let kinds: Vec<IndexKind> = Order::INDEXES.iter().map(|i| i.kind).collect();
/// assert_eq!(kinds, [IndexKind::Local, IndexKind::Global]);
/// assert_eq!(Order::INDEXES[1].partition_key.name, "status");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexSchema {
    /// The index name.
    pub name: &'static str,
    /// Global or local.
    pub kind: IndexKind,
    /// The index's partition key (for a local index, the table's).
    pub partition_key: KeyAttribute,
    /// The index's sort key, if any.
    pub sort_key: Option<KeyAttribute>,
}
