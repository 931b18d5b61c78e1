//! Version attributes (`#[dynamo(version)]`) against the embedded server: every write checks
//! and bumps the version, a conflict names the versions, writes that cannot check it are
//! refused, and versioned read-modify-writes lose nothing under contention and lost answers.

mod support;

use dynamo_table::error::{InvalidReason, VersionMismatch};
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoTable, Error, Table};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::fault_proxy::{FaultPlan, FaultProxy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "accounts")]
struct Account {
    #[dynamo(pk)]
    id: String,
    #[dynamo(version)]
    #[serde(default)]
    version: u64,
    balance: i64,
    #[serde(default)]
    frozen: bool,
    #[serde(default)]
    ops: Vec<String>,
}

fn account(id: &str, version: u64, balance: i64) -> Account {
    Account {
        id: id.into(),
        version,
        balance,
        frozen: false,
        ops: Vec::new(),
    }
}

fn key(id: &str) -> AccountKey {
    AccountKey { id: id.into() }
}

async fn accounts(local: &LocalDynamo) -> Table<Account> {
    let table = local.client().table::<Account>();
    table.create().await.unwrap();
    table
}

/// The versions a conflict names, or a panic naming the error it was instead.
fn conflict(error: Error) -> (u64, Option<u64>) {
    assert!(error.is_conditional_check_failed(), "{error}");
    assert!(error.is_version_conflict(), "{error}");
    match error {
        Error::VersionConflict {
            expected, found, ..
        } => (expected, found),
        other => panic!("expected a version conflict, got {other:?}"),
    }
}

fn reason(error: &Error) -> Option<InvalidReason> {
    error.invalid_reason()
}

#[tokio::test]
async fn a_put_checks_the_version_it_read_and_stores_the_next() {
    let local = LocalDynamo::start().unwrap();
    let accounts = accounts(&local).await;

    // Version 0 is a new item: stored at version 1.
    let new = account("a", 0, 10);
    accounts.put(&new).await.unwrap();
    let stored = accounts.get(key("a")).await.unwrap().unwrap();
    assert_eq!(stored.version, 1);

    // The same new item again: the item exists, at version 1, and is left as it is.
    let error = accounts.put(&account("a", 0, 99)).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("expected the item at version 0") && message.contains("found version 1"),
        "{message}"
    );
    assert_eq!(
        error.current_item().and_then(|item| item.get("balance")),
        Some(&dynamo_table::aws_sdk_dynamodb::types::AttributeValue::N(
            "10".into()
        ))
    );
    assert_eq!(conflict(error), (0, Some(1)));

    // Read, change, write back: version 2. The stale copy (version 1) then conflicts.
    let mut read = accounts.get(key("a")).await.unwrap().unwrap();
    read.balance += 5;
    accounts.put(&read).await.unwrap();
    assert_eq!(
        conflict(accounts.put(&read).await.unwrap_err()),
        (1, Some(2))
    );
    let stored = accounts.get(key("a")).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.balance), (2, 15));

    // Another version than the stored one, for an item that does not exist: no item found.
    assert_eq!(
        conflict(accounts.put(&account("b", 4, 0)).await.unwrap_err()),
        (4, None)
    );
    assert!(accounts.get(key("b")).await.unwrap().is_none());
}

#[tokio::test]
async fn a_failed_condition_of_the_callers_own_is_not_a_version_conflict() {
    let local = LocalDynamo::start().unwrap();
    let accounts = accounts(&local).await;
    accounts.put(&account("a", 0, 10)).await.unwrap();
    let read = accounts.get(key("a")).await.unwrap().unwrap();

    // The version matches; the caller's own condition does not hold.
    let error = accounts
        .put_with_condition(&read, "balance > :min", json!({ ":min": 100 }))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ConditionalCheckFailed { .. }),
        "{error:?}"
    );
    assert!(!error.is_version_conflict());
    // Both hold: written, and bumped.
    accounts
        .put_with_condition(&read, "balance > :min", json!({ ":min": 1 }))
        .await
        .unwrap();
    assert_eq!(accounts.get(key("a")).await.unwrap().unwrap().version, 2);
}

