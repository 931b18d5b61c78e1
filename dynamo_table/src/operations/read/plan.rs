//! What queries and scans share: one read plan, fetched page by page, counted, or streamed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::{AttributeValue, Select};
use futures::future::Either;
use futures::{Stream, StreamExt, TryStreamExt, stream};

use super::ahead::{PageSource, PagesAhead};
use super::page::{Cursor, QueryResult, RawPage};
use super::token::{QueryFingerprint, fingerprint, push_value};
use crate::codec::item::{AsTable, Reading, unix_now};
use crate::error::{Error, InvalidReason, Result};
use crate::expression::{Bound, IntoExpression, LibraryPlaceholders, non_empty, projection};
use crate::operations::TableRef;
use crate::request::capacity::{self, Capacity, Side};
use crate::request::send::ObserveExt;
use crate::schema::{DynamoTable, KeyNames};

/// The builder methods and reads that [`Query`](super::Query) and [`Scan`](super::Scan) share.
/// Each type has a `read: Read<T>` field and a `fn into_read(self) -> Read<T>`.
macro_rules! shared_read_methods {
    () => {
        pub(crate) fn read_mut(&mut self) -> &mut Read<T> {
            &mut self.read
        }

        /// A filter already checked and bound (or the error that check gave).
        pub(crate) fn bound_filter(mut self, filter: Result<Bound>) -> Self {
            self.read.set_bound_filter(filter);
            self
        }

        /// Only items matching `expression` (applied after the read: it does not reduce the
        /// capacity used). `values` maps the expression's `:placeholders`, e.g.
        /// `json!({":s": "shipped"})`, or `()` when it has none.
        pub fn filter(mut self, expression: impl IntoExpression, values: impl Serialize) -> Self {
            self.read.set_filter(expression, values);
            self
        }

        /// Items read per page (before the filter); default `T::DEFAULT_PAGE_SIZE`.
        pub fn limit(mut self, limit: u32) -> Self {
            self.read.set_limit(limit);
            self
        }

        /// Also return items whose time to live (`#[dynamo(ttl)]`) has passed but that
        /// DynamoDB has not deleted yet (it deletes them eventually, often days later). By
        /// default reads leave them out.
        pub fn include_expired(mut self) -> Self {
            self.read.include_expired = true;
            self
        }

        /// Strongly consistent reads (tables and local indexes only; DynamoDB refuses them on a
        /// global index).
        pub fn consistent_read(mut self) -> Self {
            self.read.consistent = true;
            self
        }

        /// Starts after `cursor` (a page's [`start_cursor`](QueryResult::start_cursor)); `None`
        /// starts at the beginning.
        pub fn after(mut self, cursor: Option<Cursor<T>>) -> Self {
            self.read.set_cursor(cursor);
            self
        }

        /// Starts at a key given as values (not a cursor): the published API's
        /// `exclusive_start_key`.
        pub(crate) fn start_at(
            mut self,
            key: Option<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>>,
        ) -> Self {
            self.read.start_key = key;
            self
        }

        /// Returns only these top-level attributes (`ProjectionExpression`); an empty list
        /// returns whole items. (Only queries use it so far: the published API projects
        /// queries, not scans.)
        #[allow(dead_code)]
        pub(crate) fn project_attributes(mut self, attributes: &[&str]) -> Self {
            self.read.set_projection(attributes);
            self
        }

        /// Reads only the attributes of the projection `P` (a struct of some of `T`'s
        /// fields, `#[derive(DynamoProjection)]`), and returns `P`s: a `ProjectionExpression`
        /// of its attributes is sent, so less is transferred (the capacity read is the same).
        pub fn project<P: Projection<Table = T>>(mut self) -> Projected<T, P> {
            match P::attributes() {
                Ok(attributes) => self.read.set_projection_of(attributes),
                Err(e) => self.read.fail(e),
            }
            Projected::new(self.into_read())
        }

        /// Reads one page.
        pub async fn page(self) -> Result<QueryResult<T>> {
            self.into_read()
                .page::<crate::codec::item::AsTable<T>>()
                .await
        }

        /// Counts every matching item, over all pages (`Select=COUNT`).
        pub async fn count(self) -> Result<usize> {
            self.into_read().count().await.map(|(n, _)| n)
        }

        /// [`count`](Self::count), with the capacity all its pages consumed.
        pub async fn count_with_capacity(self) -> Result<(usize, Capacity)> {
            self.into_read().count().await
        }

        /// The first matching item, if any.
        pub async fn first(self) -> Result<Option<T>> {
            self.into_read()
                .first::<crate::codec::item::AsTable<T>>()
                .await
        }

        /// Every matching item, a page at a time, each item decoded as it is handed out.
        /// While a page is handed out the next one is already requested (see
        /// [`fetch_ahead`](Self::fetch_ahead)). The stream is `Unpin`:
        /// `while let Some(item) = stream.next().await` works as written.
        pub fn stream(self) -> impl Stream<Item = Result<T>> + Send + Unpin + 'static {
            self.into_read().items::<crate::codec::item::AsTable<T>>()
        }

        /// Every page, each requested as the one before it arrives (see
        /// [`fetch_ahead`](Self::fetch_ahead)).
        pub fn pages(self) -> impl Stream<Item = Result<QueryResult<T>>> + Send + Unpin + 'static {
            self.into_read().pages::<crate::codec::item::AsTable<T>>()
        }

        /// Whether [`stream`](Self::stream) and [`pages`](Self::pages) request the next page as
        /// soon as one arrives, on a task of its own, so that it travels while the consumer
        /// works (default: `true`; at most one page ahead, so memory holds two pages).
        /// `false` sends each request only when the consumer asks for more.
        pub fn fetch_ahead(mut self, ahead: bool) -> Self {
            self.read.ahead = ahead;
            self
        }
    };
}
pub(crate) use shared_read_methods;

