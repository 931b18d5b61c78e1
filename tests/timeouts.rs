//! No call hangs: every client the library builds or documents has connect, read and operation
//! timeouts. Each construction path is pointed at a TCP server that accepts connections and
//! never answers, and must fail with a typed `Timeout` within its configured bound.

use std::time::{Duration, Instant};

use dynamo_table::aws_sdk_dynamodb;
use dynamo_table::aws_sdk_dynamodb::config::{Credentials, Region};
use dynamo_table::config::{
    BehaviorVersion, DEFAULT_OPERATION_TIMEOUT, TimeoutConfig, auto_config, defaults,
};
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoClient, DynamoTable, Error};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

#[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "never_answered")]
struct Thing {
    #[dynamo(pk)]
    id: String,
}

/// A server that accepts every connection and holds it open without a byte in reply.
async fn black_hole() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{address}")
}

fn credentials() -> Credentials {
    Credentials::new("test", "test", None, None, "timeouts-test")
}

/// A read through `client` must fail with `Error::Timeout` within `bound` (plus slack for a
/// loaded machine), and not before the read timeout could have fired.
async fn times_out_within(client: &DynamoClient, bound: Duration) {
    let started = Instant::now();
    let result = client.table::<Thing>().get(("x".to_owned(), None)).await;
    let elapsed = started.elapsed();
    match result {
        Err(Error::Timeout { .. }) => {}
        other => panic!("expected a Timeout, got {other:?} after {elapsed:?}"),
    }
    assert!(
        elapsed <= bound + Duration::from_secs(5),
        "timed out after {elapsed:?}, beyond the bound of {bound:?}"
    );
    println!("timed out after {elapsed:.1?} (bound {bound:?})");
}

fn short_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .read_timeout(Duration::from_millis(500))
        .operation_timeout(Duration::from_secs(2))
        .build()
}

#[tokio::test]
async fn auto_config_has_timeouts() {
    let hole = black_hole().await;
    let config = auto_config()
        .await
        .into_builder()
        .endpoint_url(&hole)
        .region(Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
            credentials(),
        ))
        .build();
    times_out_within(&DynamoClient::new(&config), DEFAULT_OPERATION_TIMEOUT).await;
}

#[tokio::test]
async fn the_documented_defaults_loader_has_timeouts() {
    let hole = black_hole().await;
    let config = defaults(BehaviorVersion::latest())
        .endpoint_url(&hole)
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials())
        .load()
        .await;
    let timeouts = config.timeout_config().unwrap();
    assert_eq!(
        timeouts.operation_timeout(),
        Some(DEFAULT_OPERATION_TIMEOUT)
    );
    times_out_within(&DynamoClient::new(&config), DEFAULT_OPERATION_TIMEOUT).await;
}

#[tokio::test]
async fn timeouts_you_set_are_kept() {
    let hole = black_hole().await;
    let config = defaults(BehaviorVersion::latest())
        .endpoint_url(&hole)
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials())
        .timeout_config(short_timeouts())
        .load()
        .await;
    times_out_within(&DynamoClient::new(&config), Duration::from_secs(2)).await;
}

#[tokio::test]
async fn an_sdk_client_without_timeouts_gets_ours() {
    let hole = black_hole().await;
    // The SDK's defaults: no read or operation timeout at all.
    let sdk = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&hole)
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials())
            .build(),
    );
    let client = DynamoClient::from_client(sdk);
    let timeouts = client.sdk().config().timeout_config().unwrap();
    assert_eq!(
        timeouts.operation_timeout(),
        Some(DEFAULT_OPERATION_TIMEOUT)
    );
    times_out_within(&client, DEFAULT_OPERATION_TIMEOUT).await;
}

#[tokio::test]
async fn the_global_client_set_by_init_has_timeouts() {
    let hole = black_hole().await;
    // The README's `init` example: a configuration with no timeouts of its own.
    let sdk_config = dynamo_table::config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&hole)
        .region(Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
            credentials(),
        ))
        .build();
    assert!(sdk_config.timeout_config().is_none());
    dynamo_table::init(&sdk_config).await;
    let started = Instant::now();
    let result = Thing::get_item(&"x".to_owned(), None).await;
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(Error::Timeout { .. })),
        "{result:?} after {elapsed:?}"
    );
    assert!(elapsed <= DEFAULT_OPERATION_TIMEOUT + Duration::from_secs(5));
}

#[tokio::test]
async fn the_local_servers_client_has_timeouts() {
    let hole = black_hole().await;
    let local = LocalDynamo::start().unwrap();
    let config = local.sdk_client().config().clone();
    let timeouts = config.timeout_config().unwrap();
    assert!(timeouts.connect_timeout().is_some() && timeouts.read_timeout().is_some());
    assert_eq!(
        timeouts.operation_timeout(),
        Some(DEFAULT_OPERATION_TIMEOUT)
    );
    // The same configuration, pointed at the black hole.
    let pointed =
        aws_sdk_dynamodb::Client::from_conf(config.to_builder().endpoint_url(&hole).build());
    times_out_within(
        &DynamoClient::from_client(pointed),
        DEFAULT_OPERATION_TIMEOUT,
    )
    .await;
}
