//! What the derive generates, round-tripped through the server: key types, indexes, renames,
//! reserved-word field names, typed keys.

mod support;

use std::collections::HashSet;

use dynamo_table::aws_sdk_dynamodb::types::{AttributeValue, ScalarAttributeType};
use dynamo_table::read::SortCondition;
use dynamo_table::schema::{Binary, DynamoIndex, IndexKind};
use dynamo_table::{DynamoTable, GSITable, KeyValue};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use support::TestDb;

/// Two global indexes (one sparse) and one local index on one struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders", page_size = 3)]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: String,
    #[dynamo(gsi(name = "by_status", pk))]
    status: String,
    #[dynamo(gsi(name = "by_status", sk), lsi(name = "by_created", sk))]
    created_at: u64,
    #[dynamo(gsi(name = "by_coupon", pk))]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    coupon: Option<String>,
    total: f64,
}

fn order(user: &str, id: &str, status: &str, created_at: u64, coupon: Option<&str>) -> Order {
    Order {
        user_id: user.into(),
        order_id: id.into(),
        status: status.into(),
        created_at,
        coupon: coupon.map(str::to_owned),
        total: created_at as f64 / 10.0,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "blobs")]
struct Blob {
    #[dynamo(pk)]
    digest: Binary,
    #[dynamo(sk)]
    version: i32,
    size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, KeyValue)]
struct AccountId(String);

/// serde renames are the attribute names DynamoDB sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "accounts")]
#[serde(rename_all = "camelCase")]
struct Account {
    #[dynamo(pk)]
    account_id: AccountId,
    #[dynamo(sk)]
    #[serde(rename = "ts")]
    opened_at: u64,
    display_name: String,
}

/// Field names that are DynamoDB reserved words, with an index on one of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "reserved")]
struct Reserved {
    #[dynamo(pk)]
    name: String,
    #[dynamo(sk)]
    data: u32,
    #[dynamo(gsi(name = "by_status", pk))]
    status: String,
    comment: String,
}

#[tokio::test]
async fn the_schema_is_data_and_creates_the_table() {
    assert_eq!(Order::INDEXES.len(), 3);
    assert_eq!(Order::DEFAULT_PAGE_SIZE, 3);
    assert_eq!(OrderByStatusIndex::NAME, "by_status");
    assert_eq!(OrderByStatusIndex::KIND, IndexKind::Global);
    assert_eq!(OrderByStatusIndex::SORT_KEY, Some("created_at"));
    assert_eq!(OrderByCreatedIndex::KIND, IndexKind::Local);
    assert_eq!(OrderByCreatedIndex::PARTITION_KEY, "user_id");
    assert_eq!(OrderByCouponIndex::SORT_KEY, None);

    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    let described = db
        .client
        .sdk()
        .describe_table()
        .table_name(orders.name())
        .send()
        .await
        .unwrap();
    let table = described.table().unwrap();
    let mut globals: Vec<&str> = table
        .global_secondary_indexes()
        .iter()
        .filter_map(|i| i.index_name())
        .collect();
    globals.sort_unstable();
    assert_eq!(globals, ["by_coupon", "by_status"]);
    let locals: Vec<&str> = table
        .local_secondary_indexes()
        .iter()
        .filter_map(|i| i.index_name())
        .collect();
    assert_eq!(locals, ["by_created"]);
    let created_type = table
        .attribute_definitions()
        .iter()
        .find(|d| d.attribute_name() == "created_at")
        .map(|d| d.attribute_type().clone());
    assert_eq!(created_type, Some(ScalarAttributeType::N));
}

#[tokio::test]
async fn paging_an_index_returns_every_item_exactly_once() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    // 25 shipped orders across 5 users: the index's sort key (created_at) differs from the
    // table's (order_id), which is where the seed's rebuilt cursors lost items.
    let mut expected = HashSet::new();
    for i in 0..25u64 {
        let o = order(
            &format!("u{}", i % 5),
            &format!("o{:02}", 24 - i),
            "shipped",
            i / 3,
            None,
        );
        expected.insert((o.user_id.clone(), o.order_id.clone()));
        orders.put(&o).await.unwrap();
    }
    orders
        .put(&order("u9", "x", "pending", 1, None))
        .await
        .unwrap();

    let by_status = orders.index::<OrderByStatusIndex>();
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = by_status
            .query(&"shipped".to_string())
            .limit(4)
            .after(cursor)
            .page()
            .await
            .unwrap();
        pages += 1;
        seen.extend(
            page.items
                .iter()
                .map(|o| (o.user_id.clone(), o.order_id.clone())),
        );
        cursor = page.start_cursor();
        if cursor.is_none() {
            break;
        }
    }
    assert!(pages >= 7, "25 items in pages of 4");
    assert_eq!(seen.len(), 25, "no item twice");
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), expected);

    // The same through the stream and the count.
    let streamed: Vec<Order> = by_status
        .query(&"shipped".to_string())
        .limit(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), 25);
    assert_eq!(
        by_status
            .query(&"shipped".to_string())
            .count()
            .await
            .unwrap(),
        25
    );
    let early = by_status
        .query(&"shipped".to_string())
        .sort_key(SortCondition::Lt(2))
        .count()
        .await
        .unwrap();
    assert_eq!(early, 6, "created_at 0 and 1: three each");
}

