//! The item conversion `DynamoTable` writes: `__to_item` and `__from_item` field by field, the
//! items the same as serde_dynamo's. It mirrors what serde's derive does with the struct, so it
//! is written only where every serde attribute on the struct is one it mirrors; any other
//! (`flatten`, `with`, `alias`, `deny_unknown_fields`, ...) leaves the trait's serde defaults in
//! place, which are always right.

use proc_macro2::TokenStream;
use quote::quote;

use crate::serde_names::{apply_rule, skip_value};

/// How one field is written and read.
pub(crate) struct ConvertedField {
    pub ident: syn::Ident,
    pub ty: syn::Type,
    /// The attribute serde writes it as; `None` when serde does not write it (`skip`,
    /// `skip_serializing`).
    pub write_as: Option<String>,
    /// The attribute serde reads it from; `None` when serde does not read it (`skip`,
    /// `skip_deserializing`).
    pub read_from: Option<String>,
    /// `skip_serializing_if = "..."`: the predicate.
    pub skip_if: Option<syn::ExprPath>,
    /// `default` (`Some(None)`) or `default = "..."` (`Some(Some(path))`).
    pub default: Option<Option<syn::ExprPath>>,
}

/// The serde attributes of a field, as far as the conversion mirrors them; `None` for one it
/// does not.
#[derive(Default)]
struct FieldSerde {
    rename_ser: Option<String>,
    rename_de: Option<String>,
    skip_ser: bool,
    skip_de: bool,
    skip_if: Option<syn::ExprPath>,
    default: Option<Option<syn::ExprPath>>,
}

/// A `key = "..."` value.
fn string_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<String> {
    Ok(meta.value()?.parse::<syn::LitStr>()?.value())
}

/// `rename = "x"` or `rename(serialize = "x", deserialize = "y")`, either half optional.
fn rename_halves(
    meta: &syn::meta::ParseNestedMeta<'_>,
) -> syn::Result<(Option<String>, Option<String>)> {
    if meta.input.peek(syn::Token![=]) {
        let name = string_value(meta)?;
        return Ok((Some(name.clone()), Some(name)));
    }
    let (mut ser, mut de) = (None, None);
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            ser = Some(string_value(&inner)?);
        } else if inner.path.is_ident("deserialize") {
            de = Some(string_value(&inner)?);
        } else {
            return Err(inner.error("unknown rename half"));
        }
        Ok(())
    })?;
    Ok((ser, de))
}

/// Runs `f` on each item of every `#[serde(...)]` attribute, stopping at the first error.
fn each_serde_meta(
    attrs: &[syn::Attribute],
    mut f: impl FnMut(syn::meta::ParseNestedMeta<'_>) -> syn::Result<()>,
) -> syn::Result<()> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(&mut f)?;
    }
    Ok(())
}

/// The struct's `rename_all`: `Some(rule)`, `Some(None)` for none; `None` when the struct has a
/// serde attribute the conversion does not mirror.
fn container(attrs: &[syn::Attribute]) -> Option<Option<(String, String)>> {
    let mut rule = None;
    each_serde_meta(attrs, |meta| {
        if meta.path.is_ident("rename_all") {
            let (ser, de) = rename_halves(&meta)?;
            rule = Some((ser.unwrap_or_default(), de.unwrap_or_default()));
        } else if ["rename", "bound", "crate", "expecting"]
            .iter()
            .any(|known| meta.path.is_ident(known))
        {
            // The struct's own name, trait bounds, serde's path, an error message: none
            // changes the items.
            skip_value(&meta)?;
        } else {
            return Err(meta.error("not mirrored"));
        }
        Ok(())
    })
    .ok()?;
    Some(rule)
}

/// A field's serde attributes, or `None` when one is not mirrored.
fn field_serde(attrs: &[syn::Attribute]) -> Option<FieldSerde> {
    let mut out = FieldSerde::default();
    each_serde_meta(attrs, |meta| {
        let is = |name: &str| meta.path.is_ident(name);
        if is("rename") {
            let (ser, de) = rename_halves(&meta)?;
            out.rename_ser = ser.or(out.rename_ser.take());
            out.rename_de = de.or(out.rename_de.take());
        } else if is("skip") {
            out.skip_ser = true;
            out.skip_de = true;
        } else if is("skip_serializing") {
            out.skip_ser = true;
        } else if is("skip_deserializing") {
            out.skip_de = true;
        } else if is("skip_serializing_if") {
            out.skip_if = Some(syn::parse_str(&string_value(&meta)?)?);
        } else if is("default") {
            out.default = Some(if meta.input.peek(syn::Token![=]) {
                Some(syn::parse_str(&string_value(&meta)?)?)
            } else {
                None
            });
        } else if is("bound") {
            skip_value(&meta)?;
        } else {
            return Err(meta.error("not mirrored"));
        }
        Ok(())
    })
    .ok()?;
    Some(out)
}

