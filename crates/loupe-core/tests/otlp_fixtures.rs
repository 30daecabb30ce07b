//! Every OTLP/JSON and OTLP/JSONL fixture imports with the figures written here (counted
//! independently from the files), and the tree invariants hold.

mod common;

use common::{assert_tree_invariants, fixture, fixtures_of};
use loupe_core::{DiagnosticKind, Format, SpanFlags, SpanKind, StatusCode, import};

/// (path, format, traces, spans, error spans, orphans)
const EXPECTED: &[(&str, Format, u64, u64, u64, usize)] = &[
    (
        "otlp-json/jaeger-apiv3-gettrace-result-wrapper.json",
        Format::OtlpJson,
        1,
        1,
        1,
        0,
    ),
    (
        "otlp-json/jaeger-integration-multi-resource-events.json",
        Format::OtlpJson,
        1,
        5,
        0,
        0,
    ),
    (
        "otlp-json/jaeger-integration-span-links.json",
        Format::OtlpJson,
        1,
        1,
        0,
        0,
    ),
    (
        "otlp-json/jaeger-ui-otlp-4-resourcespans.json",
        Format::OtlpJson,
        1,
        4,
        0,
        0,
    ),
    (
        "otlp-json/jaeger-ui-otlp-empty-resource.json",
        Format::OtlpJson,
        1,
        1,
        0,
        1,
    ),
    (
        "otlp-json/langwatch-claude-code-genai-all-zero-ids.json",
        Format::OtlpJson,
        1,
        1,
        0,
        0,
    ),
    (
        "otlp-json/otel-desktop-viewer-ci-span-no-timestamps-anyValue.json",
        Format::OtlpJson,
        1,
        1,
        0,
        0,
    ),
    (
        "otlp-json/otel-proto-example-trace.json",
        Format::OtlpJson,
        1,
        1,
        0,
        1,
    ),
    (
        "otlp-json/tempo-2022-legacy-instrumentationLibrarySpans-base64.json",
        Format::OtlpJson,
        1,
        19,
        0,
        0,
    ),
    (
        "otlp-json/tempo-base64-ids-enum-strings-errors.json",
        Format::OtlpJson,
        1,
        15,
        3,
        0,
    ),
    (
        "otlp-json/tempo-legacy-batches-wrapper.json",
        Format::OtlpJson,
        1,
        1,
        0,
        1,
    ),
    (
        "otlp-json/tempo-vulture-base64-events.json",
        Format::OtlpJson,
        1,
        6,
        0,
        0,
    ),
    (
        "otlp-jsonl/jaeger-ui-otlp-multi-lines.jsonl",
        Format::OtlpJsonLines,
        1,
        4,
        0,
        0,
    ),
    (
        "otlp-jsonl/otel-tui-collector-fileexporter-demo-mixed-signals.jsonl.gz",
        Format::OtlpJsonLines,
        141,
        547,
        107,
        1,
    ),
];

#[test]
fn every_otlp_fixture_is_listed() {
    let mut on_disk = fixtures_of("otlp-json");
    on_disk.extend(fixtures_of("otlp-jsonl"));
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(
        on_disk, listed,
        "each fixture has its expected figures here"
    );
}

#[test]
fn otlp_fixtures_import_with_the_right_figures() {
    for &(path, format, traces, spans, errors, orphans) in EXPECTED {
        let bytes = fixture(path);
        // The name is never used for detection: a neutral name gives the same result.
        let set = import(&bytes, "unnamed").unwrap_or_else(|e| panic!("{path}: {e}"));
        let t = set.totals();
        assert_eq!(
            (t.traces, t.spans, t.errors),
            (traces, spans, errors),
            "{path}: traces, spans, errors"
        );
        assert_eq!(set.sources()[0].format, format, "{path}");
        assert_eq!(
            set.diagnostics().count(DiagnosticKind::Orphan),
            orphans,
            "{path}: orphans"
        );
        assert_tree_invariants(&set);
    }
}

#[test]
fn genai_attributes_give_kind_model_and_tokens() {
    let set = import(
        &fixture("otlp-json/langwatch-claude-code-genai-all-zero-ids.json"),
        "x",
    )
    .unwrap();
    let t = set.totals();
    assert_eq!(
        (t.llm_calls, t.input_tokens, t.output_tokens, t.cost_usd),
        (1, 187, 53, None)
    );
    let s = set.span(0);
    assert_eq!(s.kind(), SpanKind::Llm);
    assert_eq!(s.model(), "claude-sonnet-4.6");
    assert_eq!(s.duration(), 1_250_000_000);
    // All-zero ids are replaced and reported, not dropped.
    assert!(s.flags().has(SpanFlags::SYNTHETIC_ID));
    assert_eq!(set.diagnostics().count(DiagnosticKind::SyntheticId), 2);
}

