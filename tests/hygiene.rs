//! The derive's output compiles in a module that shadows the prelude, with every warning and
//! clippy lint denied (clippy runs on this file in CI). (`str` is left alone: serde's own derive
//! does not survive a shadowed `str`.)

#![deny(warnings, clippy::all)]

#[allow(dead_code, non_camel_case_types, clippy::upper_case_acronyms)]
mod shadowed {
    use serde::{Deserialize, Serialize};

    struct Option;
    struct Result;
    struct Some;
    struct Ok;
    struct String;
    struct Vec;
    struct HashMap;
    struct Clone;
    struct Debug;
    struct u16;

    #[derive(
        ::core::fmt::Debug, ::core::clone::Clone, Serialize, Deserialize, dynamo_table::DynamoTable,
    )]
    #[dynamo(table = "hygiene", page_size = 7, batch_retries(max_retries = 2))]
    pub struct Thing {
        #[dynamo(pk)]
        pub id: ::std::string::String,
        #[dynamo(sk, lsi(name = "by_rank", sk))]
        pub at: ::core::primitive::u64,
        #[dynamo(gsi(name = "by_kind", pk), lsi(name = "by_other", sk))]
        pub kind: ::std::string::String,
        #[dynamo(lsi(name = "by_rank_2", sk))]
        pub rank: ::core::primitive::i32,
    }

    #[derive(
        ::core::fmt::Debug, ::core::clone::Clone, Serialize, Deserialize, dynamo_table::KeyValue,
    )]
    pub struct Id(pub ::std::string::String);

    #[derive(
        ::core::fmt::Debug,
        ::core::clone::Clone,
        Serialize,
        Deserialize,
        dynamo_table::DynamoDocument,
    )]
    pub struct Place {
        pub city: ::std::string::String,
    }

    #[derive(
        ::core::fmt::Debug, ::core::clone::Clone, Serialize, Deserialize, dynamo_table::DynamoTable,
    )]
    #[dynamo(table = "hygiene_docs")]
    pub struct Doc {
        #[dynamo(pk)]
        pub id: ::std::string::String,
        #[dynamo(version)]
        pub version: ::core::primitive::u64,
        pub place: Place,
        #[serde(with = "dynamo_table::ttl::epoch_seconds")]
        pub at: ::std::time::SystemTime,
    }

    #[derive(::core::fmt::Debug, Deserialize, dynamo_table::DynamoProjection)]
    #[dynamo(of = Doc)]
    pub struct DocPlace {
        pub place: Place,
    }

    pub fn filter() -> dynamo_table::expression::Expression {
        dynamo_table::expr!("#kind = :k")
    }
}

#[test]
fn paths_versions_and_projections_are_hygienic() {
    use dynamo_table::DynamoTable;
    use dynamo_table::expression::Projection;
    let f = shadowed::Doc::fields();
    assert_eq!(f.place.fields().city.name(), "place.city");
    assert_eq!(f.at.name(), "at");
    assert_eq!(shadowed::Doc::VERSION.map(|v| v.attribute), Some("version"));
    assert_eq!(
        shadowed::DocPlace::attributes().ok(),
        Some(vec!["place".to_string()])
    );
}

#[test]
fn generated_code_is_hygienic() {
    use dynamo_table::DynamoTable;
    assert_eq!(shadowed::Thing::TABLE, "hygiene");
    assert_eq!(shadowed::Thing::DEFAULT_PAGE_SIZE, 7);
    assert_eq!(shadowed::Thing::BATCH_RETRIES_CONFIG.max_retries, 2);
    assert_eq!(shadowed::Thing::INDEXES.len(), 4);
    let thing = shadowed::Thing {
        id: "a".into(),
        at: 1,
        kind: "k".into(),
        rank: 3,
    };
    assert_eq!(thing.key().at, 1);
    assert_eq!(shadowed::filter().value_placeholders(), [":k"]);
}
