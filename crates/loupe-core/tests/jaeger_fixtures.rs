//! Every Jaeger fixture imports with the figures written here (counted from the files
//! themselves), and Jaeger's particulars survive: exact int64 tags, references, processes,
//! opaque ids, proto-JSON times.

mod common;

use common::{assert_tree_invariants, fixture, fixtures_of};
use loupe_core::{DiagnosticKind, Format, SpanKind, StatusCode, ValueRef, import};

/// (path, traces, spans, error spans, LLM calls, input tokens, output tokens)
const EXPECTED: &[(&str, u64, u64, u64, u64, u64, u64)] = &[
    ("jaeger/jaeger-anonymizer-span-array.json", 1, 2, 1, 0, 0, 0),
    (
        "jaeger/jaeger-model-protojson-base64-ids.json",
        1,
        1,
        0,
        0,
        0,
        0,
    ),
    ("jaeger/jaeger-ui-api-response-multi.json", 1, 4, 0, 0, 0, 0),
    (
        "jaeger/jaeger-ui-genai-agent-trace.json",
        1,
        57,
        1,
        5,
        8280,
        1180,
    ),
    (
        "jaeger/jaeger-ui-json-all-tag-types-int64-binary.json",
        1,
        5,
        1,
        0,
        0,
        0,
    ),
    (
        "jaeger/jaeger-ui-tracegraph-11spans.json",
        1,
        11,
        1,
        0,
        0,
        0,
    ),
];

#[test]
fn every_jaeger_fixture_is_listed() {
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(fixtures_of("jaeger"), listed);
}

#[test]
fn jaeger_fixtures_import_with_the_right_figures() {
    for &(path, traces, spans, errors, llm, input, output) in EXPECTED {
        let set = import(&fixture(path), "unnamed").unwrap_or_else(|e| panic!("{path}: {e}"));
        let t = set.totals();
        assert_eq!(set.sources()[0].format, Format::Jaeger, "{path}");
        assert_eq!(
            (
                t.traces,
                t.spans,
                t.errors,
                t.llm_calls,
                t.input_tokens,
                t.output_tokens
            ),
            (traces, spans, errors, llm, input, output),
            "{path}"
        );
        assert_tree_invariants(&set);
    }
}

#[test]
fn tags_of_every_type_and_int64_beyond_2_53_stay_exact() {
    let set = import(
        &fixture("jaeger/jaeger-ui-json-all-tag-types-int64-binary.json"),
        "x",
    )
    .unwrap();
    let attrs: Vec<(String, ValueRef)> = (0..set.span_count() as u32)
        .flat_map(|i| set.span(i).attributes())
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let get = |k: &str| attrs.iter().find(|(key, _)| key == k).map(|(_, v)| *v);
    assert_eq!(
        get("javascript_limit"),
        Some(ValueRef::Int(9_223_372_036_854_775_222))
    );
    assert_eq!(get("temperature"), Some(ValueRef::Float(72.5)));
    assert_eq!(get("error"), Some(ValueRef::Bool(true)));
    assert_eq!(get("blob"), Some(ValueRef::Bytes("AAAwOQ==")));
    assert_eq!(set.diagnostics().count(DiagnosticKind::DuplicateId), 1);
}

#[test]
fn references_pick_the_parent_and_the_rest_become_links() {
    let set = import(
        &fixture("jaeger/jaeger-ui-json-all-tag-types-int64-binary.json"),
        "x",
    )
    .unwrap();
    let s = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.span_id().0 == 4)
        .unwrap();
    assert_eq!(s.parent_id().map(|p| p.0), Some(2));
    assert_eq!(
        s.links().len(),
        2,
        "the other trace's CHILD_OF and the FOLLOWS_FROM"
    );
}

#[test]
fn processes_give_services_and_opaque_ids_keep_their_text() {
    let set = import(&fixture("jaeger/jaeger-ui-tracegraph-11spans.json"), "x").unwrap();
    let root = set.span(0);
    assert_eq!(root.span_id_text(), "span-1");
    assert_eq!(set.traces()[0].root_count, 1, "opaque parent ids resolve");
    assert!(!root.service().is_empty());
}

#[test]
fn proto_json_times_and_embedded_processes() {
    let set = import(
        &fixture("jaeger/jaeger-model-protojson-base64-ids.json"),
        "x",
    )
    .unwrap();
    let s = set.span(0);
    assert_eq!(s.name(), "get");
    assert_eq!(s.service(), "api");
    assert_eq!(s.start(), 1_485_467_191_639_875_000);
    assert_eq!(s.duration(), 22_938_000);
    assert_eq!(s.otel_kind(), loupe_core::OtelKind::Server);
    assert_eq!(s.span_id().0, 0x647d98);
    assert!(!s.events().is_empty());
}

#[test]
fn genai_tags_give_kinds_and_the_error_tag_marks_the_failed_call() {
    let set = import(&fixture("jaeger/jaeger-ui-genai-agent-trace.json"), "x").unwrap();
    let kinds = |k: SpanKind| {
        (0..set.span_count() as u32)
            .filter(|&i| set.span(i).kind() == k)
            .count()
    };
    assert_eq!(
        (
            kinds(SpanKind::Agent),
            kinds(SpanKind::Tool),
            kinds(SpanKind::Retriever)
        ),
        (2, 7, 3)
    );
    let failed = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.status() == StatusCode::Error)
        .unwrap();
    assert_eq!(failed.name(), "GET /api/v1/pods");
}
