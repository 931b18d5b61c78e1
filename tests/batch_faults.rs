//! Batches under injected faults: a proxy on the wire between the SDK client and the embedded
//! server throttles, fails with 500s, drops connections and answers with unprocessed items,
//! from a seeded schedule. Every count is checked against what the server really holds.
//!
//! These tests run on the embedded server only: they need to own the wire.

mod support;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use dynamo_table::aws_sdk_dynamodb::types::AttributeValue;
use dynamo_table::batch::BatchStats;
use dynamo_table::error::InvalidReason;
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoClient, DynamoTable, RetryConfig};
use serde::{Deserialize, Serialize};
use support::fault_proxy::{FaultPlan, FaultProxy};
use support::scan_all;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "readings")]
struct Reading {
    #[dynamo(pk)]
    sensor: String,
    #[dynamo(sk)]
    at: u64,
    value: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "devices")]
struct Device {
    #[dynamo(pk)]
    device_id: String,
    firmware: String,
}

fn readings(n: u64) -> Vec<Reading> {
    (0..n)
        .map(|i| Reading {
            sensor: format!("sensor-{}", i % 97),
            at: i,
            value: i as i64 * 3,
        })
        .collect()
}

/// Fast, patient retries: enough to get through 30% faults.
const PATIENT: RetryConfig = RetryConfig {
    max_retries: 40,
    initial_delay: Duration::from_millis(2),
    max_delay: Duration::from_millis(40),
};

/// One retry, quickly: most items of a faulty call stay unsettled.
const STINGY: RetryConfig = RetryConfig {
    max_retries: 1,
    initial_delay: Duration::from_millis(1),
    max_delay: Duration::from_millis(5),
};

struct Rig {
    local: LocalDynamo,
    proxy: FaultProxy,
    /// Through the proxy.
    faulty: DynamoClient,
    /// Straight to the server, for set-up and checks.
    direct: DynamoClient,
}

async fn rig(plan: FaultPlan) -> Rig {
    let local = LocalDynamo::start().unwrap();
    let proxy = FaultProxy::start(local.endpoint(), plan).await;
    let faulty = proxy.client().with_batch_concurrency(4);
    let direct = local.client();
    Rig {
        local,
        proxy,
        faulty,
        direct,
    }
}

