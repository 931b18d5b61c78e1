//! Expressions users write (conditions and filters), checked before anything is sent, and the
//! binding of their placeholders; and typed ones, built from the attribute paths the derive
//! generates ([`Path`], [`Condition`]).

mod condition;
mod path;
mod projection;

use condition::Rendered;
pub use condition::{AttributeKind, Condition, Size};
pub use path::{
    Addable, Contains, Document, Field, Key, List, Number, Path, Prefixed, Set, Updatable, ValueOf,
};
#[doc(hidden)]
pub use path::{Prefix, encode_value};
pub(crate) use path::{Segment, write_path};
pub use projection::{Projection, SameAs};

use std::borrow::Cow;
use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_table_rules::expression::{
    LIBRARY_PLACEHOLDER_PREFIX, SyntaxErrorKind, check_condition,
};
use serde::Serialize;

use crate::codec::values::bad_value;
use crate::error::{Error, InvalidReason, Result};

/// A condition or filter expression that passed the checks: valid syntax, no bare reserved
/// word, placeholders listed.
///
/// Make one at compile time with [`expr!`](crate::expr), which turns mistakes into compile
/// errors, or at run time with [`Expression::parse`], which returns them as
/// [`Error::InvalidInput`]. Every function that takes an expression also takes a `&str` or
/// `String` and checks it the same way.
///
/// A `#name` placeholder stands for the attribute of the same name (`#status` is `status`)
/// unless [`Expression::name`] maps it to another.
///
/// ```
/// use dynamo_table::expression::Expression;
///
/// let e = Expression::parse("#status = :s AND created_at > :t").unwrap();
/// assert_eq!(e.value_placeholders(), [":s", ":t"]);
///
/// let err = Expression::parse("status = :s").unwrap_err();
/// assert!(err.to_string().contains("write `#status`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    text: Cow<'static, str>,
    names: Vec<String>,
    values: Vec<String>,
    /// The first element of every path (`status`, `#status`): the top-level attributes read.
    heads: Vec<String>,
    /// The whole expression is one parenthesized group.
    grouped: bool,
    renames: Vec<(String, String)>,
    /// Values that come with the expression (a typed [`Condition`]'s), bound to their
    /// placeholders.
    given: GivenValues,
}

/// The values an expression carries with it, by placeholder.
#[derive(Debug, Clone, Default, PartialEq)]
struct GivenValues(Vec<(String, AttributeValue)>);

// Attribute values compare by their content, which is reflexive: there are no floats in them.
impl Eq for GivenValues {}

impl Expression {
    /// Checks `text` and returns the expression, or an [`Error::InvalidInput`] that names the
    /// problem and the fix.
    pub fn parse(text: impl Into<Cow<'static, str>>) -> Result<Self> {
        let text = text.into();
        match check_condition(&text) {
            Ok(found) => Ok(Expression {
                text,
                names: found.names,
                values: found.values,
                heads: found.heads,
                grouped: found.grouped,
                renames: Vec::new(),
                given: GivenValues::default(),
            }),
            Err(e) => {
                let reason = match e.kind {
                    SyntaxErrorKind::Limit => InvalidReason::ExpressionLimit,
                    _ => InvalidReason::ExpressionSyntax,
                };
                // A refused expression can be long: quote its start.
                let shown: String = text.chars().take(120).collect();
                let more = if shown.len() < text.len() { "..." } else { "" };
                Err(Error::invalid(
                    reason,
                    format!(
                        "invalid expression `{shown}{more}` at byte {}: {}",
                        e.offset, e.message
                    ),
                ))
            }
        }
    }

    /// Used by `expr!`, which has run the same checks at compile time.
    #[doc(hidden)]
    pub fn __checked(
        text: &'static str,
        names: &[&str],
        values: &[&str],
        heads: &[&str],
        grouped: bool,
    ) -> Self {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        Expression {
            text: Cow::Borrowed(text),
            names: owned(names),
            values: owned(values),
            heads: owned(heads),
            grouped,
            renames: Vec::new(),
            given: GivenValues::default(),
        }
    }

    /// Maps the `#placeholder` to `attribute` (by default `#x` means the attribute `x`).
    ///
    /// ```
    /// let e = dynamo_table::expression::Expression::parse("#t > :v").unwrap().name("#t", "order-total");
    /// # let _ = e;
    /// ```
    pub fn name(mut self, placeholder: &str, attribute: impl Into<String>) -> Self {
        self.renames
            .push((placeholder.to_owned(), attribute.into()));
        self
    }

