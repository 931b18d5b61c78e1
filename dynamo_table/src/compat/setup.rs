//! The published API's table creation, at `dynamo_table::setup`.

use aws_sdk_dynamodb::operation::create_table::CreateTableOutput;

use super::shape::table_of;
use crate::error::Result;
use crate::schema::{DynamoTable, GSITable, IndexKind, IndexSchema, KeyAttribute, KeyType};

/// Creates `T`'s table on `T`'s client: its keys, the indexes of `T::INDEXES` (the derive's
/// `gsi`/`lsi`), time to live on `#[dynamo(ttl)]`, on-demand billing. Waits until the table is
/// active.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run() -> Result<(), dynamo_table::Error> {
/// let created = dynamo_table::setup::table::<User>().await?;
/// println!("{:?}", created.table_description().and_then(|d| d.table_arn()));
/// # Ok(()) }
/// ```
pub async fn table<T: DynamoTable>() -> Result<CreateTableOutput> {
    table_of::<T>().await.create_with(None).await
}

/// [`table`], plus the [`GSITable`] index (`T::global_index_name()`, string keys), including
/// for a hand-written `GSITable`.
///
/// ```no_run
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
/// # async fn run() -> Result<(), dynamo_table::Error> {
/// dynamo_table::setup::table_with_gsi::<User>().await?; // creates `global-users-email` too
/// # Ok(()) }
/// ```
pub async fn table_with_gsi<T: DynamoTable + GSITable>() -> Result<CreateTableOutput> {
    let key = |name| KeyAttribute {
        name,
        key_type: KeyType::S,
    };
    let index = IndexSchema {
        name: "",
        kind: IndexKind::Global,
        partition_key: key(T::GSI_PARTITION_KEY),
        sort_key: T::GSI_SORT_KEY.map(key),
    };
    let extra = Some((T::global_index_name(), index));
    table_of::<T>().await.create_with(extra).await
}
