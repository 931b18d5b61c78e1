//! Turning `aws-sdk-dynamodb` errors into [`Error`] with the table, operation and endpoint named:
//! the one place that knows DynamoDB's error codes.

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use std::any::Any;
use std::collections::HashMap;

use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;

use aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;

use crate::error::{CancellationReason, CurrentItem, Error, ErrorKind};

/// What DynamoDB's error `code` means. Every code the library reacts to is here.
pub(crate) fn kind_of_code(code: &str) -> ErrorKind {
    match code {
        "ResourceNotFoundException" => ErrorKind::TableNotFound,
        "ResourceInUseException" => ErrorKind::TableInUse,
        "ConditionalCheckFailedException" => ErrorKind::ConditionalCheckFailed,
        "TransactionCanceledException" => ErrorKind::TransactionCanceled,
        "TransactionConflictException" => ErrorKind::TransactionConflict,
        "ValidationException" => ErrorKind::Validation,
        "ProvisionedThroughputExceededException"
        | "ThrottlingException"
        | "RequestLimitExceeded" => ErrorKind::Throttled,
        "InternalServerError"
        | "InternalFailure"
        | "ServiceUnavailable"
        | "TransactionInProgressException" => ErrorKind::ServerError,
        _ => ErrorKind::Service,
    }
}

/// What an HTTP status means when the body is not DynamoDB's: a 4xx is final, anything else
/// (a 5xx, or a 2xx cut short) may pass on a retry.
fn kind_of_status(status: u16) -> ErrorKind {
    if (400..500).contains(&status) {
        ErrorKind::Service
    } else {
        ErrorKind::ServerError
    }
}

/// An SDK error of a request the caller sent with the SDK client itself, so that `?` works in a
/// function returning this crate's `Result` (as in the published API). Classified by the same
/// map; the table and endpoint are unknown here and named as such.
///
/// ```no_run
/// async fn raw_put(client: &dynamo_table::aws_sdk_dynamodb::Client) -> dynamo_table::Result<()> {
///     client.put_item().table_name("users").send().await?;
///     Ok(())
/// }
/// ```
impl<E> From<SdkError<E, HttpResponse>> for Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn from(err: SdkError<E, HttpResponse>) -> Self {
        let context = RequestContext {
            operation: "a request sent with the SDK client",
            table: "(not named)",
            endpoint: "the SDK client's endpoint",
        };
        context.error(err)
    }
}

/// A request the SDK could not build (a missing required field), as the published API's `?`
/// on a builder's `build()` gave.
impl From<aws_sdk_dynamodb::error::BuildError> for Error {
    fn from(err: aws_sdk_dynamodb::error::BuildError) -> Self {
        Error::invalid(
            crate::error::InvalidReason::RequestShape,
            format!("the SDK could not build the request: {err}"),
        )
    }
}

/// The item a `ConditionalCheckFailedException` of a put, update or delete carries (asked for
/// with `ReturnValuesOnConditionCheckFailure=ALL_OLD`).
fn current_item_of(err: &dyn Any) -> Option<HashMap<String, AttributeValue>> {
    if let Some(e) = err.downcast_ref::<SdkError<PutItemError, HttpResponse>>() {
        if let Some(PutItemError::ConditionalCheckFailedException(c)) = e.as_service_error() {
            return c.item().cloned();
        }
    } else if let Some(e) = err.downcast_ref::<SdkError<UpdateItemError, HttpResponse>>() {
        if let Some(UpdateItemError::ConditionalCheckFailedException(c)) = e.as_service_error() {
            return c.item().cloned();
        }
    } else if let Some(e) = err.downcast_ref::<SdkError<DeleteItemError, HttpResponse>>()
        && let Some(DeleteItemError::ConditionalCheckFailedException(c)) = e.as_service_error()
    {
        return c.item().cloned();
    }
    None
}

/// The reasons a `TransactionCanceledException` gives, one per action.
fn cancellation_reasons_of(err: &dyn Any) -> Vec<CancellationReason> {
    let reasons = if let Some(e) =
        err.downcast_ref::<SdkError<TransactWriteItemsError, HttpResponse>>()
    {
        match e.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                c.cancellation_reasons()
            }
            _ => &[],
        }
    } else if let Some(e) = err.downcast_ref::<SdkError<TransactGetItemsError, HttpResponse>>() {
        match e.as_service_error() {
            Some(TransactGetItemsError::TransactionCanceledException(c)) => {
                c.cancellation_reasons()
            }
            _ => &[],
        }
    } else {
        &[]
    };
    reasons
        .iter()
        .enumerate()
        .map(|(position, r)| CancellationReason {
            position,
            code: r.code().unwrap_or("None").to_owned(),
            message: r.message().map(str::to_owned),
            item: CurrentItem::new(r.item().cloned()),
            // Set by the transaction, which knows which actions are versioned.
            version: None,
        })
        .collect()
}

/// A service error reduced to its code and message, for errors whose SDK form carries item
/// data that must not reach logs.
#[derive(Debug)]
pub(crate) struct ServiceMessage {
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for ServiceMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ServiceMessage {}

/// What a request was about, for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestContext<'a> {
    pub operation: &'static str,
    pub table: &'a str,
    pub endpoint: &'a str,
}

