//! The client handle ([`DynamoClient`]) and the process-wide global client.

use std::sync::{Arc, PoisonError, RwLock};

use aws_types::service_config::ServiceConfigKey;
use dynamo_table_rules::names::check_prefix;

use crate::config::{SdkConfig, auto_config, lacks_timeouts, with_default_timeouts};
use crate::error::{Error, InvalidReason, Result};
use crate::operations::batch::BatchWrite;
use crate::operations::transact::{TransactGet, TransactWrite};
use crate::request::attempts::{counts_attempts, with_attempt_counter};
use crate::request::connection::Connection;
use crate::schema::DynamoTable;
use crate::table_handle::Table;

/// An `aws-sdk-dynamodb` client plus the table-name prefix it applies. Cheap to clone.
///
/// ```no_run
/// use dynamo_table::{DynamoClient, DynamoTable};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
///
/// # async fn run() -> Result<(), dynamo_table::Error> {
/// let config = dynamo_table::config::auto_config().await;
/// let staging = DynamoClient::new(&config).with_table_prefix("staging-")?;
/// assert_eq!(staging.table_name::<User>(), "staging-users");
/// let user = staging.table::<User>().get(("u1".to_string(), None)).await?;
/// # let _ = user;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct DynamoClient {
    conn: Connection,
}

/// Batch requests in flight at once per batch call, unless set with
/// [`DynamoClient::with_batch_concurrency`].
pub const DEFAULT_BATCH_CONCURRENCY: usize = crate::request::connection::DEFAULT_BATCH_CONCURRENCY;

impl DynamoClient {
    /// A client for this configuration (region, credentials, endpoint, retries, timeouts).
    /// Timeouts the configuration leaves unset get [`default_timeouts`](crate::config::default_timeouts): no request waits
    /// forever on an endpoint that accepts and never answers.
    pub fn new(config: &SdkConfig) -> Self {
        let sdk = aws_sdk_dynamodb::Config::from(config);
        let sdk = completed(&sdk).unwrap_or(sdk);
        DynamoClient {
            conn: Connection::new(
                aws_sdk_dynamodb::Client::from_conf(sdk),
                endpoint_of(config),
            ),
        }
    }

    /// Wraps an existing SDK client. If its configuration leaves a connect, read or operation
    /// timeout unset, the wrapped client gets [`default_timeouts`](crate::config::default_timeouts) for those (the SDK sets none
    /// by default); the timeouts it has are kept. As for
    /// [`DynamoClient::from_client_at`], requests go through a copy of its configuration.
    pub fn from_client(client: aws_sdk_dynamodb::Client) -> Self {
        let endpoint = match client.config().region() {
            Some(region) => format!("the client's endpoint (region {region})"),
            None => "the client's endpoint (no region is set)".to_owned(),
        };
        Self::from_client_at(client, endpoint)
    }

    /// Wraps an existing SDK client whose endpoint is known, so errors can name it; timeouts
    /// as for [`DynamoClient::from_client`].
    ///
    /// The client is used through a copy of its configuration with one interceptor added,
    /// which counts each write's attempts (to tell a write that may have happened from one
    /// that did not); `client` itself is not changed. A configuration without its own HTTP
    /// client gets the SDK's default one, so set one
    /// (`Config::builder().http_client(..)`) to share connections with `client`.
    pub fn from_client_at(client: aws_sdk_dynamodb::Client, endpoint: impl Into<String>) -> Self {
        let client = match completed(client.config()) {
            Some(config) => aws_sdk_dynamodb::Client::from_conf(config),
            None => client,
        };
        DynamoClient {
            conn: Connection::new(client, endpoint.into()),
        }
    }

    /// Prefixes every table name with `prefix` (`"staging-"` turns `users` into
    /// `staging-users`). Table names allow `A-Z a-z 0-9 _ - .`, so the prefix must too.
    ///
    /// ```
    /// # async fn run() {
    /// # let config = dynamo_table::config::auto_config().await;
    /// let client = dynamo_table::DynamoClient::new(&config);
    /// assert!(client.clone().with_table_prefix("prod-").is_ok());
    /// assert!(client.with_table_prefix("prod users/").is_err());
    /// # }
    /// ```
    pub fn with_table_prefix(mut self, prefix: impl Into<String>) -> Result<Self> {
        let prefix = prefix.into();
        check_prefix(&prefix)
            .map_err(|problem| Error::invalid(InvalidReason::TablePrefix, problem))?;
        self.conn.prefix = Arc::from(prefix);
        Ok(self)
    }

