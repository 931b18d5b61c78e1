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
    /// `page_size = 50`: the table's `DEFAULT_PAGE_SIZE`.
    pub page_size: Option<syn::LitInt>,
    /// `crate = "path::to::dynamo_table"`, for crates that re-export dynamo_table.
    #[darling(rename = "crate")]
    pub krate: Option<syn::Path>,
    /// `batch_retries(max_retries = 3, initial_delay_ms = 200, max_delay_ms = 5000)`.
    pub batch_retries: Option<SpannedValue<RetryAttrs>>,
}

/// The table's `BATCH_RETRIES_CONFIG`, as attribute arguments.
#[derive(Debug, Clone, FromMeta)]
pub(crate) struct RetryAttrs {
    pub max_retries: Option<usize>,
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
    /// `ttl`: the attribute DynamoDB's time to live reads.
    pub ttl: Flag,
    /// `set`: the field is stored as a DynamoDB set (`SS`, `NS`, `BS`).
    pub set: Flag,
    /// `version`: the attribute writes check and bump, for optimistic locking.
    pub version: Flag,
}

/// The arguments of `gsi(...)` / `lsi(...)`.
#[derive(Debug, Clone, FromMeta)]
pub(crate) struct IndexAttrs {
    pub name: SpannedValue<String>,
    pub pk: Flag,
    pub sk: Flag,
}

/// The path of the runtime crate: `#[dynamo(crate = "...")]` if the struct says so, else
/// `::dynamo_table`. Read leniently, so that even a declaration with errors gets stubs that
/// name the right crate.
pub(crate) fn crate_path(attrs: &[syn::Attribute]) -> syn::Path {
    let mut path = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("dynamo")) {
        // Other keys, and malformed attributes, are the full parse's to report.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let value = meta.value()?;
                path = Some(match value.parse::<syn::LitStr>() {
                    Ok(lit) => lit.parse::<syn::Path>()?,
                    Err(_) => value.parse::<syn::Path>()?,
                });
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _ = meta.input.parse::<proc_macro2::Group>();
            }
            Ok(())
        });
    }
    path.unwrap_or_else(|| syn::parse_quote!(::dynamo_table))
}
