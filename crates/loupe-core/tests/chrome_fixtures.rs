//! Chrome traces: every fixture imports with the figures written here (counted from the files:
//! one span per `X` event and per matched `B`/`E` and `b`/`e` pair, one trace per process).

mod common;

use common::{assert_tree_invariants, fixture, fixtures_of};
use loupe_core::{Format, TraceSetBuilder, import};

/// (path, traces, spans)
const EXPECTED: &[(&str, u64, u64)] = &[
    (
        "chrome-trace/chrome-devtools-116-performance-trace.json",
        3,
        2690,
    ),
    ("chrome-trace/chrome-devtools-141-metadata-first.json", 0, 0),
    ("chrome-trace/chrome-tracing-gzipped.json.gz", 7, 186),
    ("chrome-trace/rspack-tracing-chrome-async-be.json.gz", 1, 51),
    ("chrome-trace/speedscope-multiprocess-metadata.json", 4, 8),
    ("chrome-trace/speedscope-object-form-BE-X.json", 1, 3),
    (
        "chrome-trace/speedscope-truncated-array-trailing-comma.json",
        1,
        4,
    ),
];

#[test]
fn every_chrome_fixture_is_listed() {
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(fixtures_of("chrome-trace"), listed);
}

#[test]
fn chrome_fixtures_import_with_the_right_figures() {
    for &(path, traces, spans) in EXPECTED {
        let set = import(&fixture(path), "unnamed").unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(set.sources()[0].format, Format::ChromeTrace, "{path}");
        let t = set.totals();
        assert_eq!((t.traces, t.spans, t.errors), (traces, spans, 0), "{path}");
        assert_tree_invariants(&set);
    }
}

#[test]
fn begin_end_pairs_and_complete_events_nest_by_time() {
    let set = import(
        &fixture("chrome-trace/speedscope-truncated-array-trailing-comma.json"),
        "x",
    )
    .unwrap();
    let rows: Vec<(u32, &str, i64)> = (0..4)
        .map(|i| set.span(i))
        .map(|s| (s.depth(), s.name(), s.duration()))
        .collect();
    assert_eq!(
        rows,
        [
            (0, "alpha", 14_000),
            (1, "beta", 12_000),
            (2, "gamma", 5_000),
            (2, "epsilon", 4_000)
        ]
    );
    // epsilon has only a thread duration (`tdur`), which stands in for the missing `dur`.
    assert!(
        !set.diagnostics().lines(None).is_empty(),
        "the missing ] is noted"
    );
}

#[test]
fn metadata_names_processes_and_threads() {
    let set = import(
        &fixture("chrome-trace/speedscope-multiprocess-metadata.json"),
        "x",
    )
    .unwrap();
    let services: Vec<&str> = (0..set.span_count() as u32)
        .map(|i| set.span(i).service())
        .collect();
    assert!(
        services.contains(&"p1") && services.contains(&"p3"),
        "{services:?}"
    );
}

#[test]
fn two_chrome_files_keep_their_processes_apart() {
    let mut b = TraceSetBuilder::new();
    for path in [
        "chrome-trace/speedscope-object-form-BE-X.json",
        "chrome-trace/speedscope-truncated-array-trailing-comma.json",
    ] {
        b.add_file(path, &fixture(path)).unwrap();
    }
    let set = b.finish();
    assert_eq!(
        set.totals().traces,
        2,
        "pid 0 of each file is its own trace"
    );
    assert_eq!(
        set.diagnostics()
            .count(loupe_core::DiagnosticKind::DuplicateId),
        0
    );
}

#[test]
fn args_become_attributes_where_llm_facts_are_read() {
    let text = r#"{"displayTimeUnit": "ms", "traceEvents": [
        {"ph": "X", "pid": 1, "tid": 1, "name": "chat", "ts": 0, "dur": 10,
         "args": {"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 12,
                  "gen_ai.usage.output_tokens": 3, "note": "tab\there", "nested": {"a": [1]}}},
        {"ph": "X", "pid": 1, "tid": 1, "name": "bad", "ts": "soon"}
    ]}"#;
    let mut b = TraceSetBuilder::new();
    let report = b.add_file("llm.json", text.as_bytes()).unwrap();
    assert_eq!(report.format, Format::ChromeTrace);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.starts_with("span skipped at line 5, column 68:")),
        "{:?}",
        report.warnings
    );
    let set = b.finish();
    let t = set.totals();
    assert_eq!(
        (t.spans, t.llm_calls, t.input_tokens, t.output_tokens),
        (1, 1, 12, 3)
    );
    let attrs: Vec<String> = set
        .span(0)
        .attributes()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    assert!(attrs.contains(&"note=tab\there".to_string()), "{attrs:?}");
    assert!(
        attrs.contains(&r#"nested={"a": [1]}"#.to_string()),
        "{attrs:?}"
    );
}
