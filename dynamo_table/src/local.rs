//! An embedded DynamoDB for tests and local runs: no Docker, no JVM, no AWS account.
//!
//! [`LocalDynamo::start`] runs [dynoxide](https://crates.io/crates/dynoxide-rs), a DynamoDB
//! emulator on in-memory SQLite, on its own thread, serving the real DynamoDB wire protocol on
//! `127.0.0.1` at a free port. Reach it with the [`DynamoClient`] it hands back, or with any
//! `aws-sdk-dynamodb` client pointed at [`LocalDynamo::endpoint`]. Dropping it stops the server and
//! discards the data.
//!
//! ```
//! use dynamo_table::DynamoTable;
//! use dynamo_table::local::LocalDynamo;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, PartialEq, Serialize, Deserialize, DynamoTable)]
//! #[dynamo(table = "users")]
//! struct User {
//!     #[dynamo(pk)]
//!     user_id: String,
//!     name: String,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), dynamo_table::Error> {
//! let local = LocalDynamo::start()?;
//! let users = local.client().table::<User>();
//! users.create().await?;
//! let ada = User { user_id: "u1".into(), name: "Ada".into() };
//! users.put(&ada).await?;
//! let ada = users.get(ada.key()).await?;
//! assert_eq!(ada.map(|u| u.name).as_deref(), Some("Ada"));
//! # Ok(()) }
//! ```
//!
//! [`Backend::from_env`] picks the embedded server unless the environment names another endpoint,
//! so the same tests run against LocalStack or AWS unchanged.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};

use crate::client::DynamoClient;
use crate::config::{LOCALSTACK_PROFILE, auto_config, default_timeouts};
use crate::error::{Error, Result};

/// How long dropping a [`LocalDynamo`] waits for its server to wind down.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// A DynamoDB-compatible server running inside this process; see the [module docs](self).
#[derive(Debug)]
pub struct LocalDynamo {
    endpoint: String,
    client: DynamoClient,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    /// Signalled when the server thread ends (in a mutex so `LocalDynamo` is `Sync`: one
    /// server can be shared by many tests through a `static`).
    stopped: std::sync::Mutex<mpsc::Receiver<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LocalDynamo {
    /// Starts a server with an empty in-memory database on `127.0.0.1` at a free port.
    ///
    /// Works inside or outside a Tokio runtime: the server has a thread and runtime of its own.
    pub fn start() -> Result<Self> {
        let db = dynoxide::Database::memory().map_err(|e| Error::LocalServer {
            message: format!("could not open an in-memory database: {e}"),
        })?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| Error::LocalServer {
                message: format!("could not listen on 127.0.0.1: {e}"),
            })?;
        let address = listener.local_addr().map_err(|e| Error::LocalServer {
            message: format!("could not read the listening address: {e}"),
        })?;
        let endpoint = format!("http://{address}");

        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = mpsc::channel::<std::result::Result<(), String>>();
        let (stopped_tx, stopped_rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("dynamo_table-local-{}", address.port()))
            .spawn(move || {
                serve(listener, db, shutdown_rx, &ready_tx);
                let _ = stopped_tx.send(());
            })
            .map_err(|e| Error::LocalServer {
                message: format!("could not spawn the server thread: {e}"),
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(message)) => return Err(Error::LocalServer { message }),
            Err(_) => {
                return Err(Error::LocalServer {
                    message: "the server thread stopped before it was ready".to_owned(),
                });
            }
        }

        let client = DynamoClient::from_client_at(sdk_client(&endpoint), endpoint.clone());
        Ok(LocalDynamo {
            endpoint,
            client,
            shutdown: Some(shutdown_tx),
            stopped: std::sync::Mutex::new(stopped_rx),
            thread: Some(thread),
        })
    }

    /// The server's URL, e.g. `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A client for this server (no table prefix).
    pub fn client(&self) -> DynamoClient {
        self.client.clone()
    }

    /// An `aws-sdk-dynamodb` client for this server: region `us-east-1`, static test credentials.
    pub fn sdk_client(&self) -> aws_sdk_dynamodb::Client {
        self.client.sdk().clone()
    }
}

fn sdk_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .timeout_config(default_timeouts())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "local",
            "local",
            None,
            None,
            "dynamo_table-local",
        ))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// The server thread's body: a single-threaded runtime serving until `shutdown` fires.
fn serve(
    listener: std::net::TcpListener,
    db: dynoxide::Database,
    shutdown: tokio::sync::oneshot::Receiver<()>,
    ready: &mpsc::Sender<std::result::Result<(), String>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready.send(Err(format!("could not build a Tokio runtime: {e}")));
            return;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(e) => {
                let _ = ready.send(Err(format!("could not register the listener: {e}")));
                return;
            }
        };
        let _ = ready.send(Ok(()));
        let stop = async move {
            // A dropped sender means the handle is gone: stop as well.
            let _ = shutdown.await;
        };
        if let Err(e) = dynoxide::server::serve_with_shutdown(listener, db, stop).await {
            tracing::error!(error = %e, "embedded DynamoDB server failed");
        }
    });
}

