//! Every code sample of the published crate's README (the 0.5 README, whose samples 0.11 kept),
//! run against the server through the global client: once with the README's hand-written
//! `impl DynamoTable`, once with the derive. Where the README's own sample is wrong, the test
//! says so and runs the corrected sample:
//! - bare reserved words in filters: the typed error first, then the `#name` form;
//! - `batch_upsert(..).items` / `.execution_time`: dynamo_table 0.11 returns `BatchWriteOutput`
//!   (`processed_puts`, `total_duration`), so the sample does not compile against 0.11 either;
//! - the paginated scan passes `start_cursor()` to `scan_items`, which takes a
//!   `CompositeKey` in 0.11: the page's `last_evaluated_key` is what it takes.
//!
//! The 0.11 README's added samples (projections, capacity counters) are in `published_api.rs`.

use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoClient, DynamoTable, Error, GSITable};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;

/// The samples, written once, run against whichever `User` and `Order` are in scope.
macro_rules! seed_samples {
    () => {
        fn user(id: &str, email: &str) -> User {
            User {
                user_id: id.to_string(),
                email: email.to_string(),
                name: format!("User {id}"),
                created_at: 1_234_567_890,
            }
        }

        fn order(user_id: &str, order_id: &str, total: f64) -> Order {
            Order {
                user_id: user_id.to_string(),
                order_id: order_id.to_string(),
                total,
                status: "pending".to_string(),
                created_at: "2024-01-01".to_string(),
            }
        }

        /// "Quick Start" and "2. Basic CRUD Operations".
        pub async fn crud() -> Result<(), Error> {
            let user = user("user123", "user@example.com");
            user.add_item().await?;
            let retrieved = User::get_item(&"user123".to_string(), None).await?;
            assert_eq!(retrieved, Some(user.clone()));

            let updates = json!({ "name": "Jane Doe", "email": "jane@example.com" });
            user.update_item(updates).await?;
            let updated = User::get_item(&"user123".to_string(), None).await?.unwrap();
            assert_eq!(updated.name, "Jane Doe");
            assert_eq!(updated.email, "jane@example.com");

            User::delete_item("user123".to_string(), None).await?;
            assert_eq!(User::get_item(&"user123".to_string(), None).await?, None);
            user.add_item().await?;
            user.destroy_item().await?;
            assert_eq!(User::get_item(&"user123".to_string(), None).await?, None);
            Ok(())
        }

        /// "3. Querying Data" and "4. Composite Keys".
        pub async fn queries() -> Result<(), Error> {
            user("user123", "q@example.com").add_item().await?;
            let result = User::query_items(&"user123".to_string(), None, Some(10), None).await?;
            assert_eq!(result.items.len(), 1);
            assert!(result.start_cursor().is_none());
            let single = User::query_item(&"user123".to_string()).await?;
            assert_eq!(single.map(|u| u.email).as_deref(), Some("q@example.com"));
            assert_eq!(User::count_items(&"user123".to_string()).await?, 1);

            for (id, total) in [
                ("2023-12-31", 5.0),
                ("2024-01-15", 10.0),
                ("2024-02-01", 20.0),
                ("order100", 1.0),
                ("order150", 1.5),
                ("order200", 2.0),
                ("order250", 2.5),
            ] {
                order("user123", id, total).add_item().await?;
            }
            let orders = Order::query_items(&"user123".to_string(), None, Some(20), None).await?;
            assert_eq!(orders.items.len(), 7);
            let one = Order::get_item(&"user123".to_string(), Some(&"order150".to_string())).await?;
            assert_eq!(one.map(|o| o.total), Some(1.5));
            let orders_2024 = Order::query_begins_with(&"user123".to_string(), "2024-", Some(10), None, true).await?;
            let ids: Vec<&str> = orders_2024.items.iter().map(|o| o.order_id.as_str()).collect();
            assert_eq!(ids, ["2024-01-15", "2024-02-01"]);
            let range = Order::query_between(&"user123".to_string(), "order100", "order200", Some(50), None, true).await?;
            let ids: Vec<&str> = range.items.iter().map(|o| o.order_id.as_str()).collect();
            assert_eq!(ids, ["order100", "order150", "order200"]);
            let recent = Order::reverse_query_items(&"user123".to_string(), None, Some(5), None).await?;
            let ids: Vec<&str> = recent.items.iter().map(|o| o.order_id.as_str()).collect();
            assert_eq!(ids, ["order250", "order200", "order150", "order100", "2024-02-01"]);
            assert!(recent.start_cursor().is_some(), "two more orders remain");
            Ok(())
        }

        /// "Global Secondary Indexes (GSI)".
        pub async fn gsi() -> Result<(), Error> {
            for i in 0..25 {
                user(&format!("gsi-{i:02}"), "shared@example.com").add_item().await?;
            }
            let result = User::query_gsi_items("shared@example.com".to_string(), None, Some(10), None).await?;
            assert_eq!(result.items.len(), 10);
            let next_page = User::query_gsi_items("shared@example.com".to_string(), None, Some(10), result.start_cursor()).await?;
            assert_eq!(next_page.items.len(), 10);
            let last_page = User::query_gsi_items("shared@example.com".to_string(), None, Some(10), next_page.start_cursor()).await?;
            assert_eq!(last_page.items.len(), 5);
            let mut ids: Vec<String> = result.items.iter().chain(&next_page.items).chain(&last_page.items).map(|u| u.user_id.clone()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 25, "every user once across the pages");

            let one = User::query_gsi_item("shared@example.com".to_string(), None).await?;
            assert!(one.is_some());
            assert_eq!(User::count_gsi_items("shared@example.com".to_string()).await?, 25);
            let reverse = User::reverse_query_gsi_items("shared@example.com".to_string(), None, Some(10), None).await?;
            assert_eq!(reverse.items.len(), 10);
            assert!(one.unwrap().gsi_partition_key() == "shared@example.com");
            Ok(())
        }

        /// "Batch Operations".
        pub async fn batches() -> Result<(), Error> {
            let keys = vec![
                ("user1".to_string(), None),
                ("user2".to_string(), None),
                ("user3".to_string(), None),
            ];
            let (user1, user2, user3) = (user("user1", "1@x"), user("user2", "2@x"), user("user3", "3@x"));
            let new_users = vec![user1.clone(), user2.clone(), user3.clone()];
            let write_result = User::batch_upsert(new_users).await?;
            // README: `write_result.items.len()`, `write_result.execution_time` (see the top).
            assert_eq!(write_result.processed_puts.len(), 3);
            assert!(write_result.is_success());
            assert!(write_result.total_duration.as_nanos() > 0);

            let result = User::batch_get(keys).await?;
            assert_eq!(result.items.len(), 3);
            assert!(result.failed_keys.is_empty());

            let delete_result = User::batch_delete(vec![user1, user2]).await?;
            assert_eq!(delete_result.processed_deletes.len(), 2);

            let batch_result = dynamo_table::table::batch_write(
                vec![user("user4", "4@x"), user("user5", "5@x")],
                vec![user3],
            )
            .await?;
            assert_eq!(batch_result.processed_count(), 3);
            assert_eq!(batch_result.failed_count(), 0);
            let keys = (1..=5).map(|i| (format!("user{i}"), None)).collect();
            let left: Vec<String> = User::batch_get(keys).await?.items.into_iter().map(|u| u.user_id).collect();
            assert_eq!(left, ["user4", "user5"]);
            Ok(())
        }

        /// "Streaming Large Result Sets".
        pub async fn streams() -> Result<(), Error> {
            for i in 0..120 {
                order("streamer", &format!("o{i:03}"), i as f64).add_item().await?;
            }
            let stream = Order::query_stream(&"streamer".to_string(), None, Some(25));
            tokio::pin!(stream);
            let mut count = 0;
            while let Some(result) = stream.next().await {
                result?;
                count += 1;
            }
            assert_eq!(count, 120);

            // The README's filter names `status` bare: DynamoDB would reject it. We say so before
            // sending, with the fix.
            let seed_filter = Order::query_stream_with_filter(
                &"streamer".to_string(),
                None,
                Some(50),
                "status = :active".to_string(),
                json!({ ":active": "active" }),
            );
            tokio::pin!(seed_filter);
            let first = seed_filter.next().await.unwrap();
            let err = first.unwrap_err();
            assert!(err.is_invalid_input());
            assert!(err.to_string().contains("write `#status`"), "{err}");

            let fixed = Order::query_stream_with_filter(
                &"streamer".to_string(),
                None,
                Some(50),
                "#status = :active".to_string(),
                json!({ ":active": "pending" }),
            );
            assert_eq!(fixed.count().await, 120);

            // The same over scans and the GSI (additions to the seed's set).
            let scanned: Vec<Order> = Order::scan_stream(Some(40)).try_collect().await?;
            assert!(scanned.len() >= 120);
            let pending = Order::scan_stream_with_filter(Some(40), "#status = :s", json!({ ":s": "pending" }));
            assert_eq!(pending.try_collect::<Vec<Order>>().await?.len(), scanned.len());
            for i in 0..12 {
                user(&format!("gsi-stream-{i}"), "stream@example.com").add_item().await?;
            }
            let by_email: Vec<User> = User::query_gsi_stream("stream@example.com".to_string(), None, Some(5))
                .try_collect()
                .await?;
            assert_eq!(by_email.len(), 12);
            Ok(())
        }

        /// "Filter Expressions".
        pub async fn filters() -> Result<(), Error> {
            let u = user("filtered", "filter@example.com");
            u.add_item().await?;
            u.update_item(json!({
                "status": "active",
                "subscription_tier": "premium",
                "account_status": "verified",
                "created_at": 1_800_000_000i64
            }))
            .await?;

            let seed_says = User::query_items_with_filter(
                &"filtered".to_string(), None, Some(50), None,
                "status = :status AND created_at > :timestamp".to_string(),
                json!({ ":status": "active", ":timestamp": 1700000000 }),
            )
            .await;
            assert!(seed_says.unwrap_err().to_string().contains("write `#status`"));
            let active_users = User::query_items_with_filter(
                &"filtered".to_string(), None, Some(50), None,
                "#status = :status AND created_at > :timestamp".to_string(),
                json!({ ":status": "active", ":timestamp": 1700000000 }),
            )
            .await?;
            assert_eq!(active_users.items.len(), 1);

            let mut premium = 0;
            let mut cursor = None;
            loop {
                let page = User::scan_items_with_filter(
                    Some(100), cursor,
                    "subscription_tier = :tier".to_string(),
                    json!({ ":tier": "premium" }),
                )
                .await?;
                premium += page.items.len();
                cursor = page.last_evaluated_key;
                if cursor.is_none() {
                    break;
                }
            }
            assert_eq!(premium, 1);

            let filtered_gsi = User::query_gsi_items_with_filter(
                "filter@example.com".to_string(), None, None, Some(20), true,
                "account_status = :status".to_string(),
                json!({ ":status": "verified" }),
            )
            .await?;
            assert_eq!(filtered_gsi.items.len(), 1);
            let next = User::query_gsi_items_with_filter(
                "filter@example.com".to_string(), None, filtered_gsi.start_cursor(), Some(20), true,
                "account_status = :status".to_string(),
                json!({ ":status": "verified" }),
            )
            .await?;
            // One match: no next page, so the README's "next page" call (cursor `None`) starts over.
            assert!(filtered_gsi.start_cursor().is_none());
            assert_eq!(next.items, filtered_gsi.items);
            Ok(())
        }

        /// "Conditional Updates (Optimistic Locking)".
        pub async fn conditions() -> Result<(), Error> {
            let user = user("locked", "lock@example.com");
            user.add_item().await?;
            user.update_item(json!({ "status": "pending" })).await?;
            let updates = json!({ "status": "active", "updated_at": 1234567890 });
            user.update_item_with_condition(
                updates.clone(),
                Some("attribute_exists(user_id) AND #status = :old_status".to_string()),
                Some(json!({ ":old_status": "pending" })),
            )
            .await?;
            // Now it is active, so the same condition fails, and says so.
            let result = user
                .update_item_with_condition(
                    updates,
                    Some("attribute_exists(user_id) AND #status = :old_status".to_string()),
                    Some(json!({ ":old_status": "pending" })),
                )
                .await;
            assert!(result.unwrap_err().is_conditional_check_failed());

            let new_user = User {
                user_id: "newuser".to_string(),
                email: "new@example.com".to_string(),
                name: "New User".to_string(),
                created_at: 0,
            };
            new_user.add_item_with_condition(Some("attribute_not_exists(user_id)".to_string()), None::<serde_json::Value>).await?;
            let again = new_user
                .add_item_with_condition(Some("attribute_not_exists(user_id)".to_string()), None::<serde_json::Value>)
                .await;
            assert!(again.unwrap_err().is_conditional_check_failed());
            Ok(())
        }

        /// "Atomic Counters".
        pub async fn counters() -> Result<(), Error> {
            user("counted", "c@example.com").add_item().await?;
            User::increment_multiple(&"counted".to_string(), None, &[("login_count", 1)]).await?;
            User::increment_multiple(
                &"counted".to_string(),
                None,
                &[("login_count", 1), ("points", 10), ("streak", 1)],
            )
            .await?;
            let client = User::dynamodb_client().await;
            let raw = client
                .get_item()
                .table_name(dynamo_table::global_client().await.table_name::<User>())
                .key("user_id", dynamo_table::KeyValue::to_attribute_value(&"counted".to_string()))
                .send()
                .await
                .unwrap();
            let item = raw.item().unwrap();
            let n = |a: &str| item[a].as_n().unwrap().clone();
            assert_eq!((n("login_count"), n("points"), n("streak")), ("2".into(), "10".into(), "1".into()));
            Ok(())
        }

        /// "Scanning Tables".
        pub async fn scans() -> Result<(), Error> {
            let result = User::scan_items(Some(100), None).await?;
            let mut total = 0;
            let mut cursor = None;
            loop {
                let result = User::scan_items(Some(7), cursor).await?;
                total += result.items.len();
                // README: `match result.start_cursor() { Some(c) => cursor = Some(c), .. }`.
                match result.last_evaluated_key {
                    Some(next_key) => cursor = Some(next_key),
                    None => break,
                }
            }
            assert_eq!(total, result.items.len(), "paging sees what one big page sees");
            assert!(total > 20);
            Ok(())
        }

        /// "Error Handling".
        pub async fn errors() -> Result<(), Error> {
            let user = user("errors", "e@example.com");
            user.add_item().await?;
            match user
                .update_item_with_condition(json!({ "name": "x" }), Some("attribute_not_exists(user_id)".to_string()), None::<serde_json::Value>)
                .await
            {
                Err(e) if e.is_conditional_check_failed() => {
                    assert!(e.is_dynamodb_error());
                    assert!(!e.is_serialization_error());
                }
                other => panic!("expected a failed condition, got {other:?}"),
            }
            Ok(())
        }

        pub async fn all() -> Result<(), Error> {
            crud().await?;
            queries().await?;
            gsi().await?;
            batches().await?;
            streams().await?;
            filters().await?;
            conditions().await?;
            counters().await?;
            scans().await?;
            errors().await?;
            Ok(())
        }
    };
}

