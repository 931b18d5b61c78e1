//! `dynamo_table` makes a DynamoDB table feel like a typed Rust collection.
//!
//! Declare a table with `#[derive(DynamoTable)]`, then read and write it with typed keys:
//!
//! ```no_run
//! use dynamo_table::DynamoTable;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Serialize, Deserialize, DynamoTable)]
//! #[dynamo(table = "orders")]
//! struct Order {
//!     #[dynamo(pk)]
//!     user_id: String,
//!     #[dynamo(sk)]
//!     order_id: String,
//!     total: f64,
//! }
//!
//! # async fn run() -> Result<(), dynamo_table::Error> {
//! let order = Order { user_id: "u1".into(), order_id: "o1".into(), total: 9.5 };
//! order.add_item().await?;
//! let back = Order::get_item(&"u1".to_string(), Some(&"o1".to_string())).await?;
//! assert_eq!(back.map(|o| o.total), Some(9.5));
//! Order::delete_item("u1".to_string(), Some("o1".to_string())).await?;
//! # Ok(()) }
//! ```
//!
//! # Clients
//!
//! Every operation runs on a [`DynamoClient`]: an `aws-sdk-dynamodb` client plus an optional
//! table-name prefix. The associated functions of [`DynamoTable`] (`Order::get_item`, ...) use the
//! process-wide client returned by [`DynamoTable::dynamodb_client`], which defaults to
//! [`global_client`]: set it with [`init`], [`init_with_client`] or [`set_global_client`], or let it
//! initialise itself from the standard AWS configuration on first use. Code that wants an explicit
//! handle (tests running in parallel, several accounts, `staging-`/`prod-` prefixes) uses
//! [`DynamoClient::table`] instead, which offers the same operations.
//!
//! # The derive
//!
//! `#[derive(DynamoTable)]` takes these attributes:
//!
//! | attribute | where | meaning |
//! | --- | --- | --- |
//! | `table = "orders"` | struct, required | table name: 3-255 characters of `A-Z a-z 0-9 _ - .` |
//! | `page_size = 50` | struct | items per page when no limit is given (`DEFAULT_PAGE_SIZE`, default 10) |
//! | `batch_retries(max_retries = 3, initial_delay_ms = 200, max_delay_ms = 5000)` | struct | `BATCH_RETRIES_CONFIG` |
//! | `crate = "path::to::dynamo_table"` | struct | where generated code finds this crate, for re-exporters |
//! | `pk` | field | the partition key (exactly one) |
//! | `sk` | field | the sort key (at most one) |
//! | `gsi(name = "by_status", pk)` / `gsi(name = "by_status", sk)` | field, repeatable | a global secondary index's keys |
//! | `lsi(name = "by_created", sk)` | field, repeatable | a local secondary index's sort key |
//! | `rename = "..."` | field | the attribute name, for types whose `Serialize` is hand-written |
//!
//! serde's `rename`, `rename_all`, `skip` and `flatten` are honoured: the attribute names in keys
//! and expressions are the ones serde writes. Key fields are `String` (`S`), integers (`N`),
//! [`Binary`] (`B`) or newtypes with `#[derive(KeyValue)]`. An index key may be an `Option` with
//! `#[serde(skip_serializing_if = "Option::is_none")]`: a sparse index.
//!
//! For `struct Order` the derive also generates:
//! - `OrderKey`, the typed primary key, with `order.key()`; every function that takes a key
//!   ([`Table::get_by_key`], [`Table::batch_get`], ...) takes it, or the seed's `(pk, Option<sk>)`;
//! - per index, a marker type such as `OrderByStatusIndex` ([`DynamoIndex`]) for
//!   [`Table::index`], and its key struct `OrderByStatusIndexKey`;
//! - [`GSITable`] when there is exactly one global index keyed by `String`s (the seed's API);
//! - [`DynamoTable::INDEXES`]: the schema as data, which [`Table::create`] uses.
//!
//! Mistakes are compile errors that point at the attribute and say how to fix it:
//!
//! ```compile_fail
//! use dynamo_table::DynamoTable;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, DynamoTable)]
//! #[dynamo(table = "users")]
//! struct User {
//!     user_id: String, // error: no field is marked #[dynamo(pk)]
//! }
//! ```
//!
//! # Reading
//!
//! [`Table::query`] and [`IndexTable::query`] build a [`Query`] (sort-key conditions with
//! [`SortKey`], filters, limits, order, cursors), read as one page ([`Query::page`], whose
//! [`QueryResult::start_cursor`] resumes it exactly), a count over all pages, or a lazy
//! [`Stream`](futures::Stream) of items that holds one page in memory. [`Table::scan`] does the
//! same for scans. The seed's functions (`query_items`, `query_gsi_items`, ...) are thin
//! wrappers over these.
//!
//! # Expressions
//!
//! Filters and conditions are checked before anything is sent: at compile time with [`expr!`],
//! at run time for plain strings. A bare reserved word (`status`, `name`, `data`, ... 573 of
//! them) is refused with the `#word` fix; `#word` stands for the attribute `word`. Attribute
//! names the library writes itself are always escaped, and its placeholders (`#dt_...`,
//! `:dt_...`) cannot collide with yours.
//!
//! # A local DynamoDB
//!
//! With the `local` feature, `local::LocalDynamo` starts an embedded DynamoDB-compatible server
//! (dynoxide, on in-memory SQLite) inside the process: no Docker, no JVM, no AWS account.
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backoff;
mod batch;
mod batch_get;
mod batch_write;
mod capacity;
mod client;
mod config;
mod error;
mod expression;
mod handle;
mod index;
mod item;
mod item_size;
mod key;
#[cfg(feature = "local")]
pub mod local;
mod observe;
mod page;
mod query;
mod read;
mod scan;
mod schema;
mod sdk_error;
mod seed;
mod table;
mod table_batch;
mod update;

