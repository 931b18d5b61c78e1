//! Validation: from the attributes as written to a [`TableModel`] that is valid by
//! construction. Every check of meaning lives here, one function per rule, and every error is
//! collected before any is reported.

use std::collections::HashMap;

use darling::FromDeriveInput;
use darling::error::Accumulator;
use dynamo_table_rules::limits::{
    BATCH_INITIAL_DELAY_MS, BATCH_MAX_DELAY_MS, BATCH_MAX_RETRIES, MAX_GLOBAL_INDEXES,
    MAX_LOCAL_INDEXES,
};
use dynamo_table_rules::names::check_name;
use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::attrs::{ContainerAttrs, FieldAttrs, IndexAttrs};
use crate::conversion::converted_fields;
use crate::key_types::{collection_element, option_inner, type_name, why_not_a_key};
use crate::model::{IndexKind, IndexModel, KeyField, Retries, TableModel, VersionField};
use crate::paths::PathField;
use crate::serde_names::{self, SerdeField};

/// One `gsi(...)` / `lsi(...)` on one field.
struct IndexEntry<'a> {
    attrs: &'a IndexAttrs,
    kind: IndexKind,
    field: &'a NamedField<'a>,
}

/// A field with its DynamoDB attribute name worked out.
struct NamedField<'a> {
    attrs: &'a FieldAttrs,
    ident: &'a syn::Ident,
    attribute: String,
    serde: SerdeField,
}

fn error(span: Span, message: impl std::fmt::Display) -> darling::Error {
    darling::Error::custom(message).with_span(&span)
}

/// Checks a declaration and builds its model; every mistake is collected before any is
/// reported. Each rule is a function below, its comment the rule.
pub(crate) fn table_model(input: &syn::DeriveInput) -> darling::Result<TableModel> {
    check_shape(input)?;
    let attrs = ContainerAttrs::from_derive_input(input)?;
    let mut errors = darling::Error::accumulator();

    let table = table_name(&attrs, &mut errors);
    no_generics(&attrs, &mut errors);
    not_transparent(&attrs, &mut errors);
    let page_size = page_size(&attrs, &mut errors);
    let batch_retries = batch_retries(&attrs, &mut errors);

    let rename_all = serde_names::rename_all(&attrs.attrs);
    let fields: Vec<NamedField<'_>> = match &attrs.data {
        darling::ast::Data::Struct(fields) => fields
            .fields
            .iter()
            .filter_map(|f| name_field(f, rename_all.as_deref(), &mut errors))
            .collect(),
        darling::ast::Data::Enum(_) => Vec::new(),
    };
    check_unique_attributes(&fields, &mut errors);

    let pk = single_key(&fields, |f| &f.attrs.pk, "pk", "partition key", &mut errors);
    let sk = single_key(&fields, |f| &f.attrs.sk, "sk", "sort key", &mut errors);
    pk_and_sk_differ(&pk, &sk, &mut errors);
    has_partition_key(&attrs, &pk, &mut errors);
    let pk = pk.ok().flatten().map(|(key, _)| key);
    let sk = sk.ok().flatten().map(|(key, _)| key);

    let ttl = ttl_field(&fields, &mut errors);
    let version = version_field(&fields, &mut errors);
    fields.iter().for_each(|f| set_field(f, &mut errors));
    let indexes = match &pk {
        Some(pk) => collect_indexes(&fields, pk, sk.as_ref(), &mut errors),
        None => Vec::new(),
    };

    let paths = fields
        .iter()
        .filter_map(|f| {
            let key = f.attrs.pk.is_present() || f.attrs.sk.is_present();
            PathField::new(f.ident, &f.attrs.ty, &f.attribute, &f.serde, key)
        })
        .collect();

    errors.finish()?;
    match (table, pk) {
        (Some(table), Some(pk)) => Ok(TableModel {
            krate: attrs
                .krate
                .clone()
                .unwrap_or_else(|| syn::parse_quote!(::dynamo_table)),
            ident: attrs.ident,
            vis: attrs.vis,
            table,
            page_size,
            batch_retries,
            pk,
            sk,
            indexes,
            ttl,
            version,
            paths,
            conversion: converted_fields(input),
        }),
        // A missing table name or key pushed an error above.
        _ => Err(error(input.ident.span(), "invalid `#[dynamo]` attributes")),
    }
}

