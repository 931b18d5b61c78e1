//! Code generation from a valid [`TableModel`]. Nothing here can fail.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attrs::crate_path;
use crate::conversion::conversion_code;
use crate::key_types::is_string;
use crate::model::{IndexKind, IndexModel, KeyField, TableModel};
use crate::paths::{FieldsCode, fields_code};
use crate::validate::table_model;

/// `#[derive(DynamoTable)]` on `proc_macro2` tokens (callable from tests): the impl, or the
/// errors plus a stub impl that keeps follow-on errors away.
pub(crate) fn derive_dynamo_table(input: TokenStream) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    match table_model(&input) {
        Ok(model) => table(&model),
        Err(errors) => {
            let errors = errors.write_errors();
            let stub = fallback_impl(&input);
            quote! { #errors #stub }
        }
    }
}

/// `by_status` -> `ByStatus`.
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn key_type(krate: &syn::Path, field: &KeyField) -> TokenStream {
    let ty = &field.ty;
    // Spanned on the field's type, so "cannot be a DynamoDB key" points at the field.
    quote_spanned!(ty.span()=> <#ty as #krate::__private::KeyValue>::KEY_TYPE)
}

fn key_attribute(krate: &syn::Path, field: &KeyField) -> TokenStream {
    let name = &field.attribute;
    let key_type = key_type(krate, field);
    quote!(#krate::__private::KeyAttribute { name: #name, key_type: #key_type })
}

fn table(model: &TableModel) -> TokenStream {
    let krate = &model.krate;
    let private = quote!(#krate::__private);
    let ident = &model.ident;
    let vis = &model.vis;
    let table = &model.table;
    let key_ident = format_ident!("{}Key", ident);

    let pk = &model.pk;
    let pk_ty = &pk.ty;
    let pk_ident = &pk.ident;
    let pk_attribute = &pk.attribute;
    let pk_assoc = quote_spanned!(pk_ty.span()=> type PK = #pk_ty;);

    let (sk_assoc, sk_const, sk_fn, sk_key_field, sk_key_value, sk_from_key) = match &model.sk {
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
                quote!(#[doc = "The sort key."] pub #sk_ident: #sk_ty,),
                quote!(#sk_ident: #private::Clone::clone(&self.#sk_ident),),
                quote!(#private::Option::Some(key.#sk_ident)),
            )
        }
        None => (
            quote!(type SK = #krate::__private::NoSortKey;),
            quote!(#private::Option::None),
            quote!(),
            quote!(),
            quote!(),
            quote!(#private::Option::None),
        ),
    };

    let ttl = model.ttl.as_ref().map(|attribute| {
        quote!(const TTL_ATTRIBUTE: #private::Option<&'static ::core::primitive::str> = #private::Option::Some(#attribute);)
    });
    let version = model.version.as_ref().map(|field| {
        let (ident, ty, attribute) = (&field.ident, &field.ty, &field.attribute);
        // Spanned on the field's type, so "cannot be a version attribute" points at it.
        let max = quote_spanned!(ty.span()=> <#ty as #private::VersionNumber>::MAX);
        quote! {
            const VERSION: #private::Option<#private::VersionSchema> =
                #private::Option::Some(#private::VersionSchema { attribute: #attribute, max: #max });

            fn version(&self) -> #private::Option<::core::primitive::u64> {
                #private::VersionNumber::version(&self.#ident)
            }
        }
    });
    let page_size = model
        .page_size
        .map(|n| quote!(const DEFAULT_PAGE_SIZE: ::core::primitive::u16 = #n;));
    let retries = model.batch_retries.as_ref().map(|r| {
        let (max, initial, cap) = (r.max_retries, r.initial_delay_ms, r.max_delay_ms);
        quote! {
            const BATCH_RETRIES_CONFIG: #krate::__private::RetryConfig = #krate::__private::RetryConfig {
                max_retries: #max,
                initial_delay: #private::Duration::from_millis(#initial),
                max_delay: #private::Duration::from_millis(#cap),
            };
        }
    });
    let index_schemas = model.indexes.iter().map(|index| {
        let name = &index.name;
        let kind = match index.kind {
            IndexKind::Global => quote!(#krate::__private::IndexKind::Global),
            IndexKind::Local => quote!(#krate::__private::IndexKind::Local),
        };
        let pk = key_attribute(krate, &index.pk);
        let sk = match &index.sk {
            Some(sk) => {
                let sk = key_attribute(krate, sk);
                quote!(#private::Option::Some(#sk))
            }
            None => quote!(#private::Option::None),
        };
        quote!(#krate::__private::IndexSchema { name: #name, kind: #kind, partition_key: #pk, sort_key: #sk })
    });

    let fields_ident = format_ident!("{}Fields", ident);
    let prefix = format_ident!("prefix");
    let FieldsCode {
        declarations,
        inits,
    } = fields_code(krate, &quote!(#ident), &prefix, &model.paths);
    let fields_doc = format!(
        "Typed paths to the attributes of `{ident}` items, for conditions, filters and \
         updates: `{ident}::fields()`."
    );
    let fields_fn_doc = format!("The typed paths to the attributes of `{ident}` items.");
    let key_doc = format!("The primary key of a `{ident}` item (table `{table}`).");
    let key_fn_doc = format!("This item's primary key as a [`{key_ident}`].");
    let indexes = model.indexes.iter().map(|index| index_items(model, index));
    let conversion = model
        .conversion
        .as_deref()
        .map(|fields| conversion_code(&private, fields));
    let gsi_table = gsi_table(model);

    quote! {
        #[doc = #key_doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #key_ident {
            #[doc = "The partition key."]
            pub #pk_ident: #pk_ty,
            #sk_key_field
        }

        #(#indexes)*

        #[doc = #fields_doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #fields_ident {
            #(#declarations)*
        }

        const _: () = {
            #[automatically_derived]
            impl #krate::__private::DynamoTable for #ident {
                #pk_assoc
                #sk_assoc
                const TABLE: &'static ::core::primitive::str = #table;
                const PARTITION_KEY: &'static ::core::primitive::str = #pk_attribute;
                const SORT_KEY: #private::Option<&'static ::core::primitive::str> = #sk_const;
                const INDEXES: &'static [#krate::__private::IndexSchema] = &[#(#index_schemas),*];
                #page_size
                #retries
                #ttl
                #version

                fn partition_key(&self) -> Self::PK {
                    #private::Clone::clone(&self.#pk_ident)
                }

                #sk_fn
                #conversion
            }

            #[automatically_derived]
            impl #ident {
                #[doc = #fields_fn_doc]
                #vis fn fields() -> #fields_ident {
                    let #prefix = #private::Prefix::root();
                    #fields_ident { #(#inits)* }
                }

                #[doc = #key_fn_doc]
                #vis fn key(&self) -> #key_ident {
                    #key_ident {
                        #pk_ident: #private::Clone::clone(&self.#pk_ident),
                        #sk_key_value
                    }
                }
            }

            #[automatically_derived]
            impl #krate::__private::IntoKey<#ident> for #key_ident {
                fn into_key(self) -> #krate::__private::KeyOf<#ident> {
                    let key = self;
                    (key.#pk_ident, #sk_from_key)
                }
            }

            #[automatically_derived]
            impl #krate::__private::IntoKey<#ident> for &#key_ident {
                fn into_key(self) -> #krate::__private::KeyOf<#ident> {
                    #krate::__private::IntoKey::<#ident>::into_key(#private::Clone::clone(self))
                }
            }

            #gsi_table
        };
    }
}

/// The marker type, key struct and `DynamoIndex` impl of one index.
fn index_items(model: &TableModel, index: &IndexModel) -> TokenStream {
    let krate = &model.krate;
    let private = quote!(#krate::__private);
    let table_ident = &model.ident;
    let vis = &model.vis;
    let marker = format_ident!("{}{}Index", table_ident, pascal(&index.name));
    let key_ident = format_ident!("{}Key", marker);
    let name = &index.name;
    let kind = match index.kind {
        IndexKind::Global => quote!(#krate::__private::IndexKind::Global),
        IndexKind::Local => quote!(#krate::__private::IndexKind::Local),
    };
    let pk_ty = &index.pk.ty;
    let pk_ident = &index.pk.ident;
    let pk_attribute = &index.pk.attribute;
    let read = |field: &KeyField| {
        let ident = &field.ident;
        if field.optional {
            quote!(#private::Clone::clone(self_item.#ident.as_ref()?))
        } else {
            quote!(#private::Clone::clone(&self_item.#ident))
        }
    };
    let pk_read = read(&index.pk);
    let (sk_assoc, sk_const, sk_field, sk_read) = match &index.sk {
        Some(sk) => {
            let sk_ty = &sk.ty;
            let sk_ident = &sk.ident;
            let sk_attribute = &sk.attribute;
            let value = read(sk);
            (
                quote_spanned!(sk_ty.span()=> type SK = #sk_ty;),
                quote!(#private::Option::Some(#sk_attribute)),
                quote!(#[doc = "The index sort key."] pub #sk_ident: #sk_ty,),
                quote!(#sk_ident: #value,),
            )
        }
        None => (
            quote!(type SK = #krate::__private::NoSortKey;),
            quote!(#private::Option::None),
            quote!(),
            quote!(),
        ),
    };
    let kind_word = match index.kind {
        IndexKind::Global => "global",
        IndexKind::Local => "local",
    };
    let marker_doc = format!(
        "The {kind_word} secondary index `{name}` of [`{table_ident}`]'s table; query it with \
         `client.table::<{table_ident}>().index::<{marker}>()`."
    );
    let key_doc = format!("The key of a `{table_ident}` item in index `{name}`.");
    quote! {
        #[doc = #marker_doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy)]
        #vis struct #marker;

        #[doc = #key_doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #key_ident {
            #[doc = "The index partition key."]
            pub #pk_ident: #pk_ty,
            #sk_field
        }

        const _: () = {
            #[automatically_derived]
            impl #krate::__private::DynamoIndex for #marker {
                type Table = #table_ident;
                type PK = #pk_ty;
                #sk_assoc
                const NAME: &'static ::core::primitive::str = #name;
                const KIND: #krate::__private::IndexKind = #kind;
                const PARTITION_KEY: &'static ::core::primitive::str = #pk_attribute;
                const SORT_KEY: #private::Option<&'static ::core::primitive::str> = #sk_const;
            }

            #[automatically_derived]
            impl #marker {
                /// The item's key in this index, or `None` when the item is not in it (an
                /// optional index key that is absent).
                #vis fn key_of(self_item: &#table_ident) -> #private::Option<#key_ident> {
                    #private::Option::Some(#key_ident {
                        #pk_ident: #pk_read,
                        #sk_read
                    })
                }
            }
        };
    }
}

/// `GSITable` (the published 0.x single-index API), for a struct with exactly one global index keyed by `String`s.
fn gsi_table(model: &TableModel) -> TokenStream {
    let mut globals = model.indexes.iter().filter(|i| i.kind == IndexKind::Global);
    let (Some(index), None) = (globals.next(), globals.next()) else {
        return quote!();
    };
    let plain_string = |f: &KeyField| !f.optional && is_string(&f.ty);
    if !plain_string(&index.pk) || !index.sk.as_ref().is_none_or(plain_string) {
        return quote!();
    }
    let krate = &model.krate;
    let private = quote!(#krate::__private);
    let ident = &model.ident;
    let name = &index.name;
    let pk_attribute = &index.pk.attribute;
    let pk_ident = &index.pk.ident;
    let (sk_const, sk_fn) = match &index.sk {
        Some(sk) => {
            let attribute = &sk.attribute;
            let sk_ident = &sk.ident;
            (
                quote!(const GSI_SORT_KEY: #private::Option<&'static ::core::primitive::str> = #private::Option::Some(#attribute);),
                quote! {
                    fn gsi_sort_key(&self) -> #private::Option<#private::String> {
                        #private::Option::Some(#private::Clone::clone(&self.#sk_ident))
                    }
                },
            )
        }
        None => (quote!(), quote!()),
    };
    quote! {
        #[automatically_derived]
        impl #krate::__private::GSITable for #ident {
            fn global_index_name() -> #private::String {
                #private::ToOwned::to_owned(#name)
            }
            const GSI_PARTITION_KEY: &'static ::core::primitive::str = #pk_attribute;
            #sk_const

            fn gsi_partition_key(&self) -> #private::String {
                #private::Clone::clone(&self.#pk_ident)
            }

            #sk_fn
        }
    }
}

/// After an error, an impl with the right shape and no behaviour, so that uses of the type's
/// table functions do not add errors of their own. Not emitted for generic types, where it
/// could not be written without knowing the bounds.
fn fallback_impl(input: &syn::DeriveInput) -> TokenStream {
    if !input.generics.params.is_empty() || !matches!(input.data, syn::Data::Struct(_)) {
        return quote!();
    }
    let ident = &input.ident;
    let private = {
        let krate = crate_path(&input.attrs);
        quote!(#krate::__private)
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #private::DynamoTable for #ident {
                type PK = #private::String;
                type SK = #private::NoSortKey;
                const TABLE: &'static ::core::primitive::str = "";
                const PARTITION_KEY: &'static ::core::primitive::str = "";

                fn partition_key(&self) -> Self::PK {
                    ::core::unreachable!()
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_declaration_expands_to_the_impls() {
        let out = derive_dynamo_table(quote! {
            #[dynamo(table = "orders")]
            struct Order {
                #[dynamo(pk)] user_id: String,
                #[dynamo(gsi(name = "by_status", pk))] status: String,
            }
        })
        .to_string();
        assert!(
            out.contains("impl :: dynamo_table :: __private :: DynamoTable for Order"),
            "{out}"
        );
        assert!(out.contains("struct OrderByStatusIndex"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn errors_come_with_a_stub_that_honours_the_crate_path() {
        let out = derive_dynamo_table(quote! {
            #[dynamo(table = "x", crate = "my_app::db")]
            struct Bad { id: String }
        })
        .to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains("impl my_app :: db :: __private :: DynamoTable for Bad"),
            "{out}"
        );
        assert!(!out.contains(":: dynamo_table ::"), "{out}");
    }

    #[test]
    fn input_that_is_not_an_item_is_a_compile_error() {
        let out = derive_dynamo_table(quote!(not an item)).to_string();
        assert!(out.contains("compile_error"), "{out}");
    }
}
