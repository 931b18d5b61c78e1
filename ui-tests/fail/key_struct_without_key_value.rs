use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Point {
    x: i64,
    y: i64,
}

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "places")]
struct Place {
    #[dynamo(pk)]
    at: Point,
}

fn main() {}
