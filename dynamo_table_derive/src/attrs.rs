//! The `#[dynamo(...)]` attributes as written: syntax only, no meaning checked here.

use darling::util::{Flag, SpannedValue};
use darling::{FromDeriveInput, FromField, ast};

/// `#[dynamo(...)]` on the struct.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(dynamo), supports(struct_named))]
pub(crate) struct ContainerAttrs {
    pub ident: syn::Ident,
    pub generics: syn::Generics,
    pub data: ast::Data<(), FieldAttrs>,
    /// `table = "orders"`.
    pub table: Option<SpannedValue<String>>,
}

/// `#[dynamo(...)]` on a field.
#[derive(Debug, FromField)]
#[darling(attributes(dynamo))]
pub(crate) struct FieldAttrs {
    pub ident: Option<syn::Ident>,
    pub ty: syn::Type,
    /// `pk`: the partition key.
    pub pk: Flag,
    /// `sk`: the sort key.
    pub sk: Flag,
}
