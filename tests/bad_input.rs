//! Bad input, as a hostile but realistic user would send it: keys, items, expressions, cursors,
//! batches, clients, tables and updates. Each case asserts its class of outcome:
//! - refused before sending: a typed `InvalidInput` with its reason, and no request reached the
//!   server (a proxy in front of it counts them), so nothing was written;
//! - refused by the server, with our message: the error kind, and what the message names;
//! - a correct `Ok`, with its effect checked.
//!
//! Nothing may panic, hang or answer wrongly.

mod support;

use std::future::Future;
use std::sync::atomic::Ordering;

use dynamo_table::error::{ErrorKind, InvalidReason};
use dynamo_table::expression::Expression;
use dynamo_table::local::LocalDynamo;
use dynamo_table::read::SortCondition;
use dynamo_table::{DynamoClient, DynamoTable, Error, Table};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::fault_proxy::{FaultPlan, FaultProxy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "docs")]
struct Doc {
    #[dynamo(pk)]
    id: String,
    #[dynamo(sk)]
    part: String,
    #[dynamo(gsi(name = "by_tag", pk))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
    score: f64,
    body: String,
    #[serde(default)]
    bytes: Vec<u8>,
    #[serde(default)]
    tree: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "counters")]
struct Counter {
    #[dynamo(pk)]
    id: String,
    #[dynamo(sk)]
    seq: u64,
    label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "bigs")]
struct Big {
    #[dynamo(pk)]
    id: u128,
}

/// A partial update (a struct, since `json!` turns NaN into null).
#[derive(Serialize)]
struct Patch {
    score: f64,
    body: &'static str,
}

fn doc(id: &str, part: &str) -> Doc {
    Doc {
        id: id.into(),
        part: part.into(),
        tag: None,
        score: 1.0,
        body: "b".into(),
        bytes: Vec::new(),
        tree: serde_json::Value::Null,
    }
}

fn key(id: &str, part: &str) -> (String, Option<String>) {
    (id.to_owned(), Some(part.to_owned()))
}

/// `depth` levels of nested lists around a string.
fn nested(depth: usize) -> serde_json::Value {
    (0..depth).fold(json!("leaf"), |inner, _| json!([inner]))
}

enum Expect {
    Refused(InvalidReason),
    Server(ErrorKind, &'static str),
    Ok,
}

struct Rig {
    proxy: FaultProxy,
    counts: [usize; 3],
    names: Vec<&'static str>,
}

impl Rig {
    fn sent(&self) -> u64 {
        self.proxy.stats.requests.load(Ordering::Relaxed)
    }

    async fn case(
        &mut self,
        name: &'static str,
        expect: Expect,
        run: impl Future<Output = Result<(), Error>>,
    ) {
        assert!(!self.names.contains(&name), "two cases named {name}");
        self.names.push(name);
        let before = self.sent();
        let result = run.await;
        let sent = self.sent() - before;
        match (expect, result) {
            (Expect::Refused(reason), Err(e)) => {
                assert_eq!(e.invalid_reason(), Some(reason), "{name}: {e}");
                assert_eq!(sent, 0, "{name}: refused, yet {sent} requests were sent");
                assert!(
                    e.to_string().len() > 30,
                    "{name}: a message with the fix: {e}"
                );
                self.counts[0] += 1;
            }
            (Expect::Server(kind, needle), Err(e)) => {
                assert_eq!(e.kind(), kind, "{name}: {e}");
                assert!(
                    e.to_string().contains(needle),
                    "{name}: `{e}` lacks `{needle}`"
                );
                assert!(sent > 0, "{name}: the server was to refuse it");
                self.counts[1] += 1;
            }
            (Expect::Ok, Ok(())) => self.counts[2] += 1,
            (_, result) => panic!("{name}: unexpected {result:?}"),
        }
    }
}

#[test]
fn bad_input_is_refused_with_its_reason_and_nothing_is_written() {
    // Dozens of cases in one test: in a debug build their poll frames, plus the SDK's own call
    // depth, need more than a test thread's 2 MiB. Run them on a thread with room.
    let suite = std::thread::Builder::new()
        .stack_size(32 * 1024 * 1024)
        .spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(Box::pin(all_cases()));
        })
        .unwrap();
    if let Err(panic) = suite.join() {
        std::panic::resume_unwind(panic);
    }
}

