//! Typed conditions built from the derive's attribute paths, against the embedded server: each
//! operator as a scan filter, compared with the same predicate evaluated in Rust on the items;
//! nested documents, list elements, map values, serde renames and `with` codecs; and the same
//! conditions on queries, puts, updates, deletes and transactions.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, SystemTime};

use dynamo_table::expression::{AttributeKind, Condition};
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoDocument, DynamoTable, Table};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoDocument)]
#[serde(rename_all = "camelCase")]
struct Address {
    city: String,
    zip_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoDocument)]
struct Audit {
    created_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: u32,
    status: String,
    #[serde(rename = "amount")]
    total: f64,
    #[dynamo(set)]
    #[serde(
        with = "dynamo_table::attribute::string_set",
        default,
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    tags: BTreeSet<String>,
    lines: Vec<String>,
    prices: HashMap<String, u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    coupon: Option<String>,
    address: Address,
    #[serde(flatten)]
    audit: Audit,
    #[serde(with = "dynamo_table::ttl::epoch_seconds")]
    placed: SystemTime,
}

fn order(user: &str, id: u32) -> Order {
    let statuses = ["new", "paid", "shipped", "cancelled"];
    Order {
        user_id: user.into(),
        order_id: id,
        status: statuses[id as usize % 4].into(),
        total: f64::from(id) * 10.5,
        tags: (0..id % 3).map(|t| format!("tag{t}")).collect(),
        lines: (0..id % 4).map(|l| format!("sku-{l}")).collect(),
        prices: [("base".to_string(), id * 2)].into(),
        coupon: id.is_multiple_of(2).then(|| format!("C{id}")),
        address: Address {
            city: if id.is_multiple_of(3) { "Oslo" } else { "Lima" }.into(),
            zip_code: format!("{:05}", id * 7),
        },
        audit: Audit {
            created_by: format!("clerk{}", id % 5),
        },
        placed: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + u64::from(id)),
    }
}

async fn seeded() -> (LocalDynamo, Table<Order>, Vec<Order>) {
    let local = LocalDynamo::start().unwrap();
    let orders = local.client().table::<Order>();
    orders.create().await.unwrap();
    let all: Vec<Order> = (0..24)
        .map(|i| order(if i < 12 { "ada" } else { "bob" }, i))
        .collect();
    let written = orders.batch_put(all.clone()).await.unwrap();
    assert!(written.is_complete());
    (local, orders, all)
}

/// The orders a scan with `condition` returns, sorted.
async fn matching(orders: &Table<Order>, condition: Condition<Order>) -> Vec<u32> {
    let mut ids: Vec<u32> = orders
        .scan()
        .filter(condition, ())
        .stream()
        .map_ok_ids()
        .await;
    ids.sort_unstable();
    ids
}

trait Ids {
    async fn map_ok_ids(self) -> Vec<u32>;
}

impl<S: futures::Stream<Item = Result<Order, dynamo_table::Error>>> Ids for S {
    async fn map_ok_ids(self) -> Vec<u32> {
        use futures::TryStreamExt;
        let items: Vec<Order> = self.try_collect().await.unwrap();
        items.into_iter().map(|o| o.order_id).collect()
    }
}

