//! Every public item of the published `dynamo_table` 0.11.0, used through the path it was
//! published at, with the argument types it had, against the embedded DynamoDB through the
//! global client. Code written against 0.11 compiles here unchanged; where our behaviour
//! differs (the published crate was wrong), the assertion shows ours.
//!
//! The tables are written by hand (`impl DynamoTable`), as 0.11 had no derive.

use std::time::Duration;

use dynamo_table::aws_sdk_dynamodb::config::Credentials;
use dynamo_table::error::InvalidReason;
use dynamo_table::local::LocalDynamo;
use dynamo_table::methods::DynamoTableMethods as _;
use dynamo_table::table::{
    self, BatchReadOutput, BatchWriteOutput, CompositeKey, Cursor, DynamoTable, GSITable,
    OutputItems, PartitionKey, SortKey,
};
use dynamo_table::{Error, Ttl};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct User {
    user_id: String,
    email: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_status: Option<String>,
    #[serde(default)]
    login_count: u64,
}

impl DynamoTable for User {
    type PK = String;
    type SK = String;
    const TABLE: &'static str = "users";
    const PARTITION_KEY: &'static str = "user_id";

    fn partition_key(&self) -> Self::PK {
        self.user_id.clone()
    }
}

/// A GSI with a sort key: the published crate rebuilt its page cursor from the table's keys.
impl GSITable for User {
    const GSI_PARTITION_KEY: &'static str = "email";
    const GSI_SORT_KEY: Option<&'static str> = Some("name");

    fn gsi_partition_key(&self) -> String {
        self.email.clone()
    }

    fn gsi_sort_key(&self) -> Option<String> {
        Some(self.name.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    user_id: String,
    order_id: String,
    total: f64,
    status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

impl DynamoTable for Order {
    type PK = String;
    type SK = String;
    const TABLE: &'static str = "orders";
    const PARTITION_KEY: &'static str = "user_id";
    const SORT_KEY: Option<&'static str> = Some("order_id");
    const DEFAULT_PAGE_SIZE: u16 = 4;
    const BATCH_RETRIES_CONFIG: table::RetryConfig = table::RetryConfig {
        max_retries: 3usize,
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(500),
    };

    fn partition_key(&self) -> Self::PK {
        self.user_id.clone()
    }

    fn sort_key(&self) -> Option<Self::SK> {
        Some(self.order_id.clone())
    }
}

/// A numeric sort key: the published crate sent its `String` ranges as strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Reading {
    sensor: String,
    at: u64,
    value: f64,
}

impl DynamoTable for Reading {
    type PK = String;
    type SK = u64;
    const TABLE: &'static str = "readings";
    const PARTITION_KEY: &'static str = "sensor";
    const SORT_KEY: Option<&'static str> = Some("at");

    fn partition_key(&self) -> Self::PK {
        self.sensor.clone()
    }

    fn sort_key(&self) -> Option<Self::SK> {
        Some(self.at)
    }
}

/// Items of 4 KB: 300 of them are more than the 1 MB a query page can hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Blob {
    shelf: String,
    seq: u32,
    pad: String,
}

impl DynamoTable for Blob {
    type PK = String;
    type SK = u32;
    const TABLE: &'static str = "blobs";
    const PARTITION_KEY: &'static str = "shelf";
    const SORT_KEY: Option<&'static str> = Some("seq");

    fn partition_key(&self) -> Self::PK {
        self.shelf.clone()
    }

