//! The codec layer: Rust values to DynamoDB attribute values and back, with the checks DynamoDB
//! would otherwise make after the request was sent (key values, key attributes in items, item
//! size).

pub(crate) mod item;
pub(crate) mod key;
pub(crate) mod size;
pub(crate) mod values;
