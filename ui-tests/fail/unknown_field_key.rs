use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(partition_key)]
    user_id: String,
}

fn main() {}
