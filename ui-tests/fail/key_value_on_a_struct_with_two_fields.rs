use dynamo_table::KeyValue;

#[derive(Clone, Debug, KeyValue)]
struct Pair(String, String);

fn main() {}
