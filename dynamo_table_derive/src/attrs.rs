//! The `#[dynamo(...)]` attributes as written: syntax only, no meaning checked here.

use darling::util::{Flag, SpannedValue};
use darling::{FromDeriveInput, FromField, FromMeta, ast};

/// `#[dynamo(...)]` on the struct.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(dynamo), forward_attrs(serde))]
pub(crate) struct ContainerAttrs {
    pub ident: syn::Ident,
    pub vis: syn::Visibility,
    pub generics: syn::Generics,
    pub data: ast::Data<(), FieldAttrs>,
    /// `#[serde(...)]` attributes, for `rename_all`.
    pub attrs: Vec<syn::Attribute>,
    /// `table = "orders"`.
    pub table: Option<SpannedValue<String>>,
    /// `page_size = 50`: the seed's `DEFAULT_PAGE_SIZE`.
    pub page_size: Option<syn::LitInt>,
    /// `crate = "path::to::dynamo_table"`, for crates that re-export dynamo_table.
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
    /// `batch_retries(max_retries = 3, initial_delay_ms = 200, max_delay_ms = 5000)`.
    pub batch_retries: Option<SpannedValue<RetryAttrs>>,
}

/// The seed's `BATCH_RETRIES_CONFIG`, as attribute arguments.
#[derive(Debug, Clone, FromMeta)]
pub(crate) struct RetryAttrs {
    pub max_retries: Option<u32>,
    pub initial_delay_ms: Option<u64>,
    pub max_delay_ms: Option<u64>,
}

/// `#[dynamo(...)]` on a field.
#[derive(Debug, FromField)]
#[darling(attributes(dynamo), forward_attrs(serde))]
pub(crate) struct FieldAttrs {
    pub ident: Option<syn::Ident>,
    pub ty: syn::Type,
    /// `#[serde(...)]` attributes, for `rename` and `skip`.
    pub attrs: Vec<syn::Attribute>,
    /// `pk`: the table's partition key.
    pub pk: Flag,
    /// `sk`: the table's sort key.
    pub sk: Flag,
    /// `gsi(name = "...", pk)` / `gsi(name = "...", sk)`; may repeat.
    #[darling(multiple)]
    pub gsi: Vec<IndexAttrs>,
    /// `lsi(name = "...", sk)`; may repeat.
    #[darling(multiple)]
    pub lsi: Vec<IndexAttrs>,
    /// `rename = "..."`: the attribute name, for types whose `Serialize` is written by hand.
    pub rename: Option<SpannedValue<String>>,
}

/// The arguments of `gsi(...)` / `lsi(...)`.
#[derive(Debug, Clone, FromMeta)]
pub(crate) struct IndexAttrs {
    pub name: SpannedValue<String>,
    pub pk: Flag,
    pub sk: Flag,
}