impl<T: DynamoTable> PageSource for Read<T> {
    fn fetch_page(
        self: std::sync::Arc<Self>,
        start: Option<HashMap<String, AttributeValue>>,
    ) -> futures::future::BoxFuture<'static, Result<RawPage>> {
        Box::pin(async move { self.fetch(start, Some(self.page_limit()), false).await })
    }
}

/// The fields of one query or scan request that both share.
struct RequestParts {
    filter: Option<String>,
    names: Option<HashMap<String, String>>,
    values: Option<HashMap<String, AttributeValue>>,
    limit: Option<i32>,
    start: Option<HashMap<String, AttributeValue>>,
    select: Option<Select>,
    projection: Option<String>,
}

/// A query or scan, fully described: everything but the page to start from.
pub(crate) struct Read<T> {
    pub table: TableRef,
    pub index: Option<Cow<'static, str>>,
    /// Key attributes of what is read (table or index); filters may not name them in a query.
    pub key_names: KeyNames,
    /// `Some` for a query: the key condition and its placeholders.
    pub key_condition: Option<Bound>,
    pub filter: Option<Bound>,
    pub limit: Option<u32>,
    pub cursor: Option<Cursor<T>>,
    /// A start key given as values (the published API's `exclusive_start_key`), used when there
    /// is no cursor. Not checked against the read: the caller built it from this read's keys.
    pub start_key: Option<HashMap<String, AttributeValue>>,
    /// Top-level attributes to return (`ProjectionExpression`); `None` returns whole items.
    pub projection: Option<Vec<String>>,
    pub consistent: bool,
    pub forward: bool,
    pub segment: Option<(i32, i32)>,
    /// True when reading a global secondary index (no consistent reads there).
    pub global_index: bool,
    /// The first mistake found while building; reported before any request.
    pub problem: Option<Error>,
    /// Return items whose time to live has passed (DynamoDB deletes them only eventually).
    pub include_expired: bool,
    /// Request the next page as soon as one arrives, while the consumer works.
    pub ahead: bool,
    _items: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Read<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Read")
            .field("table", &self.table.name)
            .field("index", &self.index)
            .field(
                "key_condition",
                &self.key_condition.as_ref().map(|b| &b.text),
            )
            .field("filter", &self.filter.as_ref().map(|b| &b.text))
            .field("limit", &self.limit)
            .field("forward", &self.forward)
            .finish_non_exhaustive()
    }
}

