//! Projections: a struct of some of a table type's fields (`#[derive(DynamoProjection)]`),
//! read with a `ProjectionExpression` of just those attributes. The derive checks each field
//! against the table type's paths: it must exist there, with the same type.

use serde::de::DeserializeOwned;

use crate::error::{Error, InvalidReason, Result};
use crate::schema::DynamoTable;

use super::path::Path;

/// A struct of some of the fields of a table type, read instead of whole items:
/// `#[derive(Deserialize, DynamoProjection)]` with `#[dynamo(of = Order)]`. Gets, queries,
/// scans, streams and batch gets return it when asked, and read only its attributes.
///
/// Each field must be a field of the table type with the same type (or an `Option` of it);
/// anything else is a compile error on the field.
///
/// ```
/// use dynamo_table::{DynamoProjection, DynamoTable};
/// use dynamo_table::expression::Projection;
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     #[dynamo(sk)]
///     order_id: String,
///     status: String,
///     total: f64,
///     notes: Vec<String>,
/// }
///
/// #[derive(Deserialize, DynamoProjection)]
/// #[dynamo(of = Order)]
/// struct OrderTotal {
///     order_id: String,
///     total: f64,
/// }
///
/// assert_eq!(OrderTotal::attributes().unwrap(), ["order_id", "total"]);
/// ```
pub trait Projection: DeserializeOwned + Send + 'static {
    /// The table type it is a projection of.
    type Table: DynamoTable;

    /// Each field: the attribute the table type writes it as, the name this type reads it
    /// under (its serde name), and the field. For the derive's generated code.
    #[doc(hidden)]
    fn __fields() -> Vec<(String, &'static str, &'static str)>;

    /// The attributes to read: the table's names for this type's fields. An error when this
    /// type reads a field under another name than the table writes it (a serde rename on one
    /// side only), with the rename to add.
    fn attributes() -> Result<Vec<String>> {
        Self::__fields()
            .into_iter()
            .map(|(attribute, read_as, field)| {
                if attribute == read_as {
                    return Ok(attribute);
                }
                Err(Error::invalid(
                    InvalidReason::Projection,
                    format!(
                        "the field `{field}` of the projection `{}` is read from the attribute \
                         `{read_as}`, and `{}` writes it as `{attribute}`: add \
                         `#[serde(rename = \"{attribute}\")]` to the projection's field",
                        std::any::type_name::<Self>(),
                        std::any::type_name::<Self::Table>(),
                    ),
                ))
            })
            .collect()
    }
}

/// A projection field's type `Self` is the table attribute's `V`.
#[diagnostic::on_unimplemented(
    message = "this projection field is a `{Self}`, and the table's attribute is a `{V}`",
    label = "not the table's type",
    note = "a projection's fields have the types of the table type's fields (or an `Option` of \
            them): use `{V}`"
)]
pub trait SameAs<V> {}

impl<V> SameAs<V> for V {}

impl<T, V, K> Path<T, V, K> {
    /// Checks, at compile time, that a projection field of type `P` matches the attribute at
    /// this path; returns the attribute's name. For the derive's generated code.
    #[doc(hidden)]
    pub fn __projected_as<P: SameAs<V>>(&self) -> String {
        self.name()
    }
}
