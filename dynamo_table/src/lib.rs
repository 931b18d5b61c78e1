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
//! # Modules
//!
//! | module | what it holds |
//! | --- | --- |
//! | the root | [`DynamoTable`] (trait and derive), [`DynamoDocument`] (derive), [`KeyValue`] (trait and derive), [`expr!`], [`DynamoClient`], [`Table`], [`IndexTable`], [`Error`], [`Result`] |
//! | [`schema`] | keys ([`KeyValue`], [`Binary`](schema::Binary), [`IntoKey`](schema::IntoKey)), indexes ([`DynamoIndex`](schema::DynamoIndex), [`IndexSchema`](schema::IndexSchema)), [`RetryConfig`] |
//! | [`read`] | [`Query`](read::Query), [`Scan`](read::Scan), [`SortCondition`](read::SortCondition), [`Cursor`](read::Cursor), [`QueryResult`](read::QueryResult) |
//! | [`batch`] | [`BatchWrite`](batch::BatchWrite) and the results of batch calls |
//! | [`expression`] | typed attribute paths ([`Path`](expression::Path)) and conditions ([`Condition`](expression::Condition)) checked by the compiler; [`Expression`](expression::Expression): written conditions and filters checked before sending |
//! | [`transaction`] | [`TransactWrite`](transaction::TransactWrite) and [`TransactGet`](transaction::TransactGet): all-or-nothing, exactly-once writes and snapshot reads |
//! | [`capacity`] | consumed capacity per call and process-wide counters |
//! | [`config`] | building an SDK configuration ([`defaults`], [`config::auto_config`]) |
//! | [`error`] | [`Error`], its [`ErrorKind`](error::ErrorKind), and why input was refused ([`InvalidReason`](error::InvalidReason)) |
//! | `local` | (feature `local`) an embedded DynamoDB for tests |
//! | [`table`], [`setup`], [`methods`], `consumed_capacity::stats` | the published 0.11 API at its paths |
//!
//! The published 0.11 API keeps its paths and signatures: the provided methods of
//! [`DynamoTable`] and [`GSITable`], the free functions and result types of [`table`]
//! ([`OutputItems`](table::OutputItems), [`Cursor`](table::Cursor),
//! [`BatchWriteOutput`](table::BatchWriteOutput), ...), [`setup::table`], [`init`],
//! [`dynamodb_client`], [`defaults`], the capacity counters, ... The README's "Coming from
//! dynamo_table 0.11" lists where it behaves differently, and why.
//!
//! # Clients
//!
//! Every operation runs on a [`DynamoClient`]: an `aws-sdk-dynamodb` client plus an optional
//! table-name prefix. The associated functions of [`DynamoTable`] (`Order::get_item`, ...) run
//! on the SDK client [`DynamoTable::dynamodb_client`] returns, by default the
//! [`global_client`]'s (with its prefix): set it with [`init`], [`init_with_client`] or
//! [`set_global_client`], or let it initialise itself from the standard AWS configuration on
//! first use. Code that wants an explicit
//! handle (tests running in parallel, several accounts, `staging-`/`prod-` prefixes) uses
//! [`DynamoClient::table`] instead: a [`Table`] with every operation of the native API.
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
//! | `set` | field | a DynamoDB set: checks the field is a collection of strings, numbers or `Binary` using the matching [`attribute`] set codec |
//! | `ttl` | field, at most one | the time to live, in epoch seconds ([`Ttl`], an integer, or a `SystemTime` with [`ttl::epoch_seconds`]): `create()` enables TTL on it, and reads leave out expired items |
//! | `version` | field, at most one | an integer ([`VersionNumber`](schema::VersionNumber)) every write checks and bumps, for optimistic locking: see [`Table::put`], [`Table::update_if_version`], [`Table::delete_if_version`] |
//!
//! serde's `rename`, `rename_all`, `skip` and `flatten` are honoured: the attribute names in keys
//! and expressions are the ones serde writes. Key fields are `String` (`S`), integers (`N`),
//! [`Binary`](schema::Binary) (`B`) or newtypes with `#[derive(KeyValue)]`. An index key may be an `Option` with
//! `#[serde(skip_serializing_if = "Option::is_none")]`: a sparse index.
//!
//! For `struct Order` the derive also generates:
//! - `OrderKey`, the typed primary key, with `order.key()`; every method that takes a key
//!   ([`Table::get`], [`Table::batch_get`], ...) takes it, or a `(pk, Option<sk>)` pair;
//! - per index, a marker type such as `OrderByStatusIndex` ([`DynamoIndex`](schema::DynamoIndex))
//!   for [`Table::index`], and its key struct `OrderByStatusIndexKey`;
//! - [`GSITable`] when there is exactly one global index keyed by `String`s (the published 0.x
//!   API);
//! - `OrderFields`, a typed path per attribute (`Order::fields().total`, a
//!   [`Path`](expression::Path)), for conditions and filters checked against the struct:
//!   `f.total.gt(100.0) & f.status.eq("paid")` compiles, `f.total.gt("100")` does not;
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
//! [`Table::query`] and [`IndexTable::query`] build a [`Query`](read::Query) (sort-key conditions
//! with [`SortCondition`](read::SortCondition), filters, limits, order, cursors), read as one page
//! ([`Query::page`](read::Query::page), whose
//! [`QueryResult::start_cursor`](read::QueryResult::start_cursor) resumes it exactly), a count
//! over all pages, or a lazy [`Stream`](futures::Stream) of items that holds one page in memory.
//! [`Table::scan`] does the same for scans. The published API's functions (`query_items`,
//! `query_gsi_items`, ...) are thin wrappers over these.
//!
//! # Expressions
//!
//! Filters and conditions are checked before anything is sent: at compile time with [`expr!`],
//! at run time for plain strings. A bare reserved word (`status`, `name`, `data`, ... 573 of
//! them) is refused with the `#word` fix; `#word` stands for the attribute `word`. Attribute
//! names the library writes itself are always escaped, and its own placeholders are chosen so
//! that they never collide with yours.
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

