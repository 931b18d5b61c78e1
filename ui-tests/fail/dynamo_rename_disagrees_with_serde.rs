use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(pk, rename = "id")]
    #[serde(rename = "userId")]
    user_id: String,
}

fn main() {}
