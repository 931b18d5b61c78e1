//! The one error type of the crate, the kinds its variants fall into, and the reasons input is
//! refused before anything is sent.

use std::sync::Arc;

/// A boxed error kept as the [`source`](std::error::Error::source) of an [`Error`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `dynamo_table`.
///
/// Each message names what failed (table, operation, endpoint) and what to do about it. Match on
/// the variants, on [`Error::kind`], or use the `is_*` helpers, which derive from the kind and
/// keep working when variants are added.
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
/// let e = Error::InvalidInput {
///     reason: dynamo_table::error::InvalidReason::Limit,
///     message: "limit must be at least 1".into(),
/// };
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
        /// The item as it is now, which DynamoDB returns with the failure
        /// (`ReturnValuesOnConditionCheckFailure=ALL_OLD`); empty when there is none, or for
        /// requests the library did not make. Not shown by `Debug` or `Display`.
        current: CurrentItem,
        /// The service error.
        #[source]
        source: BoxError,
    },

    /// A versioned write (`#[dynamo(version)]`) found the item at another version than the one
    /// it expected: it was written since it was read (or, expecting version 0, it exists).
    /// Nothing was written. Read the item again and redo the change on what is there.
    /// [`is_conditional_check_failed`](Error::is_conditional_check_failed) is true for it too.
    #[error(
        "{operation} on table `{table}` expected the item at {} and found {}: it was written \
         since it was read; read it again and redo the change on what is there",
        describe_version(Some(*expected)),
        describe_version(*found)
    )]
    VersionConflict {
        /// The table the request was for.
        table: String,
        /// The DynamoDB operation, e.g. `PutItem`.
        operation: &'static str,
        /// The version the write expected (0: an item never written).
        expected: u64,
        /// The version stored: `None` when there is no item (or its version is not a number).
        found: Option<u64>,
        /// The item as it is now (see [`Error::current_item`]). Not shown by `Debug` or
        /// `Display`.
        current: CurrentItem,
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
        /// What the code means: [`ErrorKind::ServerError`] for DynamoDB's internal errors (worth
        /// retrying), [`ErrorKind::TableInUse`] for a table being created, changed or deleted,
        /// [`ErrorKind::Service`] for any other code.
        kind: ErrorKind,
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
        /// Which rule the input broke, for callers that handle some refusals themselves.
        reason: InvalidReason,
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

    /// A write failed in a way that does not tell whether DynamoDB applied it: an attempt went
    /// out and got no answer (a dropped connection, a timeout) or a 5xx, and the SDK's retries
    /// did not settle it. Read the item to know, or use a write that can be repeated safely (a
    /// conditional write, an idempotent increment, a transaction with its token).
    /// [`kind`](Error::kind) is the last attempt's.
    #[error(
        "{operation} on table `{table}` may or may not have been applied: {unanswered} of \
         {attempts} attempts got no answer or a server error, and the last one failed with: \
         {source}. Read the item to know before writing again"
    )]
    MaybeApplied {
        /// The table the request was for.
        table: String,
        /// The DynamoDB operation, e.g. `UpdateItem`.
        operation: &'static str,
        /// Attempts sent (for an item of a batch: the calls that carried its chunk).
        attempts: u32,
        /// Attempts that got no answer, or a 5xx (for a batch: such calls).
        unanswered: u32,
        /// How the last attempt failed.
        #[source]
        source: Arc<Error>,
    },

    /// DynamoDB canceled a transaction: nothing of it was applied. `reasons` has one entry per
    /// action, in order: `None` for actions that were fine, else why (`ConditionalCheckFailed`
    /// with the item as it is, `ValidationError`, ...).
    #[error(
        "the transaction on {tables} was canceled, nothing was applied: {}",
        describe_reasons(reasons)
    )]
    TransactionCanceled {
        /// The tables of the transaction.
        tables: String,
        /// Why, per action.
        reasons: Vec<CancellationReason>,
        /// The service error, reduced to its code and message.
        #[source]
        source: BoxError,
    },

    /// The embedded local DynamoDB could not start.
    #[error("the embedded DynamoDB could not start: {message}")]
    LocalServer {
        /// What went wrong.
        message: String,
    },
}

