//! Pages of query and scan results, and the cursors (page tokens) that resume them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::token::{self, QueryFingerprint, TokenParts};
use crate::error::{Error, InvalidReason, Result};
use crate::request::capacity::Capacity;

/// Where a page stopped: DynamoDB's `LastEvaluatedKey`, exactly as returned (for an index it
/// holds the index keys and the table keys), tied to the table, the index and the query it came
/// from.
///
/// Pass it back to the same query or scan to get the next page. Using it on another table or
/// index, or on another query of the same one (another key, sort condition, filter or order), is
/// refused with [`Error::InvalidInput`].
///
/// A web API hands the next page's cursor to its client as a page token:
/// [`Cursor::to_token`] gives an opaque, URL-safe string, and [`Cursor::from_token`] turns it
/// back (`Cursor` also serializes as that string with serde). With
/// [`DynamoClient::with_token_key`](crate::DynamoClient::with_token_key), tokens are signed and
/// only tokens the application handed out are accepted.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use dynamo_table::read::Cursor;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run(users: dynamo_table::Table<User>, from_request: Option<String>) -> Result<(), dynamo_table::Error> {
/// // GET /users?page=<token>
/// let cursor = from_request.as_deref().map(Cursor::from_token).transpose()?;
/// let page = users.scan().limit(100).after(cursor).page().await?;
/// let next_page_token: Option<String> = page.start_cursor().map(|c| c.to_token());
/// # let _ = next_page_token;
/// # Ok(()) }
/// ```
pub struct Cursor<T> {
    pub(crate) table: String,
    pub(crate) index: Option<Cow<'static, str>>,
    pub(crate) key: HashMap<String, AttributeValue>,
    /// The fingerprint of the query the cursor came from.
    query: QueryFingerprint,
    signature: Option<[u8; 32]>,
    _items: PhantomData<fn() -> T>,
}

impl<T> Cursor<T> {
    /// A cursor where a page of the query with fingerprint `query` stopped, signed if the
    /// client has a token key.
    pub(crate) fn new(
        table: &str,
        index: Option<Cow<'static, str>>,
        key: HashMap<String, AttributeValue>,
        query: QueryFingerprint,
        token_key: Option<&[u8]>,
    ) -> Self {
        let mut cursor = Cursor {
            table: table.to_owned(),
            index,
            key,
            query,
            signature: None,
            _items: PhantomData,
        };
        if let Some(key) = token_key {
            cursor.signature = Some(token::sign(key, &cursor.parts()));
        }
        cursor
    }

    /// The same cursor, for reads of another output type over the same query (a projection's).
    pub(crate) fn retyped<U>(self) -> Cursor<U> {
        Cursor {
            table: self.table,
            index: self.index,
            key: self.key,
            query: self.query,
            signature: self.signature,
            _items: PhantomData,
        }
    }

    fn parts(&self) -> TokenParts {
        TokenParts {
            table: self.table.clone(),
            index: self.index.as_deref().map(str::to_owned),
            key: self.key.clone(),
            query: self.query,
            signature: self.signature,
        }
    }

    /// The cursor as an opaque, URL-safe page token (base64url, versioned; signed when the
    /// client that made it has a token key).
    ///
    /// ```no_run
    /// # fn run(page: dynamo_table::read::QueryResult<()>) {
    /// if let Some(cursor) = page.start_cursor() {
    ///     let token: String = cursor.to_token(); // hand it to the client
    ///     # let _ = token;
    /// }
    /// # }
    /// ```
    pub fn to_token(&self) -> String {
        token::encode(&self.parts())
    }

    /// The cursor a page token stands for. A token that does not decode, or has another format
    /// version, is refused here ([`InvalidReason::TokenMalformed`],
    /// [`InvalidReason::TokenVersion`]); one of another query, or with a signature the client
    /// does not accept, when the read starts ([`InvalidReason::CursorOtherQuery`],
    /// [`InvalidReason::TokenSignature`]).
    ///
    /// ```
    /// use dynamo_table::error::InvalidReason;
    /// use dynamo_table::read::Cursor;
    /// let err = Cursor::<()>::from_token("made-up").unwrap_err();
    /// assert_eq!(err.invalid_reason(), Some(InvalidReason::TokenMalformed));
    /// ```
    pub fn from_token(token: &str) -> Result<Self> {
        let parts = token::decode(token)?;
        Ok(Cursor {
            table: parts.table,
            index: parts.index.map(Cow::Owned),
            key: parts.key,
            query: parts.query,
            signature: parts.signature,
            _items: PhantomData,
        })
    }

    /// The `LastEvaluatedKey` map.
    pub fn key(&self) -> &HashMap<String, AttributeValue> {
        &self.key
    }

    /// The table it came from.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The index it came from, if any.
    pub fn index(&self) -> Option<&str> {
        self.index.as_deref()
    }