    /// The expression text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The `#name` placeholders it uses, `#` included.
    pub fn name_placeholders(&self) -> &[String] {
        &self.names
    }

    /// The `:value` placeholders it uses, `:` included.
    pub fn value_placeholders(&self) -> &[String] {
        &self.values
    }

    /// The attribute the `#name` placeholder stands for.
    fn attribute_of<'a>(&'a self, placeholder: &'a str) -> &'a str {
        self.renames
            .iter()
            .rev()
            .find(|(p, _)| p == placeholder)
            .map_or(&placeholder[1..], |(_, a)| a.as_str())
    }

    /// The attribute each `#name` placeholder stands for.
    pub(crate) fn attribute_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names
            .iter()
            .map(|placeholder| (placeholder.as_str(), self.attribute_of(placeholder)))
    }

    /// The top-level attributes the expression reads, placeholders resolved.
    fn top_level_attributes(&self) -> Vec<String> {
        self.heads
            .iter()
            .map(|head| match head.strip_prefix('#') {
                Some(_) => self.attribute_of(head).to_owned(),
                None => head.clone(),
            })
            .collect()
    }
}

impl Expression {
    /// A typed condition, written out, as an expression: checked by the same rules as a written
    /// one (DynamoDB's limits among them), its names mapped and its values given.
    fn from_rendered(rendered: Rendered) -> Result<Expression> {
        let mut expression = Expression::parse(rendered.text)?;
        for (placeholder, attribute) in rendered.names {
            expression = expression.name(&placeholder, attribute);
        }
        expression.given = GivenValues(rendered.values);
        Ok(expression)
    }
}

impl<T> IntoExpression for Condition<T> {
    fn into_expression(self) -> Result<Expression> {
        Expression::from_rendered(self.rendered()?)
    }
}

impl<T> IntoExpression for &Condition<T> {
    fn into_expression(self) -> Result<Expression> {
        Expression::from_rendered(self.rendered()?)
    }
}

/// Anything a function accepts as an expression: an [`Expression`] (already checked), or a
/// `&str` / `String`, checked on the spot.
///
/// ```
/// use dynamo_table::expr;
/// use dynamo_table::expression::{Expression, IntoExpression};
/// assert!(expr!("#a = :a").into_expression().is_ok());
/// assert!("#a = :a".into_expression().is_ok());
/// assert!(String::from("size = :s").into_expression().is_err()); // `size` bare is reserved
/// let e: Expression = Expression::parse("#a = :a").unwrap();
/// assert!((&e).into_expression().is_ok());
/// ```
pub trait IntoExpression {
    /// The checked expression.
    fn into_expression(self) -> Result<Expression>;
}

impl IntoExpression for Expression {
    fn into_expression(self) -> Result<Expression> {
        Ok(self)
    }
}

impl IntoExpression for &Expression {
    fn into_expression(self) -> Result<Expression> {
        Ok(self.clone())
    }
}

impl IntoExpression for String {
    fn into_expression(self) -> Result<Expression> {
        Expression::parse(self)
    }
}

impl IntoExpression for &str {
    fn into_expression(self) -> Result<Expression> {
        Expression::parse(self.to_owned())
    }
}

/// An expression with its values, ready to go into a request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bound {
    pub text: String,
    pub names: HashMap<String, String>,
    pub values: HashMap<String, AttributeValue>,
    /// The top-level attributes it reads (see [`Bound::mentions`]).
    pub attributes: Vec<String>,
    /// The whole expression is one parenthesized group.
    pub grouped: bool,
}

impl Bound {
    /// Checks that `values` (a map serialized by serde, e.g. `json!({":s": "x"})`, or `()` for
    /// none) gives exactly the `:value` placeholders the expression uses.
    pub(crate) fn new(expression: Expression, values: impl Serialize) -> Result<Self> {
        let mut values = placeholder_values(values)?;
        for (placeholder, value) in &expression.given.0 {
            if values.contains_key(placeholder) {
                return Err(Error::invalid(
                    InvalidReason::ExpressionValuesShape,
                    format!(
                        "a value was given for `{placeholder}`, which the typed condition \
                         `{}` sets itself: pass `()` as its values",
                        expression.text
                    ),
                ));
            }
            values.insert(placeholder.clone(), value.clone());
        }
        for used in &expression.values {
            if !values.contains_key(used) {
                return Err(Error::invalid(
                    InvalidReason::ExpressionValueMissing,
                    format!(
                        "the expression `{}` uses `{used}` but no value was given for it: add \
                         `\"{used}\": ...` to the values",
                        expression.text
                    ),
                ));
            }
        }
        for given in values.keys() {
            if !expression.values.contains(given) {
                return Err(Error::invalid(
                    InvalidReason::ExpressionValueUnused,
                    format!(
                        "a value was given for `{given}`, which the expression `{}` does not \
                         use: DynamoDB rejects unused values, so remove it or use it",
                        expression.text
                    ),
                ));
            }
        }
        let names = expression
            .attribute_names()
            .map(|(p, a)| (p.to_owned(), a.to_owned()))
            .collect();
        let attributes = expression.top_level_attributes();
        Ok(Bound {
            text: expression.text.into_owned(),
            names,
            values,
            attributes,
            grouped: expression.grouped,
        })
    }
}

