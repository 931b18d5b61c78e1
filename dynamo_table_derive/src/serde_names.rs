//! What serde's own attributes say about attribute names: `rename_all` on the struct, `rename`,
//! `skip*` and `flatten` on fields. The derive must agree with serde, which writes the items.

use syn::spanned::Spanned;

/// The serde facts about one field that matter for its DynamoDB attribute.
#[derive(Debug, Default)]
pub(crate) struct SerdeField {
    /// `rename = "..."` (or its `serialize` half), with its span.
    pub rename: Option<(String, proc_macro2::Span)>,
    /// `rename(deserialize = "...")` when it differs from the serialize name.
    pub deserialize_rename: Option<String>,
    /// `skip`, `skip_serializing` or `skip_deserializing`, with its span.
    pub skip: Option<proc_macro2::Span>,
    /// `skip_serializing_if = "..."`.
    pub skip_serializing_if: bool,
    /// `with = "..."` or `serialize_with = "..."`: the path, as written.
    pub with: Option<String>,
    /// The function that serializes the field under `with` / `serialize_with`: `m::serialize`
    /// for `with = "m"`, the function itself for `serialize_with`.
    pub serializer: Option<String>,
    /// `flatten`, with its span.
    pub flatten: Option<proc_macro2::Span>,
}

/// Reads the value of a `key = value` we do not care about, or a nested `key(...)`.
pub(crate) fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

/// `rename = "x"` or `rename(serialize = "x", deserialize = "y")`: (serialize, deserialize).
fn rename_value(
    meta: &syn::meta::ParseNestedMeta<'_>,
) -> syn::Result<(Option<syn::LitStr>, Option<syn::LitStr>)> {
    if meta.input.peek(syn::Token![=]) {
        let lit: syn::LitStr = meta.value()?.parse()?;
        return Ok((Some(lit.clone()), Some(lit)));
    }
    let mut ser = None;
    let mut de = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            ser = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("deserialize") {
            de = Some(inner.value()?.parse()?);
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok((ser, de))
}

/// `#[serde(rename_all = "...")]` on the struct (its serialize half).
pub(crate) fn rename_all(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rule = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // A malformed serde attribute is serde's to report.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let (ser, _) = rename_value(&meta)?;
                rule = ser.map(|l| l.value());
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    rule
}

/// `#[serde(transparent)]` on the struct, with its span.
pub(crate) fn transparent(attrs: &[syn::Attribute]) -> Option<proc_macro2::Span> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("transparent") {
                found = Some(meta.path.span());
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    found
}

/// The serde attributes of a field.
pub(crate) fn field(attrs: &[syn::Attribute]) -> SerdeField {
    let mut out = SerdeField::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("rename") {
                let (ser, de) = rename_value(&meta)?;
                if let Some(ser) = &ser {
                    out.rename = Some((ser.value(), ser.span()));
                }
                if let (Some(ser), Some(de)) = (&ser, &de)
                    && ser.value() != de.value()
                {
                    out.deserialize_rename = Some(de.value());
                }
            } else if meta.path.is_ident("skip")
                || meta.path.is_ident("skip_serializing")
                || meta.path.is_ident("skip_deserializing")
            {
                out.skip = Some(span);
            } else if meta.path.is_ident("skip_serializing_if") {
                out.skip_serializing_if = true;
                skip_value(&meta)?;
            } else if meta.path.is_ident("flatten") {
                out.flatten = Some(span);
            } else if meta.path.is_ident("with") || meta.path.is_ident("serialize_with") {
                let path: syn::LitStr = meta.value()?.parse()?;
                out.serializer = Some(if meta.path.is_ident("with") {
                    format!("{}::serialize", path.value())
                } else {
                    path.value()
                });
                out.with = Some(path.value());
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    out
}

/// The attribute name serde writes for the field `ident`: its `rename`, else the struct's
/// `rename_all` rule applied, else the field's name.
pub(crate) fn attribute_name(
    ident: &syn::Ident,
    serde: &SerdeField,
    rename_all: Option<&str>,
) -> String {
    let base = syn::ext::IdentExt::unraw(ident).to_string();
    serde
        .rename
        .as_ref()
        .map(|r| r.0.clone())
        .or_else(|| rename_all.and_then(|rule| apply_rule(rule, &base)))
        .unwrap_or(base)
}

/// Applies a serde `rename_all` rule to a field name, as serde does; `None` for a rule serde
/// does not know (serde reports that itself).
pub(crate) fn apply_rule(rule: &str, field: &str) -> Option<String> {
    let pascal = || {
        field
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                    None => String::new(),
                }
            })
            .collect::<String>()
    };
    Some(match rule {
        "lowercase" => field.to_ascii_lowercase(),
        "UPPERCASE" => field.to_ascii_uppercase(),
        "PascalCase" => pascal(),
        "camelCase" => {
            let p = pascal();
            let mut chars = p.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => p,
            }
        }
        "snake_case" => field.to_owned(),
        "SCREAMING_SNAKE_CASE" => field.to_ascii_uppercase(),
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => field.to_ascii_uppercase().replace('_', "-"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_rules_match_serde() {
        assert_eq!(
            apply_rule("camelCase", "order_id").as_deref(),
            Some("orderId")
        );
        assert_eq!(
            apply_rule("PascalCase", "order_id").as_deref(),
            Some("OrderId")
        );
        assert_eq!(
            apply_rule("kebab-case", "order_id").as_deref(),
            Some("order-id")
        );
        assert_eq!(
            apply_rule("SCREAMING-KEBAB-CASE", "order_id").as_deref(),
            Some("ORDER-ID")
        );
        assert_eq!(
            apply_rule("UPPERCASE", "order_id").as_deref(),
            Some("ORDER_ID")
        );
        assert_eq!(apply_rule("nonsense", "order_id"), None);
    }

    #[test]
    fn field_attributes_are_read() {
        let attrs: Vec<syn::Attribute> = vec![
            syn::parse_quote!(#[serde(rename = "pk", default)]),
            syn::parse_quote!(#[serde(skip_serializing_if = "Option::is_none")]),
        ];
        let f = field(&attrs);
        assert_eq!(f.rename.map(|r| r.0).as_deref(), Some("pk"));
        assert!(f.skip_serializing_if);
        assert!(f.skip.is_none());
        let split: Vec<syn::Attribute> =
            vec![syn::parse_quote!(#[serde(rename(serialize = "a", deserialize = "b"))])];
        assert_eq!(field(&split).deserialize_rename.as_deref(), Some("b"));
    }
}
