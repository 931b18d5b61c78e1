//! Typed conditions: built from [`Path`]s, checked against the struct by the compiler, and
//! written as a DynamoDB condition expression with placeholders for every name and value.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;

use super::path::{Contains, Path, Prefixed, Segment, ValueOf, encode_value, write_path};
use crate::error::{Error, InvalidReason, Result};

/// A condition on items of `T`, built from the typed paths the derive generates
/// (`Order::fields()`), and usable wherever an expression is: query and scan filters, the
/// conditions of puts, updates and deletes, transactions. Its values travel with it: pass `()`
/// as the values.
///
/// Combine with [`and`](Self::and), [`or`](Self::or), [`not`](Self::not) (or `&`, `|`, `!`).
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "orders")]
/// # struct Order { #[dynamo(pk)] user_id: String, #[dynamo(sk)] order_id: String, status: String, total: f64 }
/// # async fn run(orders: dynamo_table::Table<Order>) -> Result<(), dynamo_table::Error> {
/// let f = Order::fields();
/// let big = orders
///     .query(&"u1".to_string())
///     .filter(f.total.gt(100.0) & !f.status.eq("cancelled"), ())
///     .stream();
/// # let _ = big;
/// # Ok(()) }
/// ```
pub struct Condition<T> {
    node: Node,
    _items: PhantomData<fn() -> T>,
}

impl<T> Clone for Condition<T> {
    fn clone(&self) -> Self {
        Condition {
            node: self.node.clone(),
            _items: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Placeholders only: values may be private.
        match render(&self.node) {
            Ok(rendered) => write!(f, "Condition({})", rendered.text),
            Err(_) => f.write_str("Condition(<a value that could not be written>)"),
        }
    }
}

/// The DynamoDB type an attribute has, for [`Path::has_type`] (`attribute_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributeKind {
    /// `S`
    String,
    /// `SS`
    StringSet,
    /// `N`
    Number,
    /// `NS`
    NumberSet,
    /// `B`
    Binary,
    /// `BS`
    BinarySet,
    /// `BOOL`
    Boolean,
    /// `NULL`
    Null,
    /// `L`
    List,
    /// `M`
    Map,
}

impl AttributeKind {
    fn code(self) -> &'static str {
        match self {
            AttributeKind::String => "S",
            AttributeKind::StringSet => "SS",
            AttributeKind::Number => "N",
            AttributeKind::NumberSet => "NS",
            AttributeKind::Binary => "B",
            AttributeKind::BinarySet => "BS",
            AttributeKind::Boolean => "BOOL",
            AttributeKind::Null => "NULL",
            AttributeKind::List => "L",
            AttributeKind::Map => "M",
        }
    }
}

/// An operand: a path, the size of one, or a value (or why it could not be written).
#[derive(Clone)]
enum Operand {
    Path(Vec<Segment>),
    Size(Vec<Segment>),
    Value(std::result::Result<AttributeValue, Arc<Error>>),
}

