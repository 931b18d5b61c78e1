use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "accounts")]
struct Account {
    #[dynamo(pk)]
    id: String,
    #[dynamo(version)]
    version: String,
}

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "documents")]
struct Document {
    #[dynamo(pk)]
    id: String,
    #[dynamo(version)]
    revision: Option<f64>,
}

fn main() {}
