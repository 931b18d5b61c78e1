//! The client handle ([`DynamoClient`]) and the process-wide global client.

use std::sync::{Arc, PoisonError, RwLock};

use crate::config::{SdkConfig, auto_config};
use crate::error::{Error, Result};
use crate::handle::Table;
use crate::table::DynamoTable;

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
/// let config = dynamo_table::auto_config().await;
/// let staging = DynamoClient::new(&config).with_table_prefix("staging-")?;
/// assert_eq!(staging.table_name::<User>(), "staging-users");
/// let user = staging.table::<User>().get_item(&"u1".to_string(), None).await?;
/// # let _ = user;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct DynamoClient {
    sdk: aws_sdk_dynamodb::Client,
    prefix: Arc<str>,
    endpoint: Arc<str>,
    batch_concurrency: usize,
}

/// Batch requests in flight at once per batch call, unless set with
/// [`DynamoClient::with_batch_concurrency`].
pub const DEFAULT_BATCH_CONCURRENCY: usize = 4;

impl DynamoClient {
    /// A client for this configuration (region, credentials, endpoint, retries, timeouts).
    pub fn new(config: &SdkConfig) -> Self {
        let endpoint = match (config.endpoint_url(), config.region()) {
            (Some(url), _) => url.to_owned(),
            (None, Some(region)) => format!("https://dynamodb.{region}.amazonaws.com"),
            (None, None) => "the default AWS endpoint (no region is set)".to_owned(),
        };
        DynamoClient {
            sdk: aws_sdk_dynamodb::Client::new(config),
            prefix: Arc::from(""),
            endpoint: Arc::from(endpoint),
            batch_concurrency: DEFAULT_BATCH_CONCURRENCY,
        }
    }

    /// Wraps an existing SDK client.
    pub fn from_client(client: aws_sdk_dynamodb::Client) -> Self {
        let endpoint = match client.config().region() {
            Some(region) => format!("the client's endpoint (region {region})"),
            None => "the client's endpoint (no region is set)".to_owned(),
        };
        Self::from_client_at(client, endpoint)
    }

    /// Wraps an existing SDK client whose endpoint is known, so errors can name it.
    pub fn from_client_at(client: aws_sdk_dynamodb::Client, endpoint: impl Into<String>) -> Self {
        DynamoClient {
            sdk: client,
            prefix: Arc::from(""),
            endpoint: Arc::from(endpoint.into()),
            batch_concurrency: DEFAULT_BATCH_CONCURRENCY,
        }
    }

    /// Prefixes every table name with `prefix` (`"staging-"` turns `users` into
    /// `staging-users`). Table names allow `A-Z a-z 0-9 _ - .`, so the prefix must too.
    ///
    /// ```
    /// # async fn run() {
    /// # let config = dynamo_table::auto_config().await;
    /// let client = dynamo_table::DynamoClient::new(&config);
    /// assert!(client.clone().with_table_prefix("prod-").is_ok());
    /// assert!(client.with_table_prefix("prod users/").is_err());
    /// # }
    /// ```
    pub fn with_table_prefix(mut self, prefix: impl Into<String>) -> Result<Self> {
        let prefix = prefix.into();
        if let Some(bad) = prefix.chars().find(|c| !is_table_name_char(*c)) {
            return Err(Error::invalid(format!(
                "table prefix `{prefix}` contains `{bad}`: DynamoDB table names allow only \
                 A-Z a-z 0-9 _ - ."
            )));
        }
        if prefix.len() > 252 {
            return Err(Error::invalid(format!(
                "table prefix `{prefix}` is {} characters long: table names are at most 255 \
                 characters, so keep the prefix under 253",
                prefix.len()
            )));
        }
        self.prefix = Arc::from(prefix);
        Ok(self)
    }