    fn sort_key(&self) -> Option<Self::SK> {
        Some(self.seq)
    }
}

fn user(id: &str, email: &str, name: &str) -> User {
    User {
        user_id: id.into(),
        email: email.into(),
        name: name.into(),
        account_status: Some("verified".into()),
        login_count: 0,
    }
}

fn order(user_id: &str, order_id: &str, total: f64) -> Order {
    Order {
        user_id: user_id.into(),
        order_id: order_id.into(),
        total,
        status: "pending".into(),
        note: None,
    }
}

fn ids<T: DynamoTable>(page: &OutputItems<T>, id: impl Fn(&T) -> String) -> Vec<String> {
    page.items.iter().map(id).collect()
}

/// `defaults`, `Region`, `RegionProviderChain`, `ProvideRegion`, `RetryConfig`, `RetryMode`,
/// `TimeoutConfig`, `SdkConfig`, `SdkConfigBuilder`, `BehaviorVersion`, `init`,
/// `init_with_client` and `dynamodb_client`, then the tables through `setup`.
async fn configure(local: &LocalDynamo) {
    use dynamo_table::{
        BehaviorVersion, ProvideRegion, Region, RegionProviderChain, RetryConfig, RetryMode,
        SdkConfig, SdkConfigBuilder, TimeoutConfig,
    };
    let chain = RegionProviderChain::first_try(Region::new("eu-west-1"));
    let region = ProvideRegion::region(&chain).await;
    assert_eq!(region, Some(Region::new("eu-west-1")));

    let retry = RetryConfig::standard()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(10));
    let sdk_retry: dynamo_table::aws_sdk_dynamodb::config::retry::RetryConfig = retry.into();
    assert_eq!(sdk_retry.mode(), RetryMode::Standard);
    assert_eq!(sdk_retry.max_attempts(), 2);

    let config: SdkConfig = dynamo_table::defaults(BehaviorVersion::latest())
        .region(chain)
        .endpoint_url(local.endpoint())
        .credentials_provider(Credentials::new("id", "secret", None, None, "test"))
        .retry_config(retry)
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(30))
                .build(),
        )
        .load()
        .await;
    dynamo_table::init(&config).await;
    let first: *const _ = dynamo_table::dynamodb_client().await;

    // The same server through `SdkConfigBuilder` and `init_with_client`: replaces the client
    // (the published `init` was ignored after first use).
    let built = SdkConfigBuilder::default()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(local.endpoint())
        .credentials_provider(
            dynamo_table::aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
                Credentials::new("id", "secret", None, None, "test"),
            ),
        )
        .build();
    let client = dynamo_table::aws_sdk_dynamodb::Client::new(&built);
    dynamo_table::init_with_client(client).await;
    let second: &'static dynamo_table::aws_sdk_dynamodb::Client =
        dynamo_table::dynamodb_client().await;
    assert!(!std::ptr::eq(first, second), "init replaced the client");
    assert_eq!(
        second.config().region().map(|r| r.as_ref()),
        Some("us-east-1")
    );
    assert!(std::ptr::eq(User::dynamodb_client().await, second));

    let created = dynamo_table::setup::table::<Order>().await.unwrap();
    assert_eq!(
        created.table_description().and_then(|d| d.table_name()),
        Some("orders")
    );
    dynamo_table::setup::table::<Reading>().await.unwrap();
    dynamo_table::setup::table::<Blob>().await.unwrap();
    // A hand-written GSITable gets its index (the published crate created none here).
    let created = dynamo_table::setup::table_with_gsi::<User>().await.unwrap();
    let indexes: Vec<&str> = created
        .table_description()
        .map(|d| d.global_secondary_indexes())
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i.index_name())
        .collect();
    assert_eq!(indexes, [User::global_index_name()]);
    assert_eq!(User::global_index_name(), "global-users-email-name");
}

/// `add_item`, `get_item`, `delete_item`, `destroy_item`, the key accessors and the free
/// functions of the same names.
async fn items() {
    let ada = user("u1", "ada@example.com", "Ada");
    ada.add_item().await.unwrap();
    table::add_item(&user("u2", "bob@example.com", "Bob"))
        .await
        .unwrap();
    assert_eq!(
        User::get_item(&"u1".to_string(), None).await.unwrap(),
        Some(ada.clone())
    );
    // Lenient, as published: a sort key given for a table without one is ignored.
    assert_eq!(
        table::get_item::<User>(&"u1".to_string(), Some(&"ignored".to_string()))
            .await
            .unwrap(),
        Some(ada.clone())
    );
    assert_eq!(ada.partition_key_name(), "user_id");
    assert_eq!(ada.sort_key_name(), None);
    let key: CompositeKey<String, String> = ada.composite_key();
    assert_eq!(key, ("u1".to_string(), None));
    let pk: PartitionKey<String> = "u1".to_string();
    let sk: SortKey<String> = None;
    assert_eq!((pk, sk), key);

    let o = order("u1", "o1", 5.0);
    o.add_item().await.unwrap();
    assert_eq!(o.sort_key_name(), Some("order_id"));
    o.clone().destroy_item().await.unwrap();
    assert_eq!(
        Order::get_item(&"u1".to_string(), Some(&"o1".to_string()))
            .await
            .unwrap(),
        None
    );
    table::add_item(&o).await.unwrap();
    Order::delete_item("u1".to_string(), Some("o1".to_string()))
        .await
        .unwrap();
    table::add_item(&o).await.unwrap();
    table::delete_item::<Order>("u1".to_string(), Some("o1".to_string()))
        .await
        .unwrap();
    assert_eq!(
        table::get_item::<Order>(&"u1".to_string(), Some(&"o1".to_string()))
            .await
            .unwrap(),
        None
    );
}

