//! Tables themselves: creating one from `T`'s schema, waiting until it is active, deleting it.

use std::time::Duration;

use aws_sdk_dynamodb::operation::create_table::CreateTableOutput;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType as KeyRole,
    LocalSecondaryIndex, Projection, ProjectionType, TableStatus, TimeToLiveSpecification,
};
use dynamo_table_rules::names::check_name;

use super::TableRef;
use crate::error::{Error, ErrorKind, InvalidReason, Result};
use crate::request::capacity::Side;
use crate::request::send::ObserveExt;
use crate::retry::{Attempt, GaveUp, with_backoff};
use crate::schema::{DynamoTable, IndexKind, IndexSchema, KeyAttribute, KeyValue, RetryConfig};

/// How patiently [`create`] waits for a new table to become active: checks at most 2 s apart
/// (1 s on average), about five minutes in all.
const ACTIVE_WAIT: RetryConfig = RetryConfig {
    max_retries: 300,
    initial_delay: Duration::from_millis(50),
    max_delay: Duration::from_secs(2),
};

/// Creates the table from `T`'s key schema and indexes (attribute types from the key types),
/// with on-demand billing, and waits until it is active.
pub(crate) async fn create<T: DynamoTable>(table: &TableRef) -> Result<()> {
    create_with::<T>(table, None).await.map(|_| ())
}

/// [`create`], plus `extra`: an index known only at run time (a hand-written `GSITable`'s,
/// named by the `String`) unless `T::INDEXES` already has an index of that name. Returns what
/// `CreateTable` answered.
pub(crate) async fn create_with<T: DynamoTable>(
    table: &TableRef,
    extra: Option<(String, IndexSchema)>,
) -> Result<CreateTableOutput> {
    let extra = extra.filter(|(name, _)| !T::INDEXES.iter().any(|i| i.name == name.as_str()));
    let indexes: Vec<(&str, &IndexSchema)> = T::INDEXES
        .iter()
        .map(|i| (i.name, i))
        .chain(extra.iter().map(|(name, i)| (name.as_str(), i)))
        .collect();
    check_name("table", &table.name)
        .map_err(|problem| Error::invalid(InvalidReason::TableName, problem))?;
    let pk = KeyAttribute {
        name: T::PARTITION_KEY,
        key_type: <T::PK as KeyValue>::KEY_TYPE,
    };
    let sk = T::SORT_KEY.map(|name| KeyAttribute {
        name,
        key_type: <T::SK as KeyValue>::KEY_TYPE,
    });
    let mut attributes: Vec<KeyAttribute> = Vec::new();
    let mut define = |attribute: KeyAttribute| {
        if !attributes.iter().any(|a| a.name == attribute.name) {
            attributes.push(attribute);
        }
    };
    define(pk);
    sk.into_iter().for_each(&mut define);
    for (_, index) in &indexes {
        define(index.partition_key);
        index.sort_key.into_iter().for_each(&mut define);
    }

    let mut request = table
        .conn
        .sdk
        .create_table()
        .table_name(&table.name)
        .set_key_schema(Some(key_schema(pk, sk)?))
        .billing_mode(BillingMode::PayPerRequest);
    for attribute in attributes {
        request = request.attribute_definitions(definition(attribute)?);
    }
    for (name, index) in &indexes {
        let projection = Projection::builder()
            .projection_type(ProjectionType::All)
            .build();
        let keys = key_schema(index.partition_key, index.sort_key)?;
        request = match index.kind {
            IndexKind::Global => request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(*name)
                    .set_key_schema(Some(keys))
                    .projection(projection)
                    .build()
                    .map_err(|e| request_shape(format!("index `{name}`: {e}")))?,
            ),
            IndexKind::Local => request.local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name(*name)
                    .set_key_schema(Some(keys))
                    .projection(projection)
                    .build()
                    .map_err(|e| request_shape(format!("index `{name}`: {e}")))?,
            ),
        };
    }
    let (output, _) = request
        .send()
        .observed_by(&table.conn, "CreateTable", &table.name, Side::Uncounted)
        .await?;
    wait_until_active(table).await?;
    if let Some(attribute) = T::TTL_ATTRIBUTE {
        enable_ttl(table, attribute).await?;
    }
    Ok(output)
}