impl<T: DynamoTable> Read<T> {
    pub(crate) fn new(
        table: TableRef,
        index: Option<Cow<'static, str>>,
        key_names: KeyNames,
    ) -> Self {
        Read {
            table,
            index,
            key_names,
            key_condition: None,
            filter: None,
            limit: None,
            cursor: None,
            start_key: None,
            projection: None,
            consistent: false,
            forward: true,
            segment: None,
            global_index: false,
            problem: None,
            include_expired: false,
            ahead: true,
            _items: PhantomData,
        }
    }

    pub(crate) fn fail(&mut self, error: Error) {
        if self.problem.is_none() {
            self.problem = Some(error);
        }
    }

    pub(crate) fn set_filter(
        &mut self,
        expression: impl IntoExpression,
        values: impl serde::Serialize,
    ) {
        self.set_bound_filter(
            expression
                .into_expression()
                .and_then(|e| Bound::new(e, values)),
        );
    }

    pub(crate) fn set_bound_filter(&mut self, filter: Result<Bound>) {
        match filter {
            Ok(bound) => self.filter = Some(bound),
            Err(e) => self.fail(e),
        }
    }

    pub(crate) fn set_limit(&mut self, limit: u32) {
        if limit == 0 {
            self.fail(Error::invalid(
                InvalidReason::Limit,
                "a limit of 0 reads nothing: DynamoDB needs at least 1 (or no limit)",
            ));
        }
        self.limit = Some(limit);
    }

    /// The cursor to start after; checked against the read when it starts, once the read is
    /// fully described.
    pub(crate) fn set_cursor(&mut self, cursor: Option<Cursor<T>>) {
        self.cursor = cursor;
    }

    /// Returns only these attributes (a projection's, already checked).
    pub(crate) fn set_projection_of(&mut self, attributes: Vec<String>) {
        self.projection = Some(attributes);
    }

    pub(crate) fn set_projection(&mut self, attributes: &[&str]) {
        if attributes.is_empty() {
            self.projection = None;
            return;
        }
        if attributes.iter().any(|a| a.is_empty()) {
            self.fail(Error::invalid(
                InvalidReason::Projection,
                format!(
                    "the projection {attributes:?} names an empty attribute: DynamoDB refuses \
                     it; list only the attribute names to return"
                ),
            ));
        }
        self.projection = Some(attributes.iter().map(|a| (*a).to_owned()).collect());
    }

    /// Where the first request starts: after the cursor, else at the start key, else at the
    /// beginning.
    fn start(&self) -> Option<HashMap<String, AttributeValue>> {
        match &self.cursor {
            Some(cursor) => Some(cursor.key.clone()),
            None => self.start_key.clone(),
        }
    }

    /// What this read is, as a fingerprint: table, index, key condition, filter, order and
    /// segment (not the page size). A cursor resumes only a read with the same fingerprint.
    fn fingerprint(&self) -> QueryFingerprint {
        fn text(bytes: &mut Vec<u8>, t: &str) {
            bytes.extend_from_slice(&(t.len() as u64).to_le_bytes());
            bytes.extend_from_slice(t.as_bytes());
        }
        let mut bytes = Vec::with_capacity(256);
        text(&mut bytes, &self.table.name);
        text(&mut bytes, self.index.as_deref().unwrap_or(""));
        for bound in [&self.key_condition, &self.filter] {
            let Some(bound) = bound else {
                text(&mut bytes, "-");
                continue;
            };
            text(&mut bytes, &bound.text);
            let mut names: Vec<(&String, &String)> = bound.names.iter().collect();
            names.sort();
            for (placeholder, attribute) in names {
                text(&mut bytes, placeholder);
                text(&mut bytes, attribute);
            }
            let mut values: Vec<(&String, &AttributeValue)> = bound.values.iter().collect();
            values.sort_by(|a, b| a.0.cmp(b.0));
            for (placeholder, value) in values {
                text(&mut bytes, placeholder);
                push_value(&mut bytes, value);
            }
        }
        text(&mut bytes, if self.forward { "asc" } else { "desc" });
        text(&mut bytes, &format!("{:?}", self.segment));
        fingerprint(&bytes)
    }

