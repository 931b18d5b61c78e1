//! The one error type of the crate.

/// A boxed error kept as the [`source`](std::error::Error::source) of an [`Error`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `dynamo_table`.
///
/// Each message names what failed (table, operation, endpoint) and what to do about it. Match on
/// the variants, or use the `is_*` helpers, which keep working when variants are added.
///
/// ```
/// use dynamo_table::Error;
///
/// fn describe(e: &Error) -> &'static str {
///     if e.is_conditional_check_failed() {
///         "someone else changed the item first"
///     } else if e.is_table_not_found() {
///         "create the table first"
///     } else {
///         "something else"
///     }
/// }
/// let e = Error::InvalidInput { message: "limit must be at least 1".into() };
/// assert_eq!(describe(&e), "something else");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The table does not exist at the endpoint the client talks to.
    #[error(
        "table `{table}` was not found at {endpoint}: create it first (for example with \
         `DynamoClient::create_table`), or check the table name, the client's table prefix and \
         the region"
    )]
    TableNotFound {
        /// The full table name that was asked for, prefix included.
        table: String,
        /// The endpoint the request went to.
        endpoint: String,
        /// The service error.
        #[source]
        source: BoxError,
    },

    /// A condition expression on a put, update or delete was not met.
    #[error(
        "the condition on {operation} in table `{table}` was not met: the item is not in the \
         state the condition requires (read it again, or drop the condition)"
    )]
    ConditionalCheckFailed {
        /// The table the request was for.
        table: String,
        /// The DynamoDB operation, e.g. `PutItem`.
        operation: &'static str,
        /// The service error.
        #[source]
        source: BoxError,
    },

    /// DynamoDB rejected the request as invalid (`ValidationException`).
    #[error("DynamoDB rejected {operation} on table `{table}`: {message}")]
    Validation {
        /// The table the request was for.
        table: String,
        /// The DynamoDB operation.
        operation: &'static str,
        /// DynamoDB's own explanation.
        message: String,
        /// The service error.
        #[source]
        source: BoxError,
    },

    /// The request was throttled and the SDK's retries ran out.
    #[error(
        "{operation} on table `{table}` was throttled ({code}) after the SDK's retries: lower the \
         request rate, raise the table's capacity, or switch it to on-demand billing"
    )]
    Throttled {
        /// The table the request was for.
        table: String,
        /// The DynamoDB operation.
        operation: &'static str,
        /// The error code, e.g. `ProvisionedThroughputExceededException`.
        code: String,
        /// The service error.
        #[source]
        source: BoxError,
    },

    /// The endpoint could not be reached (connection refused, DNS failure, TLS failure).
    #[error(
        "could not reach DynamoDB at {endpoint} for {operation} on table `{table}` ({reason}): \
         check the endpoint (AWS_ENDPOINT_URL_DYNAMODB), the region and the network"
    )]
    Unreachable {
        /// The endpoint the request went to.
        endpoint: String,
        /// The DynamoDB operation.
        operation: &'static str,
        /// The table the request was for.
        table: String,
        /// What the connector reported.
        reason: String,
        /// The SDK error.
        #[source]
        source: BoxError,
    },

    /// The request timed out.
    #[error(
        "{operation} on table `{table}` timed out talking to {endpoint}: check the network, or \
         raise the timeouts with `TimeoutConfig`"
    )]
    Timeout {
        /// The endpoint the request went to.
        endpoint: String,
        /// The DynamoDB operation.
        operation: &'static str,
        /// The table the request was for.
        table: String,
        /// The SDK error.
        #[source]
        source: BoxError,
    },

    /// The client is not configured well enough to send a request (no region, no credentials...).
    #[error("the DynamoDB client is misconfigured: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
        /// The underlying error, where there is one.
        #[source]
        source: Option<BoxError>,
    },

    /// Any other error DynamoDB returned.
    #[error("{operation} on table `{table}` failed with {code}: {message}")]
    Service {
        /// The table the request was for.
        table: String,
        /// The DynamoDB operation.
        operation: &'static str,
        /// The error code DynamoDB returned.
        code: String,
        /// DynamoDB's message.
        message: String,
        /// The SDK error.
        #[source]
        source: BoxError,
    },

    /// A value could not be converted into a DynamoDB item or attribute.
    #[error("could not write a `{type_name}` as a DynamoDB item for table `{table}`: {source}")]
    Serialization {
        /// The table the item was meant for.
        table: String,
        /// The Rust type that failed to serialize.
        type_name: &'static str,
        /// What serde reported.
        #[source]
        source: serde_dynamo::Error,
    },

    /// An item read from DynamoDB does not fit the Rust type.
    #[error(
        "an item of table `{table}` does not fit `{type_name}`: attribute `{attribute}`: \
         {source} (check the field's type, or make it an `Option` if items may lack it)"
    )]
    Deserialization {
        /// The table the item came from.
        table: String,
        /// The Rust type the item was read into.
        type_name: &'static str,
        /// The attribute (path) that did not fit, e.g. `total` or `address.zip`.
        attribute: String,
        /// What serde reported.
        #[source]
        source: serde_dynamo::Error,
    },

    /// The library refused the input before sending anything; the message says how to fix it.
    #[error("{message}")]
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// A batch left this item or key unprocessed through every retry the table's
    /// `BATCH_RETRIES_CONFIG` allows. It was not written (or read).
    #[error(
        "DynamoDB left this request on table `{table}` unprocessed after {attempts} attempts \
         (the table or partition is throttled): retry it later, raise the table's capacity, or \
         allow more retries in `BATCH_RETRIES_CONFIG`"
    )]
    Unprocessed {
        /// The table the request was for.
        table: String,
        /// How many times it was sent.
        attempts: u32,
    },

    /// The embedded local DynamoDB could not start.
    #[error("the embedded DynamoDB could not start: {message}")]
    LocalServer {
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// True when a condition expression was not met (on put, update or delete alike).
    pub fn is_conditional_check_failed(&self) -> bool {
        matches!(self, Error::ConditionalCheckFailed { .. })
    }

    /// True when an item could not be converted to or from DynamoDB's format.
    pub fn is_serialization_error(&self) -> bool {
        matches!(
            self,
            Error::Serialization { .. } | Error::Deserialization { .. }
        )
    }

    /// True when DynamoDB itself answered with an error (as opposed to a client-side check,
    /// a conversion or a network failure).
    pub fn is_dynamodb_error(&self) -> bool {
        matches!(
            self,
            Error::TableNotFound { .. }
                | Error::ConditionalCheckFailed { .. }
                | Error::Validation { .. }
                | Error::Throttled { .. }
                | Error::Unprocessed { .. }
                | Error::Service { .. }
        )
    }

    /// True when the table does not exist.
    pub fn is_table_not_found(&self) -> bool {
        matches!(self, Error::TableNotFound { .. })
    }

    /// True when DynamoDB rejected the request as invalid.
    pub fn is_validation_error(&self) -> bool {
        matches!(self, Error::Validation { .. })
    }

    /// True when the request was throttled.
    pub fn is_throttled(&self) -> bool {
        matches!(self, Error::Throttled { .. })
    }

    /// True when the endpoint could not be reached or did not answer in time.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Unreachable { .. } | Error::Timeout { .. })
    }

    /// True for errors worth retrying later: throttling, unprocessed batch requests, network
    /// failures and timeouts, and DynamoDB's internal errors.
    ///
    /// ```
    /// let e = dynamo_table::Error::Unprocessed { table: "orders".into(), attempts: 3 };
    /// assert!(e.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Throttled { .. }
            | Error::Unprocessed { .. }
            | Error::Unreachable { .. }
            | Error::Timeout { .. } => true,
            Error::Service { code, .. } => matches!(
                code.as_str(),
                "InternalServerError"
                    | "InternalFailure"
                    | "ServiceUnavailable"
                    | "TransactionInProgressException"
            ),
            _ => false,
        }
    }

    /// True when the library refused the input before sending a request.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput { .. })
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }
}
