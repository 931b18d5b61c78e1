//! Attribute types that map to DynamoDB's own: each stored form read back with the raw SDK.

mod support;

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, SystemTime};

use dynamo_table::DynamoTable;
use dynamo_table::aws_sdk_dynamodb::types::AttributeValue;
use dynamo_table::error::InvalidReason;
use dynamo_table::schema::Binary;
use serde::{Deserialize, Serialize};
use support::{TestDb, raw_item};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "typed")]
struct Typed {
    #[dynamo(pk)]
    id: String,
    #[dynamo(set)]
    #[serde(with = "dynamo_table::attribute::string_set")]
    tags: BTreeSet<String>,
    #[dynamo(set)]
    #[serde(with = "dynamo_table::attribute::number_set")]
    scores: HashSet<u32>,
    #[dynamo(set)]
    #[serde(with = "dynamo_table::attribute::binary_set")]
    digests: BTreeSet<Binary>,
    #[serde(with = "dynamo_table::attribute::bytes")]
    thumbnail: Vec<u8>,
    #[serde(with = "dynamo_table::attribute::rfc3339")]
    created: SystemTime,
    #[serde(with = "dynamo_table::attribute::epoch_seconds")]
    seen: SystemTime,
    /// Not marked: a list, as serde writes it.
    plain: Vec<String>,
}

fn typed(id: &str) -> Typed {
    Typed {
        id: id.into(),
        tags: ["b", "a"].into_iter().map(String::from).collect(),
        scores: [3, 1, 2].into_iter().collect(),
        digests: [Binary(vec![1, 2]), Binary(vec![9])].into_iter().collect(),
        thumbnail: vec![0, 255, 7],
        created: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        seen: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_123),
        plain: vec!["x".into()],
    }
}

#[tokio::test]
async fn each_type_is_stored_as_dynamodbs_own() {
    let db = TestDb::new().await;
    let table = db.create::<Typed>().await;
    let item = typed("t1");
    table.put(&item).await.unwrap();

    let stored = &raw_item(
        &db.client,
        table.name(),
        &[("id", AttributeValue::S("t1".into()))],
    )
    .await;
    let mut tags = stored["tags"].as_ss().unwrap().clone();
    tags.sort();
    assert_eq!(tags, ["a", "b"]);
    let mut scores = stored["scores"].as_ns().unwrap().clone();
    scores.sort();
    assert_eq!(scores, ["1", "2", "3"]);
    assert_eq!(stored["digests"].as_bs().unwrap().len(), 2);
    assert_eq!(stored["thumbnail"].as_b().unwrap().as_ref(), [0, 255, 7]);
    assert_eq!(stored["created"].as_s().unwrap(), "2023-11-14T22:13:20Z");
    assert_eq!(stored["seen"].as_n().unwrap(), "1700000123");
    assert!(stored["plain"].is_l(), "unmarked collections stay lists");

    assert_eq!(
        table.get(("t1".to_owned(), None)).await.unwrap(),
        Some(item)
    );
}

#[tokio::test]
async fn an_empty_set_is_refused_before_sending() {
    let db = TestDb::new().await;
    let table = db.create::<Typed>().await;
    let item = Typed {
        tags: BTreeSet::new(),
        ..typed("empty")
    };
    let err = table.put(&item).await.unwrap_err();
    assert_eq!(
        err.invalid_reason(),
        Some(InvalidReason::AttributeValue),
        "{err}"
    );
    assert!(err.to_string().contains("attribute `tags`"), "{err}");
    assert!(err.to_string().contains("no empty set"), "{err}");
    assert_eq!(table.get(("empty".to_owned(), None)).await.unwrap(), None);
}