impl RequestContext<'_> {
    /// Classifies an SDK error of any operation.
    pub(crate) fn error<E>(&self, err: SdkError<E, HttpResponse>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let table = self.table.to_owned();
        let operation = self.operation;
        match &err {
            SdkError::ServiceError(service) => {
                let status = service.raw().status().as_u16();
                let (code, kind) = match service.err().code() {
                    Some(code) => (code.to_owned(), kind_of_code(code)),
                    // Not DynamoDB's error shape (a gateway's page, another service): a 5xx may
                    // pass on a retry, anything else is final.
                    None => (format!("HTTP {status}"), kind_of_status(status)),
                };
                let message = match service.err().message() {
                    Some(message) if !message.is_empty() => message.to_owned(),
                    // Not DynamoDB's own error shape: say what answered instead.
                    _ => self.describe_answer(service.raw()),
                };
                let source = Box::new(err);
                match kind {
                    ErrorKind::TableNotFound => Error::TableNotFound {
                        table,
                        endpoint: self.endpoint.to_owned(),
                        source,
                    },
                    // The SDK error holds the current item (and so does its raw body): keep the
                    // item where `Debug` hides it, and only the code and message as the source.
                    ErrorKind::ConditionalCheckFailed => Error::ConditionalCheckFailed {
                        table,
                        operation,
                        current: CurrentItem::new(current_item_of(&*source)),
                        source: Box::new(ServiceMessage { code, message }),
                    },
                    ErrorKind::TransactionCanceled => Error::TransactionCanceled {
                        tables: table,
                        reasons: cancellation_reasons_of(&*source),
                        source: Box::new(ServiceMessage { code, message }),
                    },
                    ErrorKind::Validation => Error::Validation {
                        table,
                        operation,
                        message,
                        source,
                    },
                    ErrorKind::Throttled => Error::Throttled {
                        table,
                        operation,
                        code,
                        source,
                    },
                    kind => Error::Service {
                        table,
                        operation,
                        kind,
                        code,
                        message,
                        source,
                    },
                }
            }
            SdkError::TimeoutError(_) => self.timeout(err),
            SdkError::DispatchFailure(failure) if failure.is_timeout() => self.timeout(err),
            // Not a network problem: the request could not be routed (no region, a bad
            // endpoint URL) and never left the process. A transient "other" error (a
            // connection closed mid-request) is a network problem and falls through.
            SdkError::DispatchFailure(failure)
                if failure.is_user() || (failure.is_other() && failure.as_other().is_none()) =>
            {
                self.config_error(err)
            }
            // An answer that is not a DynamoDB response: a proxy's error page, another service, or
            // a response cut short. Only a 4xx is final; anything else may pass on a retry.
            SdkError::ResponseError(response) => {
                let status = response.raw().status().as_u16();
                Error::Service {
                    table,
                    operation,
                    kind: kind_of_status(status),
                    code: format!("HTTP {status}"),
                    message: self.describe_answer(response.raw()),
                    source: Box::new(err),
                }
            }
            SdkError::DispatchFailure(_) => Error::Unreachable {
                endpoint: self.endpoint.to_owned(),
                operation,
                table,
                reason: DisplayErrorContext(&err).to_string(),
                source: Box::new(err),
            },
            SdkError::ConstructionFailure(_) => self.config_error(err),
            _ => Error::Service {
                table,
                operation,
                kind: ErrorKind::Service,
                code: "Unknown".to_owned(),
                message: DisplayErrorContext(&err).to_string(),
                source: Box::new(err),
            },
        }
    }

    /// What answered, for an answer that is not DynamoDB's: status and the start of the body.
    fn describe_answer(&self, raw: &HttpResponse) -> String {
        let body = raw
            .body()
            .bytes()
            .map(|bytes| String::from_utf8_lossy(&bytes[..bytes.len().min(160)]).into_owned())
            .unwrap_or_default();
        let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
        format!(
            "{} answered HTTP {} with a body that is not a DynamoDB response (`{body}`): check \
             that the endpoint is DynamoDB and not a proxy or another service",
            self.endpoint,
            raw.status().as_u16()
        )
    }

    fn config_error<E, R>(&self, err: SdkError<E, R>) -> Error
    where
        E: std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        Error::Config {
            message: format!(
                "{} on table `{}` could not be sent ({}): set a region (AWS_REGION or \
                 `.region(...)`) and credentials, or an endpoint with AWS_ENDPOINT_URL_DYNAMODB",
                self.operation,
                self.table,
                DisplayErrorContext(&err)
            ),
            source: Some(Box::new(err)),
        }
    }

    fn timeout<E, R>(&self, err: SdkError<E, R>) -> Error
    where
        E: std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        Error::Timeout {
            endpoint: self.endpoint.to_owned(),
            operation: self.operation,
            table: self.table.to_owned(),
            source: Box::new(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_the_kinds_the_helpers_read() {
        let cases = [
            ("ResourceNotFoundException", ErrorKind::TableNotFound, false),
            ("ResourceInUseException", ErrorKind::TableInUse, false),
            (
                "ConditionalCheckFailedException",
                ErrorKind::ConditionalCheckFailed,
                false,
            ),
            ("ValidationException", ErrorKind::Validation, false),
            (
                "ProvisionedThroughputExceededException",
                ErrorKind::Throttled,
                true,
            ),
            ("ThrottlingException", ErrorKind::Throttled, true),
            ("RequestLimitExceeded", ErrorKind::Throttled, true),
            ("InternalServerError", ErrorKind::ServerError, true),
            ("ServiceUnavailable", ErrorKind::ServerError, true),
            (
                "TransactionInProgressException",
                ErrorKind::ServerError,
                true,
            ),
            ("AccessDeniedException", ErrorKind::Service, false),
        ];
        for (code, kind, retryable) in cases {
            assert_eq!(kind_of_code(code), kind, "{code}");
            assert_eq!(kind.is_retryable(), retryable, "{code}");
            assert!(kind.is_from_dynamodb(), "{code}");
        }
    }
}
