//! Time to live on the embedded server: the table is created with TTL enabled on the marked
//! attribute, stored as epoch seconds, and reads leave out items whose time has passed but that
//! DynamoDB has not deleted yet (the server deletes them only when it sweeps).

mod support;

use std::time::{Duration, SystemTime};

use dynamo_table::aws_sdk_dynamodb::types::{AttributeValue, TimeToLiveStatus};
use dynamo_table::{DynamoTable, Ttl};
use serde::{Deserialize, Serialize};
use support::{TestDb, raw_item};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "sessions")]
struct Session {
    #[dynamo(pk)]
    user: String,
    #[dynamo(sk)]
    id: String,
    #[dynamo(ttl)]
    expires: Ttl,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "visits")]
struct Visit {
    #[dynamo(pk)]
    page: String,
    #[dynamo(ttl)]
    #[serde(with = "dynamo_table::ttl::epoch_seconds")]
    forget_at: SystemTime,
}

fn session(id: &str, expires: Ttl) -> Session {
    Session {
        user: "u1".into(),
        id: id.into(),
        expires,
    }
}

#[tokio::test]
async fn expired_items_are_left_out_until_dynamodb_deletes_them() {
    let db = TestDb::new().await;
    let sessions = db.create::<Session>().await;
    let described = db
        .client
        .sdk()
        .describe_time_to_live()
        .table_name(sessions.name())
        .send()
        .await
        .unwrap();
    let ttl = described.time_to_live_description().unwrap();
    assert_eq!(ttl.attribute_name(), Some("expires"));
    assert!(matches!(
        ttl.time_to_live_status(),
        Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
    ));

    let live = session("live", Ttl::from_days(1).unwrap());
    let expired = session("expired", Ttl::from_secs(-60).unwrap());
    sessions.put(&live).await.unwrap();
    sessions.put(&expired).await.unwrap();

    // Still stored, as a number of epoch seconds: DynamoDB has not deleted it.
    let key = [
        ("user", AttributeValue::S("u1".into())),
        ("id", AttributeValue::S("expired".into())),
    ];
    let raw = raw_item(&db.client, sessions.name(), &key).await;
    let stored = raw.get("expires").unwrap();
    assert_eq!(
        stored,
        &AttributeValue::N(expired.expires.as_i64().to_string())
    );

    // Every read leaves it out.
    assert_eq!(sessions.get(live.key()).await.unwrap(), Some(live.clone()));
    assert_eq!(sessions.get(expired.key()).await.unwrap(), None);
    let u1 = "u1".to_owned();
    let page = sessions.query(&u1).page().await.unwrap();
    assert_eq!(page.items, std::slice::from_ref(&live));
    assert_eq!(sessions.query(&u1).count().await.unwrap(), 1);
    assert_eq!(sessions.scan().count().await.unwrap(), 1);
    // The expiry clause joins a filter of one's own, grouped or not, without redundant
    // parentheses.
    for filter in [
        "begins_with(id, :p) OR id = :p",
        "(begins_with(id, :p) OR id = :p)",
    ] {
        let filtered = sessions
            .scan()
            .filter(filter, serde_json::json!({ ":p": "e" }))
            .include_expired()
            .count()
            .await
            .unwrap();
        assert_eq!(filtered, 1, "{filter}: the expired one, when included");
        let filtered = sessions
            .scan()
            .filter(filter, serde_json::json!({ ":p": "e" }))
            .count()
            .await
            .unwrap();
        assert_eq!(filtered, 0, "{filter}: left out by default");
    }
    let read = sessions
        .batch_get([live.key(), expired.key()])
        .await
        .unwrap();
    assert_eq!((read.items.len(), read.not_found.len()), (1, 1));

    // Unless asked for.
    assert_eq!(
        sessions.query(&u1).include_expired().count().await.unwrap(),
        2
    );
    assert_eq!(
        sessions
            .scan()
            .include_expired()
            .page()
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

#[tokio::test]
async fn a_system_time_is_stored_as_epoch_seconds() {
    let db = TestDb::new().await;
    let visits = db.create::<Visit>().await;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(4_000_000_000);
    visits
        .put(&Visit {
            page: "/".into(),
            forget_at: at,
        })
        .await
        .unwrap();
    let raw = raw_item(
        &db.client,
        visits.name(),
        &[("page", AttributeValue::S("/".into()))],
    )
    .await;
    assert_eq!(
        raw.get("forget_at"),
        Some(&AttributeValue::N("4000000000".into()))
    );
    let back = visits.get(("/".to_owned(), None)).await.unwrap().unwrap();
    assert_eq!(back.forget_at, at);
}
