//! Our expression checker agrees with DynamoDB: 2,000 seeded expressions (valid ones, and ones
//! with deliberate mistakes) are checked by `Expression::parse` (the checker `expr!` runs at
//! compile time) and sent to the server as a scan filter; both must say the same.

mod support;

use std::collections::HashMap;

use dynamo_table::aws_sdk_dynamodb::types::AttributeValue;
use dynamo_table::expression::Expression;
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoTable, aws_sdk_dynamodb};
use serde::{Deserialize, Serialize};
use support::expressions::{Generated, Generator};

#[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "probe")]
struct Probe {
    #[dynamo(pk)]
    id: String,
    a: String,
}

/// Every `#name` or `:value` token in `text`, as DynamoDB's tokenizer sees them.
fn placeholders(text: &str, sigil: char) -> Vec<String> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != sigil {
            continue;
        }
        let mut end = at + 1;
        while let Some(&(i, n)) = chars.peek() {
            if n.is_ascii_alphanumeric() || n == '_' {
                end = i + n.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        if end > at + 1 && !found.contains(&text[at..end].to_owned()) {
            found.push(text[at..end].to_owned());
        }
    }
    found
}

/// Whether the server accepts `expression` as a filter (with every placeholder bound).
async fn server_accepts(sdk: &aws_sdk_dynamodb::Client, table: &str, g: &Generated) -> bool {
    let names: HashMap<String, String> = placeholders(&g.text, '#')
        .into_iter()
        .map(|p| (p.clone(), p[1..].to_owned()))
        .collect();
    let values: HashMap<String, AttributeValue> = placeholders(&g.text, ':')
        .into_iter()
        .map(|p| {
            let value = match g.values.get(&p) {
                Some(("N", n)) => AttributeValue::N(n.clone()),
                Some((_, s)) => AttributeValue::S(s.clone()),
                None => AttributeValue::S("x".into()),
            };
            (p, value)
        })
        .collect();
    let result = sdk
        .scan()
        .table_name(table)
        .filter_expression(&g.text)
        .set_expression_attribute_names((!names.is_empty()).then_some(names))
        .set_expression_attribute_values((!values.is_empty()).then_some(values))
        .send()
        .await;
    match result {
        Ok(_) => true,
        Err(e) => {
            let service = e.into_service_error();
            assert_eq!(
                aws_sdk_dynamodb::error::ProvideErrorMetadata::code(&service),
                Some("ValidationException"),
                "`{}`: {service:?}",
                g.text
            );
            false
        }
    }
}

/// Where the embedded server departs from DynamoDB's documented grammar, so a disagreement is
/// the server's, not ours. Each entry is a predicate on the expression text.
fn server_departs_from_aws(text: &str) -> Option<&'static str> {
    // AWS function names are case-sensitive (`BEGINS_WITH` is not a function); the embedded
    // server matches them in any case.
    if text.contains("BEGINS_WITH(") {
        return Some("function names are case-sensitive on AWS");
    }
    None
}

#[tokio::test]
async fn the_checker_agrees_with_the_server() {
    let local = LocalDynamo::start().unwrap();
    let table = local.client().table::<Probe>();
    table.create().await.unwrap();
    table
        .put(&Probe {
            id: "p1".into(),
            a: "x".into(),
        })
        .await
        .unwrap();
    let sdk = local.sdk_client();

    let mut generator = Generator::new(20261127);
    let (mut agreed, mut accepted, mut excused) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for _ in 0..2_000 {
        let g = generator.next();
        let ours = Expression::parse(g.text.clone()).is_ok();
        let theirs = server_accepts(&sdk, table.name(), &g).await;
        if ours == theirs {
            agreed += 1;
            accepted += usize::from(ours);
        } else if server_departs_from_aws(&g.text).is_some() {
            excused += 1;
        } else {
            let why = Expression::parse(g.text.clone())
                .err()
                .map(|e| e.to_string());
            disagreements.push(format!(
                "ours {ours}, server {theirs}: `{}` ({why:?})",
                g.text.escape_debug()
            ));
        }
    }
    println!(
        "{agreed} of 2000 agree ({accepted} accepted by both), {excused} excused, {} disagree",
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(
        accepted > 500 && agreed - accepted > 200,
        "the mix tests both sides"
    );
}