/// A table has a name, valid by DynamoDB's rules.
fn table_name(attrs: &ContainerAttrs, errors: &mut Accumulator) -> Option<String> {
    let Some(name) = &attrs.table else {
        errors.push(error(
            attrs.ident.span(),
            "missing the table name: add `#[dynamo(table = \"...\")]` to the struct, e.g. \
             `#[dynamo(table = \"orders\")]`",
        ));
        return None;
    };
    if let Err(problem) = check_name("table", name) {
        errors.push(error(name.span(), problem));
    }
    Some(name.as_str().to_owned())
}

/// One Rust type maps to one table: no generic parameters.
fn no_generics(attrs: &ContainerAttrs, errors: &mut Accumulator) {
    if let Some(param) = attrs.generics.params.first() {
        errors.push(error(
            param.span(),
            "`DynamoTable` cannot be derived for a generic struct: one Rust type maps to one \
             table, so remove the generic parameters",
        ));
    }
}

/// An item is a map of attributes: serde must not write the struct as its one field's value.
fn not_transparent(attrs: &ContainerAttrs, errors: &mut Accumulator) {
    if let Some(span) = serde_names::transparent(&attrs.attrs) {
        errors.push(error(
            span,
            "`#[serde(transparent)]` writes the struct as its single field's value, and a \
             DynamoDB item must be a map of attributes: remove `transparent`",
        ));
    }
}

/// `page_size` reads at least one item.
fn page_size(attrs: &ContainerAttrs, errors: &mut Accumulator) -> Option<u16> {
    let lit = attrs.page_size.as_ref()?;
    match lit.base10_parse::<u16>() {
        Ok(0) | Err(_) => {
            errors.push(error(
                lit.span(),
                "`page_size` must be 1 to 65535: it is the number of items a page reads when no \
                 limit is given",
            ));
            None
        }
        Ok(n) => Some(n),
    }
}

/// `batch_retries` caps each pause at no less than the first one.
fn batch_retries(attrs: &ContainerAttrs, errors: &mut Accumulator) -> Option<Retries> {
    let r = attrs.batch_retries.as_ref()?;
    let retries = Retries {
        max_retries: r.max_retries.unwrap_or(BATCH_MAX_RETRIES as usize),
        initial_delay_ms: r.initial_delay_ms.unwrap_or(BATCH_INITIAL_DELAY_MS),
        max_delay_ms: r.max_delay_ms.unwrap_or(BATCH_MAX_DELAY_MS),
    };
    if retries.max_delay_ms < retries.initial_delay_ms {
        errors.push(error(
            r.span(),
            format!(
                "`max_delay_ms` ({}) is below `initial_delay_ms` ({}): the cap must be at least \
                 the first delay",
                retries.max_delay_ms, retries.initial_delay_ms
            ),
        ));
        return None;
    }
    Some(retries)
}

