use dynamo_table::DynamoTable;
use dynamo_table::schema::NoSortKey;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(pk)]
    user_id: String,
    name: String,
}

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: u64,
}

fn main() {
    let _: fn(&User) -> String = <User as DynamoTable>::partition_key;
    let _: Option<NoSortKey> = None::<<User as DynamoTable>::SK>;
    let _: Option<u64> = None::<<Order as DynamoTable>::SK>;
    assert_eq!(Order::SORT_KEY, Some("order_id"));
}
