//! Exponential backoff with full jitter, bounded by a [`RetryConfig`].

use std::time::Duration;

use crate::config::RetryConfig;

impl RetryConfig {
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

    /// A pause before retry number `retry`, with full jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
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
                assert!(config.backoff(retry) <= ceiling);
            }
        }
    }
}
