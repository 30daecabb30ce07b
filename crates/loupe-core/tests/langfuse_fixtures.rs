//! Every Langfuse download imports with the figures written here, counted from the files
//! themselves: observations, GENERATION observations as LLM calls, and tokens summed over the
//! innermost generations from Langfuse's disjoint usage classes.

mod common;

use common::{assert_tree_invariants, fixture, fixtures_of};
use loupe_core::{Format, SpanKind, import};

/// A fixture and its figures.
struct Expected {
    path: &'static str,
    /// spans, error spans, LLM calls, input tokens, output tokens
    figures: [u64; 5],
    /// recorded cost in US dollars
    cost: f64,
}

const EXPECTED: &[Expected] = &[
    Expected {
        path: "langfuse/agent-prism-langfuse-qa-chatbot-2025-09.json",
        figures: [5, 0, 3, 1115, 101],
        cost: 0.002_403_75,
    },
    Expected {
        path: "langfuse/langfuse-ui-export-beeai-2025-08-01.json",
        figures: [29, 0, 5, 5542, 0],
        cost: 0.000_831_3,
    },
    Expected {
        path: "langfuse/langfuse-ui-export-claude-agent-2025-12-22.json",
        figures: [7, 0, 4, 34, 232],
        cost: 0.003_582,
    },
    Expected {
        path: "langfuse/langfuse-ui-export-csharp-agent-with-gemini-2026-03-09.json",
        figures: [8, 0, 3, 8047, 414],
        cost: 0.003_449_1,
    },
    Expected {
        path: "langfuse/langfuse-ui-export-google-adk-2025-08-28.json",
        figures: [5, 0, 2, 67, 9],
        cost: 0.000_010_3,
    },
    Expected {
        path: "langfuse/langfuse-ui-export-langgraph-js-2025-10-30.json",
        figures: [20, 0, 2, 321, 123],
        cost: 0.000_326_25,
    },
    Expected {
        path: "langfuse/langfuse-ui-export-openai-agents-2025-09-30.json",
        figures: [5, 0, 2, 140, 44],
        cost: 0.000_632,
    },
    Expected {
        path: "langfuse/langfuse-ui-export-pydantic-ai-tools-2025-12-04.json",
        figures: [12, 0, 4, 1315, 209],
        cost: 0.000_322_65,
    },
    Expected {
        path: "langfuse/langfuse-ui-export-vercel-aisdk-2025-11-17.json",
        figures: [3, 0, 2, 62, 85],
        cost: 0.000_927_5,
    },
];

#[test]
fn every_langfuse_fixture_is_listed() {
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.path.to_string()).collect();
    assert_eq!(fixtures_of("langfuse"), listed);
}

#[test]
fn langfuse_fixtures_import_with_the_right_figures() {
    for e in EXPECTED {
        let path = e.path;
        let set = import(&fixture(path), "unnamed").unwrap_or_else(|err| panic!("{path}: {err}"));
        assert_eq!(set.sources()[0].format, Format::Langfuse, "{path}");
        let t = set.totals();
        assert_eq!(t.traces, 1, "{path}");
        let got = [
            t.spans,
            t.errors,
            t.llm_calls,
            t.input_tokens,
            t.output_tokens,
        ];
        assert_eq!(got, e.figures, "{path}");
        let cost = t
            .cost_usd
            .unwrap_or_else(|| panic!("{path}: a recorded cost"));
        assert!(
            (cost - e.cost).abs() < 1e-9,
            "{path}: cost {cost} vs {}",
            e.cost
        );
        assert_eq!(set.traces()[0].root_count, 1, "{path}");
        assert_tree_invariants(&set);
    }
}

#[test]
fn cached_input_is_added_to_the_input_total() {
    // Langfuse's `input` excludes cache reads; OpenTelemetry's input total includes them.
    let text = r#"{"trace": {"id": "t1"}, "observations": [{"id": "o1", "traceId": "t1",
        "type": "GENERATION", "name": "chat", "startTime": "2025-01-01T00:00:00Z",
        "endTime": "2025-01-01T00:00:01Z", "model": "claude-sonnet-4",
        "usageDetails": {"input": 100, "input_cache_read": 400, "output": 20, "total": 520}}]}"#;
    let set = import(text.as_bytes(), "x").unwrap();
    let u = set.span(0).usage().unwrap();
    assert_eq!(
        (u.input, u.cache_read, u.output),
        (Some(500), Some(400), Some(20))
    );
    assert_eq!(set.totals().input_tokens, 500);
}

#[test]
fn reasoning_counts_on_the_output_side() {
    // langgraph-js records output 35 and output_reasoning 64 on its first generation.
    let set = import(
        &fixture("langfuse/langfuse-ui-export-langgraph-js-2025-10-30.json"),
        "x",
    )
    .unwrap();
    let generation = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.kind() == SpanKind::Llm && s.usage().and_then(|u| u.input) == Some(179))
        .unwrap();
    let u = generation.usage().unwrap();
    assert_eq!((u.output, u.cache_read), (Some(99), Some(0)));
    assert!(!generation.model().is_empty());
}

#[test]
fn observation_types_are_span_kinds() {
    let set = import(
        &fixture("langfuse/langfuse-ui-export-google-adk-2025-08-28.json"),
        "x",
    )
    .unwrap();
    let mut kinds: Vec<SpanKind> = (0..set.span_count() as u32)
        .map(|i| set.span(i).kind())
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            SpanKind::Llm,
            SpanKind::Llm,
            SpanKind::Tool,
            SpanKind::Agent,
            SpanKind::Chain
        ]
    );
}
