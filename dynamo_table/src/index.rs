//! [`IndexTable`]: one secondary index of a table on one client, to query or scan.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use crate::operations::TableRef;
use crate::operations::read::{Query, Scan};
use crate::schema::{DynamoIndex, IndexKind, index_key_names};

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
    table: TableRef,
    /// `I::NAME`, or for a [`GSITable`](crate::GSITable) the name its `global_index_name()`
    /// gives.
    name: Cow<'static, str>,
    _index: PhantomData<fn() -> I>,
}

impl<I: DynamoIndex> IndexTable<I> {
    pub(crate) fn new(table: TableRef, name: Cow<'static, str>) -> Self {
        IndexTable {
            table,
            name,
            _index: PhantomData,
        }
    }

    /// A query on the index partition `pk`. Cursors of its pages carry the index keys and the
    /// table keys, as DynamoDB returns them, so paging never skips or repeats an item.
    pub fn query(&self, pk: &I::PK) -> Query<I::Table, I::SK> {
        let mut query = Query::new(
            self.table.clone(),
            Some(self.name.clone()),
            index_key_names::<I>(),
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
            index_key_names::<I>(),
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