fn expected(all: &[Order], keep: impl Fn(&Order) -> bool) -> Vec<u32> {
    let mut ids: Vec<u32> = all.iter().filter(|o| keep(o)).map(|o| o.order_id).collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn every_operator_selects_what_it_says() {
    let (_local, orders, all) = seeded().await;
    let f = Order::fields();
    let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs);
    type Case<'a> = (
        &'static str,
        Condition<Order>,
        Box<dyn Fn(&Order) -> bool + 'a>,
    );
    let cases: Vec<Case<'_>> = vec![
        ("eq", f.status.eq("paid"), Box::new(|o| o.status == "paid")),
        ("ne", f.status.ne("paid"), Box::new(|o| o.status != "paid")),
        ("lt", f.total.lt(50.0), Box::new(|o| o.total < 50.0)),
        ("le", f.total.le(52.5), Box::new(|o| o.total <= 52.5)),
        ("gt", f.total.gt(200.0), Box::new(|o| o.total > 200.0)),
        ("ge", f.total.ge(210.0), Box::new(|o| o.total >= 210.0)),
        (
            "between",
            f.total.between(21.0, 63.0),
            Box::new(|o| (21.0..=63.0).contains(&o.total)),
        ),
        (
            "in",
            f.status.is_in(["new", "shipped"]),
            Box::new(|o| o.status == "new" || o.status == "shipped"),
        ),
        (
            "exists",
            f.coupon.exists(),
            Box::new(|o| o.coupon.is_some()),
        ),
        (
            "not exists",
            f.coupon.not_exists(),
            Box::new(|o| o.coupon.is_none()),
        ),
        (
            "attribute_type",
            f.tags.has_type(AttributeKind::StringSet),
            Box::new(|o| !o.tags.is_empty()),
        ),
        (
            "size of a list",
            f.lines.size().ge(2),
            Box::new(|o| o.lines.len() >= 2),
        ),
        (
            "size of a string",
            f.status.size().eq(4),
            Box::new(|o| o.status.len() == 4),
        ),
        (
            "begins_with",
            f.status.begins_with("s"),
            Box::new(|o| o.status.starts_with('s')),
        ),
        (
            "contains a substring",
            f.status.contains("an"),
            Box::new(|o| o.status.contains("an")),
        ),
        (
            "contains a set element",
            f.tags.contains("tag1"),
            Box::new(|o| o.tags.contains("tag1")),
        ),
        (
            "contains a list element",
            f.lines.contains("sku-2"),
            Box::new(|o| o.lines.iter().any(|l| l == "sku-2")),
        ),
        (
            "a list element",
            f.lines.at(0).eq("sku-0"),
            Box::new(|o| o.lines.first().is_some_and(|l| l == "sku-0")),
        ),
        (
            "a map value",
            f.prices.key("base").gt(30),
            Box::new(|o| o.prices["base"] > 30),
        ),
        (
            "a nested document, renamed by rename_all",
            f.address.fields().zip_code.begins_with("000"),
            Box::new(|o| o.address.zip_code.starts_with("000")),
        ),
        (
            "a flattened document",
            f.audit.created_by.eq("clerk2"),
            Box::new(|o| o.audit.created_by == "clerk2"),
        ),
        (
            "a `with` codec (epoch seconds)",
            f.placed.lt(at(5)),
            Box::new(|o| o.placed < at(5)),
        ),
        (
            "a key attribute",
            f.order_id.ge(20),
            Box::new(|o| o.order_id >= 20),
        ),
        (
            "and, or, not",
            (f.status.eq("paid") | f.address.fields().city.eq("Oslo")) & !f.total.gt(150.0),
            Box::new(|o| (o.status == "paid" || o.address.city == "Oslo") && o.total <= 150.0),
        ),
    ];
    for (name, condition, keep) in cases {
        let want = expected(&all, keep);
        assert!(
            !want.is_empty() && want.len() < all.len(),
            "{name}: the case must select some items and not all"
        );
        assert_eq!(matching(&orders, condition).await, want, "{name}");
    }
}

#[tokio::test]
async fn typed_conditions_guard_queries_and_writes() {
    let (local, orders, all) = seeded().await;
    let f = Order::fields();

    // A query filter (a key attribute in it is refused, as for string filters).
    let paid: Vec<u32> = orders
        .query(&"ada".to_string())
        .filter(f.status.eq("paid"), ())
        .stream()
        .map_ok_ids()
        .await;
    assert_eq!(
        paid,
        expected(&all, |o| o.user_id == "ada" && o.status == "paid")
    );
    let error = orders
        .query(&"ada".to_string())
        .filter(f.order_id.gt(3), ())
        .page()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("order_id"), "{error}");

    // Conditional put: only a new item.
    let fresh = order("cy", 1);
    orders
        .put_with_condition(&fresh, f.user_id.not_exists(), ())
        .await
        .unwrap();
    let again = orders
        .put_with_condition(&fresh, f.user_id.not_exists(), ())
        .await
        .unwrap_err();
    assert!(again.is_conditional_check_failed(), "{again}");

    // Conditional update and delete.
    let key = OrderKey {
        user_id: "ada".into(),
        order_id: 1,
    };
    let refused = orders
        .update_with_condition(
            key.clone(),
            json!({ "status": "refunded" }),
            f.status.eq("new"),
            (),
        )
        .await
        .unwrap_err();
    assert!(refused.is_conditional_check_failed());
    orders
        .update_with_condition(
            key.clone(),
            json!({ "status": "refunded" }),
            f.status.eq("paid"),
            (),
        )
        .await
        .unwrap();
    orders
        .delete_with_condition(key.clone(), f.status.eq("refunded"), ())
        .await
        .unwrap();
    assert!(orders.get(key).await.unwrap().is_none());

    // In a transaction: the check cancels it, naming the action.
    let error = local
        .client()
        .transact_write()
        .condition_check::<Order>(("ada".to_string(), Some(2)), f.total.gt(1000.0), ())
        .put(&order("dee", 1))
        .execute()
        .await
        .unwrap_err();
    assert_eq!(
        error.cancellation_reasons()[0].code,
        "ConditionalCheckFailed"
    );

    // Values cannot be given twice.
    let error = orders
        .scan()
        .filter(f.status.eq("paid"), json!({ ":c0": "x" }))
        .page()
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error}");
}

#[tokio::test]
async fn limits_are_checked_before_sending() {
    let local = LocalDynamo::start().unwrap();
    // No table: a refusal must come before any request.
    let orders = local.client().table::<Order>();
    let f = Order::fields();
    let mut wide = f.status.eq("s0");
    for i in 1..400 {
        wide = wide | f.status.eq(format!("s{i}"));
    }
    let error = orders.scan().filter(wide, ()).page().await.unwrap_err();
    assert_eq!(
        error.invalid_reason(),
        Some(dynamo_table::error::InvalidReason::ExpressionLimit),
        "{error}"
    );
    let error = orders
        .scan()
        .filter(f.total.gt(f64::NAN), ())
        .page()
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error}");
}