pub use batch::{BatchStats, BatchWriteResult, Failed};
pub use batch_write::{BatchWrite, BatchWriteReport, WriteOutcome};
pub use capacity::Capacity;
#[cfg(feature = "consumed_capacity_stats")]
pub use capacity::{
    CapacityStats, CapacityStatsGuard, consumed_capacity_stats, log_stats, operation_count,
    read_capacity_units, record, record_read, record_write, total_capacity_units,
    write_capacity_units,
};
pub use client::{
    DEFAULT_BATCH_CONCURRENCY, DynamoClient, global_client, init, init_with_client,
    set_global_client,
};
pub use config::{
    BehaviorVersion, ConfigLoader, Region, RetryConfig, RetryMode, SdkConfig, TimeoutConfig,
    auto_config, defaults,
};
pub use error::{Error, Result};
pub use expression::{Expression, IntoExpression};
pub use handle::Table;
pub use index::{DynamoIndex, GSITable, IndexTable};
pub use key::{Binary, IntoKey, KeyType, KeyValue, NoSortKey};
pub use page::{Cursor, QueryResult};
pub use query::{Query, SortKey};
pub use scan::Scan;
pub use schema::{IndexKind, IndexSchema, KeyAttribute};
pub use table::{DynamoTable, batch_write};
pub use table_batch::{BatchGetResult, KeyOf};

/// Derives [`DynamoTable`] for a struct with named fields. See the [crate docs](crate#the-derive).
pub use dynamo_table_derive::DynamoTable;

/// Derives [`KeyValue`] for a newtype (`struct UserId(String)`) by delegating to the inner
/// value, so the newtype can be a key.
///
/// ```
/// use dynamo_table::{KeyType, KeyValue};
/// #[derive(Debug, Clone, serde::Serialize, serde::Deserialize, KeyValue)]
/// struct UserId(String);
/// assert_eq!(<UserId as KeyValue>::KEY_TYPE, KeyType::S);
/// ```
pub use dynamo_table_derive::KeyValue;

/// A condition or filter expression checked at compile time: a syntax error or a bare
/// reserved word is a compile error that names the fix. Expands to an [`Expression`].
///
/// ```
/// let filter = dynamo_table::expr!("#status = :s AND created_at > :t");
/// assert_eq!(filter.value_placeholders(), [":s", ":t"]);
/// ```
///
/// ```compile_fail
/// let filter = dynamo_table::expr!("status = :s"); // `status` is reserved: write `#status`
/// ```
pub use dynamo_table_derive::expr;

/// The `aws-sdk-dynamodb` crate this version is built on, for requests the library does not wrap.
pub use aws_sdk_dynamodb;

// The README's complete code blocks compile as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// Items the derive's generated code uses. Not public API: no stability guarantees.
#[doc(hidden)]
pub mod __private {
    pub use core::clone::Clone;
    pub use core::option::Option;
    pub use core::time::Duration;
    pub use std::borrow::ToOwned;
    pub use std::string::String;
}
