//! Code generation from a valid [`TableModel`]. Nothing here can fail.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::TableModel;

/// The whole derive: the impl, or the errors plus a stub impl that keeps follow-on errors away.
pub(crate) fn derive(input: &syn::DeriveInput) -> TokenStream {
    match TableModel::from_input(input) {
        Ok(model) => table_impl(&model),
        Err(errors) => {
            let errors = errors.write_errors();
            let stub = fallback_impl(input);
            quote! { #errors #stub }
        }
    }
}

fn table_impl(model: &TableModel) -> TokenStream {
    let krate = quote!(::dynamo_table);
    let private = quote!(#krate::__private);
    let ident = &model.ident;
    let table = &model.table;

    let pk = &model.pk;
    let pk_ty = &pk.ty;
    let pk_ident = &pk.ident;
    let pk_attribute = &pk.attribute;
    // Spanned on the field's type, so "cannot be a DynamoDB key" points at the field.
    let pk_assoc = quote_spanned!(pk_ty.span()=> type PK = #pk_ty;);

    let (sk_assoc, sk_const, sk_fn) = match &model.sk {
        Some(sk) => {
            let sk_ty = &sk.ty;
            let sk_ident = &sk.ident;
            let sk_attribute = &sk.attribute;
            (
                quote_spanned!(sk_ty.span()=> type SK = #sk_ty;),
                quote!(#private::Option::Some(#sk_attribute)),
                quote! {
                    fn sort_key(&self) -> #private::Option<Self::SK> {
                        #private::Option::Some(#private::Clone::clone(&self.#sk_ident))
                    }
                },
            )
        }
        None => (
            quote!(type SK = #krate::NoSortKey;),
            quote!(#private::Option::None),
            quote!(),
        ),
    };

    quote! {
        const _: () = {
            #[automatically_derived]
            impl #krate::DynamoTable for #ident {
                #pk_assoc
                #sk_assoc
                const TABLE: &'static str = #table;
                const PARTITION_KEY: &'static str = #pk_attribute;
                const SORT_KEY: #private::Option<&'static str> = #sk_const;

                fn partition_key(&self) -> Self::PK {
                    #private::Clone::clone(&self.#pk_ident)
                }

                #sk_fn
            }
        };
    }
}

/// After an error, an impl with the right shape and no behaviour, so that uses of the type's
/// table functions do not add errors of their own. Not emitted for generic types, where it
/// could not be written without knowing the bounds.
fn fallback_impl(input: &syn::DeriveInput) -> TokenStream {
    if !input.generics.params.is_empty() {
        return quote!();
    }
    let ident = &input.ident;
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::dynamo_table::DynamoTable for #ident {
                type PK = ::dynamo_table::__private::String;
                type SK = ::dynamo_table::NoSortKey;
                const TABLE: &'static str = "";
                const PARTITION_KEY: &'static str = "";

                fn partition_key(&self) -> Self::PK {
                    ::core::unreachable!()
                }
            }
        };
    }
}
