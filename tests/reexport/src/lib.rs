//! Re-exports `dynamo_table` under another path, as an application's storage crate might, so
//! `tests/crate_override` can check `#[dynamo(crate = "...")]` in a crate that does not depend on
//! `dynamo_table` itself.

/// The storage layer.
pub mod storage {
    pub use dynamo_table as db;
}
