//! Turning `aws-sdk-dynamodb` errors into [`Error`] with the table, operation and endpoint named:
//! the one place that knows DynamoDB's error codes.

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::error::{Error, ErrorKind};

/// What DynamoDB's error `code` means. Every code the library reacts to is here.
pub(crate) fn kind_of_code(code: &str) -> ErrorKind {
    match code {
        "ResourceNotFoundException" => ErrorKind::TableNotFound,
        "ResourceInUseException" => ErrorKind::TableInUse,
        "ConditionalCheckFailedException" => ErrorKind::ConditionalCheckFailed,
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

/// What a request was about, for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestContext<'a> {
    pub operation: &'static str,
    pub table: &'a str,
    pub endpoint: &'a str,
}

impl RequestContext<'_> {
    /// Classifies an SDK error of any operation.
    pub(crate) fn error<E, R>(&self, err: SdkError<E, R>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let table = self.table.to_owned();
        let operation = self.operation;
        match &err {
            SdkError::ServiceError(service) => {
                let code = service.err().code().unwrap_or("Unknown").to_owned();
                let message = service.err().message().unwrap_or_default().to_owned();
                let source = Box::new(err);
                match kind_of_code(&code) {
                    ErrorKind::TableNotFound => Error::TableNotFound {
                        table,
                        endpoint: self.endpoint.to_owned(),
                        source,
                    },
                    ErrorKind::ConditionalCheckFailed => Error::ConditionalCheckFailed {
                        table,
                        operation,
                        source,
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
            SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => Error::Unreachable {
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
