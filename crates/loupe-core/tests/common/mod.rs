//! Shared helpers for the engine's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use loupe_core::TraceSet;
use std::path::PathBuf;

/// The fixture corpus: `$LOUPE_FIXTURES`, or `../shared/fixtures` beside the repository.
pub fn fixtures_dir() -> PathBuf {
    std::env::var_os("LOUPE_FIXTURES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    )
}

/// Reads a fixture by its path under the corpus.
pub fn fixture(path: &str) -> Vec<u8> {
    let p = fixtures_dir().join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", p.display()))
}

/// All fixture files of one format folder, sorted.
pub fn fixtures_of(format: &str) -> Vec<String> {
    let dir = fixtures_dir().join(format);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| format!("{format}/{}", e.file_name().to_string_lossy()))
        .collect();
    names.sort();
    names
}

/// Every file of the corpus below its format folders, as paths relative to the corpus, sorted.
pub fn all_fixtures() -> Vec<String> {
    let root = fixtures_dir();
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.parent() != Some(root.as_path()) {
                let rel = path.strip_prefix(&root).unwrap_or(&path);
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Asserts the tree invariants: every span has exactly one place, parents precede children,
/// subtrees nest, and depth follows the parent. Parents preceding children rules out cycles.
pub fn assert_tree_invariants(set: &TraceSet) {
    let n = set.span_count() as u32;
    let mut seen = vec![0u32; n as usize];
    for (t, trace) in set.traces().iter().enumerate() {
        let mut roots = 0;
        for i in trace.spans.start..trace.spans.end {
            let s = set.span(i);
            assert_eq!(s.trace() as usize, t);
            match s.parent() {
                None => {
                    roots += 1;
                    assert_eq!(s.depth(), 0);
                }
                Some(p) => {
                    assert!(p < i, "parent precedes child");
                    assert!(
                        set.span(p).subtree_end() >= s.subtree_end(),
                        "subtrees nest"
                    );
                    assert_eq!(set.span(p).depth() + 1, s.depth());
                    assert!(trace.spans.start <= p, "parent is in the same trace");
                }
            }
        }
        assert_eq!(roots, trace.root_count);
        // Walking the tree from the roots reaches each span once.
        let mut stack: Vec<u32> = Vec::new();
        let mut r = trace.spans.start;
        while r < trace.spans.end {
            stack.push(r);
            r = set.span(r).subtree_end();
        }
        while let Some(x) = stack.pop() {
            seen[x as usize] += 1;
            stack.extend(set.span(x).children());
        }
    }
    assert!(
        seen.iter().all(|&c| c == 1),
        "each span has exactly one place"
    );
}

/// The traces of the Jaeger fixtures (those in an envelope or a trace object), each copied
/// `copies` times under trace ids of its own, in one envelope `{"data": [trace…]}`: the shape
/// of a Jaeger export of many traces.
pub fn jaeger_envelope(copies: usize) -> String {
    let mut traces = Vec::new();
    for path in fixtures_of("jaeger") {
        let doc: serde_json::Value =
            serde_json::from_slice(&fixture(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        match doc.get("data").and_then(|d| d.as_array()) {
            Some(data) => traces.extend(data.iter().cloned()),
            None if doc.get("traceID").is_some() => traces.push(doc),
            None => {}
        }
    }
    let copied = traces.iter().flat_map(|trace| {
        let id = trace["traceID"].as_str().unwrap_or_default().to_string();
        let text = trace.to_string();
        (0..copies).map(move |i| text.replace(&format!("\"{id}\""), &format!("\"{id}{i:04x}\"")))
    });
    format!(
        "{{\"data\": [\n{}\n], \"total\": 0}}",
        copied.collect::<Vec<_>>().join(",\n")
    )
}

/// The Zipkin fixtures, each one trace, copied `copies` times under trace ids of their own,
/// as a list of traces `[[span…], …]`: what Zipkin's `/api/v2/traces` returns.
pub fn zipkin_list_of_traces(copies: usize) -> String {
    let mut traces = Vec::new();
    for path in fixtures_of("zipkin") {
        let doc: serde_json::Value =
            serde_json::from_slice(&fixture(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let spans = match doc {
            serde_json::Value::Array(spans) => spans,
            span => vec![span],
        };
        let mut ids: Vec<String> = spans
            .iter()
            .filter_map(|s| s["traceId"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids.dedup();
        let text = serde_json::Value::Array(spans).to_string();
        for i in 0..copies {
            let mut copy = text.clone();
            for id in &ids {
                copy = copy.replace(&format!("\"{id}\""), &format!("\"{id}{i:04x}\""));
            }
            traces.push(copy);
        }
    }
    format!("[\n{}\n]", traces.join(",\n"))
}

/// The spans of the Phoenix fixtures (arrays of span JSON), copied `copies` times under trace
/// ids of their own, in one array: the shape of Phoenix's REST export of many traces.
pub fn phoenix_spans(copies: usize) -> String {
    let mut spans = Vec::new();
    for path in fixtures_of("openinference") {
        let doc: serde_json::Value =
            serde_json::from_slice(&fixture(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Some(items) = doc.as_array() else {
            continue;
        };
        if items.first().is_none_or(|s| s.get("context").is_none()) {
            continue;
        }
        for i in 0..copies {
            for span in items {
                let mut span = span.clone();
                if let Some(id) = span["context"]["trace_id"].as_str() {
                    span["context"]["trace_id"] = format!("{id}-{i:04x}").into();
                }
                spans.push(span.to_string());
            }
        }
    }
    format!("[\n{}\n]", spans.join(",\n"))
}
