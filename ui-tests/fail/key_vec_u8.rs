use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "blobs")]
struct Blob {
    #[dynamo(pk)]
    digest: Vec<u8>,
}

fn main() {}