/// `update_item`, `update_item_with_condition`, `increment`, `increment_multiple`,
/// `remove_attributes`, trait and free, and the `Error` helpers.
async fn updates() {
    let mut ada = user("u1", "ada@example.com", "Ada");
    #[derive(Serialize)]
    struct Patch {
        name: String,
        account_status: Option<String>,
    }
    // A `None` leaves the attribute alone (the published crate wrote NULL).
    ada.update_item(Patch {
        name: "Ada L".into(),
        account_status: None,
    })
    .await
    .unwrap();
    ada.name = "Ada L".into();
    let stored = User::get_item(&"u1".to_string(), None).await.unwrap();
    assert_eq!(stored, Some(ada.clone()));

    table::update_item::<User, _>("u1".to_string(), None, json!({ "name": "Ada" }))
        .await
        .unwrap();
    ada.name = "Ada".into();

    let refused = ada
        .update_item_with_condition(
            json!({ "name": "x" }),
            Some("attribute_not_exists(user_id)".to_string()),
            None::<serde_json::Value>,
        )
        .await
        .unwrap_err();
    assert!(refused.is_conditional_check_failed(), "{refused:?}");
    assert!(refused.is_dynamodb_error() && !refused.is_serialization_error());
    table::update_item_with_condition::<User, _, _>(
        "u1".to_string(),
        None,
        json!({ "account_status": "gold" }),
        Some("account_status = :old".to_string()),
        Some(json!({ ":old": "verified" })),
    )
    .await
    .unwrap();

    User::increment_multiple(&"u1".to_string(), None, &[("login_count", 2)])
        .await
        .unwrap();
    table::increment::<User>(&"u1".to_string(), None, "login_count", 3)
        .await
        .unwrap();
    table::increment_multiple::<User>(&"u1".to_string(), None, &[("login_count", 1)])
        .await
        .unwrap();
    let stored = User::get_item(&"u1".to_string(), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.login_count, 6);
    assert_eq!(stored.account_status.as_deref(), Some("gold"));

    stored.remove_attributes(&["account_status"]).await.unwrap();
    table::remove_attributes::<User>("u1".to_string(), None, &["login_count"])
        .await
        .unwrap();
    let stored = User::get_item(&"u1".to_string(), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.account_status, stored.login_count), (None, 0));
}

