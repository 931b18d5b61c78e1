//! Consumed capacity: what each call cost ([`Capacity`], on results), and process-wide counters
//! of everything the library has spent (with the `consumed_capacity_stats` feature, on by
//! default).
//!
//! Every request the library sends asks DynamoDB for its consumed capacity (`TOTAL`) and records
//! it: reads (get, query and scan pages, counts, batch gets) on the read side, writes (put,
//! update, delete, batch writes) on the write side, retries included. Table creation and
//! description are not counted. The counters are lock-free atomics, exact to 0.001 unit
//! (DynamoDB's figures are multiples of 0.5).
//!
//! ```
//! # #[cfg(feature = "consumed_capacity_stats")]
//! # {
//! use dynamo_table::capacity::{consumed_capacity_stats, record_read, record_write};
//! let before = consumed_capacity_stats();
//! record_read(0.5);
//! record_write(2.0);
//! let after = consumed_capacity_stats();
//! assert!(after.total_capacity_units >= before.total_capacity_units + 2.5);
//! # }
//! ```

use aws_sdk_dynamodb::types::ConsumedCapacity;

/// Capacity units one call consumed, as DynamoDB reported them.
///
/// ```
/// let c = dynamo_table::capacity::Capacity { read_units: 0.5, write_units: 2.0 };
/// assert_eq!(c.total(), 2.5);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Capacity {
    /// Read capacity units.
    pub read_units: f64,
    /// Write capacity units.
    pub write_units: f64,
}

impl Capacity {
    /// Read plus write units.
    pub fn total(&self) -> f64 {
        self.read_units + self.write_units
    }

    pub(crate) fn add(&mut self, other: Capacity) {
        self.read_units += other.read_units;
        self.write_units += other.write_units;
    }
}

/// Which side of the bill an operation is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Read,
    Write,
    /// Control-plane calls (create, describe, delete table): not counted.
    Uncounted,
}

impl Side {
    /// The capacity of `records` (one per table touched), on this side.
    pub(crate) fn capacity<'a>(
        self,
        records: impl IntoIterator<Item = &'a ConsumedCapacity>,
    ) -> Capacity {
        let units: f64 = records
            .into_iter()
            .filter_map(ConsumedCapacity::capacity_units)
            .sum();
        match self {
            Side::Read => Capacity {
                read_units: units,
                write_units: 0.0,
            },
            Side::Write => Capacity {
                read_units: 0.0,
                write_units: units,
            },
            Side::Uncounted => Capacity::default(),
        }
    }
}

/// Whether requests ask DynamoDB for their consumed capacity.
pub(crate) fn wanted() -> Option<aws_sdk_dynamodb::types::ReturnConsumedCapacity> {
    cfg!(feature = "consumed_capacity_stats")
        .then_some(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total)
}

#[cfg(feature = "consumed_capacity_stats")]
pub use counters::*;

#[cfg(feature = "consumed_capacity_stats")]
mod counters {
    use std::sync::atomic::{AtomicU64, Ordering};

    use aws_sdk_dynamodb::types::ConsumedCapacity;

    use super::Capacity;

    /// Units are kept in thousandths, so additions are exact and lock-free.
    const SCALE: f64 = 1000.0;

    static READ_MILLI_UNITS: AtomicU64 = AtomicU64::new(0);
    static WRITE_MILLI_UNITS: AtomicU64 = AtomicU64::new(0);
    static OPERATIONS: AtomicU64 = AtomicU64::new(0);

    fn to_milli(units: f64) -> u64 {
        if units.is_finite() && units > 0.0 {
            // Saturating: a value beyond u64 in thousandths is not a real bill.
            (units * SCALE).round() as u64
        } else {
            0
        }
    }

    fn from_milli(milli: u64) -> f64 {
        milli as f64 / SCALE
    }

    fn add_read(units: f64) {
        READ_MILLI_UNITS.fetch_add(to_milli(units), Ordering::Relaxed);
    }

    fn add_write(units: f64) {
        WRITE_MILLI_UNITS.fetch_add(to_milli(units), Ordering::Relaxed);
    }

