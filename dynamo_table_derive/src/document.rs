//! `#[derive(DynamoDocument)]` for structs stored as map attributes inside items: typed paths
//! to their attributes, under whatever path the struct sits at.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::attrs::crate_path;
use crate::paths::{FieldsCode, PathField, fields_code, plain_struct_fields};
use crate::serde_names;

/// `#[derive(DynamoDocument)]` on `proc_macro2` tokens: the impl, or an error at the offending
/// token.
pub(crate) fn derive_document(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input) {
        Ok(input) => expand(&input).unwrap_or_else(syn::Error::into_compile_error),
        Err(e) => e.to_compile_error(),
    }
}

fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let ident = &input.ident;
    let fields = plain_struct_fields(
        input,
        "DynamoDocument",
        "serde writes it as a map, whose attributes are the fields",
    )?;
    let rename_all = serde_names::rename_all(&input.attrs);
    let paths: Vec<PathField> = fields
        .iter()
        .filter_map(|field| {
            let name = field.ident.as_ref()?;
            let serde = serde_names::field(&field.attrs);
            let attribute = serde_names::attribute_name(name, &serde, rename_all.as_deref());
            PathField::new(name, &field.ty, &attribute, &serde, false)
        })
        .collect();

    let krate = crate_path(&input.attrs);
    let private = quote!(#krate::__private);
    let vis = &input.vis;
    let fields_ident = format_ident!("{}Fields", ident);
    let root = format_ident!("__DynamoItem");
    let prefix = format_ident!("prefix");
    let FieldsCode {
        declarations,
        inits,
    } = fields_code(&krate, &quote!(#root), &prefix, &paths);
    let doc = format!(
        "Typed paths to the attributes of a `{ident}` document inside items of `{root}` \
         (`path.fields()` on a path to one)."
    );
    Ok(quote! {
        #[doc = #doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #fields_ident<#root> {
            #(#declarations)*
            #[doc(hidden)]
            pub __items: ::core::marker::PhantomData<fn() -> #root>,
        }

        const _: () = {
            #[automatically_derived]
            impl #private::Document for #ident {
                type Fields<#root> = #fields_ident<#root>;

                fn fields_at<#root>(#prefix: &#private::Prefix) -> #fields_ident<#root> {
                    #fields_ident { #(#inits)* __items: ::core::marker::PhantomData }
                }
            }
        };
    })
}