/// Every query function of the table, trait and free, and `OutputItems` / `Cursor`.
async fn queries() {
    for i in 0..10 {
        let mut o = order("q", &format!("o{i:02}"), f64::from(i));
        if i % 2 == 0 {
            o.status = "shipped".into();
        }
        o.add_item().await.unwrap();
    }
    let pk = "q".to_string();

    // Pages of DEFAULT_PAGE_SIZE, resumed with the cursor's sort key.
    let first = Order::query_items(&pk, None, None, None).await.unwrap();
    assert_eq!((first.limit, first.count, first.items.len()), (4, 4, 4));
    let cursor: Cursor<Order> = first.start_cursor().unwrap();
    assert_eq!(cursor.partition_key(), "q");
    assert_eq!(cursor.sort_key().map(String::as_str), Some("o03"));
    assert_eq!(
        first.last_evaluated_key,
        Some((pk.clone(), Some("o03".into())))
    );
    let second = Order::query_items(&pk, None, Some(4), cursor.exclusive_start_key())
        .await
        .unwrap();
    assert_eq!(
        ids(&second, |o| o.order_id.clone()),
        ["o04", "o05", "o06", "o07"]
    );
    let free = table::query_items::<Order>(&pk, Some(3), Some(&"o07".to_string()))
        .await
        .unwrap();
    assert_eq!(ids(&free, |o| o.order_id.clone()), ["o08", "o09"]);
    assert!(free.start_cursor().is_none());

    // Differences, refused before sending with the reason: a limit of 0 (0.11: an empty page
    // with no cursor), a start key for a named index (0.11: a wrong start key), a bare reserved
    // word (0.11: DynamoDB's error, or a debug-build panic for key names).
    let refused = Order::query_items(&pk, None, Some(0), None)
        .await
        .unwrap_err();
    assert_eq!(
        refused.invalid_reason(),
        Some(InvalidReason::Limit),
        "{refused}"
    );
    let refused = table::query_items_with_filter::<Order, _>(
        &pk,
        None,
        Some(&"o01".to_string()),
        Some(10),
        Some("by_total".into()),
        true,
        "#total > :t".to_string(),
        json!({ ":t": 1 }),
    )
    .await
    .unwrap_err();
    assert_eq!(
        refused.invalid_reason(),
        Some(InvalidReason::IndexStartKey),
        "{refused}"
    );
    let refused = Order::query_items_with_filter(
        &pk,
        None,
        None,
        None,
        "total > :t".to_string(),
        json!({ ":t": 1 }),
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("#total"), "{refused}");

    // An exact sort key.
    let one = Order::query_items(&pk, Some(&"o05".to_string()), None, None)
        .await
        .unwrap();
    assert_eq!(ids(&one, |o| o.order_id.clone()), ["o05"]);

    let reversed = Order::reverse_query_items(&pk, None, Some(2), None)
        .await
        .unwrap();
    assert_eq!(ids(&reversed, |o| o.order_id.clone()), ["o09", "o08"]);

    let shipped = |page: &OutputItems<Order>| page.items.iter().all(|o| o.status == "shipped");
    let filtered = Order::query_items_with_filter(
        &pk,
        None,
        Some(10),
        None,
        "#status = :s".to_string(),
        json!({ ":s": "shipped" }),
    )
    .await
    .unwrap();
    assert_eq!((filtered.count, filtered.scanned_count), (5, 10));
    assert!(shipped(&filtered));
    let reversed = Order::reverse_query_items_with_filter(
        &pk,
        None,
        Some(10),
        None,
        "#status = :s".to_string(),
        json!({ ":s": "shipped" }),
    )
    .await
    .unwrap();
    assert_eq!(reversed.items[0].order_id, "o08");
    let free = table::query_items_with_filter::<Order, _>(
        &pk,
        None,
        None,
        Some(10),
        None,
        false,
        "#total > :t".to_string(),
        json!({ ":t": 6 }),
    )
    .await
    .unwrap();
    assert_eq!(ids(&free, |o| o.order_id.clone()), ["o09", "o08", "o07"]);

    // Projections send a ProjectionExpression: `note` is stored but not returned.
    let mut noted = order("q", "o05", 5.0);
    noted.note = Some("gift".into());
    noted.add_item().await.unwrap();
    let attributes: &[&str] = &["user_id", "order_id", "total", "status"];
    let projected = Order::query_items_with_projection(
        &pk,
        Some(&"o05".to_string()),
        None,
        None,
        Some(attributes),
    )
    .await
    .unwrap();
    assert_eq!(projected.items[0].note, None);
    let whole = Order::query_items_with_projection(&pk, Some(&"o05".to_string()), None, None, None)
        .await
        .unwrap();
    assert_eq!(whole.items[0].note.as_deref(), Some("gift"));
    let projected = Order::query_items_with_filter_and_projection(
        &pk,
        None,
        Some(10),
        None,
        "#total = :t".to_string(),
        json!({ ":t": 5 }),
        Some(attributes),
    )
    .await
    .unwrap();
    assert_eq!(
        (projected.items.len(), projected.items[0].note.clone()),
        (1, None)
    );
    let projected = table::query_items_with_projection::<Order>(
        &pk,
        None,
        None,
        Some(10),
        None,
        true,
        Some(&["user_id", "order_id", "total", "status", "note"]),
    )
    .await
    .unwrap();
    assert_eq!(projected.items[5].note.as_deref(), Some("gift"));
    let projected = table::query_items_with_filter_and_projection::<Order, _>(
        &pk,
        None,
        None,
        Some(10),
        None,
        true,
        "#total = :t".to_string(),
        json!({ ":t": 5 }),
        Some(attributes),
    )
    .await
    .unwrap();
    assert_eq!(projected.items[0].note, None);
    // A projection without a field `Order` needs is a typed decode error, not an empty page.
    let err = table::query_items_with_projection::<Order>(
        &pk,
        None,
        None,
        Some(10),
        None,
        true,
        Some(&["user_id", "order_id"]),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Deserialization { .. }), "{err:?}");

    // Sort-key ranges and prefixes, trait (published argument order) and free.
    let between = Order::query_items_between(&pk, None, None, true, "o02".into(), "o04".into())
        .await
        .unwrap();
    assert_eq!(ids(&between, |o| o.order_id.clone()), ["o02", "o03", "o04"]);
    let between = table::query_items_between::<Order>(
        &pk,
        Some(&"o02".to_string()),
        Some(10),
        None,
        true,
        "o02".into(),
        "o04".into(),
    )
    .await
    .unwrap();
    assert_eq!(ids(&between, |o| o.order_id.clone()), ["o03", "o04"]);
    let prefixed = Order::query_items_begins_with(&pk, None, Some(10), false, "o0".into())
        .await
        .unwrap();
    assert_eq!(prefixed.items.len(), 10);
    let prefixed =
        table::query_items_begins_with::<Order>(&pk, None, Some(10), None, true, "o1".into())
            .await
            .unwrap();
    assert!(prefixed.items.is_empty());
    // `ends_with` keeps the sort keys that end with the text (the published one ran
    // begins_with).
    let ends = table::query_items_ends_with::<Order>(&pk, None, Some(10), None, true, "7".into())
        .await
        .unwrap();
    assert_eq!(ids(&ends, |o| o.order_id.clone()), ["o07"]);
    let contains =
        Order::query_items_contains(&pk, None, Some(10), true, "status".into(), "hipp".into())
            .await
            .unwrap();
    assert_eq!(contains.items.len(), 5);
    let contains = table::query_items_contains::<Order>(
        &pk,
        None,
        Some(10),
        None,
        true,
        "note".into(),
        "gif".into(),
    )
    .await
    .unwrap();
    assert_eq!(ids(&contains, |o| o.order_id.clone()), ["o05"]);

    // A numeric sort key gets numeric ranges.
    for at in [5u64, 40, 300, 2000] {
        table::add_item(&Reading {
            sensor: "s".into(),
            at,
            value: 1.0,
        })
        .await
        .unwrap();
    }
    let range = Reading::query_items_between(
        &"s".to_string(),
        None,
        None,
        true,
        "10".into(),
        "500".into(),
    )
    .await
    .unwrap();
    assert_eq!(
        range.items.iter().map(|r| r.at).collect::<Vec<_>>(),
        [40, 300]
    );

    assert_eq!(
        Order::query_item(&pk).await.unwrap().map(|o| o.order_id),
        Some("o00".into())
    );
    assert_eq!(
        table::query_item::<Order>(&"nobody".to_string())
            .await
            .unwrap(),
        None
    );

    // The stream: every item from after the start key, `limit` per request.
    let stream = table::query_items_stream::<Order>(
        &pk,
        None,
        Some(&"o06".to_string()),
        Some(2),
        None,
        true,
    )
    .await;
    let rest: Vec<String> = stream.map(|o| o.unwrap().order_id).collect().await;
    assert_eq!(rest, ["o07", "o08", "o09"]);
}