impl Drop for LocalDynamo {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // Wait for the server to finish its in-flight requests, but never hang a test on a
        // client that keeps a connection half-open: after the grace period the thread is left
        // to finish on its own.
        let stopped = self
            .stopped
            .get_mut()
            .map(|rx| rx.recv_timeout(SHUTDOWN_WAIT).is_ok())
            .unwrap_or(false);
        if stopped && let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Where tests and examples find DynamoDB: the embedded server, or an endpoint the environment
/// names.
///
/// [`Backend::from_env`] reads, in order:
/// 1. `DYNAMO_TABLE_TEST_ENDPOINT`: a URL (e.g. `http://localhost:4566`) to use with the standard
///    AWS credentials and region, or `aws` for plain AWS from the standard configuration;
/// 2. `AWS_ENDPOINT_URL_DYNAMODB`, or `AWS_PROFILE=localstack`: the standard configuration
///    (see [`auto_config`]);
/// 3. otherwise: a fresh [`LocalDynamo`].
#[derive(Debug)]
pub enum Backend {
    /// The embedded server; it stops when this value is dropped.
    Embedded(LocalDynamo),
    /// An external endpoint (LocalStack, AWS, ...).
    External(DynamoClient),
}

impl Backend {
    /// Chooses the backend from the environment; see the [type docs](Backend).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), dynamo_table::Error> {
    /// let backend = dynamo_table::local::Backend::from_env().await?;
    /// println!("DynamoDB at {}", backend.client().endpoint());
    /// # Ok(()) }
    /// ```
    pub async fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok()).await
    }

    /// [`Backend::from_env`], reading variables through `lookup` (tests pass their own).
    async fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        if let Some(endpoint) = lookup("DYNAMO_TABLE_TEST_ENDPOINT") {
            let endpoint = endpoint.trim();
            if !endpoint.is_empty() {
                let mut config = auto_config().await.into_builder();
                if !endpoint.eq_ignore_ascii_case("aws") {
                    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
                        return Err(Error::Config {
                            message: format!(
                                "DYNAMO_TABLE_TEST_ENDPOINT is `{endpoint}`: set it to an \
                                 http:// or https:// URL, or to `aws`"
                            ),
                            source: None,
                        });
                    }
                    config = config.endpoint_url(endpoint);
                }
                return Ok(Backend::External(DynamoClient::new(&config.build())));
            }
        }
        let localstack = lookup("AWS_PROFILE").is_some_and(|p| p == LOCALSTACK_PROFILE);
        if localstack || lookup("AWS_ENDPOINT_URL_DYNAMODB").is_some() {
            return Ok(Backend::External(DynamoClient::new(&auto_config().await)));
        }
        Ok(Backend::Embedded(LocalDynamo::start()?))
    }

    /// A client for this backend (no table prefix).
    pub fn client(&self) -> DynamoClient {
        match self {
            Backend::Embedded(local) => local.client(),
            Backend::External(client) => client.clone(),
        }
    }

    /// True for the embedded server.
    pub fn is_embedded(&self) -> bool {
        matches!(self, Backend::Embedded(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_endpoint_named_in_the_environment_gets_timeouts() {
        // Accepts connections and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hole = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let backend = Backend::from_lookup(|name| match name {
            "DYNAMO_TABLE_TEST_ENDPOINT" => Some(hole.clone()),
            _ => None,
        })
        .await
        .unwrap();
        assert!(!backend.is_embedded());
        let client = backend.client();
        let timeouts = client.sdk().config().timeout_config().unwrap();
        assert_eq!(
            timeouts.operation_timeout(),
            Some(crate::config::DEFAULT_OPERATION_TIMEOUT)
        );
        // Region and credentials come from the machine's AWS configuration, which a test
        // machine may lack: supply them, keeping the backend's endpoint and timeouts.
        let sdk = aws_sdk_dynamodb::Client::from_conf(
            client
                .sdk()
                .config()
                .to_builder()
                .region(Region::new("us-east-1"))
                .credentials_provider(Credentials::new("t", "t", None, None, "test"))
                .build(),
        );
        let started = std::time::Instant::now();
        let err = sdk.list_tables().send().await.map(drop).unwrap_err();
        let elapsed = started.elapsed();
        assert!(
            elapsed <= crate::config::DEFAULT_OPERATION_TIMEOUT + Duration::from_secs(5),
            "{err:?} after {elapsed:?}"
        );
        assert!(
            matches!(err, aws_sdk_dynamodb::error::SdkError::TimeoutError(_)),
            "{err:?}"
        );
    }
}
