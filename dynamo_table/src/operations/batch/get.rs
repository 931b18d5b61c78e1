//! `BatchGetItem` that accounts for every key: chunking, de-duplication, bounded concurrency,
//! and retries of unprocessed keys with backoff.
//!
//! A batch get holds the caller's typed keys and a slot per key for its item, nothing more per
//! key: key maps are built per chunk as it is sent and moved into the request, answers are
//! matched to keys by key hash, DynamoDB's unprocessed copies are resent as returned, and a
//! key is freed as soon as its item is found.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::KeysAndAttributes;
use dynamo_table_rules::limits::KEYS_PER_BATCH;

use super::bits::Bits;
use super::chunks::{CallFailed, retry_chunk, run_chunks};
use super::key_hash::{FastMap, Found, find_repeats, key_hash, typed_key_hash};
use super::keys::Keys;
use super::results::{BatchGetResult, BatchStats, CallCapacity, Failed};
use crate::codec::item::{Reading, is_expired};
use crate::codec::key::{Item, key_map};
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{self, Bound, non_empty};
use crate::operations::TableRef;
use crate::request::capacity::{self, Capacity, Side};
use crate::request::connection::Connection;
use crate::request::send::ObserveExt;
use crate::schema::{DynamoTable, IntoKey, KeyNames, KeyOf, RetryConfig, key_names};

/// What became of one key; `V` is the decoded item.
#[derive(Debug)]
enum GetOutcome<V> {
    Found(V),
    NotFound,
    Failed(Arc<Error>),
}

/// Turns a returned item into `V` as soon as its chunk arrives, so raw items do not pile up;
/// `None` for an item that counts as missing (its time to live has passed).
type Decode<'a, V> = &'a (dyn Fn(Item) -> Result<Option<V>> + Sync);

/// Builds key `i`'s map, for the call that carries it.
type BuildKey<'a> = &'a (dyn Fn(usize) -> Result<Item> + Sync);

/// What the calls of one batch get share.
struct Reads<'a, V> {
    conn: &'a Connection,
    table: &'a str,
    key_names: KeyNames,
    /// The attributes to read (`ProjectionExpression` and names), if not all.
    projection: Option<&'a Bound>,
    retry: RetryConfig,
    call_capacity: CallCapacity,
    decode: Decode<'a, V>,
    key: BuildKey<'a>,
}

/// Reads keys `0..len` (distinct keys: the caller de-duplicates) and hands each key's outcome
/// to `settle`.
async fn get_all<V: Send>(
    reads: &Reads<'_, V>,
    len: usize,
    settle: impl FnMut(usize, GetOutcome<V>),
) -> BatchStats {
    run_chunks(
        0..len,
        KEYS_PER_BATCH,
        reads.conn.batch_concurrency,
        reads.call_capacity,
        |chunk| get_chunk(reads, chunk),
        settle,
    )
    .await
}

