use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users")]
struct User<T> {
    #[dynamo(pk)]
    user_id: String,
    extra: T,
}

fn main() {}
