//! [`Ttl`]: when an item expires, as DynamoDB's time-to-live reads it (epoch seconds), with
//! the API of the published 0.11 `dynamo_table::Ttl`; and serde helpers that store other time
//! types the same way.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// DynamoDB ignores a time-to-live more than five years in the past.
const FIVE_YEARS_SECS: i64 = 5 * 365 * 86_400;

/// When an item expires: seconds since the Unix epoch, stored as a number, which is what
/// DynamoDB's time to live reads. Mark the field with `#[dynamo(ttl)]`: the table is created with
/// TTL enabled on it, and reads leave out items past it that DynamoDB has not deleted yet.
///
/// ```
/// use dynamo_table::Ttl;
/// let in_a_day = Ttl::from_days(1).unwrap();
/// assert!(in_a_day.as_i64() > Ttl::from_secs(0).unwrap().as_i64());
/// assert_eq!(i64::from(Ttl::from_unix_timestamp(1_700_000_000)), 1_700_000_000);
/// assert!(Ttl::from_days(i64::MAX).is_none()); // overflow
/// assert!(Ttl::from_days(-6 * 365).is_none()); // more than five years in the past
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ttl(i64);

impl Ttl {
    /// `duration` from now; `None` if the time overflows, or lies more than five years in the
    /// past (DynamoDB would ignore it).
    pub fn new(duration: Duration) -> Option<Self> {
        let now = OffsetDateTime::now_utc();
        let at = now.checked_add(duration)?.unix_timestamp();
        (at >= now.unix_timestamp().saturating_sub(FIVE_YEARS_SECS)).then_some(Ttl(at))
    }

    /// This many seconds from now; `None` as for [`Ttl::new`].
    pub fn from_secs(seconds: i64) -> Option<Self> {
        Self::new(Duration::seconds(seconds))
    }

    /// This many days from now; `None` as for [`Ttl::new`].
    pub fn from_days(days: i64) -> Option<Self> {
        Self::from_secs(days.checked_mul(86_400)?)
    }

    /// At this Unix timestamp (seconds since the epoch).
    pub fn from_unix_timestamp(timestamp: i64) -> Self {
        Ttl(timestamp)
    }

    /// The Unix timestamp (seconds since the epoch).
    pub fn as_i64(&self) -> i64 {
        self.0
    }

    /// True when this time has passed.
    ///
    /// ```
    /// assert!(dynamo_table::Ttl::from_unix_timestamp(0).is_expired());
    /// ```
    pub fn is_expired(&self) -> bool {
        self.0 <= OffsetDateTime::now_utc().unix_timestamp()
    }
}

impl From<Ttl> for i64 {
    fn from(ttl: Ttl) -> i64 {
        ttl.0
    }
}

impl From<i64> for Ttl {
    fn from(timestamp: i64) -> Self {
        Ttl(timestamp)
    }
}

impl From<OffsetDateTime> for Ttl {
    fn from(at: OffsetDateTime) -> Self {
        Ttl(at.unix_timestamp())
    }
}

impl TryFrom<Ttl> for OffsetDateTime {
    type Error = time::error::ComponentRange;

    fn try_from(ttl: Ttl) -> Result<Self, Self::Error> {
        OffsetDateTime::from_unix_timestamp(ttl.0)
    }
}

/// Serde helpers that store a [`std::time::SystemTime`] as epoch seconds, the form DynamoDB's
/// time to live reads: `#[serde(with = "dynamo_table::ttl::epoch_seconds")]` (and
/// `epoch_seconds::option` for an `Option<SystemTime>`).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Session {
///     #[serde(with = "dynamo_table::ttl::epoch_seconds")]
///     expires_at: SystemTime,
/// }
/// let s = Session { expires_at: SystemTime::UNIX_EPOCH + Duration::from_secs(90) };
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"expires_at":90}"#);
/// ```
pub mod epoch_seconds {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use serde::{Deserialize, Deserializer, Serializer};

    fn to_secs(at: &SystemTime) -> i64 {
        match at.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    }

    fn from_secs(secs: i64) -> SystemTime {
        let magnitude = Duration::from_secs(secs.unsigned_abs());
        if secs >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
        .unwrap_or(UNIX_EPOCH)
    }

    /// Writes the time as whole seconds since the epoch.
    pub fn serialize<S: Serializer>(at: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(to_secs(at))
    }

    /// Reads whole seconds since the epoch.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SystemTime, D::Error> {
        i64::deserialize(deserializer).map(from_secs)
    }

    /// The same for an `Option<SystemTime>` (with `skip_serializing_if = "Option::is_none"`).
    pub mod option {
        use std::time::SystemTime;

        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes the time as whole seconds since the epoch, or nothing.
        pub fn serialize<S: Serializer>(
            at: &Option<SystemTime>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => {
                    serializer.serialize_some(&crate::schema::ttl::epoch_seconds::to_secs(at))
                }
                None => serializer.serialize_none(),
            }
        }

        /// Reads whole seconds since the epoch, or nothing.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<SystemTime>, D::Error> {
            Option::<i64>::deserialize(deserializer)
                .map(|secs| secs.map(crate::schema::ttl::epoch_seconds::from_secs))
        }
    }
}
