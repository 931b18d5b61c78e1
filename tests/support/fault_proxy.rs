//! A fault-injecting HTTP proxy between an SDK client and the real (embedded) server.
//!
//! It does what the local server never does: throttle, fail with a 500, drop connections, and
//! answer batch calls with part of the work left unprocessed, the way DynamoDB does. Faults are
//! drawn from a seeded generator, so a run can be repeated. Most faults are decided before the
//! request is forwarded, so a faulted request (or the held-back part of a batch) is never
//! applied. The *ambiguous* faults are the exception, and the point: the request is forwarded
//! and applied, then the client gets a 500, a dropped connection, or its answer late (past a read
//! timeout): the case where a write happened and the caller cannot know.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use dynamo_table::DynamoClient;
use dynamo_table::aws_sdk_dynamodb;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Map, Value};

/// Which faults to inject, with what probability per request to a faulted operation.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    pub seed: u64,
    /// Operations that may be faulted (others always pass through).
    pub operations: Vec<&'static str>,
    pub provisioned_throughput: f64,
    pub throttling: f64,
    pub server_error: f64,
    pub drop_connection: f64,
    /// Forward part of a batch, answer the rest as unprocessed.
    pub partial: f64,
    /// Forward (the write is applied), then answer 500.
    pub applied_then_500: f64,
    /// Forward (the write is applied), then drop the connection.
    pub applied_then_drop: f64,
    /// Forward (the write is applied), then hold the answer this long before sending it.
    pub applied_then_late: f64,
    pub late_by: Duration,
    /// Cancel a transaction as conflicting with another one (not applied).
    pub transaction_conflict: f64,
}

impl FaultPlan {
    /// `rate` of batch requests faulted, spread evenly over the five kinds of fault.
    pub fn batch_faults(seed: u64, rate: f64) -> Self {
        let each = rate / 5.0;
        FaultPlan {
            seed,
            operations: vec!["BatchWriteItem", "BatchGetItem"],
            provisioned_throughput: each,
            throttling: each,
            server_error: each,
            drop_connection: each,
            partial: each,
            ..FaultPlan::none(seed)
        }
    }

    /// No faults (a base for `..` updates).
    pub fn none(seed: u64) -> Self {
        FaultPlan {
            seed,
            operations: Vec::new(),
            provisioned_throughput: 0.0,
            throttling: 0.0,
            server_error: 0.0,
            drop_connection: 0.0,
            partial: 0.0,
            applied_then_500: 0.0,
            applied_then_drop: 0.0,
            applied_then_late: 0.0,
            late_by: Duration::ZERO,
            transaction_conflict: 0.0,
        }
    }

