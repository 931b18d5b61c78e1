//! `#[derive(KeyValue)]` for newtypes such as `struct UserId(String)`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

pub(crate) fn expand(input: &syn::DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let inner = match &input.data {
        syn::Data::Struct(s) if s.fields.len() == 1 => s.fields.iter().next(),
        _ => None,
    };
    let Some(field) = inner else {
        return syn::Error::new(
            input.ident.span(),
            "`KeyValue` can be derived only for a struct with exactly one field (a newtype such \
             as `struct UserId(String)`); implement `dynamo_table::KeyValue` by hand otherwise",
        )
        .to_compile_error();
    };
    if let Some(param) = input.generics.params.first() {
        return syn::Error::new(
            param.span(),
            "`KeyValue` cannot be derived for a generic type: remove the generic parameters",
        )
        .to_compile_error();
    }
    let ty = &field.ty;
    let access = match &field.ident {
        Some(name) => quote!(self.#name),
        None => quote!(self.0),
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::dynamo_table::KeyValue for #ident {
                const KEY_TYPE: ::dynamo_table::KeyType =
                    <#ty as ::dynamo_table::KeyValue>::KEY_TYPE;

                fn to_attribute_value(&self) -> ::dynamo_table::aws_sdk_dynamodb::types::AttributeValue {
                    ::dynamo_table::KeyValue::to_attribute_value(&#access)
                }
            }
        };
    }
}
