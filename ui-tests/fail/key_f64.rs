use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "prices")]
struct Price {
    #[dynamo(pk)]
    amount: f64,
}

fn main() {}
