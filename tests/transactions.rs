//! Transactions against the embedded server: all or nothing, the reasons of a cancellation,
//! the limits checked before sending, snapshot reads, and exactly once under lost answers and
//! conflicts (injected by the proxy on the wire).

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use dynamo_table::error::InvalidReason;
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoClient, DynamoTable, Error, Table};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::fault_proxy::{FaultPlan, FaultProxy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "accounts")]
struct Account {
    #[dynamo(pk)]
    id: String,
    balance: i64,
    #[serde(default)]
    secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "ledger")]
struct Entry {
    #[dynamo(pk)]
    account: String,
    #[dynamo(sk)]
    seq: u64,
    amount: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "counters")]
struct Counter {
    #[dynamo(pk)]
    name: String,
    #[serde(default)]
    hits: i64,
}

fn acct(id: &str, balance: i64) -> Account {
    Account {
        id: id.into(),
        balance,
        secret: format!("secret-of-{id}"),
    }
}

fn key(id: &str) -> (String, Option<dynamo_table::schema::NoSortKey>) {
    (id.to_string(), None)
}

async fn tables(client: &DynamoClient) -> (Table<Account>, Table<Entry>, Table<Counter>) {
    let (a, e, c) = (
        client.table::<Account>(),
        client.table::<Entry>(),
        client.table::<Counter>(),
    );
    a.create().await.unwrap();
    e.create().await.unwrap();
    c.create().await.unwrap();
    (a, e, c)
}

#[tokio::test]
async fn a_transaction_is_applied_whole_or_not_at_all() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    let (accounts, ledger, _) = tables(&client).await;
    accounts.put(&acct("a", 100)).await.unwrap();
    accounts.put(&acct("b", 0)).await.unwrap();

    // Move 30 from a to b, with a ledger entry, only if a has it.
    client
        .transact_write()
        .increment::<Account>(key("a"), &[("balance", -30)])
        .condition_check::<Entry>(("a".to_string(), Some(1)), "attribute_not_exists(seq)", ())
        .increment::<Account>(key("b"), &[("balance", 30)])
        .put(&Entry {
            account: "a".into(),
            seq: 2,
            amount: -30,
        })
        .execute()
        .await
        .unwrap();
    assert_eq!(accounts.get(key("a")).await.unwrap().unwrap().balance, 70);
    assert_eq!(accounts.get(key("b")).await.unwrap().unwrap().balance, 30);
    assert_eq!(ledger.scan().count().await.unwrap(), 1);

    // The second action's condition fails: nothing is applied, and the error says which
    // action, why, and what the item is now.
    let err = client
        .transact_write()
        .increment::<Account>(key("b"), &[("balance", 500)])
        .update_with_condition::<Account>(
            key("a"),
            json!({ "balance": 0 }),
            "balance >= :n",
            json!({ ":n": 500 }),
        )
        .delete::<Entry>(("a".to_string(), Some(2)))
        .execute()
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        dynamo_table::error::ErrorKind::TransactionCanceled
    );
    let reasons = err.cancellation_reasons();
    let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["None", "ConditionalCheckFailed", "None"], "{err}");
    assert_eq!(reasons[1].position, 1);
    let now = accounts
        .decode(reasons[1].item.get().cloned().expect("the item as it is"))
        .unwrap();
    assert_eq!(now, acct("a", 70));
    assert!(
        err.to_string().contains("action 1: ConditionalCheckFailed"),
        "{err}"
    );
    for shown in [format!("{err:?}"), err.to_string()] {
        assert!(
            !shown.contains("secret-of-a"),
            "the item leaked into {shown}"
        );
    }
    assert_eq!(accounts.get(key("b")).await.unwrap().unwrap().balance, 30);
    assert_eq!(ledger.scan().count().await.unwrap(), 1);
}

#[tokio::test]
async fn what_dynamodb_would_refuse_is_refused_before_sending() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    let _ = tables(&client).await;
    let reason = |e: Error| e.invalid_reason();

    let empty = client.transact_write().execute().await.unwrap_err();
    assert_eq!(reason(empty), Some(InvalidReason::TransactionShape));

    let mut many = client.transact_write();
    for i in 0..101 {
        many = many.put(&acct(&format!("m{i}"), 1));
    }
    let err = many.execute().await.unwrap_err();
    assert!(err.to_string().contains("at most 100 actions"), "{err}");

    let err = client
        .transact_write()
        .put(&acct("twice", 1))
        .increment::<Counter>(key("c"), &[("hits", 1)])
        .delete::<Account>(key("twice"))
        .execute()
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("actions 0 and 2") && message.contains("\"twice\""),
        "{message}"
    );

    let mut big = client.transact_write();
    for i in 0..11 {
        let mut a = acct(&format!("big{i}"), 1);
        a.secret = "x".repeat(390 * 1024);
        big = big.put(&a);
    }
    let err = big.execute().await.unwrap_err();
    assert!(err.to_string().contains("4 MB"), "{err}");

    let err = client
        .transact_write()
        .with_token("t".repeat(37))
        .put(&acct("t", 1))
        .execute()
        .await
        .unwrap_err();
    assert_eq!(reason(err), Some(InvalidReason::TransactionShape));

    // A bad action is reported, not dropped.
    let err = client
        .transact_write()
        .put(&acct("ok", 1))
        .update::<Account>(key(""), json!({ "balance": 1 }))
        .execute()
        .await
        .unwrap_err();
    assert_eq!(reason(err), Some(InvalidReason::EmptyKey));
    let accounts = client.table::<Account>();
    assert_eq!(
        accounts.scan().count().await.unwrap(),
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_snapshot_read_returns_typed_items() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    let (accounts, ledger, _) = tables(&client).await;
    accounts.put(&acct("a", 5)).await.unwrap();
    let entry = Entry {
        account: "a".into(),
        seq: 7,
        amount: 5,
    };
    ledger.put(&entry).await.unwrap();
    let mut read = client.transact_get();
    let a = read.get::<Account>(key("a"));
    let e = read.get::<Entry>(entry.key());
    let missing = read.get::<Account>(key("nobody"));
    let mut items = read.execute().await.unwrap();
    assert_eq!(items.take(a).unwrap(), Some(acct("a", 5)));
    assert_eq!(items.take(e).unwrap(), Some(entry));
    assert_eq!(items.take(missing).unwrap(), None);
}

