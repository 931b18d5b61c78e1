//! The derive's compile cost: 100 table structs built with serde's derives alone, and with
//! `DynamoTable` as well, each build a fresh `cargo build --release` of that one crate (its
//! dependencies already built), measured as the CPU time of the cargo process and its children.

use std::path::Path;
use std::process::Command;

use crate::measure::children_cpu_time;

/// Structs per crate.
const STRUCTS: usize = 100;

/// The two crates compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    SerdeOnly,
    WithDerive,
}

impl Variant {
    fn dir(self) -> &'static str {
        match self {
            Variant::SerdeOnly => "serde_only",
            Variant::WithDerive => "with_derive",
        }
    }
}

/// Seconds of CPU per build, per repetition: (serde derives alone, with `DynamoTable` too).
pub fn measure(reps: usize, rng: &mut fastrand::Rng) -> (Vec<f64>, Vec<f64>) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| crate::fail("the benchmarks package has no parent folder"))
        .to_path_buf();
    let root = workspace.join("target").join("bench-compile");
    let target = root.join("target");
    for variant in [Variant::SerdeOnly, Variant::WithDerive] {
        write_crate(&workspace, &root.join(variant.dir()), variant, 0);
        // Builds the dependencies, outside the measurement.
        build(&root.join(variant.dir()), &target);
    }
    let (mut serde_only, mut with_derive) = (Vec::new(), Vec::new());
    for rep in 1..=reps {
        let mut order = [Variant::SerdeOnly, Variant::WithDerive];
        rng.shuffle(&mut order);
        for variant in order {
            let dir = root.join(variant.dir());
            write_crate(&workspace, &dir, variant, rep);
            let before = children_cpu_time();
            build(&dir, &target);
            let seconds = children_cpu_time().saturating_sub(before).as_secs_f64();
            match variant {
                Variant::SerdeOnly => serde_only.push(seconds),
                Variant::WithDerive => with_derive.push(seconds),
            }
        }
    }
    (serde_only, with_derive)
}

/// Writes the crate; `rep` goes into a comment, so each repetition's source is new to cargo.
fn write_crate(workspace: &Path, dir: &Path, variant: Variant, rep: usize) {
    let src = dir.join("src");
    if let Err(e) = std::fs::create_dir_all(&src) {
        crate::fail(&format!("create {}: {e}", src.display()));
    }
    let manifest = format!(
        "[package]\nname = \"compile_cost_{dir}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         dynamo_table = {{ path = \"{runtime}\" }}\n\n[workspace]\n",
        dir = variant.dir(),
        runtime = workspace.join("dynamo_table").display(),
    );
    let mut lib = format!("// repetition {rep}\nuse serde::{{Deserialize, Serialize}};\n");
    for i in 0..STRUCTS {
        match variant {
            Variant::SerdeOnly => lib.push_str(&format!(
                "#[derive(Serialize, Deserialize)]\npub struct Row{i} {{\n    pub pk: String,\n    \
                 pub sk: String,\n    pub kind: String,\n    pub n: u64,\n    \
                 pub payload: Option<String>,\n}}\n"
            )),
            Variant::WithDerive => lib.push_str(&format!(
                "#[derive(Serialize, Deserialize, dynamo_table::DynamoTable)]\n\
                 #[dynamo(table = \"rows{i}\")]\npub struct Row{i} {{\n    #[dynamo(pk)]\n    \
                 pub pk: String,\n    #[dynamo(sk)]\n    pub sk: String,\n    \
                 #[dynamo(gsi(name = \"by_kind\", pk))]\n    pub kind: String,\n    pub n: u64,\n    \
                 pub payload: Option<String>,\n}}\n"
            )),
        }
    }
    let lock = workspace.join("Cargo.lock");
    for (path, text) in [
        (dir.join("Cargo.toml"), manifest),
        (src.join("lib.rs"), lib),
    ] {
        if let Err(e) = std::fs::write(&path, text) {
            crate::fail(&format!("write {}: {e}", path.display()));
        }
    }
    // The workspace's lock file, so the crate builds against the same versions, offline.
    if let Err(e) = std::fs::copy(&lock, dir.join("Cargo.lock")) {
        crate::fail(&format!("copy {}: {e}", lock.display()));
    }
}

fn build(dir: &Path, target: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--release", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .unwrap_or_else(|e| crate::fail(&format!("cargo build in {}: {e}", dir.display())));
    if !status.success() {
        crate::fail(&format!("cargo build in {} failed", dir.display()));
    }
}