/// How each field converts, or `None` when the struct's serde attributes ask for more than the
/// conversion mirrors (the serde defaults then stay).
pub(crate) fn converted_fields(input: &syn::DeriveInput) -> Option<Vec<ConvertedField>> {
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(named),
        ..
    }) = &input.data
    else {
        return None;
    };
    if !input.generics.params.is_empty() {
        return None;
    }
    let rule = container(&input.attrs)?;
    named
        .named
        .iter()
        .map(|field| {
            let ident = field.ident.clone()?;
            let serde = field_serde(&field.attrs)?;
            let base = syn::ext::IdentExt::unraw(&ident).to_string();
            // serde's rule: a rename wins; else the struct's rule for that direction.
            let named = |rename: Option<String>, rule: Option<&str>| match rename {
                Some(name) => Some(name),
                None => match rule.filter(|r| !r.is_empty()) {
                    Some(rule) => apply_rule(rule, &base),
                    None => Some(base.clone()),
                },
            };
            let write_as = named(serde.rename_ser, rule.as_ref().map(|r| r.0.as_str()))?;
            let read_from = named(serde.rename_de, rule.as_ref().map(|r| r.1.as_str()))?;
            Some(ConvertedField {
                ident,
                ty: field.ty.clone(),
                write_as: (!serde.skip_ser).then_some(write_as),
                read_from: (!serde.skip_de).then_some(read_from),
                skip_if: serde.skip_if,
                default: serde.default,
            })
        })
        .collect()
}

/// `__to_item` and `__from_item` for `fields`, inside the `DynamoTable` impl.
pub(crate) fn conversion_code(private: &TokenStream, fields: &[ConvertedField]) -> TokenStream {
    let written = fields.iter().filter(|f| f.write_as.is_some()).count();
    let inserts = fields.iter().filter_map(|field| {
        let name = field.write_as.as_ref()?;
        let ident = &field.ident;
        let insert = quote! {
            #private::put(
                &mut item,
                #name,
                (&#private::Encode(&self.#ident)).encode_field()?,
            );
        };
        Some(match &field.skip_if {
            Some(skip_if) => quote!(if !#skip_if(&self.#ident) { #insert }),
            None => insert,
        })
    });
    let reads = fields.iter().map(|field| {
        let ident = &field.ident;
        let ty = &field.ty;
        let default = match &field.default {
            Some(Some(path)) => quote!(#path()),
            _ => quote!(<#ty as ::core::default::Default>::default()),
        };
        let value = match &field.read_from {
            None => default,
            Some(name) => {
                let missing = match &field.default {
                    Some(_) => default,
                    None => quote!((&#private::Decode::<#ty>::new()).missing_field(#name)?),
                };
                quote! {
                    match #private::take(&mut item, #name) {
                        ::core::option::Option::Some(value) => {
                            (&#private::Decode::<#ty>::new()).decode_field(#name, value)?
                        }
                        ::core::option::Option::None => #missing,
                    }
                }
            }
        };
        quote!(#ident: #value,)
    });
    quote! {
        fn __to_item(&self) -> ::core::result::Result<#private::Item, #private::SerdeDynamoError> {
            #[allow(unused_imports)]
            use #private::{DirectEncode as _, SerdeEncode as _};
            let mut item = #private::item_with_capacity(#written);
            #(#inserts)*
            ::core::result::Result::Ok(item)
        }

        fn __from_item(
            mut item: #private::Item,
        ) -> ::core::result::Result<Self, #private::FieldError> {
            #[allow(unused_imports)]
            use #private::{DirectDecode as _, SerdeDecode as _};
            ::core::result::Result::Ok(Self { #(#reads)* })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(input: syn::DeriveInput) -> Option<Vec<ConvertedField>> {
        converted_fields(&input)
    }

    #[test]
    fn names_follow_serde() {
        let f = fields(syn::parse_quote! {
            #[serde(rename_all = "camelCase")]
            struct Order {
                user_id: String,
                #[serde(rename = "total_cents")]
                total: u64,
                #[serde(rename(deserialize = "old_name"))]
                renamed_on_read: String,
                #[serde(skip)]
                cache: u8,
                #[serde(skip_serializing_if = "Option::is_none", default)]
                note: Option<String>,
            }
        })
        .unwrap();
        let names: Vec<_> = f
            .iter()
            .map(|f| (f.write_as.as_deref(), f.read_from.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                (Some("userId"), Some("userId")),
                (Some("total_cents"), Some("total_cents")),
                (Some("renamedOnRead"), Some("old_name")),
                (None, None),
                (Some("note"), Some("note")),
            ]
        );
        assert!(f[4].skip_if.is_some());
        assert!(matches!(f[4].default, Some(None)));
    }

    #[test]
    fn serde_attributes_it_does_not_mirror_leave_the_serde_defaults() {
        for input in [
            syn::parse_quote!(
                struct A {
                    #[serde(flatten)]
                    inner: Inner,
                }
            ),
            syn::parse_quote!(
                struct A {
                    #[serde(with = "m")]
                    at: Time,
                }
            ),
            syn::parse_quote!(
                struct A {
                    #[serde(alias = "b")]
                    a: String,
                }
            ),
            syn::parse_quote!(
                #[serde(deny_unknown_fields)]
                struct A {
                    a: String,
                }
            ),
            syn::parse_quote!(
                #[serde(default)]
                struct A {
                    a: String,
                }
            ),
        ] {
            assert!(fields(input).is_none());
        }
        assert!(
            fields(syn::parse_quote!(
                #[serde(rename = "B")]
                struct A {
                    a: String,
                }
            ))
            .is_some()
        );
    }
}
