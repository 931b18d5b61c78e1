//! The schema layer: a table as Rust types and data. The [`DynamoTable`] trait, the key types,
//! the indexes, the version attribute and the batch retry settings a table declares. Every
//! other layer reads it.

pub mod attribute;
pub(crate) mod conversion;
mod index;
mod index_types;
mod key;
mod retry_config;
mod table;
pub(crate) mod ttl;
mod version;

pub use index::{IndexKind, IndexSchema, KeyAttribute};
pub(crate) use index_types::index_key_names;
pub use index_types::{DynamoIndex, GSITable};
pub(crate) use key::KeyNames;
pub use key::{Binary, KeyType, KeyValue, NoSortKey};
pub use retry_config::RetryConfig;
pub(crate) use table::key_names;
pub use table::{DynamoTable, IntoKey, KeyOf};
pub use ttl::Ttl;
pub use version::{VersionNumber, VersionSchema};