/// The item DynamoDB returned with a failed condition. Its `Debug` shows how many attributes it
/// has, never their values: errors end up in logs.
///
/// ```
/// use dynamo_table::error::CurrentItem;
/// use dynamo_table::aws_sdk_dynamodb::types::AttributeValue;
/// let item = CurrentItem::new(Some([("pin".to_string(), AttributeValue::S("1234".into()))].into()));
/// assert_eq!(format!("{item:?}"), "CurrentItem(1 attribute)");
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct CurrentItem(
    // Boxed on purpose: it rides in every `Error` that carries it, and keeps `Error` (and so
    // every `Result` of the crate) small; the extra allocation happens only on a failure.
    #[allow(clippy::box_collection)]
    Option<Box<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>>>,
);

impl CurrentItem {
    /// Wraps an item (or its absence).
    pub fn new(
        item: Option<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>>,
    ) -> Self {
        CurrentItem(item.map(Box::new))
    }

    /// The item, if DynamoDB returned one.
    pub fn get(
        &self,
    ) -> Option<&std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
        self.0.as_deref()
    }
}

impl std::fmt::Debug for CurrentItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("CurrentItem(none)"),
            Some(item) if item.len() == 1 => f.write_str("CurrentItem(1 attribute)"),
            Some(item) => write!(f, "CurrentItem({} attributes)", item.len()),
        }
    }
}

/// `version 3`, `no version (an item never written)`, `no item`.
fn describe_version(version: Option<u64>) -> String {
    match version {
        Some(0) => "version 0 (no item, or one written without a version)".to_owned(),
        Some(v) => format!("version {v}"),
        None => "no item".to_owned(),
    }
}

/// The versions of a versioned write that found another: what it expected, what is stored.
///
/// ```
/// use dynamo_table::error::VersionMismatch;
/// let m = VersionMismatch { expected: 3, found: Some(4) };
/// assert_ne!(Some(m.expected), m.found);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionMismatch {
    /// The version the write expected (0: an item never written).
    pub expected: u64,
    /// The version stored: `None` when there is no item (or its version is not a number).
    pub found: Option<u64>,
}

/// Why DynamoDB canceled one action of a transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct CancellationReason {
    /// The action's position in the transaction, from 0.
    pub position: usize,
    /// DynamoDB's code: `None` when this action was fine, `ConditionalCheckFailed`,
    /// `TransactionConflict`, `ItemCollectionSizeLimitExceeded`, `ValidationError`, ...
    pub code: String,
    /// DynamoDB's message, if any.
    pub message: Option<String>,
    /// The item as it is, for a failed condition (decode it with `Table::decode`). Not shown by
    /// `Debug`.
    pub item: CurrentItem,
    /// For a versioned write whose condition failed: the version it expected and the one
    /// stored, when they differ.
    pub version: Option<VersionMismatch>,
}

fn describe_reasons(reasons: &[CancellationReason]) -> String {
    let failed: Vec<String> = reasons
        .iter()
        .filter(|r| r.code != "None")
        .map(|r| match &r.message {
            Some(message) => format!("action {}: {} ({message})", r.position, r.code),
            None => format!("action {}: {}", r.position, r.code),
        })
        .collect();
    if failed.is_empty() {
        "DynamoDB gave no reason".to_owned()
    } else {
        failed.join("; ")
    }
}

