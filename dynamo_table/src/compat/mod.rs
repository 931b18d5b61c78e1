//! The compatibility layer: the published `dynamo_table` 0.x API (the provided methods of
//! [`DynamoTable`](crate::DynamoTable) and [`GSITable`](crate::GSITable), and free functions),
//! with its names, argument order and meaning, implemented as thin calls into the native API
//! ([`Table`](crate::Table), [`IndexTable`](crate::IndexTable)).
//!
//! The trait definitions live in the schema layer, which every layer reads; their provided
//! methods forward here. That forwarding is the one upward import of the crate, so this module
//! also re-exports the types their signatures name.

pub(crate) mod gsi;
mod shape;
pub(crate) mod table;

pub(crate) use crate::client::{DynamoClient, global_client};
pub(crate) use crate::error::Result;
pub(crate) use crate::expression::IntoExpression;
pub(crate) use crate::operations::batch::{BatchGetResult, BatchWriteResult};
pub(crate) use crate::operations::read::{Cursor, QueryResult, SortCondition};
pub use table::batch_write;