/// Counts cover every page (the published crate counted the first 1 MB page).
async fn counts() {
    let blobs: Vec<Blob> = (0..300)
        .map(|seq| Blob {
            shelf: "big".into(),
            seq,
            pad: "x".repeat(4000),
        })
        .collect();
    let written: BatchWriteOutput<Blob> = Blob::batch_upsert(blobs).await.unwrap();
    assert_eq!(written.processed_count(), 300);
    assert_eq!(Blob::count_items(&"big".to_string()).await.unwrap(), 300);
    assert_eq!(
        table::count_items::<Blob>(&"big".to_string())
            .await
            .unwrap(),
        300
    );
}

/// `scan_items` and `scan_items_with_filter`, paged with `last_evaluated_key`.
async fn scans() {
    let mut start: Option<CompositeKey<String, String>> = None;
    let mut seen = 0;
    loop {
        let page = Order::scan_items(Some(3), start).await.unwrap();
        seen += page.items.len();
        match page.last_evaluated_key {
            Some(key) => start = Some(key),
            None => break,
        }
    }
    assert_eq!(seen, 10);
    let all = table::scan_items::<Order>(Some(100), None).await.unwrap();
    assert_eq!(all.items.len(), 10);
    let shipped = Order::scan_items_with_filter(
        Some(100),
        None,
        "#status = :s".to_string(),
        json!({ ":s": "shipped" }),
    )
    .await
    .unwrap();
    assert_eq!(shipped.items.len(), 5);
    let after = table::scan_items_with_filter::<Order, _>(
        Some(100),
        Some(("q".to_string(), Some("o04".to_string()))),
        "#status = :s".to_string(),
        json!({ ":s": "shipped" }),
    )
    .await
    .unwrap();
    assert_eq!(ids(&after, |o| o.order_id.clone()), ["o06", "o08"]);
}