/// Reads one chunk (at most 100 keys) until every key is found or known missing, fails for
/// good, or the retries run out.
async fn get_chunk<V: Send>(
    reads: &Reads<'_, V>,
    chunk: Vec<usize>,
) -> (Vec<(usize, GetOutcome<V>)>, BatchStats) {
    let tables = |_: &[usize]| reads.table.to_owned();
    let failed = |error: &Arc<Error>| GetOutcome::Failed(Arc::clone(error));
    // DynamoDB's copies of the keys it left unprocessed, for the next call.
    let returned: Mutex<FastMap<usize, Item>> = Mutex::default();
    let returned = &returned;
    // A read applies nothing: a lost answer leaves it unread, not unknown.
    retry_chunk(
        "BatchGetItem",
        chunk,
        reads.retry,
        tables,
        failed,
        failed,
        |pending| async move {
            // Each key's map, moved into the request; its hash places the answers.
            let mut keys = Vec::with_capacity(pending.len());
            let mut placing = Placing::with_capacity(pending.len());
            let built = {
                let mut returned = returned.lock().unwrap_or_else(PoisonError::into_inner);
                pending.iter().enumerate().try_for_each(|(position, &i)| {
                    let key = match returned.remove(&i) {
                        Some(key) => key,
                        None => (reads.key)(i)?,
                    };
                    placing.add(position, reads.key_names, &key);
                    keys.push(key);
                    Ok(())
                })
            };
            let sent = match built {
                Ok(()) => send_chunk(reads, keys).await,
                Err(error) => Err(error),
            };
            let (answer, capacity) = match sent {
                Ok(answer) => answer,
                Err(error) => return Err(CallFailed::whole(pending, error)),
            };
            let key_at = |position: usize| (reads.key)(*pending.get(position)?).ok();
            let position_of =
                |item: &Item| placing.position(item, reads.key_names, pending.len(), key_at);
            let mut results = Vec::with_capacity(pending.len());
            let mut settled = vec![false; pending.len()];
            for item in answer.items {
                let Some(position) = position_of(&item) else {
                    continue;
                };
                if std::mem::replace(&mut settled[position], true) {
                    continue;
                }
                let outcome = match (reads.decode)(item) {
                    Ok(Some(value)) => GetOutcome::Found(value),
                    Ok(None) => GetOutcome::NotFound,
                    Err(error) => GetOutcome::Failed(Arc::new(error)),
                };
                results.push((pending[position], outcome));
            }
            let mut unread = Vec::new();
            let mut unmatched = false;
            {
                let mut returned = returned.lock().unwrap_or_else(PoisonError::into_inner);
                for key in answer.unprocessed {
                    match position_of(&key) {
                        Some(position) if !settled[position] => {
                            settled[position] = true;
                            // DynamoDB's own copy of the key goes back for the next call.
                            returned.insert(pending[position], key);
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

/// Where a chunk's answers go: each pending key's position, by key hash; where two keys of the
/// chunk share a hash (almost never), by comparing keys instead.
struct Placing {
    by_hash: FastMap<u64, usize>,
    collided: bool,
}

impl Placing {
    fn with_capacity(len: usize) -> Self {
        let mut by_hash = FastMap::default();
        by_hash.reserve(len);
        Placing {
            by_hash,
            collided: false,
        }
    }

    /// Notes the key at `position` of the chunk.
    fn add(&mut self, position: usize, names: KeyNames, key: &Item) {
        match key_hash(0, names, key) {
            Some(hash) => self.collided |= self.by_hash.insert(hash, position).is_some(),
            None => self.collided = true,
        }
    }

    /// The position of the key of `item` (an item or a key DynamoDB returned) among the `len`
    /// keys of the chunk; `key_at` gives the key at a position, for the comparison by key.
    fn position(
        &self,
        item: &Item,
        names: KeyNames,
        len: usize,
        key_at: impl Fn(usize) -> Option<Item>,
    ) -> Option<usize> {
        if !self.collided {
            return self.by_hash.get(&key_hash(0, names, item)?).copied();
        }
        (0..len).find(|&at| {
            key_at(at).is_some_and(|key| key.iter().all(|(n, v)| item.get(n) == Some(v)))
        })
    }
}

/// What one `BatchGetItem` call returned for the batch's table.
struct Answer {
    items: Vec<Item>,
    unprocessed: Vec<Item>,
}

/// Sends one `BatchGetItem` call for `keys` of the batch's table.
async fn send_chunk<V>(reads: &Reads<'_, V>, keys: Vec<Item>) -> Result<(Answer, Capacity)> {
    let (projection, names) = match reads.projection {
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
                    "could not build a BatchGetItem request for table `{}`: {e}",
                    reads.table
                ),
            )
        })?;
    let (output, capacity) = reads
        .conn
        .sdk
        .batch_get_item()
        .set_request_items(Some(HashMap::from([(reads.table.to_owned(), keys)])))
        .set_return_consumed_capacity(capacity::wanted())
        .send()
        .observed_by(reads.conn, "BatchGetItem", reads.table, Side::Read)
        .await?;
    let items = output
        .responses
        .and_then(|mut r| r.remove(reads.table))
        .unwrap_or_default();
    let unprocessed = output
        .unprocessed_keys
        .and_then(|mut u| u.remove(reads.table))
        .map(|k| k.keys)
        .unwrap_or_default();
    Ok((Answer { items, unprocessed }, capacity))
}

/// Reads the items of `T`'s table with these keys, whole or only the `projection`'s
/// attributes, as `R` reads them, keeping each call's capacity if `call_capacity` asks; see
/// [`Table::batch_get`](crate::Table::batch_get).
pub(crate) async fn get_items<T: DynamoTable, R: Reading, K: IntoKey<T>>(
    table: &TableRef,
    keys: impl IntoIterator<Item = K>,
    projection: Option<Vec<String>>,
    call_capacity: CallCapacity,
) -> Result<BatchGetResult<T, R::Output>> {
    let started = Instant::now();
    let key_names = key_names::<T>();
    // The keys come too, to match items to keys; and the time to live, to leave out expired
    // items.
    let projection = projection.map(|mut attributes| {
        attributes.extend(key_names.iter().chain(T::TTL_ATTRIBUTE).map(str::to_owned));
        expression::projection(None, &attributes)
    });
    let mut typed = Keys::new(keys.into_iter().map(IntoKey::into_key));
    let duplicate_keys = drop_repeated_keys::<T>(&table.name, &mut typed)?;
    let len = typed.len();
    // Locked once per key map built and per key found, always from this call's one task.
    let typed = Mutex::new(typed);
    let keys = || typed.lock().unwrap_or_else(PoisonError::into_inner);

    let decode = |item: Item| {
        if is_expired::<T>(&item) {
            return Ok(None);
        }
        R::decode(&table.name, item).map(Some)
    };
    let key = |i: usize| match keys().get(i) {
        Some((pk, sk)) => key_map::<T>(&table.name, pk, sk.as_ref()),
        None => Err(no_outcome("key")),
    };
    let reads = Reads {
        conn: &table.conn,
        table: &table.name,
        key_names,
        projection: projection.as_ref(),
        retry: table.batch_retry,
        call_capacity,
        decode: &decode,
        key: &key,
    };
    // A slot per key for its item, filled as chunks settle; failures and missing keys beside.
    let mut found: Vec<Option<R::Output>> = Vec::with_capacity(len);
    found.resize_with(len, || None);
    let mut failed: FastMap<usize, Arc<Error>> = FastMap::default();
    let mut settled = Bits::new(len);
    let stats = get_all(&reads, len, |i, outcome| {
        settled.set(i, true);
        match outcome {
            GetOutcome::Found(value) => {
                // The item stands for its key from now on.
                keys().release(i);
                if let Some(slot) = found.get_mut(i) {
                    *slot = Some(value);
                }
            }
            GetOutcome::NotFound => {}
            GetOutcome::Failed(error) => {
                failed.insert(i, error);
            }
        }
    })
    .await;
    let mut result = BatchGetResult {
        items: Vec::new(),
        failed_keys: Vec::new(),
        not_found: Vec::new(),
        duplicate_keys,
        execution_time: Duration::ZERO,
        stats,
    };
    let typed = typed.into_inner().unwrap_or_else(PoisonError::into_inner);
    for (i, key) in typed.into_remaining() {
        if found.get(i).is_some_and(Option::is_some) {
            continue;
        }
        match failed.remove(&i) {
            Some(error) => result.failed_keys.push(Failed { value: key, error }),
            // A key left without an outcome (which the engine never does) would be a bug: it
            // is reported failed, never lost.
            None if !settled.get(i) => result.failed_keys.push(Failed {
                value: key,
                error: Arc::new(no_outcome("key")),
            }),
            None => result.not_found.push(key),
        }
    }
    // The found items, in the order of their keys, in the slots' own allocation: `filter_map`
    // collects in place (`flatten` would copy every item into a new vector).
    #[expect(
        clippy::filter_map_identity,
        reason = "collected in place, where `flatten` allocates a second vector"
    )]
    let items = found.into_iter().filter_map(|slot| slot).collect();
    result.items = items;
    result.execution_time = started.elapsed();
    Ok(result)
}

/// Removes every key that repeats an earlier one (they are read once) and returns how many it
/// removed; an invalid key is an error naming it.
fn drop_repeated_keys<T: DynamoTable>(table: &str, keys: &mut Keys<KeyOf<T>>) -> Result<usize> {
    let hash = |i: usize| -> Result<Option<u64>> {
        let Some((pk, sk)) = keys.get(i) else {
            return Ok(None);
        };
        typed_key_hash::<T>(table, 0, pk, sk.as_ref()).map(Some)
    };
    let map = |i: usize| {
        let (pk, sk) = keys.get(i)?;
        key_map::<T>(table, pk, sk.as_ref()).ok()
    };
    let same = |a: usize, b: usize| matches!((map(a), map(b)), (Some(x), Some(y)) if x == y);
    let mut repeated = Bits::new(keys.len());
    find_repeats(keys.len(), hash, same, |found| match found {
        Found::Refused(_, error) => Err(error),
        Found::Repeat { later, .. } => {
            repeated.set(later, true);
            Ok(())
        }
    })?;
    let before = keys.len();
    keys.remove(&repeated);
    Ok(before - keys.len())
}

/// An outcome the batch engine failed to record: a bug, reported as a failure rather than
/// lost.
fn no_outcome(what: &str) -> Error {
    Error::invalid(
        InvalidReason::RequestShape,
        format!("internal error of dynamo_table: no outcome for this {what}; please report it"),
    )
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;

    fn key(id: &str) -> Item {
        HashMap::from([("id".to_owned(), AttributeValue::S(id.to_owned()))])
    }

    #[test]
    fn answers_are_placed_by_hash_or_by_key_when_hashes_collide() {
        let names = KeyNames {
            partition: "id",
            sort: None,
        };
        let keys = [key("a"), key("b"), key("c")];
        let key_at = |at: usize| keys.get(at).cloned();
        let mut placing = Placing::with_capacity(3);
        for (at, k) in keys.iter().enumerate() {
            placing.add(at, names, k);
        }
        assert!(!placing.collided);
        let mut item = key("c");
        item.insert("body".into(), AttributeValue::S("x".into()));
        assert_eq!(placing.position(&item, names, 3, key_at), Some(2));
        assert_eq!(placing.position(&key("z"), names, 3, key_at), None);

        // Two keys given one hash: placed by comparing keys, never by the shared hash.
        placing.by_hash.clear();
        placing.by_hash.insert(7, 0);
        placing.collided = true;
        assert_eq!(placing.position(&item, names, 3, key_at), Some(2));
        assert_eq!(placing.position(&key("b"), names, 3, key_at), Some(1));
        assert_eq!(placing.position(&key("z"), names, 3, key_at), None);
    }
}
