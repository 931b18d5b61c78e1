//! Client set-up: the global client, explicit clients with table prefixes, the embedded server's
//! lifetime, and the errors for endpoints that cannot be reached or a missing region.

mod support;

use std::time::{Duration, Instant};

use dynamo_table::aws_sdk_dynamodb::config::{Credentials, Intercept, SharedCredentialsProvider};
use dynamo_table::config::SdkConfig;
use dynamo_table::local::LocalDynamo;
use dynamo_table::{
    BehaviorVersion, DynamoClient, DynamoTable, Region, RetryConfig, TimeoutConfig,
};
use serde::{Deserialize, Serialize};
use support::TestDb;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(pk)]
    user_id: String,
    name: String,
}

fn ada() -> User {
    User {
        user_id: "u1".into(),
        name: "Ada".into(),
    }
}

/// A configuration that reads nothing from the environment, fails fast and never retries.
fn isolated_config(region: Option<&str>, endpoint: Option<&str>) -> SdkConfig {
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "id", "secret", None, None, "test",
        )))
        .retry_config(RetryConfig::standard().with_max_attempts(1).into())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_timeout(Duration::from_secs(10))
                .build(),
        );
    if let Some(region) = region {
        builder = builder.region(Region::new(region.to_owned()));
    }
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    builder.build()
}

#[tokio::test]
async fn an_unreachable_endpoint_is_named_in_the_error() {
    // Port 1 on loopback: nothing listens there.
    let client = DynamoClient::new(&isolated_config(
        Some("us-east-1"),
        Some("http://127.0.0.1:1"),
    ));
    let err = client
        .table::<User>()
        .get(("u1".into(), None))
        .await
        .unwrap_err();
    assert!(err.is_unreachable(), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("http://127.0.0.1:1"), "{message}");
    assert!(message.contains("AWS_ENDPOINT_URL_DYNAMODB"), "{message}");
    assert!(message.contains("`users`"), "{message}");
}

#[tokio::test]
async fn a_region_that_does_not_exist_is_named_in_the_error() {
    let client = DynamoClient::new(&isolated_config(Some("nowhere-1"), None));
    assert_eq!(
        client.endpoint(),
        "https://dynamodb.nowhere-1.amazonaws.com"
    );
    let err = client
        .table::<User>()
        .get(("u1".into(), None))
        .await
        .unwrap_err();
    assert!(err.is_unreachable(), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("dynamodb.nowhere-1.amazonaws.com"),
        "{message}"
    );
    assert!(message.contains("region"), "{message}");
}

