//! Where the seed crate is wrong, we are right: one test per defect, against the server. (The
//! seed's GSI-cursor bug is `derive::paging_an_index_returns_every_item_exactly_once`; its
//! string-only keys, `items::number_keys_are_numbers_in_dynamodb`.)

mod support;

use std::collections::HashSet;

use dynamo_table::aws_sdk_dynamodb::types::AttributeValue;
use dynamo_table::error::InvalidReason;
use dynamo_table::expression::Expression;
use dynamo_table::read::SortCondition;
use dynamo_table::{DynamoTable, Error, expr};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::{TestDb, raw_item};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: String,
    #[dynamo(gsi(name = "by_status", pk))]
    status: String,
    #[dynamo(gsi(name = "by_coupon", pk))]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    coupon: Option<String>,
    total: f64,
    #[serde(default)]
    note: String,
}

fn order(user: &str, id: &str, status: &str) -> Order {
    Order {
        user_id: user.into(),
        order_id: id.into(),
        status: status.into(),
        coupon: None,
        total: 1.0,
        note: String::new(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "words")]
struct Words {
    #[dynamo(pk)]
    name: String,
    status: String,
    data: String,
    comment: String,
}

#[tokio::test]
async fn a_page_emptied_by_the_filter_still_has_a_cursor() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    for i in 0..30 {
        let status = if i >= 25 { "late" } else { "early" };
        orders
            .put(&order("u1", &format!("o{i:02}"), status))
            .await
            .unwrap();
    }
    let first = orders
        .query(&"u1".to_string())
        .filter("#status = :s", json!({ ":s": "late" }))
        .limit(10)
        .page()
        .await
        .unwrap();
    assert!(first.items.is_empty(), "the first 10 read are all early");
    assert_eq!(first.scanned_count, 10);
    assert!(
        first.start_cursor().is_some(),
        "an empty page is not the end"
    );

    let mut found = Vec::new();
    let mut cursor = first.start_cursor();
    while cursor.is_some() {
        let page = orders
            .query(&"u1".to_string())
            .filter("#status = :s", json!({ ":s": "late" }))
            .limit(10)
            .after(cursor)
            .page()
            .await
            .unwrap();
        cursor = page.start_cursor();
        found.extend(page.items.into_iter().map(|o| o.order_id));
    }
    assert_eq!(found, ["o25", "o26", "o27", "o28", "o29"]);
}

#[tokio::test]
async fn counts_go_past_one_megabyte_pages() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    let big_note = "x".repeat(4_000);
    let items: Vec<Order> = (0..300)
        .map(|i| Order {
            note: big_note.clone(),
            ..order("heavy", &format!("o{i:03}"), "bulk")
        })
        .collect();
    let written = orders.batch_put(items).await.unwrap();
    assert_eq!(written.items.len(), 300, "about 1.2 MB in one partition");

    // One page of a query cannot hold it all: DynamoDB stops at 1 MB.
    let one_page = orders
        .query(&"heavy".to_string())
        .limit(1000)
        .page()
        .await
        .unwrap();
    assert!(one_page.items.len() < 300 && one_page.start_cursor().is_some());

    assert_eq!(
        orders.query(&"heavy".to_string()).count().await.unwrap(),
        300
    );
    let by_status = orders.index::<OrderByStatusIndex>();
    assert_eq!(
        by_status.query(&"bulk".to_string()).count().await.unwrap(),
        300
    );
    assert_eq!(orders.scan().count().await.unwrap(), 300);
}

#[tokio::test]
async fn increments_start_missing_attributes_from_zero() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    orders.put(&order("u1", "o1", "paid")).await.unwrap();
    orders
        .increment(
            ("u1".into(), Some("o1".into())),
            &[("views", 3), ("total", 2)],
        )
        .await
        .unwrap();
    let key = [
        ("user_id", AttributeValue::S("u1".into())),
        ("order_id", AttributeValue::S("o1".into())),
    ];
    let item = raw_item(&db.client, orders.name(), &key).await;
    assert_eq!(item["views"], AttributeValue::N("3".into()));
    assert_eq!(item["total"], AttributeValue::N("3".into()), "1.0 + 2");
}

