//! The runtime's module graph, read from its source: imports go one way through the layers of
//! `docs/ARCHITECTURE.md`, and no modules import each other in a cycle.
//!
//! Every file of `dynamo_table/src` is a module. An edge goes from a file to the module each of
//! its `crate::`, `super::` and `self::` paths (and `use child::...` of its own child modules)
//! resolves to: the longest prefix of the path that names a module. A path through the crate
//! root (`crate::Table`) is an edge to `lib.rs`, which re-exports everything, so it closes a
//! cycle: import a name from the module that owns it. Comments (doc links included) and the
//! `#[cfg(test)]` part at the end of a file are not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom first, by top-level module. A module may import from its own layer and
/// the layers below it.
const LAYERS: &[(&str, &[&str])] = &[
    ("foundation", &["error"]),
    ("schema", &["schema"]),
    ("codec", &["codec", "expression"]),
    ("request", &["request"]),
    ("retry", &["retry"]),
    ("operations", &["operations"]),
    ("native API", &["table_handle", "client", "index", "config"]),
    ("compatibility", &["compat"]),
    ("tools", &["local"]),
    ("crate root", &["crate"]),
];

/// Upward edges allowed by design: the provided methods of `DynamoTable` and `GSITable` are
/// the published API's functions, which live in the compatibility layer.
const ALLOWED_UPWARD: &[(&str, &str)] = &[
    ("schema::table", "compat"),
    ("schema::index_types", "compat"),
];

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../dynamo_table/src")
}

/// `lib.rs` -> `crate`, `a.rs` and `a/mod.rs` -> `a`, `a/b.rs` -> `a::b`.
fn module_of(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    match last.as_str() {
        "lib.rs" | "mod.rs" => {}
        other => parts.push(other.trim_end_matches(".rs").to_owned()),
    }
    if parts.is_empty() {
        "crate".to_owned()
    } else {
        parts.join("::")
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file: comments removed, string and char literals blanked, the trailing
/// `#[cfg(test)]` part cut.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            i += end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
            i += end;
        } else if rest.starts_with('"') {
            let mut j = 1;
            while j < rest.len() {
                match rest.as_bytes()[j] {
                    b'\\' => j += 2,
                    b'"' => break,
                    _ => j += 1,
                }
            }
            out.push_str("\"\"");
            i += (j + 1).min(rest.len());
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Expands a use tree (`a::{b, c::d as e, f::*}`) into its paths.
fn expand_use(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand_use(&inner[start..], &base, out);
    } else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        if !path.is_empty() {
            out.push(join(prefix, path));
        }
    }
}

fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (_, true) => prefix.to_owned(),
        _ => format!("{prefix}::{path}"),
    }
}

/// Every path the code names that starts at `crate`, `super` or `self`, or at a child module.
fn paths_in(code: &str, children: &BTreeSet<String>) -> Vec<String> {
    let mut paths = Vec::new();
    // `use` statements, with their trees.
    let mut rest = code;
    while let Some(at) = find_word(rest, "use") {
        let after = &rest[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        expand_use(&after[..end], "", &mut paths);
        rest = &after[end..];
    }
    // Paths in expressions and types.
    let normalized: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = normalized[from..].find(start) {
            let begin = from + at;
            from = begin + start.len();
            let before = normalized[..begin].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let end = normalized[begin..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(normalized.len(), |e| begin + e);
            let path = normalized[begin..end].trim_end_matches(':');
            // `crate::{...}` is a use tree, read above.
            if path.contains("::") {
                paths.push(path.to_owned());
            }
        }
    }
    paths
        .into_iter()
        .filter(|p| {
            let first = p.split("::").next().unwrap_or_default();
            matches!(first, "crate" | "super" | "self") || children.contains(first)
        })
        .collect()
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find(word) {
        let begin = from + at;
        let before = text[..begin].chars().last();
        let after = text[begin + word.len()..].chars().next();
        let bounded = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if bounded(before) && after.is_some_and(char::is_whitespace) {
            return Some(begin);
        }
        from = begin + word.len();
    }
    None
}

/// The module a path leads to: the longest prefix that names a module of the crate.
fn resolve(path: &str, module: &str, modules: &BTreeSet<String>) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = if module == "crate" {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    match segments.first().copied() {
        Some("crate") => {
            base.clear();
            segments.remove(0);
        }
        Some("super") => {
            while segments.first() == Some(&"super") {
                segments.remove(0);
                base.pop();
            }
        }
        Some("self") => {
            segments.remove(0);
        }
        _ => {}
    }
    let full: Vec<&str> = base.iter().copied().chain(segments).collect();
    (0..=full.len()).rev().find_map(|n| {
        let candidate = if n == 0 {
            "crate".to_owned()
        } else {
            full[..n].join("::")
        };
        modules.contains(&candidate).then_some(candidate)
    })
}

struct Graph {
    edges: BTreeMap<String, BTreeSet<String>>,
}

fn graph() -> Graph {
    let root = source_root();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(
        !files.is_empty(),
        "no source files under {}",
        root.display()
    );
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&root, f)).collect();
    let mut edges = BTreeMap::new();
    for file in &files {
        let module = module_of(&root, file);
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let code = code_of(&text);
        let prefix = if module == "crate" {
            String::new()
        } else {
            format!("{module}::")
        };
        let children: BTreeSet<String> = modules
            .iter()
            .filter_map(|m| m.strip_prefix(&prefix))
            .filter(|rest| !rest.contains("::") && !rest.is_empty())
            .map(str::to_owned)
            .collect();
        let targets: BTreeSet<String> = paths_in(&code, &children)
            .iter()
            .filter_map(|p| resolve(p, &module, &modules))
            .filter(|target| *target != module)
            .collect();
        edges.insert(module, targets);
    }
    Graph { edges }
}

