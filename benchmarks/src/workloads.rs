//! The workloads, each written three ways.

use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_dynamodb::types::{
    AttributeValue, KeysAndAttributes, PutRequest, ReturnConsumedCapacity, Select, WriteRequest,
};
use futures::{StreamExt, TryStreamExt};
use seed::GSITable as _;
use serde::{Deserialize, Serialize};

use crate::measure::{Sample, measure, thread_cpu_time};

pub const TABLE: &str = "bench_items";
/// The seed names its GSI `global-{table}-{pk}`; all three ways use that index.
pub const GSI: &str = "global-bench_items-kind";
/// Items of the big partition (streams, counts, batch gets).
const BIG: usize = 100_000;
const PUTS: usize = 500;
pub const BATCH: usize = 10_000;
/// A repetition of a batch workload runs in this many rounds of `BATCH / BATCH_ROUNDS` items,
/// the ways taking turns in every round, so that a noisy moment falls on all of them alike.
pub const BATCH_ROUNDS: usize = 5;
/// Batch requests in flight, every way: the seed's fixed concurrency.
pub const BATCH_CONCURRENCY: usize = 10;
/// Every raw request asks for its consumed capacity, as ours and the seed's do.
const CAPACITY: ReturnConsumedCapacity = ReturnConsumedCapacity::Total;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, dynamo_table::DynamoTable)]
#[dynamo(table = "bench_items")]
pub struct Item {
    #[dynamo(pk)]
    pk: String,
    #[dynamo(sk)]
    sk: String,
    #[dynamo(gsi(name = "global-bench_items-kind", pk))]
    kind: String,
    n: u64,
    payload: String,
}

/// The same table as the seed crate sees it (a hand-written impl, its README's way).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeedItem {
    pk: String,
    sk: String,
    kind: String,
    n: u64,
    payload: String,
}

impl seed::DynamoTable for SeedItem {
    type PK = String;
    type SK = String;
    const TABLE: &'static str = TABLE;
    const PARTITION_KEY: &'static str = "pk";
    const SORT_KEY: Option<&'static str> = Some("sk");
    fn partition_key(&self) -> String {
        self.pk.clone()
    }
    fn sort_key(&self) -> Option<String> {
        Some(self.sk.clone())
    }
}

impl seed::GSITable for SeedItem {
    const GSI_PARTITION_KEY: &'static str = "kind";
    fn gsi_partition_key(&self) -> String {
        self.kind.clone()
    }
}

#[derive(Serialize)]
struct Patch {
    n: u64,
}

fn item(pk: &str, i: usize, kind: &str) -> Item {
    Item {
        pk: pk.to_owned(),
        sk: format!("{i:08}"),
        kind: kind.to_owned(),
        n: i as u64,
        payload: "p".repeat(64),
    }
}

fn seed_item(i: &Item) -> SeedItem {
    SeedItem {
        pk: i.pk.clone(),
        sk: i.sk.clone(),
        kind: i.kind.clone(),
        n: i.n,
        payload: i.payload.clone(),
    }
}

