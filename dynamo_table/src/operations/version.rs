//! Version attributes at write time: the one place a versioned write's condition, its bump and
//! its conflict are worked out, for single writes and transactions alike.
//!
//! A table with `#[dynamo(version)]` stores, in that attribute, how many times the item was
//! written through a version check. A write names the version it expects (a put, the item's
//! own; an update or delete, the caller's) and writes the next one, under the condition that
//! the stored version is the expected one. Version 0 is an item never written with a version:
//! no item, or one written before the field was versioned (it has no version attribute).
//! Writes that cannot carry the condition (plain updates and deletes, batch writes) are
//! refused on such a table; increments and removals, which do not overwrite what was read,
//! bump the version without checking it.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::key::Item;
use crate::error::{CurrentItem, Error, InvalidReason, Result, VersionMismatch};
use crate::expression::{Bound, LibraryPlaceholders};
use crate::schema::{DynamoTable, VersionSchema};

/// The version check and bump of one write.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VersionCheck {
    attribute: &'static str,
    expected: u64,
    next: u64,
}

impl VersionCheck {
    /// The check of a put of `item`: its own version expected. `None` when `T` has no version
    /// attribute.
    fn of_item<T: DynamoTable>(table: &str, item: &T) -> Result<Option<Self>> {
        let Some(schema) = T::VERSION else {
            return Ok(None);
        };
        let expected = item.version().ok_or_else(|| {
            Error::invalid(
                InvalidReason::VersionOutOfRange,
                format!(
                    "the item for table `{table}` has a negative `{}`: a version counts the \
                     item's writes, from 0 for an item never written",
                    schema.attribute
                ),
            )
        })?;
        Self::new(table, schema, expected).map(Some)
    }

    /// The check of an update or delete expecting `expected`; `T` must have a version
    /// attribute (`method` is the call, for the message).
    pub(crate) fn expecting<T: DynamoTable>(
        table: &str,
        expected: u64,
        method: &str,
    ) -> Result<Self> {
        let Some(schema) = T::VERSION else {
            return Err(Error::invalid(
                InvalidReason::VersionRequired,
                format!(
                    "`{method}` checks a version, and table `{table}` has none: mark an integer \
                     field `#[dynamo(version)]`, or use the call without `_if_version`"
                ),
            ));
        };
        Self::new(table, schema, expected)
    }

    fn new(table: &str, schema: VersionSchema, expected: u64) -> Result<Self> {
        let next = expected
            .checked_add(1)
            .filter(|next| *next <= schema.max)
            .ok_or_else(|| {
                Error::invalid(
                    InvalidReason::VersionOutOfRange,
                    format!(
                        "the item of table `{table}` is at version {expected}, the largest its \
                         field `{}` holds, so it cannot be written again: widen the field to \
                         `u64`",
                        schema.attribute
                    ),
                )
            })?;
        Ok(VersionCheck {
            attribute: schema.attribute,
            expected,
            next,
        })
    }

    /// The version attribute's name.
    pub(crate) fn attribute(&self) -> &'static str {
        self.attribute
    }

    /// The version the write expects.
    pub(crate) fn expected(&self) -> u64 {
        self.expected
    }

    /// The version the write stores.
    pub(crate) fn next_value(&self) -> AttributeValue {
        AttributeValue::N(self.next.to_string())
    }

    /// The write's condition: the stored version is the expected one (for 0, there is none),
    /// and `user`'s condition holds, if there is one.
    pub(crate) fn condition(&self, user: Option<Bound>) -> Bound {
        let mut placeholders = LibraryPlaceholders::avoiding(user.as_ref());
        let name = placeholders.name(self.attribute);
        let text = if self.expected == 0 {
            format!("attribute_not_exists({name})")
        } else {
            let value = placeholders.value(AttributeValue::N(self.expected.to_string()));
            format!("{name} = {value}")
        };
        let own = placeholders.bind(text);
        match user {
            Some(user) => user.and(&own),
            None => own,
        }
    }

    /// `item` (a put's attributes) with the version it stores.
    fn stamp(&self, item: &mut Item) {
        item.insert(self.attribute.to_owned(), self.next_value());
    }

    /// The expected and stored versions when the item DynamoDB returned with a failed
    /// condition is at another version; `None` when it is at the expected one (another part
    /// of the condition failed).
    pub(crate) fn mismatch(&self, current: &CurrentItem) -> Option<VersionMismatch> {
        let found = found_version(self.attribute, current.get());
        (found != Some(self.expected)).then_some(VersionMismatch {
            expected: self.expected,
            found,
        })
    }

    /// A failed condition reported as the version conflict it is, when the stored version is
    /// not the expected one; any other error as it is.
    pub(crate) fn explain(&self, error: Error) -> Error {
        match error {
            Error::ConditionalCheckFailed {
                table,
                operation,
                current,
                source,
            } => match self.mismatch(&current) {
                Some(mismatch) => Error::VersionConflict {
                    table,
                    operation,
                    expected: mismatch.expected,
                    found: mismatch.found,
                    current,
                    source,
                },
                None => Error::ConditionalCheckFailed {
                    table,
                    operation,
                    current,
                    source,
                },
            },
            Error::MaybeApplied {
                table,
                operation,
                attempts,
                unanswered,
                source,
            } => Error::MaybeApplied {
                table,
                operation,
                attempts,
                unanswered,
                // Unshared when it was just made, as it is here.
                source: match Arc::try_unwrap(source) {
                    Ok(inner) => Arc::new(self.explain(inner)),
                    Err(shared) => shared,
                },
            },
            other => other,
        }
    }
}