#[tokio::test]
async fn updates_and_deletes_name_the_version_they_expect() {
    let local = LocalDynamo::start().unwrap();
    let accounts = accounts(&local).await;
    accounts.put(&account("a", 0, 10)).await.unwrap();

    // Without a version, refused before sending, naming the call to use.
    let error = accounts
        .update(key("a"), json!({ "frozen": true }))
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionRequired));
    assert!(error.to_string().contains("update_if_version"), "{error}");
    let error = accounts.delete(key("a")).await.unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionRequired));
    assert!(error.to_string().contains("delete_if_version"), "{error}");
    let error = accounts
        .delete_with_condition(key("a"), "balance > :z", json!({ ":z": 0 }))
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionRequired));

    // At the stored version: applied, bumped.
    accounts
        .update_if_version(key("a"), 1, json!({ "frozen": true }))
        .await
        .unwrap();
    let stored = accounts.get(key("a")).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.frozen), (2, true));
    // At a stale one: a conflict, nothing written.
    assert_eq!(
        conflict(
            accounts
                .update_if_version(key("a"), 1, json!({ "balance": 0 }))
                .await
                .unwrap_err()
        ),
        (1, Some(2))
    );
    // A whole item as the patch carries its own version, which is accepted unchanged.
    let mut whole = stored.clone();
    whole.balance = 50;
    accounts
        .update_if_version(whole.key(), whole.version, &whole)
        .await
        .unwrap();
    let stored = accounts.get(key("a")).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.balance), (3, 50));
    // Any other version in the patch is the library's to write.
    let error = accounts
        .update_if_version(key("a"), 3, json!({ "version": 10 }))
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionAttributeUpdate));
    // Version 0 on a missing item: created, at version 1.
    accounts
        .update_if_version(key("new"), 0, json!({ "balance": 7 }))
        .await
        .unwrap();
    assert_eq!(accounts.get(key("new")).await.unwrap().unwrap().version, 1);

    // Deletes: a stale version conflicts; the stored one deletes; a missing item conflicts.
    assert_eq!(
        conflict(accounts.delete_if_version(key("a"), 2).await.unwrap_err()),
        (2, Some(3))
    );
    accounts.delete_if_version(key("a"), 3).await.unwrap();
    assert!(accounts.get(key("a")).await.unwrap().is_none());
    assert_eq!(
        conflict(accounts.delete_if_version(key("a"), 3).await.unwrap_err()),
        (3, None)
    );
}

#[tokio::test]
async fn increments_and_removals_bump_the_version_without_checking_it() {
    let local = LocalDynamo::start().unwrap();
    let accounts = accounts(&local).await;
    accounts.put(&account("a", 0, 10)).await.unwrap();
    accounts
        .increment(key("a"), &[("balance", 5)])
        .await
        .unwrap();
    accounts
        .increment_once(key("a"), &[("balance", 5)])
        .await
        .unwrap();
    accounts
        .remove_attributes(key("a"), &["ops"])
        .await
        .unwrap();
    let stored = accounts.get(key("a")).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.balance), (4, 20));
    // A copy read before them is stale.
    assert_eq!(
        conflict(accounts.put(&account("a", 1, 0)).await.unwrap_err()),
        (1, Some(4))
    );
    // The version itself is not the caller's to increment or remove.
    for error in [
        accounts
            .increment(key("a"), &[("version", 1)])
            .await
            .unwrap_err(),
        accounts
            .remove_attributes(key("a"), &["version"])
            .await
            .unwrap_err(),
    ] {
        assert_eq!(reason(&error), Some(InvalidReason::VersionAttributeUpdate));
    }
    assert_eq!(accounts.get(key("a")).await.unwrap().unwrap().version, 4);
}