#[tokio::test]
async fn a_none_in_an_update_writes_no_null_and_keeps_sparse_indexes() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    let with_coupon = Order {
        coupon: Some("SPRING".into()),
        ..order("u1", "o1", "paid")
    };
    orders.put(&with_coupon).await.unwrap();

    #[derive(Serialize)]
    struct Patch {
        coupon: Option<String>,
        total: f64,
    }
    orders
        .update(
            ("u1".into(), Some("o1".into())),
            Patch {
                coupon: None,
                total: 9.0,
            },
        )
        .await
        .unwrap();
    let stored = orders.get(with_coupon.key()).await.unwrap().unwrap();
    assert_eq!(stored.total, 9.0);
    assert_eq!(
        stored.coupon.as_deref(),
        Some("SPRING"),
        "None did not erase it"
    );
    let coupons = orders.index::<OrderByCouponIndex>();
    assert_eq!(
        coupons.query(&"SPRING".to_string()).count().await.unwrap(),
        1
    );

    // Removing is explicit.
    orders
        .remove_attributes(("u1".into(), Some("o1".into())), &["coupon"])
        .await
        .unwrap();
    assert_eq!(
        coupons.query(&"SPRING".to_string()).count().await.unwrap(),
        0
    );
    assert_eq!(
        orders.get(with_coupon.key()).await.unwrap().unwrap().coupon,
        None
    );
}

#[tokio::test]
async fn a_failed_condition_is_recognised_on_put_update_and_delete() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    let o = order("u1", "o1", "paid");
    orders.put(&o).await.unwrap();
    let key = o.key();

    let put = orders
        .put_with_condition(&o, expr!("attribute_not_exists(user_id)"), ())
        .await
        .unwrap_err();
    assert!(put.is_conditional_check_failed(), "{put:?}");
    assert!(put.to_string().contains("PutItem"));

    let update = orders
        .update_with_condition(
            &key,
            json!({ "total": 2 }),
            "#status = :s",
            json!({ ":s": "refunded" }),
        )
        .await
        .unwrap_err();
    assert!(update.is_conditional_check_failed(), "{update:?}");

    let delete = orders
        .delete_with_condition(&key, "#status = :s", json!({ ":s": "refunded" }))
        .await
        .unwrap_err();
    assert!(delete.is_conditional_check_failed(), "{delete:?}");
    assert!(orders.get(o.key()).await.unwrap().is_some());

    orders
        .delete_with_condition(&key, "#status = :s", json!({ ":s": "paid" }))
        .await
        .unwrap();
    assert!(orders.get(o.key()).await.unwrap().is_none());
}

#[tokio::test]
async fn user_placeholders_never_collide_with_the_librarys() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    orders.put(&order("u1", "o1", "paid")).await.unwrap();
    // The names a naive library would generate for its own SET clause (`#n0`, `:v0`, `:val0`),
    // used by the caller's condition at the same time as the library sets two attributes.
    let condition = Expression::parse("#n0 = :v0 AND #total < :val0")
        .unwrap()
        .name("#n0", "status");
    orders
        .update_with_condition(
            ("u1".into(), Some("o1".into())),
            json!({ "total": 5, "note": "changed" }),
            condition,
            json!({ ":v0": "paid", ":val0": 2 }),
        )
        .await
        .unwrap();
    let o = orders
        .get(("u1".into(), Some("o1".into())))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((o.total, o.note.as_str()), (5.0, "changed"));

    // The library's own prefix is the user's to use too: the library steps around it, and the
    // condition and the update each keep their own values.
    orders
        .update_with_condition(
            ("u1".into(), Some("o1".into())),
            json!({ "total": 6 }),
            "#total = :dt_v0",
            json!({ ":dt_v0": 5 }),
        )
        .await
        .unwrap();
    let o = orders
        .get(("u1".into(), Some("o1".into())))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.total, 6.0);
    let err = orders
        .update_with_condition(
            ("u1".into(), Some("o1".into())),
            json!({ "total": 7 }),
            "#total = :dt_v0",
            json!({ ":dt_v0": 5 }),
        )
        .await
        .unwrap_err();
    assert!(err.is_conditional_check_failed(), "{err}");
}

#[tokio::test]
async fn an_item_that_does_not_fit_is_an_error_naming_the_attribute() {
    let db = TestDb::new().await;
    let orders = db.create::<Order>().await;
    orders.put(&order("u1", "good", "paid")).await.unwrap();
    db.client
        .sdk()
        .put_item()
        .table_name(orders.name())
        .item("user_id", AttributeValue::S("u1".into()))
        .item("order_id", AttributeValue::S("bad".into()))
        .item("status", AttributeValue::S("paid".into()))
        .item("total", AttributeValue::S("twelve".into()))
        .send()
        .await
        .unwrap();

    let err = orders
        .get(("u1".into(), Some("bad".into())))
        .await
        .unwrap_err();
    assert!(err.is_serialization_error());
    let message = err.to_string();
    assert!(message.contains("attribute `total`"), "{message}");
    assert!(message.contains("Order"), "{message}");

    // A page with one bad item is an error, not an empty or shortened list.
    let page = orders.query(&"u1".to_string()).page().await;
    assert!(
        matches!(page, Err(Error::Deserialization { ref attribute, .. }) if attribute == "total")
    );
}