/// The ways each workload runs. `RawAgain` is the raw code a second time: the A/A control
/// whose ratio to `Raw` shows what the harness cannot tell apart.
/// The items a batch write of `way` is given: for the seed, as its own type (converted before
/// any measurement, and the originals dropped so that memory holds one copy).
fn items_for(way: Way, items: Vec<Item>) -> (Vec<Item>, Vec<SeedItem>) {
    if way == Way::Seed {
        (Vec::new(), items.iter().map(seed_item).collect())
    } else {
        (items, Vec::new())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Raw = 0,
    RawAgain = 1,
    Ours = 2,
    Seed = 3,
}

impl Way {
    pub const ALL: [Way; 4] = [Way::Raw, Way::RawAgain, Way::Ours, Way::Seed];

    pub fn name(self) -> &'static str {
        match self {
            Way::Raw => "raw",
            Way::RawAgain => "raw-again",
            Way::Ours => "ours",
            Way::Seed => "seed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Way::Raw => "raw SDK",
            Way::RawAgain => "raw SDK again (A/A control)",
            Way::Ours => "dynamo_table (ours)",
            Way::Seed => "seed 0.8.0",
        }
    }

    pub fn parse(s: &str) -> Way {
        match s {
            "raw" => Way::Raw,
            "raw-again" => Way::RawAgain,
            "seed" => Way::Seed,
            _ => Way::Ours,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Workload {
    Put,
    Get,
    Update,
    QueryPage,
    GsiPage,
    Stream,
    BatchWrite,
    BatchGet,
    Count,
}

pub const ALL: [Workload; 9] = [
    Workload::Put,
    Workload::Get,
    Workload::Update,
    Workload::QueryPage,
    Workload::GsiPage,
    Workload::Stream,
    Workload::BatchWrite,
    Workload::BatchGet,
    Workload::Count,
];

impl Workload {
    pub fn name(self) -> &'static str {
        match self {
            Workload::Put => "put (500 items, one at a time)",
            Workload::Get => "get (500 items, one at a time)",
            Workload::Update => "update (500 items, one at a time)",
            Workload::QueryPage => "query: one page of 100 items (200 pages)",
            Workload::GsiPage => "GSI query: one page of 100 items (200 pages)",
            Workload::Stream => "query stream over 10,000 items",
            Workload::BatchWrite => "batch write of 10,000 items",
            Workload::BatchGet => "batch get of 10,000 keys",
            Workload::Count => "count over 100,000 items",
        }
    }

    /// How many repetitions it runs, given the `base` number: three times as many for the
    /// batch workloads, whose client CPU varies most from one repetition to the next (the
    /// A/A interval was about ±10% at 15), for a third of the run's time.
    pub fn repetitions(self, base: usize) -> usize {
        match self {
            Workload::BatchWrite | Workload::BatchGet => base * 3,
            _ => base,
        }
    }

    /// How many rounds a repetition runs in, the ways taking turns in each.
    pub fn rounds(self) -> usize {
        match self {
            Workload::BatchWrite | Workload::BatchGet => BATCH_ROUNDS,
            _ => 1,
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Workload::Put | Workload::Get | Workload::Update => "op",
            Workload::QueryPage | Workload::GsiPage => "page",
            Workload::Stream | Workload::BatchWrite | Workload::BatchGet | Workload::Count => {
                "item"
            }
        }
    }
}

pub struct Ctx {
    pub sdk: aws_sdk_dynamodb::Client,
    pub ours: dynamo_table::Table<Item>,
}

impl Ctx {
    pub async fn connect(endpoint: &str) -> Ctx {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "bench", "bench", None, None, "bench",
            ))
            .endpoint_url(endpoint)
            // The timeouts ours gives a client that has none: every way runs with them.
            .timeout_config(dynamo_table::config::default_timeouts())
            .build();
        let sdk = aws_sdk_dynamodb::Client::from_conf(config);
        seed::init_with_client(sdk.clone()).await;
        let ours = dynamo_table::DynamoClient::from_client_at(sdk.clone(), endpoint)
            .with_batch_concurrency(BATCH_CONCURRENCY)
            .table::<Item>();
        Ctx { sdk, ours }
    }

    /// Creates the table and loads: 100 items in partition `q` (kind `g`), 100,000 in `big`
    /// (kind `b`), 10,000 in `mem10k`.
    pub async fn load(&self) {
        if let Err(e) = self.ours.create_if_not_exists().await {
            crate::fail(&format!("create table: {e}"));
        }
        let mut all: Vec<Item> = (0..100).map(|i| item("q", i, "g")).collect();
        all.extend((0..BIG).map(|i| item("big", i, "b")));
        all.extend((0..10_000).map(|i| item("mem10k", i, "m")));
        let started = Instant::now();
        match self.ours.batch_put(all).await {
            Ok(r) if r.failed.is_empty() => {
                eprintln!("loaded {} items in {:?}", r.items.len(), started.elapsed())
            }
            Ok(r) => crate::fail(&format!("load: {} items failed", r.failed.len())),
            Err(e) => crate::fail(&format!("load: {e}")),
        }
    }
}

/// Correctness problems seen while benchmarking (the seed's), for the report.
static NOTES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn note(text: String) {
    if let Ok(mut notes) = NOTES.lock()
        && !notes.contains(&text)
    {
        notes.push(text);
    }
}

pub fn notes() -> Vec<String> {
    NOTES.lock().map(|n| n.clone()).unwrap_or_default()
}

fn key(pk: &str, sk: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(pk.to_owned())),
        ("sk".to_owned(), AttributeValue::S(sk.to_owned())),
    ])
}

