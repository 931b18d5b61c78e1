//! Writes whose answer is lost after DynamoDB applied them. A proxy on the wire forwards each
//! request to the embedded server, lets it apply, and then, for a share of requests, answers
//! 500, drops the connection, or answers after the client's read timeout. The client retries as
//! an application's would (the SDK's standard policy). Every figure is checked against what the
//! server holds.
//!
//! These tests run on the embedded server only: they need to own the wire.

mod support;

use std::time::Duration;

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
    version: u64,
    secret: String,
}

fn account(i: usize) -> Account {
    Account {
        id: format!("acct-{i:04}"),
        balance: 100,
        version: 1,
        secret: format!("pin-{i:04}"),
    }
}

/// The server, a proxy with `plan` in front of it, the table through the proxy, and the same
/// table read directly (no faults) to check what the server holds.
async fn set_up(
    plan: FaultPlan,
    read_timeout: Option<Duration>,
) -> (LocalDynamo, FaultProxy, Table<Account>, Table<Account>) {
    let local = LocalDynamo::start().unwrap();
    let direct = local.client().table::<Account>();
    direct.create().await.unwrap();
    let proxy = FaultProxy::start(local.endpoint(), plan).await;
    let faulted = proxy.retrying_client(3, read_timeout).table::<Account>();
    (local, proxy, faulted, direct)
}

#[derive(Debug, Default)]
struct Tally {
    ok: usize,
    false_conflicts: usize,
    maybe_applied: usize,
    other: Vec<String>,
}

