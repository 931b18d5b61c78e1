//! Client configuration: the `defaults(...)` loader, the SDK's configuration types, retry
//! settings and the defaults the global client configures itself with.

use std::time::Duration;

use aws_config::retry::RetryConfig as SdkRetryConfig;

pub use crate::schema::RetryConfig;
pub use aws_config::retry::RetryMode;
pub use aws_config::timeout::TimeoutConfig;
pub use aws_config::{BehaviorVersion, Region, SdkConfig};

/// How long a connection may take to open, unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one attempt may wait for the first byte of an answer, unless configured otherwise.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one operation may take in all, retries included, unless configured otherwise.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The timeouts every client the library builds gets where its configuration sets none:
/// [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_READ_TIMEOUT`], [`DEFAULT_OPERATION_TIMEOUT`]. A
/// timeout you set, or disable explicitly, is kept.
///
/// ```
/// use dynamo_table::config::{DEFAULT_OPERATION_TIMEOUT, default_timeouts};
/// assert_eq!(default_timeouts().operation_timeout(), Some(DEFAULT_OPERATION_TIMEOUT));
/// ```
pub fn default_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .read_timeout(DEFAULT_READ_TIMEOUT)
        .operation_timeout(DEFAULT_OPERATION_TIMEOUT)
        .build()
}

/// `configured`, with [`default_timeouts`] filling whatever it leaves unset.
pub(crate) fn with_default_timeouts(configured: Option<&TimeoutConfig>) -> TimeoutConfig {
    let mut timeouts = configured
        .cloned()
        .unwrap_or_else(|| TimeoutConfig::builder().build());
    timeouts.take_defaults_from(&default_timeouts());
    timeouts
}

/// True when `timeouts` leaves connect, read or operation timeout unset.
pub(crate) fn lacks_timeouts(timeouts: Option<&TimeoutConfig>) -> bool {
    timeouts.is_none_or(|t| {
        t.connect_timeout().is_none()
            || t.read_timeout().is_none()
            || t.operation_timeout().is_none()
    })
}

/// The endpoint used when `AWS_PROFILE=localstack`.
pub(crate) const LOCALSTACK_ENDPOINT: &str = "http://localhost:4566";

/// The `AWS_PROFILE` that selects LocalStack.
pub(crate) const LOCALSTACK_PROFILE: &str = "localstack";

/// True when `AWS_PROFILE=localstack` selects LocalStack.
pub(crate) fn localstack_profile() -> bool {
    std::env::var("AWS_PROFILE").is_ok_and(|p| p == LOCALSTACK_PROFILE)
}

/// Starts loading an [`SdkConfig`] from the standard AWS sources (environment, profile, instance
/// metadata), like `aws_config::defaults`, with setters that also take this crate's
/// [`RetryConfig`].
///
/// ```no_run
/// use dynamo_table::config::{BehaviorVersion, Region, defaults};
/// use dynamo_table::init;
///
/// # async fn run() {
/// let config = defaults(BehaviorVersion::latest())
///     .region(Region::new("us-west-2"))
///     .load()
///     .await;
/// init(&config).await;
/// # }
/// ```
pub fn defaults(version: BehaviorVersion) -> ConfigLoader {
    ConfigLoader {
        inner: aws_config::defaults(version),
    }
}

/// A builder for an [`SdkConfig`]; see [`defaults`].
///
/// ```no_run
/// use dynamo_table::config::{BehaviorVersion, Region, RetryConfig, TimeoutConfig, defaults};
/// use std::time::Duration;
/// # async fn run() {
/// let config = defaults(BehaviorVersion::latest())
///     .region(Region::new("eu-west-1"))
///     .retry_config(RetryConfig::standard().with_max_attempts(5))
///     .timeout_config(TimeoutConfig::builder().operation_timeout(Duration::from_secs(30)).build())
///     .load()
///     .await;
/// dynamo_table::init(&config).await;
/// # }
/// ```
#[derive(Debug, Default)]
#[must_use = "call `.load().await` to get the configuration"]
pub struct ConfigLoader {
    inner: aws_config::ConfigLoader,
}