fn must<T, E: std::fmt::Display>(r: Result<T, E>, what: &str) -> T {
    r.unwrap_or_else(|e| crate::fail(&format!("{what}: {e}")))
}

/// One round (see [`Workload::rounds`]) of `workload` done `way`, measured.
pub async fn run(ctx: &Ctx, workload: Workload, way: Way, rep: usize, round: usize) -> Sample {
    match workload {
        Workload::Put => {
            let items: Vec<Item> = (0..PUTS)
                .map(|i| item(&format!("put-{}-{rep}", way.name()), i, "w"))
                .collect();
            let seed_items: Vec<SeedItem> = items.iter().map(seed_item).collect();
            measure(async {
                for (i, it) in items.iter().enumerate() {
                    match way {
                        Way::Raw | Way::RawAgain => {
                            let map = must(serde_dynamo::to_item(it), "encode");
                            must(
                                ctx.sdk
                                    .put_item()
                                    .table_name(TABLE)
                                    .set_item(Some(map))
                                    .return_consumed_capacity(CAPACITY)
                                    .send()
                                    .await,
                                "raw put",
                            );
                        }
                        Way::Ours => {
                            must(ctx.ours.put(it).await, "put");
                        }
                        Way::Seed => {
                            must(
                                seed::DynamoTable::add_item(&seed_items[i]).await,
                                "seed put",
                            );
                        }
                    }
                }
                PUTS as u64
            })
            .await
        }
        Workload::Get => {
            let keys: Vec<(String, String)> = (0..PUTS)
                .map(|i| ("big".to_owned(), format!("{i:08}")))
                .collect();
            measure(async {
                for (pk, sk) in &keys {
                    let found = match way {
                        Way::Raw | Way::RawAgain => {
                            let out = must(
                                ctx.sdk
                                    .get_item()
                                    .table_name(TABLE)
                                    .set_key(Some(key(pk, sk)))
                                    .return_consumed_capacity(CAPACITY)
                                    .send()
                                    .await,
                                "raw get",
                            );
                            out.item
                                .map(|m| must(serde_dynamo::from_item::<_, Item>(m), "decode"))
                                .is_some()
                        }
                        Way::Ours => {
                            must(ctx.ours.get((pk.clone(), Some(sk.clone()))).await, "get")
                                .is_some()
                        }
                        Way::Seed => must(
                            <SeedItem as seed::DynamoTable>::get_item(pk, Some(sk)).await,
                            "seed get",
                        )
                        .is_some(),
                    };
                    if !found {
                        crate::fail("an item is missing");
                    }
                }
                PUTS as u64
            })
            .await
        }
        Workload::Update => {
            let items: Vec<Item> = (0..PUTS).map(|i| item("big", i, "b")).collect();
            let seed_items: Vec<SeedItem> = items.iter().map(seed_item).collect();
            measure(async {
                for (i, it) in items.iter().enumerate() {
                    let n = (rep * 10 + i) as u64;
                    match way {
                        Way::Raw | Way::RawAgain => {
                            must(
                                ctx.sdk
                                    .update_item()
                                    .table_name(TABLE)
                                    .set_key(Some(key(&it.pk, &it.sk)))
                                    .update_expression("SET #n = :n")
                                    .expression_attribute_names("#n", "n")
                                    .expression_attribute_values(
                                        ":n",
                                        AttributeValue::N(n.to_string()),
                                    )
                                    .return_consumed_capacity(CAPACITY)
                                    .send()
                                    .await,
                                "raw update",
                            );
                        }
                        Way::Ours => {
                            must(
                                ctx.ours
                                    .update((it.pk.clone(), Some(it.sk.clone())), Patch { n })
                                    .await,
                                "update",
                            );
                        }
                        Way::Seed => {
                            must(
                                seed::DynamoTable::update_item(&seed_items[i], Patch { n }).await,
                                "seed update",
                            );
                        }
                    }
                }
                PUTS as u64
            })
            .await
        }
        Workload::QueryPage | Workload::GsiPage => {
            let gsi = matches!(workload, Workload::GsiPage);
            measure(async {
                for _ in 0..200 {
                    let n = match (way, gsi) {
                        (Way::Raw | Way::RawAgain, _) => {
                            let mut q = ctx
                                .sdk
                                .query()
                                .table_name(TABLE)
                                .limit(100)
                                .return_consumed_capacity(CAPACITY);
                            q = if gsi {
                                q.index_name(GSI)
                                    .key_condition_expression("#k = :k")
                                    .expression_attribute_names("#k", "kind")
                                    .expression_attribute_values(
                                        ":k",
                                        AttributeValue::S("g".into()),
                                    )
                            } else {
                                q.key_condition_expression("#p = :p")
                                    .expression_attribute_names("#p", "pk")
                                    .expression_attribute_values(
                                        ":p",
                                        AttributeValue::S("q".into()),
                                    )
                            };
                            let out = must(q.send().await, "raw query");
                            let items: Vec<Item> = must(
                                serde_dynamo::from_items(out.items.unwrap_or_default()),
                                "decode",
                            );
                            items.len()
                        }
                        (Way::Ours, false) => must(
                            ctx.ours.query(&"q".to_owned()).limit(100).page().await,
                            "query",
                        )
                        .items
                        .len(),
                        (Way::Ours, true) => must(
                            ctx.ours
                                .index::<ItemGlobalBenchItemsKindIndex>()
                                .query(&"g".to_owned())
                                .limit(100)
                                .page()
                                .await,
                            "gsi query",
                        )
                        .items
                        .len(),
                        (Way::Seed, false) => must(
                            <SeedItem as seed::DynamoTable>::query_items(
                                &"q".to_owned(),
                                None,
                                Some(100),
                                None,
                            )
                            .await,
                            "seed query",
                        )
                        .items
                        .len(),
                        (Way::Seed, true) => must(
                            SeedItem::query_gsi_items("g".to_owned(), None, Some(100), None).await,
                            "seed gsi query",
                        )
                        .items
                        .len(),
                    };
                    if n != 100 {
                        crate::fail(&format!("a page had {n} items"));
                    }
                }
                200
            })
            .await
        }
        Workload::Stream => measure(async { stream(ctx, way, "big", 10_000).await as u64 }).await,
        Workload::BatchWrite => {
            let items: Vec<Item> = (0..BATCH / BATCH_ROUNDS)
                // The same keys in every repetition (overwritten, so the table stays small),
                // of one length for every way.
                .map(|i| item(&format!("bw-{}-{round}", way as usize), i, "w"))
                .collect();
            let (items, seed_items) = items_for(way, items);
            measure(async { batch_write(ctx, way, items, seed_items).await as u64 }).await
        }
        Workload::BatchGet => {
            let per_round = BATCH / BATCH_ROUNDS;
            let keys: Vec<(String, String)> = (round * per_round..(round + 1) * per_round)
                .map(|i| ("big".to_owned(), format!("{i:08}")))
                .collect();
            // Ours and the seed take owned keys: made before the measurement, as the seed's
            // items are.
            let owned: Vec<(String, Option<String>)> = match way {
                Way::Ours | Way::Seed => keys
                    .iter()
                    .map(|(p, s)| (p.clone(), Some(s.clone())))
                    .collect(),
                Way::Raw | Way::RawAgain => Vec::new(),
            };
            measure(async { batch_get(ctx, way, &keys, owned).await as u64 }).await
        }
        Workload::Count => {
            measure(async {
                let n = match way {
                    Way::Raw | Way::RawAgain => {
                        let mut start = None;
                        let mut total = 0usize;
                        loop {
                            let out = must(
                                raw_partition_query(ctx, "big")
                                    .select(Select::Count)
                                    .set_exclusive_start_key(start)
                                    .send()
                                    .await,
                                "raw count",
                            );
                            total += usize::try_from(out.count).unwrap_or(0);
                            start = out.last_evaluated_key;
                            if start.is_none() {
                                break total;
                            }
                        }
                    }
                    Way::Ours => must(ctx.ours.query(&"big".to_owned()).count().await, "count"),
                    Way::Seed => must(
                        <SeedItem as seed::DynamoTable>::count_items(&"big".to_owned()).await,
                        "seed count",
                    ),
                };
                if n != BIG {
                    if way != Way::Seed {
                        crate::fail(&format!("{} count was {n}", way.name()));
                    }
                    note(format!(
                        "seed 0.8.0 `count_items` returned {n} for a partition of {BIG} \
                         items: it counts only the first 1 MB page (the seed bug \
                         `tests/seed_fixes.rs` covers)"
                    ));
                }
                n as u64
            })
            .await
        }
    }
}

