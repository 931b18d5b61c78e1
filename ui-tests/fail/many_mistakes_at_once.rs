use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "x")]
struct Bad {
    #[dynamo(sk)]
    a: f64,
    #[dynamo(sk)]
    b: String,
    #[dynamo(gsi(name = "g1", sk))]
    c: String,
}

fn main() {}
