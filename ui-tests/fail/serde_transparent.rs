use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[serde(transparent)]
#[dynamo(table = "ids")]
struct Id {
    #[dynamo(pk)]
    id: String,
}

fn main() {}
