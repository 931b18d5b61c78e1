//! Page tokens: a cursor as an opaque, URL-safe string a web API hands out and takes back,
//! bound to its query, optionally signed; every way a token can be wrong has its typed error.

mod support;

use dynamo_table::error::InvalidReason;
use dynamo_table::read::{Cursor, SortCondition};
use dynamo_table::{DynamoClient, DynamoTable, Table};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::TestDb;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "events")]
struct Event {
    #[dynamo(pk)]
    stream: String,
    #[dynamo(sk)]
    seq: u64,
    #[dynamo(gsi(name = "by_kind", pk))]
    kind: String,
}

/// What an HTTP endpoint would return: a page of items and the token of the next one.
#[derive(Serialize, Deserialize)]
struct Response {
    items: Vec<Event>,
    next: Option<Cursor<Event>>,
}

async fn filled(db: &TestDb) -> Table<Event> {
    let table = db.create::<Event>().await;
    let events = (0..25)
        .map(|seq| Event {
            stream: if seq < 20 { "s1" } else { "s2" }.into(),
            seq,
            kind: if seq % 2 == 0 { "even" } else { "odd" }.into(),
        })
        .collect();
    assert!(table.batch_put(events).await.unwrap().is_complete());
    table
}

/// One request of a stateless HTTP endpoint: the page after `token`, as JSON.
async fn endpoint(table: &Table<Event>, token: Option<&str>) -> String {
    let cursor = token.map(Cursor::from_token).transpose().unwrap();
    let page = table
        .query(&"s1".to_owned())
        .limit(6)
        .after(cursor)
        .page()
        .await
        .unwrap();
    let next = page.start_cursor();
    serde_json::to_string(&Response {
        items: page.items,
        next,
    })
    .unwrap()
}

#[tokio::test]
async fn a_stateless_endpoint_pages_through_every_item_once() {
    let db = TestDb::new().await;
    let table = filled(&db).await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let body = endpoint(&table, token.as_deref()).await;
        let response: serde_json::Value = serde_json::from_str(&body).unwrap();
        // The token is a plain URL-safe string in the JSON.
        let next = response["next"].as_str().map(str::to_owned);
        if let Some(t) = &next {
            assert!(
                t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            );
        }
        let parsed: Response = serde_json::from_str(&body).unwrap();
        seen.extend(parsed.items.into_iter().map(|e| e.seq));
        token = next;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, (0..20).collect::<Vec<_>>());
}

fn reason(result: Result<impl Sized, dynamo_table::Error>) -> Option<InvalidReason> {
    result.err().and_then(|e| e.invalid_reason())
}

#[tokio::test]
async fn a_token_resumes_only_its_own_query() {
    let db = TestDb::new().await;
    let table = filled(&db).await;
    let s1 = "s1".to_owned();
    let token = table
        .query(&s1)
        .limit(3)
        .page()
        .await
        .unwrap()
        .start_cursor()
        .unwrap()
        .to_token();
    let cursor = || Some(Cursor::<Event>::from_token(&token).unwrap());

    // The same query resumes; another key, sort condition, filter or order does not.
    assert_eq!(
        table.query(&s1).after(cursor()).page().await.unwrap().items[0].seq,
        3
    );
    let other_key = table.query(&"s2".to_owned()).after(cursor()).page().await;
    assert_eq!(reason(other_key), Some(InvalidReason::CursorOtherQuery));
    let other_sort = table
        .query(&s1)
        .sort_key(SortCondition::Ge(1))
        .after(cursor())
        .page()
        .await;
    assert_eq!(reason(other_sort), Some(InvalidReason::CursorOtherQuery));
    let other_filter = table
        .query(&s1)
        .filter("kind = :k", json!({ ":k": "odd" }))
        .after(cursor())
        .count()
        .await;
    assert_eq!(reason(other_filter), Some(InvalidReason::CursorOtherQuery));
    let other_order = table.query(&s1).descending().after(cursor()).page().await;
    assert_eq!(reason(other_order), Some(InvalidReason::CursorOtherQuery));
    let index = table.index::<EventByKindIndex>().query(&"odd".to_owned());
    assert_eq!(
        reason(index.after(cursor()).page().await),
        Some(InvalidReason::CursorMismatch)
    );
    let other_table = db.client.clone().with_table_prefix("elsewhere-").unwrap();
    let elsewhere = other_table
        .table::<Event>()
        .query(&s1)
        .after(cursor())
        .page()
        .await;
    assert_eq!(reason(elsewhere), Some(InvalidReason::CursorMismatch));
}

#[tokio::test]
async fn malformed_and_foreign_version_tokens_are_refused() {
    let db = TestDb::new().await;
    let table = filled(&db).await;
    let token = table
        .scan()
        .limit(2)
        .page()
        .await
        .unwrap()
        .start_cursor()
        .unwrap()
        .to_token();
    for garbage in ["", "!!!", "AQ", "not a token", &token[..token.len() / 2]] {
        assert_eq!(
            reason(Cursor::<Event>::from_token(garbage)),
            Some(InvalidReason::TokenMalformed),
            "{garbage}"
        );
    }
    // The first byte is the format version (1): as base64, `AQ...`. `BQ...` is version 5.
    assert!(token.starts_with('A'), "{token}");
    let future = format!("B{}", &token[1..]);
    assert_eq!(
        reason(Cursor::<Event>::from_token(&future)),
        Some(InvalidReason::TokenVersion)
    );
    // And through serde, the error is the deserializer's.
    let err = serde_json::from_str::<Cursor<Event>>("\"!!!\"").unwrap_err();
    assert!(err.to_string().contains("page token"), "{err}");
}

#[tokio::test]
async fn signed_tokens_refuse_tampering_and_other_keys() {
    let db = TestDb::new().await;
    filled(&db).await;
    let signing: DynamoClient = db
        .client
        .clone()
        .with_token_key(b"the application's secret key 32B");
    let table = signing.table::<Event>();
    let s1 = "s1".to_owned();
    let token = table
        .query(&s1)
        .limit(3)
        .page()
        .await
        .unwrap()
        .start_cursor()
        .unwrap()
        .to_token();
    let resume = |client: &DynamoClient, token: &str| {
        let table = client.table::<Event>();
        let cursor = Cursor::<Event>::from_token(token);
        let s1 = s1.clone();
        async move { table.query(&s1).after(Some(cursor?)).page().await }
    };
    assert_eq!(resume(&signing, &token).await.unwrap().items[0].seq, 3);

    // Tamper with the key inside the token: the signature no longer matches.
    let mut chars: Vec<char> = token.chars().collect();
    let at = chars.len() / 2;
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let refused = resume(&signing, &tampered).await;
    assert!(
        matches!(
            reason(refused),
            Some(InvalidReason::TokenSignature | InvalidReason::TokenMalformed)
        ),
        "a tampered token is refused"
    );

    let other_key = db
        .client
        .clone()
        .with_token_key(b"another key entirely, also 32 B!");
    assert_eq!(
        reason(resume(&other_key, &token).await),
        Some(InvalidReason::TokenSignature)
    );
    let unsigned = db
        .client
        .table::<Event>()
        .query(&s1)
        .limit(3)
        .page()
        .await
        .unwrap();
    let unsigned = unsigned.start_cursor().unwrap().to_token();
    assert_eq!(
        reason(resume(&signing, &unsigned).await),
        Some(InvalidReason::TokenSignature)
    );
    assert_eq!(
        reason(resume(&db.client, &token).await),
        Some(InvalidReason::TokenSignature)
    );
}