#[test]
fn base64_and_hex_ids_resolve_parents_alike() {
    let set = import(
        &fixture("otlp-json/tempo-base64-ids-enum-strings-errors.json"),
        "x",
    )
    .unwrap();
    assert_eq!(
        set.traces()[0].root_count,
        1,
        "one root: every base64 parent id resolved"
    );
    let errors: Vec<&str> = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .filter(|s| s.status() == StatusCode::Error)
        .map(|s| s.name())
        .collect();
    assert_eq!(errors.len(), 3);
}

#[test]
fn orphans_are_roots_and_flagged() {
    let set = import(&fixture("otlp-json/otel-proto-example-trace.json"), "x").unwrap();
    let s = set.span(0);
    assert!(s.flags().has(SpanFlags::ORPHAN));
    assert_eq!(s.parent(), None);
    assert_eq!(
        s.parent_id().map(|p| p.to_string()).as_deref(),
        Some("eee19b7ec3c1b173")
    );
    assert_eq!(s.service(), "my.service");
    assert_eq!(s.scope(), "my.library");
}

#[test]
fn events_links_and_raw_json_are_kept() {
    let set = import(&fixture("otlp-json/tempo-vulture-base64-events.json"), "x").unwrap();
    let events: usize = (0..set.span_count() as u32)
        .map(|i| set.span(i).events().len())
        .sum();
    assert_eq!(events, 18);
    let set = import(
        &fixture("otlp-json/jaeger-integration-span-links.json"),
        "x",
    )
    .unwrap();
    let s = set.span(0);
    assert!(!s.links().is_empty());
    assert!(s.raw_json().starts_with('{') && s.raw_json().contains("query25-operation"));
}

#[test]
fn unknown_value_types_are_read_leniently_and_reported() {
    let set = import(
        &fixture("otlp-json/otel-desktop-viewer-ci-span-no-timestamps-anyValue.json"),
        "x",
    )
    .unwrap();
    assert_eq!(set.span(0).service(), "test-with-curl");
    assert!(set.span(0).flags().has(SpanFlags::NO_TIMESTAMPS));
    assert_eq!(set.diagnostics().count(DiagnosticKind::UnknownValueType), 1);
}

#[test]
fn jsonl_skips_other_signals_with_a_warning() {
    let path = "otlp-jsonl/otel-tui-collector-fileexporter-demo-mixed-signals.jsonl.gz";
    let mut b = loupe_core::TraceSetBuilder::new();
    let report = b.add_file(path, &fixture(path)).unwrap();
    assert_eq!(report.spans, 547);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("40 lines of metrics and 16 of logs")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn spans_of_one_trace_spread_over_files_are_joined() {
    // The four lines of this JSONL file each hold one span of the same trace. Split them into
    // four files: together they must make the same single trace with one root.
    let text = String::from_utf8(fixture("otlp-jsonl/jaeger-ui-otlp-multi-lines.jsonl")).unwrap();
    let mut b = loupe_core::TraceSetBuilder::new();
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        b.add_file(&format!("part{n}.json"), line.as_bytes())
            .unwrap();
    }
    let set = b.finish();
    assert_eq!(set.traces().len(), 1);
    assert_eq!(set.traces()[0].root_count, 1);
    assert_eq!(set.span_count(), 4);
    assert_tree_invariants(&set);
}

#[test]
fn captured_export_requests_are_read_and_other_signals_counted() {
    // oteltest writes {"trace_requests": [{"pbreq": …}], "metric_requests": […], …}.
    let path = "other/oteltest-capture-langchain-agent-tools-42spans.json";
    let mut b = loupe_core::TraceSetBuilder::new();
    let report = b.add_file(path, &fixture(path)).unwrap();
    assert_eq!((report.format, report.spans), (Format::OtlpJson, 42));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("1 requests of metrics")),
        "{:?}",
        report.warnings
    );
    let set = b.finish();
    assert_eq!(set.totals().traces, 3);
    let tools = (0..set.span_count() as u32)
        .filter(|&i| set.span(i).kind() == SpanKind::Tool)
        .count();
    assert_eq!(tools, 3);
    assert_tree_invariants(&set);
}
