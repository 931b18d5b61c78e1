//! The pipeline every request goes through: a tracing span (table, operation, items, capacity,
//! latency), the capacity record, and the error classification, logged once.

use std::future::Future;
use std::time::Instant;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use futures::FutureExt;
use tracing::Instrument;

use super::capacity::{self, Capacity, Side};
use super::connection::Connection;
use super::error_map::RequestContext;
use crate::error::{Error, ErrorKind, Result};

/// What a response says about itself: its capacity records and how many items it carried.
pub(crate) trait Measured {
    fn capacity(&self, side: Side) -> Capacity;
    /// Items returned or written, where the response tells.
    fn items(&self) -> Option<usize>;
}

impl Connection {
    /// Sends `request` for `operation` on `table`, inside a span, and records its capacity.
    ///
    /// A combinator, not an `async fn`: an `async fn` would keep `request` (the SDK's whole
    /// orchestrator, several KiB) twice in its state, once as its argument and once as the
    /// future it awaits, and every single-item call's future would be twice the SDK's.
    pub(crate) fn observed<'a, O, E>(
        &'a self,
        operation: &'static str,
        table: &'a str,
        side: Side,
        request: impl Future<Output = std::result::Result<O, SdkError<E, HttpResponse>>> + 'a,
    ) -> impl Future<Output = Result<(O, Capacity)>> + 'a
    where
        O: Measured,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let span = tracing::debug_span!(
            "dynamo_table",
            table,
            operation,
            items = tracing::field::Empty,
            capacity = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        // Timed from here: every caller builds the request where it awaits it.
        let started = Instant::now();
        request.instrument(span.clone()).map(move |outcome| {
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            span.record("latency_ms", latency_ms);
            match outcome {
                Ok(output) => {
                    let capacity = output.capacity(side);
                    if side != Side::Uncounted {
                        capacity::record_call(capacity);
                    }
                    if let Some(items) = output.items() {
                        span.record("items", items);
                    }
                    span.record("capacity", capacity.total());
                    span.in_scope(|| {
                        tracing::debug!(latency_ms, capacity = capacity.total(), "done")
                    });
                    Ok((output, capacity))
                }
                Err(e) => {
                    let context = RequestContext {
                        operation,
                        table,
                        endpoint: &self.endpoint,
                    };
                    let error = context.error(e);
                    span.in_scope(|| log_error(&error));
                    Err(error)
                }
            }
        })
    }
}

/// `.send().observed_by(&connection, "GetItem", table, Side::Read).await` at a call site.
pub(crate) trait ObserveExt<O, E>:
    Future<Output = std::result::Result<O, SdkError<E, HttpResponse>>> + Sized
{
    /// [`Connection::observed`] on this request.
    fn observed_by<'a>(
        self,
        connection: &'a Connection,
        operation: &'static str,
        table: &'a str,
        side: Side,
    ) -> impl Future<Output = Result<(O, Capacity)>> + 'a
    where
        Self: 'a,
        O: Measured,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        connection.observed(operation, table, side, self)
    }
}

impl<F, O, E> ObserveExt<O, E> for F where
    F: Future<Output = std::result::Result<O, SdkError<E, HttpResponse>>>
{
}

/// Logs a failed request once, at the level its kind deserves. Messages name tables and
/// operations, never credentials or item contents.
fn log_error(error: &Error) {
    match error.kind() {
        // Expected outcomes the caller handles.
        ErrorKind::ConditionalCheckFailed | ErrorKind::TableNotFound => {
            tracing::debug!(error = %error, "request failed");
        }
        kind if kind.is_retryable() => tracing::warn!(error = %error, "request failed"),
        _ => tracing::error!(error = %error, "request failed"),
    }
}

macro_rules! measured {
    ($output:ty, $capacity:expr, items: |$o:ident| $items:expr) => {
        impl Measured for $output {
            #[allow(unused_variables)]
            fn capacity(&self, side: Side) -> Capacity {
                let $o = self;
                side.capacity($capacity)
            }
            #[allow(unused_variables)]
            fn items(&self) -> Option<usize> {
                let $o = self;
                $items
            }
        }
    };
}

use aws_sdk_dynamodb::operation as op;

fn count(n: i32) -> Option<usize> {
    usize::try_from(n).ok()
}

measured!(op::get_item::GetItemOutput, o.consumed_capacity(), items: |o| Some(usize::from(o.item.is_some())));
measured!(op::put_item::PutItemOutput, o.consumed_capacity(), items: |o| Some(1));
measured!(op::update_item::UpdateItemOutput, o.consumed_capacity(), items: |o| Some(1));
measured!(op::delete_item::DeleteItemOutput, o.consumed_capacity(), items: |o| Some(1));
measured!(op::query::QueryOutput, o.consumed_capacity(), items: |o| count(o.count));
measured!(op::scan::ScanOutput, o.consumed_capacity(), items: |o| count(o.count));
measured!(op::batch_get_item::BatchGetItemOutput, o.consumed_capacity(), items: |o| o
    .responses
    .as_ref()
    .map(|r| r.values().map(Vec::len).sum()));
// How many of the sent writes were applied is the caller's to say (sent minus unprocessed).
measured!(op::batch_write_item::BatchWriteItemOutput, o.consumed_capacity(), items: |o| None);
measured!(op::transact_write_items::TransactWriteItemsOutput, o.consumed_capacity(), items: |o| None);
measured!(op::transact_get_items::TransactGetItemsOutput, o.consumed_capacity(), items: |o| o
    .responses
    .as_ref()
    .map(|r| r.iter().filter(|r| r.item.is_some()).count()));
measured!(op::create_table::CreateTableOutput, None, items: |o| None);
measured!(op::describe_table::DescribeTableOutput, None, items: |o| None);
measured!(op::delete_table::DeleteTableOutput, None, items: |o| None);
measured!(op::update_time_to_live::UpdateTimeToLiveOutput, None, items: |o| None);