#[derive(Clone)]
enum Node {
    Compare(Operand, &'static str, Operand),
    Between(Operand, Operand, Operand),
    In(Operand, Vec<Operand>),
    Function(&'static str, Vec<Operand>),
    /// Every one holds; chains stay flat (`a & b & c` is one `And` of three), so that long
    /// conditions do not nest deeply.
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

impl<T> Condition<T> {
    fn new(node: Node) -> Self {
        Condition {
            node,
            _items: PhantomData,
        }
    }

    /// Both conditions hold.
    pub fn and(self, other: Condition<T>) -> Condition<T> {
        let mut all = match self.node {
            Node::And(all) => all,
            single => vec![single],
        };
        match other.node {
            Node::And(more) => all.extend(more),
            single => all.push(single),
        }
        Condition::new(Node::And(all))
    }

    /// Either condition holds.
    pub fn or(self, other: Condition<T>) -> Condition<T> {
        let mut all = match self.node {
            Node::Or(all) => all,
            single => vec![single],
        };
        match other.node {
            Node::Or(more) => all.extend(more),
            single => all.push(single),
        }
        Condition::new(Node::Or(all))
    }

    /// The condition does not hold.
    #[allow(clippy::should_implement_trait)] // `Not` is implemented too, as `!`
    pub fn not(self) -> Condition<T> {
        Condition::new(Node::Not(Box::new(self.node)))
    }
}

impl<T> BitAnd for Condition<T> {
    type Output = Condition<T>;
    fn bitand(self, other: Condition<T>) -> Condition<T> {
        self.and(other)
    }
}

impl<T> BitOr for Condition<T> {
    type Output = Condition<T>;
    fn bitor(self, other: Condition<T>) -> Condition<T> {
        self.or(other)
    }
}

impl<T> Not for Condition<T> {
    type Output = Condition<T>;
    fn not(self) -> Condition<T> {
        Condition::not(self)
    }
}

fn value(encoded: Result<AttributeValue>) -> Operand {
    Operand::Value(encoded.map_err(Arc::new))
}

impl<T, V, K> Path<T, V, K> {
    fn operand(&self) -> Operand {
        Operand::Path(self.segments().to_vec())
    }

    fn compare(&self, op: &'static str, v: impl ValueOf<V>) -> Condition<T> {
        Condition::new(Node::Compare(self.operand(), op, value(self.encode(v))))
    }

    /// The attribute equals `v` (`=`).
    #[allow(clippy::should_implement_trait)] // builds a condition, not a comparison
    pub fn eq(&self, v: impl ValueOf<V>) -> Condition<T> {
        self.compare("=", v)
    }

    /// The attribute differs from `v` (`<>`).
    #[allow(clippy::should_implement_trait)]
    pub fn ne(&self, v: impl ValueOf<V>) -> Condition<T> {
        self.compare("<>", v)
    }

    /// The attribute is below `v`.
    pub fn lt(&self, v: impl ValueOf<V>) -> Condition<T> {
        self.compare("<", v)
    }

    /// The attribute is at most `v`.
    pub fn le(&self, v: impl ValueOf<V>) -> Condition<T> {
        self.compare("<=", v)
    }

    /// The attribute is above `v`.
    pub fn gt(&self, v: impl ValueOf<V>) -> Condition<T> {
        self.compare(">", v)
    }

    /// The attribute is at least `v`.
    pub fn ge(&self, v: impl ValueOf<V>) -> Condition<T> {
        self.compare(">=", v)
    }

    /// `low <= attribute <= high`.
    pub fn between(&self, low: impl ValueOf<V>, high: impl ValueOf<V>) -> Condition<T> {
        Condition::new(Node::Between(
            self.operand(),
            value(self.encode(low)),
            value(self.encode(high)),
        ))
    }

    /// The attribute equals one of `values` (`IN`, at most 100 of them).
    pub fn is_in<I>(&self, values: I) -> Condition<T>
    where
        I: IntoIterator,
        I::Item: ValueOf<V>,
    {
        let values = values.into_iter().map(|v| value(self.encode(v))).collect();
        Condition::new(Node::In(self.operand(), values))
    }

    /// The item has this attribute (`attribute_exists`).
    pub fn exists(&self) -> Condition<T> {
        Condition::new(Node::Function("attribute_exists", vec![self.operand()]))
    }

    /// The item lacks this attribute (`attribute_not_exists`), e.g. to put only a new item.
    pub fn not_exists(&self) -> Condition<T> {
        Condition::new(Node::Function("attribute_not_exists", vec![self.operand()]))
    }

    /// The attribute is stored with this DynamoDB type (`attribute_type`).
    pub fn has_type(&self, kind: AttributeKind) -> Condition<T> {
        let kind = Operand::Value(Ok(AttributeValue::S(kind.code().to_owned())));
        Condition::new(Node::Function("attribute_type", vec![self.operand(), kind]))
    }

    /// The attribute's size (`size`): a string's length in bytes, a binary's, the number of
    /// elements of a set, list or map.
    pub fn size(&self) -> Size<T> {
        Size {
            segments: self.segments().to_vec(),
            _items: PhantomData,
        }
    }

    /// The string (or binary) attribute starts with `prefix` (`begins_with`).
    pub fn begins_with(&self, prefix: impl ValueOf<V>) -> Condition<T>
    where
        V: Prefixed,
    {
        Condition::new(Node::Function(
            "begins_with",
            vec![self.operand(), value(self.encode(prefix))],
        ))
    }

    /// The string attribute contains the substring, or the set or list attribute contains the
    /// element (`contains`).
    pub fn contains(&self, element: impl ValueOf<V::Element>) -> Condition<T>
    where
        V: Contains,
    {
        let element = element.with_value(&mut |e| encode_value(e));
        Condition::new(Node::Function(
            "contains",
            vec![self.operand(), value(element)],
        ))
    }
}

/// The size of an attribute ([`Path::size`]), compared with a number.
pub struct Size<T> {
    segments: Vec<Segment>,
    _items: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Size<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Size").finish_non_exhaustive()
    }
}

impl<T> Size<T> {
    fn compare(&self, op: &'static str, n: u64) -> Condition<T> {
        Condition::new(Node::Compare(
            Operand::Size(self.segments.clone()),
            op,
            Operand::Value(Ok(AttributeValue::N(n.to_string()))),
        ))
    }

    /// The size is `n`.
    #[allow(clippy::should_implement_trait)]
    pub fn eq(&self, n: u64) -> Condition<T> {
        self.compare("=", n)
    }

    /// The size is not `n`.
    #[allow(clippy::should_implement_trait)]
    pub fn ne(&self, n: u64) -> Condition<T> {
        self.compare("<>", n)
    }

    /// The size is below `n`.
    pub fn lt(&self, n: u64) -> Condition<T> {
        self.compare("<", n)
    }

    /// The size is at most `n`.
    pub fn le(&self, n: u64) -> Condition<T> {
        self.compare("<=", n)
    }

    /// The size is above `n`.
    pub fn gt(&self, n: u64) -> Condition<T> {
        self.compare(">", n)
    }

    /// The size is at least `n`.
    pub fn ge(&self, n: u64) -> Condition<T> {
        self.compare(">=", n)
    }
}

/// A condition written out: its text and the attribute and value behind each placeholder.
#[derive(Debug)]
pub(crate) struct Rendered {
    pub text: String,
    pub names: Vec<(String, String)>,
    pub values: Vec<(String, AttributeValue)>,
}

/// Writes paths and values as placeholders: `#c0`, `#c1`, ... (one per attribute name) and
/// `:c0`, `:c1`, ... (one per value). They cannot meet the library's own (`#dt_`, `:dt_`).
#[derive(Default)]
pub(crate) struct Placeholders {
    pub names: Vec<(String, String)>,
    pub values: Vec<(String, AttributeValue)>,
}

impl Placeholders {
    pub(crate) fn name(&mut self, attribute: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| a == attribute) {
            return placeholder.clone();
        }
        let placeholder = format!("#c{}", self.names.len());
        self.names.push((placeholder.clone(), attribute.to_owned()));
        placeholder
    }

    pub(crate) fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":c{}", self.values.len());
        self.values.push((placeholder.clone(), value));
        placeholder
    }

    pub(crate) fn path(&mut self, segments: &[Segment]) -> String {
        write_path(segments, |name| self.name(name))
    }

    fn operand(&mut self, operand: &Operand) -> Result<String> {
        match operand {
            Operand::Path(segments) => Ok(self.path(segments)),
            Operand::Size(segments) => Ok(format!("size({})", self.path(segments))),
            Operand::Value(Ok(v)) => Ok(self.value(v.clone())),
            Operand::Value(Err(e)) => Err(Error::invalid(
                InvalidReason::AttributeValue,
                format!("a value of a typed condition could not be written: {e}"),
            )),
        }
    }

    fn node(&mut self, node: &Node) -> Result<String> {
        // An AND or OR inside the other is parenthesized; NOT binds tighter than both, and
        // DynamoDB refuses redundant parentheses.
        let joined = |p: &mut Self, operands: &[Node], word: &str| -> Result<String> {
            let mut parts = Vec::with_capacity(operands.len());
            for n in operands {
                let text = p.node(n)?;
                parts.push(match n {
                    Node::And(..) | Node::Or(..) => format!("({text})"),
                    _ => text,
                });
            }
            Ok(parts.join(word))
        };
        Ok(match node {
            Node::Compare(a, op, b) => {
                format!("{} {op} {}", self.operand(a)?, self.operand(b)?)
            }
            Node::Between(a, lo, hi) => format!(
                "{} BETWEEN {} AND {}",
                self.operand(a)?,
                self.operand(lo)?,
                self.operand(hi)?
            ),
            Node::In(a, values) => {
                let a = self.operand(a)?;
                let values = values
                    .iter()
                    .map(|v| self.operand(v))
                    .collect::<Result<Vec<_>>>()?;
                format!("{a} IN ({})", values.join(", "))
            }
            Node::Function(name, args) => {
                let args = args
                    .iter()
                    .map(|a| self.operand(a))
                    .collect::<Result<Vec<_>>>()?;
                format!("{name}({})", args.join(", "))
            }
            Node::And(operands) => joined(self, operands, " AND ")?,
            Node::Or(operands) => joined(self, operands, " OR ")?,
            Node::Not(inner) => format!("NOT ({})", self.node(inner)?),
        })
    }
}

