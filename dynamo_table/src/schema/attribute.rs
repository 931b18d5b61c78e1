//! Serde codecs that store Rust values as DynamoDB's own types, for `#[serde(with = ...)]`:
//! sets as `SS` / `NS` / `BS`, bytes as `B`, times as epoch seconds (`N`) or RFC 3339 strings
//! (`S`). Without them serde writes a set or a `Vec<u8>` as a list (`L`) and a `SystemTime` as a
//! map.
//!
//! | Rust | default | with |
//! | --- | --- | --- |
//! | `HashSet<String>`, `BTreeSet<String>` | `L` of `S` | [`string_set`]: `SS` |
//! | `HashSet<u64>`, `BTreeSet<i32>`, ... | `L` of `N` | [`number_set`]: `NS` |
//! | `HashSet<Binary>`, `BTreeSet<Binary>` | `L` of `B` | [`binary_set`]: `BS` |
//! | `Vec<u8>` | `L` of `N` (4 bytes a byte) | [`bytes`]: `B` (or use [`Binary`](super::Binary)) |
//! | `SystemTime` | `M` of seconds and nanos | [`epoch_seconds`]: `N`; [`rfc3339`]: `S` |
//!
//! DynamoDB has no empty set: leave an empty one out with `#[serde(default, skip_serializing_if
//! = "HashSet::is_empty")]`; one that is sent is refused before the request.
//!
//! ```
//! use std::collections::BTreeSet;
//! use dynamo_table::DynamoTable;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, DynamoTable)]
//! #[dynamo(table = "posts")]
//! struct Post {
//!     #[dynamo(pk)]
//!     id: String,
//!     #[dynamo(set)]
//!     #[serde(with = "dynamo_table::attribute::string_set")]
//!     tags: BTreeSet<String>,
//!     #[serde(with = "dynamo_table::attribute::bytes")]
//!     thumbnail: Vec<u8>,
//! }
//! ```

pub use super::ttl::epoch_seconds;
pub use serde_dynamo::{binary_set, number_set, string_set};

/// `Vec<u8>` (or anything that is bytes) as DynamoDB binary, `B`.
pub mod bytes {
    use serde::{Deserializer, Serializer};

    /// Writes the bytes as one binary value.
    pub fn serialize<T: AsRef<[u8]>, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(value.as_ref())
    }

    /// Reads a binary value (or, for items written before, a list of numbers).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        serde::Deserialize::deserialize(deserializer).map(|b: crate::schema::key::Binary| b.0)
    }
}

/// `SystemTime` as an RFC 3339 string (`S`), UTC, to the nanosecond: sorts as it reads.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Event {
///     #[serde(with = "dynamo_table::attribute::rfc3339")]
///     at: SystemTime,
/// }
/// let e = Event { at: SystemTime::UNIX_EPOCH + Duration::from_secs(86_400) };
/// assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"at":"1970-01-02T00:00:00Z"}"#);
/// ```
pub mod rfc3339 {
    use std::time::SystemTime;

    use serde::{Deserialize, Deserializer, Serializer, de, ser};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    /// Writes the time as an RFC 3339 string in UTC.
    pub fn serialize<S: Serializer>(at: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
        let text = OffsetDateTime::from(*at)
            .format(&Rfc3339)
            .map_err(ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    /// Reads an RFC 3339 string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SystemTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(SystemTime::from)
            .map_err(de::Error::custom)
    }
}
