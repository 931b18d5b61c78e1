//! `#[derive(DynamoProjection)]`: a struct of some of a table type's fields
//! (`#[dynamo(of = Order)]`), each checked against the table type's typed paths.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attrs::crate_path;
use crate::key_types::option_inner;
use crate::paths::plain_struct_fields;
use crate::serde_names;

/// `#[derive(DynamoProjection)]` on `proc_macro2` tokens: the impl, or an error at the
/// offending token.
pub(crate) fn derive_projection(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input) {
        Ok(input) => expand(&input).unwrap_or_else(syn::Error::into_compile_error),
        Err(e) => e.to_compile_error(),
    }
}

/// The table type of `#[dynamo(of = Order)]` (or `of = "Order"`).
fn table_type(input: &syn::DeriveInput) -> syn::Result<syn::Type> {
    let mut of = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("dynamo")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("of") {
                let value = meta.value()?;
                of = Some(match value.parse::<syn::LitStr>() {
                    Ok(lit) => lit.parse::<syn::Type>()?,
                    Err(_) => value.parse::<syn::Type>()?,
                });
                Ok(())
            } else if meta.path.is_ident("crate") {
                meta.value()?.parse::<syn::Expr>().map(|_| ())
            } else {
                Err(meta.error(
                    "unknown key: a projection takes `of = TableType` (and `crate = \"...\"`)",
                ))
            }
        })?;
    }
    of.ok_or_else(|| {
        syn::Error::new(
            input.ident.span(),
            "say which table type this is a projection of: add `#[dynamo(of = Order)]`, naming \
             the struct that derives `DynamoTable`",
        )
    })
}

fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let ident = &input.ident;
    let fields = plain_struct_fields(
        input,
        "DynamoProjection",
        "each field is one of the table type's",
    )?;
    let table = table_type(input)?;
    let krate = crate_path(&input.attrs);
    let private = quote!(#krate::__private);
    let rename_all = serde_names::rename_all(&input.attrs);
    let mut entries = Vec::new();
    for field in fields {
        let Some(name) = &field.ident else { continue };
        let serde = serde_names::field(&field.attrs);
        if serde.skip.is_some() {
            continue;
        }
        let read_as = serde_names::attribute_name(name, &serde, rename_all.as_deref());
        let field_name = name.to_string();
        let ty = option_inner(&field.ty).unwrap_or(&field.ty);
        // Spanned on the field, so "no field" and "not the table's type" point at it.
        let path = quote_spanned!(name.span()=> fields.#name);
        let check = quote_spanned!(ty.span()=> __projected_as::<#ty>);
        entries.push(quote!((#path.#check(), #read_as, #field_name)));
    }
    Ok(quote! {
        const _: () = {
            #[automatically_derived]
            impl #private::Projection for #ident {
                type Table = #table;

                fn __fields() -> #private::Vec<(#private::String, &'static str, &'static str)> {
                    let fields = <#table>::fields();
                    ::std::vec![#(#entries),*]
                }
            }
        };
    })
}