#[tokio::test]
async fn a_missing_region_is_a_config_error() {
    let client = DynamoClient::new(&isolated_config(None, None));
    let err = client
        .table::<User>()
        .get(("u1".into(), None))
        .await
        .unwrap_err();
    assert!(matches!(err, dynamo_table::Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("AWS_REGION"), "{err}");
}

#[tokio::test]
async fn table_prefixes_keep_clients_apart() {
    let db = TestDb::new().await;
    let staging = db
        .client
        .clone()
        .with_table_prefix(format!("{}staging-", db.client.table_prefix()))
        .unwrap();
    let prod = db
        .client
        .clone()
        .with_table_prefix(format!("{}prod-", db.client.table_prefix()))
        .unwrap();
    assert!(staging.table_name::<User>().ends_with("staging-users"));

    let staging_users = staging.table::<User>();
    let prod_users = prod.table::<User>();
    staging_users.create().await.unwrap();
    prod_users.create().await.unwrap();

    staging_users.put(&ada()).await.unwrap();
    assert_eq!(
        staging_users.get(("u1".into(), None)).await.unwrap(),
        Some(ada())
    );
    assert_eq!(prod_users.get(("u1".into(), None)).await.unwrap(), None);

    if !db.is_embedded() {
        staging_users.delete_table().await.unwrap();
        prod_users.delete_table().await.unwrap();
    }
}

#[test]
fn a_bad_prefix_is_refused_with_the_rule() {
    let local = LocalDynamo::start().unwrap();
    let err = local.client().with_table_prefix("my app/").unwrap_err();
    assert!(err.is_invalid_input());
    assert!(err.to_string().contains("A-Z a-z 0-9 _ - ."), "{err}");
    let err = local
        .client()
        .with_table_prefix("x".repeat(253))
        .unwrap_err();
    assert!(err.to_string().contains("255"), "{err}");
}

#[tokio::test]
async fn dropping_the_local_server_stops_it() {
    let local = LocalDynamo::start().unwrap();
    let client = local.client();
    client.table::<User>().create().await.unwrap();
    client.table::<User>().put(&ada()).await.unwrap();

    let started = Instant::now();
    drop(local);
    assert!(started.elapsed() < Duration::from_secs(5), "shutdown hung");

    let err = client
        .table::<User>()
        .get(("u1".into(), None))
        .await
        .unwrap_err();
    assert!(err.is_unreachable(), "{err:?}");
}

#[test]
fn the_local_server_runs_without_a_runtime_of_the_callers() {
    let local = LocalDynamo::start().unwrap();
    assert!(local.endpoint().starts_with("http://127.0.0.1:"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        local.client().table::<User>().create().await.unwrap();
        let sdk = local.sdk_client();
        let tables = sdk.list_tables().send().await.unwrap();
        assert_eq!(tables.table_names(), ["users"]);
    });
}

/// Everything that touches the process-wide client, in one test so nothing races on it.
#[tokio::test]
async fn the_global_client_is_set_replaced_and_used() {
    let first = LocalDynamo::start().unwrap();
    let second = LocalDynamo::start().unwrap();

    // The seed's `init_with_client`.
    dynamo_table::init_with_client(first.sdk_client()).await;
    let first_sdk: *const _ = dynamo_table::dynamodb_client().await;
    assert!(std::ptr::eq(User::dynamodb_client().await, first_sdk));
    dynamo_table::setup::table::<User>().await.unwrap();
    ada().add_item().await.unwrap();
    assert_eq!(
        User::get_item(&"u1".into(), None).await.unwrap(),
        Some(ada())
    );

    // A second init replaces the first; it is not silently ignored.
    dynamo_table::set_global_client(second.client());
    assert_eq!(
        dynamo_table::global_client().await.endpoint(),
        second.endpoint()
    );
    let err = User::get_item(&"u1".into(), None).await.unwrap_err();
    assert!(err.is_table_not_found(), "{err:?}");
    assert!(err.to_string().contains(second.endpoint()), "{err}");

    // `dynamodb_client()` follows: the published API handed out the first client forever.
    assert!(!std::ptr::eq(
        dynamo_table::dynamodb_client().await,
        first_sdk
    ));
    dynamo_table::setup::table::<User>().await.unwrap();
    assert_eq!(User::get_item(&"u1".into(), None).await.unwrap(), None);
    ada().add_item().await.unwrap();
    User::delete_item("u1".into(), None).await.unwrap();
    assert_eq!(User::get_item(&"u1".into(), None).await.unwrap(), None);

    // The seed's `init(&config)` with the seed's `defaults(...)` loader.
    let config = dynamo_table::defaults(BehaviorVersion::latest())
        .region(Region::new("us-west-2"))
        .endpoint_url(first.endpoint())
        .credentials_provider(Credentials::new("id", "secret", None, None, "test"))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(500)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .read_timeout(Duration::from_secs(30))
                .operation_timeout(Duration::from_secs(90))
                .build(),
        )
        .load()
        .await;
    dynamo_table::init(&config).await;
    assert_eq!(
        dynamo_table::global_client().await.endpoint(),
        first.endpoint()
    );
    assert_eq!(
        User::get_item(&"u1".into(), None).await.unwrap(),
        Some(ada())
    );
}

/// A table type can pick its own client by overriding `dynamodb_client`, without the global.
#[tokio::test]
async fn a_table_can_bring_its_own_client() {
    static AUDIT_SERVER: std::sync::OnceLock<LocalDynamo> = std::sync::OnceLock::new();

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Audit {
        id: String,
        what: String,
    }

    impl DynamoTable for Audit {
        type PK = String;
        type SK = String;
        const TABLE: &'static str = "audit";
        const PARTITION_KEY: &'static str = "id";

        fn partition_key(&self) -> String {
            self.id.clone()
        }

        async fn dynamodb_client() -> &'static dynamo_table::aws_sdk_dynamodb::Client {
            AUDIT_SDK.get_or_init(|| server().sdk_client())
        }
    }

    static AUDIT_SDK: std::sync::OnceLock<dynamo_table::aws_sdk_dynamodb::Client> =
        std::sync::OnceLock::new();
    fn server() -> &'static LocalDynamo {
        AUDIT_SERVER.get_or_init(|| LocalDynamo::start().unwrap())
    }

    dynamo_table::setup::table::<Audit>().await.unwrap();
    let tables = server().sdk_client().list_tables().send().await.unwrap();
    assert_eq!(
        tables.table_names(),
        ["audit"],
        "created on the table's own server"
    );
    let entry = Audit {
        id: "a1".into(),
        what: "login".into(),
    };
    entry.add_item().await.unwrap();
    assert_eq!(
        Audit::get_item(&"a1".into(), None).await.unwrap(),
        Some(entry)
    );
}

