//! Consumed capacity, per call and in the global counters, against the figures the server
//! reports by DynamoDB's rules (0.5 RCU per 4 KB eventually consistent read, summed over a query
//! page then rounded; 1 WCU per 1 KB written, per index too). One test: the counters are global.

mod support;

use std::time::Duration;

use dynamo_table::capacity::Capacity;
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoTable, RetryConfig, consumed_capacity_stats};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use support::fault_proxy::{FaultPlan, FaultProxy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "small")]
struct Small {
    #[dynamo(pk)]
    id: String,
    #[dynamo(sk)]
    n: u32,
    body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "indexed")]
struct Indexed {
    #[dynamo(pk)]
    id: String,
    #[dynamo(gsi(name = "by_kind", pk))]
    kind: String,
}

fn small(id: &str, n: u32, bytes: usize) -> Small {
    Small {
        id: id.into(),
        n,
        body: "x".repeat(bytes),
    }
}

/// Runs `f` and returns the change of the global counters: (read, write, operations).
async fn delta<F: std::future::Future<Output = ()>>(f: F) -> (f64, f64, u64) {
    let before = consumed_capacity_stats();
    f.await;
    let after = consumed_capacity_stats();
    (
        after.read_capacity_units - before.read_capacity_units,
        after.write_capacity_units - before.write_capacity_units,
        after.operation_count - before.operation_count,
    )
}

