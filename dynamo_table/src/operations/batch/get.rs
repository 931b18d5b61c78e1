//! `BatchGetItem` that accounts for every key: chunking, de-duplication, bounded concurrency,
//! and retries of unprocessed keys with backoff.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::KeysAndAttributes;
use dynamo_table_rules::limits::KEYS_PER_BATCH;

use super::chunks::{retry_chunk, run_chunks};
use super::fingerprint::{FastMap, FastSet, fingerprint, fingerprint_into, group_of, table_list};
use super::results::{BatchGetResult, BatchStats, Failed};
use super::slot::Slot;
use crate::codec::item::{Reading, is_expired};
use crate::codec::key::{Item, key_map};
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{self, Bound, non_empty};
use crate::operations::TableRef;
use crate::request::capacity::{self, Side};
use crate::request::connection::Connection;
use crate::request::send::ObserveExt;
use crate::schema::{DynamoTable, IntoKey, KeyNames, KeyOf, RetryConfig, key_names};

/// One distinct key to read.
#[derive(Debug)]
pub(crate) struct GetRequest {
    pub table: Arc<str>,
    pub key_names: KeyNames,
    /// The key's map, until a call takes it: moved into the request, and back when DynamoDB
    /// returns it unprocessed; rebuilt from the typed key only after a call that failed whole.
    pub key: Slot<Item>,
    pub fingerprint: String,
    /// The attributes to read from its table (`ProjectionExpression` and names), if not all.
    pub projection: Option<Arc<Bound>>,
}

/// The keys of one call for one table, and the attributes to read from it.
type TableKeys<'a> = (&'a str, (Vec<Item>, Option<Arc<Bound>>));

/// What became of one key; `V` is the decoded item.
#[derive(Debug)]
pub(crate) enum GetOutcome<V> {
    Found(V),
    NotFound,
    Failed(Arc<Error>),
}

/// Turns a returned item into `V` as soon as its chunk arrives, so raw items do not pile up;
/// `None` for an item that counts as missing (its time to live has passed).
pub(crate) type Decode<'a, V> = &'a (dyn Fn(Item) -> Result<Option<V>> + Sync);

/// Builds the key map of request `i` again, after a call that failed whole took it.
pub(crate) type Rebuild<'a> = &'a (dyn Fn(usize) -> Result<Item> + Sync);

/// Reads every key (distinct keys only: callers de-duplicate) and returns one outcome per key,
/// in order.
pub(crate) async fn get_all<V: Send>(
    conn: &Connection,
    requests: &[GetRequest],
    retry: RetryConfig,
    decode: Decode<'_, V>,
    rebuild: Rebuild<'_>,
) -> (Vec<GetOutcome<V>>, BatchStats) {
    run_chunks(
        (0..requests.len()).map(|_| None).collect(),
        (0..requests.len()).collect(),
        KEYS_PER_BATCH,
        conn.batch_concurrency,
        |chunk| get_chunk(conn, requests, chunk, retry, decode, rebuild),
        || GetOutcome::Failed(Arc::new(no_outcome("key"))),
    )
    .await
}

/// Reads one chunk (at most 100 keys) until every key is found or known missing, fails for
/// good, or the retries run out.
async fn get_chunk<V: Send>(
    conn: &Connection,
    requests: &[GetRequest],
    chunk: Vec<usize>,
    retry: RetryConfig,
    decode: Decode<'_, V>,
    rebuild: Rebuild<'_>,
) -> (Vec<(usize, GetOutcome<V>)>, BatchStats) {
    let tables = |indices: &[usize]| table_list(indices.iter().map(|&i| &*requests[i].table));
    let failed = |error: &Arc<Error>| GetOutcome::Failed(Arc::clone(error));
    // A read applies nothing: a lost answer leaves it unread, not unknown.
    retry_chunk(
        "BatchGetItem",
        chunk,
        retry,
        tables,
        failed,
        failed,
        |pending| async move {
            let mut by_table: Vec<TableKeys<'_>> = Vec::new();
            for &i in &pending {
                let (keys, _) = group_of(&mut by_table, &requests[i].table, || {
                    (
                        Vec::with_capacity(pending.len()),
                        requests[i].projection.clone(),
                    )
                });
                keys.push(requests[i].key.take_or(|| rebuild(i))?);
            }
            let mut request_items = HashMap::with_capacity(by_table.len());
            for (table, (keys, projection)) in by_table {
                let (projection, names) = match projection {
                    Some(p) => (Some(p.text.clone()), non_empty(p.names.clone())),
                    None => (None, None),
                };
                let keys = KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .set_projection_expression(projection)
                    .set_expression_attribute_names(names)
                    .build()
                    .map_err(|e| {
                        Error::invalid(
                            InvalidReason::RequestShape,
                            format!(
                                "could not build a BatchGetItem request for table `{table}`: {e}"
                            ),
                        )
                    })?;
                request_items.insert(table.to_owned(), keys);
            }
            let (output, capacity) = conn
                .sdk
                .batch_get_item()
                .set_request_items(Some(request_items))
                .set_return_consumed_capacity(capacity::wanted())
                .send()
                .observed_by(conn, "BatchGetItem", &tables(&pending), Side::Read)
                .await?;

            // Positions in `pending`, by key fingerprint.
            let by_key: FastMap<&str, usize> = pending
                .iter()
                .enumerate()
                .map(|(position, &i)| (requests[i].fingerprint.as_str(), position))
                .collect();
            let mut names: Vec<(&str, KeyNames)> = Vec::new();
            for &i in &pending {
                let table = &*requests[i].table;
                if !names.iter().any(|(name, _)| *name == table) {
                    names.push((table, requests[i].key_names));
                }
            }
            let names_of = |table: &str| names.iter().find(|(n, _)| *n == table).map(|(_, k)| *k);
            let mut results = Vec::with_capacity(pending.len());
            let mut settled = vec![false; pending.len()];
            // One buffer for every answer's fingerprint.
            let mut buffer = String::new();
            let mut position_of = |table: &str, key_names: KeyNames, key: &Item| {
                fingerprint_into(&mut buffer, table, key_names, key)
                    .then(|| by_key.get(buffer.as_str()).copied())
                    .flatten()
            };
            for (table, items) in output.responses.unwrap_or_default() {
                let Some(key_names) = names_of(&table) else {
                    continue;
                };
                for item in items {
                    let position = position_of(&table, key_names, &item);
                    if let Some(position) = position
                        && !settled[position]
                    {
                        settled[position] = true;
                        let outcome = match decode(item) {
                            Ok(Some(value)) => GetOutcome::Found(value),
                            Ok(None) => GetOutcome::NotFound,
                            Err(error) => GetOutcome::Failed(Arc::new(error)),
                        };
                        results.push((pending[position], outcome));
                    }
                }
            }
            let mut unread = Vec::new();
            let mut unmatched = false;
            for (table, keys) in output.unprocessed_keys.unwrap_or_default() {
                let key_names = names_of(&table);
                for key in keys.keys {
                    let position = key_names.and_then(|n| position_of(&table, n, &key));
                    match position {
                        Some(position) if !settled[position] => {
                            settled[position] = true;
                            // DynamoDB's own copy of the key goes back for the next call.
                            requests[pending[position]].key.put_back(key);
                            unread.push(pending[position]);
                        }
                        Some(_) => {}
                        None => unmatched = true,
                    }
                }
            }
            for (position, &i) in pending.iter().enumerate() {
                if settled[position] {
                    continue;
                }
                if unmatched {
                    // An unprocessed key we cannot place: read the unsettled keys again rather
                    // than call any of them missing.
                    unread.push(i);
                } else {
                    results.push((i, GetOutcome::NotFound));
                }
            }
            Ok((results, unread, capacity, false))
        },
    )
    .await
}