    /// `rate` of requests to `operations` applied and then failed: half answered 500, half
    /// with the connection dropped.
    pub fn applied_then_failed(seed: u64, operations: &[&'static str], rate: f64) -> Self {
        FaultPlan {
            operations: operations.to_vec(),
            applied_then_500: rate / 2.0,
            applied_then_drop: rate / 2.0,
            ..FaultPlan::none(seed)
        }
    }

    /// `rate` of requests to `operations` applied, and answered `late_by` late.
    pub fn applied_then_late(
        seed: u64,
        operations: &[&'static str],
        rate: f64,
        late_by: Duration,
    ) -> Self {
        FaultPlan {
            operations: operations.to_vec(),
            applied_then_late: rate,
            late_by,
            ..FaultPlan::none(seed)
        }
    }

    /// Only partial batches, at `rate`.
    pub fn partial_only(seed: u64, rate: f64) -> Self {
        FaultPlan {
            seed,
            operations: vec!["BatchWriteItem", "BatchGetItem"],
            provisioned_throughput: 0.0,
            throttling: 0.0,
            server_error: 0.0,
            drop_connection: 0.0,
            partial: rate,
            ..FaultPlan::none(seed)
        }
    }
}

/// What the proxy did, counted.
#[derive(Debug, Default)]
pub struct FaultStats {
    pub requests: AtomicU64,
    pub forwarded: AtomicU64,
    pub provisioned_throughput: AtomicU64,
    pub throttling: AtomicU64,
    pub server_error: AtomicU64,
    pub dropped: AtomicU64,
    pub partial: AtomicU64,
    /// Items or keys held back as unprocessed, over all partial answers.
    pub held_back: AtomicU64,
    /// Requests applied upstream and then answered with a fault.
    pub applied_then_failed: AtomicU64,
    /// Transactions canceled as conflicting (not applied).
    pub conflicts: AtomicU64,
}

impl FaultStats {
    pub fn faults(&self) -> u64 {
        self.provisioned_throughput.load(Ordering::Relaxed)
            + self.throttling.load(Ordering::Relaxed)
            + self.server_error.load(Ordering::Relaxed)
            + self.dropped.load(Ordering::Relaxed)
            + self.partial.load(Ordering::Relaxed)
            + self.applied_then_failed.load(Ordering::Relaxed)
            + self.conflicts.load(Ordering::Relaxed)
    }

    pub fn summary(&self) -> String {
        format!(
            "requests={} forwarded={} faults={} (throughput={} throttling={} 500={} dropped={} \
             partial={} held_back={} applied_then_failed={} conflicts={})",
            self.requests.load(Ordering::Relaxed),
            self.forwarded.load(Ordering::Relaxed),
            self.faults(),
            self.provisioned_throughput.load(Ordering::Relaxed),
            self.throttling.load(Ordering::Relaxed),
            self.server_error.load(Ordering::Relaxed),
            self.dropped.load(Ordering::Relaxed),
            self.partial.load(Ordering::Relaxed),
            self.held_back.load(Ordering::Relaxed),
            self.applied_then_failed.load(Ordering::Relaxed),
            self.conflicts.load(Ordering::Relaxed),
        )
    }
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    ProvisionedThroughput,
    Throttling,
    ServerError,
    Drop,
    Partial,
    AppliedThen500,
    AppliedThenDrop,
    AppliedThenLate,
    TransactionConflict,
}

struct State {
    upstream: String,
    plan: FaultPlan,
    rng: Mutex<fastrand::Rng>,
    stats: Arc<FaultStats>,
    http: HttpClient<HttpConnector, Full<Bytes>>,
}

pub struct FaultProxy {
    pub endpoint: String,
    pub stats: Arc<FaultStats>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (an `http://` URL) on the current Tokio runtime.
    pub async fn start(upstream: &str, plan: FaultPlan) -> FaultProxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("proxy bind: {e}"));
        let address = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("proxy address: {e}"));
        let stats = Arc::new(FaultStats::default());
        let state = Arc::new(State {
            upstream: upstream.trim_end_matches('/').to_owned(),
            rng: Mutex::new(fastrand::Rng::with_seed(plan.seed)),
            plan,
            stats: Arc::clone(&stats),
            http: HttpClient::builder(TokioExecutor::new()).build_http(),
        });
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = Arc::clone(&state);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let state = Arc::clone(&state);
                        async move { handle(state, request).await }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        FaultProxy {
            endpoint: format!("http://{address}"),
            stats,
            task,
        }
    }

    /// A client that talks through this proxy. The SDK's own retries are off, so every fault
    /// reaches the library, whose retries are what the tests measure.
    pub fn client(&self) -> DynamoClient {
        self.client_with(
            aws_sdk_dynamodb::config::retry::RetryConfig::disabled(),
            None,
        )
    }

    /// A client through this proxy that retries as the SDK's standard policy does, `attempts`
    /// in all, quickly, as the library's default client would: what an application sees.
    pub fn retrying_client(&self, attempts: u32, read_timeout: Option<Duration>) -> DynamoClient {
        self.client_with(
            aws_sdk_dynamodb::config::retry::RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(50)),
            read_timeout,
        )
    }

    fn client_with(
        &self,
        retry: aws_sdk_dynamodb::config::retry::RetryConfig,
        read_timeout: Option<Duration>,
    ) -> DynamoClient {
        let mut timeouts = aws_sdk_dynamodb::config::timeout::TimeoutConfig::builder()
            .operation_timeout(Duration::from_secs(30));
        if let Some(read) = read_timeout {
            timeouts = timeouts.read_timeout(read);
        }
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "id", "secret", None, None, "proxy",
            ))
            .endpoint_url(&self.endpoint)
            .retry_config(retry)
            .timeout_config(timeouts.build())
            .build();
        DynamoClient::from_client_at(aws_sdk_dynamodb::Client::from_conf(config), &self.endpoint)
    }
}

type ProxyResult = Result<Response<Full<Bytes>>, std::io::Error>;

