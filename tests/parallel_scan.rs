//! A parallel scan: one stream over N segments at bounded concurrency. Every item comes exactly
//! once, capacity is counted, and dropping the stream stops it. (Its own test binary: the
//! process-wide capacity counters are this test's alone.)

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use dynamo_table::error::InvalidReason;
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoTable, consumed_capacity_stats};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use support::fault_proxy::{FaultPlan, FaultProxy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "readings")]
struct Reading {
    #[dynamo(pk)]
    sensor: String,
    #[dynamo(sk)]
    at: u64,
    value: f64,
}

#[tokio::test]
async fn every_item_exactly_once_capacity_counted_and_a_clean_stop() {
    let local = LocalDynamo::start().unwrap();
    let proxy = FaultProxy::start(local.endpoint(), FaultPlan::batch_faults(0, 0.0)).await;
    let table = proxy.client().table::<Reading>();
    table.create().await.unwrap();
    let readings: Vec<Reading> = (0..10_000u64)
        .map(|i| Reading {
            sensor: format!("sensor-{}", i % 97),
            at: i,
            value: i as f64 / 10.0,
        })
        .collect();
    assert!(table.batch_put(readings).await.unwrap().is_complete());

    let before = consumed_capacity_stats();
    let requests_before = proxy.stats.requests.load(Ordering::Relaxed);
    let mut seen = BTreeSet::new();
    let mut duplicates = 0;
    let mut all = table.scan().limit(300).parallel_stream(8, 3);
    while let Some(reading) = all.next().await {
        if !seen.insert(reading.unwrap().at) {
            duplicates += 1;
        }
    }
    let after = consumed_capacity_stats();
    let requests = proxy.stats.requests.load(Ordering::Relaxed) - requests_before;
    assert_eq!(duplicates, 0);
    assert_eq!(seen, (0..10_000).collect::<BTreeSet<_>>());
    // Every page of every segment was a counted request: at least one per segment and as many
    // as 10,000 items at 300 per page need.
    let operations = after.operation_count - before.operation_count;
    assert!(operations >= 34, "{operations} pages counted");
    assert_eq!(operations, requests, "every request sent was counted");
    assert!(after.read_capacity_units > before.read_capacity_units);
    println!(
        "10000 items exactly once over 8 segments: {requests} requests, {:.1} RCU",
        after.read_capacity_units - before.read_capacity_units
    );

    // Dropped after a few items: no request follows.
    let mut partial = table.scan().limit(50).parallel_stream(4, 2);
    for _ in 0..10 {
        partial.next().await.unwrap().unwrap();
    }
    drop(partial);
    let settled = proxy.stats.requests.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(proxy.stats.requests.load(Ordering::Relaxed), settled);

    // What cannot be split is refused before any request.
    let before = proxy.stats.requests.load(Ordering::Relaxed);
    for mut refused in [
        table.scan().parallel_stream(0, 2),
        table.scan().segment(0, 2).parallel_stream(4, 2),
    ] {
        let first = refused.next().await.unwrap().unwrap_err();
        assert_eq!(
            first.invalid_reason(),
            Some(InvalidReason::Segment),
            "{first}"
        );
        assert!(refused.next().await.is_none());
    }
    assert_eq!(proxy.stats.requests.load(Ordering::Relaxed), before);
}