#[tokio::test]
async fn reserved_words_work_in_every_expression_the_library_writes() {
    let db = TestDb::new().await;
    let words = db.create::<Words>().await;
    let item = Words {
        name: "n".into(),
        status: "s".into(),
        data: "d".into(),
        comment: "c".into(),
    };
    words.put(&item).await.unwrap();
    words
        .update(
            ("n".into(), None),
            json!({ "status": "s2", "comment": "c2" }),
        )
        .await
        .unwrap();
    words
        .increment(("n".into(), None), &[("count", 2), ("size", 1)])
        .await
        .unwrap();
    words
        .update_with_condition(
            ("n".into(), None),
            json!({ "data": "d2" }),
            "#status = :s",
            json!({ ":s": "s2" }),
        )
        .await
        .unwrap();
    let page = words
        .scan()
        .filter(
            "#comment = :c AND #count = :two",
            json!({ ":c": "c2", ":two": 2 }),
        )
        .page()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].data, "d2");
    words
        .remove_attributes(("n".into(), None), &["count", "size"])
        .await
        .unwrap();
    let raw = support::scan_all(&db.client, words.name()).await;
    let names: HashSet<&str> = raw[0].keys().map(String::as_str).collect();
    assert_eq!(names, HashSet::from(["name", "status", "data", "comment"]));
}

#[tokio::test]
async fn bad_input_is_refused_before_sending_with_the_fix() {
    let db = TestDb::new().await;
    // Not created: any request that reached the server would fail with TableNotFound instead.
    let orders = db.client.table::<Order>();
    let check = |result: Result<(), Error>, reason: InvalidReason, needle: &str| {
        let err = result.unwrap_err();
        assert!(err.is_invalid_input(), "{err:?}");
        assert_eq!(err.invalid_reason(), Some(reason), "{err}");
        assert!(err.to_string().contains(needle), "`{err}` lacks `{needle}`");
    };

    check(
        orders.query(&String::new()).page().await.map(drop),
        InvalidReason::EmptyKey,
        "partition key `user_id`",
    );
    check(
        orders
            .query(&"u".into())
            .filter("#status = :s", json!({}))
            .page()
            .await
            .map(drop),
        InvalidReason::ExpressionValueMissing,
        "no value was given",
    );
    check(
        orders
            .query(&"u".into())
            .filter("#order_id = :o", json!({ ":o": "x" }))
            .page()
            .await
            .map(drop),
        InvalidReason::KeyInFilter,
        "key attribute `order_id`",
    );
    check(
        orders.query(&"u".into()).limit(0).page().await.map(drop),
        InvalidReason::Limit,
        "limit of 0",
    );
    check(
        orders
            .index::<OrderByStatusIndex>()
            .query(&"x".into())
            .consistent_read()
            .page()
            .await
            .map(drop),
        InvalidReason::ConsistentReadOnGlobalIndex,
        "eventually consistent",
    );
    check(
        orders
            .query(&"u".into())
            .sort_key(SortCondition::BeginsWith(String::new()))
            .filter("bad filter", ())
            .page()
            .await
            .map(drop),
        InvalidReason::ExpressionSyntax,
        "invalid expression",
    );

    // A cursor of one index used on another, or on the table.
    let db2 = TestDb::new().await;
    let real = db2.create::<Order>().await;
    for i in 0..3 {
        real.put(&order("u", &format!("o{i}"), "paid"))
            .await
            .unwrap();
    }
    let page = real
        .index::<OrderByStatusIndex>()
        .query(&"paid".into())
        .limit(1)
        .page()
        .await
        .unwrap();
    let cursor = page.start_cursor();
    assert!(cursor.is_some());
    check(
        real.index::<OrderByCouponIndex>()
            .query(&"x".into())
            .after(cursor.clone())
            .page()
            .await
            .map(drop),
        InvalidReason::CursorMismatch,
        "index `by_status`",
    );
    check(
        real.query(&"u".into()).after(cursor).page().await.map(drop),
        InvalidReason::CursorMismatch,
        "cannot resume",
    );

    let huge = Order {
        note: "x".repeat(401 * 1024),
        ..order("u", "big", "paid")
    };
    check(
        orders.put(&huge).await.map(drop),
        InvalidReason::ItemTooLarge,
        "400 KB",
    );
}
