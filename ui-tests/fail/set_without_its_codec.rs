use std::collections::HashSet;

use dynamo_table::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "posts")]
struct Post {
    #[dynamo(pk)]
    id: String,
    #[dynamo(set)]
    tags: HashSet<String>,
    #[dynamo(set)]
    #[serde(with = "dynamo_table::attribute::string_set")]
    title: String,
    #[dynamo(set)]
    #[serde(with = "dynamo_table::attribute::string_set")]
    flags: Vec<bool>,
}

fn main() {}
