//! The derive's own item conversion (`to_item` / `from_item` field by field) writes exactly the
//! items serde_dynamo writes and reads them back the same, on random values of every field type
//! it converts directly and of several it leaves to serde; and its errors name the attribute.

mod support;

use std::collections::HashMap;

use dynamo_table::DynamoTable;
use dynamo_table::aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use support::{TestDb, raw_item};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Address {
    city: String,
    zip: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Status {
    Open,
    Shipped { carrier: String },
}

fn no_label() -> String {
    "none".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "conversions")]
#[serde(rename_all = "camelCase")]
struct Everything {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    seq: u64,
    small: u8,
    medium: u16,
    word: u32,
    signed_small: i8,
    signed_medium: i16,
    signed_word: i32,
    signed: i64,
    size: usize,
    offset: isize,
    ratio: f32,
    total: f64,
    flag: bool,
    note: Option<String>,
    maybe_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    sparse: Option<i64>,
    #[serde(rename = "TAGS")]
    tags: Vec<String>,
    counts: HashMap<String, u32>,
    address: Address,
    maybe_address: Option<Address>,
    status: Status,
    #[serde(skip)]
    cached: u32,
    #[serde(default = "no_label")]
    label: String,
    #[serde(rename(deserialize = "legacy_name"))]
    read_elsewhere: Option<String>,
}

fn text(rng: &mut fastrand::Rng) -> String {
    let len = rng.usize(1..12);
    (0..len)
        .map(|_| match rng.u8(0..4) {
            0 => rng.alphanumeric(),
            1 => ['é', 'ß', '日', '🦀', ' ', '"', '\\'][rng.usize(0..7)],
            _ => rng.lowercase(),
        })
        .collect()
}

/// A finite number DynamoDB can store (magnitudes within 1e-130..1e126), with a fraction.
fn float(rng: &mut fastrand::Rng) -> f64 {
    let mantissa = rng.f64() * 2.0 - 1.0;
    mantissa * 10f64.powi(rng.i32(-20..20))
}

fn everything(rng: &mut fastrand::Rng, seq: u64) -> Everything {
    Everything {
        user_id: text(rng),
        seq,
        small: rng.u8(..),
        medium: rng.u16(..),
        word: rng.u32(..),
        signed_small: rng.i8(..),
        signed_medium: rng.i16(..),
        signed_word: rng.i32(..),
        // Past 38 significant digits nothing fits DynamoDB; i64 and usize do.
        signed: rng.i64(..),
        size: rng.usize(..),
        offset: rng.isize(..),
        ratio: float(rng) as f32,
        total: float(rng),
        flag: rng.bool(),
        note: rng.bool().then(|| text(rng)),
        maybe_count: rng.bool().then(|| rng.u32(..)),
        sparse: rng.bool().then(|| rng.i64(..)),
        tags: (0..rng.usize(0..4)).map(|_| text(rng)).collect(),
        counts: (0..rng.usize(0..3))
            .map(|_| (text(rng), rng.u32(..)))
            .collect(),
        address: Address {
            city: text(rng),
            zip: rng.u32(..100_000),
        },
        maybe_address: rng.bool().then(|| Address {
            city: text(rng),
            zip: rng.u32(..),
        }),
        status: if rng.bool() {
            Status::Open
        } else {
            Status::Shipped { carrier: text(rng) }
        },
        cached: 0,
        label: text(rng),
        read_elsewhere: None,
    }
}