/// `batch_write`, `batch_get`, the trait's batch functions, their outputs, and
/// `DynamoTableMethods`.
async fn batches() {
    let users: Vec<User> = (0..30)
        .map(|i| user(&format!("b{i:02}"), &format!("b{i}@x"), "B"))
        .collect();
    let written = table::batch_write(users.clone(), vec![]).await.unwrap();
    assert!(written.is_success());
    assert_eq!(
        (written.processed_puts.len(), written.failed_count()),
        (30, 0)
    );
    assert_eq!(written.success_rate(), 100.0);
    assert!(written.total_duration > Duration::ZERO);
    assert!(written.item_collection_metrics.is_empty());
    let _: usize = written.retry_count;
    // One entry per call: 30 puts go in two calls, of 25 and 5; each put writes the table and
    // its email index, one unit each.
    let mut per_call: Vec<f64> = written
        .consumed_capacity
        .iter()
        .filter_map(|c| c.capacity_units())
        .collect();
    per_call.sort_by(f64::total_cmp);
    assert_eq!(per_call, [10.0, 50.0]);

    let keys: Vec<CompositeKey<String, String>> =
        (0..32).map(|i| (format!("b{i:02}"), None)).collect();
    let read: BatchReadOutput<User> = User::batch_get(keys.clone()).await.unwrap();
    assert_eq!(read.items.len(), 30);
    assert!(read.is_success());
    assert_eq!(read.total_requested(), 30);
    assert_eq!(read.success_rate(), 100.0);
    let _ = (read.total_duration, read.retry_count, &read.failed_keys);
    // 32 keys go in one call.
    assert_eq!(read.consumed_capacity.len(), 1);

    // Items not found are the right difference of what was asked and what came back.
    let missing = User::right_diff(read.items.clone(), keys.clone());
    assert_eq!(
        missing,
        [("b30".to_string(), None), ("b31".to_string(), None)]
    );
    let extra = dynamo_table::DynamoTableMethods::left_diff(read.items, keys[..29].to_vec());
    assert_eq!(extra.len(), 1);

    let deleted = User::batch_delete(users[..10].to_vec()).await.unwrap();
    assert_eq!(deleted.processed_deletes.len(), 10);
    let mixed = table::batch_write(vec![user("b40", "b40@x", "B")], users[10..20].to_vec())
        .await
        .unwrap();
    assert_eq!(
        (mixed.processed_puts.len(), mixed.processed_deletes.len()),
        (1, 10)
    );
    let left = table::batch_get::<User>((0..41).map(|i| (format!("b{i:02}"), None)).collect())
        .await
        .unwrap();
    assert_eq!(left.items.len(), 11);
    assert!(User::batch_upsert(vec![]).await.unwrap().is_success());
}