/// Turns on DynamoDB's time to live on `attribute`.
async fn enable_ttl(table: &TableRef, attribute: &str) -> Result<()> {
    let specification = TimeToLiveSpecification::builder()
        .enabled(true)
        .attribute_name(attribute)
        .build()
        .map_err(|e| request_shape(format!("time to live on `{attribute}`: {e}")))?;
    table
        .conn
        .sdk
        .update_time_to_live()
        .table_name(&table.name)
        .time_to_live_specification(specification)
        .send()
        .observed_by(
            &table.conn,
            "UpdateTimeToLive",
            &table.name,
            Side::Uncounted,
        )
        .await?;
    Ok(())
}

/// Creates the table unless a table of that name exists; returns `true` if it created it.
/// Either way the table is active when this returns `Ok`.
pub(crate) async fn create_if_not_exists<T: DynamoTable>(table: &TableRef) -> Result<bool> {
    match create::<T>(table).await {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::TableInUse => {
            wait_until_active(table).await?;
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Deletes the table and everything in it.
pub(crate) async fn delete_table(table: &TableRef) -> Result<()> {
    table
        .conn
        .sdk
        .delete_table()
        .table_name(&table.name)
        .send()
        .observed_by(&table.conn, "DeleteTable", &table.name, Side::Uncounted)
        .await?;
    Ok(())
}

async fn wait_until_active(table: &TableRef) -> Result<()> {
    let (checks, outcome) = with_backoff(
        ACTIVE_WAIT,
        None,
        |_last_status| async {
            let described = table
                .conn
                .sdk
                .describe_table()
                .table_name(&table.name)
                .send()
                .observed_by(&table.conn, "DescribeTable", &table.name, Side::Uncounted)
                .await;
            match described {
                Err(error) => ((), Attempt::Fail(error)),
                Ok((output, _)) => match output.table().and_then(|t| t.table_status()) {
                    Some(TableStatus::Active) => ((), Attempt::Done),
                    status => {
                        let pending = status.cloned();
                        (
                            (),
                            Attempt::Again {
                                pending,
                                error: None,
                            },
                        )
                    }
                },
            }
        },
        |()| {},
    )
    .await;
    match outcome {
        Ok(()) => Ok(()),
        Err(GaveUp::Failed(error)) => Err(error),
        Err(GaveUp::Exhausted { pending, .. }) => {
            let message = format!(
                "the table is still {pending:?} after {checks} checks over about five minutes; \
                 check it in the AWS console"
            );
            Err(Error::Service {
                table: table.name.clone(),
                operation: "DescribeTable",
                kind: ErrorKind::Service,
                code: "TableNotActive".to_owned(),
                source: message.clone().into(),
                message,
            })
        }
    }
}

fn request_shape(message: String) -> Error {
    Error::invalid(InvalidReason::RequestShape, message)
}

fn key_schema(pk: KeyAttribute, sk: Option<KeyAttribute>) -> Result<Vec<KeySchemaElement>> {
    let mut keys = vec![key_element(pk.name, KeyRole::Hash)?];
    if let Some(sk) = sk {
        keys.push(key_element(sk.name, KeyRole::Range)?);
    }
    Ok(keys)
}

fn key_element(name: &str, role: KeyRole) -> Result<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(role)
        .build()
        .map_err(|e| request_shape(format!("key schema element `{name}`: {e}")))
}

fn definition(attribute: KeyAttribute) -> Result<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(attribute.name)
        .attribute_type(attribute.key_type.scalar_type())
        .build()
        .map_err(|e| request_shape(format!("attribute definition `{}`: {e}", attribute.name)))
}
