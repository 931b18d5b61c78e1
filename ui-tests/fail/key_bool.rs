use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "flags")]
struct Flag {
    #[dynamo(pk)]
    on: bool,
}

fn main() {}