#[tokio::test]
async fn the_derive_writes_and_reads_what_serde_dynamo_does_on_random_values() {
    let db = TestDb::new().await;
    let table = db.create::<Everything>().await;
    let mut rng = fastrand::Rng::with_seed(0xd1ec7);
    for seq in 0..2_000u64 {
        let value = everything(&mut rng, seq);
        let ours = match table.encode(&value) {
            Ok(item) => item,
            Err(e) => panic!("encode {value:?}: {e}"),
        };
        let serde: HashMap<String, AttributeValue> = serde_dynamo::to_item(&value).unwrap();
        assert_eq!(ours, serde, "the items differ for {value:?}");

        let back = table.decode(serde.clone()).unwrap();
        let through_serde: Everything = serde_dynamo::from_item(serde).unwrap();
        assert_eq!(back, through_serde);
        assert_eq!(back, value);

        // Every 50th value also goes through the server: stored as serde_dynamo would store
        // it, and read back equal.
        if seq % 50 == 0 {
            table.put(&value).await.unwrap();
            let key = [
                ("userId", AttributeValue::S(value.user_id.clone())),
                ("seq", AttributeValue::N(seq.to_string())),
            ];
            let stored = raw_item(&db.client, table.name(), &key).await;
            let expected: HashMap<String, AttributeValue> = serde_dynamo::to_item(&value).unwrap();
            assert_eq!(stored, expected);
            let read = table.get((value.user_id.clone(), Some(seq))).await.unwrap();
            assert_eq!(read.as_ref(), Some(&value));
        }
    }
}

/// A handle for conversions alone: its client is never asked anything.
fn offline_table() -> dynamo_table::Table<Everything> {
    dynamo_table::DynamoClient::from_client(support::offline_sdk()).table::<Everything>()
}

#[test]
fn skipped_defaulted_and_renamed_fields_read_as_serde_reads_them() {
    let mut rng = fastrand::Rng::with_seed(3);
    let mut value = everything(&mut rng, 1);
    value.cached = 99;
    let mut item: HashMap<String, AttributeValue> = serde_dynamo::to_item(&value).unwrap();
    assert!(
        !item.contains_key("cached"),
        "a skipped field is not written"
    );
    item.remove("label");
    item.insert("legacy_name".into(), AttributeValue::S("old".into()));
    item.insert("unknown".into(), AttributeValue::Bool(true));
    let through_serde: Everything = serde_dynamo::from_item(item.clone()).unwrap();
    let ours = offline_table().decode(item).unwrap();
    assert_eq!(ours, through_serde);
    assert_eq!(ours.cached, 0);
    assert_eq!(ours.label, "none");
    assert_eq!(ours.read_elsewhere.as_deref(), Some("old"));
}

/// A change that breaks one attribute of an item.
type Breaks = Box<dyn Fn(&mut HashMap<String, AttributeValue>)>;

#[test]
fn a_misfit_attribute_is_named_in_the_error() {
    let mut rng = fastrand::Rng::with_seed(4);
    let value = everything(&mut rng, 2);
    let table = offline_table();
    let good = table.encode(&value).unwrap();
    let cases: [(&str, Breaks, &str); 5] = [
        (
            "total",
            Box::new(|i| {
                i.insert("total".into(), AttributeValue::S("12".into()));
            }),
            "expected a number (N), found a string (S)",
        ),
        (
            "word",
            Box::new(|i| {
                i.insert("word".into(), AttributeValue::N("-1".into()));
            }),
            "the number -1 is not a `u32`",
        ),
        (
            "signedSmall",
            Box::new(|i| {
                i.remove("signedSmall");
            }),
            "missing field `signedSmall`",
        ),
        (
            "address.zip",
            Box::new(|i| {
                i.insert(
                    "address".into(),
                    AttributeValue::M(HashMap::from([
                        ("city".into(), AttributeValue::S("x".into())),
                        ("zip".into(), AttributeValue::S("nope".into())),
                    ])),
                );
            }),
            "",
        ),
        (
            "note",
            Box::new(|i| {
                i.insert("note".into(), AttributeValue::Bool(false));
            }),
            "expected a string (S), found a boolean (BOOL)",
        ),
    ];
    for (attribute, break_it, says) in cases {
        let mut item = good.clone();
        break_it(&mut item);
        let error = table.decode(item).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains(&format!("attribute `{attribute}`")) && message.contains(says),
            "{attribute}: {message}"
        );
    }
    // A value that reads fine from a `None` written as NULL, as serde_dynamo writes it.
    let mut item = good;
    item.insert("maybeCount".into(), AttributeValue::Null(true));
    assert_eq!(table.decode(item).unwrap().maybe_count, None);
}