async fn all_cases() {
    let local = LocalDynamo::start().unwrap();
    let proxy = FaultProxy::start(local.endpoint(), FaultPlan::batch_faults(0, 0.0)).await;
    let client = proxy.client().with_table_prefix("bad-").unwrap();
    let docs = client.table::<Doc>();
    let counters = client.table::<Counter>();
    docs.create().await.unwrap();
    counters.create().await.unwrap();
    client.table::<Big>().create().await.unwrap();
    docs.put(&doc("d", "1")).await.unwrap();
    counters
        .put(&Counter {
            id: "c".into(),
            seq: 1,
            label: "one".into(),
        })
        .await
        .unwrap();
    let mut r = Rig {
        proxy,
        counts: [0; 3],
        names: Vec::new(),
    };
    let cx = Cx {
        client,
        docs,
        counters,
    };

    Box::pin(keys(&mut r, &cx)).await;
    Box::pin(items(&mut r, &cx)).await;
    Box::pin(expressions(&mut r, &cx)).await;
    Box::pin(cursors(&mut r, &cx)).await;
    Box::pin(batches(&mut r, &cx)).await;
    Box::pin(tables(&mut r, &cx)).await;
    Box::pin(updates(&mut r, &cx)).await;

    let [refused, server, ok] = r.counts;
    println!(
        "{} cases: {refused} refused before sending, {server} refused by the server with our \
         message, {ok} correct Ok",
        refused + server + ok
    );
    assert!(refused + server + ok >= 60);
}

/// `Doc`'s table under another prefix, created, with two items in partition `d`.
async fn proxy_table(client: &DynamoClient, prefix: &str) -> Table<Doc> {
    let table = client
        .clone()
        .with_table_prefix(prefix)
        .unwrap()
        .table::<Doc>();
    table.create().await.unwrap();
    table.put(&doc("d", "1")).await.unwrap();
    table.put(&doc("d", "2")).await.unwrap();
    table
}

