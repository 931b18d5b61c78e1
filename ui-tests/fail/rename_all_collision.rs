use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users")]
#[serde(rename_all = "lowercase")]
struct User {
    #[dynamo(pk)]
    user_id: String,
    #[serde(rename = "user_id")]
    other: String,
}

fn main() {}
