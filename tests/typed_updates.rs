//! Typed updates (`Table::modify`) against the embedded server: every change, on top-level,
//! nested, list and map paths; conditions, `must_exist` and versions; and each way of
//! returning what the update did.

use std::collections::{BTreeSet, HashMap};

use dynamo_table::error::InvalidReason;
use dynamo_table::local::LocalDynamo;
use dynamo_table::update::OldItem;
use dynamo_table::{DynamoDocument, DynamoTable, Table};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, DynamoDocument)]
struct Address {
    city: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "profiles")]
struct Profile {
    #[dynamo(pk)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default, rename = "nick")]
    nickname: Option<String>,
    #[serde(default)]
    visits: u64,
    #[serde(default)]
    balance: i64,
    #[dynamo(set)]
    #[serde(
        with = "dynamo_table::attribute::string_set",
        default,
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    roles: BTreeSet<String>,
    #[serde(default)]
    history: Vec<String>,
    #[serde(default)]
    limits: HashMap<String, u32>,
    #[serde(default)]
    address: Address,
}

fn key(id: &str) -> ProfileKey {
    ProfileKey { id: id.into() }
}

fn set_of(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

async fn profiles() -> (LocalDynamo, Table<Profile>) {
    let local = LocalDynamo::start().unwrap();
    let table = local.client().table::<Profile>();
    table.create().await.unwrap();
    let ada = Profile {
        id: "ada".into(),
        name: "Ada".into(),
        nickname: Some("countess".into()),
        visits: 10,
        balance: 5,
        roles: set_of(&["admin", "dev"]),
        history: vec!["b".into()],
        limits: [("daily".to_string(), 3)].into(),
        address: Address {
            city: "London".into(),
        },
    };
    table.put(&ada).await.unwrap();
    (local, table)
}

#[tokio::test]
async fn every_change_does_what_it_says() {
    let (_local, profiles) = profiles().await;
    let f = Profile::fields();
    profiles
        .modify(key("ada"))
        .set(&f.name, "Ada L.")
        .set_if_not_exists(&f.balance, 1000) // exists: kept
        .remove(&f.nickname)
        .increment(&f.visits, 2)
        .add(&f.roles, set_of(&["ops"]))
        .append(&f.history, vec!["c".to_string()])
        .set(&f.address.fields().city, "Paris")
        .set(&f.limits.key("daily"), 9)
        .execute()
        .await
        .unwrap();
    // One change per attribute and update, as DynamoDB requires.
    let after: Profile = profiles
        .modify(key("ada"))
        .decrement(&f.balance, 7)
        .delete(&f.roles, set_of(&["dev"]))
        .prepend(&f.history, vec!["a".to_string()])
        .execute_returning_new()
        .await
        .unwrap();
    assert_eq!(
        after,
        Profile {
            id: "ada".into(),
            name: "Ada L.".into(),
            nickname: None,
            visits: 12,
            balance: -2,
            roles: set_of(&["admin", "ops"]),
            history: vec!["a".into(), "b".into(), "c".into()],
            limits: [("daily".to_string(), 9)].into(),
            address: Address {
                city: "Paris".into()
            },
        }
    );
    assert_eq!(profiles.get(key("ada")).await.unwrap(), Some(after));

    // On an item with none of them: missing numbers start at 0, lists empty, and
    // set_if_not_exists sets.
    let fresh: Profile = profiles
        .modify(key("new"))
        .set_if_not_exists(&f.name, "Newcomer")
        .increment(&f.visits, 1)
        .append(&f.history, vec!["x".to_string()])
        .execute_returning_new()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (fresh.name.as_str(), fresh.visits, fresh.history),
        ("Newcomer", 1, vec!["x".to_string()])
    );
}

#[tokio::test]
async fn conditions_and_must_exist_guard_the_update() {
    let (_local, profiles) = profiles().await;
    let f = Profile::fields();

    let error = profiles
        .modify(key("ada"))
        .increment(&f.visits, 1)
        .when(f.visits.gt(100))
        .execute()
        .await
        .unwrap_err();
    assert!(error.is_conditional_check_failed(), "{error}");
    assert!(
        error.current_item().is_some(),
        "the item comes with the failure"
    );
    profiles
        .modify(key("ada"))
        .increment(&f.visits, 1)
        .when(f.visits.lt(100))
        .when(f.roles.contains("admin"))
        .execute()
        .await
        .unwrap();
    assert_eq!(profiles.get(key("ada")).await.unwrap().unwrap().visits, 11);

    // No partial item by accident.
    let error = profiles
        .modify(key("ghost"))
        .set(&f.name, "Nobody")
        .must_exist()
        .execute()
        .await
        .unwrap_err();
    assert!(error.is_conditional_check_failed(), "{error}");
    assert!(profiles.get(key("ghost")).await.unwrap().is_none());

    // Two changes of one attribute, or of an attribute and what is inside it: refused before
    // sending, naming both.
    let error = profiles
        .modify(key("ada"))
        .append(&f.history, vec!["x".to_string()])
        .set(&f.history.at(0), "y")
        .execute()
        .await
        .unwrap_err();
    assert_eq!(
        error.invalid_reason(),
        Some(InvalidReason::DuplicateAttribute)
    );
    assert!(
        error.to_string().contains("`history` and `history[0]`"),
        "{error}"
    );

    // Over DynamoDB's limits (here 400 map entries set at once): refused before sending.
    let mut wide = profiles.modify(key("ada"));
    for i in 0..400 {
        wide = wide.set(&f.limits.key(format!("k{i}")), 1);
    }
    let error = wide.execute().await.unwrap_err();
    assert_eq!(
        error.invalid_reason(),
        Some(InvalidReason::ExpressionLimit),
        "{error}"
    );

    // Nothing to change: refused before sending.
    let error = profiles.modify(key("ada")).execute().await.unwrap_err();
    assert_eq!(error.invalid_reason(), Some(InvalidReason::EmptyUpdate));
}