    /// Sets how many requests one batch call keeps in flight at once (at least 1; default
    /// [`DEFAULT_BATCH_CONCURRENCY`]).
    ///
    /// ```
    /// # async fn run() {
    /// # let config = dynamo_table::config::auto_config().await;
    /// let client = dynamo_table::DynamoClient::new(&config).with_batch_concurrency(8);
    /// assert_eq!(client.batch_concurrency(), 8);
    /// # }
    /// ```
    pub fn with_batch_concurrency(mut self, requests: usize) -> Self {
        self.conn.batch_concurrency = requests.max(1);
        self
    }

    /// Signs every page token (cursor) this client hands out with `key` (HMAC-SHA256), and
    /// accepts only tokens it signed: a client that alters a token, or makes one up, gets
    /// [`InvalidReason::TokenSignature`](crate::error::InvalidReason::TokenSignature). Use a
    /// secret of at least 32 random bytes, the same on every server that resumes the tokens.
    ///
    /// ```
    /// # async fn run() {
    /// # let config = dynamo_table::config::auto_config().await;
    /// let client = dynamo_table::DynamoClient::new(&config).with_token_key(b"32 bytes of secret, not this one");
    /// # let _ = client;
    /// # }
    /// ```
    pub fn with_token_key(mut self, key: impl AsRef<[u8]>) -> Self {
        self.conn.token_key = Some(Arc::from(key.as_ref()));
        self
    }

    /// How many requests one batch call keeps in flight at once.
    pub fn batch_concurrency(&self) -> usize {
        self.conn.batch_concurrency
    }

    /// The table-name prefix (empty by default).
    pub fn table_prefix(&self) -> &str {
        &self.conn.prefix
    }

    /// The endpoint requests go to, as named in error messages.
    pub fn endpoint(&self) -> &str {
        &self.conn.endpoint
    }

    /// The underlying SDK client, for requests this crate does not wrap.
    pub fn sdk(&self) -> &aws_sdk_dynamodb::Client {
        &self.conn.sdk
    }

    /// The full name of `T`'s table on this client: prefix + `T::TABLE`.
    pub fn table_name<T: DynamoTable>(&self) -> String {
        self.conn.table_name::<T>()
    }

    /// A handle on `T`'s table through this client, with every table operation.
    pub fn table<T: DynamoTable>(&self) -> Table<T> {
        Table::new(self.conn.clone())
    }

    /// Starts a batch of puts and deletes across any tables; see [`BatchWrite`].
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "users")]
    /// # struct User { #[dynamo(pk)] user_id: String }
    /// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
    /// let report = client
    ///     .batch_write()
    ///     .put(&User { user_id: "u1".into() })
    ///     .delete::<User>(UserKey { user_id: "u0".into() })
    ///     .execute()
    ///     .await?;
    /// assert_eq!(report.written() + report.failed(), 2);
    /// # Ok(()) }
    /// ```
    pub fn batch_write(&self) -> BatchWrite {
        BatchWrite::new(self.conn.clone())
    }

    /// A write transaction over any tables of this client: up to 100 puts, updates, deletes and
    /// condition checks, applied all together or not at all, and once (see
    /// [`TransactWrite`](crate::transaction::TransactWrite)).
    ///
    /// ```no_run
    /// # use dynamo_table::DynamoTable;
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "orders")]
    /// # struct Order { #[dynamo(pk)] order_id: String, status: String }
    /// # #[derive(Serialize, Deserialize, DynamoTable)]
    /// # #[dynamo(table = "stock")]
    /// # struct Stock { #[dynamo(pk)] sku: String, left: i64 }
    /// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
    /// client
    ///     .transact_write()
    ///     .put_with_condition(
    ///         &Order { order_id: "o1".into(), status: "placed".into() },
    ///         "attribute_not_exists(order_id)",
    ///         (),
    ///     )
    ///     .update_with_condition::<Stock>(
    ///         StockKey { sku: "s1".into() },
    ///         serde_json::json!({ "left": 4 }),
    ///         "#left = :was",
    ///         serde_json::json!({ ":was": 5 }),
    ///     )
    ///     .execute()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn transact_write(&self) -> TransactWrite {
        TransactWrite::new(self.conn.clone())
    }

    /// A read of up to 100 items of any tables of this client, as one snapshot (see
    /// [`TransactGet`](crate::transaction::TransactGet)).
    pub fn transact_get(&self) -> TransactGet {
        TransactGet::new(self.conn.clone())
    }
}

