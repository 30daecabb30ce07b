//! LangSmith runs: every fixture imports with the figures written here (counted from the
//! files), patches merge into their posts, and `list_runs` arrays build their tree from
//! `parent_run_id` or `dotted_order` without counting a chain's aggregate tokens twice.

mod common;

use common::{assert_tree_invariants, fixture, fixtures_of};
use loupe_core::{DiagnosticKind, Format, SpanKind, import};

/// (path, traces, spans, error spans, LLM calls, input tokens, output tokens)
const EXPECTED: &[(&str, [u64; 6])] = &[
    (
        "langsmith/langsmith-js-wrap-openai-reasoning.json",
        [1, 1, 0, 1, 43, 1901],
    ),
    (
        "langsmith/langsmith-py-wrap-openai-post-patch.json",
        [1, 1, 0, 1, 9, 9],
    ),
    (
        "langsmith/langsmith-py-wrap-openai-stream-events.json",
        [1, 1, 0, 1, 9, 9],
    ),
];

#[test]
fn every_langsmith_fixture_is_listed() {
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(fixtures_of("langsmith"), listed);
}

#[test]
fn langsmith_fixtures_import_with_the_right_figures() {
    for (path, figures) in EXPECTED {
        let set = import(&fixture(path), "unnamed").unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(set.sources()[0].format, Format::LangSmith, "{path}");
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
        let s = set.span(0);
        assert!(s.duration() > 0, "{path}: the patch's end time merged in");
        assert!(!s.model().is_empty(), "{path}: a model");
        assert_tree_invariants(&set);
    }
}

#[test]
fn the_patch_brings_outputs_and_streaming_events() {
    let set = import(
        &fixture("langsmith/langsmith-py-wrap-openai-stream-events.json"),
        "x",
    )
    .unwrap();
    let s = set.span(0);
    assert_eq!(s.model(), "gpt-4o-mini-2024-07-18");
    assert!(s.events().iter().filter(|e| e.name == "new_token").count() >= 10);
    assert_eq!(
        s.trace_id().to_string(),
        "fe8ffecb72ce4cd2bdb701f34654c391",
        "UUID trace ids stay whole"
    );
    assert_eq!(s.span_id_text(), "fe8ffecb-72ce-4cd2-bdb7-01f34654c391");
}

#[test]
fn list_runs_arrays_build_the_tree_and_do_not_double_count_chains() {
    let text = r#"[
      {"id": "00000000-0000-0000-0000-00000000000a", "trace_id": "00000000-0000-0000-0000-00000000000a",
       "name": "agent", "run_type": "chain", "start_time": "2024-10-11T20:58:20.000000",
       "end_time": "2024-10-11T20:58:25.000000", "prompt_tokens": 30, "completion_tokens": 7,
       "dotted_order": "20241011T205820000000Z00000000-0000-0000-0000-00000000000a"},
      {"id": "00000000-0000-0000-0000-00000000000b", "trace_id": "00000000-0000-0000-0000-00000000000a",
       "name": "ChatOpenAI", "run_type": "llm", "start_time": "2024-10-11T20:58:21.000000",
       "end_time": "2024-10-11T20:58:22.000000", "prompt_tokens": 30, "completion_tokens": 7,
       "dotted_order": "20241011T205820000000Z00000000-0000-0000-0000-00000000000a.20241011T205821000000Z00000000-0000-0000-0000-00000000000b"},
      {"id": "00000000-0000-0000-0000-00000000000c", "trace_id": "00000000-0000-0000-0000-00000000000a",
       "parent_run_id": "00000000-0000-0000-0000-00000000000a", "name": "search", "run_type": "tool",
       "start_time": "2024-10-11T20:58:23.000000", "end_time": "2024-10-11T20:58:24.000000",
       "error": "TimeoutError: search took too long"}
    ]"#;
    let set = import(text.as_bytes(), "runs.json").unwrap();
    let t = set.totals();
    assert_eq!((t.traces, t.spans, t.errors, t.llm_calls), (1, 3, 1, 1));
    assert_eq!(
        (t.input_tokens, t.output_tokens),
        (30, 7),
        "the chain's aggregate is not added"
    );
    assert_eq!(
        set.traces()[0].root_count,
        1,
        "the LLM run's parent comes from dotted_order"
    );
    assert_eq!(set.span(0).kind(), SpanKind::Chain);
    let failed = (0..3).map(|i| set.span(i)).find(|s| s.is_error()).unwrap();
    assert_eq!(
        failed.status_message(),
        "TimeoutError: search took too long"
    );
    assert_tree_invariants(&set);
}

#[test]
fn a_chain_total_that_disagrees_with_its_calls_is_a_warning_not_a_figure() {
    let text = r#"[
      {"id": "00000000-0000-0000-0000-00000000000a", "trace_id": "00000000-0000-0000-0000-00000000000a",
       "name": "agent", "run_type": "chain",
       "start_time": "2024-10-11T20:58:20", "end_time": "2024-10-11T20:58:25",
       "prompt_tokens": 100, "completion_tokens": 7},
      {"id": "00000000-0000-0000-0000-00000000000b", "trace_id": "00000000-0000-0000-0000-00000000000a",
       "parent_run_id": "00000000-0000-0000-0000-00000000000a", "name": "ChatOpenAI", "run_type": "llm",
       "start_time": "2024-10-11T20:58:21", "end_time": "2024-10-11T20:58:22",
       "prompt_tokens": 30, "completion_tokens": 7}
    ]"#;
    let set = import(text.as_bytes(), "runs.json").unwrap();
    assert_eq!(set.totals().input_tokens, 30, "the calls count");
    assert_eq!(
        set.diagnostics().count(DiagnosticKind::AggregateMismatch),
        1
    );
    let w = set.diagnostics().lines(None).join("\n");
    assert!(
        w.contains("'agent'") && w.contains("100/7") && w.contains("30/7"),
        "{w}"
    );
}
