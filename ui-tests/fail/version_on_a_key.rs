use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "accounts")]
struct Account {
    #[dynamo(pk, version)]
    id: u64,
}

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    id: String,
    #[dynamo(gsi(name = "by_revision", pk), version)]
    revision: u64,
}

fn main() {}