// The layers, bottom first; each imports only from those below it (docs/ARCHITECTURE.md, checked
// by tests/architecture.rs).
mod client; // native API: the client handle and the global client
mod codec; // values <-> attribute values, with DynamoDB's checks
mod compat; // the published 0.x API, over the native API
pub mod config; // native API: SDK configuration
pub mod error; // foundation
pub mod expression; // conditions and filters, checked and bound

/// Typed updates of one item: [`Table::modify`] returns a [`Modify`](update::Modify).
pub mod update {
    pub use crate::operations::modify::{Modify, OldItem};
}
mod index; // native API: an index handle
#[cfg(feature = "local")]
pub mod local;
mod operations; // every DynamoDB operation
mod request; // the request pipeline: connection, span, capacity, SDK error map
mod retry; // the one retry loop
pub mod schema; // the table as types and data
mod table_handle; // native API: the table handle, Table<T>

pub use client::{DynamoClient, global_client, init, init_with_client, set_global_client};
pub use error::{Error, Result};
pub use index::IndexTable;
pub use table_handle::Table;

/// Queries and scans: builders, sort-key conditions, pages and cursors.
pub mod read {
    pub use crate::operations::read::{Cursor, Projected, Query, QueryResult, Scan, SortCondition};
}

/// Batch gets and writes that account for every item, and what they report.
pub mod batch {
    pub use crate::client::DEFAULT_BATCH_CONCURRENCY;
    pub use crate::operations::batch::{
        BatchGetResult, BatchStats, BatchWrite, BatchWriteReport, BatchWriteResult, Failed,
        WriteOutcome,
    };
}

/// Transactions: writes over any tables applied all together, once, and snapshot reads.
pub mod transaction {
    pub use crate::operations::transact::{Slot, TransactGet, TransactGetItems, TransactWrite};
}

pub use request::capacity;
pub use schema::Ttl;
pub use schema::attribute;

/// The `serde_dynamo` crate this version converts items with, for conversions of your own.
pub use serde_dynamo;

/// Time to live: [`Ttl`], and serde helpers that store other time types as epoch seconds.
pub mod ttl {
    pub use crate::schema::Ttl;
    pub use crate::schema::ttl::epoch_seconds;
}

// The published 0.11 API at the paths its users import.
#[doc(no_inline)]
pub use aws_config::meta::region::{ProvideRegion, RegionProviderChain};
#[doc(no_inline)]
pub use aws_types::sdk_config::Builder as SdkConfigBuilder;
#[doc(no_inline)]
pub use capacity::{
    CapacityStats, CapacityStatsGuard, consumed_capacity_stats, log_stats, operation_count,
    read_capacity_units, record, record_from_option, record_read, record_write,
    total_capacity_units, write_capacity_units,
};
pub use client::dynamodb_client;
#[doc(no_inline)]
pub use compat::methods::DynamoTableMethods;
#[doc(no_inline)]
pub use compat::output::CompositeKey;
#[doc(no_inline)]
pub use config::{
    BehaviorVersion, Region, RetryConfig, RetryMode, SdkConfig, TimeoutConfig, defaults,
};
#[doc(no_inline)]
pub use schema::GSITable;