#[tokio::test]
async fn each_way_of_returning_what_the_update_did() {
    let (_local, profiles) = profiles().await;
    let f = Profile::fields();

    let old = profiles
        .modify(key("ada"))
        .set(&f.name, "A.")
        .execute_returning_old()
        .await
        .unwrap();
    match old {
        OldItem::Item(before) => assert_eq!(before.name, "Ada"),
        other => panic!("{other:?}"),
    }
    let none = profiles
        .modify(key("zed"))
        .set(&f.name, "Zed")
        .execute_returning_old()
        .await
        .unwrap();
    assert_eq!(none, OldItem::NoItem);

    #[derive(Debug, Deserialize, PartialEq)]
    struct Counters {
        visits: u64,
    }
    let updated: Counters = profiles
        .modify(key("ada"))
        .increment(&f.visits, 5)
        .execute_returning_updated()
        .await
        .unwrap();
    assert_eq!(updated, Counters { visits: 15 });
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "wallets")]
struct Wallet {
    #[dynamo(pk)]
    id: String,
    #[dynamo(version)]
    #[serde(default)]
    version: u64,
    balance: i64,
    #[serde(default)]
    owner: String,
}

#[tokio::test]
async fn a_versioned_item_is_changed_only_at_its_version() {
    let local = LocalDynamo::start().unwrap();
    let wallets = local.client().table::<Wallet>();
    wallets.create().await.unwrap();
    let w = WalletKey { id: "w".into() };
    wallets
        .put(&Wallet {
            id: "w".into(),
            version: 0,
            balance: 10,
            owner: String::new(),
        })
        .await
        .unwrap();
    let f = Wallet::fields();

    // Setting without a version: refused. Adding alone: bumps the version.
    let error = wallets
        .modify(w.clone())
        .set(&f.owner, "ada")
        .execute()
        .await
        .unwrap_err();
    assert_eq!(error.invalid_reason(), Some(InvalidReason::VersionRequired));
    let after = wallets
        .modify(w.clone())
        .increment(&f.balance, 5)
        .execute_returning_new()
        .await
        .unwrap();
    assert_eq!((after.version, after.balance), (2, 15));

    // At its version: applied and bumped, with a condition in one request (no read).
    let after = wallets
        .modify(w.clone())
        .set(&f.owner, "ada")
        .decrement(&f.balance, 15)
        .when(f.balance.ge(15))
        .if_version(2)
        .execute_returning_new()
        .await
        .unwrap();
    assert_eq!(
        (after.version, after.balance, after.owner.as_str()),
        (3, 0, "ada")
    );
    let error = wallets
        .modify(w.clone())
        .set(&f.owner, "bob")
        .if_version(2)
        .execute()
        .await
        .unwrap_err();
    assert!(error.is_version_conflict(), "{error}");
    let error = wallets
        .modify(w.clone())
        .set(&f.version, 99)
        .if_version(3)
        .execute()
        .await
        .unwrap_err();
    assert_eq!(
        error.invalid_reason(),
        Some(InvalidReason::VersionAttributeUpdate)
    );
    assert_eq!(wallets.get(w).await.unwrap().unwrap().version, 3);
}

#[tokio::test]
async fn typed_updates_go_into_transactions_with_their_conditions_and_versions() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    let wallets = client.table::<Wallet>();
    wallets.create().await.unwrap();
    for id in ["a", "b"] {
        let wallet = Wallet {
            id: id.into(),
            version: 0,
            balance: 10,
            owner: String::new(),
        };
        wallets.put(&wallet).await.unwrap();
    }
    let f = Wallet::fields();
    let a = || WalletKey { id: "a".into() };
    let b = || WalletKey { id: "b".into() };
    let transfer = |amount: i64| {
        client
            .transact_write()
            .modify(
                wallets
                    .modify(a())
                    .decrement(&f.balance, amount)
                    .when(f.balance.ge(amount)),
            )
            .modify(wallets.modify(b()).increment(&f.balance, amount))
    };

    // Not enough in a: canceled, nothing applied, the reason names the first action.
    let error = transfer(50).execute().await.unwrap_err();
    let codes: Vec<&str> = error
        .cancellation_reasons()
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert_eq!(codes, ["ConditionalCheckFailed", "None"]);
    transfer(4).execute().await.unwrap();
    let (wa, wb) = (
        wallets.get(a()).await.unwrap().unwrap(),
        wallets.get(b()).await.unwrap().unwrap(),
    );
    assert_eq!((wa.balance, wb.balance), (6, 14));
    assert_eq!(
        (wa.version, wb.version),
        (2, 2),
        "additions bump the version"
    );

    // A versioned change at a stale version cancels the transaction, naming the versions.
    let error = client
        .transact_write()
        .modify(wallets.modify(a()).set(&f.owner, "ada").if_version(1))
        .execute()
        .await
        .unwrap_err();
    assert!(error.is_version_conflict(), "{error}");
    assert_eq!(
        error.cancellation_reasons()[0]
            .version
            .map(|v| (v.expected, v.found)),
        Some((1, Some(2)))
    );
}
