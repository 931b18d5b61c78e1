//! Batch gets and writes that account for every item: chunked by DynamoDB's limits, a bounded
//! number of requests in flight, unprocessed items and retryable failures retried with backoff,
//! and one outcome per input.

mod bits;
mod chunks;
pub(crate) mod get;
mod key_hash;
mod keys;
mod results;
mod runs;
pub(crate) mod write;

pub(crate) use results::CallCapacity;
pub use results::{BatchGetResult, BatchStats, Failed};
pub(crate) use write::split;
pub use write::{BatchWrite, BatchWriteReport, BatchWriteResult, WriteOutcome};
