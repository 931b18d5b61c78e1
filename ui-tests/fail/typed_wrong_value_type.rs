use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    status: String,
    total: f64,
}

fn main() {
    let f = Order::fields();
    let _ = f.status.eq(3);
    let _ = f.total.gt("100");
}
