//! `BatchGetItem` that accounts for every key: chunking, de-duplication, bounded concurrency,
//! and retries of unprocessed keys with backoff.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

use crate::batch::{
    BatchStats, FastMap, KeyNames, fingerprint, retry_chunk, run_chunks, table_list,
};
use crate::capacity::Side;
use crate::client::DynamoClient;
use crate::config::RetryConfig;
use crate::error::Error;
use crate::observe::ObserveExt;

/// DynamoDB's limit of keys in one `BatchGetItem` call.
const KEYS_PER_REQUEST: usize = 100;

/// One distinct key to read.
#[derive(Debug)]
pub(crate) struct GetRequest {
    pub table: std::sync::Arc<str>,
    pub key_names: KeyNames,
    pub key: HashMap<String, AttributeValue>,
    pub fingerprint: String,
}

/// What became of one key; `V` is the decoded item.
#[derive(Debug)]
pub(crate) enum GetOutcome<V> {
    Found(V),
    NotFound,
    Failed(Arc<Error>),
}

/// Turns a returned item into `V` as soon as its chunk arrives, so raw items do not pile up.
pub(crate) type Decode<'a, V> =
    &'a (dyn Fn(HashMap<String, AttributeValue>) -> crate::error::Result<V> + Sync);

/// Reads every key (distinct keys only: callers de-duplicate) and returns one outcome per key,
/// in order.
pub(crate) async fn get_all<V: Send>(
    client: &DynamoClient,
    requests: &[GetRequest],
    retry: RetryConfig,
    decode: Decode<'_, V>,
) -> (Vec<GetOutcome<V>>, BatchStats) {
    run_chunks(
        (0..requests.len()).map(|_| None).collect(),
        (0..requests.len()).collect(),
        KEYS_PER_REQUEST,
        client.batch_concurrency(),
        |chunk| get_chunk(client, requests, chunk, retry, decode),
        || {
            GetOutcome::Failed(Arc::new(Error::invalid(
                "internal: no outcome for this key",
            )))
        },
    )
    .await
}

/// Reads one chunk (at most 100 keys) until every key is found or known missing, fails for
/// good, or the retries run out.
async fn get_chunk<V: Send>(
    client: &DynamoClient,
    requests: &[GetRequest],
    chunk: Vec<usize>,
    retry: RetryConfig,
    decode: Decode<'_, V>,
) -> (Vec<(usize, GetOutcome<V>)>, BatchStats) {
    let tables = |indices: &[usize]| table_list(indices.iter().map(|&i| &*requests[i].table));
    let failed = |error: &Arc<Error>| GetOutcome::Failed(Arc::clone(error));
    retry_chunk(chunk, retry, tables, failed, |pending| async move {
        let mut by_table: HashMap<&str, Vec<HashMap<String, AttributeValue>>> = HashMap::new();
        for &i in &pending {
            by_table
                .entry(&*requests[i].table)
                .or_default()
                .push(requests[i].key.clone());
        }
        let mut request_items = HashMap::with_capacity(by_table.len());
        for (table, keys) in by_table {
            let keys = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .build()
                .map_err(|e| {
                    Error::invalid(format!(
                        "could not build a BatchGetItem request for table `{table}`: {e}"
                    ))
                })?;
            request_items.insert(table.to_owned(), keys);
        }
        let (output, capacity) = client
            .sdk()
            .batch_get_item()
            .set_request_items(Some(request_items))
            .set_return_consumed_capacity(crate::capacity::wanted())
            .send()
            .observed_by(client, "BatchGetItem", &tables(&pending), Side::Read)
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
        for (table, items) in output.responses.unwrap_or_default() {
            let Some(key_names) = names_of(&table) else {
                continue;
            };
            for item in items {
                let position = fingerprint(&table, key_names, &item)
                    .and_then(|fp| by_key.get(fp.as_str()).copied());
                if let Some(position) = position
                    && !settled[position]
                {
                    settled[position] = true;
                    let outcome = match decode(item) {
                        Ok(value) => GetOutcome::Found(value),
                        Err(error) => GetOutcome::Failed(Arc::new(error)),
                    };
                    results.push((pending[position], outcome));
                }
            }
        }
        let mut unread = Vec::new();
        let mut unmatched = false;
        for (table, keys) in &output.unprocessed_keys.unwrap_or_default() {
            let key_names = names_of(table);
            for key in keys.keys() {
                let position = key_names
                    .and_then(|n| fingerprint(table, n, key))
                    .and_then(|fp| by_key.get(fp.as_str()).copied());
                match position {
                    Some(position) if !settled[position] => {
                        settled[position] = true;
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
        Ok((results, unread, capacity))
    })
    .await
}