#[tokio::test]
async fn a_sparse_index_holds_only_items_with_its_key() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    orders
        .put(&order("u1", "o1", "paid", 1, Some("SPRING")))
        .await
        .unwrap();
    orders
        .put(&order("u1", "o2", "paid", 2, None))
        .await
        .unwrap();
    orders
        .put(&order("u2", "o3", "paid", 3, Some("SPRING")))
        .await
        .unwrap();
    let coupons = orders.index::<OrderByCouponIndex>();
    assert_eq!(coupons.scan().count().await.unwrap(), 2);
    assert_eq!(
        coupons.query(&"SPRING".to_string()).count().await.unwrap(),
        2
    );
    assert!(OrderByCouponIndex::key_of(&order("u", "o", "s", 1, None)).is_none());
    let key = OrderByCouponIndex::key_of(&order("u", "o", "s", 1, Some("X"))).unwrap();
    assert_eq!(key.coupon, "X");
}

#[tokio::test]
async fn a_local_index_orders_one_partition_by_another_key() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    for (id, created) in [("a", 30), ("b", 10), ("c", 20)] {
        orders
            .put(&order("u1", id, "paid", created, None))
            .await
            .unwrap();
    }
    let page = orders
        .index::<OrderByCreatedIndex>()
        .query(&"u1".to_string())
        .consistent_read()
        .page()
        .await
        .unwrap();
    let ids: Vec<&str> = page.items.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids, ["b", "c", "a"]);
}

#[tokio::test]
async fn binary_keys_round_trip_as_binary() {
    let db = TestDb::new().await;
    let blobs = db.create::<Blob>().await;
    let blob = Blob {
        digest: Binary(vec![0xde, 0xad, 0xbe, 0xef]),
        version: -3,
        size: 4,
    };
    blobs.put(&blob).await.unwrap();
    let raw = db
        .client
        .sdk()
        .get_item()
        .table_name(blobs.name())
        .key("digest", blob.digest.to_attribute_value())
        .key("version", AttributeValue::N("-3".into()))
        .send()
        .await
        .unwrap();
    assert!(matches!(
        raw.item().and_then(|i| i.get("digest")),
        Some(AttributeValue::B(_))
    ));
    assert_eq!(blobs.get(&blob.key()).await.unwrap(), Some(blob.clone()));
    assert_eq!(blobs.get((Binary(vec![1]), Some(-3))).await.unwrap(), None);
}

#[tokio::test]
async fn serde_renames_are_the_attribute_names() {
    assert_eq!(Account::PARTITION_KEY, "accountId");
    assert_eq!(Account::SORT_KEY, Some("ts"));
    let db = TestDb::new().await;
    let accounts = db.create::<Account>().await;
    let account = Account {
        account_id: AccountId("acc-1".into()),
        opened_at: 1_700_000_000,
        display_name: "Ada".into(),
    };
    accounts.put(&account).await.unwrap();
    let raw = support::scan_all(&db.client, accounts.name()).await;
    let mut names: Vec<&str> = raw[0].keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["accountId", "displayName", "ts"]);
    let key = AccountKey {
        account_id: AccountId("acc-1".into()),
        opened_at: 1_700_000_000,
    };
    assert_eq!(accounts.get(key).await.unwrap(), Some(account.clone()));
    accounts.delete(account.key()).await.unwrap();
    assert_eq!(accounts.get(&account.key()).await.unwrap(), None);
}

#[tokio::test]
async fn reserved_word_fields_just_work() {
    let db = TestDb::new().await;
    let table = db.create::<Reserved>().await;
    let item = Reserved {
        name: "n1".into(),
        data: 7,
        status: "open".into(),
        comment: "first".into(),
    };
    table.put(&item).await.unwrap();
    assert_eq!(
        table.get(("n1".into(), Some(7))).await.unwrap(),
        Some(item.clone())
    );
    let found = table
        .query(&"n1".to_string())
        .sort_key(SortCondition::Between(1, 10))
        .filter(
            dynamo_table::expr!("#comment = :c"),
            serde_json::json!({ ":c": "first" }),
        )
        .page()
        .await
        .unwrap();
    assert_eq!(found.items, std::slice::from_ref(&item));
    let by_status = table
        .index::<ReservedByStatusIndex>()
        .query(&"open".to_string())
        .first()
        .await
        .unwrap();
    assert_eq!(by_status, Some(item));
}

#[tokio::test]
async fn one_string_gsi_also_gives_the_seed_gsi_table() {
    #[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
    #[dynamo(table = "people")]
    struct Person {
        #[dynamo(pk)]
        id: String,
        #[dynamo(gsi(name = "by_email", pk))]
        email: String,
    }
    assert_eq!(Person::global_index_name(), "by_email");
    assert_eq!(Person::GSI_PARTITION_KEY, "email");
    let p = Person {
        id: "1".into(),
        email: "a@example.com".into(),
    };
    assert_eq!(p.gsi_partition_key(), "a@example.com");
    assert_eq!(p.gsi_sort_key(), None);
}