impl ConfigLoader {
    /// Sets the region.
    pub fn region(
        mut self,
        region: impl aws_config::meta::region::ProvideRegion + 'static,
    ) -> Self {
        self.inner = self.inner.region(region);
        self
    }

    /// Sets the SDK's retry policy; takes `aws_config`'s `RetryConfig` or this crate's.
    pub fn retry_config(mut self, config: impl Into<SdkRetryConfig>) -> Self {
        self.inner = self.inner.retry_config(config.into());
        self
    }

    /// Sets connect, read and operation timeouts.
    pub fn timeout_config(mut self, config: TimeoutConfig) -> Self {
        self.inner = self.inner.timeout_config(config);
        self
    }

    /// Sends every request to `url` (LocalStack, DynamoDB Local, a proxy) instead of AWS.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.inner = self.inner.endpoint_url(url);
        self
    }

    /// Sets the credentials provider.
    pub fn credentials_provider(
        mut self,
        provider: impl aws_sdk_dynamodb::config::ProvideCredentials + 'static,
    ) -> Self {
        self.inner = self.inner.credentials_provider(
            aws_sdk_dynamodb::config::SharedCredentialsProvider::new(provider),
        );
        self
    }

    /// Uses the named profile of `~/.aws/config`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.inner = self.inner.profile_name(name);
        self
    }

    /// Applies any other setting of `aws_config::ConfigLoader`.
    ///
    /// ```no_run
    /// # async fn run() {
    /// let config = dynamo_table::config::defaults(dynamo_table::config::BehaviorVersion::latest())
    ///     .map(|loader| loader.app_name(aws_config::AppName::new("orders").expect("valid name")))
    ///     .load()
    ///     .await;
    /// # let _ = config;
    /// # }
    /// ```
    pub fn map(
        mut self,
        f: impl FnOnce(aws_config::ConfigLoader) -> aws_config::ConfigLoader,
    ) -> Self {
        self.inner = f(self.inner);
        self
    }

    /// Loads the configuration. Timeouts it leaves unset get [`default_timeouts`].
    pub async fn load(self) -> SdkConfig {
        let config = self.inner.load().await;
        let timeouts = with_default_timeouts(config.timeout_config());
        config.into_builder().timeout_config(timeouts).build()
    }
}

impl From<aws_config::ConfigLoader> for ConfigLoader {
    fn from(inner: aws_config::ConfigLoader) -> Self {
        ConfigLoader { inner }
    }
}

/// The configuration the global client initialises itself with on first use.
///
/// The standard AWS sources (environment, profile, instance metadata; `AWS_ENDPOINT_URL_DYNAMODB`
/// included), with:
/// - adaptive retries: 3 attempts, 1 s initial backoff;
/// - [`default_timeouts`]: 3 s connect, 10 s read, 30 s per operation;
/// - `AWS_PROFILE=localstack`: endpoint `http://localhost:4566`, region `us-east-1` unless one is
///   set, and test credentials unless `AWS_ACCESS_KEY_ID` is set.
///
/// ```no_run
/// # async fn run() {
/// let config = dynamo_table::config::auto_config().await;
/// dynamo_table::init(&config).await;
/// # }
/// ```
pub async fn auto_config() -> SdkConfig {
    let retry = SdkRetryConfig::adaptive()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_secs(1));
    let timeouts = default_timeouts();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if localstack_profile() {
        loader = loader.endpoint_url(LOCALSTACK_ENDPOINT).region(
            aws_config::meta::region::RegionProviderChain::default_provider().or_else("us-east-1"),
        );
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            loader = loader.credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "test",
                "test",
                None,
                None,
                "dynamo_table-localstack",
            ));
        }
    }
    loader.load().await
}