/// `config` as this crate sends through it: [`default_timeouts`](crate::config::default_timeouts)
/// where it leaves one unset, and the interceptor that counts each write's attempts; `None` when
/// it has both already. So a client is built once, and not at all for a client that is ready.
fn completed(config: &aws_sdk_dynamodb::Config) -> Option<aws_sdk_dynamodb::Config> {
    let counted = counts_attempts(config);
    if counted && !lacks_timeouts(config.timeout_config()) {
        return None;
    }
    let mut builder = config
        .to_builder()
        .timeout_config(with_default_timeouts(config.timeout_config()));
    if !counted {
        builder = with_attempt_counter(builder);
    }
    Some(builder.build())
}

/// The endpoint a client built from `config` sends to, resolved in the SDK's order: an endpoint
/// set in code, then `AWS_ENDPOINT_URL_DYNAMODB` (or the profile's `dynamodb` section), then
/// `AWS_ENDPOINT_URL`, then the region's AWS endpoint.
fn endpoint_of(config: &SdkConfig) -> String {
    let set_in_code = config.get_origin("endpoint_url").is_client_config();
    let for_dynamodb = || {
        let key = ServiceConfigKey::builder()
            .service_id("DynamoDB")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .ok()?;
        config.service_config()?.load_config(key)
    };
    let url = if set_in_code { None } else { for_dynamodb() }
        .or_else(|| config.endpoint_url().map(str::to_owned));
    match (url, config.region()) {
        (Some(url), _) => url,
        (None, Some(region)) => format!("https://dynamodb.{region}.amazonaws.com"),
        (None, None) => "the default AWS endpoint (no region is set)".to_owned(),
    }
}

/// The global client. Each client set is leaked (a few hundred bytes per `init` call), so that
/// [`dynamodb_client`] can hand out `&'static` references to it, as the published API does.
static GLOBAL: RwLock<Option<&'static DynamoClient>> = RwLock::new(None);
static AUTO_INIT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The global client if one is set, without creating one.
pub(crate) fn peek_global() -> Option<&'static DynamoClient> {
    *GLOBAL.read().unwrap_or_else(PoisonError::into_inner)
}

/// Makes `client` the global client.
///
/// Unlike dynamo_table 0.x, a later call is never ignored: it **replaces** the global client.
/// Operations already running finish on the client they started with; every operation started
/// afterwards uses the new one.
///
/// ```
/// # async fn run() {
/// # let config = dynamo_table::config::auto_config().await;
/// let staging = dynamo_table::DynamoClient::new(&config).with_table_prefix("staging-").unwrap();
/// dynamo_table::set_global_client(staging);
/// assert_eq!(dynamo_table::global_client().await.table_prefix(), "staging-");
/// # }
/// ```
pub fn set_global_client(client: DynamoClient) {
    let leaked: &'static DynamoClient = Box::leak(Box::new(client));
    *GLOBAL.write().unwrap_or_else(PoisonError::into_inner) = Some(leaked);
}

/// Sets the global client from a configuration; replaces any earlier one (see
/// [`set_global_client`]). Timeouts as for [`DynamoClient::new`].
pub async fn init(config: &SdkConfig) {
    set_global_client(DynamoClient::new(config));
}

/// Sets the global client to an existing SDK client; replaces any earlier one (see
/// [`set_global_client`]).
pub async fn init_with_client(client: aws_sdk_dynamodb::Client) {
    set_global_client(DynamoClient::from_client(client));
}

/// The global client. If none was set, it is created from [`auto_config`] on first use.
///
/// ```no_run
/// # async fn run() {
/// let client = dynamo_table::global_client().await;
/// println!("DynamoDB at {}", client.endpoint());
/// # }
/// ```
pub async fn global_client() -> DynamoClient {
    global_ref().await.clone()
}

/// The global client's SDK client, as the published API returns it: created from
/// [`auto_config`] on first use if none was set. After [`init`] replaces the global client,
/// this returns the new one's.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let tables = dynamo_table::dynamodb_client().await.list_tables().send().await?;
/// println!("{:?}", tables.table_names());
/// # Ok(()) }
/// ```
pub async fn dynamodb_client() -> &'static aws_sdk_dynamodb::Client {
    global_ref().await.sdk()
}

async fn global_ref() -> &'static DynamoClient {
    if let Some(client) = peek_global() {
        return client;
    }
    let _guard = AUTO_INIT.lock().await;
    if let Some(client) = peek_global() {
        return client;
    }
    let client = DynamoClient::new(&auto_config().await);
    let mut slot = GLOBAL.write().unwrap_or_else(PoisonError::into_inner);
    // `init` may have run while the configuration loaded; an explicit client wins.
    *slot.get_or_insert_with(|| Box::leak(Box::new(client)))
}
