//! What a single-item write's result means, when the SDK retried it.
//!
//! A write can be applied and its answer lost (a 500 after the write, a dropped connection, a
//! timeout); the SDK then sends it again. A conditional write's retry then fails its own
//! condition against the item the first attempt wrote, and an unconditional one's error says
//! nothing of the attempt before. So each write is sent with an [`AttemptLog`] and, when it
//! fails its condition, asks DynamoDB for the item as it is (`ALL_OLD`, which the error map
//! puts in [`Error::ConditionalCheckFailed`]):
//! - the item is exactly the state this write produces, and an earlier attempt went unanswered:
//!   the write was applied, by that attempt: success;
//! - otherwise, if an attempt went unanswered: [`Error::MaybeApplied`], never a plain failure;
//! - otherwise the error is what it says.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::key::Item;
use crate::error::{Error, Result};
use crate::request::attempts::AttemptLog;

/// What the table holds after a write, as far as the write decides it.
pub(crate) enum Produces {
    /// Exactly this item (a put).
    Item(Item),
    /// These attributes with these values (`None`: removed), the rest untouched (an update).
    Attributes(Vec<(String, Option<AttributeValue>)>),
    /// No item (a delete).
    Nothing,
    /// Not known from the write alone (an increment).
    Unknown,
}

impl Produces {
    /// True when `current` (what a failed condition returned) is this write's result.
    fn matches(&self, current: Option<&Item>) -> bool {
        match (self, current) {
            (Produces::Item(item), Some(current)) => item == current,
            (Produces::Attributes(changes), Some(current)) => changes
                .iter()
                .all(|(name, value)| current.get(name) == value.as_ref()),
            (Produces::Nothing, None) => true,
            _ => false,
        }
    }
}

/// Settles the result of `operation` on `table` against its attempts: see the module docs.
/// `applied` makes the output reported when an earlier attempt is found to have applied the
/// write, from the item as it is now (which is the write's result).
pub(crate) fn settle<O>(
    result: Result<O>,
    log: &AttemptLog,
    table: &str,
    operation: &'static str,
    produces: &Produces,
    applied: impl FnOnce(Option<&Item>) -> O,
) -> Result<O> {
    let error = match result {
        Ok(output) => return Ok(output),
        Err(error) => error,
    };
    if let Error::ConditionalCheckFailed { current, .. } = &error
        && log.unanswered() > 0
        && log.retried()
        && produces.matches(current.get())
    {
        tracing::debug!(
            attempts = log.attempts(),
            "a retried write failed its condition on the state it produces: an earlier attempt \
             applied it"
        );
        return Ok(applied(current.get()));
    }
    Err(log.judge(error, operation, table.to_owned()))
}