    fn check(&mut self) -> Result<()> {
        if let Some(problem) = self.problem.take() {
            return Err(problem);
        }
        if let Some(cursor) = &self.cursor {
            cursor.check(
                &self.table.name,
                self.index.as_deref(),
                self.fingerprint(),
                self.table.conn.token_key.as_deref(),
            )?;
        }
        if self.consistent && self.global_index {
            return Err(Error::invalid(
                InvalidReason::ConsistentReadOnGlobalIndex,
                "a global secondary index only serves eventually consistent reads: drop \
                 `consistent_read()`",
            ));
        }
        if self.key_condition.is_some()
            && let Some(filter) = &self.filter
        {
            for key in self.key_names.iter() {
                if filter.mentions(key) {
                    return Err(Error::invalid(
                        InvalidReason::KeyInFilter,
                        format!(
                            "the filter `{}` names the key attribute `{key}`: DynamoDB does not \
                             allow key attributes in a query's filter; put the condition in the \
                             partition key or the sort-key condition instead",
                            filter.text
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn page_limit(&self) -> i32 {
        let limit = self.limit.unwrap_or(u32::from(T::DEFAULT_PAGE_SIZE)).max(1);
        i32::try_from(limit).unwrap_or(i32::MAX)
    }

    /// The filter that leaves out items whose time to live has passed, as of now: none when the
    /// table has no TTL attribute or the read includes expired items. Its placeholders step
    /// around the key condition's and the user's filter's.
    fn unexpired(&self) -> Option<Bound> {
        let attribute = T::TTL_ATTRIBUTE.filter(|_| !self.include_expired)?;
        let mut placeholders =
            LibraryPlaceholders::avoiding(self.key_condition.iter().chain(&self.filter));
        let name = placeholders.name(attribute);
        let now = placeholders.value(AttributeValue::N(unix_now().to_string()));
        Some(placeholders.bind(format!("attribute_not_exists({name}) OR {name} > {now}")))
    }

    /// One request, from `start`. The query and scan requests are built in functions of their
    /// own and boxed: their futures are large, and a read's future holds only a pointer to one.
    async fn fetch(
        &self,
        start: Option<HashMap<String, AttributeValue>>,
        limit: Option<i32>,
        count_only: bool,
    ) -> Result<RawPage> {
        let parts = self.request_parts(start, limit, count_only);
        match &self.key_condition {
            Some(key_condition) => Box::pin(self.send_query(key_condition, parts)).await,
            None => Box::pin(self.send_scan(parts)).await,
        }
    }

    /// What a query and a scan request share: the filter (the user's, with the expiry clause),
    /// every placeholder, the page size, the start and what to select.
    fn request_parts(
        &self,
        start: Option<HashMap<String, AttributeValue>>,
        limit: Option<i32>,
        count_only: bool,
    ) -> RequestParts {
        let filter = match (&self.filter, self.unexpired()) {
            (Some(user), Some(unexpired)) => Some(user.and(&unexpired)),
            (Some(user), None) => Some(user.clone()),
            (None, unexpired) => unexpired,
        };
        // The projection's placeholders step around the conditions' ones.
        let projection = match (&self.projection, count_only) {
            (Some(attributes), false) => Some(projection(
                self.key_condition.iter().chain(&filter),
                attributes,
            )),
            _ => None,
        };
        let mut names: HashMap<String, String> = HashMap::new();
        let mut values: HashMap<String, AttributeValue> = HashMap::new();
        for bound in self.key_condition.iter().chain(&filter).chain(&projection) {
            names.extend(bound.names.iter().map(|(k, v)| (k.clone(), v.clone())));
            values.extend(bound.values.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        RequestParts {
            filter: filter.map(|f| f.text),
            names: non_empty(names),
            values: non_empty(values),
            limit,
            start,
            select: count_only.then_some(Select::Count),
            projection: projection.map(|p| p.text),
        }
    }

    async fn send_query(&self, key_condition: &Bound, parts: RequestParts) -> Result<RawPage> {
        let table = &self.table.name;
        let (out, capacity) = self
            .table
            .conn
            .sdk
            .query()
            .table_name(table)
            .set_index_name(self.index.as_ref().map(|i| i.to_string()))
            .key_condition_expression(key_condition.text.clone())
            .set_filter_expression(parts.filter)
            .set_expression_attribute_names(parts.names)
            .set_expression_attribute_values(parts.values)
            .set_limit(parts.limit)
            .scan_index_forward(self.forward)
            .consistent_read(self.consistent)
            .set_select(parts.select)
            .set_projection_expression(parts.projection)
            .set_exclusive_start_key(parts.start)
            .set_return_consumed_capacity(capacity::wanted())
            .send()
            .observed_by(&self.table.conn, "Query", table, Side::Read)
            .await?;
        Ok(RawPage::new(
            capacity,
            out.count,
            out.scanned_count,
            out.items,
            out.last_evaluated_key,
        ))
    }

    async fn send_scan(&self, parts: RequestParts) -> Result<RawPage> {
        let table = &self.table.name;
        let (out, capacity) = self
            .table
            .conn
            .sdk
            .scan()
            .table_name(table)
            .set_index_name(self.index.as_ref().map(|i| i.to_string()))
            .set_filter_expression(parts.filter)
            .set_expression_attribute_names(parts.names)
            .set_expression_attribute_values(parts.values)
            .set_limit(parts.limit)
            .consistent_read(self.consistent)
            .set_select(parts.select)
            .set_projection_expression(parts.projection)
            .set_segment(self.segment.map(|s| s.0))
            .set_total_segments(self.segment.map(|s| s.1))
            .set_exclusive_start_key(parts.start)
            .set_return_consumed_capacity(capacity::wanted())
            .send()
            .observed_by(&self.table.conn, "Scan", table, Side::Read)
            .await?;
        Ok(RawPage::new(
            capacity,
            out.count,
            out.scanned_count,
            out.items,
            out.last_evaluated_key,
        ))
    }

    /// A page's items decoded as `O`: the table type, or a projection of it.
    fn decode<R: Reading>(&self, raw: RawPage) -> Result<QueryResult<R::Output>> {
        let items = raw
            .items
            .into_iter()
            .map(|item| R::decode(&self.table.name, item))
            .collect::<Result<Vec<_>>>()?;
        Ok(QueryResult {
            items,
            consumed_capacity: raw.capacity,
            count: raw.count,
            scanned_count: raw.scanned_count,
            next: raw.last_key.map(|key| {
                Cursor::new(
                    &self.table.name,
                    self.index.clone(),
                    key,
                    self.fingerprint(),
                    self.table.conn.token_key.as_deref(),
                )
            }),
        })
    }

    /// One page: at most `limit` (or `T::DEFAULT_PAGE_SIZE`) items read, from the cursor.
    pub(crate) async fn page<R: Reading>(mut self) -> Result<QueryResult<R::Output>> {
        self.check()?;
        let start = self.start();
        let raw = self.fetch(start, Some(self.page_limit()), false).await?;
        self.decode::<R>(raw)
    }

    /// Every matching item counted, over as many pages as it takes (`Select=COUNT`: no items
    /// are transferred).
    pub(crate) async fn count(mut self) -> Result<(usize, Capacity)> {
        self.check()?;
        let mut start = self.start();
        let mut total = 0;
        let mut capacity = Capacity::default();
        loop {
            let raw = self
                .fetch(start, self.limit.map(|_| self.page_limit()), true)
                .await?;
            total += raw.count;
            capacity.add(raw.capacity);
            match raw.last_key {
                Some(key) => start = Some(key),
                None => return Ok((total, capacity)),
            }
        }
    }

    /// The raw pages from the cursor on (the read checked first), each next one requested as
    /// soon as the one before it arrives, unless the read opted out.
    fn raw_pages(mut self) -> Result<PagesAhead<Read<T>>> {
        self.check()?;
        let start = self.start();
        let ahead = self.ahead;
        Ok(PagesAhead::new(self, start, ahead))
    }

    /// Every page from the cursor on, each decoded as it arrives.
    pub(crate) fn pages<R: Reading>(
        self,
    ) -> impl Stream<Item = Result<QueryResult<R::Output>>> + Send + Unpin + 'static {
        match self.raw_pages() {
            Err(e) => Either::Left(stream::iter([Err(e)])),
            Ok(pages) => {
                let read = pages.shared_read();
                Either::Right(pages.map(move |raw| raw.and_then(|raw| read.decode::<R>(raw))))
            }
        }
    }

    /// Every item from the cursor on, decoded as it is handed out: memory holds the page being
    /// handed out and the one requested ahead, however many items there are.
    pub(crate) fn items<R: Reading>(
        self,
    ) -> impl Stream<Item = Result<R::Output>> + Send + Unpin + 'static {
        let table = self.table.name.clone();
        match self.raw_pages() {
            Err(e) => Either::Left(stream::iter([Err(e)])),
            Ok(pages) => Either::Right(
                pages
                    .map_ok(move |raw| {
                        let table = table.clone();
                        stream::iter(
                            raw.items
                                .into_iter()
                                .map(move |item| R::decode(&table, item)),
                        )
                    })
                    .try_flatten(),
            ),
        }
    }

    /// Every item of a scan split into `segments` parallel segments, at most `concurrency` of
    /// them read at once, merged into one stream in no particular order. Memory holds one page
    /// per segment being read; dropping the stream stops every segment.
    pub(crate) fn parallel_items(
        mut self,
        segments: u32,
        concurrency: usize,
    ) -> impl Stream<Item = Result<T>> + Send + 'static {
        let refused = self
            .problem
            .take()
            .or_else(|| self.parallel_problem(segments));
        // Segments are made as the merge takes them, so memory follows `concurrency`, not the
        // number of segments.
        let total = match refused {
            Some(_) => 0,
            None => i32::try_from(segments).unwrap_or(i32::MAX),
        };
        let refusal = stream::iter(refused.map(Err));
        let base = self;
        let segments =
            (0..total).map(move |s| Box::pin(base.for_segment(s, total).items::<AsTable<T>>()));
        let merged = stream::iter(segments).flatten_unordered(concurrency.max(1));
        refusal.chain(merged)
    }

    /// Why this read cannot be split into `segments` parallel segments, if it cannot.
    fn parallel_problem(&self, segments: u32) -> Option<Error> {
        let why = if self.key_condition.is_some() {
            "a query reads one partition; only a scan splits into segments"
        } else if self.segment.is_some() {
            "this scan already reads one segment: drop `.segment(...)`"
        } else if self.cursor.is_some() {
            "a cursor resumes one segment, not a parallel scan: drop `.after(...)`"
        } else if !(1..=1_000_000).contains(&segments) {
            "the number of segments must be 1 to 1,000,000"
        } else {
            return None;
        };
        Some(Error::invalid(
            InvalidReason::Segment,
            format!(
                "a parallel scan of `{}` with {segments} segments: {why}",
                self.table.name
            ),
        ))
    }

    /// This read, restricted to segment `segment` of `total`.
    fn for_segment(&self, segment: i32, total: i32) -> Read<T> {
        Read {
            table: self.table.clone(),
            index: self.index.clone(),
            key_names: self.key_names,
            key_condition: None,
            filter: self.filter.clone(),
            limit: self.limit,
            cursor: None,
            start_key: None,
            projection: self.projection.clone(),
            consistent: self.consistent,
            forward: self.forward,
            segment: Some((segment, total)),
            global_index: self.global_index,
            problem: None,
            include_expired: self.include_expired,
            ahead: self.ahead,
            _items: PhantomData,
        }
    }

    /// The first matching item, reading pages until one matches or the data ends.
    pub(crate) async fn first<R: Reading>(mut self) -> Result<Option<R::Output>> {
        if self.filter.is_none() && self.limit.is_none() {
            self.limit = Some(1);
        }
        // One item is wanted: a page requested ahead would be read for nothing.
        self.ahead = false;
        let mut items = self.items::<R>();
        items.next().await.transpose()
    }
}
