use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: String,
    #[dynamo(lsi(name = "by_region", pk))]
    region: String,
}

fn main() {}