#[tokio::test]
async fn batch_writes_refuse_a_versioned_table_and_send_nothing() {
    let local = LocalDynamo::start().unwrap();
    let accounts = accounts(&local).await;
    let items = vec![account("a", 0, 1), account("b", 0, 2)];

    let error = accounts.batch_put(items.clone()).await.unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionRequired));
    assert!(
        error.to_string().contains("transaction"),
        "the message names the way out: {error}"
    );
    let error = accounts.batch_delete(vec![key("a")]).await.unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionRequired));
    let error = local
        .client()
        .batch_write()
        .put(&items[0])
        .execute()
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionRequired));
    assert_eq!(accounts.scan().count().await.unwrap(), 0);

    // The way out: a transaction, which checks each version.
    let client = local.client();
    let tx = items
        .iter()
        .fold(client.transact_write(), |tx, item| tx.put(item));
    tx.execute().await.unwrap();
    assert_eq!(accounts.get(key("b")).await.unwrap().unwrap().version, 1);
}

#[tokio::test]
async fn transactions_check_and_bump_versions_and_name_the_conflict() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    let accounts = accounts(&local).await;
    accounts.put(&account("a", 0, 100)).await.unwrap();
    accounts.put(&account("b", 0, 0)).await.unwrap();
    accounts.put(&account("gone", 0, 0)).await.unwrap();

    let a = accounts.get(key("a")).await.unwrap().unwrap();
    let b = accounts.get(key("b")).await.unwrap().unwrap();
    client
        .transact_write()
        .put(&Account {
            balance: 70,
            ..a.clone()
        })
        .update_if_version::<Account>(key("b"), b.version, json!({ "balance": 30 }))
        .delete_if_version::<Account>(key("gone"), 1)
        .execute()
        .await
        .unwrap();
    let (a2, b2) = (
        accounts.get(key("a")).await.unwrap().unwrap(),
        accounts.get(key("b")).await.unwrap().unwrap(),
    );
    assert_eq!(
        (a2.version, a2.balance, b2.version, b2.balance),
        (2, 70, 2, 30)
    );
    assert!(accounts.get(key("gone")).await.unwrap().is_none());

    // The same transaction again, on the copies read before it: both versions are stale.
    let error = client
        .transact_write()
        .put(&Account { balance: 0, ..a })
        .update_if_version::<Account>(key("b"), b.version, json!({ "balance": 0 }))
        .execute()
        .await
        .unwrap_err();
    assert!(error.is_version_conflict(), "{error}");
    let versions: Vec<Option<VersionMismatch>> = error
        .cancellation_reasons()
        .iter()
        .map(|r| r.version)
        .collect();
    assert_eq!(
        versions,
        vec![
            Some(VersionMismatch {
                expected: 1,
                found: Some(2)
            }),
            Some(VersionMismatch {
                expected: 1,
                found: Some(2)
            }),
        ]
    );
    // Plain updates and deletes are refused in a transaction too.
    let error = client
        .transact_write()
        .delete::<Account>(key("a"))
        .execute()
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionRequired));
    let stored = accounts.get(key("a")).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.balance), (2, 70));
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "legacy")]
struct Legacy {
    #[dynamo(pk)]
    id: String,
    note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "legacy")]
struct Versioned {
    #[dynamo(pk)]
    id: String,
    note: String,
    #[dynamo(version)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rev: Option<u32>,
}

#[tokio::test]
async fn items_written_before_the_field_was_versioned_are_at_version_0() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    client.table::<Legacy>().create().await.unwrap();
    let old = Legacy {
        id: "x".into(),
        note: "old".into(),
    };
    client.table::<Legacy>().put(&old).await.unwrap();

    let versioned = client.table::<Versioned>();
    let mut read = versioned
        .get(("x".to_string(), None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.rev, None);
    read.note = "new".into();
    versioned.put(&read).await.unwrap();
    let stored = versioned
        .get(("x".to_string(), None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.rev, stored.note.as_str()), (Some(1), "new"));
    // The read from before is now stale.
    let error = versioned.put(&read).await.unwrap_err();
    assert!(error.is_version_conflict(), "{error}");
}

#[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "small")]
struct Small {
    #[dynamo(pk)]
    id: String,
    #[dynamo(version)]
    version: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "signed")]
struct Signed {
    #[dynamo(pk)]
    id: String,
    #[dynamo(version)]
    version: i64,
}

