//! Typed attribute paths: the `{Name}Fields` struct that `DynamoTable` and `DynamoDocument`
//! generate, one path per attribute serde writes, each with its attribute name and Rust type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::key_types::option_inner;
use crate::serde_names::SerdeField;

/// The named fields of a struct without generic parameters: what `derive` (a derive's name)
/// applies to, else an error saying why (`what`: what the fields are to it).
pub(crate) fn plain_struct_fields<'a>(
    input: &'a syn::DeriveInput,
    derive: &str,
    what: &str,
) -> syn::Result<&'a syn::punctuated::Punctuated<syn::Field, syn::Token![,]>> {
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(named),
        ..
    }) = &input.data
    else {
        return Err(syn::Error::new(
            input.ident.span(),
            format!("`{derive}` can be derived only for a struct with named fields: {what}"),
        ));
    };
    if let Some(param) = input.generics.params.first() {
        return Err(syn::Error::new(
            param.span(),
            format!(
                "`{derive}` cannot be derived for a generic struct: remove the generic parameters"
            ),
        ));
    }
    Ok(&named.named)
}

/// One field's path, as code generation needs it.
pub(crate) struct PathField {
    pub ident: syn::Ident,
    /// The field's type, as written.
    pub ty: syn::Type,
    pub attribute: String,
    /// A key of the table: conditions only, no updates.
    pub key: bool,
    /// `#[serde(flatten)]`: its attributes sit at this level (the type derives `DynamoDocument`).
    pub flatten: bool,
    /// The function serde writes the field with (`#[serde(with)]`), as a path.
    pub serializer: Option<syn::Path>,
}

impl PathField {
    /// The path of a field serde writes as `attribute`; `None` for a field serde skips.
    pub(crate) fn new(
        ident: &syn::Ident,
        ty: &syn::Type,
        attribute: &str,
        serde: &SerdeField,
        key: bool,
    ) -> Option<PathField> {
        if serde.skip.is_some() {
            return None;
        }
        Some(PathField {
            ident: ident.clone(),
            ty: ty.clone(),
            attribute: attribute.to_owned(),
            key,
            flatten: serde.flatten.is_some(),
            serializer: serde
                .serializer
                .as_deref()
                .and_then(|s| syn::parse_str(s).ok()),
        })
    }

    /// The type of the path's values: the field's type, without its `Option` (a condition
    /// compares with the value inside), unless serde writes it with a function of its own.
    fn value_type(&self) -> &syn::Type {
        match (&self.serializer, option_inner(&self.ty)) {
            (None, Some(inner)) => inner,
            _ => &self.ty,
        }
    }
}

/// The struct of paths and the expression that builds it under `prefix`.
pub(crate) struct FieldsCode {
    /// The struct's fields, with their types.
    pub declarations: Vec<TokenStream>,
    /// `field: <path>` for each, to build the struct.
    pub inits: Vec<TokenStream>,
}

/// The declarations and initializers of the paths of `fields` in items of `root`, under the
/// `Prefix` named `prefix`.
pub(crate) fn fields_code(
    krate: &syn::Path,
    root: &TokenStream,
    prefix: &syn::Ident,
    fields: &[PathField],
) -> FieldsCode {
    let private = quote!(#krate::__private);
    let mut declarations = Vec::new();
    let mut inits = Vec::new();
    for field in fields {
        let ident = &field.ident;
        let attribute = &field.attribute;
        let doc = format!("The attribute `{attribute}`.");
        if field.flatten {
            let ty = &field.ty;
            // Spanned on the type, so "not a DynamoDocument" points at the flattened field.
            let fields_ty = quote_spanned!(ty.span()=> <#ty as #private::Document>::Fields<#root>);
            declarations.push(quote!(#[doc = #doc] pub #ident: #fields_ty,));
            inits.push(quote!(#ident: <#ty as #private::Document>::fields_at::<#root>(&#prefix),));
            continue;
        }
        let value = field.value_type();
        let marker = if field.key {
            quote!(#private::Key)
        } else {
            quote!(#private::Field)
        };
        declarations
            .push(quote!(#[doc = #doc] pub #ident: #private::Path<#root, #value, #marker>,));
        let init = match &field.serializer {
            None => quote!(#private::Path::__at(&#prefix, #attribute)),
            Some(serializer) => {
                let wrapper = format_ident!("__DynamoWith");
                quote! {
                    #private::Path::__with(&#prefix, #attribute, {
                        fn encode(value: &#value) -> #private::Result<#private::AttributeValue> {
                            struct #wrapper<'a>(&'a #value);
                            impl #private::Serialize for #wrapper<'_> {
                                fn serialize<S: #private::Serializer>(
                                    &self,
                                    serializer: S,
                                ) -> #private::Result<S::Ok, S::Error> {
                                    #serializer(self.0, serializer)
                                }
                            }
                            #private::encode_value(&#wrapper(value))
                        }
                        encode
                    })
                }
            }
        };
        inits.push(quote!(#ident: #init,));
    }
    FieldsCode {
        declarations,
        inits,
    }
}
