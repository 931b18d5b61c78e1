//! DynamoDB's service limits that the library checks before sending, and the library's own
//! defaults that both the derive and the runtime need.

/// The largest item DynamoDB stores: 400 KB, attribute names included.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// The most write requests in one `BatchWriteItem` call. At 400 KB per item, 25 stay under the
/// 16 MB request limit.
pub const WRITES_PER_BATCH: usize = 25;

/// The most keys in one `BatchGetItem` call.
pub const KEYS_PER_BATCH: usize = 100;

/// The most global secondary indexes a table can have.
pub const MAX_GLOBAL_INDEXES: usize = 20;

/// The most local secondary indexes a table can have.
pub const MAX_LOCAL_INDEXES: usize = 5;

/// The longest expression (condition, filter, key condition, update, projection).
pub const MAX_EXPRESSION_BYTES: usize = 4096;

/// The most operands of `IN`.
pub const MAX_IN_OPERANDS: usize = 100;

/// The most operators and functions in one expression.
pub const MAX_OPERATORS: usize = 300;

/// The deepest nesting of parentheses and `NOT` an expression may have. DynamoDB itself bounds
/// nesting only through its 300 operators; this limit keeps the recursive parser far inside any
/// thread's stack (a 2 MiB Tokio worker in a debug build included).
pub const MAX_EXPRESSION_NESTING: usize = 64;

/// The shortest and longest table or index name.
pub const NAME_LENGTH: std::ops::RangeInclusive<usize> = 3..=255;

/// Batch retries when a table declares none: 8 retries after the first attempt...
pub const BATCH_MAX_RETRIES: u32 = 8;
/// ... the first pause at most 50 ms ...
pub const BATCH_INITIAL_DELAY_MS: u64 = 50;
/// ... each pause at most 5 s.
pub const BATCH_MAX_DELAY_MS: u64 = 5_000;

/// The longest partition key value, in bytes (table and index keys alike).
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;

/// The longest sort key value, in bytes (table and index keys alike).
pub const MAX_SORT_KEY_BYTES: usize = 1024;

/// The deepest nesting of maps and lists inside an item.
pub const MAX_ATTRIBUTE_NESTING: usize = 32;

/// The most actions in one `TransactWriteItems` (or items in one `TransactGetItems`) call.
pub const TRANSACTION_MAX_ACTIONS: usize = 100;

/// The most bytes of items one transaction may write: 4 MB.
pub const TRANSACTION_MAX_BYTES: usize = 4 * 1024 * 1024;

/// The longest `ClientRequestToken` of a transaction.
pub const CLIENT_REQUEST_TOKEN_MAX_LEN: usize = 36;
