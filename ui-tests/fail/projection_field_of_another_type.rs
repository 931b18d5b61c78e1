use dynamo_table::{DynamoProjection, DynamoTable};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    total: f64,
}

#[derive(Deserialize, DynamoProjection)]
#[dynamo(of = Order)]
struct OrderSummary {
    total: f32,
}

fn main() {}