impl Tally {
    fn record<O>(&mut self, result: Result<O, Error>) -> bool {
        match result {
            Ok(_) => {
                self.ok += 1;
                true
            }
            Err(e) if e.may_have_been_applied() => {
                self.maybe_applied += 1;
                false
            }
            Err(e) if e.is_conditional_check_failed() => {
                self.false_conflicts += 1;
                false
            }
            Err(e) => {
                self.other.push(e.to_string());
                false
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_creates_know_their_own_write() {
    let plan = FaultPlan::applied_then_failed(7, &["PutItem"], 0.2);
    let (_local, proxy, accounts, direct) = set_up(plan, None).await;
    let mut tally = Tally::default();
    let mut reported_ok = Vec::new();
    for i in 0..1000 {
        let a = account(i);
        let result = accounts
            .put_with_condition(&a, "attribute_not_exists(id)", ())
            .await;
        if tally.record(result) {
            reported_ok.push(a);
        }
    }
    println!(
        "1,000 conditional creates: {tally:?}; proxy: {}",
        proxy.stats.summary()
    );
    assert_eq!(
        tally.false_conflicts, 0,
        "a create found its own write and called it a conflict"
    );
    assert!(tally.other.is_empty(), "{:?}", tally.other);
    assert_eq!(tally.ok + tally.maybe_applied, 1000);
    assert!(
        proxy
            .stats
            .applied_then_failed
            .load(std::sync::atomic::Ordering::Relaxed)
            > 150,
        "the faults happened: {}",
        proxy.stats.summary()
    );
    for a in &reported_ok {
        assert_eq!(direct.get(a.key()).await.unwrap().as_ref(), Some(a));
    }
    // Every create was forwarded, so every one is in the table, the "may have" ones included.
    assert_eq!(direct.scan().count().await.unwrap(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versioned_read_modify_write_loses_nothing() {
    let plan = FaultPlan::applied_then_failed(11, &["UpdateItem"], 0.2);
    let (_local, proxy, accounts, direct) = set_up(plan, None).await;
    for i in 0..10 {
        direct.put(&account(i)).await.unwrap();
    }
    // One writer per key, 50 read-modify-writes each: read, then add 1 under the version read.
    let mut tally = Tally::default();
    let mut applied = [0i64; 10];
    for _round in 0..50 {
        for (i, count) in applied.iter_mut().enumerate() {
            let current = accounts.get(account(i).key()).await.unwrap().unwrap();
            let result = accounts
                .update_with_condition(
                    account(i).key(),
                    json!({ "balance": current.balance + 1, "version": current.version + 1 }),
                    "version = :v",
                    json!({ ":v": current.version }),
                )
                .await;
            let unknown = matches!(&result, Err(e) if e.may_have_been_applied());
            if tally.record(result) {
                *count += 1;
            } else if unknown {
                // The error says it may have happened: read to know, as a caller must.
                let now = direct.get(account(i).key()).await.unwrap().unwrap();
                *count = now.balance - 100;
            }
        }
    }
    println!(
        "500 versioned updates: {tally:?}; proxy: {}",
        proxy.stats.summary()
    );
    assert_eq!(tally.false_conflicts, 0);
    assert!(tally.other.is_empty(), "{:?}", tally.other);
    for (i, count) in applied.iter().enumerate() {
        let now = direct.get(account(i).key()).await.unwrap().unwrap();
        assert_eq!(
            now.balance - 100,
            *count,
            "account {i}: every update counted once"
        );
        assert_eq!(now.version as i64 - 1, *count);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_deletes_know_their_own_write() {
    let plan = FaultPlan::applied_then_failed(13, &["DeleteItem"], 0.3);
    let (_local, proxy, accounts, direct) = set_up(plan, None).await;
    for i in 0..300 {
        direct.put(&account(i)).await.unwrap();
    }
    let mut tally = Tally::default();
    for i in 0..300 {
        let result = accounts
            .delete_with_condition(account(i).key(), "attribute_exists(id)", ())
            .await;
        tally.record(result);
    }
    println!(
        "300 conditional deletes: {tally:?}; proxy: {}",
        proxy.stats.summary()
    );
    assert_eq!(tally.false_conflicts, 0);
    assert!(tally.other.is_empty(), "{:?}", tally.other);
    assert_eq!(
        direct.scan().count().await.unwrap(),
        0,
        "every delete was applied"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_answers_past_the_read_timeout_are_settled_too() {
    let plan = FaultPlan::applied_then_late(17, &["PutItem"], 0.2, Duration::from_millis(400));
    let (_local, proxy, accounts, direct) = set_up(plan, Some(Duration::from_millis(150))).await;
    let mut tally = Tally::default();
    for i in 0..150 {
        let result = accounts
            .put_with_condition(&account(i), "attribute_not_exists(id)", ())
            .await;
        tally.record(result);
    }
    println!(
        "150 conditional creates, answers late: {tally:?}; proxy: {}",
        proxy.stats.summary()
    );
    assert_eq!(tally.false_conflicts, 0);
    assert!(tally.other.is_empty(), "{:?}", tally.other);
    assert_eq!(direct.scan().count().await.unwrap(), 150);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_may_have_happened_says_so_and_one_that_did_not_says_that() {
    let local = LocalDynamo::start().unwrap();
    let direct = local.client().table::<Account>();
    direct.create().await.unwrap();

    // Applied, then answered 500, with no retry left: "may have been applied", and it was.
    let applied = FaultPlan::applied_then_failed(1, &["PutItem"], 2.0);
    let proxy = FaultProxy::start(local.endpoint(), applied).await;
    let err = proxy
        .client()
        .table::<Account>()
        .put(&account(1))
        .await
        .unwrap_err();
    assert!(err.may_have_been_applied(), "{err:?}");
    assert!(
        err.to_string().contains("may or may not have been applied"),
        "{err}"
    );
    assert!(err.is_retryable());
    assert!(direct.get(account(1).key()).await.unwrap().is_some());

    // Throttled before it reached the table: not applied, and the error says nothing else.
    let throttled = FaultPlan {
        operations: vec!["PutItem"],
        throttling: 1.0,
        ..FaultPlan::none(2)
    };
    let proxy = FaultProxy::start(local.endpoint(), throttled).await;
    let err = proxy
        .client()
        .table::<Account>()
        .put(&account(2))
        .await
        .unwrap_err();
    assert!(!err.may_have_been_applied(), "{err:?}");
    assert!(err.is_throttled());
    assert_eq!(direct.get(account(2).key()).await.unwrap(), None);
}

#[tokio::test]
async fn a_failed_condition_carries_the_current_item_but_never_logs_it() {
    let local = LocalDynamo::start().unwrap();
    let client: DynamoClient = local.client();
    let accounts = client.table::<Account>();
    accounts.create().await.unwrap();
    let a = account(5);
    accounts.put(&a).await.unwrap();
    let err = accounts
        .put_with_condition(&account(5), "attribute_not_exists(id)", ())
        .await
        .unwrap_err();
    assert!(err.is_conditional_check_failed());
    let current = err.current_item().expect("DynamoDB returned the item");
    assert_eq!(accounts.decode(current.clone()).unwrap(), a);
    for shown in [format!("{err:?}"), err.to_string()] {
        assert!(!shown.contains("pin-0005"), "the item leaked into {shown}");
    }
    // A missing item: the condition fails with no current item.
    let err = accounts
        .delete_with_condition(account(6).key(), "attribute_exists(id)", ())
        .await
        .unwrap_err();
    assert!(err.is_conditional_check_failed() && err.current_item().is_none());
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "wallets")]
struct Wallet {
    #[dynamo(pk)]
    id: String,
    balance: i64,
    version: u64,
    /// Every operation applied, by its tag: how a writer whose outcome is unknown learns it.
    ops: Vec<String>,
}

/// Several writers per key, each adding 1 under a version condition until 25 of its adds are
/// applied, through lost answers: the balance is exactly the number of applied adds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versioned_read_modify_write_under_contention_loses_nothing() {
    let local = LocalDynamo::start().unwrap();
    let direct = local.client().table::<Wallet>();
    direct.create().await.unwrap();
    let plan = FaultPlan::applied_then_failed(37, &["UpdateItem"], 0.2);
    let proxy = FaultProxy::start(local.endpoint(), plan).await;
    let wallets = proxy.retrying_client(3, None).table::<Wallet>();
    let keys = ["w0", "w1", "w2", "w3", "w4"];
    for id in keys {
        let wallet = Wallet {
            id: id.into(),
            balance: 100,
            version: 1,
            ops: Vec::new(),
        };
        direct.put(&wallet).await.unwrap();
    }
    let mut writers = Vec::new();
    for id in keys {
        for writer in 0..4 {
            let wallets = wallets.clone();
            writers.push(tokio::spawn(async move {
                let (mut applied, mut conflicts, mut unknown) = (0, 0, 0);
                let mut op = 0;
                while applied < 25 {
                    let tag = format!("{id}-{writer}-{op}");
                    let key = (id.to_string(), None);
                    let now = wallets.get(key.clone()).await.unwrap().unwrap();
                    let mut ops = now.ops.clone();
                    ops.push(tag.clone());
                    let result = wallets
                        .update_with_condition(
                            key.clone(),
                            json!({ "balance": now.balance + 1, "version": now.version + 1, "ops": ops }),
                            "version = :v",
                            json!({ ":v": now.version }),
                        )
                        .await;
                    match result {
                        Ok(_) => applied += 1,
                        Err(e) if e.may_have_been_applied() => {
                            unknown += 1;
                            // Unknown: the item's own record says whether this operation landed.
                            let after = wallets.get(key).await.unwrap().unwrap();
                            if after.ops.contains(&tag) {
                                applied += 1;
                            }
                        }
                        Err(e) if e.is_conditional_check_failed() => conflicts += 1,
                        Err(e) => panic!("{e}"),
                    }
                    op += 1;
                }
                (applied, conflicts, unknown)
            }));
        }
    }
    let (mut applied, mut conflicts, mut unknown) = (0, 0, 0);
    for writer in writers {
        let (a, c, u) = writer.await.unwrap();
        applied += a;
        conflicts += c;
        unknown += u;
    }
    println!(
        "5 keys x 4 writers x 25 applied adds: {applied} applied, {conflicts} real conflicts \
         retried, {unknown} unknown outcomes resolved by a read; proxy: {}",
        proxy.stats.summary()
    );
    assert_eq!(applied, 500);
    for id in keys {
        let wallet = direct.get((id.to_string(), None)).await.unwrap().unwrap();
        assert_eq!(
            wallet.balance - 100,
            100,
            "{id}: every applied add counted once"
        );
        assert_eq!(wallet.ops.len(), 100, "{id}: no add applied twice or lost");
        assert_eq!(wallet.version, 101);
    }
}

/// Typed conditional updates through lost answers: a retry that finds its own change reports
/// success, and `execute_returning_new` still returns the item as the update left it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_conditional_updates_know_their_own_write() {
    let plan = FaultPlan::applied_then_failed(43, &["UpdateItem"], 0.2);
    let (_local, proxy, accounts, direct) = set_up(plan, None).await;
    for i in 0..300 {
        direct.put(&account(i)).await.unwrap();
    }
    let f = Account::fields();
    let mut tally = Tally::default();
    let mut returned_wrong = 0;
    for i in 0..300 {
        let result = accounts
            .modify(account(i).key())
            .set(&f.balance, 101)
            .when(f.balance.eq(100))
            .must_exist()
            .execute_returning_new()
            .await;
        if let Ok(item) = &result
            && item.balance != 101
        {
            returned_wrong += 1;
        }
        tally.record(result);
    }
    println!(
        "300 typed conditional updates: {tally:?}; proxy: {}",
        proxy.stats.summary()
    );
    assert_eq!(
        tally.false_conflicts, 0,
        "an update called its own write a conflict"
    );
    assert!(tally.other.is_empty(), "{:?}", tally.other);
    assert_eq!(
        returned_wrong, 0,
        "every Ok returned the item as the update left it"
    );
    assert!(
        proxy
            .stats
            .applied_then_failed
            .load(std::sync::atomic::Ordering::Relaxed)
            > 30,
        "the faults happened: {}",
        proxy.stats.summary()
    );
    // Every update was forwarded: every item has the new balance.
    for i in 0..300 {
        let now = direct.get(account(i).key()).await.unwrap().unwrap();
        assert_eq!(now.balance, 101);
    }
}