fn n(item: &HashMap<String, AttributeValue>, name: &str) -> u64 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number {name} in {item:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_items_all_land_through_thirty_percent_faults() {
    let rig = rig(FaultPlan::batch_faults(0x5EED_0001, 0.30)).await;
    rig.direct.table::<Reading>().create().await.unwrap();

    let table = rig.faulty.table::<Reading>().with_batch_retries(PATIENT);
    let result = table.batch_put(readings(10_000)).await.unwrap();
    eprintln!(
        "10,000 items, 30% faults: written={} failed={} time={:?} stats={:?} proxy: {}",
        result.items.len(),
        result.failed.len(),
        result.execution_time,
        result.stats,
        rig.proxy.stats.summary()
    );
    assert_eq!(
        result.items.len(),
        10_000,
        "failures: {:?}",
        result.failed.first()
    );
    assert!(result.failed.is_empty());
    assert!(
        rig.proxy.stats.faults() > 50,
        "the schedule must really inject faults"
    );
    assert!(result.stats.retries > 0);

    let stored = scan_all(&rig.direct, "readings").await;
    assert_eq!(stored.len(), 10_000);
    let ats: HashSet<u64> = stored.iter().map(|i| n(i, "at")).collect();
    assert_eq!(ats.len(), 10_000);
    assert!(stored.iter().all(|i| n(i, "value") == n(i, "at") * 3));
    drop(rig.local);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_too_few_retries_every_item_is_accounted_for() {
    let rig = rig(FaultPlan::batch_faults(0x5EED_0002, 0.60)).await;
    rig.direct.table::<Reading>().create().await.unwrap();

    let table = rig.faulty.table::<Reading>().with_batch_retries(STINGY);
    let result = table.batch_put(readings(10_000)).await.unwrap();
    eprintln!(
        "10,000 items, 60% faults, 1 retry: written={} not written={} unknown={} time={:?} \
         stats={:?} proxy: {}",
        result.items.len(),
        result.failed.len(),
        result.unknown.len(),
        result.execution_time,
        result.stats,
        rig.proxy.stats.summary()
    );
    assert_eq!(
        result.items.len() + result.failed.len() + result.unknown.len(),
        10_000
    );
    assert!(result.superseded.is_empty());
    assert!(
        !result.failed.is_empty(),
        "with 60% faults and one retry some items must fail"
    );
    assert!(result.failed.iter().all(|f| f.error.is_retryable()));
    // A 500 or a dropped connection cannot tell the client whether the call was applied (here
    // the proxy decided before forwarding, but the client cannot know that).
    assert!(!result.unknown.is_empty());
    assert!(result.unknown.iter().all(|f| f.error.is_retryable()));

    let stored: HashSet<u64> = scan_all(&rig.direct, "readings")
        .await
        .iter()
        .map(|i| n(i, "at"))
        .collect();
    for written in &result.items {
        assert!(
            stored.contains(&written.at),
            "reported written, not stored: {written:?}"
        );
    }
    for failed in &result.failed {
        assert!(
            !stored.contains(&failed.value.at),
            "reported failed, but stored: {:?}",
            failed.value
        );
    }
    assert!(stored.len() >= result.items.len());
    assert!(stored.len() <= result.items.len() + result.unknown.len());
}

/// Calls applied and then answered with a 500 or a dropped connection, with too few retries:
/// every item is written, not written, or unknown, and the first two are true.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_answers_lost_after_the_write_every_item_is_written_not_written_or_unknown() {
    let plan = FaultPlan {
        applied_then_500: 0.15,
        applied_then_drop: 0.15,
        ..FaultPlan::batch_faults(0x5EED_0005, 0.3)
    };
    let rig = rig(plan).await;
    rig.direct.table::<Reading>().create().await.unwrap();
    let table = rig.faulty.table::<Reading>().with_batch_retries(STINGY);
    let result = table.batch_put(readings(10_000)).await.unwrap();
    let stored: HashSet<u64> = scan_all(&rig.direct, "readings")
        .await
        .iter()
        .map(|i| n(i, "at"))
        .collect();
    let unknown_stored = result
        .unknown
        .iter()
        .filter(|f| stored.contains(&f.value.at))
        .count();
    eprintln!(
        "10,000 items, 30% faults + 30% applied-then-failed, 1 retry: written={} not written={} \
         unknown={} (of which stored: {unknown_stored}); stored={}; proxy: {}",
        result.items.len(),
        result.failed.len(),
        result.unknown.len(),
        stored.len(),
        rig.proxy.stats.summary()
    );
    assert_eq!(
        result.items.len() + result.failed.len() + result.unknown.len(),
        10_000
    );
    assert!(!result.failed.is_empty() && !result.unknown.is_empty());
    assert!(
        unknown_stored > 0,
        "some unknown items were in fact written"
    );
    for written in &result.items {
        assert!(
            stored.contains(&written.at),
            "reported written, not stored: {written:?}"
        );
    }
    for failed in &result.failed {
        assert!(
            !stored.contains(&failed.value.at),
            "reported not written, but stored: {:?}",
            failed.value
        );
        assert!(!failed.error.may_have_been_applied(), "{}", failed.error);
    }
    // The error of each agrees with its list, whatever the last call failed with.
    for unknown in &result.unknown {
        assert!(unknown.error.may_have_been_applied(), "{}", unknown.error);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_refused_before_sending_fails_with_its_own_error_when_its_call_is_lost() {
    // Every call is applied and then answered with a 500 or a dropped connection: every item a
    // call carried may have been written. The oversized item was refused as its request was
    // built, so no call carried it: it was not written, and its error says why.
    let plan = FaultPlan::applied_then_failed(0x5EED_0006, &["BatchWriteItem"], 1.0);
    let rig = rig(plan).await;
    rig.direct.table::<Device>().create().await.unwrap();
    let mut devices: Vec<Device> = (0..10)
        .map(|i| Device {
            device_id: format!("dev-{i}"),
            firmware: "1.0".into(),
        })
        .collect();
    devices[4].firmware = "x".repeat(500_000);
    let table = rig.faulty.table::<Device>().with_batch_retries(STINGY);
    let result = table.batch_put(devices).await.unwrap();
    let ids = |list: &[dynamo_table::batch::Failed<Device>]| -> Vec<String> {
        list.iter().map(|f| f.value.device_id.clone()).collect()
    };
    assert_eq!(
        result.unknown.len(),
        9,
        "unknown: {:?}",
        ids(&result.unknown)
    );
    assert!(result.items.is_empty());
    let [refused] = result.failed.as_slice() else {
        panic!("one item fails, not {:?}", ids(&result.failed));
    };
    assert_eq!(refused.value.device_id, "dev-4");
    assert_eq!(
        refused.error.invalid_reason(),
        Some(InvalidReason::ItemTooLarge),
        "{}",
        refused.error
    );
    assert!(!refused.error.may_have_been_applied());
    let stored: HashSet<String> = scan_all(&rig.direct, "devices")
        .await
        .iter()
        .filter_map(|i| i.get("device_id")?.as_s().ok().cloned())
        .collect();
    assert_eq!(stored.len(), 9, "every call was applied");
    assert!(!stored.contains("dev-4"));
}

/// Stores the first `stored` of 1,000 readings, reads all 1,000 keys through the proxy's
/// `plan`, and checks that every stored item comes back once, in key order, and every other key
/// is not found, with no key failed. Returns the rig and the result's stats.
async fn batch_get_of_a_thousand(plan: FaultPlan, stored: u64) -> (Rig, BatchStats) {
    let rig = rig(plan).await;
    rig.direct.table::<Reading>().create().await.unwrap();
    let items = readings(stored);
    let written = rig
        .direct
        .table::<Reading>()
        .batch_put(items.clone())
        .await
        .unwrap();
    assert_eq!(written.items.len() as u64, stored);

    let keys: Vec<_> = readings(1_000)
        .into_iter()
        .map(|r| (r.sensor, Some(r.at)))
        .collect();
    let table = rig.faulty.table::<Reading>().with_batch_retries(PATIENT);
    let result = table.batch_get(keys).await.unwrap();
    eprintln!(
        "batch get 1,000 keys: found={} not_found={} failed={} time={:?} stats={:?} proxy: {}",
        result.items.len(),
        result.not_found.len(),
        result.failed_keys.len(),
        result.execution_time,
        result.stats,
        rig.proxy.stats.summary()
    );
    assert!(result.failed_keys.is_empty());
    assert_eq!(
        result.items, items,
        "every existing item once, in key order"
    );
    assert_eq!(result.not_found.len() as u64, 1_000 - stored);
    assert!(result.not_found.iter().all(|(_, at)| at.unwrap() >= stored));
    (rig, result.stats)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_get_of_a_thousand_keys_under_unprocessed_keys_returns_each_item_once() {
    let (rig, stats) =
        batch_get_of_a_thousand(FaultPlan::partial_only(0x5EED_0003, 0.70), 800).await;
    assert!(
        rig.proxy
            .stats
            .partial
            .load(std::sync::atomic::Ordering::Relaxed)
            > 3
    );
    assert!(stats.unprocessed > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_get_through_failed_calls_rebuilds_the_keys_and_returns_each_item_once() {
    // Half of the calls fail whole (throttled, 500, dropped) or come back partial: a failed
    // call took its key maps with it, so the retry builds them again from the typed keys.
    let (rig, _) = batch_get_of_a_thousand(FaultPlan::batch_faults(0x5EED_0005, 0.50), 600).await;
    assert!(rig.proxy.stats.faults() > 3, "the proxy failed some calls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_puts_and_deletes_across_two_tables_match_the_model() {
    let rig = rig(FaultPlan::batch_faults(0x5EED_0004, 0.30)).await;
    rig.direct.table::<Reading>().create().await.unwrap();
    rig.direct.table::<Device>().create().await.unwrap();

    // Start: 1,000 readings and 500 devices.
    let mut readings_model: HashMap<(String, u64), i64> = HashMap::new();
    let mut devices_model: HashMap<String, String> = HashMap::new();
    let initial = readings(1_000);
    for r in &initial {
        readings_model.insert((r.sensor.clone(), r.at), r.value);
    }
    let devices: Vec<Device> = (0..500)
        .map(|i| Device {
            device_id: format!("dev-{i}"),
            firmware: "1.0".into(),
        })
        .collect();
    for d in &devices {
        devices_model.insert(d.device_id.clone(), d.firmware.clone());
    }
    rig.direct
        .table::<Reading>()
        .batch_put(initial)
        .await
        .unwrap();
    rig.direct
        .table::<Device>()
        .batch_put(devices)
        .await
        .unwrap();

    // One batch: delete every third reading, put 1,000 new ones, upgrade even devices twice
    // (the second put wins), delete devices 400..500.
    let mut batch = rig.faulty.batch_write().retry(PATIENT);
    for r in readings(1_000).iter().filter(|r| r.at % 3 == 0) {
        batch = batch.delete::<Reading>((r.sensor.clone(), Some(r.at)));
        readings_model.remove(&(r.sensor.clone(), r.at));
    }
    for i in 1_000..2_000u64 {
        let r = Reading {
            sensor: format!("sensor-{}", i % 97),
            at: i,
            value: -(i as i64),
        };
        readings_model.insert((r.sensor.clone(), r.at), r.value);
        batch = batch.put(&r);
    }
    for round in ["2.0", "3.0"] {
        for i in (0..400).step_by(2) {
            let d = Device {
                device_id: format!("dev-{i}"),
                firmware: round.into(),
            };
            devices_model.insert(d.device_id.clone(), d.firmware.clone());
            batch = batch.put(&d);
        }
    }
    for i in 400..500 {
        batch = batch.delete::<Device>((format!("dev-{i}"), None));
        devices_model.remove(&format!("dev-{i}"));
    }
    let writes = batch.len();
    let report = batch.execute().await.unwrap();
    eprintln!(
        "mixed batch of {writes} writes over two tables, 30% faults: written={} failed={} \
         time={:?} stats={:?} proxy: {}",
        report.written(),
        report.failed(),
        report.execution_time,
        report.stats,
        rig.proxy.stats.summary()
    );
    assert_eq!(report.failed(), 0);
    assert_eq!(report.written() + 200, writes, "200 superseded device puts");
    assert!(rig.proxy.stats.faults() > 10);

    let readings_now: HashMap<(String, u64), i64> = scan_all(&rig.direct, "readings")
        .await
        .iter()
        .map(|i| {
            let sensor = i["sensor"].as_s().unwrap().clone();
            let value: i64 = i["value"].as_n().unwrap().parse().unwrap();
            ((sensor, n(i, "at")), value)
        })
        .collect();
    assert_eq!(readings_now, readings_model);
    let devices_now: HashMap<String, String> = scan_all(&rig.direct, "devices")
        .await
        .iter()
        .map(|i| {
            (
                i["device_id"].as_s().unwrap().clone(),
                i["firmware"].as_s().unwrap().clone(),
            )
        })
        .collect();
    assert_eq!(devices_now, devices_model);
}