/// The raw SDK's query of the partition `pk`, asking for consumed capacity.
fn raw_partition_query(
    ctx: &Ctx,
    pk: &str,
) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
    ctx.sdk
        .query()
        .table_name(TABLE)
        .key_condition_expression("#p = :p")
        .expression_attribute_names("#p", "pk")
        .expression_attribute_values(":p", AttributeValue::S(pk.to_owned()))
        .return_consumed_capacity(CAPACITY)
}

/// Streams the partition `pk`, `page` items per request; returns the items seen.
async fn stream(ctx: &Ctx, way: Way, pk: &str, page: u16) -> usize {
    match way {
        Way::Raw | Way::RawAgain => {
            let mut items = raw_partition_query(ctx, pk)
                .limit(i32::from(page))
                .into_paginator()
                .items()
                .send();
            let mut n = 0;
            while let Some(map) = items.next().await {
                let _item: Item = must(serde_dynamo::from_item(must(map, "raw stream")), "decode");
                n += 1;
            }
            n
        }
        Way::Ours => {
            let items = ctx
                .ours
                .query(&pk.to_owned())
                .limit(u32::from(page))
                .stream();
            must(
                items.try_fold(0, |n, _item| async move { Ok(n + 1) }).await,
                "stream",
            )
        }
        Way::Seed => {
            // The seed's own stream (`query_items_stream`), which its docs offer for this.
            let pk = pk.to_owned();
            let items = seed::table::query_items_stream::<SeedItem>(
                &pk,
                None,
                None,
                Some(page),
                None,
                true,
            )
            .await;
            let mut items = std::pin::pin!(items);
            let mut n = 0;
            while let Some(item) = items.next().await {
                must(item, "seed stream");
                n += 1;
            }
            n
        }
    }
}