/// The text, names and values of an optional expression, as the three optional fields of a
/// request.
pub(crate) type RequestParts = (
    Option<String>,
    Option<HashMap<String, String>>,
    Option<HashMap<String, AttributeValue>>,
);

impl Bound {
    /// An optional expression as the request fields it fills (empty maps left out).
    pub(crate) fn request_parts(bound: Option<Bound>) -> RequestParts {
        match bound {
            Some(b) => (Some(b.text), non_empty(b.names), non_empty(b.values)),
            None => (None, None, None),
        }
    }

    /// True when the expression reads the top-level `attribute`, bare or through a `#name`
    /// (`meta.id` reads `meta`, not `id`).
    pub(crate) fn mentions(&self, attribute: &str) -> bool {
        self.attributes.iter().any(|a| a == attribute)
    }
}

/// The names and values of an expression the library writes itself (key conditions, updates),
/// under placeholders that no expression of the user's in the same request uses: the prefix is
/// `dt_`, or `dt1_`, `dt2_`, ... when the user's placeholders already start with it.
#[derive(Debug)]
pub(crate) struct LibraryPlaceholders {
    prefix: String,
    pub names: HashMap<String, String>,
    pub values: HashMap<String, AttributeValue>,
}

/// `{sigil}{prefix}{kind}{number}`, such as `#dt_n0`: joined, not formatted (every write with an
/// expression makes a few, and `format!` costs several times a join).
fn placeholder(sigil: &str, prefix: &str, kind: &str, number: usize) -> String {
    [sigil, prefix, kind, itoa::Buffer::new().format(number)].concat()
}

impl LibraryPlaceholders {
    /// Placeholders that cannot collide with those of `others`, the user's expressions sent in
    /// the same request.
    pub(crate) fn avoiding<'a>(others: impl IntoIterator<Item = &'a Bound> + Clone) -> Self {
        let taken = |prefix: &str| {
            others.clone().into_iter().any(|bound| {
                let name = format!("#{prefix}_");
                let value = format!(":{prefix}_");
                bound.names.keys().any(|n| n.starts_with(&name))
                    || bound.values.keys().any(|v| v.starts_with(&value))
            })
        };
        let mut prefix = LIBRARY_PLACEHOLDER_PREFIX.to_owned();
        let mut variant = 0u32;
        while taken(&prefix) {
            variant += 1;
            prefix = format!("{LIBRARY_PLACEHOLDER_PREFIX}{variant}");
        }
        LibraryPlaceholders {
            prefix,
            names: HashMap::new(),
            values: HashMap::new(),
        }
    }

    /// A `#` placeholder for `attribute`, reused if the attribute already has one.
    pub(crate) fn name(&mut self, attribute: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| *a == attribute) {
            return placeholder.clone();
        }
        let placeholder = placeholder("#", &self.prefix, "_n", self.names.len());
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    /// A fresh `:` placeholder for `value`.
    pub(crate) fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = placeholder(":", &self.prefix, "_v", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// The expression `text` written with these placeholders, ready to send.
    pub(crate) fn bind(self, text: String) -> Bound {
        Bound {
            text,
            attributes: self.names.values().cloned().collect(),
            names: self.names,
            values: self.values,
            grouped: false,
        }
    }
}