    /// Adds `units` to the read counter (negative, NaN and infinite values are ignored) and
    /// counts one operation, as in the published API.
    ///
    /// ```
    /// dynamo_table::capacity::record_read(1.5);
    /// assert!(dynamo_table::read_capacity_units() >= 1.5);
    /// ```
    pub fn record_read(units: f64) {
        add_read(units);
        OPERATIONS.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds `units` to the write counter (negative, NaN and infinite values are ignored) and
    /// counts one operation.
    ///
    /// ```
    /// dynamo_table::capacity::record_write(1.0);
    /// assert!(dynamo_table::write_capacity_units() >= 1.0);
    /// ```
    pub fn record_write(units: f64) {
        add_write(units);
        OPERATIONS.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a `ConsumedCapacity` from a request you sent yourself, and counts one operation.
    /// Its read and write units go to their sides; a record with only a total (what
    /// `ReturnConsumedCapacity=TOTAL` gives) is counted on the read side: call
    /// [`record_read`] / [`record_write`] when you know which it was. A record of zero units
    /// counts nothing, as in the published API.
    ///
    /// ```
    /// use dynamo_table::aws_sdk_dynamodb::types::ConsumedCapacity;
    /// let before = dynamo_table::write_capacity_units();
    /// dynamo_table::capacity::record(&ConsumedCapacity::builder().write_capacity_units(3.0).capacity_units(3.0).build());
    /// assert!(dynamo_table::write_capacity_units() >= before + 3.0);
    /// ```
    pub fn record(consumed: &ConsumedCapacity) {
        let positive = |units: Option<f64>| units.filter(|u| *u > 0.0);
        let read = positive(consumed.read_capacity_units());
        let write = positive(consumed.write_capacity_units());
        let (read, write) = match (read, write) {
            (None, None) => (positive(consumed.capacity_units()), None),
            sides => sides,
        };
        if read.is_none() && write.is_none() {
            return;
        }
        add_read(read.unwrap_or(0.0));
        add_write(write.unwrap_or(0.0));
        OPERATIONS.fetch_add(1, Ordering::Relaxed);
    }

    /// [`record`] for an optional value (what SDK outputs hold); `None` records nothing.
    ///
    /// ```
    /// dynamo_table::capacity::record_from_option(None);
    /// ```
    pub fn record_from_option(consumed: Option<&ConsumedCapacity>) {
        if let Some(consumed) = consumed {
            record(consumed);
        }
    }

    /// One request's capacity, recorded by the library.
    pub(crate) fn record_call(capacity: Capacity) {
        add_read(capacity.read_units);
        add_write(capacity.write_units);
        OPERATIONS.fetch_add(1, Ordering::Relaxed);
    }

    /// Read capacity units consumed since the process started.
    pub fn read_capacity_units() -> f64 {
        from_milli(READ_MILLI_UNITS.load(Ordering::Relaxed))
    }

    /// Write capacity units consumed since the process started.
    pub fn write_capacity_units() -> f64 {
        from_milli(WRITE_MILLI_UNITS.load(Ordering::Relaxed))
    }

    /// Read plus write capacity units.
    pub fn total_capacity_units() -> f64 {
        read_capacity_units() + write_capacity_units()
    }

    /// Requests whose capacity was recorded (each page, each batch call and retry).
    pub fn operation_count() -> u64 {
        OPERATIONS.load(Ordering::Relaxed)
    }

    /// A point-in-time copy of the counters.
    ///
    /// ```
    /// let s: dynamo_table::capacity::CapacityStats = dynamo_table::consumed_capacity_stats();
    /// println!("{:.1} RCU, {:.1} WCU over {} requests", s.read_capacity_units, s.write_capacity_units, s.operation_count);
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq)]
    pub struct CapacityStats {
        /// Read capacity units.
        pub read_capacity_units: f64,
        /// Write capacity units.
        pub write_capacity_units: f64,
        /// Read plus write.
        pub total_capacity_units: f64,
        /// Requests recorded.
        pub operation_count: u64,
    }

    /// A snapshot of the counters.
    ///
    /// ```
    /// let stats = dynamo_table::consumed_capacity_stats();
    /// assert_eq!(stats.total_capacity_units, stats.read_capacity_units + stats.write_capacity_units);
    /// ```
    pub fn consumed_capacity_stats() -> CapacityStats {
        let read = read_capacity_units();
        let write = write_capacity_units();
        CapacityStats {
            read_capacity_units: read,
            write_capacity_units: write,
            total_capacity_units: read + write,
            operation_count: operation_count(),
        }
    }

    /// Emits the counters as one `tracing::info!` event (`read_cu`, `write_cu`, `total_cu`,
    /// `operations`).
    pub fn log_stats() {
        let stats = consumed_capacity_stats();
        tracing::info!(
            read_cu = stats.read_capacity_units,
            write_cu = stats.write_capacity_units,
            total_cu = stats.total_capacity_units,
            operations = stats.operation_count,
            "DynamoDB consumed capacity"
        );
    }

    /// Calls [`log_stats`] when dropped: hold one for the life of `main` to log the totals at
    /// exit.
    ///
    /// ```
    /// let _stats_guard = dynamo_table::CapacityStatsGuard::new();
    /// ```
    #[derive(Debug, Default)]
    #[must_use = "the stats are logged when the guard is dropped; bind it to a variable"]
    pub struct CapacityStatsGuard(());

    impl CapacityStatsGuard {
        /// A guard that logs on drop.
        pub fn new() -> Self {
            CapacityStatsGuard(())
        }
    }

    impl Drop for CapacityStatsGuard {
        fn drop(&mut self) {
            log_stats();
        }
    }
}

/// Without the feature there are no counters; calls record nothing.
#[cfg(not(feature = "consumed_capacity_stats"))]
pub(crate) fn record_call(_capacity: Capacity) {}
