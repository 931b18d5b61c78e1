//! Batch writes that account for every item: retries with backoff, duplicates, an item that is
//! too large, and a batch across two tables, with the per-item accounting printed.
//!
//! ```text
//! cargo run -p examples --example batch_write_with_retry
//! ```
//!
//! Runs on the embedded local DynamoDB unless `DYNAMO_TABLE_TEST_ENDPOINT` names another
//! endpoint (see the quickstart).

use std::time::Duration;

use dynamo_table::batch::WriteOutcome;
use dynamo_table::local::Backend;
use dynamo_table::{DynamoTable, RetryConfig};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "example_batch_events")]
struct Event {
    #[dynamo(pk)]
    stream: String,
    #[dynamo(sk)]
    seq: u64,
    body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "example_batch_streams")]
struct Stream {
    #[dynamo(pk)]
    stream: String,
    last_seq: u64,
}

#[tokio::main]
async fn main() -> Result<(), dynamo_table::Error> {
    let backend = Backend::from_env().await?;
    let client = backend.client().with_batch_concurrency(4);
    println!("DynamoDB at {}", client.endpoint());
    let created_events = client.table::<Event>().create_if_not_exists().await?;
    let created_streams = client.table::<Stream>().create_if_not_exists().await?;

    // Unprocessed items are retried up to 10 times, backing off from 20 ms to at most 2 s.
    let retry = RetryConfig {
        max_retries: 10,
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(2),
    };
    let events = client.table::<Event>().with_batch_retries(retry);

    let mut batch: Vec<Event> = (0..1_000)
        .map(|seq| Event {
            stream: format!("stream-{}", seq % 10),
            seq,
            body: format!("event {seq}"),
        })
        .collect();
    // The same key twice: the later one wins, the earlier one is reported as superseded.
    batch.push(Event {
        stream: "stream-3".into(),
        seq: 3,
        body: "event 3, corrected".into(),
    });
    // Over DynamoDB's 400 KB item limit: refused before sending, alone.
    batch.push(Event {
        stream: "stream-0".into(),
        seq: 5_000,
        body: "x".repeat(500 * 1024),
    });

    let inputs = batch.len();
    let result = events.batch_put(batch).await?;
    println!(
        "batch_upsert of {inputs} items: {} written, {} failed, {} superseded, in {:?}",
        result.items.len(),
        result.failed.len(),
        result.superseded.len(),
        result.execution_time
    );
    println!(
        "  {} requests, {} retries, {} items returned unprocessed",
        result.stats.requests, result.stats.retries, result.stats.unprocessed
    );
    for failed in &result.failed {
        println!(
            "  failed: {}/{}: {}",
            failed.value.stream, failed.value.seq, failed.error
        );
    }
    for superseded in &result.superseded {
        println!(
            "  superseded: {}/{} ({:?})",
            superseded.stream, superseded.seq, superseded.body
        );
    }

    let keys = (0..1_200).map(|seq| (format!("stream-{}", seq % 10), Some(seq)));
    let read = events.batch_get(keys).await?;
    println!(
        "batch_get of 1200 keys: {} found, {} not found, {} failed",
        read.items.len(),
        read.not_found.len(),
        read.failed_keys.len()
    );

    // One batch over two tables: delete the first 100 events, record each stream's last seq.
    let mut mixed = client.batch_write().retry(retry);
    for seq in 0..100u64 {
        mixed = mixed.delete::<Event>((format!("stream-{}", seq % 10), Some(seq)));
    }
    for s in 0..10u64 {
        mixed = mixed.put(&Stream {
            stream: format!("stream-{s}"),
            last_seq: 990 + s,
        });
    }
    let report = mixed.execute().await?;
    let written = report
        .outcomes
        .iter()
        .filter(|o| matches!(o, WriteOutcome::Written))
        .count();
    println!(
        "mixed batch over two tables: {written} of {} writes applied, {} failed",
        report.outcomes.len(),
        report.failed()
    );

    if !backend.is_embedded() {
        if created_events {
            client.table::<Event>().delete_table().await?;
        }
        if created_streams {
            client.table::<Stream>().delete_table().await?;
        }
    }
    Ok(())
}