/// Every `GSITable` function, trait and free, with pages resumed by the cursor.
async fn gsi() {
    for name in ["A", "B", "C", "D", "E"] {
        let mut u = user(&format!("g{name}"), "team@x", name);
        if name == "C" {
            u.account_status = Some("banned".into());
        }
        u.add_item().await.unwrap();
    }
    let email = || "team@x".to_string();
    let mut names = Vec::new();
    let mut cursor: Option<Cursor<User>> = None;
    loop {
        let page = User::query_gsi_items(email(), None, Some(2), cursor)
            .await
            .unwrap();
        names.extend(page.items.iter().map(|u| u.name.clone()));
        cursor = page.start_cursor();
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(
        names,
        ["A", "B", "C", "D", "E"],
        "every page resumes where the last stopped"
    );

    let back = User::reverse_query_gsi_items(email(), None, Some(3), None)
        .await
        .unwrap();
    assert_eq!(ids(&back, |u| u.name.clone()), ["E", "D", "C"]);
    let back2 = User::reverse_query_gsi_items(email(), None, Some(3), back.start_cursor())
        .await
        .unwrap();
    assert_eq!(ids(&back2, |u| u.name.clone()), ["B", "A"]);

    let fields: &[&str] = &["user_id", "email", "name"];
    let projected =
        User::query_gsi_items_with_projection(email(), None, Some(10), None, Some(fields))
            .await
            .unwrap();
    assert!(projected.items.iter().all(|u| u.account_status.is_none()));
    let projected =
        User::reverse_query_gsi_items_with_projection(email(), None, Some(1), None, Some(fields))
            .await
            .unwrap();
    assert_eq!(ids(&projected, |u| u.name.clone()), ["E"]);

    assert_eq!(
        User::query_gsi_item(email(), Some("D".into()))
            .await
            .unwrap()
            .map(|u| u.user_id),
        Some("gD".into())
    );
    let filtered = User::query_gsi_items_with_filter(
        email(),
        None,
        None,
        Some(10),
        true,
        "account_status = :s".to_string(),
        json!({ ":s": "banned" }),
    )
    .await
    .unwrap();
    assert_eq!(ids(&filtered, |u| u.name.clone()), ["C"]);
    let filtered = table::query_gsi_items_with_filter::<User, _>(
        email(),
        None,
        None,
        Some(10),
        false,
        "account_status = :s".to_string(),
        json!({ ":s": "verified" }),
    )
    .await
    .unwrap();
    assert_eq!(ids(&filtered, |u| u.name.clone()), ["E", "D", "B", "A"]);
    let projected = User::query_gsi_items_with_filter_and_projection(
        email(),
        None,
        None,
        Some(10),
        true,
        "account_status = :s".to_string(),
        json!({ ":s": "banned" }),
        Some(fields),
    )
    .await
    .unwrap();
    assert_eq!(projected.items[0].account_status, None);
    let projected = table::query_gsi_items_with_filter_and_projection::<User, _>(
        email(),
        None,
        None,
        Some(10),
        true,
        "account_status = :s".to_string(),
        json!({ ":s": "banned" }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(projected.items[0].account_status.as_deref(), Some("banned"));
    assert_eq!(User::count_gsi_items(email()).await.unwrap(), 5);
    assert_eq!(table::count_gsi_items::<User>(email()).await.unwrap(), 5);
}

/// The capacity counters at `consumed_capacity::stats` and at the root.
fn capacity() {
    use dynamo_table::aws_sdk_dynamodb::types::ConsumedCapacity;
    use dynamo_table::consumed_capacity::stats;
    assert!(
        stats::read_capacity_units() > 0.0,
        "the calls above were counted"
    );
    let before: dynamo_table::CapacityStats = stats::stats();
    stats::record_read(1.0);
    stats::record_write(2.0);
    stats::record(&ConsumedCapacity::builder().capacity_units(0.5).build());
    stats::record_from_option(None);
    stats::record(&ConsumedCapacity::builder().read_capacity_units(0.0).build());
    dynamo_table::record_from_option(Some(
        &ConsumedCapacity::builder()
            .write_capacity_units(1.0)
            .build(),
    ));
    let after = dynamo_table::consumed_capacity_stats();
    // Other tests in this binary run nothing concurrently, so the differences are exact.
    assert_eq!(after.operation_count - before.operation_count, 4);
    assert!((after.read_capacity_units - before.read_capacity_units - 1.5).abs() < 1e-9);
    assert!((after.write_capacity_units - before.write_capacity_units - 3.0).abs() < 1e-9);
    assert!(
        (dynamo_table::total_capacity_units()
            - dynamo_table::read_capacity_units()
            - dynamo_table::write_capacity_units())
        .abs()
            < 1e-9
    );
    assert!(stats::total_capacity_units() >= stats::write_capacity_units());
    assert_eq!(stats::operation_count(), dynamo_table::operation_count());
    dynamo_table::record(
        &ConsumedCapacity::builder()
            .write_capacity_units(1.0)
            .build(),
    );
    dynamo_table::record_read(0.0);
    dynamo_table::record_write(0.0);
    stats::log_stats();
    dynamo_table::log_stats();
    let _guard = stats::CapacityStatsGuard::new();
    let _root_guard = dynamo_table::CapacityStatsGuard::default();
}

/// `Ttl`, `Error` conversions, `OutputItems` from raw SDK outputs, and the re-exported crates.
async fn values() {
    let in_a_day = Ttl::from_days(1).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((in_a_day.as_i64() - now - 86_400).abs() <= 2);
    assert!(Ttl::from_secs(60).unwrap().as_i64() >= now + 59);
    assert!(Ttl::new(time::Duration::hours(1)).is_some());
    assert_eq!(Ttl::from_days(-(365 * 6)), None, "more than five years ago");
    assert_eq!(Ttl::from_secs(i64::MAX), None, "overflow");
    let fixed = Ttl::from_unix_timestamp(1_700_000_000);
    assert_eq!(i64::from(fixed), 1_700_000_000);
    assert_eq!(Ttl::from(1_700_000_000i64), fixed);
    let at = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    assert_eq!(Ttl::from(at), fixed);
    assert_eq!(time::OffsetDateTime::try_from(fixed).unwrap(), at);

    // `?` on the SDK's own calls, as the published `Error` allowed.
    async fn raw() -> Result<(), Error> {
        let client = dynamo_table::dynamodb_client().await;
        client
            .describe_table()
            .table_name("no-such-table")
            .send()
            .await?;
        Ok(())
    }
    let err = raw().await.unwrap_err();
    assert!(
        err.is_table_not_found() && err.is_dynamodb_error(),
        "{err:?}"
    );
    let bad: Result<u8, _> = dynamo_table::serde_dynamo::from_attribute_value(
        dynamo_table::aws_sdk_dynamodb::types::AttributeValue::S("x".into()),
    );
    let err: Error = bad.unwrap_err().into();
    assert!(err.is_serialization_error());

    use dynamo_table::aws_sdk_dynamodb::operation::{query::QueryOutput, scan::ScanOutput};
    let raw = QueryOutput::builder()
        .count(0)
        .scanned_count(3)
        .last_evaluated_key(
            "user_id",
            dynamo_table::aws_sdk_dynamodb::types::AttributeValue::S("u9".into()),
        )
        .build();
    let page = OutputItems::<User>::try_from((raw, 7)).unwrap();
    assert_eq!((page.limit, page.scanned_count), (7, 3));
    assert_eq!(page.last_evaluated_key, Some(("u9".to_string(), None)));
    let empty = OutputItems::<User>::try_from((ScanOutput::builder().build(), 1)).unwrap();
    assert!(empty.items.is_empty() && empty.start_cursor().is_none());
    let default: OutputItems<User> = OutputItems::default();
    assert_eq!(default.count, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_published_item_through_its_published_path() {
    let local = LocalDynamo::start().unwrap();
    Box::pin(configure(&local)).await;
    Box::pin(items()).await;
    Box::pin(updates()).await;
    Box::pin(queries()).await;
    Box::pin(counts()).await;
    Box::pin(scans()).await;
    Box::pin(batches()).await;
    Box::pin(gsi()).await;
    capacity();
    Box::pin(values()).await;
}