fn units(output: Option<&dynamo_table::aws_sdk_dynamodb::types::ConsumedCapacity>) -> f64 {
    output.and_then(|c| c.capacity_units()).unwrap_or(-1.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capacity_is_recorded_exactly_for_every_operation_family() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    client.table::<Small>().create().await.unwrap();
    client.table::<Indexed>().create().await.unwrap();
    let table = client.table::<Small>();
    let indexed = client.table::<Indexed>();
    let mut report = Vec::new();

    // Writes: 1 WCU per KB, rounded up; an index the item lands in costs its own write.
    let d = delta(async {
        let out = table.put(&small("a", 1, 100)).await.unwrap();
        assert_eq!(units(out.consumed_capacity()), 1.0);
    })
    .await;
    assert_eq!(d, (0.0, 1.0, 1), "put of 100 B");
    let d = delta(async {
        table.put(&small("a", 2, 1500)).await.unwrap();
    })
    .await;
    assert_eq!(d, (0.0, 2.0, 1), "put of 1.5 KB");
    let d = delta(async {
        indexed
            .put(&Indexed {
                id: "i".into(),
                kind: "k".into(),
            })
            .await
            .unwrap();
    })
    .await;
    assert_eq!(d, (0.0, 2.0, 1), "put into the table and one GSI");
    report.push(format!(
        "put 100 B: 1.0 WCU; put 1.5 KB: 2.0 WCU; put with 1 GSI: {} WCU",
        d.1
    ));

    // Reads: 0.5 RCU per 4 KB, eventually consistent.
    let d = delta(async {
        let (item, capacity) = table
            .get_with_capacity(("a".to_owned(), Some(1)))
            .await
            .unwrap();
        assert!(item.is_some());
        assert_eq!(
            capacity,
            Capacity {
                read_units: 0.5,
                write_units: 0.0
            }
        );
    })
    .await;
    assert_eq!(d, (0.5, 0.0, 1), "get of 100 B");
    table.put(&small("a", 3, 5000)).await.unwrap();
    let d = delta(async {
        table.get(("a".into(), Some(3))).await.unwrap();
    })
    .await;
    assert_eq!(d, (1.0, 0.0, 1), "get of 5 KB");
    report.push("get 100 B: 0.5 RCU; get 5 KB: 1.0 RCU".to_owned());

    // Update and delete: write side.
    let d = delta(async {
        table
            .update(("a".into(), Some(1)), serde_json::json!({ "body": "y" }))
            .await
            .unwrap();
        table.delete(("a".into(), Some(1))).await.unwrap();
    })
    .await;
    assert_eq!(d, (0.0, 2.0, 2), "update + delete of small items");
    report.push("update: 1.0 WCU; delete: 1.0 WCU".to_owned());

    // Query pages: item sizes summed, then rounded up to 4 KB.
    for n in 0..10 {
        table.put(&small("q", n, 100)).await.unwrap();
    }
    let d = delta(async {
        let page = table
            .query(&"q".to_string())
            .limit(100)
            .page()
            .await
            .unwrap();
        assert_eq!(page.items.len(), 10);
        assert_eq!(
            page.consumed_capacity.read_units, 0.5,
            "10 x ~110 B in one 4 KB unit"
        );
    })
    .await;
    assert_eq!(d, (0.5, 0.0, 1));
    let d = delta(async {
        let all: Vec<Small> = table
            .query(&"q".to_string())
            .limit(3)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all.len(), 10);
    })
    .await;
    assert_eq!(d, (2.0, 0.0, 4), "a stream of 4 pages, 0.5 each");
    let d = delta(async {
        let (count, capacity) = table
            .query(&"q".to_string())
            .count_with_capacity()
            .await
            .unwrap();
        assert_eq!(count, 10);
        assert_eq!(capacity.read_units, 0.5);
    })
    .await;
    assert_eq!(d, (0.5, 0.0, 1), "a count reads the data too");
    let d = delta(async {
        let page = client.table::<Indexed>().scan().page().await.unwrap();
        assert_eq!(page.consumed_capacity.read_units, 0.5);
    })
    .await;
    assert_eq!(d, (0.5, 0.0, 1), "scan page");
    report.push(
        "query page of 10 small items: 0.5 RCU; stream of 4 pages: 2.0; count: 0.5; scan page: 0.5"
            .to_owned(),
    );

    // Batches: each item rounded on its own.
    let items: Vec<Small> = (0..30).map(|n| small("b", n, 100)).collect();
    let d = delta(async {
        let written = table.batch_put(items.clone()).await.unwrap();
        assert_eq!(written.stats.capacity.write_units, 30.0);
    })
    .await;
    assert_eq!(d, (0.0, 30.0, 2), "30 puts in 2 calls");
    let d = delta(async {
        let read = table
            .batch_get(items.iter().map(|i| i.key()))
            .await
            .unwrap();
        assert_eq!(read.items.len(), 30);
        assert_eq!(read.stats.capacity.read_units, 15.0);
    })
    .await;
    assert_eq!(d, (15.0, 0.0, 1), "30 gets in 1 call");
    report.push("batch write of 30: 30.0 WCU in 2 calls; batch get of 30: 15.0 RCU".to_owned());

    // A batch that needed retries: unprocessed items are written (and billed) exactly once.
    let proxy = FaultProxy::start(local.endpoint(), FaultPlan::partial_only(7, 0.8)).await;
    let retrying = proxy
        .client()
        .table::<Small>()
        .with_batch_retries(RetryConfig {
            max_retries: 30,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(10),
        });
    let batch: Vec<Small> = (0..100).map(|n| small("r", n, 100)).collect();
    let mut retries = 0;
    let mut calls = 0;
    let d = delta(async {
        let written = retrying.batch_put(batch).await.unwrap();
        assert_eq!(written.items.len(), 100);
        assert!(
            written.stats.retries > 0,
            "the proxy must have forced retries"
        );
        assert_eq!(written.stats.capacity.write_units, 100.0);
        retries = written.stats.retries;
        calls = written.stats.requests;
    })
    .await;
    assert_eq!((d.0, d.1), (0.0, 100.0));
    assert_eq!(d.2, u64::from(calls));
    report.push(format!(
        "batch write of 100 with {retries} retries over {calls} calls: {} WCU",
        d.1
    ));

    // Many tasks at once.
    let d = delta(async {
        let mut tasks = Vec::new();
        for t in 0..8 {
            let table = table.clone();
            tasks.push(tokio::spawn(async move {
                for n in 0..25 {
                    table.put(&small(&format!("c{t}"), n, 100)).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    })
    .await;
    assert_eq!(d, (0.0, 200.0, 200), "8 tasks x 25 puts");
    report.push("8 concurrent tasks x 25 puts: 200.0 WCU, 200 operations".to_owned());

    for line in report {
        eprintln!("capacity: {line}");
    }
}
