//! Quickstart: declare a table with the derive, then put, get and delete an item.
//!
//! Runs on an embedded local DynamoDB by default:
//!
//! ```text
//! cargo run -p examples --example quickstart
//! ```
//!
//! Against LocalStack or AWS instead, name the endpoint (credentials and region come from the
//! standard AWS configuration):
//!
//! ```text
//! DYNAMO_TABLE_TEST_ENDPOINT=http://localhost:4566 cargo run -p examples --example quickstart
//! DYNAMO_TABLE_TEST_ENDPOINT=aws cargo run -p examples --example quickstart
//! ```

use dynamo_table::DynamoTable;
use dynamo_table::local::Backend;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "quickstart_orders")]
struct Order {
    #[dynamo(pk)]
    user_id: String,
    #[dynamo(sk)]
    order_id: String,
    status: String,
    total: f64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    let client = backend.client();
    let place = if backend.is_embedded() {
        "embedded local DynamoDB"
    } else {
        "external DynamoDB"
    };
    println!("using the {place} at {}", client.endpoint());

    let orders = client.table::<Order>();
    let created = orders.create_if_not_exists().await?;
    println!(
        "table `{}`: {}",
        orders.name(),
        if created { "created" } else { "already there" }
    );

    let order = Order {
        user_id: "user-1".into(),
        order_id: "2026-11-25-0001".into(),
        status: "pending".into(),
        total: 42.5,
    };
    orders.put(&order).await?;
    println!("put    {order:?}");

    let found = orders.get(order.key()).await?;
    println!("get    {found:?}");
    if found.as_ref() != Some(&order) {
        return Err(format!("read back {found:?}, expected {order:?}").into());
    }

    orders.delete(order.key()).await?;
    let gone = orders.get(order.key()).await?;
    println!("delete -> get now returns {gone:?}");

    if backend.is_embedded() {
        println!("done; the embedded server stops with this process");
    } else if created {
        orders.delete_table().await?;
        println!("done; deleted the table this run created");
    } else {
        println!("done; left the existing table as it was");
    }
    Ok(())
}