impl Bound {
    /// This expression and `other`, joined with `AND`, each in parentheses where its own
    /// operators need them (and not where they would be redundant).
    pub(crate) fn and(&self, other: &Bound) -> Bound {
        let part = |b: &Bound| {
            if b.grouped {
                b.text.clone()
            } else {
                format!("({})", b.text)
            }
        };
        let mut names = self.names.clone();
        names.extend(other.names.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut values = self.values.clone();
        values.extend(other.values.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut attributes = self.attributes.clone();
        attributes.extend(other.attributes.iter().cloned());
        Bound {
            text: format!("{} AND {}", part(self), part(other)),
            names,
            values,
            attributes,
            grouped: false,
        }
    }
}

/// A `ProjectionExpression` of these top-level `attributes`, each once (DynamoDB refuses a
/// path named twice), with placeholders that cannot collide with those of `others`, the
/// expressions sent in the same request.
pub(crate) fn projection<'a>(
    others: impl IntoIterator<Item = &'a Bound> + Clone,
    attributes: &[String],
) -> Bound {
    let mut placeholders = LibraryPlaceholders::avoiding(others);
    let mut listed: Vec<String> = Vec::with_capacity(attributes.len());
    for attribute in attributes {
        let name = placeholders.name(attribute);
        if !listed.contains(&name) {
            listed.push(name);
        }
    }
    let text = listed.join(", ");
    placeholders.bind(text)
}

/// `None` for an empty map: DynamoDB rejects empty name and value maps.
pub(crate) fn non_empty<K, V>(map: HashMap<K, V>) -> Option<HashMap<K, V>> {
    (!map.is_empty()).then_some(map)
}

/// Serializes user-given placeholder values into a map keyed by `:name`.
fn placeholder_values(values: impl Serialize) -> Result<HashMap<String, AttributeValue>> {
    let shape = |message: String| Error::invalid(InvalidReason::ExpressionValuesShape, message);
    let value: AttributeValue = serde_dynamo::to_attribute_value(values).map_err(|e| {
        shape(format!(
            "expression values must be a map like `json!({{\":s\": \"x\"}})`: {e}"
        ))
    })?;
    match value {
        AttributeValue::M(map) => {
            if let Some(bad) = map.keys().find(|k| !k.starts_with(':')) {
                return Err(shape(format!(
                    "expression value key `{bad}` must start with `:`, e.g. `:{bad}`"
                )));
            }
            for (key, value) in &map {
                if let Some((path, why)) = bad_value(value, 1) {
                    return Err(Error::invalid(
                        InvalidReason::AttributeValue,
                        format!("expression value `{key}{path}`: {why}"),
                    ));
                }
            }
            Ok(map)
        }
        AttributeValue::Null(_) => Ok(HashMap::new()),
        other => Err(shape(format!(
            "expression values must be a map like `json!({{\":s\": \"x\"}})`, not {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_checks_values_both_ways() {
        let e = Expression::parse("#status = :s").unwrap();
        let bound = Bound::new(e.clone(), serde_json::json!({":s": "on"})).unwrap();
        assert_eq!(
            bound.names.get("#status").map(String::as_str),
            Some("status")
        );
        let err = Bound::new(e.clone(), serde_json::json!({})).unwrap_err();
        assert!(err.to_string().contains("no value was given"));
        let err = Bound::new(e.clone(), serde_json::json!({":s": 1, ":x": 2})).unwrap_err();
        assert!(err.to_string().contains("does not use"));
        let err = Bound::new(e, serde_json::json!({"s": 1})).unwrap_err();
        assert!(err.to_string().contains("must start with `:`"));
        let renamed = Expression::parse("#t = :v")
            .unwrap()
            .name("#t", "order-total");
        let bound = Bound::new(renamed, serde_json::json!({":v": 1})).unwrap();
        assert_eq!(bound.names["#t"], "order-total");
        assert!(bound.mentions("order-total") && !bound.mentions("t"));
    }

    #[test]
    fn nested_paths_do_not_mention_their_inner_names() {
        let e = Expression::parse("meta.id = :x AND #k = :y").unwrap();
        let bound = Bound::new(e, serde_json::json!({":x": 1, ":y": 2})).unwrap();
        assert!(bound.mentions("meta") && bound.mentions("k"));
        assert!(!bound.mentions("id"));
    }

    #[test]
    fn library_placeholders_step_around_the_users() {
        let user = Bound::new(
            Expression::parse("#dt_n0 = :dt_v0 AND #dt1_x = :y").unwrap(),
            serde_json::json!({":dt_v0": 1, ":y": 2}),
        )
        .unwrap();
        let mut ours = LibraryPlaceholders::avoiding([&user]);
        let name = ours.name("pk");
        let value = ours.value(AttributeValue::S("x".into()));
        assert_eq!((name.as_str(), value.as_str()), ("#dt2_n0", ":dt2_v0"));
        let mut alone = LibraryPlaceholders::avoiding(std::iter::empty());
        assert_eq!(alone.name("pk"), "#dt_n0");
    }
}
