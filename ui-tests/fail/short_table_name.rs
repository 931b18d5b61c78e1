use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "ab")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
}

fn main() {}
