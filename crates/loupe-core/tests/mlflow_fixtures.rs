//! MLflow traces: every fixture imports with the figures written here (counted from the files),
//! and the older (v2) and newer (v4) span dictionaries read like the v3 ones in the corpus.

mod common;

use common::{assert_tree_invariants, fixture, fixtures_of};
use loupe_core::{Format, SpanKind, StatusCode, import};

/// (path, traces, spans, error spans, LLM calls, input tokens, output tokens)
const EXPECTED: &[(&str, [u64; 6])] = &[
    ("mlflow/agent-tool-keyerror.json", [1, 3, 1, 1, 220, 18]),
    ("mlflow/rag-session-turn1.json", [1, 3, 0, 1, 412, 23]),
    ("mlflow/rag-session-turn2.json", [1, 3, 0, 1, 412, 23]),
];

#[test]
fn every_mlflow_fixture_is_listed() {
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(fixtures_of("mlflow"), listed);
}

#[test]
fn mlflow_fixtures_import_with_the_right_figures() {
    for (path, figures) in EXPECTED {
        let set = import(&fixture(path), "unnamed").unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(set.sources()[0].format, Format::Mlflow, "{path}");
        let t = set.totals();
        let got = [
            t.traces,
            t.spans,
            t.errors,
            t.llm_calls,
            t.input_tokens,
            t.output_tokens,
        ];
        assert_eq!(&got, figures, "{path}");
        assert_eq!(
            set.traces()[0].root_count,
            1,
            "{path}: base64 parent ids resolve"
        );
        assert_tree_invariants(&set);
    }
}

#[test]
fn span_types_models_and_the_failed_tool() {
    let set = import(&fixture("mlflow/agent-tool-keyerror.json"), "x").unwrap();
    let spans: Vec<_> = (0..3).map(|i| set.span(i)).collect();
    let kinds: Vec<SpanKind> = spans.iter().map(|s| s.kind()).collect();
    assert_eq!(kinds, [SpanKind::Agent, SpanKind::Llm, SpanKind::Tool]);
    assert_eq!(spans[1].model(), "claude-3-5-haiku-20241022");
    assert_eq!(spans[2].status(), StatusCode::Error);
    assert_eq!(spans[2].status_message(), "KeyError: 'order 991 not found'");
    assert_eq!(spans[2].events()[0].name, "exception");
    // Attribute values written as JSON in strings are decoded once more.
    let span_type = spans[0]
        .attributes()
        .into_iter()
        .find(|(k, _)| *k == "mlflow.spanType");
    assert_eq!(
        span_type.map(|(_, v)| v.to_string()),
        Some("AGENT".to_string())
    );
}

#[test]
fn v2_and_v4_span_dictionaries() {
    let v2 = r#"{"info": {"request_id": "tr-1"}, "data": {"spans": [
        {"name": "root", "context": {"trace_id": "0x5b8efff798038103d269b633813fc60c", "span_id": "0xeee19b7ec3c1b174"},
         "parent_id": null, "start_time": 1000, "end_time": 5000, "status_code": "OK", "status_message": "",
         "attributes": {"mlflow.spanType": "\"CHAIN\""}, "events": []},
        {"name": "llm", "context": {"trace_id": "0x5b8efff798038103d269b633813fc60c", "span_id": "0xeee19b7ec3c1b175"},
         "parent_id": "0xeee19b7ec3c1b174", "start_time": 2000, "end_time": 4000, "status_code": "ERROR",
         "status_message": "rate limited", "attributes": {"mlflow.spanType": "\"LLM\"",
         "mlflow.chat.tokenUsage": "{\"input_tokens\": 10, \"output_tokens\": 3}"},
         "events": [{"name": "exception", "timestamp": 3000, "attributes": {}}]}]}}"#;
    let set = import(v2.as_bytes(), "v2.json").unwrap();
    let t = set.totals();
    assert_eq!(
        (t.spans, t.errors, t.llm_calls, t.input_tokens),
        (2, 1, 1, 10)
    );
    assert_eq!(set.span(1).parent(), Some(0));
    assert_eq!(set.span(1).duration(), 2000);

    let v4 = r#"[{"info": {"trace_id": "tr-abc"}, "data": {"spans": [
        {"name": "agent", "trace_id": "tr-abc", "span_id": "0102030405060708", "parent_span_id": null,
         "start_time_unix_nano": 1, "end_time_unix_nano": 9, "status": {"code": "OK", "message": ""},
         "attributes": {"mlflow.spanType": "\"AGENT\""}, "events": []}]}}]"#;
    let set = import(v4.as_bytes(), "v4.json").unwrap();
    assert_eq!(set.span(0).kind(), SpanKind::Agent);
    assert_eq!(set.span(0).span_id().0, 0x0102030405060708);
}
