//! The `#[derive(DynamoTable)]`, `#[derive(DynamoDocument)]`, `#[derive(DynamoProjection)]`,
//! `#[derive(KeyValue)]` and `expr!` macros of `dynamo_table`.
//! Use them through that crate, which documents them.
//!
//! `DynamoTable` runs in three stages, each in its own module: `attrs` parses the
//! `#[dynamo(...)]` attributes (syntax only), `validate` checks their meaning, one function per
//! rule, and builds a `model` that cannot be invalid, and `expand` turns the model into code
//! without failing. `conversion` writes the table type's item conversion, field by field, where
//! serde's attributes on it are ones it mirrors. `paths` writes the typed attribute paths that
//! `DynamoTable` and `DynamoDocument` (`document`) generate; `projection` checks a projection's
//! fields against them. The macros below are shims over entry points on `proc_macro2` tokens, which the unit
//! tests call directly.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod attrs;
mod conversion;
mod document;
mod expand;
mod expr;
mod key_types;
mod key_value;
mod model;
mod paths;
mod projection;
mod serde_names;
mod validate;

use proc_macro::TokenStream;

/// See the `dynamo_table` crate.
#[proc_macro_derive(DynamoTable, attributes(dynamo))]
pub fn derive_dynamo_table(input: TokenStream) -> TokenStream {
    expand::derive_dynamo_table(input.into()).into()
}

/// See the `dynamo_table` crate.
#[proc_macro_derive(KeyValue, attributes(dynamo))]
pub fn derive_key_value(input: TokenStream) -> TokenStream {
    key_value::derive_key_value(input.into()).into()
}

/// See the `dynamo_table` crate.
#[proc_macro_derive(DynamoDocument, attributes(dynamo))]
pub fn derive_document(input: TokenStream) -> TokenStream {
    document::derive_document(input.into()).into()
}

/// See the `dynamo_table` crate.
#[proc_macro_derive(DynamoProjection, attributes(dynamo))]
pub fn derive_projection(input: TokenStream) -> TokenStream {
    projection::derive_projection(input.into()).into()
}

/// See the `dynamo_table` crate.
#[proc_macro]
pub fn expr(input: TokenStream) -> TokenStream {
    expr::expand(input.into()).into()
}