/// Writes `items` (`seed_items` for the seed: the same items as its type, converted before the
/// measurement); returns how many were written.
async fn batch_write(ctx: &Ctx, way: Way, items: Vec<Item>, seed_items: Vec<SeedItem>) -> usize {
    let n = items.len() + seed_items.len();
    let written = match way {
        Way::Raw | Way::RawAgain => {
            // Encoded a chunk at a time, as requests are sent, and moved into the request.
            futures::stream::iter(items.chunks(25))
                .map(|chunk| async move {
                    let mut requests: Vec<WriteRequest> = chunk
                        .iter()
                        .map(|it| {
                            let put = must(
                                PutRequest::builder()
                                    .set_item(Some(must(serde_dynamo::to_item(it), "encode")))
                                    .build(),
                                "put request",
                            );
                            WriteRequest::builder().put_request(put).build()
                        })
                        .collect();
                    let count = requests.len();
                    loop {
                        let out = must(
                            ctx.sdk
                                .batch_write_item()
                                .request_items(TABLE, requests)
                                .return_consumed_capacity(CAPACITY)
                                .send()
                                .await,
                            "raw batch write",
                        );
                        match out.unprocessed_items.and_then(|mut u| u.remove(TABLE)) {
                            Some(left) if !left.is_empty() => requests = left,
                            _ => break count,
                        }
                    }
                })
                .buffer_unordered(BATCH_CONCURRENCY)
                .fold(0, |a, b| async move { a + b })
                .await
        }
        Way::Ours => {
            let r = must(ctx.ours.batch_put(items).await, "batch write");
            r.items.len()
        }
        Way::Seed => {
            let r = must(
                <SeedItem as seed::DynamoTable>::batch_upsert(seed_items).await,
                "seed batch write",
            );
            r.processed_puts.len()
        }
    };
    if written != n {
        crate::fail(&format!("batch write wrote {written} of {n}"));
    }
    n
}

/// Reads the items with these keys (`keys` for the raw SDK, `owned` for ours and the seed's:
/// the same keys, in the form their APIs take); returns how many it found, which must be all.
async fn batch_get(
    ctx: &Ctx,
    way: Way,
    keys: &[(String, String)],
    owned: Vec<(String, Option<String>)>,
) -> usize {
    let wanted = keys.len().max(owned.len());
    let n = match way {
        Way::Raw | Way::RawAgain => raw_batch_get(ctx, keys).await.len(),
        Way::Ours => must(ctx.ours.batch_get(owned).await, "batch get")
            .items
            .len(),
        Way::Seed => must(
            <SeedItem as seed::DynamoTable>::batch_get(owned).await,
            "seed batch get",
        )
        .items
        .len(),
    };
    if n != wanted {
        crate::fail(&format!("batch get found {n} of {wanted}"));
    }
    n
}

