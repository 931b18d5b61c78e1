//! Batch get, put and delete against the server, without faults: chunking, de-duplication,
//! per-item accounting and the checks made before sending.

mod support;

use std::collections::HashSet;

use dynamo_table::DynamoTable;
use dynamo_table::batch::WriteOutcome;
use serde::{Deserialize, Serialize};
use support::{TestDb, scan_all};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "events")]
struct Event {
    #[dynamo(pk)]
    stream: String,
    #[dynamo(sk)]
    seq: u64,
    payload: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(pk)]
    user_id: String,
    name: String,
}

fn event(stream: &str, seq: u64, payload: &str) -> Event {
    Event {
        stream: stream.into(),
        seq,
        payload: payload.into(),
    }
}

fn events(n: u64) -> Vec<Event> {
    (0..n)
        .map(|i| event(&format!("s{}", i % 7), i, "x"))
        .collect()
}

#[tokio::test]
async fn upsert_chunks_by_25_and_accounts_for_every_item() {
    let db = TestDb::new().await;
    let table = db.create::<Event>().await;
    let result = table.batch_put(events(60)).await.unwrap();
    assert_eq!(result.items.len(), 60);
    assert!(result.failed.is_empty() && result.superseded.is_empty());
    assert_eq!(
        result.stats.requests, 3,
        "60 items are 3 calls of at most 25"
    );
    assert_eq!(result.stats.retries, 0);
    assert_eq!(scan_all(&db.client, table.name()).await.len(), 60);
}

#[tokio::test]
async fn get_reads_each_key_once_and_reports_missing_ones() {
    let db = TestDb::new().await;
    let table = db.create::<Event>().await;
    let stored = events(150);
    table.batch_put(stored.clone()).await.unwrap();

    let mut keys: Vec<_> = (0..250u64)
        .map(|i| (format!("s{}", i % 7), Some(i)))
        .collect();
    keys.extend((0..30u64).map(|i| (format!("s{}", i % 7), Some(i)))); // 30 repeats
    let result = table.batch_get(keys).await.unwrap();
    assert_eq!(result.items.len(), 150);
    assert_eq!(result.not_found.len(), 100);
    assert!(result.failed_keys.is_empty());
    assert_eq!(result.duplicate_keys, 30);
    assert_eq!(
        result.stats.requests, 3,
        "250 distinct keys are 3 calls of at most 100"
    );
    let seqs: HashSet<u64> = result.items.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..150).collect());
    assert!(result.not_found.iter().all(|(_, seq)| seq.unwrap() >= 150));
    // Items come back in key order.
    assert_eq!(result.items, stored);
}

#[tokio::test]
async fn missing_keys_among_found_ones_are_each_returned() {
    // Found and missing keys side by side in every chunk: a found key is freed as its item
    // arrives, and the missing ones next to it must still come back, each exactly once.
    let db = TestDb::new().await;
    let table = db.create::<Event>().await;
    let key = |i: u64| (format!("s{}", i % 7), Some(i));
    let stored: Vec<Event> = (0..300)
        .filter(|i| i % 3 != 0)
        .map(|i| event(&format!("s{}", i % 7), i, "x"))
        .collect();
    table.batch_put(stored.clone()).await.unwrap();

    let result = table.batch_get((0..300).map(key)).await.unwrap();
    assert_eq!(result.items, stored, "the found items, in key order");
    let missing: Vec<_> = (0..300).filter(|i| i % 3 == 0).map(key).collect();
    assert_eq!(result.not_found, missing);
    assert!(result.failed_keys.is_empty());
}

#[tokio::test]
async fn delete_by_items_and_by_keys() {
    let db = TestDb::new().await;
    let table = db.create::<Event>().await;
    let all = events(40);
    table.batch_put(all.clone()).await.unwrap();

    let result = table
        .batch_delete(all[..10].iter().map(Event::key))
        .await
        .unwrap();
    assert_eq!(result.items.len(), 10);
    let keys: Vec<_> = all[10..30]
        .iter()
        .map(|e| (e.stream.clone(), Some(e.seq)))
        .collect();
    let result = table.batch_delete(keys).await.unwrap();
    assert_eq!(result.items.len(), 20);

    let left: HashSet<u64> = scan_all(&db.client, table.name())
        .await
        .iter()
        .filter_map(|i| i.get("seq")?.as_n().ok()?.parse().ok())
        .collect();
    assert_eq!(left, (30..40).collect());
}

