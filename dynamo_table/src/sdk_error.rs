//! Turning `aws-sdk-dynamodb` errors into [`Error`] with the table, operation and endpoint named.

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::client::DynamoClient;
use crate::error::Error;

impl DynamoClient {
    /// Classifies an SDK error of `operation` on `table` (a name, or a list for batches).
    pub(crate) fn request_error<E, R>(
        &self,
        operation: &'static str,
        table: &str,
        err: SdkError<E, R>,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        RequestContext {
            operation,
            table,
            endpoint: self.endpoint(),
        }
        .error(err)
    }
}

/// What a request was about, for error messages.
#[derive(Debug, Clone, Copy)]
struct RequestContext<'a> {
    operation: &'static str,
    table: &'a str,
    endpoint: &'a str,
}

const THROTTLING_CODES: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
];

impl RequestContext<'_> {
    /// Classifies an SDK error of any operation.
    fn error<E, R>(&self, err: SdkError<E, R>) -> Error
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
                match code.as_str() {
                    "ResourceNotFoundException" => Error::TableNotFound {
                        table,
                        endpoint: self.endpoint.to_owned(),
                        source,
                    },
                    "ConditionalCheckFailedException" => Error::ConditionalCheckFailed {
                        table,
                        operation,
                        source,
                    },
                    "ValidationException" => Error::Validation {
                        table,
                        operation,
                        message,
                        source,
                    },
                    c if THROTTLING_CODES.contains(&c) => Error::Throttled {
                        table,
                        operation,
                        code,
                        source,
                    },
                    _ => Error::Service {
                        table,
                        operation,
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