    /// Sets how many requests one batch call keeps in flight at once (at least 1; default
    /// [`DEFAULT_BATCH_CONCURRENCY`]).
    ///
    /// ```
    /// # async fn run() {
    /// # let config = dynamo_table::auto_config().await;
    /// let client = dynamo_table::DynamoClient::new(&config).with_batch_concurrency(8);
    /// assert_eq!(client.batch_concurrency(), 8);
    /// # }
    /// ```
    pub fn with_batch_concurrency(mut self, requests: usize) -> Self {
        self.batch_concurrency = requests.max(1);
        self
    }

    /// How many requests one batch call keeps in flight at once.
    pub fn batch_concurrency(&self) -> usize {
        self.batch_concurrency
    }

    /// The table-name prefix (empty by default).
    pub fn table_prefix(&self) -> &str {
        &self.prefix
    }

    /// The endpoint requests go to, as named in error messages.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The underlying SDK client, for requests this crate does not wrap.
    pub fn sdk(&self) -> &aws_sdk_dynamodb::Client {
        &self.sdk
    }

    /// The full name of `T`'s table on this client: prefix + `T::TABLE`.
    pub fn table_name<T: DynamoTable>(&self) -> String {
        format!("{}{}", self.prefix, T::TABLE)
    }

    /// A handle on `T`'s table through this client, with every table operation.
    pub fn table<T: DynamoTable>(&self) -> Table<T> {
        Table::new(self.clone())
    }

    /// Creates `T`'s table from its key schema, with on-demand billing, and waits until it is
    /// active. See [`Table::create`].
    pub async fn create_table<T: DynamoTable>(&self) -> Result<()> {
        self.table::<T>().create().await
    }

    /// Creates `T`'s table unless it exists; returns whether it was created.
    pub async fn create_table_if_not_exists<T: DynamoTable>(&self) -> Result<bool> {
        self.table::<T>().create_if_not_exists().await
    }

    /// Deletes `T`'s table and everything in it.
    pub async fn delete_table<T: DynamoTable>(&self) -> Result<()> {
        self.table::<T>().delete_table().await
    }
}

pub(crate) fn is_table_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

static GLOBAL: RwLock<Option<DynamoClient>> = RwLock::new(None);
static AUTO_INIT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn current_global() -> Option<DynamoClient> {
    GLOBAL
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Makes `client` the global client.
///
/// Unlike the seed crate, a later call is never ignored: it **replaces** the global client.
/// Operations already running finish on the client they started with; every operation started
/// afterwards uses the new one.
///
/// ```
/// # async fn run() {
/// # let config = dynamo_table::auto_config().await;
/// let staging = dynamo_table::DynamoClient::new(&config).with_table_prefix("staging-").unwrap();
/// dynamo_table::set_global_client(staging);
/// assert_eq!(dynamo_table::global_client().await.table_prefix(), "staging-");
/// # }
/// ```
pub fn set_global_client(client: DynamoClient) {
    *GLOBAL.write().unwrap_or_else(PoisonError::into_inner) = Some(client);
}

/// Sets the global client from a configuration; replaces any earlier one (see
/// [`set_global_client`]).
pub async fn init(config: &SdkConfig) {
    set_global_client(DynamoClient::new(config));
}

/// Sets the global client to an existing SDK client; replaces any earlier one (see
/// [`set_global_client`]).
pub async fn init_with_client(client: aws_sdk_dynamodb::Client) {
    set_global_client(DynamoClient::from_client(client));
}

/// The global client. If none was set, it is created from [`auto_config`] on first use.
pub async fn global_client() -> DynamoClient {
    if let Some(client) = current_global() {
        return client;
    }
    let _guard = AUTO_INIT.lock().await;
    if let Some(client) = current_global() {
        return client;
    }
    let client = DynamoClient::new(&auto_config().await);
    let mut slot = GLOBAL.write().unwrap_or_else(PoisonError::into_inner);
    // `init` may have run while the configuration loaded; an explicit client wins.
    slot.get_or_insert(client).clone()
}
