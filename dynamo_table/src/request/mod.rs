//! The request layer: one pipeline every DynamoDB request goes through. It holds the
//! connection (SDK client, endpoint, table prefix), records consumed capacity, traces each
//! request in a span, and turns SDK errors into [`Error`](crate::error::Error) kinds through
//! one table of error codes.

pub(crate) mod attempts;
pub mod capacity;
pub(crate) mod connection;
pub(crate) mod error_map;
pub(crate) mod send;
