//! Formats the shared corpus has no file of, tested on small files WE WROTE from each format's
//! documentation (see `tests/fixtures/README.md`): no tool produced them.

mod common;

use common::assert_tree_invariants;
use loupe_core::{Format, SpanKind, TraceSetBuilder, import};

fn written(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn helicone_export_we_wrote_reads_as_a_session_tree() {
    let bytes = written("helicone-export-session-written-by-loupe.jsonl");
    let set = import(&bytes, "x").unwrap();
    assert_eq!(set.sources()[0].format, Format::Helicone);
    let t = set.totals();
    // Four requests, all LLM calls, each counted: a session parent is no aggregate.
    assert_eq!((t.traces, t.spans, t.errors, t.llm_calls), (2, 4, 1, 4));
    assert_eq!(
        (t.input_tokens, t.output_tokens),
        (500 + 120 + 900 + 50, 80 + 30 + 10)
    );
    let cost = t.cost_usd.unwrap();
    assert!(
        (cost - (0.0021 + 0.0001 + 0.0027 + 0.00002)).abs() < 1e-12,
        "{cost}"
    );
    let session = &set.traces()[0];
    assert_eq!((session.span_count(), session.root_count), (3, 1));
    let root = set.span(session.root());
    assert_eq!(root.name(), "/support");
    assert_eq!(
        root.children().count(),
        2,
        "/support/lookup and /support/answer"
    );
    assert_eq!(root.duration(), 1_200_000_000, "delay_ms");
    assert_eq!(root.model(), "gpt-4o-2024-08-06", "the response's model");
    let failed = (0..4).map(|i| set.span(i)).find(|s| s.is_error()).unwrap();
    assert_eq!(failed.status_message(), "HTTP 500");
    assert_tree_invariants(&set);
}

#[test]
fn helicone_json_arrays_read_like_json_lines() {
    let lines =
        String::from_utf8(written("helicone-export-session-written-by-loupe.jsonl")).unwrap();
    let array = format!("[{}]", lines.trim().replace('\n', ","));
    let mut b = TraceSetBuilder::new();
    let report = b.add_file("export.json", array.as_bytes()).unwrap();
    assert_eq!((report.format, report.spans), (Format::Helicone, 4));
}

#[test]
fn langfuse_log_view_we_wrote_builds_its_tree_from_depth() {
    let set = import(&written("langfuse-log-view-written-by-loupe.json"), "x").unwrap();
    assert_eq!(set.sources()[0].format, Format::Langfuse);
    let rows: Vec<(u32, &str, SpanKind)> = (0..5)
        .map(|i| set.span(i))
        .map(|s| (s.depth(), s.name(), s.kind()))
        .collect();
    assert_eq!(
        rows,
        [
            (0, "support-agent", SpanKind::Agent),
            (1, "plan", SpanKind::Llm),
            (1, "lookup_order", SpanKind::Tool),
            (2, "db query", SpanKind::Other),
            (1, "answer", SpanKind::Llm),
        ]
    );
    assert_eq!(set.totals().llm_calls, 2);
    assert_tree_invariants(&set);
}