#[tokio::test]
async fn repeated_keys_last_write_wins_and_is_reported() {
    let db = TestDb::new().await;
    let table = db.create::<Event>().await;
    let batch = vec![
        event("a", 1, "first"),
        event("a", 2, "other"),
        event("a", 1, "second"),
        event("a", 1, "third"),
    ];
    let result = table.batch_put(batch).await.unwrap();
    assert_eq!(result.items.len(), 2);
    assert_eq!(result.superseded.len(), 2);
    let superseded: Vec<&str> = result
        .superseded
        .iter()
        .map(|e| e.payload.as_str())
        .collect();
    assert_eq!(superseded, ["first", "second"]);
    let stored = table.get(("a".into(), Some(1))).await.unwrap().unwrap();
    assert_eq!(stored.payload, "third");
}

#[tokio::test]
async fn a_put_and_a_delete_of_one_key_is_refused_naming_the_key() {
    let db = TestDb::new().await;
    let table = db.create::<Event>().await;
    let err = db
        .client
        .batch_write()
        .put(&event("a", 1, "new"))
        .put(&event("b", 5, "x"))
        .delete::<Event>(event("b", 5, "x").key())
        .execute()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("stream=\"b\""), "{message}");
    assert!(message.contains("seq=5"), "{message}");
    assert!(
        scan_all(&db.client, table.name()).await.is_empty(),
        "nothing is sent"
    );
}

#[tokio::test]
async fn mixed_write_applies_puts_and_deletes() {
    let db = TestDb::new().await;
    let table = db.create::<Event>().await;
    table.batch_put(events(5)).await.unwrap();
    let mut batch = db.client.batch_write().put(&event("new", 1, "n"));
    for old in events(3) {
        batch = batch.delete::<Event>(old.key());
    }
    let report = batch.execute().await.unwrap();
    assert_eq!(report.written(), 4);
    let left = scan_all(&db.client, table.name()).await;
    assert_eq!(left.len(), 3, "5 - 3 deleted + 1 put");
}

#[tokio::test]
async fn an_oversized_item_fails_alone_with_its_key() {
    let db = TestDb::new().await;
    let table = db.create::<Event>().await;
    let mut batch = events(30);
    batch[17].payload = "x".repeat(410 * 1024);
    let result = table.batch_put(batch).await.unwrap();
    assert_eq!(result.items.len(), 29);
    assert_eq!(result.failed.len(), 1);
    let failed = &result.failed[0];
    assert_eq!(failed.value.seq, 17);
    let message = failed.error.to_string();
    assert!(
        message.contains("seq=17") && message.contains("400 KB"),
        "{message}"
    );
    assert_eq!(scan_all(&db.client, table.name()).await.len(), 29);
}

#[tokio::test]
async fn an_invalid_key_fails_a_get_before_sending() {
    let db = TestDb::new().await;
    let table = db.client.table::<Event>(); // not created: a sent request would say so
    let err = table
        .batch_get(vec![("a".into(), Some(1)), ("".into(), Some(2))])
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    assert!(err.to_string().contains("partition key `stream`"), "{err}");
}

#[tokio::test]
async fn a_missing_table_fails_every_item_with_the_reason() {
    let db = TestDb::new().await;
    let table = db.client.table::<Event>();
    let result = table.batch_put(events(30)).await.unwrap();
    assert_eq!(result.failed.len(), 30);
    assert!(result.failed.iter().all(|f| f.error.is_table_not_found()));
    assert_eq!(result.stats.retries, 0, "a missing table is not retried");
}

#[tokio::test]
async fn one_batch_across_two_tables() {
    let db = TestDb::new().await;
    let events_table = db.create::<Event>().await;
    let users = db.create::<User>().await;
    users
        .put(&User {
            user_id: "gone".into(),
            name: "x".into(),
        })
        .await
        .unwrap();
    let report = db
        .client
        .batch_write()
        .put(&event("a", 1, "p"))
        .put(&User {
            user_id: "u1".into(),
            name: "Ada".into(),
        })
        .delete::<User>(UserKey {
            user_id: "gone".into(),
        })
        .put(&event("a", 1, "p2"))
        .execute()
        .await
        .unwrap();
    assert_eq!(report.written(), 3);
    assert!(matches!(
        report.outcomes[0],
        WriteOutcome::Superseded { by: 3 }
    ));
    assert_eq!(scan_all(&db.client, events_table.name()).await.len(), 1);
    let names: Vec<String> = scan_all(&db.client, users.name())
        .await
        .iter()
        .filter_map(|i| i.get("user_id")?.as_s().ok().cloned())
        .collect();
    assert_eq!(names, ["u1"]);
}
