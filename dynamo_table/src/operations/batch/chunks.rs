//! Running a batch: requests split into chunks of DynamoDB's size, a bounded number in flight,
//! each chunk retried through the shared retry loop until every request in it is settled.

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::{FutureExt, StreamExt};

use super::results::{BatchStats, CallCapacity};
use crate::error::Error;
use crate::request::capacity::Capacity;
use crate::retry::{Attempt, GaveUp, with_backoff};
use crate::schema::RetryConfig;

/// Runs `indices` in chunks of at most `size`, `concurrency` chunks at a time, and hands every
/// settled index with its outcome to `settle`. Each chunk is made as it is sent, so a batch
/// holds no list of its requests beside the caller's values; nor of its calls' capacities,
/// unless `keep` asks for them.
pub(crate) async fn run_chunks<O, F, Fut>(
    indices: impl Iterator<Item = usize>,
    size: usize,
    concurrency: usize,
    keep: CallCapacity,
    run: F,
    mut settle: impl FnMut(usize, O),
) -> BatchStats
where
    F: FnMut(Vec<usize>) -> Fut,
    Fut: Future<Output = (Vec<(usize, O)>, BatchStats)>,
{
    let mut stats = BatchStats::default();
    let mut results = futures::stream::iter(chunked(indices, size))
        .map(run)
        .buffer_unordered(concurrency.max(1));
    while let Some((settled, chunk_stats)) = results.next().await {
        stats.add(chunk_stats, keep);
        for (index, outcome) in settled {
            settle(index, outcome);
        }
    }
    stats
}

