//! Which Rust types can be DynamoDB keys, judged from the syntax of the field's type. Types this
//! cannot judge are left to the `KeyValue` bound, whose error lands on the field.

/// The last segment of a path type and its generic arguments, e.g. `Option` and `[String]`.
fn last_segment(ty: &syn::Type) -> Option<(String, Vec<&syn::Type>)> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    let args = match &segment.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((segment.ident.to_string(), args))
}

/// The element type of a set-like collection (`HashSet`, `BTreeSet`, `Vec`, `VecDeque`).
pub(crate) fn collection_element(ty: &syn::Type) -> Option<&syn::Type> {
    match last_segment(ty) {
        Some((name, args))
            if matches!(name.as_str(), "HashSet" | "BTreeSet" | "Vec" | "VecDeque")
                && !args.is_empty() =>
        {
            Some(args[0])
        }
        _ => None,
    }
}

/// The name of a path type's last segment (`u64`, `String`, `Binary`).
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    last_segment(ty).map(|(name, _)| name)
}

/// `Some(inner)` when `ty` is `Option<inner>`.
pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    match last_segment(ty) {
        Some((name, args)) if name == "Option" && args.len() == 1 => Some(args[0]),
        _ => None,
    }
}

/// Why `ty` cannot be a key, with the fix; `None` when it may be one.
pub(crate) fn why_not_a_key(ty: &syn::Type) -> Option<String> {
    let advice = "DynamoDB keys are strings (S), numbers (N) or binary (B): use `String`, an \
                  integer type, `dynamo_table::schema::Binary`, or a newtype with `#[derive(KeyValue)]`";
    match ty {
        syn::Type::Reference(_) => {
            return Some(format!("a reference cannot be a key; {advice}"));
        }
        syn::Type::Tuple(_) | syn::Type::Array(_) | syn::Type::Slice(_) => {
            return Some(format!("a tuple, array or slice cannot be a key; {advice}"));
        }
        _ => {}
    }
    let (name, args) = last_segment(ty)?;
    let problem = match name.as_str() {
        "Option" => {
            "an optional value cannot be a table key: DynamoDB needs every item to have its key"
        }
        "f32" | "f64" => "a floating-point number cannot be a key: it has no exact equality",
        "bool" => "`bool` cannot be a key: DynamoDB stores it as BOOL, not S, N or B",
        "Vec"
            if args
                .first()
                .is_some_and(|t| last_segment(t).is_some_and(|(n, _)| n == "u8")) =>
        {
            return Some(
                "`Vec<u8>` cannot be a key: serde writes it as a list of numbers; use \
                 `dynamo_table::schema::Binary`, which is written as binary (B)"
                    .to_owned(),
            );
        }
        "Vec" | "VecDeque" | "LinkedList" | "HashSet" | "BTreeSet" | "HashMap" | "BTreeMap"
        | "IndexMap" | "IndexSet" => "a collection cannot be a key",
        "Value" | "Map" => "a free-form value cannot be a key",
        _ => return None,
    };
    Some(format!("{problem}; {advice}"))
}

/// True for a plain `String` (`GSITable` keys are strings).
pub(crate) fn is_string(ty: &syn::Type) -> bool {
    matches!(last_segment(ty), Some((name, args)) if name == "String" && args.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_key_types() {
        let ok: [syn::Type; 4] = [
            syn::parse_quote!(String),
            syn::parse_quote!(u64),
            syn::parse_quote!(dynamo_table::Binary),
            syn::parse_quote!(UserId),
        ];
        for ty in ok {
            assert!(why_not_a_key(&ty).is_none());
        }
        let bad: [syn::Type; 7] = [
            syn::parse_quote!(Option<String>),
            syn::parse_quote!(f64),
            syn::parse_quote!(bool),
            syn::parse_quote!(Vec<u8>),
            syn::parse_quote!(std::collections::HashMap<String, u8>),
            syn::parse_quote!(&'static str),
            syn::parse_quote!((u8, u8)),
        ];
        for ty in bad {
            assert!(why_not_a_key(&ty).is_some());
        }
        assert!(
            why_not_a_key(&syn::parse_quote!(Vec<u8>))
                .unwrap()
                .contains("Binary")
        );
        assert!(option_inner(&syn::parse_quote!(Option<u32>)).is_some());
    }
}
