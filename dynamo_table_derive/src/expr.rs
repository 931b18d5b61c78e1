//! `expr!`: a condition or filter expression checked at compile time.

use dynamo_table_rules::expression::check_condition;
use proc_macro2::TokenStream;
use quote::quote;

/// `expr!("...")` -> `::dynamo_table::Expression`, or a compile error at the literal.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let literal: syn::LitStr = match syn::parse2(input) {
        Ok(lit) => lit,
        Err(e) => {
            let message = format!(
                "{e}: `expr!` takes one string literal, e.g. `expr!(\"#status = :s\")`; for an \
                 expression built at run time use `Expression::parse`"
            );
            return syn::Error::new(e.span(), message).to_compile_error();
        }
    };
    let text = literal.value();
    match check_condition(&text) {
        Ok(found) => {
            let names = &found.names;
            let values = &found.values;
            let heads = &found.heads;
            let grouped = found.grouped;
            quote! {
                ::dynamo_table::__private::Expression::__checked(
                    #literal,
                    &[#(#names),*],
                    &[#(#values),*],
                    &[#(#heads),*],
                    #grouped,
                )
            }
        }
        Err(e) => syn::Error::new(
            literal.span(),
            format!(
                "invalid DynamoDB expression at byte {}: {}",
                e.offset, e.message
            ),
        )
        .to_compile_error(),
    }
}