/// The items with these keys, as a caller of a batch get wants them: decoded and kept.
async fn raw_batch_get(ctx: &Ctx, keys: &[(String, String)]) -> Vec<Item> {
    // Each chunk's key maps are built as it is sent.
    futures::stream::iter(keys.chunks(100))
        .map(|chunk| async move {
            let maps = chunk.iter().map(|(p, s)| key(p, s)).collect();
            let mut pending = must(
                KeysAndAttributes::builder().set_keys(Some(maps)).build(),
                "keys",
            );
            let mut found: Vec<Item> = Vec::with_capacity(chunk.len());
            loop {
                let out = must(
                    ctx.sdk
                        .batch_get_item()
                        .request_items(TABLE, pending)
                        .return_consumed_capacity(CAPACITY)
                        .send()
                        .await,
                    "raw batch get",
                );
                if let Some(items) = out.responses.and_then(|mut r| r.remove(TABLE)) {
                    let items: Vec<Item> = must(serde_dynamo::from_items(items), "decode");
                    found.extend(items);
                }
                match out.unprocessed_keys.and_then(|mut u| u.remove(TABLE)) {
                    Some(left) if !left.keys().is_empty() => pending = left,
                    _ => break found,
                }
            }
        })
        .buffer_unordered(BATCH_CONCURRENCY)
        .fold(
            Vec::with_capacity(keys.len()),
            |mut all, found| async move {
                all.extend(found);
                all
            },
        )
        .await
}

/// A child process's workload, for its peak RSS and peak anonymous memory.
pub async fn memory_child(ctx: &Ctx, workload: &str, n: usize, way: Way) {
    match workload {
        "stream" => {
            let pk = if n <= 10_000 { "mem10k" } else { "big" };
            let seen = stream(ctx, way, pk, 1_000).await;
            if seen != n {
                crate::fail(&format!("streamed {seen} of {n}"));
            }
        }
        "batch_write" => {
            let items: Vec<Item> = (0..n)
                // One partition for every way (the table is the same; each run overwrites the
                // last), so that no way's keys are longer than another's.
                .map(|i| item("mem-bw", i, "w"))
                .collect();
            let (items, seed_items) = items_for(way, items);
            batch_write(ctx, way, items, seed_items).await;
        }
        "batch_get" => {
            // Keys of the loaded partition `big`, in the form each way's API takes (the raw
            // SDK borrows them, ours and the seed's take them).
            let keys: Vec<(String, String)> = (0..n.min(BIG))
                .map(|i| ("big".to_owned(), format!("{i:08}")))
                .collect();
            match way {
                Way::Raw | Way::RawAgain => batch_get(ctx, way, &keys, Vec::new()).await,
                Way::Ours | Way::Seed => {
                    let owned = keys.into_iter().map(|(p, s)| (p, Some(s))).collect();
                    batch_get(ctx, way, &[], owned).await
                }
            };
        }
        other => crate::fail(&format!("unknown memory workload {other}")),
    }
}

/// The conversions compared: ours, serde_dynamo directly, hand-written.
pub const CONVERSIONS: [&str; 3] = [
    "dynamo_table (Table::encode / decode)",
    "serde_dynamo directly",
    "hand-written HashMap<String, AttributeValue>",
];

