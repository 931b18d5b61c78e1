//! Secondary indexes: the typed [`DynamoIndex`] the derive generates, the [`IndexTable`] handle
//! to query it, and the seed crate's single-GSI [`GSITable`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use crate::error::Result;
use crate::expression::IntoExpression;
use crate::handle::Table;
use crate::key::KeyValue;
use crate::page::{Cursor, QueryResult};
use crate::query::Query;
use crate::query::SortKey;
use crate::scan::Scan;
use crate::schema::IndexKind;
use crate::seed::{bind, gsi_query, lazy_stream, shape};
use crate::table::DynamoTable;
use futures::Stream;
use serde::Serialize;
use std::future::Future;

/// A secondary index of a table, as a type. `#[derive(DynamoTable)]` generates one per
/// `gsi(name = ...)` / `lsi(name = ...)`, named after the struct and the index
/// (`Order` + `by_status` = `OrderByStatusIndex`), with a key struct (`OrderByStatusIndexKey`).
///
/// ```
/// use dynamo_table::{DynamoIndex, DynamoTable, IndexKind};
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     #[dynamo(sk)]
///     order_id: String,
///     #[dynamo(gsi(name = "by_status", pk))]
///     status: String,
/// }
/// assert_eq!(OrderByStatusIndex::NAME, "by_status");
/// assert_eq!(OrderByStatusIndex::KIND, IndexKind::Global);
/// assert_eq!(OrderByStatusIndex::PARTITION_KEY, "status");
/// ```
pub trait DynamoIndex: Send + Sync + 'static {
    /// The table the index belongs to.
    type Table: DynamoTable;
    /// The index's partition key type.
    type PK: KeyValue;
    /// The index's sort key type ([`NoSortKey`](crate::NoSortKey) when it has none).
    type SK: KeyValue;
    /// The index name.
    const NAME: &'static str;
    /// Global or local.
    const KIND: IndexKind;
    /// The index's partition key attribute.
    const PARTITION_KEY: &'static str;
    /// The index's sort key attribute, if any.
    const SORT_KEY: Option<&'static str>;
}

/// One index of `I::Table`'s table on one client.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// #[derive(Debug, Serialize, Deserialize, DynamoTable)]
/// #[dynamo(table = "orders")]
/// struct Order {
///     #[dynamo(pk)]
///     user_id: String,
///     #[dynamo(sk)]
///     order_id: String,
///     #[dynamo(gsi(name = "by_status", pk))]
///     status: String,
/// }
///
/// # async fn run(client: dynamo_table::DynamoClient) -> Result<(), dynamo_table::Error> {
/// let shipped = client
///     .table::<Order>()
///     .index::<OrderByStatusIndex>()
///     .query(&"shipped".to_string())
///     .count()
///     .await?;
/// # let _ = shipped;
/// # Ok(()) }
/// ```
pub struct IndexTable<I: DynamoIndex> {
    table: Table<I::Table>,
    /// `I::NAME`, or for the seed's [`GSITable`] the name its `global_index_name()` gives.
    name: Cow<'static, str>,
    _index: PhantomData<fn() -> I>,
}

impl<I: DynamoIndex> IndexTable<I> {
    /// A query on the index partition `pk`. Cursors of its pages carry the index keys and the
    /// table keys, as DynamoDB returns them, so paging never skips or repeats an item.
    pub fn query(&self, pk: &I::PK) -> Query<I::Table, I::SK> {
        let mut query = Query::new(
            self.table.clone(),
            Some(self.name.clone()),
            (I::PARTITION_KEY, I::SORT_KEY),
            pk,
        );
        query.read_mut().global_index = I::KIND == IndexKind::Global;
        query
    }

    /// A scan of the whole index.
    pub fn scan(&self) -> Scan<I::Table> {
        let mut scan = Scan::new(
            self.table.clone(),
            Some(self.name.clone()),
            (I::PARTITION_KEY, I::SORT_KEY),
        );
        scan.read_mut().global_index = I::KIND == IndexKind::Global;
        scan
    }

    /// The index name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<I: DynamoIndex> Clone for IndexTable<I> {
    fn clone(&self) -> Self {
        IndexTable {
            table: self.table.clone(),
            name: self.name.clone(),
            _index: PhantomData,
        }
    }
}

impl<I: DynamoIndex> fmt::Debug for IndexTable<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexTable")
            .field("table", &self.table.name)
            .field("index", &self.name)
            .finish()
    }
}

impl<T: DynamoTable> Table<T> {
    /// A handle on one of the table's indexes.
    pub fn index<I: DynamoIndex<Table = T>>(&self) -> IndexTable<I> {
        self.index_named(Cow::Borrowed(I::NAME))
    }

    pub(crate) fn index_named<I: DynamoIndex<Table = T>>(
        &self,
        name: Cow<'static, str>,
    ) -> IndexTable<I> {
        IndexTable {
            table: self.clone(),
            name,
            _index: PhantomData,
        }
    }
}