fn other(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

async fn handle(state: Arc<State>, request: Request<Incoming>) -> ProxyResult {
    state.stats.requests.fetch_add(1, Ordering::Relaxed);
    let operation = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.split('.').nth(1))
        .unwrap_or_default()
        .to_owned();
    let fault = if state.plan.operations.contains(&operation.as_str()) {
        draw(&state)
    } else {
        None
    };
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(other)?.to_bytes();
    let stats = &state.stats;
    match fault {
        None => forward(&state, &parts, body).await,
        Some(Fault::ProvisionedThroughput) => {
            stats.provisioned_throughput.fetch_add(1, Ordering::Relaxed);
            Ok(error_response(
                StatusCode::BAD_REQUEST,
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.",
            ))
        }
        Some(Fault::Throttling) => {
            stats.throttling.fetch_add(1, Ordering::Relaxed);
            Ok(error_response(
                StatusCode::BAD_REQUEST,
                "com.amazon.coral.availability#ThrottlingException",
                "Rate of requests exceeds the allowed throughput.",
            ))
        }
        Some(Fault::ServerError) => {
            stats.server_error.fetch_add(1, Ordering::Relaxed);
            Ok(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "com.amazonaws.dynamodb.v20120810#InternalServerError",
                "Internal server error",
            ))
        }
        Some(Fault::Drop) => {
            stats.dropped.fetch_add(1, Ordering::Relaxed);
            // An error from the service makes hyper close the connection with no response.
            Err(other("fault: connection dropped"))
        }
        Some(Fault::Partial) => partial(&state, &operation, &parts, body).await,
        Some(Fault::TransactionConflict) => {
            stats.conflicts.fetch_add(1, Ordering::Relaxed);
            let request: Value = serde_json::from_slice(&body).map_err(other)?;
            let actions = request
                .get("TransactItems")
                .and_then(Value::as_array)
                .map_or(1, Vec::len);
            let reasons: Vec<Value> = (0..actions)
                .map(|_| {
                    serde_json::json!({
                        "Code": "TransactionConflict",
                        "Message": "Transaction is ongoing for the item"
                    })
                })
                .collect();
            let body = serde_json::json!({
                "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                "message": "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
                "CancellationReasons": reasons,
            });
            let mut response = error_response(StatusCode::BAD_REQUEST, "", "");
            *response.body_mut() = Full::new(Bytes::from(body.to_string()));
            Ok(response)
        }
        Some(fault) => {
            let (status, headers, answer) = send_upstream(&state, &parts, body).await?;
            stats.applied_then_failed.fetch_add(1, Ordering::Relaxed);
            match fault {
                Fault::AppliedThen500 => Ok(error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "com.amazonaws.dynamodb.v20120810#InternalServerError",
                    "Internal server error",
                )),
                Fault::AppliedThenLate => {
                    tokio::time::sleep(state.plan.late_by).await;
                    Ok(respond(status, &headers, answer))
                }
                _ => Err(other(
                    "fault: connection dropped after the request was applied",
                )),
            }
        }
    }
}

fn draw(state: &State) -> Option<Fault> {
    let roll = state.rng.lock().map(|mut rng| rng.f64()).unwrap_or(1.0);
    let plan = &state.plan;
    let mut edge = 0.0;
    for (p, fault) in [
        (plan.provisioned_throughput, Fault::ProvisionedThroughput),
        (plan.throttling, Fault::Throttling),
        (plan.server_error, Fault::ServerError),
        (plan.drop_connection, Fault::Drop),
        (plan.partial, Fault::Partial),
        (plan.applied_then_500, Fault::AppliedThen500),
        (plan.applied_then_drop, Fault::AppliedThenDrop),
        (plan.applied_then_late, Fault::AppliedThenLate),
        (plan.transaction_conflict, Fault::TransactionConflict),
    ] {
        edge += p;
        if roll < edge {
            return Some(fault);
        }
    }
    None
}

fn coin(state: &State) -> bool {
    state.rng.lock().map(|mut rng| rng.bool()).unwrap_or(false)
}

fn error_response(status: StatusCode, kind: &str, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "__type": kind, "message": message }).to_string();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/x-amz-json-1.0"),
    );
    response
}

async fn send_upstream(
    state: &State,
    parts: &hyper::http::request::Parts,
    body: Bytes,
) -> Result<(StatusCode, hyper::HeaderMap, Bytes), std::io::Error> {
    let mut builder = Request::builder()
        .method(parts.method.clone())
        .uri(format!("{}/", state.upstream));
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            builder = builder.header(name, value);
        }
    }
    let request = builder.body(Full::new(body)).map_err(other)?;
    let response = state.http.request(request).await.map_err(other)?;
    state.stats.forwarded.fetch_add(1, Ordering::Relaxed);
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(other)?
        .to_bytes();
    Ok((status, headers, body))
}