/// At most one field is the time to live: a number of epoch seconds (`dynamo_table::Ttl`, an
/// integer, or a time type stored as epoch seconds by `#[serde(with = ...)]`), and no key.
fn ttl_field(fields: &[NamedField<'_>], errors: &mut Accumulator) -> Option<String> {
    let mut marked = fields.iter().filter(|f| f.attrs.ttl.is_present());
    let first = marked.next()?;
    for extra in marked {
        errors.push(error(
            extra.attrs.ttl.span(),
            format!(
                "a second `#[dynamo(ttl)]`: `{}` is already the time to live; DynamoDB reads one \
                 attribute per table, so remove this one",
                first.ident
            ),
        ));
    }
    let span = first.attrs.ttl.span();
    if is_key(first) {
        errors.push(error(
            span,
            format!(
                "`{}` is a key and cannot also be the time to live: give the expiry a field of \
                 its own",
                first.ident
            ),
        ));
    }
    if let Some(skip) = first.serde.skip {
        errors.push(error(
            skip,
            "the time to live is skipped by serde, so DynamoDB would never see it: remove `skip`",
        ));
    }
    if let Some(problem) = ttl_type_problem(&first.attrs.ty, first.serde.with.as_deref()) {
        errors.push(error(first.attrs.ty.span(), problem));
    }
    Some(first.attribute.clone())
}

/// True when the field is a key of the table or of an index.
fn is_key(field: &NamedField<'_>) -> bool {
    field.attrs.pk.is_present()
        || field.attrs.sk.is_present()
        || !field.attrs.gsi.is_empty()
        || !field.attrs.lsi.is_empty()
}

/// At most one field is the version: an integer (or an `Option` of one) that serde writes as
/// a number, and no key or time to live, since it changes with every write.
fn version_field(fields: &[NamedField<'_>], errors: &mut Accumulator) -> Option<VersionField> {
    let mut marked = fields.iter().filter(|f| f.attrs.version.is_present());
    let first = marked.next()?;
    for extra in marked {
        errors.push(error(
            extra.attrs.version.span(),
            format!(
                "a second `#[dynamo(version)]`: `{}` is already the version; a table checks one, \
                 so remove this one",
                first.ident
            ),
        ));
    }
    let span = first.attrs.version.span();
    let mut valid = true;
    let mut refuse = |span: Span, message: String| {
        errors.push(error(span, message));
        valid = false;
    };
    if is_key(first) {
        refuse(
            span,
            format!(
                "`{}` is a key and cannot also be the version: a key never changes and a version \
                 changes with every write; give the version a field of its own, e.g. \
                 `#[dynamo(version)] version: u64`",
                first.ident
            ),
        );
    }
    if first.attrs.ttl.is_present() {
        refuse(
            span,
            format!(
                "`{}` cannot be both the time to live and the version: give each a field of its \
                 own",
                first.ident
            ),
        );
    }
    if let Some(skip) = first.serde.skip.or(first.serde.flatten) {
        refuse(
            skip,
            "the version must be written and read as its own attribute: remove the serde `skip` \
             / `flatten`"
                .to_owned(),
        );
    }
    if first.serde.with.is_some() {
        refuse(
            span,
            format!(
                "`{}` is the version, and a `serde(with)` may write it as something other than \
                 a number, which the version check compares with: remove the `with`",
                first.ident
            ),
        );
    }
    let ty = option_inner(&first.attrs.ty).unwrap_or(&first.attrs.ty);
    let integer = matches!(
        type_name(ty).as_deref(),
        Some("u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize")
    );
    if !integer {
        refuse(
            ty.span(),
            format!(
                "`{}` is marked `version`, so it must be an integer: a version counts the item's \
                 writes; use `u64` (or another integer type, or an `Option` of one)",
                first.ident
            ),
        );
    }
    valid.then(|| VersionField {
        ident: first.ident.clone(),
        ty: first.attrs.ty.clone(),
        attribute: first.attribute.clone(),
    })
}

/// A field marked `set` is a collection of strings, numbers or `Binary`, serialized with the
/// matching set codec (serde's derive writes the field; only the codec makes it a set).
fn set_field(field: &NamedField<'_>, errors: &mut Accumulator) {
    if !field.attrs.set.is_present() {
        return;
    }
    let span = field.attrs.set.span();
    let ty = option_inner(&field.attrs.ty).unwrap_or(&field.attrs.ty);
    let Some(element) = collection_element(ty) else {
        errors.push(error(
            field.attrs.ty.span(),
            format!(
                "`{}` is marked `set`, so it must be a collection: a `HashSet`, `BTreeSet` or \
                 `Vec` of strings, numbers or `dynamo_table::schema::Binary`",
                field.ident
            ),
        ));
        return;
    };
    let codec = match type_name(element).as_deref() {
        Some("String") => "string_set",
        Some(
            "i8" | "i16" | "i32" | "i64" | "isize" | "u8" | "u16" | "u32" | "u64" | "usize" | "f32"
            | "f64",
        ) => "number_set",
        Some("Binary") => "binary_set",
        _ => {
            errors.push(error(
                element.span(),
                "the elements of a DynamoDB set are strings (`SS`), numbers (`NS`) or binary \
                 (`BS`): use `String`, a number type or `dynamo_table::schema::Binary`",
            ));
            return;
        }
    };
    if !field
        .serde
        .with
        .as_deref()
        .is_some_and(|w| w.ends_with(codec))
    {
        errors.push(error(
            span,
            format!(
                "`{}` is marked `set`, and serde writes it as a list unless told otherwise: add \
                 `#[serde(with = \"dynamo_table::attribute::{codec}\")]` (and, since DynamoDB has \
                 no empty set, `#[serde(default, skip_serializing_if = \"...::is_empty\")]`)",
                field.ident
            ),
        ));
    }
}

/// Why a field of type `ty` (serialized `with` a helper, maybe) cannot be a time to live.
fn ttl_type_problem(ty: &syn::Type, with: Option<&str>) -> Option<String> {
    let inner = option_inner(ty).unwrap_or(ty);
    let name = match inner {
        syn::Type::Path(path) => path.path.segments.last()?.ident.to_string(),
        _ => String::new(),
    };
    let advice = "use `dynamo_table::Ttl`, an integer of epoch seconds, or a `SystemTime` with \
                  `#[serde(with = \"dynamo_table::ttl::epoch_seconds\")]`";
    match name.as_str() {
        "Ttl" | "i64" | "u64" | "i32" | "u32" => None,
        "SystemTime" | "OffsetDateTime" | "DateTime" => {
            let stored_as_seconds = with.is_some_and(|w| {
                w.contains("epoch_seconds") || w.contains("timestamp") || w.contains("ts_seconds")
            });
            (!stored_as_seconds).then(|| {
                format!(
                    "a `{name}` is not written as epoch seconds by default, and DynamoDB's time \
                     to live ignores anything else: {advice}"
                )
            })
        }
        _ => Some(format!(
            "the time to live must be a number of epoch seconds, and `{name}` is not: {advice}"
        )),
    }
}

/// A marked key field, with the span of its marker; `Err` when the field was refused.
type Marked = Result<Option<(KeyField, Span)>, ()>;

/// The partition key and the sort key are two different fields.
fn pk_and_sk_differ(pk: &Marked, sk: &Marked, errors: &mut Accumulator) {
    if let (Ok(Some((pk, _))), Ok(Some((sk, sk_span)))) = (pk, sk)
        && pk.ident == sk.ident
    {
        errors.push(error(
            *sk_span,
            format!(
                "`{}` is marked both `pk` and `sk`: a key needs two different attributes, so keep \
                 one of the two",
                sk.ident
            ),
        ));
    }
}

/// A table has a partition key.
fn has_partition_key(attrs: &ContainerAttrs, pk: &Marked, errors: &mut Accumulator) {
    if let Ok(None) = pk {
        errors.push(error(
            attrs.ident.span(),
            "no partition key: mark the field that holds it with `#[dynamo(pk)]`",
        ));
    }
}

/// Only a struct with named fields maps to items.
fn check_shape(input: &syn::DeriveInput) -> darling::Result<()> {
    let hint = "`DynamoTable` needs a struct with named fields: each field is an attribute of \
                the item";
    match &input.data {
        syn::Data::Enum(e) => Err(error(
            e.enum_token.span(),
            format!("{hint}; an enum cannot be a table (wrap it in a struct field)"),
        )),
        syn::Data::Union(u) => Err(error(u.union_token.span(), hint)),
        syn::Data::Struct(s) => match &s.fields {
            syn::Fields::Named(_) => Ok(()),
            syn::Fields::Unnamed(fields) => Err(error(
                fields.span(),
                format!("{hint}; give this tuple struct's fields names"),
            )),
            syn::Fields::Unit => Err(error(
                input.ident.span(),
                format!("{hint}; this unit struct has none"),
            )),
        },
    }
}

/// Works out the attribute name serde writes for a field (and checks `#[dynamo(rename)]`
/// against it).
fn name_field<'a>(
    field: &'a FieldAttrs,
    rename_all: Option<&str>,
    errors: &mut Accumulator,
) -> Option<NamedField<'a>> {
    let ident = field.ident.as_ref()?;
    let serde = serde_names::field(&field.attrs);
    let serde_name = serde_names::attribute_name(ident, &serde, rename_all);
    let attribute = match &field.rename {
        Some(rename) => {
            if let Some((serde_rename, _)) = &serde.rename
                && serde_rename != rename.as_str()
            {
                errors.push(error(
                    rename.span(),
                    format!(
                        "`#[dynamo(rename = \"{}\")]` disagrees with `#[serde(rename = \
                         \"{serde_rename}\")]`, and serde is what writes the item: use the same \
                         name in both, or drop the dynamo rename",
                        rename.as_str()
                    ),
                ));
            }
            rename.as_str().to_owned()
        }
        None => serde_name,
    };
    if attribute.is_empty() {
        errors.push(error(
            ident.span(),
            "an attribute name cannot be empty: rename the field to a non-empty name",
        ));
    }
    Some(NamedField {
        attrs: field,
        ident,
        attribute,
        serde,
    })
}