/// The seed crate's single global secondary index, keyed by strings. The derive implements it
/// when a struct has exactly one GSI whose key fields are `String`; write it by hand otherwise.
/// [`DynamoIndex`] is the typed, multi-index form.
pub trait GSITable: DynamoTable {
    /// The index's partition key attribute.
    const GSI_PARTITION_KEY: &'static str;
    /// The index's sort key attribute, if any.
    const GSI_SORT_KEY: Option<&'static str> = None;

    /// This item's index partition key.
    fn gsi_partition_key(&self) -> String;

    /// This item's index sort key.
    fn gsi_sort_key(&self) -> Option<String> {
        None
    }

    /// The index name. By default the seed crate's convention, so tables it created keep
    /// working: `global-{TABLE}-{GSI_PARTITION_KEY}`, with `-{GSI_SORT_KEY}` when there is one.
    /// The derive returns the declared `gsi(name = ...)`.
    ///
    /// ```
    /// # use dynamo_table::{DynamoTable, GSITable};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize)]
    /// # struct User { user_id: String, email: String }
    /// # impl DynamoTable for User {
    /// #     type PK = String; type SK = String;
    /// #     const TABLE: &'static str = "users";
    /// #     const PARTITION_KEY: &'static str = "user_id";
    /// #     fn partition_key(&self) -> String { self.user_id.clone() }
    /// # }
    /// impl GSITable for User {
    ///     const GSI_PARTITION_KEY: &'static str = "email";
    ///     fn gsi_partition_key(&self) -> String { self.email.clone() }
    /// }
    /// assert_eq!(User::global_index_name(), "global-users-email");
    /// ```
    fn global_index_name() -> String {
        match Self::GSI_SORT_KEY {
            Some(sk) => format!("global-{}-{}-{sk}", Self::TABLE, Self::GSI_PARTITION_KEY),
            None => format!("global-{}-{}", Self::TABLE, Self::GSI_PARTITION_KEY),
        }
    }

    /// One page of the index partition `pk` (and index sort key `sk`, if given), ascending.
    fn query_gsi_items(
        pk: String,
        sk: Option<String>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        async move {
            gsi_query::<Self>(&pk, sk, limit, cursor, true)
                .await
                .page()
                .await
        }
    }

    /// The first item of the index partition `pk`.
    fn query_gsi_item(
        pk: String,
        sk: Option<String>,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        async move {
            gsi_query::<Self>(&pk, sk, None, None, true)
                .await
                .first()
                .await
        }
    }

    /// One page of the index partition `pk`, descending.
    fn reverse_query_gsi_items(
        pk: String,
        sk: Option<String>,
        limit: Option<u16>,
        cursor: Option<Cursor<Self>>,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        async move {
            gsi_query::<Self>(&pk, sk, limit, cursor, false)
                .await
                .page()
                .await
        }
    }

    /// One filtered page of the index partition `pk` (the seed's argument order).
    #[allow(clippy::too_many_arguments)]
    fn query_gsi_items_with_filter(
        pk: String,
        sk: Option<String>,
        cursor: Option<Cursor<Self>>,
        limit: Option<u16>,
        ascending: bool,
        filter: impl IntoExpression + Send,
        values: impl Serialize + Send,
    ) -> impl Future<Output = Result<QueryResult<Self>>> + Send {
        let filter = bind(filter, values);
        async move {
            gsi_query::<Self>(&pk, sk, limit, cursor, ascending)
                .await
                .bound_filter(filter)
                .page()
                .await
        }
    }

    /// How many items the index partition `pk` holds, over all pages.
    fn count_gsi_items(pk: String) -> impl Future<Output = Result<usize>> + Send {
        async move {
            gsi_query::<Self>(&pk, None, None, None, true)
                .await
                .count()
                .await
        }
    }

    /// Every item of the index partition `pk`, a page at a time.
    fn query_gsi_stream(
        pk: String,
        sk: Option<String>,
        page_size: Option<u16>,
    ) -> impl Stream<Item = Result<Self>> + Send + 'static {
        lazy_stream(move |table: crate::Table<Self>| {
            let index = table.index_named::<SeedGsi<Self>>(Cow::Owned(Self::global_index_name()));
            shape(index.query(&pk), sk.map(SortKey::Eq), page_size, None, true).stream()
        })
    }
}

/// The [`DynamoIndex`] view of a [`GSITable`]'s index. Its name is not a constant (see
/// [`GSITable::global_index_name`]), so `NAME` is empty and the handle carries the name.
pub(crate) struct SeedGsi<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for SeedGsi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SeedGsi")
    }
}

impl<T: GSITable> DynamoIndex for SeedGsi<T> {
    type Table = T;
    type PK = String;
    type SK = String;
    const NAME: &'static str = "";
    const KIND: IndexKind = IndexKind::Global;
    const PARTITION_KEY: &'static str = T::GSI_PARTITION_KEY;
    const SORT_KEY: Option<&'static str> = T::GSI_SORT_KEY;
}
