fn main() {
    let _filter = dynamo_table::expr!("#status = :s AND");
}
