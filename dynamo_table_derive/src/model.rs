//! Validation: from the attributes as written to a [`TableModel`] that is valid by construction.
//! Every check of meaning lives here, and every error is collected before any is reported.

use darling::FromDeriveInput;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::attrs::{ContainerAttrs, FieldAttrs};

/// A table declaration that passed every check.
pub(crate) struct TableModel {
    pub ident: syn::Ident,
    pub table: String,
    pub pk: KeyField,
    pub sk: Option<KeyField>,
}

/// A key field: the Rust field and the attribute name DynamoDB sees.
pub(crate) struct KeyField {
    pub ident: syn::Ident,
    pub ty: syn::Type,
    pub attribute: String,
}

impl KeyField {
    fn new(ident: &syn::Ident, ty: &syn::Type) -> Self {
        KeyField {
            ident: ident.clone(),
            ty: ty.clone(),
            attribute: ident.unraw().to_string(),
        }
    }
}

impl TableModel {
    pub(crate) fn from_input(input: &syn::DeriveInput) -> darling::Result<Self> {
        let attrs = ContainerAttrs::from_derive_input(input)?;
        let mut errors = darling::Error::accumulator();

        let table = match &attrs.table {
            Some(name) => {
                if let Err(problem) = check_table_name(name) {
                    errors.push(darling::Error::custom(problem).with_span(&name.span()));
                }
                Some(name.as_str().to_owned())
            }
            None => {
                errors.push(
                    darling::Error::custom(
                        "missing the table name: add `#[dynamo(table = \"...\")]` to the struct, \
                         e.g. `#[dynamo(table = \"orders\")]`",
                    )
                    .with_span(&attrs.ident),
                );
                None
            }
        };

        if let Some(param) = attrs.generics.params.first() {
            errors.push(
                darling::Error::custom(
                    "`DynamoTable` cannot be derived for a generic struct: one Rust type maps to \
                     one table, so remove the generic parameters",
                )
                .with_span(&param.span()),
            );
        }

        let fields = match &attrs.data {
            darling::ast::Data::Struct(fields) => fields.fields.iter().collect(),
            darling::ast::Data::Enum(_) => Vec::new(),
        };
        let pk = single_key(&fields, |f| &f.pk, "pk", "partition key", &mut errors);
        let sk = single_key(&fields, |f| &f.sk, "sk", "sort key", &mut errors);

        if pk.is_none() {
            errors.push(
                darling::Error::custom(
                    "no partition key: mark the field that holds it with `#[dynamo(pk)]`",
                )
                .with_span(&attrs.ident),
            );
        }

        errors.finish()?;
        match (table, pk) {
            (Some(table), Some(pk)) => Ok(TableModel {
                ident: attrs.ident,
                table,
                pk,
                sk,
            }),
            // Unreachable: a missing table or pk pushed an error above.
            _ => {
                Err(darling::Error::custom("invalid `#[dynamo]` attributes")
                    .with_span(&input.ident))
            }
        }
    }
}

/// The one field marked with `flag`; a second one is an error at its flag.
fn single_key(
    fields: &[&FieldAttrs],
    flag: impl Fn(&FieldAttrs) -> &darling::util::Flag,
    word: &str,
    role: &str,
    errors: &mut darling::error::Accumulator,
) -> Option<KeyField> {
    let mut found: Option<KeyField> = None;
    for field in fields {
        let marker = flag(field);
        if !marker.is_present() {
            continue;
        }
        let Some(ident) = &field.ident else { continue };
        match &found {
            None => found = Some(KeyField::new(ident, &field.ty)),
            Some(first) => errors.push(
                darling::Error::custom(format!(
                    "a second `#[dynamo({word})]`: `{}` is already the {role}; a table has \
                     exactly one, so remove this one",
                    first.ident
                ))
                .with_span(&marker.span()),
            ),
        }
    }
    found
}

/// DynamoDB's rule for table and index names: 3-255 characters of `A-Z a-z 0-9 _ - .`.
pub(crate) fn check_table_name(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(format!(
            "`{name}` is not a valid DynamoDB table name: `{bad}` is not allowed; use only \
             A-Z a-z 0-9 _ - ."
        ));
    }
    if !(3..=255).contains(&len) {
        return Err(format!(
            "`{name}` is not a valid DynamoDB table name: it has {len} characters, and a name \
             needs 3 to 255"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(input: syn::DeriveInput) -> darling::Result<TableModel> {
        TableModel::from_input(&input)
    }

    #[test]
    fn table_names_follow_dynamodb_rules() {
        assert!(check_table_name("orders").is_ok());
        assert!(check_table_name("a.b-c_9").is_ok());
        assert!(check_table_name("ab").unwrap_err().contains("2 characters"));
        assert!(check_table_name(&"x".repeat(256)).is_err());
        assert!(check_table_name("my table").unwrap_err().contains("` `"));
    }

    #[test]
    fn keys_and_names_land_in_the_model() {
        let m = model(syn::parse_quote! {
            #[dynamo(table = "orders")]
            struct Order {
                #[dynamo(pk)] r#user: String,
                #[dynamo(sk)] order_id: u64,
                total: f64,
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.table, "orders");
        assert_eq!(m.pk.attribute, "user");
        assert_eq!(
            m.sk.as_ref().map(|k| k.attribute.as_str()),
            Some("order_id")
        );
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let Err(errors) = model(syn::parse_quote! {
            #[dynamo(table = "x")]
            struct Bad {
                #[dynamo(sk)] a: String,
                #[dynamo(sk)] b: String,
            }
        }) else {
            panic!("a struct with no pk, two sks and a short name was accepted");
        };
        // table name, second sk, missing pk
        assert_eq!(errors.len(), 3, "{errors}");
    }
}
