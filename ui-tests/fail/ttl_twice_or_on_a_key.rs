use dynamo_table::{DynamoTable, Ttl};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "sessions")]
struct Session {
    #[dynamo(pk)]
    id: String,
    #[dynamo(ttl)]
    expires: Ttl,
    #[dynamo(ttl)]
    also: Ttl,
}

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "events")]
struct Event {
    #[dynamo(pk, ttl)]
    at: u64,
}

fn main() {}
