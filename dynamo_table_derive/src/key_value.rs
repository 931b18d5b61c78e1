//! `#[derive(KeyValue)]` for newtypes such as `struct UserId(String)`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use crate::attrs::crate_path;

/// `#[derive(KeyValue)]` on `proc_macro2` tokens: the impl, or an error at the offending token.
pub(crate) fn derive_key_value(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input) {
        Ok(input) => expand(&input),
        Err(e) => e.to_compile_error(),
    }
}

fn expand(input: &syn::DeriveInput) -> TokenStream {
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
    let krate = crate_path(&input.attrs);
    let private = quote!(#krate::__private);
    let access = match &field.ident {
        Some(name) => quote!(self.#name),
        None => quote!(self.0),
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #private::KeyValue for #ident {
                const KEY_TYPE: #private::KeyType =
                    <#ty as #private::KeyValue>::KEY_TYPE;

                fn to_attribute_value(&self) -> #private::AttributeValue {
                    #private::KeyValue::to_attribute_value(&#access)
                }
            }
        };
    }
}