async fn keys(r: &mut Rig, cx: &Cx) {
    let Cx {
        client,
        docs,
        counters,
    } = cx;
    // Keys.
    r.case(
        "get: empty partition key",
        Expect::Refused(InvalidReason::EmptyKey),
        async { docs.get(key("", "1")).await.map(drop) },
    )
    .await;
    r.case(
        "get: no sort key",
        Expect::Refused(InvalidReason::SortKeyMissing),
        async { docs.get(("d".to_owned(), None)).await.map(drop) },
    )
    .await;
    r.case(
        "put: empty partition key",
        Expect::Refused(InvalidReason::KeyAttributeInItem),
        async { docs.put(&doc("", "1")).await.map(drop) },
    )
    .await;
    let long_pk = "p".repeat(2049);
    r.case(
        "put: partition key of 2,049 bytes",
        Expect::Refused(InvalidReason::KeyTooLarge),
        async { docs.put(&doc(&long_pk, "1")).await.map(drop) },
    )
    .await;
    let max_pk = "p".repeat(2048);
    r.case("put: partition key of 2,048 bytes", Expect::Ok, async {
        docs.put(&doc(&max_pk, "1")).await?;
        assert!(docs.get(key(&max_pk, "1")).await?.is_some());
        Ok(())
    })
    .await;
    let long_sk = "s".repeat(1025);
    r.case(
        "put: sort key of 1,025 bytes",
        Expect::Refused(InvalidReason::KeyTooLarge),
        async { docs.put(&doc("d", &long_sk)).await.map(drop) },
    )
    .await;
    let max_sk = "s".repeat(1024);
    r.case("put: sort key of 1,024 bytes", Expect::Ok, async {
        docs.put(&doc("d", &max_sk)).await.map(drop)
    })
    .await;
    r.case(
        "get: partition key of 2,049 bytes",
        Expect::Refused(InvalidReason::KeyTooLarge),
        async { docs.get(key(&long_pk, "1")).await.map(drop) },
    )
    .await;
    r.case(
        "delete: empty partition key",
        Expect::Refused(InvalidReason::EmptyKey),
        async { docs.delete(key("", "1")).await.map(drop) },
    )
    .await;
    r.case(
        "query: empty partition key",
        Expect::Refused(InvalidReason::EmptyKey),
        async { docs.query(&String::new()).page().await.map(drop) },
    )
    .await;
    r.case(
        "query: range from high to low",
        Expect::Refused(InvalidReason::SortRange),
        async {
            docs.query(&"d".to_owned())
                .sort_key(SortCondition::Between("z".into(), "a".into()))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "query: numeric range from high to low",
        Expect::Refused(InvalidReason::SortRange),
        async {
            counters
                .query(&"c".to_owned())
                .sort_key(SortCondition::Between(10, 2))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "query: begins_with on a number sort key",
        Expect::Refused(InvalidReason::BeginsWithNumber),
        async {
            counters
                .query(&"c".to_owned())
                .sort_key(SortCondition::BeginsWith("1".into()))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    let bigs = client.table::<Big>();
    // u128 keys: serde_dynamo cannot write them in items, but they key reads.
    r.case(
        "query: a 39-digit number key",
        Expect::Refused(InvalidReason::AttributeValue),
        async { bigs.query(&u128::MAX).page().await.map(drop) },
    )
    .await;
    r.case(
        "get: a 39-digit number key",
        Expect::Refused(InvalidReason::AttributeValue),
        async { bigs.get((u128::MAX, None)).await.map(drop) },
    )
    .await;
    let widest = 10u128.pow(38) - 1;
    r.case("get: a 38-digit number key", Expect::Ok, async {
        assert!(bigs.get((widest, None)).await?.is_none());
        Ok(())
    })
    .await;
}

async fn items(r: &mut Rig, cx: &Cx) {
    let Cx { docs, .. } = cx;
    // Items.
    for (name, score) in [
        ("put: NaN", f64::NAN),
        ("put: infinity", f64::INFINITY),
        ("put: minus infinity", f64::NEG_INFINITY),
    ] {
        r.case(
            name,
            Expect::Refused(InvalidReason::AttributeValue),
            async {
                let result = docs
                    .put(&Doc {
                        score,
                        ..doc("nan", "1")
                    })
                    .await
                    .map(drop);
                if let Err(e) = &result {
                    assert!(e.to_string().contains("attribute `score`"), "{e}");
                    assert!(e.to_string().contains("id=\"nan\""), "{e}");
                }
                result
            },
        )
        .await;
    }
    r.case(
        "put: maps and lists 33 deep",
        Expect::Refused(InvalidReason::AttributeValue),
        async {
            docs.put(&Doc {
                tree: nested(33),
                ..doc("deep", "1")
            })
            .await
            .map(drop)
        },
    )
    .await;
    r.case("put: maps and lists 32 deep", Expect::Ok, async {
        docs.put(&Doc {
            tree: nested(31),
            ..doc("deep", "1")
        })
        .await
        .map(drop)
    })
    .await;
    r.case(
        "put: an item over 400 KB",
        Expect::Refused(InvalidReason::ItemTooLarge),
        async {
            docs.put(&Doc {
                body: "x".repeat(401 * 1024),
                ..doc("big", "1")
            })
            .await
            .map(drop)
        },
    )
    .await;
    r.case(
        "put: a Vec<u8> written as a list",
        Expect::Refused(InvalidReason::ItemTooLarge),
        async {
            let result = docs
                .put(&Doc {
                    bytes: vec![200; 150 * 1024],
                    ..doc("bytes", "1")
                })
                .await;
            if let Err(e) = &result {
                assert!(e.to_string().contains("serde_bytes"), "{e}");
                assert!(e.to_string().contains("attribute `bytes`"), "{e}");
            }
            result.map(drop)
        },
    )
    .await;
    r.case(
        "put: an empty index key",
        Expect::Refused(InvalidReason::IndexKeyInItem),
        async {
            let result = docs
                .put(&Doc {
                    tag: Some(String::new()),
                    ..doc("tag", "1")
                })
                .await;
            if let Err(e) = &result {
                assert!(e.to_string().contains("by_tag"), "{e}");
            }
            result.map(drop)
        },
    )
    .await;
    r.case(
        "put: an absent index key (sparse index)",
        Expect::Ok,
        async {
            docs.put(&doc("sparse", "1")).await?;
            let tagged = docs.index::<DocByTagIndex>().scan().count().await?;
            assert_eq!(tagged, 0);
            Ok(())
        },
    )
    .await;
    r.case("put: an empty string outside the key", Expect::Ok, async {
        docs.put(&Doc {
            body: String::new(),
            ..doc("empty-body", "1")
        })
        .await?;
        assert_eq!(docs.get(key("empty-body", "1")).await?.unwrap().body, "");
        Ok(())
    })
    .await;
    r.case(
        "put: the largest number DynamoDB stores",
        Expect::Ok,
        async {
            docs.put(&Doc {
                score: 9.9e125,
                ..doc("num", "1")
            })
            .await?;
            assert_eq!(docs.get(key("num", "1")).await?.unwrap().score, 9.9e125);
            Ok(())
        },
    )
    .await;
    absent(docs.clone(), key("nan", "1")).await;
    absent(docs.clone(), key("big", "1")).await;
    absent(docs.clone(), key("bytes", "1")).await;
    absent(docs.clone(), key("tag", "1")).await;
}

async fn expressions(r: &mut Rig, cx: &Cx) {
    let Cx { docs, .. } = cx;
    // Expressions.
    let d = "d".to_owned();
    r.case(
        "filter: a bare reserved word",
        Expect::Refused(InvalidReason::ExpressionSyntax),
        async {
            docs.query(&d)
                .filter(
                    "body = :b AND size(tree) > :n AND name = :x",
                    json!({":b": 1, ":n": 1, ":x": 1}),
                )
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: a missing value",
        Expect::Refused(InvalidReason::ExpressionValueMissing),
        async {
            docs.query(&d)
                .filter("body = :b", json!({}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: an unused value",
        Expect::Refused(InvalidReason::ExpressionValueUnused),
        async {
            docs.query(&d)
                .filter("body = :b", json!({":b": "x", ":c": 1}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: values not a map",
        Expect::Refused(InvalidReason::ExpressionValuesShape),
        async {
            docs.query(&d)
                .filter("body = :b", json!([1, 2]))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: a value key without `:`",
        Expect::Refused(InvalidReason::ExpressionValuesShape),
        async {
            docs.query(&d)
                .filter("body = :b", json!({"b": 1}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: a key attribute in a query filter",
        Expect::Refused(InvalidReason::KeyInFilter),
        async {
            docs.query(&d)
                .filter("#part = :p", json!({":p": "1"}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: a nested path that shares a key's name",
        Expect::Ok,
        async {
            docs.query(&d)
                .filter("tree.part = :p", json!({":p": "1"}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: redundant parentheses",
        Expect::Refused(InvalidReason::ExpressionSyntax),
        async {
            docs.query(&d)
                .filter("((body = :b))", json!({":b": "b"}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    let deep = format!("{}body = :b{}", "(NOT ".repeat(40), ")".repeat(40));
    r.case(
        "filter: nested 80 deep",
        Expect::Refused(InvalidReason::ExpressionLimit),
        async {
            docs.query(&d)
                .filter(deep.as_str(), json!({":b": "b"}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    let wide = vec!["body = :b"; 151].join(" OR ");
    r.case(
        "filter: 301 operators",
        Expect::Refused(InvalidReason::ExpressionLimit),
        async {
            docs.query(&d)
                .filter(wide.as_str(), json!({":b": "b"}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    let long = format!("body IN ({})", vec![":b"; 1400].join(","));
    r.case(
        "filter: over 4 KB",
        Expect::Refused(InvalidReason::ExpressionLimit),
        async {
            docs.query(&d)
                .filter(long.as_str(), json!({":b": "b"}))
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    let many: Vec<String> = (0..101).map(|i| format!(":v{i}")).collect();
    let in_list = format!("body IN ({})", many.join(", "));
    let in_values: serde_json::Map<String, serde_json::Value> =
        many.iter().map(|v| (v.clone(), json!("x"))).collect();
    r.case(
        "filter: IN with 101 operands",
        Expect::Refused(InvalidReason::ExpressionLimit),
        async {
            docs.query(&d)
                .filter(
                    in_list.as_str(),
                    serde_json::Value::Object(in_values.clone()),
                )
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: NaN as a value",
        Expect::Refused(InvalidReason::AttributeValue),
        async {
            docs.query(&d)
                .filter(
                    "score = :s",
                    std::collections::HashMap::from([(":s", f64::NAN)]),
                )
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "filter: the library's placeholder prefix",
        Expect::Ok,
        async {
            // The key condition the library writes must step around these names.
            let filter = Expression::parse("#dt_n0 = :dt_v0")?.name("#dt_n0", "body");
            let page = docs
                .query(&d)
                .filter(filter, json!({":dt_v0": "b"}))
                .page()
                .await?;
            assert_eq!(page.items.len(), 2, "the two `d` items whose body is `b`");
            Ok(())
        },
    )
    .await;
    r.case(
        "condition: put over an existing item",
        Expect::Server(ErrorKind::ConditionalCheckFailed, "PutItem"),
        async {
            let result = docs
                .put_with_condition(
                    &Doc {
                        body: "new".into(),
                        ..doc("d", "1")
                    },
                    "attribute_not_exists(id)",
                    (),
                )
                .await
                .map(drop);
            assert_eq!(
                docs.get(key("d", "1")).await?.unwrap().body,
                "b",
                "unchanged"
            );
            result
        },
    )
    .await;
    r.case(
        "condition: the values name no placeholder",
        Expect::Refused(InvalidReason::ExpressionValueUnused),
        async {
            docs.put_with_condition(&doc("d", "2"), "attribute_not_exists(id)", json!({":x": 1}))
                .await
                .map(drop)
        },
    )
    .await;
    absent(docs.clone(), key("d", "2")).await;
}

async fn cursors(r: &mut Rig, cx: &Cx) {
    let Cx { client, docs, .. } = cx;
    let d = "d".to_owned();
    // Cursors.
    let other = proxy_table(client, "other-").await;
    let foreign = other
        .query(&"d".to_owned())
        .limit(1)
        .page()
        .await
        .unwrap()
        .start_cursor();
    r.case(
        "cursor: from a table of another prefix",
        Expect::Refused(InvalidReason::CursorMismatch),
        async { docs.query(&d).after(foreign.clone()).page().await.map(drop) },
    )
    .await;
    docs.put(&Doc {
        tag: Some("t".into()),
        ..doc("d", "3")
    })
    .await
    .unwrap();
    docs.put(&Doc {
        tag: Some("t".into()),
        ..doc("d", "4")
    })
    .await
    .unwrap();
    let index_cursor = docs
        .index::<DocByTagIndex>()
        .query(&"t".to_owned())
        .limit(1)
        .page()
        .await
        .unwrap()
        .start_cursor();
    r.case(
        "cursor: of an index, on the table",
        Expect::Refused(InvalidReason::CursorMismatch),
        async {
            docs.query(&d)
                .after(index_cursor.clone())
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case("cursor: of the same index", Expect::Ok, async {
        let rest = docs
            .index::<DocByTagIndex>()
            .query(&"t".to_owned())
            .after(index_cursor.clone())
            .page()
            .await?;
        assert_eq!(rest.items.len(), 1);
        Ok(())
    })
    .await;
}

async fn batches(r: &mut Rig, cx: &Cx) {
    let Cx { client, docs, .. } = cx;
    // Batches.
    r.case("batch put: one NaN among 11", Expect::Ok, async {
        let mut items: Vec<Doc> = (0..11).map(|i| doc("batch", &format!("{i}"))).collect();
        items[5].score = f64::NAN;
        let result = docs.batch_put(items).await?;
        assert_eq!((result.items.len(), result.failed.len()), (10, 1));
        let message = result.failed[0].error.to_string();
        assert!(
            message.contains("part=\"5\""),
            "the failed item's key: {message}"
        );
        assert!(docs.get(key("batch", "5")).await?.is_none());
        assert!(docs.get(key("batch", "4")).await?.is_some());
        Ok(())
    })
    .await;
    r.case(
        "batch: a put and a delete of one key",
        Expect::Refused(InvalidReason::ConflictingWrites),
        async {
            client
                .clone()
                .batch_write()
                .put(&doc("both", "1"))
                .delete::<Doc>(key("both", "1"))
                .execute()
                .await
                .map(drop)
        },
    )
    .await;
    absent(docs.clone(), key("both", "1")).await;
    r.case(
        "batch get: an empty key",
        Expect::Refused(InvalidReason::EmptyKey),
        async {
            docs.batch_get(vec![key("d", "1"), key("", "1")])
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "batch put: an oversized item among others",
        Expect::Ok,
        async {
            let items = vec![
                doc("mixed", "1"),
                Doc {
                    body: "x".repeat(401 * 1024),
                    ..doc("mixed", "2")
                },
            ];
            let result = docs.batch_put(items).await?;
            assert_eq!((result.items.len(), result.failed.len()), (1, 1));
            assert!(result.failed[0].error.to_string().contains("part=\"2\""));
            Ok(())
        },
    )
    .await;
    r.case("batch delete: keys with no item", Expect::Ok, async {
        let result = docs
            .batch_delete(vec![key("nobody", "1"), key("nobody", "2")])
            .await?;
        assert_eq!(result.items.len(), 2);
        Ok(())
    })
    .await;
}

async fn tables(r: &mut Rig, cx: &Cx) {
    let Cx { client, docs, .. } = cx;
    // Clients and tables.
    r.case(
        "client: a prefix with a space",
        Expect::Refused(InvalidReason::TablePrefix),
        async { client.clone().with_table_prefix("my app").map(drop) },
    )
    .await;
    r.case(
        "client: a 253-character prefix",
        Expect::Refused(InvalidReason::TablePrefix),
        async { client.clone().with_table_prefix("p".repeat(253)).map(drop) },
    )
    .await;
    let long_prefix = client.clone().with_table_prefix("p".repeat(252)).unwrap();
    r.case(
        "table: a name over 255 characters",
        Expect::Refused(InvalidReason::TableName),
        async { long_prefix.table::<Doc>().create().await },
    )
    .await;
    let missing = client.clone().with_table_prefix("missing-").unwrap();
    r.case(
        "table: reads of a missing table",
        Expect::Server(ErrorKind::TableNotFound, "missing-docs"),
        async { missing.table::<Doc>().get(key("d", "1")).await.map(drop) },
    )
    .await;
    r.case(
        "table: creating an existing table",
        Expect::Server(ErrorKind::TableInUse, "docs"),
        async { docs.create().await },
    )
    .await;
    r.case(
        "read: limit 0",
        Expect::Refused(InvalidReason::Limit),
        async { docs.scan().limit(0).page().await.map(drop) },
    )
    .await;
    r.case(
        "read: a consistent read of a global index",
        Expect::Refused(InvalidReason::ConsistentReadOnGlobalIndex),
        async {
            docs.index::<DocByTagIndex>()
                .query(&"t".to_owned())
                .consistent_read()
                .page()
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "read: segment 5 of 3",
        Expect::Refused(InvalidReason::Segment),
        async { docs.scan().segment(5, 3).page().await.map(drop) },
    )
    .await;
}

async fn updates(r: &mut Rig, cx: &Cx) {
    let Cx { docs, counters, .. } = cx;
    // Updates.
    r.case(
        "update: a patch that sets nothing",
        Expect::Refused(InvalidReason::EmptyUpdate),
        async {
            docs.update(key("d", "1"), json!({ "tag": null }))
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "update: a new key value",
        Expect::Refused(InvalidReason::KeyAttributeUpdate),
        async {
            docs.update(key("d", "1"), json!({ "part": "9" }))
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "update: a patch that is not a map",
        Expect::Refused(InvalidReason::UpdatePatchShape),
        async { docs.update(key("d", "1"), 42).await.map(drop) },
    )
    .await;
    r.case(
        "update: removing a key attribute",
        Expect::Refused(InvalidReason::KeyAttributeUpdate),
        async {
            docs.remove_attributes(key("d", "1"), &["id"])
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "update: incrementing a string",
        Expect::Server(ErrorKind::Validation, "`label`"),
        async {
            let result = counters
                .increment(("c".to_owned(), Some(1)), &[("label", 1)])
                .await
                .map(drop);
            let label = counters
                .get(("c".to_owned(), Some(1)))
                .await?
                .unwrap()
                .label;
            assert_eq!(label, "one", "unchanged");
            result
        },
    )
    .await;
    r.case(
        "update: one attribute incremented twice",
        Expect::Refused(InvalidReason::DuplicateAttribute),
        async {
            counters
                .increment(("c".to_owned(), Some(1)), &[("n", 1), ("n", 2)])
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "update: no increments",
        Expect::Refused(InvalidReason::EmptyUpdate),
        async {
            counters
                .increment(("c".to_owned(), Some(1)), &[])
                .await
                .map(drop)
        },
    )
    .await;
    r.case(
        "update: NaN",
        Expect::Refused(InvalidReason::AttributeValue),
        async {
            docs.update(
                key("d", "1"),
                Patch {
                    score: f64::NAN,
                    body: "x",
                },
            )
            .await
            .map(drop)
        },
    )
    .await;
    r.case(
        "update: a None is skipped, not written as NULL",
        Expect::Ok,
        async {
            docs.update(key("d", "1"), json!({ "body": "patched", "tag": null }))
                .await?;
            let stored = docs.get(key("d", "1")).await?.unwrap();
            assert_eq!((stored.body.as_str(), stored.tag), ("patched", None));
            Ok(())
        },
    )
    .await;
}

/// What every group of cases works on.
struct Cx {
    client: DynamoClient,
    docs: Table<Doc>,
    counters: Table<Counter>,
}

/// Asserts that no item has this key: nothing was written.
async fn absent(table: Table<Doc>, k: (String, Option<String>)) {
    assert!(table.get(k).await.unwrap().is_none(), "nothing was written");
}

/// An item with two index keys DynamoDB would both refuse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "two_indexes")]
struct TwoIndexes {
    #[dynamo(pk)]
    id: String,
    #[dynamo(gsi(name = "by_first", pk))]
    first: String,
    #[dynamo(gsi(name = "by_second", pk))]
    second: String,
}

/// Of two refused index keys, the error names the index declared first, every time: each
/// encoded item is a map with its own hash order, which the check must not follow.
#[test]
fn of_two_refused_index_keys_the_first_declared_is_named_every_time() {
    let sdk = support::offline_sdk();
    let table = DynamoClient::from_client(sdk).table::<TwoIndexes>();
    let item = TwoIndexes {
        id: "a".into(),
        first: String::new(),
        second: String::new(),
    };
    for _ in 0..64 {
        let error = table.encode(&item).err().map(|e| e.to_string());
        let named = error.as_deref().unwrap_or("(encoded without an error)");
        assert!(
            named.contains("index `by_first`") && !named.contains("by_second"),
            "{named}"
        );
    }
}