/// What an [`Error`] means, whatever variant carries it: the one classification every `is_*`
/// helper derives from.
///
/// ```
/// use dynamo_table::error::{Error, ErrorKind};
/// let e = Error::Unprocessed { table: "orders".into(), attempts: 9 };
/// assert_eq!(e.kind(), ErrorKind::Unprocessed);
/// assert!(e.kind().is_retryable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The table does not exist.
    TableNotFound,
    /// The table is being created, changed or deleted, or already exists
    /// (`ResourceInUseException`).
    TableInUse,
    /// A condition expression was not met.
    ConditionalCheckFailed,
    /// A versioned write found another version than it expected.
    VersionConflict,
    /// DynamoDB rejected the request as invalid.
    Validation,
    /// The request was throttled.
    Throttled,
    /// A batch left items or keys unprocessed through every retry.
    Unprocessed,
    /// The endpoint could not be reached.
    Unreachable,
    /// The request timed out.
    Timeout,
    /// DynamoDB failed internally or was unavailable (a 5xx); worth retrying.
    ServerError,
    /// The client cannot send requests as configured.
    Config,
    /// Any other error DynamoDB returned.
    Service,
    /// A value could not be written as an item.
    Serialization,
    /// An item could not be read as the Rust type.
    Deserialization,
    /// The library refused the input before sending.
    InvalidInput,
    /// The embedded local DynamoDB could not start.
    LocalServer,
    /// A transaction was canceled: a condition failed, or another reason per action.
    TransactionCanceled,
    /// A request conflicted with a transaction in progress on the same item; worth retrying.
    TransactionConflict,
}

impl ErrorKind {
    /// True for kinds worth retrying later: throttling, unprocessed batch requests, network
    /// failures, timeouts and DynamoDB's internal errors.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::Throttled
                | ErrorKind::Unprocessed
                | ErrorKind::Unreachable
                | ErrorKind::Timeout
                | ErrorKind::ServerError
                | ErrorKind::TransactionConflict
        )
    }

    /// True for kinds DynamoDB itself answered with (as opposed to a client-side check, a
    /// conversion or a network failure).
    pub fn is_from_dynamodb(self) -> bool {
        matches!(
            self,
            ErrorKind::TableNotFound
                | ErrorKind::TableInUse
                | ErrorKind::ConditionalCheckFailed
                | ErrorKind::VersionConflict
                | ErrorKind::Validation
                | ErrorKind::Throttled
                | ErrorKind::Unprocessed
                | ErrorKind::ServerError
                | ErrorKind::Service
                | ErrorKind::TransactionCanceled
                | ErrorKind::TransactionConflict
        )
    }
}

