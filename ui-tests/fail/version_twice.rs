use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "accounts")]
struct Account {
    #[dynamo(pk)]
    id: String,
    #[dynamo(version)]
    version: u64,
    #[dynamo(version)]
    revision: u64,
}

fn main() {}