/// The version stored in `item`: `None` for no item, 0 for an item without the attribute.
fn found_version(attribute: &str, item: Option<&Item>) -> Option<u64> {
    match item?.get(attribute) {
        None => Some(0),
        Some(AttributeValue::N(n)) => n.parse().ok(),
        Some(_) => None,
    }
}

/// The condition of a put of `item` (encoded as `attributes`) under `condition`: with `T`'s
/// version attribute, also the item's version check, whose next version goes into
/// `attributes`; the check is returned to explain a failure.
pub(crate) fn checked_put<T: DynamoTable>(
    table: &str,
    item: &T,
    attributes: &mut Item,
    condition: Option<Bound>,
) -> Result<(Option<Bound>, Option<VersionCheck>)> {
    let Some(version) = VersionCheck::of_item(table, item)? else {
        return Ok((condition, None));
    };
    version.stamp(attributes);
    Ok((Some(version.condition(condition)), Some(version)))
}

/// A write that replaces what was read, and so must check the version where there is one.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Overwrite {
    Update,
    Delete,
}

/// The condition of an update or delete: `condition` and `version`'s check; without a check,
/// `condition` alone, unless `T` has a version attribute, where the write is refused.
pub(crate) fn checked_condition<T: DynamoTable>(
    table: &str,
    write: Overwrite,
    condition: Option<Bound>,
    version: Option<&VersionCheck>,
) -> Result<Option<Bound>> {
    if let Some(version) = version {
        return Ok(Some(version.condition(condition)));
    }
    let (what, instead) = match write {
        Overwrite::Update => ("an update", "use `update_if_version(key, version, patch)`"),
        Overwrite::Delete => ("a delete", "use `delete_if_version(key, version)`"),
    };
    refuse_unchecked::<T>(
        table,
        &format!("{what} without the version it expects"),
        instead,
    )?;
    Ok(condition)
}

/// Refuses a write that cannot check the version (`what`, e.g. "a batch write") on a table
/// that has one, naming what to do `instead`.
pub(crate) fn refuse_unchecked<T: DynamoTable>(
    table: &str,
    what: &str,
    instead: &str,
) -> Result<()> {
    match T::VERSION {
        Some(schema) => Err(Error::invalid(
            InvalidReason::VersionRequired,
            format!(
                "table `{table}` has the version attribute `{}`, and {what} cannot check it: \
                 {instead}",
                schema.attribute
            ),
        )),
        None => Ok(()),
    }
}

/// Refuses an increment or removal (`what`) of the version attribute, which the library writes.
pub(crate) fn refuse_version_attribute<T: DynamoTable>(
    table: &str,
    attribute: &str,
    what: &str,
) -> Result<()> {
    match T::VERSION {
        Some(schema) if schema.attribute == attribute => Err(Error::invalid(
            InvalidReason::VersionAttributeUpdate,
            format!(
                "`{attribute}` is the version attribute of table `{table}`, which the library \
                 writes itself: do not {what} it (a write with the expected version bumps it)"
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(expected: u64) -> VersionCheck {
        let schema = VersionSchema {
            attribute: "v",
            max: 10,
        };
        VersionCheck::new("t", schema, expected).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_new_item_expects_no_version_and_others_their_own() {
        assert_eq!(
            check(0).condition(None).text,
            "attribute_not_exists(#dt_n0)"
        );
        let bound = check(3).condition(None);
        assert_eq!(bound.text, "#dt_n0 = :dt_v0");
        assert_eq!(bound.values[":dt_v0"], AttributeValue::N("3".into()));
        assert_eq!(check(3).next_value(), AttributeValue::N("4".into()));
    }

    #[test]
    fn the_last_version_a_type_holds_cannot_be_bumped() {
        let schema = VersionSchema {
            attribute: "v",
            max: 10,
        };
        let error = VersionCheck::new("t", schema, 10).map(|_| ()).unwrap_err();
        assert_eq!(
            error.invalid_reason(),
            Some(InvalidReason::VersionOutOfRange)
        );
    }

    #[test]
    fn only_another_version_is_a_conflict() {
        let at = |v: &str| {
            CurrentItem::new(Some([("v".to_owned(), AttributeValue::N(v.into()))].into()))
        };
        assert_eq!(check(3).mismatch(&at("3")), None);
        assert_eq!(
            check(3).mismatch(&at("5")),
            Some(VersionMismatch {
                expected: 3,
                found: Some(5)
            })
        );
        assert_eq!(
            check(3).mismatch(&CurrentItem::new(None)).map(|m| m.found),
            Some(None)
        );
        // An item written before the field was versioned is at version 0.
        let legacy = CurrentItem::new(Some(Item::new()));
        assert_eq!(check(0).mismatch(&legacy), None);
    }
}