/// The server and a proxy with `plan`; the counters table through the proxy (retrying as an
/// application would) and directly.
async fn faulted(
    plan: FaultPlan,
    read_timeout: Option<Duration>,
) -> (LocalDynamo, FaultProxy, DynamoClient, Table<Counter>) {
    let local = LocalDynamo::start().unwrap();
    let direct = local.client().table::<Counter>();
    direct.create().await.unwrap();
    let proxy = FaultProxy::start(local.endpoint(), plan).await;
    let client = proxy.retrying_client(3, read_timeout);
    (local, proxy, client, direct)
}

async fn hits(direct: &Table<Counter>, name: &str) -> i64 {
    direct.get(key(name)).await.unwrap().map_or(0, |c| c.hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_are_applied_exactly_once_when_answers_are_lost() {
    let plan = FaultPlan::applied_then_failed(21, &["TransactWriteItems"], 0.2);
    let (_local, proxy, client, direct) = faulted(plan, None).await;
    let names: Vec<String> = (0..10).map(|i| format!("c{i}")).collect();
    let (mut ok, mut errors) = (0i64, Vec::new());
    for _ in 0..1000 {
        let mut tx = client.transact_write();
        for name in &names {
            tx = tx.increment::<Counter>(key(name), &[("hits", 1)]);
        }
        match tx.execute().await {
            Ok(_) => ok += 1,
            Err(e) => errors.push(e),
        }
    }
    println!(
        "1,000 transactions of 10 increments: {ok} ok, {} errors; proxy: {}",
        errors.len(),
        proxy.stats.summary()
    );
    assert!(proxy.stats.applied_then_failed.load(Ordering::Relaxed) > 150);
    assert!(
        errors.iter().all(Error::may_have_been_applied),
        "{errors:?}"
    );
    for name in &names {
        let applied = hits(&direct, name).await;
        assert!(
            applied >= ok && applied <= ok + errors.len() as i64,
            "{name}: {applied} applied for {ok} ok"
        );
    }
    assert_eq!(
        errors.len(),
        0,
        "the token lets every lost answer be resent"
    );
    assert_eq!(hits(&direct, "c0").await, 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn increment_once_counts_each_call_once_and_increment_does_not() {
    let plan = FaultPlan::applied_then_failed(23, &["TransactWriteItems", "UpdateItem"], 0.2);
    let (_local, proxy, client, direct) = faulted(plan, None).await;
    let counters = client.table::<Counter>();
    let (mut once_ok, mut plain_ok, mut plain_unknown) = (0, 0, 0);
    for _ in 0..1000 {
        if counters
            .increment_once(key("once"), &[("hits", 1)])
            .await
            .is_ok()
        {
            once_ok += 1;
        }
        match counters.increment(key("plain"), &[("hits", 1)]).await {
            Ok(_) => plain_ok += 1,
            Err(e) if e.may_have_been_applied() => plain_unknown += 1,
            Err(e) => panic!("{e}"),
        }
    }
    let (once, plain) = (hits(&direct, "once").await, hits(&direct, "plain").await);
    println!(
        "1,000 calls each: increment_once {once_ok} ok -> counter {once}; increment {plain_ok} ok, \
         {plain_unknown} unknown -> counter {plain}; proxy: {}",
        proxy.stats.summary()
    );
    assert_eq!(once, once_ok, "exactly once");
    assert_eq!(once_ok, 1000);
    assert!(
        plain > plain_ok,
        "at least once: lost answers were added again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn increment_once_survives_answers_that_come_after_the_read_timeout() {
    let plan =
        FaultPlan::applied_then_late(29, &["TransactWriteItems"], 0.2, Duration::from_millis(400));
    let (_local, proxy, client, direct) = faulted(plan, Some(Duration::from_millis(150))).await;
    let counters = client.table::<Counter>();
    let mut ok = 0;
    for _ in 0..100 {
        if counters
            .increment_once(key("late"), &[("hits", 1)])
            .await
            .is_ok()
        {
            ok += 1;
        }
    }
    println!(
        "100 increment_once, answers late: {ok} ok; proxy: {}",
        proxy.stats.summary()
    );
    assert!(proxy.stats.applied_then_failed.load(Ordering::Relaxed) > 5);
    assert_eq!(hits(&direct, "late").await, ok);
    assert_eq!(ok, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_with_other_transactions_are_retried() {
    let plan = FaultPlan {
        operations: vec!["TransactWriteItems"],
        transaction_conflict: 0.3,
        ..FaultPlan::none(31)
    };
    let (_local, proxy, client, direct) = faulted(plan, None).await;
    let counters = client.table::<Counter>();
    for _ in 0..200 {
        counters
            .increment_once(key("busy"), &[("hits", 1)])
            .await
            .unwrap();
    }
    println!(
        "200 increment_once under conflicts: proxy: {}",
        proxy.stats.summary()
    );
    assert!(proxy.stats.conflicts.load(Ordering::Relaxed) > 30);
    assert_eq!(hits(&direct, "busy").await, 200);
}
