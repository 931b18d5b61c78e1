use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};
use std::time::SystemTime;

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "sessions")]
struct Session {
    #[dynamo(pk)]
    id: String,
    #[dynamo(ttl)]
    expires: SystemTime,
}

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "tokens")]
struct Token {
    #[dynamo(pk)]
    id: String,
    #[dynamo(ttl)]
    expires: String,
}

fn main() {}