fn respond(status: StatusCode, headers: &hyper::HeaderMap, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    for (name, value) in headers {
        // The body may have been rewritten: drop its length and checksum, keep the rest.
        if name != "content-length" && name != "x-amz-crc32" && name != "transfer-encoding" {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

async fn forward(state: &State, parts: &hyper::http::request::Parts, body: Bytes) -> ProxyResult {
    let (status, headers, body) = send_upstream(state, parts, body).await?;
    Ok(respond(status, &headers, body))
}

/// Forwards part of a batch and answers the rest as unprocessed, merged into the server's
/// answer, as DynamoDB does under throttling. At least one request is always forwarded (when
/// DynamoDB can do nothing at all, it throttles the whole call instead).
async fn partial(
    state: &State,
    operation: &str,
    parts: &hyper::http::request::Parts,
    body: Bytes,
) -> ProxyResult {
    let mut request: Value = serde_json::from_slice(&body).map_err(other)?;
    let Some(items) = request
        .get_mut("RequestItems")
        .and_then(Value::as_object_mut)
    else {
        return forward(state, parts, body).await;
    };
    let mut held: Map<String, Value> = Map::new();
    let mut held_count = 0u64;
    let mut kept_any = false;
    for (table, entry) in items.iter_mut() {
        let list = match operation {
            "BatchWriteItem" => entry.as_array_mut(),
            _ => entry.get_mut("Keys").and_then(Value::as_array_mut),
        };
        let Some(list) = list else { continue };
        let mut keep = Vec::new();
        let mut hold = Vec::new();
        for request in list.drain(..) {
            if !kept_any || coin(state) {
                kept_any = true;
                keep.push(request);
            } else {
                hold.push(request);
            }
        }
        *list = keep;
        if !hold.is_empty() {
            held_count += hold.len() as u64;
            let unprocessed = match operation {
                "BatchWriteItem" => Value::Array(hold),
                _ => {
                    let mut keys_and_attributes = entry.as_object().cloned().unwrap_or_default();
                    keys_and_attributes.insert("Keys".to_owned(), Value::Array(hold));
                    Value::Object(keys_and_attributes)
                }
            };
            held.insert(table.clone(), unprocessed);
        }
    }
    // Tables whose whole list was held back cannot be sent empty.
    items.retain(|_, entry| match entry {
        Value::Array(list) => !list.is_empty(),
        other => other
            .get("Keys")
            .and_then(Value::as_array)
            .is_some_and(|k| !k.is_empty()),
    });
    if held.is_empty() {
        return forward(state, parts, body).await;
    }
    state.stats.partial.fetch_add(1, Ordering::Relaxed);
    state
        .stats
        .held_back
        .fetch_add(held_count, Ordering::Relaxed);

    let (status, headers, answer) = send_upstream(
        state,
        parts,
        Bytes::from(serde_json::to_vec(&request).map_err(other)?),
    )
    .await?;
    if !status.is_success() {
        return Ok(respond(status, &headers, answer));
    }
    let mut answer: Value = serde_json::from_slice(&answer).map_err(other)?;
    let field = if operation == "BatchWriteItem" {
        "UnprocessedItems"
    } else {
        "UnprocessedKeys"
    };
    let unprocessed = answer
        .as_object_mut()
        .ok_or_else(|| other("the answer is not an object"))?
        .entry(field)
        .or_insert_with(|| Value::Object(Map::new()));
    let unprocessed = unprocessed
        .as_object_mut()
        .ok_or_else(|| other("Unprocessed* is not an object"))?;
    for (table, held_part) in held {
        match (unprocessed.get_mut(&table), held_part) {
            (Some(Value::Array(existing)), Value::Array(more)) => existing.extend(more),
            (Some(existing), Value::Object(more)) => {
                if let (Some(keys), Some(Value::Array(more_keys))) = (
                    existing.get_mut("Keys").and_then(Value::as_array_mut),
                    more.get("Keys").cloned(),
                ) {
                    keys.extend(more_keys);
                }
            }
            (_, held_part) => {
                unprocessed.insert(table, held_part);
            }
        }
    }
    Ok(respond(
        status,
        &headers,
        Bytes::from(serde_json::to_vec(&answer).map_err(other)?),
    ))
}
