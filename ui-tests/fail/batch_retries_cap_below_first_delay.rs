use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users", batch_retries(initial_delay_ms = 500, max_delay_ms = 100))]
struct User {
    #[dynamo(pk)]
    user_id: String,
}

fn main() {}