/// `indices` in runs of at most `size`, made one run at a time.
fn chunked(
    mut indices: impl Iterator<Item = usize>,
    size: usize,
) -> impl Iterator<Item = Vec<usize>> {
    let size = size.max(1);
    std::iter::from_fn(move || {
        let chunk: Vec<usize> = indices.by_ref().take(size).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
}

/// What one call for a chunk achieved: the settled requests with their outcomes, the requests
/// DynamoDB left unprocessed, the capacity consumed, and whether an attempt of the call went
/// unanswered (so the unprocessed requests may have been applied by it); or, when the call
/// failed whole, what [`CallFailed`] says.
pub(crate) type ChunkAttempt<O> =
    Result<(Vec<(usize, O)>, Vec<usize>, Capacity, bool), CallFailed<O>>;

/// A call for a chunk that failed whole ([`Error::MaybeApplied`] when it may have been
/// applied). The attempt owns its pending requests and hands them back here, so that the chunk
/// keeps no copy of them while the call runs.
pub(crate) struct CallFailed<O> {
    /// Requests settled before the call was sent (refused as their requests were built): they
    /// were never sent, so the call's error is not theirs.
    pub(crate) settled: Vec<(usize, O)>,
    /// The requests the call carried, or would have carried.
    pub(crate) carried: Vec<usize>,
    pub(crate) error: Error,
}

impl<O> CallFailed<O> {
    /// The call for `carried` failed with `error` before any request of it settled.
    pub(crate) fn whole(carried: Vec<usize>, error: Error) -> Self {
        CallFailed {
            settled: Vec::new(),
            carried,
            error,
        }
    }
}

/// What one call settled, for the counters.
struct Settled<O> {
    results: Vec<(usize, O)>,
    capacity: Capacity,
    unprocessed: usize,
    retried_error: bool,
    answered: bool,
}

/// The calls of one chunk, and the requests of it that a call may have applied without saying
/// so (it went unanswered).
#[derive(Debug, Default)]
struct Unanswered {
    requests: HashSet<usize>,
    calls: u32,
    unanswered: u32,
}

/// Sends a chunk (request indices) of `operation` until every request is settled, a call fails
/// with an error that is not worth retrying, or `retry` runs out. Unprocessed requests and
/// retryable errors are retried by the shared retry loop. Every index of `chunk` comes back
/// exactly once, with its outcome: a request that ends unsettled gets `unknown` (with an
/// [`Error::MaybeApplied`]) if a call that may have applied it went unanswered, and `failed` if
/// none did.
pub(crate) async fn retry_chunk<O, F, Fut>(
    operation: &'static str,
    chunk: Vec<usize>,
    retry: RetryConfig,
    tables: impl Fn(&[usize]) -> String,
    failed: impl Fn(&Arc<Error>) -> O,
    unknown: impl Fn(&Arc<Error>) -> O,
    mut attempt: F,
) -> (Vec<(usize, O)>, BatchStats)
where
    F: FnMut(Vec<usize>) -> Fut,
    Fut: Future<Output = ChunkAttempt<O>>,
{
    // Most chunks settle in one call: its results become the chunk's, with no vector held for
    // them while the call is in flight.
    let mut results = Vec::new();
    let mut stats = BatchStats::default();
    let unanswered = Mutex::new(Unanswered::default());
    // The outcomes of requests left unsettled by `error`: unknown where a call that carried them
    // went unanswered (reported as `Error::MaybeApplied`, whatever the last call's error),
    // failed otherwise.
    let ended = |pending: Vec<usize>, error: Error| {
        // Per pending request: may an unanswered call have applied it? (All may, if the
        // record cannot be read.)
        let (maybe, calls, unanswered_calls): (Vec<bool>, u32, u32) = match unanswered.lock() {
            Ok(u) => (
                pending.iter().map(|i| u.requests.contains(i)).collect(),
                u.calls,
                u.unanswered,
            ),
            Err(_) => (vec![true; pending.len()], 0, 0),
        };
        let error = Arc::new(error);
        let as_unknown = if error.may_have_been_applied() || !maybe.contains(&true) {
            Arc::clone(&error)
        } else {
            Arc::new(Error::MaybeApplied {
                table: tables(&pending),
                operation,
                attempts: calls,
                unanswered: unanswered_calls,
                source: Arc::clone(&error),
            })
        };
        pending
            .into_iter()
            .zip(maybe)
            .map(|(i, maybe)| {
                if error.may_have_been_applied() || maybe {
                    (i, unknown(&as_unknown))
                } else {
                    (i, failed(&error))
                }
            })
            .collect::<Vec<_>>()
    };
    let ended = &ended;
    let unanswered_ref = &unanswered;
    let (attempts, outcome) = with_backoff(
        retry,
        chunk,
        |pending: Vec<usize>| {
            let sent = attempt(pending);
            if let Ok(mut u) = unanswered_ref.lock() {
                u.calls += 1;
            }
            let mark = move |indices: &[usize]| {
                if let Ok(mut u) = unanswered_ref.lock() {
                    u.requests.extend(indices.iter().copied());
                    u.unanswered += 1;
                }
            };
            // A combinator, not an async block: the block would hold the call's future twice,
            // as what it captured and as what it awaits.
            sent.map(move |answer| match answer {
                Ok((done, unprocessed, capacity, unanswered)) => {
                    if unanswered {
                        mark(&unprocessed);
                    }
                    let left = unprocessed.len();
                    let next = if unprocessed.is_empty() {
                        Attempt::Done
                    } else {
                        Attempt::Again {
                            pending: unprocessed,
                            error: None,
                        }
                    };
                    let settled = Settled {
                        results: done,
                        capacity,
                        unprocessed: left,
                        retried_error: false,
                        answered: true,
                    };
                    (settled, next)
                }
                Err(CallFailed {
                    settled: done,
                    carried,
                    error,
                }) => {
                    let mut settled = Settled {
                        results: done,
                        capacity: Capacity::default(),
                        unprocessed: 0,
                        retried_error: false,
                        answered: false,
                    };
                    let next = if error.is_retryable() {
                        if error.may_have_been_applied() {
                            mark(&carried);
                        }
                        settled.retried_error = true;
                        Attempt::Again {
                            pending: carried,
                            error: Some(error),
                        }
                    } else {
                        settled.results.extend(ended(carried, error));
                        Attempt::Done
                    };
                    (settled, next)
                }
            })
        },
        |settled: Settled<O>| {
            if results.is_empty() {
                results = settled.results;
            } else {
                results.extend(settled.results);
            }
            stats.capacity.add(settled.capacity);
            if settled.answered {
                stats.per_call.push(settled.capacity);
            }
            stats.unprocessed += settled.unprocessed as u64;
            stats.retried_errors += u32::from(settled.retried_error);
        },
    )
    .await;
    stats.requests = attempts;
    stats.retries = attempts.saturating_sub(1);
    if let Err(GaveUp::Exhausted { pending, error }) = outcome {
        let error = error.unwrap_or_else(|| Error::Unprocessed {
            table: tables(&pending),
            attempts,
        });
        results.extend(ended(pending, error));
    }
    (results, stats)
}
