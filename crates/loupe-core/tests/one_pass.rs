//! The importers that read a whole document themselves (Langfuse, MLflow, LangSmith, Helicone,
//! Tracetest, span attributes, bundles) take its members in any order, skip a bad record at its
//! place while the rest loads, and walk nesting without recursion.

mod common;

use common::{assert_tree_invariants, fixture, fixtures_of};
use loupe_core::dump::text_dump;
use loupe_core::{DiagnosticKind, Format, TraceSetBuilder, import};
use serde_json::Value;

/// The document with its top-level members in another order, its first key moved (`data`
/// before `info`, `observations` before `trace`, `patch` before `post`).
fn reordered(text: &[u8]) -> String {
    let doc: Value = serde_json::from_slice(text).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let Value::Object(members) = doc else {
        panic!("not an object");
    };
    let mut parts: Vec<(String, String)> = members
        .iter()
        .map(|(k, v)| (Value::String(k.clone()).to_string(), v.to_string()))
        .collect();
    parts.sort();
    let first = std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.split('"').nth(1))
        .map(|k| format!("\"{k}\""));
    if parts.first().map(|(k, _)| Some(k)) == Some(first.as_ref()) {
        parts.reverse();
    }
    let parts: Vec<String> = parts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", parts.join(",\n"))
}

#[test]
fn members_in_any_order_read_the_same() {
    let mut files = fixtures_of("langfuse");
    files.extend(fixtures_of("mlflow"));
    files.push("langsmith/langsmith-py-wrap-openai-post-patch.json".to_string());
    files.push("other/tracetest-nested-tree-138spans-depth48.json".to_string());
    for path in files {
        let text = fixture(&path);
        let first = import(&text, &path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let turned = reordered(&text);
        assert_ne!(
            turned.split('"').nth(1),
            std::str::from_utf8(&text)
                .unwrap_or_default()
                .split('"')
                .nth(1),
            "{path}: the first key moved"
        );
        let second = import(turned.as_bytes(), &path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(first.sources()[0].format, second.sources()[0].format);
        assert_eq!(text_dump(&first), text_dump(&second), "{path}");
        assert_tree_invariants(&second);
    }
}

/// Inserts `bad` as the first element of the array of the last member named `key` in `text`.
fn with_bad_first(text: &[u8], key: &str, bad: &str) -> String {
    let text = std::str::from_utf8(text).unwrap_or_else(|e| panic!("{e}"));
    let at = text
        .rfind(&format!("\"{key}\""))
        .and_then(|k| text[k..].find('[').map(|b| k + b + 1))
        .unwrap_or_else(|| panic!("no {key} array"));
    format!("{}\n{bad},{}", &text[..at], &text[at..])
}

#[test]
fn a_bad_record_is_skipped_at_its_line_and_the_rest_loads() {
    let cases = [
        (
            "langfuse/langfuse-ui-export-google-adk-2025-08-28.json",
            "observations",
            r#"{"id": "o-bad", "usageDetails": "lots"}"#,
        ),
        (
            "mlflow/rag-session-turn1.json",
            "spans",
            r#"{"name": ["not", "text"]}"#,
        ),
        (
            "langsmith/langsmith-py-wrap-openai-post-patch.json",
            "post",
            r#"{"id": 7}"#,
        ),
    ];
    for (path, key, bad) in cases {
        let text = fixture(path);
        let good = import(&text, path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let broken = with_bad_first(&text, key, bad);
        let line = broken[..broken.find(bad).unwrap_or(0)].lines().count() + 1;
        let mut b = TraceSetBuilder::new();
        let report = b
            .add_file(path, broken.as_bytes())
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(report.spans, good.span_count(), "{path}: the rest loads");
        let w = report.warnings.join("\n");
        assert!(
            w.contains(&format!("span skipped at line {line}, column")),
            "{path}: {w}"
        );
        assert_eq!(
            b.finish().diagnostics().count(DiagnosticKind::SkippedSpan),
            1,
            "{path}"
        );
    }
}

#[test]
fn a_helicone_array_reads_each_record_once_and_skips_a_bad_one() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/helicone-export-session-written-by-loupe.jsonl"
    );
    let lines = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let records: Vec<&str> = lines.lines().filter(|l| !l.trim().is_empty()).collect();
    let from_lines = import(lines.as_bytes(), "h.jsonl").unwrap_or_else(|e| panic!("{e}"));
    let array = format!(
        "[\n{},\n{}\n]",
        records.join(",\n"),
        r#"{"request_id": 5, "request_created_at": "x"}"#
    );
    let mut b = TraceSetBuilder::new();
    let report = b
        .add_file("h.json", array.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.spans, from_lines.span_count());
    let w = report.warnings.join("\n");
    let line = records.len() + 2;
    assert!(
        w.contains(&format!("span skipped at line {line}, column 1")),
        "{w}"
    );
    let set = b.finish();
    assert_eq!(set.sources()[0].format, Format::Helicone);
    let spans = |set| {
        text_dump(set)
            .lines()
            .take_while(|l| *l != "warnings:")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(spans(&set), spans(&from_lines));
}

#[test]
fn a_tracetest_tree_deeper_than_any_parser_recursion_loads() {
    const DEPTH: usize = 20_000;
    let mut text = String::from(r#"{"ID": "0af7651916cd43dd8448eb211c80319c", "RootSpan": "#);
    for i in 0..DEPTH {
        text.push_str(&format!(
            r#"{{"ID": "{:016x}", "Name": "level {i}", "StartTime": {}, "EndTime": {}, "Children": ["#,
            i + 1,
            1_000 + i,
            1_000 + 2 * DEPTH - i
        ));
    }
    for _ in 0..DEPTH {
        text.push_str("]}");
    }
    text.push('}');
    let set = import(text.as_bytes(), "deep.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.sources()[0].format, Format::Tracetest);
    assert_eq!(set.span_count(), DEPTH);
    assert_tree_invariants(&set);
    let deepest = (0..DEPTH as u32)
        .map(|i| set.span(i))
        .find(|s| s.name() == format!("level {}", DEPTH - 1))
        .unwrap_or_else(|| panic!("the deepest span is there"));
    assert_eq!(deepest.depth() as usize, DEPTH - 1);
}
