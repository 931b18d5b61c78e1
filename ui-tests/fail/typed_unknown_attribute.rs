use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    total: f64,
}

fn main() {
    let _ = Order::fields().totl.gt(1.0);
}
