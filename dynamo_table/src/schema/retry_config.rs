//! [`RetryConfig`]: how patiently a table's batches (and, converted, the SDK) retry.

use std::time::Duration;

use dynamo_table_rules::limits;

/// Retry settings: how often and how patiently to retry.
///
/// It serves two purposes, as in the published 0.x API:
/// - as a table's `BATCH_RETRIES_CONFIG`, it bounds the retries of unprocessed batch items;
/// - passed to [`ConfigLoader::retry_config`](aws_config::ConfigLoader::retry_config), it becomes the SDK's standard retry policy
///   (`max_retries + 1` attempts).
///
/// ```
/// use dynamo_table::RetryConfig;
/// use std::time::Duration;
///
/// const PATIENT: RetryConfig = RetryConfig {
///     max_retries: 3,
///     initial_delay: Duration::from_millis(200),
///     max_delay: Duration::from_secs(5),
/// };
/// let sdk_style = RetryConfig::standard()
///     .with_max_attempts(4)
///     .with_initial_backoff(Duration::from_millis(200))
///     .with_max_backoff(Duration::from_secs(5));
/// assert_eq!(PATIENT, sdk_style);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryConfig {
    /// Retries after the first attempt.
    pub max_retries: usize,
    /// The first backoff; each retry doubles it (with full jitter), up to `max_delay`.
    pub initial_delay: Duration,
    /// The longest single backoff.
    pub max_delay: Duration,
}

impl RetryConfig {
    /// The SDK's standard policy: 3 attempts, 1 s initial backoff, 20 s cap.
    pub const fn standard() -> Self {
        RetryConfig {
            max_retries: 2,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(20),
        }
    }

    /// The default for unprocessed batch items: 8 retries from 50 ms, capped at 5 s, so a
    /// throttled batch keeps trying for about 15 s before it reports items as failed.
    pub const fn batch_default() -> Self {
        RetryConfig {
            max_retries: limits::BATCH_MAX_RETRIES as usize,
            initial_delay: Duration::from_millis(limits::BATCH_INITIAL_DELAY_MS),
            max_delay: Duration::from_millis(limits::BATCH_MAX_DELAY_MS),
        }
    }

    /// Sets the total number of attempts (first try included); 0 is treated as 1.
    pub const fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_retries = attempts.saturating_sub(1) as usize;
        self
    }

    /// Sets the number of retries after the first attempt.
    pub const fn with_max_retries(mut self, retries: usize) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the first backoff.
    pub const fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// Sets the longest single backoff.
    pub const fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The ceiling of the pause before retry number `retry` (0-based): `initial_delay * 2^retry`,
    /// capped at `max_delay`. The actual pause is drawn uniformly from zero to this ceiling
    /// ("full jitter"), so that many clients throttled together do not retry together.
    ///
    /// ```
    /// use dynamo_table::RetryConfig;
    /// use std::time::Duration;
    /// let config = RetryConfig::batch_default();
    /// assert_eq!(config.backoff_ceiling(0), Duration::from_millis(50));
    /// assert_eq!(config.backoff_ceiling(2), Duration::from_millis(200));
    /// assert_eq!(config.backoff_ceiling(30), Duration::from_secs(5));
    /// ```
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.initial_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::batch_default()
    }
}
