//! Scans: every item of a table or index, page by page, optionally filtered or split into
//! parallel segments.

use std::borrow::Cow;

use futures::Stream;
use serde::Serialize;

use super::page::{Cursor, QueryResult};
use super::plan::{Read, shared_read_methods};
use super::projected::Projected;
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{Bound, IntoExpression, Projection};
use crate::operations::TableRef;
use crate::request::capacity::Capacity;
use crate::schema::{DynamoTable, KeyNames};

/// A scan of a table or index. Build it with [`Table::scan`](crate::Table::scan) or
/// [`IndexTable::scan`](crate::IndexTable::scan); read it like a [`Query`](crate::read::Query).
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

    /// Every item of the scan, read as `segments` parallel segments with at most `concurrency`
    /// requests in flight, merged into one stream (in no particular order). Each item comes
    /// exactly once; capacity is counted per request as for any read; memory holds one page per
    /// segment being read. Dropping the stream stops every segment: no request is sent after.
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use futures::StreamExt;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Debug, Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "users")]
    /// # struct User { #[dynamo(pk)] user_id: String }
    /// # async fn run(users: dynamo_table::Table<User>) -> Result<(), dynamo_table::Error> {
    /// let mut all = users.scan().limit(500).parallel_stream(8, 4);
    /// while let Some(user) = all.next().await {
    ///     println!("{:?}", user?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn parallel_stream(
        self,
        segments: u32,
        concurrency: usize,
    ) -> impl Stream<Item = Result<T>> + Send + Unpin + 'static {
        Box::pin(self.read.parallel_items(segments, concurrency))
    }

    /// Reads only segment `segment` of `total` (a parallel scan by hand: run one scan per
    /// segment; [`Scan::parallel_stream`] does it for you).
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