/// Strongly connected components of more than one module (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.edges.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found.sort_by_key(|c| std::cmp::Reverse(c.len()));
    state.found
}

fn layer_of(module: &str) -> Option<usize> {
    let top = module.split("::").next().unwrap_or(module);
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&top))
}

fn allowed_upward(from: &str, to: &str) -> bool {
    ALLOWED_UPWARD.iter().any(|(f, t)| {
        (from == *f || from.starts_with(&format!("{f}::")))
            && (to == *t || to.starts_with(&format!("{t}::")))
    })
}

#[test]
fn no_module_imports_another_in_a_cycle() {
    let graph = graph();
    let all = cycles(&graph);
    println!(
        "modules: {}; through the designed upward edges, the largest loop spans {} modules",
        graph.edges.len(),
        all.first().map_or(0, Vec::len)
    );
    // The allowed upward edges close cycles by design (the trait's provided methods call the
    // compatibility layer, which implements them on the native API). Every other cycle fails.
    let graph_without_allowed = Graph {
        edges: graph
            .edges
            .iter()
            .map(|(from, targets)| {
                let kept = targets
                    .iter()
                    .filter(|to| !allowed_upward(from, to))
                    .cloned()
                    .collect();
                (from.clone(), kept)
            })
            .collect(),
    };
    let remaining = cycles(&graph_without_allowed);
    println!(
        "without them: {} cycles, the largest of {} modules",
        remaining.len(),
        remaining.first().map_or(0, Vec::len)
    );
    assert!(
        remaining.is_empty(),
        "modules of dynamo_table import each other in a cycle: {cycles:#?}\nimport each name from \
         the module that owns it, and keep imports going down the layers of \
         docs/ARCHITECTURE.md",
        cycles = remaining
    );
}

#[test]
fn imports_go_down_the_layers() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (from, targets) in &graph.edges {
        let Some(from_layer) = layer_of(from) else {
            wrong.push(format!(
                "`{from}` is in no layer: add it to LAYERS here and to docs/ARCHITECTURE.md"
            ));
            continue;
        };
        for to in targets {
            let Some(to_layer) = layer_of(to) else {
                continue;
            };
            if to_layer > from_layer && !allowed_upward(from, to) {
                wrong.push(format!(
                    "`{from}` ({}) imports `{to}` ({})",
                    LAYERS[from_layer].0, LAYERS[to_layer].0
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports going up a layer:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checker_sees_imports_and_cycles() {
    let modules: BTreeSet<String> = ["crate", "a", "a::b", "c"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let children = BTreeSet::from(["b".to_owned()]);
    let code = code_of(
        "use crate::{c::X, a::b::{Y, Z as W}};\n// use crate::nothing;\nuse b::Q;\nfn f() { super::c::g(); let s = \"crate::c\"; }\n",
    );
    let paths = paths_in(&code, &children);
    let resolved: BTreeSet<String> = paths
        .iter()
        .filter_map(|p| resolve(p, "a", &modules))
        .collect();
    assert_eq!(
        resolved,
        BTreeSet::from(["c".to_owned(), "a::b".to_owned()]),
        "{paths:?}"
    );
    let graph = Graph {
        edges: BTreeMap::from([
            ("a".to_owned(), BTreeSet::from(["c".to_owned()])),
            ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
            ("a::b".to_owned(), BTreeSet::new()),
        ]),
    };
    assert_eq!(cycles(&graph), vec![vec!["a".to_owned(), "c".to_owned()]]);
}
