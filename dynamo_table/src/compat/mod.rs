//! The compatibility layer: the published `dynamo_table` 0.11 API (the provided methods of
//! [`DynamoTable`](crate::DynamoTable) and [`GSITable`](crate::GSITable), the free functions of
//! `dynamo_table::table`, `setup`, `methods`, and the result types), with its names, argument
//! types and order, implemented as thin calls into the native API ([`Table`](crate::Table),
//! [`IndexTable`](crate::IndexTable)).
//!
//! The trait definitions live in the schema layer, which every layer reads; their provided
//! methods forward here. That forwarding is the one upward import of the crate, so this module
//! also re-exports the types their signatures name.

mod client;
pub(crate) mod gsi;
pub(crate) mod methods;
pub(crate) mod output;
pub(crate) mod setup;
mod shape;
pub(crate) mod table;

pub(crate) use crate::error::Result;
pub(crate) use crate::expression::IntoExpression;
pub(crate) use crate::operations::read::SortCondition;
pub(crate) use gsi::GsiPage;
pub(crate) use output::{BatchReadOutput, BatchWriteOutput, CompositeKey, Cursor, OutputItems};

pub(crate) use crate::client::dynamodb_client;
