use dynamo_table::{DynamoTable, Table};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    status: String,
}

fn update(orders: Table<Order>) {
    let f = Order::fields();
    let _ = orders
        .modify(OrderKey { user_id: "u1".into() })
        .add(&f.status, "shipped");
}

fn main() {}
