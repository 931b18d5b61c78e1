use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users", page_size = 0)]
struct User {
    #[dynamo(pk)]
    user_id: String,
}

fn main() {}