/// The published 0.11 API's table module: the traits, the free functions (`add_item`,
/// `query_items_with_filter`, `batch_write`, ...) and the result types, at their published
/// paths. Each function is also a provided method of [`DynamoTable`] or [`GSITable`]; the
/// native API ([`Table`]) is the same operations on an explicit client.
pub mod table {
    pub use crate::compat::gsi::{
        count_gsi_items, query_gsi_items_with_filter, query_gsi_items_with_filter_and_projection,
    };
    pub use crate::compat::output::{
        BatchReadOutput, BatchWriteOutput, CompositeKey, Cursor, OutputItems, PartitionKey, SortKey,
    };
    pub use crate::compat::table::{
        add_item, batch_get, batch_write, count_items, delete_item, get_item, increment,
        increment_multiple, query_item, query_items, query_items_begins_with, query_items_between,
        query_items_contains, query_items_ends_with, query_items_stream, query_items_with_filter,
        query_items_with_filter_and_projection, query_items_with_projection, remove_attributes,
        scan_items, scan_items_with_filter, update_item, update_item_with_condition,
    };
    pub use crate::schema::{DynamoTable, GSITable, RetryConfig};
}

/// The published 0.11 API's table creation: [`setup::table`] and [`setup::table_with_gsi`].
pub mod setup {
    pub use crate::compat::setup::{table, table_with_gsi};
}

/// The published 0.11 API's [`DynamoTableMethods`].
pub mod methods {
    pub use crate::compat::methods::DynamoTableMethods;
}

/// The published 0.11 API's capacity counters, at `consumed_capacity::stats`; the same
/// counters as [`capacity`].
#[cfg(feature = "consumed_capacity_stats")]
pub mod consumed_capacity {
    /// The counters, their snapshot ([`stats`](stats::stats)) and the logging guard.
    pub mod stats {
        pub use crate::capacity::{
            CapacityStats, CapacityStatsGuard, consumed_capacity_stats as stats, log_stats,
            operation_count, read_capacity_units, record, record_from_option, record_read,
            record_write, total_capacity_units, write_capacity_units,
        };
    }
}

/// A Rust type stored as the items of one DynamoDB table; see the [trait](schema::DynamoTable)
/// and, for the derive, the [crate docs](crate#the-derive).
pub use schema::DynamoTable;

/// Derives [`DynamoTable`] for a struct with named fields. See the [crate docs](crate#the-derive).
pub use dynamo_table_derive::DynamoTable;

/// Derives [`Document`](expression::Document) for a struct stored as a map attribute inside
/// items, so that its attributes get typed paths too (`path.fields()`); see the
/// [trait](expression::Document).
pub use dynamo_table_derive::DynamoDocument;

/// Derives [`Projection`](expression::Projection) for a struct of some of a table type's
/// fields (`#[dynamo(of = Order)]`), read instead of whole items; see the
/// [trait](expression::Projection).
pub use dynamo_table_derive::DynamoProjection;

/// A Rust type that can be a DynamoDB key; see the [trait](schema::KeyValue).
pub use schema::KeyValue;

/// Derives [`KeyValue`] for a newtype (`struct UserId(String)`) by delegating to the inner
/// value, so the newtype can be a key.
///
/// ```
/// use dynamo_table::KeyValue;
/// use dynamo_table::schema::KeyType;
/// #[derive(Debug, Clone, serde::Serialize, serde::Deserialize, KeyValue)]
/// struct UserId(String);
/// assert_eq!(<UserId as KeyValue>::KEY_TYPE, KeyType::S);
/// ```
pub use dynamo_table_derive::KeyValue;

/// A condition or filter expression checked at compile time: a syntax error or a bare
/// reserved word is a compile error that names the fix. Expands to an
/// [`Expression`](expression::Expression).
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
    pub use crate::error::Result;
    pub use crate::expression::{
        Document, Expression, Field, Key, Path, Prefix, Projection, encode_value,
    };
    pub use crate::schema::conversion::{
        Decode, DirectDecode, DirectEncode, Encode, FieldError, Item, SerdeDecode, SerdeEncode,
        item_with_capacity, put, take,
    };
    pub use crate::schema::{
        DynamoIndex, DynamoTable, GSITable, IndexKind, IndexSchema, IntoKey, KeyAttribute, KeyOf,
        KeyType, KeyValue, NoSortKey, RetryConfig, VersionNumber, VersionSchema,
    };
    pub use aws_sdk_dynamodb::types::AttributeValue;
    pub use core::clone::Clone;
    pub use core::option::Option;
    pub use core::time::Duration;
    pub use serde::{Serialize, Serializer};
    pub use serde_dynamo::Error as SerdeDynamoError;
    pub use std::borrow::ToOwned;
    pub use std::string::String;
    pub use std::vec::Vec;
}
