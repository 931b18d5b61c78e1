//! Test support: a DynamoDB per test, with tables of its own.
//!
//! Each test gets the embedded server (a fresh one per test) or, when the environment names one
//! (`DYNAMO_TABLE_TEST_ENDPOINT`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_PROFILE=localstack`), that
//! endpoint; either way its tables carry a prefix unique to the test, so tests run in parallel
//! without meeting each other's data. Tables created on an external endpoint are deleted when the
//! `TestDb` drops.

#![allow(dead_code)]

pub mod expressions;
pub mod fault_proxy;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use dynamo_table::local::Backend;
use dynamo_table::{DynamoClient, DynamoTable, Table};

static NEXT: AtomicU32 = AtomicU32::new(0);

pub struct TestDb {
    pub client: DynamoClient,
    backend: Backend,
    created: Mutex<Vec<String>>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let backend = match Backend::from_env().await {
            Ok(backend) => backend,
            Err(e) => panic!("no DynamoDB for the tests: {e}"),
        };
        let prefix = format!(
            "t{}-{}-",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let client = match backend.client().with_table_prefix(prefix) {
            Ok(client) => client,
            Err(e) => panic!("bad test prefix: {e}"),
        };
        TestDb {
            client,
            backend,
            created: Mutex::new(Vec::new()),
        }
    }

    pub fn is_embedded(&self) -> bool {
        self.backend.is_embedded()
    }

    /// Creates `T`'s table (prefixed) and returns a handle on it.
    pub async fn create<T: DynamoTable>(&self) -> Table<T> {
        let table = self.client.table::<T>();
        if let Err(e) = table.create().await {
            panic!("could not create table {}: {e}", table.name());
        }
        if let Ok(mut created) = self.created.lock() {
            created.push(table.name().to_owned());
        }
        table
    }
}

/// A raw SDK client that is never asked anything: for what a test builds without sending
/// (conversions, refusals made before any request, the sizes of futures).
pub fn offline_sdk() -> dynamo_table::aws_sdk_dynamodb::Client {
    use dynamo_table::aws_sdk_dynamodb::{Client, Config, config::BehaviorVersion};
    Client::from_conf(
        Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .build(),
    )
}

/// Every item of a table, read straight from the server with a paginated scan.
pub async fn scan_all(
    client: &DynamoClient,
    table: &str,
) -> Vec<std::collections::HashMap<String, dynamo_table::aws_sdk_dynamodb::types::AttributeValue>> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let page = client
            .sdk()
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap_or_else(|e| panic!("scan of {table}: {e}"));
        items.extend(page.items.unwrap_or_default());
        start = page.last_evaluated_key;
        if start.is_none() {
            return items;
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.backend.is_embedded() {
            return;
        }
        let names = match self.created.lock() {
            Ok(mut created) => std::mem::take(&mut *created),
            Err(_) => return,
        };
        let sdk = self.client.sdk().clone();
        // Drop cannot await; delete on a thread with a runtime of its own.
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                for name in names {
                    let _ = sdk.delete_table().table_name(name).send().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// An item exactly as DynamoDB stores it, read with the raw SDK (no decoding): what a test
/// checks a stored form against. Panics if there is no item under `key`.
pub async fn raw_item(
    client: &DynamoClient,
    table: &str,
    key: &[(&str, dynamo_table::aws_sdk_dynamodb::types::AttributeValue)],
) -> std::collections::HashMap<String, dynamo_table::aws_sdk_dynamodb::types::AttributeValue> {
    let mut request = client.sdk().get_item().table_name(table);
    for (name, value) in key {
        request = request.key(*name, value.clone());
    }
    match request.send().await {
        Ok(output) => match output.item {
            Some(item) => item,
            None => panic!("no item under {key:?} in {table}"),
        },
        Err(e) => panic!("raw get of {key:?} from {table}: {e:?}"),
    }
}