#[tokio::test]
async fn a_version_its_type_cannot_hold_is_refused_before_sending() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    // No table exists: a refusal must come before any request.
    let error = client
        .table::<Small>()
        .put(&Small {
            id: "s".into(),
            version: u8::MAX,
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionOutOfRange));
    assert!(error.to_string().contains("u64"), "{error}");
    let error = client
        .table::<Signed>()
        .put(&Signed {
            id: "s".into(),
            version: -1,
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionOutOfRange));
    let error = client
        .table::<Small>()
        .update_if_version(("s".to_string(), None), 255, json!({ "x": 1 }))
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionOutOfRange));
}

#[tokio::test]
async fn a_version_call_on_an_unversioned_table_says_so() {
    let local = LocalDynamo::start().unwrap();
    let error = local
        .client()
        .table::<Legacy>()
        .update_if_version(("x".to_string(), None), 1, json!({ "note": "n" }))
        .await
        .unwrap_err();
    assert_eq!(reason(&error), Some(InvalidReason::VersionRequired));
    assert!(error.to_string().contains("#[dynamo(version)]"), "{error}");
}

/// Four writers per key, each adding 1 by read, change and versioned put until 25 of its adds
/// are applied, while 20% of puts are applied and then answered with a 500 or a dropped
/// connection: every applied add is counted once, and none is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versioned_puts_under_contention_and_lost_answers_lose_nothing() {
    let local = LocalDynamo::start().unwrap();
    let direct = accounts(&local).await;
    let plan = FaultPlan::applied_then_failed(41, &["PutItem"], 0.2);
    let proxy = FaultProxy::start(local.endpoint(), plan).await;
    let faulted = proxy.retrying_client(3, None).table::<Account>();
    let keys = ["w0", "w1", "w2", "w3", "w4"];
    for id in keys {
        direct.put(&account(id, 0, 100)).await.unwrap();
    }
    let mut writers = Vec::new();
    for id in keys {
        for writer in 0..4 {
            let accounts = faulted.clone();
            writers.push(tokio::spawn(async move {
                let (mut applied, mut conflicts, mut settled, mut unknown) = (0, 0, 0, 0);
                let mut op = 0;
                while applied < 25 {
                    let tag = format!("{id}-{writer}-{op}");
                    let mut now = accounts.get(key(id)).await.unwrap().unwrap();
                    now.balance += 1;
                    now.ops.push(tag.clone());
                    match accounts.put(&now).await {
                        Ok(_) => applied += 1,
                        Err(e) if e.may_have_been_applied() => {
                            unknown += 1;
                            // The item's own record says whether this operation landed.
                            let after = accounts.get(key(id)).await.unwrap().unwrap();
                            if after.ops.contains(&tag) {
                                applied += 1;
                                settled += 1;
                            }
                        }
                        Err(e) if e.is_version_conflict() => conflicts += 1,
                        Err(e) => panic!("{e}"),
                    }
                    op += 1;
                }
                (applied, conflicts, settled, unknown)
            }));
        }
    }
    let (mut applied, mut conflicts, mut settled, mut unknown) = (0, 0, 0, 0);
    for writer in writers {
        let (a, c, s, u) = writer.await.unwrap();
        applied += a;
        conflicts += c;
        settled += s;
        unknown += u;
    }
    println!(
        "5 keys x 4 writers x 25 applied versioned puts: {applied} applied, {conflicts} real \
         conflicts retried, {unknown} unknown outcomes ({settled} of them found applied by a \
         read); proxy: {}",
        proxy.stats.summary()
    );
    assert!(
        proxy
            .stats
            .applied_then_failed
            .load(std::sync::atomic::Ordering::Relaxed)
            > 0,
        "the proxy lost no answer: the test tested nothing"
    );
    assert_eq!(applied, 500);
    for id in keys {
        let stored = direct.get(key(id)).await.unwrap().unwrap();
        assert_eq!(
            stored.balance - 100,
            100,
            "{id}: every applied add counted once"
        );
        assert_eq!(stored.ops.len(), 100, "{id}: no add applied twice or lost");
        assert_eq!(stored.version, 101, "{id}: one version per write");
    }
}
