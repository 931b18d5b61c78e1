use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(tabel = "users")]
struct User {
    #[dynamo(pk)]
    user_id: String,
}

fn main() {}
