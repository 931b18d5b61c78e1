//! Every read path (page, count, first, stream, pages) of every kind of read (table query,
//! index query, scan), with and without a cursor, refuses a recorded problem before its first
//! request. A proxy in front of the server counts the requests that reach it.

mod support;

use std::sync::atomic::Ordering;

use dynamo_table::error::InvalidReason;
use dynamo_table::local::LocalDynamo;
use dynamo_table::read::Cursor;
use dynamo_table::{DynamoClient, DynamoTable, Error};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::fault_proxy::{FaultPlan, FaultProxy};

#[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: String,
    #[dynamo(gsi(name = "by_status", pk))]
    status: String,
    state: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    TableQuery,
    IndexQuery,
    Scan,
}

#[derive(Debug, Clone, Copy)]
enum Path {
    Page,
    Count,
    First,
    Stream,
    Pages,
}

#[derive(Debug, Clone, Copy)]
enum Problem {
    BareReservedWord,
    MissingValue,
    ForeignCursor,
    EmptyPartitionKey,
    LimitZero,
}

impl Problem {
    fn reason(self) -> InvalidReason {
        match self {
            Problem::BareReservedWord => InvalidReason::ExpressionSyntax,
            Problem::MissingValue => InvalidReason::ExpressionValueMissing,
            Problem::ForeignCursor => InvalidReason::CursorMismatch,
            Problem::EmptyPartitionKey => InvalidReason::EmptyKey,
            Problem::LimitZero => InvalidReason::Limit,
        }
    }
}

/// Applies the problem and the cursor to a query or scan builder, then reads along the path.
macro_rules! read {
    ($builder:expr, $problem:expr, $cursor:expr, $path:expr) => {{
        let mut b = $builder.after($cursor);
        match $problem {
            Problem::BareReservedWord => b = b.filter("state = :s", json!({ ":s": "x" })),
            Problem::MissingValue => b = b.filter("#state = :s", json!({})),
            Problem::LimitZero => b = b.limit(0),
            Problem::ForeignCursor | Problem::EmptyPartitionKey => {}
        }
        match $path {
            Path::Page => b.page().await.map(drop),
            Path::Count => b.count().await.map(drop),
            Path::First => b.first().await.map(drop),
            Path::Stream => match Box::pin(b.stream()).next().await {
                Some(item) => item.map(drop),
                None => Ok(()),
            },
            Path::Pages => match Box::pin(b.pages()).next().await {
                Some(page) => page.map(drop),
                None => Ok(()),
            },
        }
    }};
}

async fn run(
    client: &DynamoClient,
    target: Target,
    path: Path,
    problem: Problem,
    cursor: Option<Cursor<Order>>,
) -> Result<(), Error> {
    let table = client.table::<Order>();
    let pk = match problem {
        Problem::EmptyPartitionKey => String::new(),
        _ => "u".to_owned(),
    };
    match target {
        Target::TableQuery => read!(table.query(&pk), problem, cursor, path),
        Target::IndexQuery => {
            let status = if pk.is_empty() { pk } else { "paid".to_owned() };
            read!(
                table.index::<OrderByStatusIndex>().query(&status),
                problem,
                cursor,
                path
            )
        }
        Target::Scan => read!(table.scan(), problem, cursor, path),
    }
}

/// A cursor of the same read, from the first page of two items.
async fn cursor_of(client: &DynamoClient, target: Target) -> Cursor<Order> {
    let table = client.table::<Order>();
    let page = match target {
        Target::TableQuery => table.query(&"u".to_owned()).limit(2).page().await,
        Target::IndexQuery => {
            table
                .index::<OrderByStatusIndex>()
                .query(&"paid".to_owned())
                .limit(2)
                .page()
                .await
        }
        Target::Scan => table.scan().limit(2).page().await,
    };
    page.unwrap()
        .start_cursor()
        .expect("a first page of 2 of 20 has a cursor")
}

#[tokio::test]
async fn every_read_path_checks_before_its_first_request() {
    let local = LocalDynamo::start().unwrap();
    let proxy = FaultProxy::start(local.endpoint(), FaultPlan::batch_faults(0, 0.0)).await;
    let ours = proxy.client().with_table_prefix("ours-").unwrap();
    let theirs = proxy.client().with_table_prefix("theirs-").unwrap();
    for client in [&ours, &theirs] {
        let table = client.table::<Order>();
        table.create().await.unwrap();
        let items = (0..20)
            .map(|i| Order {
                user_id: "u".into(),
                order_id: format!("o{i:02}"),
                status: "paid".into(),
                state: "open".into(),
            })
            .collect();
        assert!(table.batch_put(items).await.unwrap().is_complete());
    }

    let mut cases = 0;
    for target in [Target::TableQuery, Target::IndexQuery, Target::Scan] {
        let own = cursor_of(&ours, target).await;
        let foreign = cursor_of(&theirs, target).await;
        for path in [
            Path::Page,
            Path::Count,
            Path::First,
            Path::Stream,
            Path::Pages,
        ] {
            for problem in [
                Problem::BareReservedWord,
                Problem::MissingValue,
                Problem::ForeignCursor,
                Problem::EmptyPartitionKey,
                Problem::LimitZero,
            ] {
                if target == Target::Scan && matches!(problem, Problem::EmptyPartitionKey) {
                    continue; // a scan has no partition key
                }
                let cursors = match problem {
                    Problem::ForeignCursor => vec![Some(foreign.clone())],
                    _ => vec![None, Some(own.clone())],
                };
                for cursor in cursors {
                    let with_cursor = cursor.is_some();
                    let before = proxy.stats.requests.load(Ordering::Relaxed);
                    let result = run(&ours, target, path, problem, cursor).await;
                    let sent = proxy.stats.requests.load(Ordering::Relaxed) - before;
                    let case = format!("{target:?} {path:?} {problem:?} cursor={with_cursor}");
                    match result {
                        Err(e) => {
                            assert_eq!(e.invalid_reason(), Some(problem.reason()), "{case}: {e}")
                        }
                        Ok(()) => panic!("{case}: accepted"),
                    }
                    assert_eq!(sent, 0, "{case}: {sent} requests were sent");
                    cases += 1;
                }
            }
        }
    }
    // 3 targets x 5 paths x (4 problems x 2 cursors + a foreign cursor), less the scan's
    // partition key cases.
    assert_eq!(cases, 3 * 5 * 9 - 5 * 2);
    println!("{cases} read cases refused before sending");

    // The same reads without a problem do reach the server and succeed: a filtered query
    // resumed with a cursor of the same filtered query.
    let before = proxy.stats.requests.load(Ordering::Relaxed);
    let filtered = || {
        ours.table::<Order>()
            .query(&"u".to_owned())
            .filter("#state = :s", json!({ ":s": "open" }))
    };
    let first = filtered().limit(2).page().await.unwrap();
    let page = filtered().after(first.start_cursor()).page().await.unwrap();
    assert_eq!(page.items.len(), 10);
    assert!(proxy.stats.requests.load(Ordering::Relaxed) > before);
}