/// The README's hand-written impls.
mod hand_written {
    use super::*;
    use dynamo_table::RetryConfig;
    use serde::{Deserialize, Serialize};
    use std::time::Duration;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct User {
        user_id: String,
        email: String,
        name: String,
        created_at: i64,
    }

    impl DynamoTable for User {
        type PK = String;
        type SK = String;

        const TABLE: &'static str = "users";
        const PARTITION_KEY: &'static str = "user_id";
        const SORT_KEY: Option<&'static str> = None;

        fn partition_key(&self) -> Self::PK {
            self.user_id.clone()
        }

        // "Table-Specific Configuration".
        const DEFAULT_PAGE_SIZE: u16 = 50;
        const BATCH_RETRIES_CONFIG: RetryConfig = RetryConfig {
            max_retries: 3,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        };
    }

    impl GSITable for User {
        const GSI_PARTITION_KEY: &'static str = "email";
        const GSI_SORT_KEY: Option<&'static str> = None;

        fn gsi_partition_key(&self) -> String {
            self.email.clone()
        }

        fn gsi_sort_key(&self) -> Option<String> {
            None
        }
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Order {
        user_id: String,
        order_id: String,
        total: f64,
        status: String,
        created_at: String,
    }

    impl DynamoTable for Order {
        type PK = String;
        type SK = String;

