use dynamo_table::schema::{Binary, DynamoIndex};
use dynamo_table::{DynamoTable, GSITable, KeyValue};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, KeyValue)]
pub struct TenantId(String);

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(
    table = "events.v2",
    page_size = 50,
    batch_retries(max_retries = 3, initial_delay_ms = 200, max_delay_ms = 5000)
)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[dynamo(pk)]
    tenant_id: TenantId,
    #[dynamo(sk, lsi(name = "by_kind_local", sk))]
    sequence: u64,
    #[dynamo(gsi(name = "by_kind", pk), gsi(name = "by_kind_and_day", pk))]
    kind: String,
    #[dynamo(gsi(name = "by_kind_and_day", sk))]
    #[serde(rename = "d")]
    day: i32,
    #[dynamo(gsi(name = "by_digest", pk))]
    digest: Binary,
    #[dynamo(gsi(name = "by_owner", pk))]
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip)]
    cached: Vec<u8>,
    payload: std::collections::HashMap<String, f64>,
    #[dynamo(version)]
    #[serde(default)]
    revision: Option<u32>,
}

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "people")]
struct Person {
    #[dynamo(pk)]
    id: String,
    #[dynamo(gsi(name = "by_email", pk))]
    email: String,
    #[dynamo(gsi(name = "by_email", sk))]
    name: String,
}

fn main() {
    assert_eq!(Event::PARTITION_KEY, "tenantId");
    assert_eq!(Event::SORT_KEY, Some("sequence"));
    assert_eq!(Event::DEFAULT_PAGE_SIZE, 50);
    assert_eq!(Event::BATCH_RETRIES_CONFIG.max_retries, 3);
    assert_eq!(Event::INDEXES.len(), 5);
    assert_eq!(Event::VERSION.map(|v| (v.attribute, v.max)), Some(("revision", u64::from(u32::MAX))));
    assert_eq!(EventByKindAndDayIndex::SORT_KEY, Some("d"));
    assert_eq!(<EventByDigestIndex as DynamoIndex>::NAME, "by_digest");
    let _key: EventKey = EventKey { tenant_id: TenantId("t".into()), sequence: 1 };
    assert_eq!(Person::global_index_name(), "by_email");
    assert_eq!(Person::GSI_SORT_KEY, Some("name"));
    let filter = dynamo_table::expr!("attribute_exists(#kind) AND d BETWEEN :lo AND :hi");
    assert_eq!(filter.value_placeholders(), [":lo", ":hi"]);
}
