//! Scans: every item of a table or index, page by page, optionally filtered or split into
//! parallel segments.

use std::borrow::Cow;

use futures::Stream;
use serde::Serialize;

use super::page::{Cursor, QueryResult};
use super::plan::{Read, shared_read_methods};
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{Bound, IntoExpression};
use crate::operations::TableRef;
use crate::request::capacity::Capacity;
use crate::schema::{DynamoTable, KeyNames};

/// A scan of a table or index. Build it with [`Table::scan`] or
/// [`IndexTable::scan`](crate::IndexTable::scan); read it like a [`Query`](crate::Query).
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String, tier: String }
/// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
/// let premium = client
///     .table::<User>()
///     .scan()
///     .filter("tier = :t", serde_json::json!({ ":t": "premium" }))
///     .count()
///     .await?;
/// # let _ = premium;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Scan<T> {
    read: Read<T>,
}

impl<T: DynamoTable> Scan<T> {
    pub(crate) fn new(
        table: TableRef,
        index: Option<Cow<'static, str>>,
        key_names: KeyNames,
    ) -> Self {
        Scan {
            read: Read::new(table, index, key_names),
        }
    }

    shared_read_methods!();

    fn into_read(self) -> Read<T> {
        self.read
    }

    /// Reads only segment `segment` of `total` (a parallel scan: run one scan per segment).
    pub fn segment(mut self, segment: u32, total: u32) -> Self {
        match (i32::try_from(segment), i32::try_from(total)) {
            (Ok(s), Ok(t)) if s < t && (1..=1_000_000).contains(&t) => {
                self.read.segment = Some((s, t));
            }
            _ => self.read.fail(Error::invalid(
                InvalidReason::Segment,
                format!(
                    "segment {segment} of {total}: the total must be 1 to 1,000,000 and the \
                     segment below it"
                ),
            )),
        }
        self
    }
}
