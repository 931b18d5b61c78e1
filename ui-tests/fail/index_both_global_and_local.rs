use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: String,
    #[dynamo(gsi(name = "by_created", pk))]
    status: String,
    #[dynamo(lsi(name = "by_created", sk))]
    created_at: u64,
}

fn main() {}