/// Which rule an input broke when the library refused it before sending
/// ([`Error::InvalidInput`]). The message says the same in words, with the fix.
///
/// ```
/// use dynamo_table::error::{Error, InvalidReason};
/// fn is_bad_cursor(e: &Error) -> bool {
///     matches!(e, Error::InvalidInput { reason: InvalidReason::CursorMismatch, .. })
/// }
/// # let _ = is_bad_cursor;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidReason {
    /// A key value is an empty string or empty binary.
    EmptyKey,
    /// The table has a sort key and none was given.
    SortKeyMissing,
    /// The table has no sort key and one was given.
    SortKeyNotExpected,
    /// An item's key attribute is missing, empty or of another type than the table's key.
    KeyAttributeInItem,
    /// An update would change, remove or increment a key attribute.
    KeyAttributeUpdate,
    /// An item is over DynamoDB's 400 KB limit.
    ItemTooLarge,
    /// A value DynamoDB cannot store: NaN, an infinity, a number of more than 38 digits or out
    /// of range, or maps and lists nested more than 32 deep.
    AttributeValue,
    /// A partition key over 2,048 bytes or a sort key over 1,024.
    KeyTooLarge,
    /// An item's index key attribute is empty or of another type than the index's key.
    IndexKeyInItem,
    /// A sort-key range whose low end is above its high end.
    SortRange,
    /// `begins_with` on a sort key that is a number.
    BeginsWithNumber,
    /// An expression does not parse, or uses a bare reserved word.
    ExpressionSyntax,
    /// An expression is longer, deeper or has more operators than the limits allow.
    ExpressionLimit,
    /// An expression uses a `:value` that was not given.
    ExpressionValueMissing,
    /// A value was given for a `:placeholder` the expression does not use.
    ExpressionValueUnused,
    /// Expression values are not a map of `:placeholder` to value.
    ExpressionValuesShape,
    /// A query's filter names a key attribute.
    KeyInFilter,
    /// A read limit of 0.
    Limit,
    /// A strongly consistent read of a global secondary index.
    ConsistentReadOnGlobalIndex,
    /// A cursor from another table or index.
    CursorMismatch,
    /// A cursor from another query of the same table or index (another key, sort condition,
    /// filter or direction).
    CursorOtherQuery,
    /// A page token that does not decode.
    TokenMalformed,
    /// A page token of a format version this version does not read.
    TokenVersion,
    /// A page token whose signature does not match the client's token key, or that lacks one.
    TokenSignature,
    /// A sort-key condition on a table or index without a sort key.
    NoSortKey,
    /// A scan segment outside its total.
    Segment,
    /// An update that changes nothing.
    EmptyUpdate,
    /// An update patch that is not a map of attribute names to values.
    UpdatePatchShape,
    /// The same attribute twice in one update.
    DuplicateAttribute,
    /// A put and a delete of the same key in one batch.
    ConflictingWrites,
    /// A table name DynamoDB would refuse.
    TableName,
    /// A table-name prefix DynamoDB names could not carry.
    TablePrefix,
    /// A request the SDK could not build from the input.
    RequestShape,
    /// A projection naming an empty attribute.
    Projection,
    /// A transaction DynamoDB would refuse: no action, more than 100, more than 4 MB, two
    /// actions on one item, or a token of the wrong length.
    TransactionShape,
    /// A start key given as values for a query of an index: an index's page boundary also
    /// needs the index's key values, which only a cursor holds.
    IndexStartKey,
    /// A write that does not check the version, on a table with a version attribute: an
    /// update or delete without the expected version, or a batch write.
    VersionRequired,
    /// A version the field's type cannot hold: negative, or past its maximum.
    VersionOutOfRange,
    /// An update or increment of the version attribute itself, which the library writes.
    VersionAttributeUpdate,
}

/// A serde_dynamo conversion the caller made itself, so that `?` works as in the published API.
/// The table and Rust type are not known here.
impl From<serde_dynamo::Error> for Error {
    fn from(source: serde_dynamo::Error) -> Self {
        Error::Serialization {
            table: "(not named)".to_owned(),
            type_name: "(not named)",
            source,
        }
    }
}