    /// Checks that this cursor can resume the read of `table` / `index` whose fingerprint is
    /// `query`, on a client with `token_key`.
    pub(crate) fn check(
        &self,
        table: &str,
        index: Option<&str>,
        query: QueryFingerprint,
        token_key: Option<&[u8]>,
    ) -> Result<()> {
        let place = |t: &str, i: Option<&str>| match i {
            Some(i) => format!("index `{i}` of table `{t}`"),
            None => format!("table `{t}`"),
        };
        if self.table != table || self.index.as_deref() != index {
            return Err(Error::invalid(
                InvalidReason::CursorMismatch,
                format!(
                    "this cursor comes from {} and cannot resume a read of {}: pass the cursor \
                     of the same query",
                    place(&self.table, self.index.as_deref()),
                    place(table, index)
                ),
            ));
        }
        if self.query != query {
            return Err(Error::invalid(
                InvalidReason::CursorOtherQuery,
                format!(
                    "this cursor comes from another query of {} (another key, sort condition, \
                     filter or order): it only resumes the query it came from",
                    place(table, index)
                ),
            ));
        }
        token::verify(token_key, &self.parts())
    }
}

impl<T> Clone for Cursor<T> {
    fn clone(&self) -> Self {
        Cursor {
            table: self.table.clone(),
            index: self.index.clone(),
            key: self.key.clone(),
            query: self.query,
            signature: self.signature,
            _items: PhantomData,
        }
    }
}

impl<T> PartialEq for Cursor<T> {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl<T> fmt::Debug for Cursor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("table", &self.table)
            .field("index", &self.index)
            .field("key", &self.key)
            .field("signed", &self.signature.is_some())
            .finish()
    }
}

/// A cursor serializes as its page token.
impl<T> Serialize for Cursor<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_token())
    }
}

impl<'de, T> Deserialize<'de> for Cursor<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let token = String::deserialize(deserializer)?;
        Cursor::from_token(&token).map_err(serde::de::Error::custom)
    }
}

/// One page of a query or scan.
///
/// A page may hold no items and still have a next cursor (DynamoDB reads at most 1 MB, or
/// `limit` items, before the filter); only a missing cursor means the end.
///
/// ```no_run
/// # use dynamo_table::DynamoTable;
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
/// # #[dynamo(table = "users")]
/// # struct User { #[dynamo(pk)] user_id: String }
/// # async fn run(users: dynamo_table::Table<User>) -> Result<(), dynamo_table::Error> {
/// let page = users.query(&"u1".to_string()).page().await?;
/// println!("{} of {} read, {} RCU", page.count, page.scanned_count, page.consumed_capacity.read_units);
/// if page.has_more() { /* page.start_cursor() resumes */ }
/// # Ok(()) }
/// ```
pub struct QueryResult<T> {
    /// The items of this page, after the filter.
    pub items: Vec<T>,
    /// How many items matched on this page (after the filter).
    pub count: usize,
    /// How many items DynamoDB read for this page (before the filter).
    pub scanned_count: usize,
    /// The capacity this page consumed (zero without the `consumed_capacity_stats` feature).
    pub consumed_capacity: Capacity,
    pub(crate) next: Option<Cursor<T>>,
}

impl<T> QueryResult<T> {
    /// The cursor for the next page, or `None` at the end.
    pub fn start_cursor(&self) -> Option<Cursor<T>> {
        self.next.clone()
    }

    /// The cursor for the next page, by value.
    pub fn into_cursor(self) -> Option<Cursor<T>> {
        self.next
    }

    /// True when there is another page.
    pub fn has_more(&self) -> bool {
        self.next.is_some()
    }
}

impl<T: fmt::Debug> fmt::Debug for QueryResult<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryResult")
            .field("items", &self.items)
            .field("count", &self.count)
            .field("scanned_count", &self.scanned_count)
            .field("consumed_capacity", &self.consumed_capacity)
            .field("next", &self.next)
            .finish()
    }
}

/// A page as DynamoDB returned it, before the items are decoded.
pub(crate) struct RawPage {
    pub capacity: Capacity,
    pub items: Vec<HashMap<String, AttributeValue>>,
    pub count: usize,
    pub scanned_count: usize,
    pub last_key: Option<HashMap<String, AttributeValue>>,
}

impl RawPage {
    /// From the fields a Query and a Scan answer share.
    pub(crate) fn new(
        capacity: Capacity,
        count: i32,
        scanned_count: i32,
        items: Option<Vec<HashMap<String, AttributeValue>>>,
        last_key: Option<HashMap<String, AttributeValue>>,
    ) -> Self {
        RawPage {
            capacity,
            count: usize::try_from(count).unwrap_or(0),
            scanned_count: usize::try_from(scanned_count).unwrap_or(0),
            items: items.unwrap_or_default(),
            last_key,
        }
    }
}
