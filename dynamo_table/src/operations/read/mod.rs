//! Queries and scans of a table or index: one read plan, fetched as a page, counted over all
//! pages, or streamed, with cursors that resume exactly where a page stopped.

mod ahead;
mod page;
mod plan;
mod projected;
mod query;
mod scan;
mod token;

pub use page::{Cursor, QueryResult};
pub use projected::Projected;
pub use query::{Query, SortCondition};
pub use scan::Scan;
