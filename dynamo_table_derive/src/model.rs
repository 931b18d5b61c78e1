//! The model of a table declaration that passed every check: what code generation reads. It
//! cannot be built invalid (a table always has its name and partition key); the checks that
//! build it live in [`validate`](crate::validate).

use crate::conversion::ConvertedField;
use crate::paths::PathField;

/// A table declaration that passed every check.
pub(crate) struct TableModel {
    pub ident: syn::Ident,
    pub vis: syn::Visibility,
    pub krate: syn::Path,
    pub table: String,
    pub page_size: Option<u16>,
    pub batch_retries: Option<Retries>,
    pub pk: KeyField,
    pub sk: Option<KeyField>,
    pub indexes: Vec<IndexModel>,
    /// The time-to-live attribute, if a field is marked `ttl`.
    pub ttl: Option<String>,
    /// The version attribute, if a field is marked `version`.
    pub version: Option<VersionField>,
    /// A typed path per attribute serde writes.
    pub paths: Vec<PathField>,
    /// The fields as the generated item conversion sees them; `None` where serde's attributes
    /// ask for more than it mirrors (the trait's serde defaults stay).
    pub conversion: Option<Vec<ConvertedField>>,
}

/// The field marked `version`: an integer, or an `Option` of one.
pub(crate) struct VersionField {
    pub ident: syn::Ident,
    /// The field's type, as written.
    pub ty: syn::Type,
    pub attribute: String,
}

/// The table's `BATCH_RETRIES_CONFIG`, checked.
pub(crate) struct Retries {
    pub max_retries: usize,
    pub initial_delay_ms: u64,
    pub max_delay_ms: u64,
}

/// A key field: the Rust field and the attribute name DynamoDB sees.
#[derive(Clone)]
pub(crate) struct KeyField {
    pub ident: syn::Ident,
    /// The key's type (for an optional index key, the type inside the `Option`).
    pub ty: syn::Type,
    pub attribute: String,
    /// An index key held in an `Option` (a sparse index: items without it are not indexed).
    pub optional: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum IndexKind {
    Global,
    Local,
}

impl IndexKind {
    pub(crate) fn word(self) -> &'static str {
        match self {
            IndexKind::Global => "gsi",
            IndexKind::Local => "lsi",
        }
    }
}

/// A secondary index that passed every check.
pub(crate) struct IndexModel {
    pub name: String,
    pub kind: IndexKind,
    pub pk: KeyField,
    pub sk: Option<KeyField>,
}