/// Two fields may not end up with the same attribute name.
fn check_unique_attributes(fields: &[NamedField<'_>], errors: &mut Accumulator) {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for field in fields {
        if field.serde.skip.is_some() || field.serde.flatten.is_some() {
            continue;
        }
        if let Some(first) = seen.insert(&field.attribute, field.ident) {
            errors.push(error(
                field.ident.span(),
                format!(
                    "fields `{first}` and `{}` are both written as the DynamoDB attribute `{}` \
                     (after renames): give one of them another name",
                    field.ident, field.attribute
                ),
            ));
        }
    }
}

/// Checks that a key field is always written, and has a type DynamoDB can key on.
fn check_key_field(
    field: &NamedField<'_>,
    marker: Span,
    what: &str,
    optional_allowed: bool,
    errors: &mut Accumulator,
) -> Option<KeyField> {
    if let Some(span) = field.serde.skip {
        errors.push(error(
            span,
            format!(
                "the {what} `{}` is skipped by serde, so items would be written without it: \
                 remove the `skip`",
                field.ident
            ),
        ));
        return None;
    }
    if let Some(span) = field.serde.flatten {
        errors.push(error(
            span,
            format!(
                "the {what} `{}` cannot be flattened: a key is one attribute",
                field.ident
            ),
        ));
        return None;
    }
    if let Some(de) = &field.serde.deserialize_rename {
        errors.push(error(
            marker,
            format!(
                "the {what} `{}` is written as `{}` but read as `{de}`: a key must be read under \
                 the name it is written with",
                field.ident, field.attribute
            ),
        ));
    }
    let (ty, optional) = match option_inner(&field.attrs.ty) {
        Some(inner) if optional_allowed => {
            if !field.serde.skip_serializing_if {
                errors.push(error(
                    field.attrs.ty.span(),
                    format!(
                        "the {what} `{}` is optional, so serde would write a NULL for `None`, \
                         which DynamoDB rejects in an index key: add `#[serde(skip_serializing_if \
                         = \"Option::is_none\")]`",
                        field.ident
                    ),
                ));
            }
            (inner, true)
        }
        _ => {
            if field.serde.skip_serializing_if && !optional_allowed {
                errors.push(error(
                    marker,
                    format!(
                        "the {what} `{}` has `skip_serializing_if`: a table key must always be \
                         written, so remove it",
                        field.ident
                    ),
                ));
            }
            (&field.attrs.ty, false)
        }
    };
    if let Some(problem) = why_not_a_key(ty) {
        let hint = if optional && option_inner(ty).is_some() {
            String::new()
        } else if !optional_allowed && option_inner(ty).is_some() {
            " (an `Option` is allowed only on an index key, for a sparse index)".to_owned()
        } else {
            String::new()
        };
        errors.push(error(
            ty.span(),
            format!("`{}` cannot be the {what}: {problem}{hint}", field.ident),
        ));
        return None;
    }
    Some(KeyField {
        ident: field.ident.clone(),
        ty: ty.clone(),
        attribute: field.attribute.clone(),
        optional,
    })
}

