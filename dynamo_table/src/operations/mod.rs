//! The operations layer: every DynamoDB operation the library performs, on a [`TableRef`] (a
//! table on a connection) and generic over the table's type.
//!
//! - [`item`]: put, get, delete, with or without a condition;
//! - [`update`]: partial updates, attribute removal, atomic increments;
//! - [`modify`]: typed updates on the derive's attribute paths;
//! - [`version`]: the check and bump of version attributes, for every write;
//! - [`read`]: queries and scans, as pages, counts and streams, and their cursors;
//! - [`batch`]: batch gets and writes that account for every item;
//! - [`admin`]: creating, waiting for and deleting tables.

pub(crate) mod admin;
pub mod batch;
pub(crate) mod item;
pub(crate) mod modify;
pub mod read;
pub mod transact;
pub(crate) mod update;
pub(crate) mod version;
pub(crate) mod write_outcome;

use crate::request::connection::Connection;
use crate::schema::RetryConfig;

/// One table on one connection: the prefixed name fixed, and the batch retry settings to use.
#[derive(Clone, Debug)]
pub(crate) struct TableRef {
    pub conn: Connection,
    pub name: String,
    pub batch_retry: RetryConfig,
}