/// Reads the items of `T`'s table with these keys, whole or only the `projection`'s
/// attributes, as `R` reads them; see [`Table::batch_get`](crate::Table::batch_get).
pub(crate) async fn get_items<T: DynamoTable, R: Reading, K: IntoKey<T>>(
    table: &TableRef,
    keys: impl IntoIterator<Item = K>,
    projection: Option<Vec<String>>,
) -> Result<BatchGetResult<T, R::Output>> {
    let started = Instant::now();
    let key_names = key_names::<T>();
    let name: Arc<str> = Arc::from(table.name.as_str());
    // The keys come too, to match items to keys; and the time to live, to leave out expired
    // items.
    let projection = projection.map(|mut attributes| {
        attributes.extend(key_names.iter().chain(T::TTL_ATTRIBUTE).map(str::to_owned));
        Arc::new(expression::projection(None, &attributes))
    });
    let mut all = Vec::new();
    for key in keys {
        let (pk, sk) = key.into_key();
        let key = key_map::<T>(&table.name, &pk, sk.as_ref())?;
        let fingerprint = fingerprint(&table.name, key_names, &key)
            .ok_or_else(|| no_outcome("incomplete key"))?;
        let request = GetRequest {
            table: Arc::clone(&name),
            key_names,
            key: Slot::new(Some(key)),
            fingerprint,
            projection: projection.clone(),
        };
        all.push((request, (pk, sk)));
    }
    // Repeated keys are read once: keep the first of each.
    let mut seen: FastSet<&str> = FastSet::default();
    seen.reserve(all.len());
    let unique: Vec<bool> = all
        .iter()
        .map(|(request, _)| seen.insert(request.fingerprint.as_str()))
        .collect();
    drop(seen);
    let duplicate_keys = unique.iter().filter(|u| !**u).count();
    let (requests, typed): (Vec<GetRequest>, Vec<KeyOf<T>>) = all
        .into_iter()
        .zip(unique)
        .filter_map(|(entry, keep)| keep.then_some(entry))
        .unzip();

    let decode = |item: Item| {
        if is_expired::<T>(&item) {
            return Ok(None);
        }
        R::decode(&table.name, item).map(Some)
    };
    let rebuild = |i: usize| match typed.get(i) {
        Some((pk, sk)) => key_map::<T>(&table.name, pk, sk.as_ref()),
        None => Err(no_outcome("key")),
    };
    let (outcomes, stats) =
        get_all(&table.conn, &requests, table.batch_retry, &decode, &rebuild).await;
    let mut result = BatchGetResult {
        items: Vec::with_capacity(typed.len()),
        failed_keys: Vec::new(),
        not_found: Vec::new(),
        duplicate_keys,
        execution_time: Duration::ZERO,
        stats,
    };
    for (key, outcome) in typed.into_iter().zip(outcomes) {
        match outcome {
            GetOutcome::Found(item) => result.items.push(item),
            GetOutcome::NotFound => result.not_found.push(key),
            GetOutcome::Failed(error) => result.failed_keys.push(Failed { value: key, error }),
        }
    }
    result.execution_time = started.elapsed();
    Ok(result)
}

/// An outcome the batch engine failed to record: a bug, reported as a failure rather than
/// lost.
fn no_outcome(what: &str) -> Error {
    Error::invalid(
        InvalidReason::RequestShape,
        format!("internal error of dynamo_table: no outcome for this {what}; please report it"),
    )
}
