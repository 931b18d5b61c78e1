//! Streams request the next page while the consumer works on the current one: a proxy on the
//! wire counts the requests that reach it while the test holds the stream still. Streams are
//! `Unpin`, hand out every item once and in order, and stop when dropped.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoTable, Table};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use support::fault_proxy::{FaultPlan, FaultProxy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "events")]
struct Event {
    #[dynamo(pk)]
    stream: String,
    #[dynamo(sk)]
    seq: u32,
}

async fn set_up() -> (LocalDynamo, FaultProxy, Table<Event>) {
    let local = LocalDynamo::start().unwrap();
    let direct = local.client().table::<Event>();
    direct.create().await.unwrap();
    let events: Vec<Event> = (0..30)
        .map(|seq| Event {
            stream: "s".into(),
            seq,
        })
        .collect();
    assert!(direct.batch_put(events).await.unwrap().is_complete());
    let proxy = FaultProxy::start(local.endpoint(), FaultPlan::none(1)).await;
    let table = proxy.client().table::<Event>();
    (local, proxy, table)
}

/// Waits up to 5 s for the proxy to have seen `n` requests; how many it saw.
async fn requests_reach(proxy: &FaultProxy, n: u64) -> u64 {
    for _ in 0..500 {
        let seen = proxy.stats.requests.load(Ordering::SeqCst);
        if seen >= n {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    proxy.stats.requests.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_page_is_requested_while_the_consumer_holds_the_first() {
    let (_local, proxy, events) = set_up().await;
    let mut stream = events.query(&"s".to_string()).limit(10).stream();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.seq, 0);
    // The stream is not polled again; the second page's request goes out anyway.
    assert_eq!(requests_reach(&proxy, 2).await, 2);
    // And no further: one page ahead at most.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(proxy.stats.requests.load(Ordering::SeqCst), 2);

    // Every item, once, in order.
    let mut seqs = vec![first.seq];
    while let Some(event) = stream.next().await {
        seqs.push(event.unwrap().seq);
    }
    assert_eq!(seqs, (0..30).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_fetch_ahead_a_request_waits_for_the_consumer() {
    let (_local, proxy, events) = set_up().await;
    let mut stream = events
        .query(&"s".to_string())
        .limit(10)
        .fetch_ahead(false)
        .stream();
    assert_eq!(stream.next().await.unwrap().unwrap().seq, 0);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(proxy.stats.requests.load(Ordering::SeqCst), 1);
    let rest: Vec<u32> = stream.map(|e| e.unwrap().seq).collect().await;
    assert_eq!(rest, (1..30).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_scans_fetch_ahead_too_and_a_dropped_stream_stops() {
    let (_local, proxy, events) = set_up().await;
    let mut pages = events.scan().limit(7).pages();
    let page = pages.next().await.unwrap().unwrap();
    assert_eq!(page.items.len(), 7);
    assert_eq!(requests_reach(&proxy, 2).await, 2);
    drop(pages);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        proxy.stats.requests.load(Ordering::SeqCst),
        2,
        "nothing is requested once the stream is dropped"
    );
}
