fn main() {
    let text = "#a = :b";
    let _filter = dynamo_table::expr!(text);
}