fn render(node: &Node) -> Result<Rendered> {
    let mut placeholders = Placeholders::default();
    let text = placeholders.node(node)?;
    Ok(Rendered {
        text,
        names: placeholders.names,
        values: placeholders.values,
    })
}

impl<T> Condition<T> {
    /// The condition written out, placeholders and all.
    pub(crate) fn rendered(&self) -> Result<Rendered> {
        render(&self.node)
    }
}

#[cfg(test)]
mod tests {
    use super::super::path::Prefix;
    use super::*;

    struct Item;

    fn path<V: serde::Serialize>(name: &'static str) -> Path<Item, V> {
        Path::__at(&Prefix::root(), name)
    }

    #[test]
    fn conditions_are_written_with_a_placeholder_per_name_and_value() {
        let status = path::<String>("status");
        let total = path::<f64>("total");
        let c = (status.eq("shipped") | status.eq("paid")) & !total.between(1.0, 2.0);
        let r = render(&c.node).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.text,
            "(#c0 = :c0 OR #c0 = :c1) AND NOT (#c1 BETWEEN :c2 AND :c3)"
        );
        assert_eq!(
            r.names,
            vec![
                ("#c0".into(), "status".into()),
                ("#c1".into(), "total".into())
            ]
        );
        assert_eq!(r.values[1].1, AttributeValue::S("paid".into()));
    }

    #[test]
    fn a_value_that_cannot_be_written_fails_when_the_condition_is_used() {
        let total = path::<f64>("total");
        let error = total.gt(f64::INFINITY).rendered().map(|_| ()).unwrap_err();
        assert_eq!(error.invalid_reason(), Some(InvalidReason::AttributeValue));
    }
}
