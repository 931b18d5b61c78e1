//! DynamoDB's rules that [`dynamo_table`](https://crates.io/crates/dynamo_table) checks before
//! anything is sent, shared by its runtime and its derive macro so that a compile-time check and
//! a run-time check can never disagree: the condition-expression grammar, the reserved words,
//! the naming rules for tables and indexes, and the service limits.
//!
//! This is an internal crate of `dynamo_table`: depend on `dynamo_table` instead. Its API
//! follows what that crate needs and may change in any release.
//!
//! ```
//! use dynamo_table_rules::expression::check_condition;
//! let found = check_condition("#status = :s AND created_at > :t").unwrap();
//! assert_eq!(found.values, [":s", ":t"]);
//! assert!(check_condition("status = :s").unwrap_err().message.contains("`#status`"));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod expression;
pub mod limits;
pub mod names;
pub mod numbers;
pub mod reserved;
