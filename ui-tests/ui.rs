//! Compile-fail and compile-pass cases for `#[derive(DynamoTable)]`.
//!
//! The expected `.stderr` files are compiler output, which changes between Rust releases, so
//! they are checked only on the toolchain they were written with (`PINNED_RUSTC`). On another
//! toolchain the test says so and skips; regenerate with `TRYBUILD=overwrite` and review the diff.

use std::process::Command;

/// The `rustc --version` prefix the `.stderr` files were blessed with.
const PINNED_RUSTC: &str = "rustc 1.95.";

fn rustc_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    match Command::new(rustc).arg("--version").output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Err(e) => format!("unknown ({e})"),
    }
}

#[test]
fn ui() {
    let version = rustc_version();
    if !version.starts_with(PINNED_RUSTC) {
        eprintln!(
            "SKIPPED: ui tests are pinned to `{PINNED_RUSTC}*` and this is `{version}`; \
             run with TRYBUILD=overwrite to re-bless on this toolchain"
        );
        return;
    }
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*.rs");
}