impl Error {
    /// What this error means; every `is_*` helper derives from it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::TableNotFound { .. } => ErrorKind::TableNotFound,
            Error::ConditionalCheckFailed { .. } => ErrorKind::ConditionalCheckFailed,
            Error::VersionConflict { .. } => ErrorKind::VersionConflict,
            Error::Validation { .. } => ErrorKind::Validation,
            Error::Throttled { .. } => ErrorKind::Throttled,
            Error::Unreachable { .. } => ErrorKind::Unreachable,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Config { .. } => ErrorKind::Config,
            Error::Service { kind, .. } => *kind,
            Error::Serialization { .. } => ErrorKind::Serialization,
            Error::Deserialization { .. } => ErrorKind::Deserialization,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Unprocessed { .. } => ErrorKind::Unprocessed,
            Error::LocalServer { .. } => ErrorKind::LocalServer,
            Error::MaybeApplied { source, .. } => source.kind(),
            Error::TransactionCanceled { .. } => ErrorKind::TransactionCanceled,
        }
    }

    /// True when a write failed without telling whether DynamoDB applied it
    /// ([`Error::MaybeApplied`]). False means it was not applied.
    ///
    /// ```
    /// use dynamo_table::Error;
    /// let refused = Error::Unprocessed { table: "orders".into(), attempts: 3 };
    /// assert!(!refused.may_have_been_applied());
    /// ```
    pub fn may_have_been_applied(&self) -> bool {
        matches!(self, Error::MaybeApplied { .. })
    }

    /// Why each action of a canceled transaction was canceled; empty for other errors.
    pub fn cancellation_reasons(&self) -> &[CancellationReason] {
        match self {
            Error::TransactionCanceled { reasons, .. } => reasons,
            _ => &[],
        }
    }

    /// The item DynamoDB returned with a failed condition: what is in the table now (`None`
    /// when the item does not exist, or for another error).
    pub fn current_item(
        &self,
    ) -> Option<&std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
        match self {
            Error::ConditionalCheckFailed { current, .. }
            | Error::VersionConflict { current, .. } => current.get(),
            Error::MaybeApplied { source, .. } => source.current_item(),
            _ => None,
        }
    }

    /// True when a condition expression was not met (on put, update or delete alike),
    /// including a version check ([`Error::VersionConflict`]).
    pub fn is_conditional_check_failed(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::ConditionalCheckFailed | ErrorKind::VersionConflict
        )
    }

    /// True when a versioned write found the item at another version than it expected, alone
    /// ([`Error::VersionConflict`]) or as an action of a canceled transaction.
    ///
    /// ```
    /// use dynamo_table::Error;
    /// let e = Error::Unprocessed { table: "accounts".into(), attempts: 3 };
    /// assert!(!e.is_version_conflict());
    /// ```
    pub fn is_version_conflict(&self) -> bool {
        match self {
            Error::VersionConflict { .. } => true,
            Error::TransactionCanceled { reasons, .. } => {
                reasons.iter().any(|r| r.version.is_some())
            }
            Error::MaybeApplied { source, .. } => source.is_version_conflict(),
            _ => false,
        }
    }

    /// True when an item could not be converted to or from DynamoDB's format.
    pub fn is_serialization_error(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Serialization | ErrorKind::Deserialization
        )
    }

    /// True when DynamoDB itself answered with an error (as opposed to a client-side check,
    /// a conversion or a network failure).
    pub fn is_dynamodb_error(&self) -> bool {
        self.kind().is_from_dynamodb()
    }

    /// True when the table does not exist.
    pub fn is_table_not_found(&self) -> bool {
        self.kind() == ErrorKind::TableNotFound
    }

    /// True when DynamoDB rejected the request as invalid.
    pub fn is_validation_error(&self) -> bool {
        self.kind() == ErrorKind::Validation
    }

    /// True when the request was throttled.
    pub fn is_throttled(&self) -> bool {
        self.kind() == ErrorKind::Throttled
    }

    /// True when the endpoint could not be reached or did not answer in time.
    pub fn is_unreachable(&self) -> bool {
        matches!(self.kind(), ErrorKind::Unreachable | ErrorKind::Timeout)
    }

    /// True for errors worth retrying later: throttling, unprocessed batch requests, network
    /// failures and timeouts, and DynamoDB's internal errors.
    ///
    /// ```
    /// let e = dynamo_table::Error::Unprocessed { table: "orders".into(), attempts: 3 };
    /// assert!(e.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        self.kind().is_retryable()
    }

    /// True when the library refused the input before sending a request.
    pub fn is_invalid_input(&self) -> bool {
        self.kind() == ErrorKind::InvalidInput
    }

    /// Why the input was refused, for [`Error::InvalidInput`].
    ///
    /// ```
    /// use dynamo_table::error::{Error, InvalidReason};
    /// let e = Error::InvalidInput { reason: InvalidReason::Limit, message: "limit 0".into() };
    /// assert_eq!(e.invalid_reason(), Some(InvalidReason::Limit));
    /// ```
    pub fn invalid_reason(&self) -> Option<InvalidReason> {
        match self {
            Error::InvalidInput { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    pub(crate) fn invalid(reason: InvalidReason, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            reason,
            message: message.into(),
        }
    }
}
