//! Every request is traced: a span with table, operation, items, capacity and latency; a failed
//! request is logged once, at the level its kind deserves; item contents and credentials never
//! appear.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use dynamo_table::aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use dynamo_table::local::LocalDynamo;
use dynamo_table::{DynamoClient, DynamoTable, expr};
use serde::{Deserialize, Serialize};
use support::fault_proxy::{FaultPlan, FaultProxy};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Debug, Clone, Serialize, Deserialize, DynamoTable)]
#[dynamo(table = "traced")]
struct Traced {
    #[dynamo(pk)]
    id: String,
    secret: String,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn take(&self) -> String {
        self.0
            .lock()
            .map(|mut out| String::from_utf8_lossy(&std::mem::take(&mut *out)).into_owned())
            .unwrap_or_default()
    }
}

#[tokio::test]
async fn requests_are_traced_and_failures_logged_once_without_contents() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(move || writer.clone()),
        )
        .with(Targets::new().with_target("dynamo_table", tracing::Level::DEBUG));
    let _default = tracing::subscriber::set_default(subscriber);

    let local = LocalDynamo::start().unwrap();
    // Distinctive credentials, to show they are not logged.
    let config = dynamo_table::aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDTRACECHECK",
            "SECRETKEYTRACECHECK",
            None,
            None,
            "t",
        ))
        .endpoint_url(local.endpoint())
        .build();
    let client = DynamoClient::from_client_at(
        dynamo_table::aws_sdk_dynamodb::Client::from_conf(config),
        local.endpoint(),
    );
    let table = client.table::<Traced>();
    table.create().await.unwrap();
    capture.take();

    let item = Traced {
        id: "t1".into(),
        secret: "ITEM-CONTENT-CANARY".into(),
    };
    table.put(&item).await.unwrap();
    let log = capture.take();
    assert!(log.contains("operation=\"PutItem\""), "{log}");
    assert!(log.contains("table=\"traced\""), "{log}");
    assert!(log.contains("latency_ms"), "{log}");
    assert!(log.contains("capacity=1"), "{log}");
    assert!(!log.contains("ITEM-CONTENT-CANARY"), "{log}");
    assert!(
        !log.contains("AKIDTRACECHECK") && !log.contains("SECRETKEYTRACECHECK"),
        "{log}"
    );

    // An expected failure: debug, once.
    let err = table
        .put_with_condition(&item, expr!("attribute_not_exists(id)"), ())
        .await
        .unwrap_err();
    assert!(err.is_conditional_check_failed());
    let log = capture.take();
    assert_eq!(log.matches("request failed").count(), 1, "{log}");
    assert!(log.contains("DEBUG"), "{log}");
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "{log}");
    assert!(!log.contains("ITEM-CONTENT-CANARY"), "{log}");

    // Throttling: a warning, once.
    let mut plan = FaultPlan::partial_only(1, 0.0);
    plan.operations = vec!["GetItem"];
    plan.provisioned_throughput = 1.0;
    let proxy = FaultProxy::start(local.endpoint(), plan).await;
    let err = proxy
        .client()
        .table::<Traced>()
        .get(("t1".into(), None))
        .await
        .unwrap_err();
    assert!(err.is_throttled(), "{err:?}");
    let log = capture.take();
    assert_eq!(log.matches("request failed").count(), 1, "{log}");
    assert!(log.contains("WARN"), "{log}");
}
