//! What happened to each attempt of one request. The SDK retries inside `send()`; only an
//! interceptor sees the attempts, and whether one of them went out and came back without an
//! answer (a dropped connection, a timeout, a 5xx): a write that may have been applied although
//! the call failed, or although a later attempt was refused.
//!
//! The interceptor is registered once, on the client ([`with_attempt_counter`]); a write runs its
//! `send()` future inside [`AttemptLog::counting`] (`.send().counted_in(&log)`), which makes
//! its log the one the interceptor counts into while that future is polled. Nothing is added
//! to the request itself (a per-request interceptor costs the SDK a runtime plugin and config
//! layers per call).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_dynamodb::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;

use crate::error::Error;

/// Counts the attempts of one request, and those that may have been applied without an answer
/// saying so. A fresh one per call, around its `send()`: `log.counting(request.send())`.
#[derive(Debug, Clone, Default)]
pub(crate) struct AttemptLog(Arc<Counts>);

tokio::task_local! {
    /// The log of the request whose future is being polled, if it asked for one.
    static CURRENT: AttemptLog;
}

/// `request.counted_in(&log)`: [`AttemptLog::counting`], in the order a request chain reads.
pub(crate) trait CountedExt: Future + Sized {
    /// Inline in the caller's future, as the SDK's own `send()` future is: a single write
    /// allocates nothing for it.
    fn counted_in(self, log: &AttemptLog) -> impl Future<Output = Self::Output> {
        log.counting(self)
    }

    /// Boxed, for the calls of a batch: the SDK's `send()` future is its whole orchestrator,
    /// several KiB, which would otherwise sit in each in-flight chunk's future for the whole
    /// chunk, where the box holds it only while the call runs.
    fn counted_in_boxed(self, log: &AttemptLog) -> Pin<Box<impl Future<Output = Self::Output>>> {
        Box::pin(log.counting(self))
    }
}

impl<F: Future> CountedExt for F {}

/// True when `config` has the interceptor that counts attempts (another `DynamoClient`'s
/// client): a second one would count every attempt twice, and a single attempt would pass for
/// a retried one.
pub(crate) fn counts_attempts(config: &aws_sdk_dynamodb::Config) -> bool {
    config
        .interceptors()
        .any(|interceptor| interceptor.name() == COUNTER)
}

/// `builder` with the interceptor that counts attempts into the [`AttemptLog`] of the request
/// being sent (requests without one are left alone); for a configuration that does not
/// [`counts_attempts`] yet.
pub(crate) fn with_attempt_counter(
    builder: aws_sdk_dynamodb::config::Builder,
) -> aws_sdk_dynamodb::config::Builder {
    builder.interceptor(AttemptCounter)
}

/// The interceptor's name, by which a client that has it is recognised.
const COUNTER: &str = "dynamo_table::AttemptCounter";

#[derive(Debug, Default)]
struct Counts {
    attempts: AtomicU32,
    unanswered: AtomicU32,
}

impl AttemptLog {
    /// Runs `request` (a `send()` future of a client with [`with_attempt_counter`]) with its
    /// attempts counted in this log.
    pub(crate) fn counting<F: Future>(&self, request: F) -> impl Future<Output = F::Output> {
        CURRENT.scope(self.clone(), request)
    }

    /// Attempts sent so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.0.attempts.load(Ordering::Relaxed)
    }

    /// Attempts that got no answer, or a 5xx: each may have been applied.
    pub(crate) fn unanswered(&self) -> u32 {
        self.0.unanswered.load(Ordering::Relaxed)
    }

    /// True when more than one attempt was sent: an earlier one may be what the last one found.
    pub(crate) fn retried(&self) -> bool {
        self.attempts() > 1
    }

    /// The error a write call ends with, `error` being its last attempt's: as
    /// [`Error::MaybeApplied`] (with this log's counts) when an attempt went unanswered, unless
    /// `error` itself shows that nothing was applied.
    pub(crate) fn judge(&self, error: Error, operation: &'static str, table: String) -> Error {
        if self.unanswered() == 0 || refused_outright(&error) {
            return error;
        }
        Error::MaybeApplied {
            table,
            operation,
            attempts: self.attempts(),
            unanswered: self.unanswered(),
            source: Arc::new(error),
        }
    }
}

/// True for an error that every attempt of the same request would have met, so that none of
/// them was applied: a request refused as invalid (by DynamoDB or before sending), an item
/// that could not be written, or a canceled transaction (whose token would have replayed an
/// earlier attempt's success).
fn refused_outright(error: &Error) -> bool {
    matches!(
        error,
        Error::Validation { .. }
            | Error::InvalidInput { .. }
            | Error::Serialization { .. }
            | Error::TransactionCanceled { .. }
    )
}

/// The client's interceptor: counts into the current request's [`AttemptLog`], if any.
#[derive(Debug)]
struct AttemptCounter;

impl Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        COUNTER
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // A request sent without a log (a read, or the application's own) is not counted.
        let _ = CURRENT.try_with(|log| log.0.attempts.fetch_add(1, Ordering::Relaxed));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let answered = context
            .response()
            .is_some_and(|response| response.status().as_u16() < 500);
        if !answered {
            let _ = CURRENT.try_with(|log| log.0.unanswered.fetch_add(1, Ordering::Relaxed));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(attempts: u32, unanswered: u32) -> AttemptLog {
        let log = AttemptLog::default();
        log.0.attempts.store(attempts, Ordering::Relaxed);
        log.0.unanswered.store(unanswered, Ordering::Relaxed);
        log
    }

    fn throttled() -> Error {
        Error::Throttled {
            table: "t".into(),
            operation: "PutItem",
            code: "ThrottlingException".into(),
            source: "throttled".into(),
        }
    }

    fn invalid() -> Error {
        Error::Validation {
            table: "t".into(),
            operation: "PutItem",
            message: "bad".into(),
            source: "bad".into(),
        }
    }

    #[test]
    fn only_an_unanswered_attempt_makes_an_outcome_unknown() {
        assert!(
            !log(3, 0)
                .judge(throttled(), "PutItem", "t".into())
                .may_have_been_applied()
        );
        let judged = log(3, 1).judge(throttled(), "PutItem", "t".into());
        assert!(judged.may_have_been_applied());
        assert!(judged.is_throttled(), "the kind is the last attempt's");
    }

    #[test]
    fn a_refusal_every_attempt_would_meet_is_definite() {
        assert!(
            !log(3, 2)
                .judge(invalid(), "PutItem", "t".into())
                .may_have_been_applied()
        );
    }
}
