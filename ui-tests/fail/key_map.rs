use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "maps")]
struct Thing {
    #[dynamo(pk)]
    attrs: std::collections::HashMap<String, String>,
}

fn main() {}