        const TABLE: &'static str = "orders";
        const PARTITION_KEY: &'static str = "user_id";
        const SORT_KEY: Option<&'static str> = Some("order_id");

        fn partition_key(&self) -> Self::PK {
            self.user_id.clone()
        }

        fn sort_key(&self) -> Option<Self::SK> {
            Some(self.order_id.clone())
        }
    }

    seed_samples!();
}

/// The same types, derived.
mod derived {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
    #[dynamo(
        table = "users",
        page_size = 50,
        batch_retries(max_retries = 3, initial_delay_ms = 200, max_delay_ms = 5000)
    )]
    pub struct User {
        #[dynamo(pk)]
        user_id: String,
        #[dynamo(gsi(name = "global-users-email", pk))]
        email: String,
        name: String,
        created_at: i64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
    #[dynamo(table = "orders")]
    pub struct Order {
        #[dynamo(pk)]
        user_id: String,
        #[dynamo(sk)]
        order_id: String,
        total: f64,
        status: String,
        created_at: String,
    }

    seed_samples!();
}

async fn set_up(local: &LocalDynamo, prefix: &str) -> DynamoClient {
    let client = local.client().with_table_prefix(prefix).unwrap();
    // The hand-written types declare no index; the tables are made the way the seed's users made
    // theirs: elsewhere. The derived schema is the same layout, with the GSI named by the seed's
    // convention (`global-users-email`), which the hand-written `GSITable` finds by default.
    client.table::<derived::User>().create().await.unwrap();
    client.table::<derived::Order>().create().await.unwrap();
    dynamo_table::set_global_client(client.clone());
    client
}

#[tokio::test]
async fn every_seed_readme_sample_runs_both_ways() {
    let local = LocalDynamo::start().unwrap();

    set_up(&local, "hand-").await;
    assert_eq!(<hand_written::User as DynamoTable>::DEFAULT_PAGE_SIZE, 50);
    hand_written::all().await.unwrap();

    set_up(&local, "derived-").await;
    assert_eq!(
        <derived::User as DynamoTable>::BATCH_RETRIES_CONFIG.max_retries,
        3
    );
    derived::all().await.unwrap();
}