/// The field marked with `flag`: `Ok(None)` when none is, `Err(())` when the marked field was
/// refused (its error is pushed). A second marked field is an error at its flag.
fn single_key<'a>(
    fields: &'a [NamedField<'a>],
    flag: impl Fn(&'a NamedField<'a>) -> &'a darling::util::Flag,
    word: &str,
    role: &str,
    errors: &mut Accumulator,
) -> Result<Option<(KeyField, Span)>, ()> {
    let mut found: Option<Result<(KeyField, Span), ()>> = None;
    let mut first_ident: Option<&syn::Ident> = None;
    for field in fields {
        let marker = flag(field);
        if !marker.is_present() {
            continue;
        }
        if let Some(first) = first_ident {
            errors.push(error(
                marker.span(),
                format!(
                    "a second `#[dynamo({word})]`: `{first}` is already the {role}; a table has \
                     exactly one, so remove this one"
                ),
            ));
            continue;
        }
        first_ident = Some(field.ident);
        found = Some(
            check_key_field(field, marker.span(), role, false, errors)
                .map(|key| (key, marker.span()))
                .ok_or(()),
        );
    }
    found.transpose()
}

fn collect_indexes(
    fields: &[NamedField<'_>],
    table_pk: &KeyField,
    table_sk: Option<&KeyField>,
    errors: &mut Accumulator,
) -> Vec<IndexModel> {
    let mut entries: Vec<IndexEntry<'_>> = Vec::new();
    for field in fields {
        for (list, kind) in [
            (&field.attrs.gsi, IndexKind::Global),
            (&field.attrs.lsi, IndexKind::Local),
        ] {
            entries.extend(list.iter().map(|attrs| IndexEntry { attrs, kind, field }));
        }
    }

    let mut order: Vec<&str> = Vec::new();
    let mut groups: HashMap<&str, Vec<&IndexEntry<'_>>> = HashMap::new();
    for entry in &entries {
        let name = entry.attrs.name.as_str();
        if !groups.contains_key(name) {
            order.push(name);
        }
        groups.entry(name).or_default().push(entry);
    }

    let mut indexes = Vec::new();
    for name in order {
        let group = &groups[name];
        let first = group[0];
        let kind = first.kind;
        let name_span = first.attrs.name.span();
        if let Err(problem) = check_name("index", name) {
            errors.push(error(name_span, problem));
        }
        if let Some(other) = group.iter().find(|e| e.kind != kind) {
            errors.push(error(
                other.attrs.name.span(),
                format!(
                    "index `{name}` is declared both as `{}` and as `{}`: an index is global or \
                     local, and its name is unique in the table",
                    kind.word(),
                    other.kind.word()
                ),
            ));
            continue;
        }
        let mut pks = Vec::new();
        let mut sks = Vec::new();
        let mut unclear = false;
        for entry in group {
            let word = entry.kind.word();
            match (entry.attrs.pk.is_present(), entry.attrs.sk.is_present()) {
                (true, true) => errors.push(error(
                    entry.attrs.sk.span(),
                    format!(
                        "`{}` is marked both `pk` and `sk` of index `{name}`: an index key needs \
                         two different attributes",
                        entry.field.ident
                    ),
                )),
                (false, false) => {
                    unclear = true;
                    errors.push(error(
                        entry.attrs.name.span(),
                        format!(
                            "say which key of index `{name}` the field `{}` is: \
                         `{word}(name = \"{name}\", pk)` or `{word}(name = \"{name}\", sk)`",
                            entry.field.ident
                        ),
                    ));
                }
                (true, false) if entry.kind == IndexKind::Local => errors.push(error(
                    entry.attrs.pk.span(),
                    format!(
                        "a local index shares the table's partition key, so `lsi(..., pk)` is \
                         not allowed: use `lsi(name = \"{name}\", sk)` on its sort key, or make \
                         `{name}` a `gsi` to give it its own partition key"
                    ),
                )),
                (true, false) => pks.push(*entry),
                (false, true) => sks.push(*entry),
            }
        }
        for extra in pks.iter().skip(1) {
            errors.push(error(
                extra.attrs.pk.span(),
                format!(
                    "index `{name}` already has the partition key `{}`: an index has exactly one",
                    pks[0].field.ident
                ),
            ));
        }
        for extra in sks.iter().skip(1) {
            errors.push(error(
                extra.attrs.sk.span(),
                format!(
                    "index `{name}` already has the sort key `{}`: an index has at most one",
                    sks[0].field.ident
                ),
            ));
        }
        let sk = sks.first().and_then(|e| {
            check_key_field(e.field, e.attrs.sk.span(), "index sort key", true, errors)
        });
        match kind {
            IndexKind::Global => {
                let Some(pk_entry) = pks.first() else {
                    if !unclear && !group.iter().any(|e| e.attrs.pk.is_present()) {
                        errors.push(error(
                            name_span,
                            format!(
                                "global index `{name}` has no partition key: mark its field \
                                 with `gsi(name = \"{name}\", pk)`"
                            ),
                        ));
                    }
                    continue;
                };
                let pk = check_key_field(
                    pk_entry.field,
                    pk_entry.attrs.pk.span(),
                    "index partition key",
                    true,
                    errors,
                );
                if let Some(pk) = pk {
                    indexes.push(IndexModel {
                        name: name.to_owned(),
                        kind,
                        pk,
                        sk,
                    });
                }
            }
            IndexKind::Local => {
                if table_sk.is_none() {
                    errors.push(error(
                        name_span,
                        format!(
                            "local index `{name}` needs the table to have a sort key: DynamoDB \
                             only allows local indexes on tables with one; add `#[dynamo(sk)]` \
                             to a field, or make `{name}` a `gsi`"
                        ),
                    ));
                    continue;
                }
                if let Some(sk) = sk {
                    indexes.push(IndexModel {
                        name: name.to_owned(),
                        kind,
                        pk: table_pk.clone(),
                        sk: Some(sk),
                    });
                }
            }
        }
    }

    for (kind, max) in [
        (IndexKind::Global, MAX_GLOBAL_INDEXES),
        (IndexKind::Local, MAX_LOCAL_INDEXES),
    ] {
        let count = indexes.iter().filter(|i| i.kind == kind).count();
        if count > max
            && let Some(extra) = entries.iter().filter(|e| e.kind == kind).nth(max)
        {
            errors.push(error(
                extra.attrs.name.span(),
                format!(
                    "a table can have at most {max} `{}` indexes, and this struct declares \
                     {count}",
                    kind.word()
                ),
            ));
        }
    }
    indexes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(input: syn::DeriveInput) -> darling::Result<TableModel> {
        table_model(&input)
    }

    #[test]
    fn keys_indexes_and_names_land_in_the_model() {
        let m = model(syn::parse_quote! {
            #[dynamo(table = "orders", page_size = 25)]
            #[serde(rename_all = "camelCase")]
            struct Order {
                #[dynamo(pk)] r#user_id: String,
                #[dynamo(sk, lsi(name = "by_total", sk))] order_id: u64,
                #[dynamo(gsi(name = "by_status", pk))] status: String,
                #[dynamo(gsi(name = "by_status", sk))] #[serde(rename = "at")] created: u64,
                total: f64,
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.table, "orders");
        assert_eq!(m.page_size, Some(25));
        assert_eq!(m.pk.attribute, "userId");
        assert_eq!(m.sk.as_ref().map(|k| k.attribute.as_str()), Some("orderId"));
        let by_status = m.indexes.iter().find(|i| i.name == "by_status").unwrap();
        assert_eq!(by_status.pk.attribute, "status");
        assert_eq!(by_status.sk.as_ref().unwrap().attribute, "at");
        assert!(
            m.indexes
                .iter()
                .any(|i| i.name == "by_total" && i.kind == IndexKind::Local)
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
