//! Projections (`#[derive(DynamoProjection)]`) against the embedded server: gets, queries,
//! index queries, scans, streams, cursors and batch gets return the projection, and only its
//! attributes come back (the projections deny unknown fields, so an extra attribute would fail
//! to decode).

use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoProjection, DynamoTable, Table};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: u32,
    #[dynamo(gsi(name = "by_status", pk))]
    status: String,
    #[serde(rename = "amount")]
    total: f64,
    notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    coupon: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize, DynamoProjection)]
#[dynamo(of = Order)]
#[serde(deny_unknown_fields)]
struct OrderTotal {
    order_id: u32,
    #[serde(rename = "amount")]
    total: f64,
    coupon: Option<String>,
}

/// With the keys, which batch gets read to match items to keys.
#[derive(Debug, PartialEq, Deserialize, DynamoProjection)]
#[dynamo(of = Order)]
#[serde(deny_unknown_fields)]
struct OrderStatus {
    user_id: String,
    order_id: u32,
    status: String,
}

/// Reads `total` under its field name, which the table writes as `amount`.
#[derive(Debug, Deserialize, DynamoProjection)]
#[allow(dead_code)] // never read: refused before
#[dynamo(of = Order)]
struct Misnamed {
    total: f64,
}

fn order(user: &str, id: u32) -> Order {
    Order {
        user_id: user.into(),
        order_id: id,
        status: if id.is_multiple_of(2) { "paid" } else { "new" }.into(),
        total: f64::from(id) * 2.5,
        notes: vec!["a long note that a projection leaves behind".into(); 3],
        coupon: (id == 3).then(|| "C3".to_string()),
    }
}

fn total(id: u32) -> OrderTotal {
    OrderTotal {
        order_id: id,
        total: f64::from(id) * 2.5,
        coupon: (id == 3).then(|| "C3".to_string()),
    }
}

async fn seeded() -> (LocalDynamo, Table<Order>) {
    let local = LocalDynamo::start().unwrap();
    let orders = local.client().table::<Order>();
    orders.create().await.unwrap();
    let all: Vec<Order> = (0..10)
        .map(|i| order(if i < 6 { "ada" } else { "bob" }, i))
        .collect();
    assert!(orders.batch_put(all).await.unwrap().is_complete());
    (local, orders)
}

#[tokio::test]
async fn gets_and_batch_gets_return_the_projection() {
    let (_local, orders) = seeded().await;
    let key = |user: &str, id: u32| OrderKey {
        user_id: user.into(),
        order_id: id,
    };
    assert_eq!(
        orders
            .get_projection::<OrderTotal>(key("ada", 3))
            .await
            .unwrap(),
        Some(total(3))
    );
    assert_eq!(
        orders
            .get_projection::<OrderTotal>(key("ada", 99))
            .await
            .unwrap(),
        None
    );

    let result = orders
        .batch_get_projection::<OrderStatus, _>(vec![key("ada", 1), key("bob", 8), key("cy", 1)])
        .await
        .unwrap();
    assert_eq!(
        result.items,
        vec![
            OrderStatus {
                user_id: "ada".into(),
                order_id: 1,
                status: "new".into()
            },
            OrderStatus {
                user_id: "bob".into(),
                order_id: 8,
                status: "paid".into()
            },
        ]
    );
    assert_eq!(result.not_found.len(), 1);
}

#[tokio::test]
async fn queries_scans_and_streams_return_the_projection() {
    let (_local, orders) = seeded().await;
    let ada = "ada".to_string();

    let all: Vec<OrderTotal> = orders
        .query(&ada)
        .project::<OrderTotal>()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, (0..6).map(total).collect::<Vec<_>>());

    // A page, and the rest after its cursor.
    let first = orders
        .query(&ada)
        .limit(4)
        .project::<OrderTotal>()
        .page()
        .await
        .unwrap();
    assert_eq!(first.items, (0..4).map(total).collect::<Vec<_>>());
    let rest = orders
        .query(&ada)
        .limit(4)
        .project::<OrderTotal>()
        .after(first.start_cursor())
        .page()
        .await
        .unwrap();
    assert_eq!(rest.items, (4..6).map(total).collect::<Vec<_>>());

    let paid: Vec<OrderStatus> = orders
        .index::<OrderByStatusIndex>()
        .query(&"paid".to_string())
        .project::<OrderStatus>()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(paid.len(), 5);
    assert!(paid.iter().all(|o| o.status == "paid"));

    let mut scanned: Vec<OrderTotal> = orders
        .scan()
        .project::<OrderTotal>()
        .stream()
        .try_collect()
        .await
        .unwrap();
    scanned.sort_by_key(|o| o.order_id);
    assert_eq!(scanned, (0..10).map(total).collect::<Vec<_>>());
    let first = orders.scan().project::<OrderTotal>().first().await.unwrap();
    assert!(first.is_some());
}

#[tokio::test]
async fn a_field_read_under_another_name_than_the_table_writes_is_refused_with_the_fix() {
    let (_local, orders) = seeded().await;
    let error = orders
        .query(&"ada".to_string())
        .project::<Misnamed>()
        .page()
        .await
        .unwrap_err();
    assert_eq!(
        error.invalid_reason(),
        Some(dynamo_table::error::InvalidReason::Projection)
    );
    assert!(
        error
            .to_string()
            .contains("add `#[serde(rename = \"amount\")]`"),
        "{error}"
    );
    let error = orders
        .get_projection::<Misnamed>(OrderKey {
            user_id: "ada".into(),
            order_id: 1,
        })
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error}");
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "sessions")]
struct Session {
    #[dynamo(pk)]
    id: String,
    user: String,
    #[dynamo(ttl)]
    expires: u64,
}

/// Names the time to live, which reads of a TTL table add to every projection themselves.
#[derive(Debug, PartialEq, Deserialize, DynamoProjection)]
#[dynamo(of = Session)]
struct SessionExpiry {
    id: String,
    expires: u64,
}

#[tokio::test]
async fn a_projection_that_names_what_reads_add_themselves_reads_it_once() {
    let local = LocalDynamo::start().unwrap();
    let sessions = local.client().table::<Session>();
    sessions.create().await.unwrap();
    let later = 4_000_000_000;
    let session = Session {
        id: "s1".into(),
        user: "ada".into(),
        expires: later,
    };
    sessions.put(&session).await.unwrap();
    let expected = SessionExpiry {
        id: "s1".into(),
        expires: later,
    };
    let got = sessions
        .get_projection::<SessionExpiry>(SessionKey { id: "s1".into() })
        .await
        .unwrap();
    assert_eq!(got, Some(expected));
    let batch = sessions
        .batch_get_projection::<SessionExpiry, _>(vec![SessionKey { id: "s1".into() }])
        .await
        .unwrap();
    assert_eq!(batch.items.len(), 1, "{:?}", batch.failed_keys);
}
