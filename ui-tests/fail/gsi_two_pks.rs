use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(gsi(name = "by_status", pk))]
    status: String,
    #[dynamo(gsi(name = "by_status", pk))]
    region: String,
}

fn main() {}