/// CPU ns per item (this thread's clock) to encode and to decode, per conversion (in
/// [`CONVERSIONS`]' order) and per repetition. A repetition converts the items in blocks of
/// [`BLOCK`], the three conversions taking turns on each block in a random order, so that a
/// noisy moment on the machine falls on all three alike.
pub fn conversion(ctx: &Ctx, reps: usize, rng: &mut fastrand::Rng) -> [[Vec<f64>; 2]; 3] {
    const N: usize = 20_000;
    const BLOCK: usize = 500;
    let items: Vec<Item> = (0..N).map(|i| item("conv", i, "c")).collect();
    let mut out: [[Vec<f64>; 2]; 3] = Default::default();
    for _ in 0..reps {
        let mut spent = [[std::time::Duration::ZERO; 2]; 3];
        for block in items.chunks(BLOCK) {
            let mut order = [0, 1, 2];
            rng.shuffle(&mut order);
            for way in order {
                let t = thread_cpu_time();
                let maps: Vec<HashMap<String, AttributeValue>> = block
                    .iter()
                    .map(|it| match way {
                        0 => must(ctx.ours.encode(it), "encode"),
                        1 => must(serde_dynamo::to_item(it), "encode"),
                        _ => hand_encode(it),
                    })
                    .collect();
                spent[way][0] += thread_cpu_time() - t;
                let t = thread_cpu_time();
                let back: Vec<Item> = maps
                    .into_iter()
                    .map(|m| match way {
                        0 => must(ctx.ours.decode(m), "decode"),
                        1 => must(serde_dynamo::from_item(m), "decode"),
                        _ => hand_decode(m),
                    })
                    .collect();
                spent[way][1] += thread_cpu_time() - t;
                if back != block {
                    crate::fail("a conversion changed the items");
                }
            }
        }
        for (way, [encode, decode]) in spent.iter().enumerate() {
            out[way][0].push(encode.as_nanos() as f64 / N as f64);
            out[way][1].push(decode.as_nanos() as f64 / N as f64);
        }
    }
    out
}

/// How a latency-mode stream consumes the partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumer {
    /// A loop of page requests, each sent when the last page's items are done (raw SDK).
    PageLoop,
    /// Our stream with `fetch_ahead(false)`.
    OursSequential,
    /// Our stream as it comes: the next page requested while this one is worked on.
    OursAhead,
}

impl Consumer {
    pub const ALL: [Consumer; 3] = [
        Consumer::PageLoop,
        Consumer::OursSequential,
        Consumer::OursAhead,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Consumer::PageLoop => "raw SDK page loop (sequential)",
            Consumer::OursSequential => "ours, `fetch_ahead(false)`",
            Consumer::OursAhead => "ours, fetching ahead (the default)",
        }
    }
}

/// Work per item in the latency mode: CPU busy for this long.
pub const WORK: std::time::Duration = std::time::Duration::from_micros(200);

/// `WORK` of CPU work.
fn work() {
    let until = Instant::now() + WORK;
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

/// Streams `n` items of the `big` partition through `ctx` (connected through the delaying
/// proxy), `page` items per request, working [`WORK`] on each; returns the items seen.
pub async fn latency_stream(ctx: &Ctx, consumer: Consumer, page: u16, n: usize) -> usize {
    let mut seen = 0;
    match consumer {
        Consumer::PageLoop => {
            let mut start = None;
            while seen < n {
                let out = must(
                    raw_partition_query(ctx, "big")
                        .limit(i32::from(page))
                        .set_exclusive_start_key(start)
                        .send()
                        .await,
                    "raw page",
                );
                for map in out.items.unwrap_or_default() {
                    let _item: Item = must(serde_dynamo::from_item(map), "decode");
                    work();
                    seen += 1;
                    if seen == n {
                        break;
                    }
                }
                start = out.last_evaluated_key;
                if start.is_none() {
                    break;
                }
            }
        }
        Consumer::OursSequential | Consumer::OursAhead => {
            let mut items = ctx
                .ours
                .query(&"big".to_owned())
                .limit(u32::from(page))
                .fetch_ahead(consumer == Consumer::OursAhead)
                .stream();
            while let Some(item) = items.next().await {
                must(item, "stream");
                work();
                seen += 1;
                if seen == n {
                    break;
                }
            }
        }
    }
    seen
}

fn hand_encode(it: &Item) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(it.pk.clone())),
        ("sk".to_owned(), AttributeValue::S(it.sk.clone())),
        ("kind".to_owned(), AttributeValue::S(it.kind.clone())),
        ("n".to_owned(), AttributeValue::N(it.n.to_string())),
        ("payload".to_owned(), AttributeValue::S(it.payload.clone())),
    ])
}

fn hand_decode(mut m: HashMap<String, AttributeValue>) -> Item {
    let mut s = |k: &str| match m.remove(k) {
        Some(AttributeValue::S(v)) => v,
        Some(AttributeValue::N(v)) => v,
        _ => String::new(),
    };
    Item {
        pk: s("pk"),
        sk: s("sk"),
        kind: s("kind"),
        n: s("n").parse().unwrap_or(0),
        payload: s("payload"),
    }
}
