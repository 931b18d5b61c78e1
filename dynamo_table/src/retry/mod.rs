//! The retry layer: the one loop that retries with exponential backoff and full jitter, bounded
//! by a [`RetryConfig`]. Batches (unprocessed items, retryable errors) and table waits use it;
//! the SDK's own retry policy is built from the same settings.

use std::future::Future;
use std::time::Duration;

use aws_config::retry::RetryConfig as SdkRetryConfig;

use crate::error::Error;
use crate::schema::RetryConfig;

/// What one attempt left to do.
#[derive(Debug)]
pub(crate) enum Attempt<P> {
    /// Nothing: stop.
    Done,
    /// `pending` is left to try again, after `error` when the whole attempt failed with a
    /// retryable error.
    Again { pending: P, error: Option<Error> },
    /// A failure retrying cannot fix: stop with it.
    Fail(Error),
}

/// Why [`with_backoff`] stopped before the work was done.
#[derive(Debug)]
pub(crate) enum GaveUp<P> {
    /// The retries ran out with `pending` left; `error` is the last attempt's, if it failed
    /// whole.
    Exhausted { pending: P, error: Option<Error> },
    /// An attempt failed for good.
    Failed(Error),
}

/// Runs `attempt` on `pending`, then on what each attempt leaves, pausing before each retry,
/// until nothing is left, an attempt fails for good, or `policy.max_retries` retries have been
/// made. `settle` receives what each attempt settled. Returns how many attempts were made.
///
/// A plain function returning its loop as an `async move` block, not an `async fn`: an
/// `async fn` keeps each argument twice in its future (as passed and as bound), and a batch
/// holds one of these futures per chunk in flight.
#[allow(
    clippy::manual_async_fn,
    reason = "an async fn would store every argument twice in its future"
)]
pub(crate) fn with_backoff<P, S, F, Fut>(
    policy: RetryConfig,
    mut pending: P,
    mut attempt: F,
    mut settle: impl FnMut(S),
) -> impl Future<Output = (u32, Result<(), GaveUp<P>>)>
where
    F: FnMut(P) -> Fut,
    Fut: Future<Output = (S, Attempt<P>)>,
{
    async move {
        let mut attempts: u32 = 0;
        loop {
            attempts += 1;
            let (settled, next) = attempt(pending).await;
            settle(settled);
            // Only what is left to send lives across the pause: the last error is kept when the
            // retries run out, and dropped otherwise.
            pending = match next {
                Attempt::Done => return (attempts, Ok(())),
                Attempt::Fail(error) => return (attempts, Err(GaveUp::Failed(error))),
                Attempt::Again {
                    pending: left,
                    error,
                } => {
                    if attempts as usize > policy.max_retries {
                        let gave_up = GaveUp::Exhausted {
                            pending: left,
                            error,
                        };
                        return (attempts, Err(gave_up));
                    }
                    left
                }
            };
            tokio::time::sleep(jittered(policy, attempts - 1)).await;
        }
    }
}

/// A pause before retry number `retry` (0-based): drawn uniformly from zero to
/// [`RetryConfig::backoff_ceiling`] ("full jitter"), so that clients throttled together do not
/// retry together.
fn jittered(policy: RetryConfig, retry: u32) -> Duration {
    let ceiling = policy.backoff_ceiling(retry);
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(0..=nanos))
}

/// The SDK's standard retry policy with these settings (`max_retries + 1` attempts).
impl From<RetryConfig> for SdkRetryConfig {
    fn from(config: RetryConfig) -> Self {
        SdkRetryConfig::standard()
            .with_max_attempts(
                u32::try_from(config.max_retries.saturating_add(1)).unwrap_or(u32::MAX),
            )
            .with_initial_backoff(config.initial_delay)
            .with_max_backoff(config.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jittered_pauses_stay_under_the_ceiling() {
        let config = RetryConfig::batch_default();
        for retry in 0..12 {
            let ceiling = config.backoff_ceiling(retry);
            assert!(ceiling <= config.max_delay);
            for _ in 0..50 {
                assert!(jittered(config, retry) <= ceiling);
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_stops_when_done_when_failed_and_when_retries_run_out() {
        let policy = RetryConfig::batch_default().with_max_retries(3);
        let mut seen = Vec::new();
        let (attempts, outcome) = with_backoff(
            policy,
            5u32,
            |left| async move {
                if left == 3 {
                    (left, Attempt::Done)
                } else {
                    (
                        left,
                        Attempt::Again {
                            pending: left - 1,
                            error: None,
                        },
                    )
                }
            },
            |settled| seen.push(settled),
        )
        .await;
        assert_eq!((attempts, seen), (3, vec![5, 4, 3]));
        assert!(outcome.is_ok());

        let (attempts, outcome) = with_backoff(
            policy,
            (),
            |()| async {
                (
                    (),
                    Attempt::Again {
                        pending: (),
                        error: None,
                    },
                )
            },
            |()| {},
        )
        .await;
        assert_eq!(attempts, 4);
        assert!(matches!(outcome, Err(GaveUp::Exhausted { .. })));

        let (attempts, outcome) = with_backoff(
            policy,
            (),
            |()| async {
                (
                    (),
                    Attempt::<()>::Fail(Error::Unprocessed {
                        table: "t".into(),
                        attempts: 1,
                    }),
                )
            },
            |()| {},
        )
        .await;
        assert_eq!(attempts, 1);
        assert!(matches!(outcome, Err(GaveUp::Failed(_))));
    }
}