/// A server that answers every request with `status` and an HTML page, as a proxy or a load
/// balancer in front of the wrong thing would.
async fn html_server(status: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut request).await;
                let body = "<html><body><h1>Bad Gateway</h1> nginx</body></html>";
                let response = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn an_endpoint_that_is_not_dynamodb_is_named_with_what_it_answered() {
    for status in ["502 Bad Gateway", "200 OK", "404 Not Found"] {
        let endpoint = html_server(status).await;
        let client = DynamoClient::new(&isolated_config(Some("us-east-1"), Some(&endpoint)));
        let err = client
            .table::<User>()
            .get(("u1".to_owned(), None))
            .await
            .unwrap_err();
        let message = err.to_string();
        let code = &status[..3];
        assert!(
            message.contains(&format!("answered HTTP {code}")),
            "{status}: {message}"
        );
        assert!(
            message.contains("Bad Gateway</h1> nginx"),
            "{status}: {message}"
        );
        assert!(message.contains(&endpoint), "{status}: {message}");
        // A 4xx is final; anything else may pass on a retry.
        assert_eq!(err.is_retryable(), code != "404", "{status}: {err:?}");
    }
}

/// The SDK's hook for per-service settings (`AWS_ENDPOINT_URL_DYNAMODB`, a profile's
/// `services` section), answering as the environment would.
#[derive(Debug)]
struct ServiceEndpoint(&'static str);

impl aws_types::service_config::LoadServiceConfig for ServiceEndpoint {
    fn load_config(&self, key: aws_types::service_config::ServiceConfigKey<'_>) -> Option<String> {
        (key.service_id() == "DynamoDB" && key.env() == "AWS_ENDPOINT_URL")
            .then(|| self.0.to_owned())
    }
}

#[tokio::test]
async fn errors_name_the_dynamodb_endpoint_the_environment_sets() {
    let local = LocalDynamo::start().unwrap();
    let endpoint: &'static str = Box::leak(local.endpoint().to_owned().into_boxed_str());
    let config = isolated_config(Some("us-east-1"), None)
        .into_builder()
        .service_config(ServiceEndpoint(endpoint))
        .build();
    let client = DynamoClient::new(&config);
    assert_eq!(client.endpoint(), endpoint);
    // The request goes there too, and the error names it.
    let err = client
        .table::<User>()
        .get(("u1".to_owned(), None))
        .await
        .unwrap_err();
    assert!(err.is_table_not_found(), "{err:?}");
    assert!(err.to_string().contains(endpoint), "{err}");
}

/// How many attempt-counting interceptors a client's requests go through.
fn counters(client: &DynamoClient) -> usize {
    client
        .sdk()
        .config()
        .interceptors()
        .filter(|interceptor| interceptor.name() == "dynamo_table::AttemptCounter")
        .count()
}

#[test]
fn a_client_counts_each_attempt_once_however_often_it_is_wrapped() {
    // Twice would count every attempt twice, and a single attempt would pass for a retry.
    let first = DynamoClient::new(&isolated_config(Some("us-east-1"), None));
    let again = DynamoClient::from_client(first.sdk().clone());
    let third = DynamoClient::from_client_at(again.sdk().clone(), "http://127.0.0.1:9");
    assert_eq!(
        (counters(&first), counters(&again), counters(&third)),
        (1, 1, 1)
    );
    // One that counts but has lost its timeouts is rebuilt for them, still with one counter.
    let untimed = first
        .sdk()
        .config()
        .to_builder()
        .timeout_config(TimeoutConfig::disabled())
        .build();
    let rewrapped =
        DynamoClient::from_client(dynamo_table::aws_sdk_dynamodb::Client::from_conf(untimed));
    assert_eq!(counters(&rewrapped), 1);
    // Timeouts the configuration leaves unset are filled in on the way.
    let bare = dynamo_table::aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .build();
    let wrapped =
        DynamoClient::from_client(dynamo_table::aws_sdk_dynamodb::Client::from_conf(bare));
    let timeouts = wrapped.sdk().config().timeout_config().cloned();
    assert!(timeouts.is_some_and(|t| t.read_timeout().is_some()));
    assert_eq!(counters(&wrapped), 1);
}
