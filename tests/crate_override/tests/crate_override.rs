//! `#[dynamo(crate = "...")]` through a re-exporting crate.

use reexport::storage::db;
use reexport::storage::db::DynamoTable;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "notes", crate = "reexport::storage::db")]
struct Note {
    #[dynamo(pk)]
    id: String,
    #[dynamo(sk, gsi(name = "by_rev", pk))]
    rev: u32,
    text: String,
}

#[tokio::test]
async fn the_derive_uses_the_given_path() {
    let local = db::local::LocalDynamo::start().unwrap();
    let notes = local.client().table::<Note>();
    notes.create().await.unwrap();
    let note = Note {
        id: "n1".into(),
        rev: 2,
        text: "hello".into(),
    };
    notes.put(&note).await.unwrap();
    assert_eq!(notes.get(note.key()).await.unwrap(), Some(note.clone()));
    let by_rev = notes
        .index::<NoteByRevIndex>()
        .query(&2)
        .first()
        .await
        .unwrap();
    assert_eq!(by_rev, Some(note));
}
