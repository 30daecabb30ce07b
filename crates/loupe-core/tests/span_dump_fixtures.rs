//! Span dumps of every shape (OpenTelemetry Python and JS, Phoenix span JSON, single spans'
//! attribute maps, Tracetest's nested trees): every such fixture imports with the figures
//! written here (counted from the files themselves).

mod common;

use common::{assert_tree_invariants, fixture};
use loupe_core::{Format, SpanKind, TraceSetBuilder, import};

/// A fixture and its figures.
struct Expected {
    path: &'static str,
    format: Format,
    /// traces, spans, error spans, LLM calls, input tokens, output tokens
    figures: [u64; 6],
}

const EXPECTED: &[Expected] = &[
    // Monocle: `span.type` `inference`/`inference.framework` spans are the LLM calls (11 and 2),
    // their tokens on the `metadata` event (prompt 5217/completion 506, and 320/92).
    Expected {
        path: "other/monocle-otel-python-to_json-adk-errors-51spans.json",
        format: Format::OtelPython,
        figures: [1, 51, 3, 11, 5217, 506],
    },
    Expected {
        path: "other/monocle-otel-python-to_json-openai-agents-sdk.json",
        format: Format::OtelPython,
        figures: [1, 12, 0, 2, 320, 92],
    },
    Expected {
        path: "openinference/phoenix-rest-spans-agent-turn-error.json",
        format: Format::Phoenix,
        figures: [1, 18, 1, 9, 310_222, 1895],
    },
    Expected {
        path: "openinference/phoenix-rest-spans-subagent-38spans.json",
        format: Format::Phoenix,
        figures: [1, 38, 0, 18, 18, 18],
    },
    // Ten Vercel AI SDK spans, each its own trace: four provider calls (doGenerate/doStream)
    // are the LLM calls; the functions around them (generateText, …) are not counted again.
    // The embedding call (`ai.embed.doEmbed`, 10 tokens) is billed too: 142 + 10 input tokens.
    Expected {
        path: "other/vercel-ai-sdk-v6-js-readablespan-hrtime.json",
        format: Format::OtelJs,
        figures: [10, 10, 0, 4, 152, 297],
    },
    // Single spans' attribute maps: one span each, its LLM facts from the attributes. Codex's
    // turn names no kind; its `model` and `codex.turn.token_usage.*` (input 13297 including
    // 4480 cached, output 23) make it an LLM call by the model-presence rule.
    Expected {
        path: "other/codex-cli-span-attributes-token-usage.json",
        format: Format::SpanAttributes,
        figures: [1, 1, 0, 1, 13297, 23],
    },
    Expected {
        path: "other/otel-genai-client-span-attributes-flat.json",
        format: Format::SpanAttributes,
        figures: [1, 1, 0, 1, 97, 52],
    },
    Expected {
        path: "openinference/openinference-llm-span-attributes-flat.json",
        format: Format::SpanAttributes,
        figures: [1, 1, 0, 1, 97, 52],
    },
    Expected {
        path: "other/vercel-ai-sdk-doStream-span-attributes-opencode.json",
        format: Format::SpanAttributes,
        figures: [1, 1, 0, 1, 12_632, 13],
    },
    Expected {
        path: "other/tracetest-nested-tree-138spans-depth48.json",
        format: Format::Tracetest,
        figures: [1, 138, 0, 0, 0, 0],
    },
];

#[test]
fn span_json_fixtures_import_with_the_right_figures() {
    for e in EXPECTED {
        let path = e.path;
        let set = import(&fixture(path), "unnamed").unwrap_or_else(|err| panic!("{path}: {err}"));
        let t = set.totals();
        assert_eq!(set.sources()[0].format, e.format, "{path}");
        let got = [
            t.traces,
            t.spans,
            t.errors,
            t.llm_calls,
            t.input_tokens,
            t.output_tokens,
        ];
        assert_eq!(got, e.figures, "{path}");
        assert_eq!(set.traces()[0].root_count, 1, "{path}: one root");
        assert_tree_invariants(&set);
    }
}

#[test]
fn phoenix_span_kind_is_the_native_kind_and_opaque_ids_resolve() {
    let set = import(
        &fixture("openinference/phoenix-rest-spans-agent-turn-error.json"),
        "x",
    )
    .unwrap();
    let root = set.span(0);
    assert_eq!(root.kind(), SpanKind::Agent);
    assert_eq!(root.span_id_text(), "s01");
    let failed = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.is_error())
        .unwrap();
    assert_eq!(failed.kind(), SpanKind::Tool);
    assert!(
        failed
            .status_message()
            .starts_with("Error fetching GraphQL query")
    );
    assert_eq!(failed.events()[0].name, "exception");
}

#[test]
fn python_dumps_keep_kinds_times_and_resources() {
    let set = import(
        &fixture("other/monocle-otel-python-to_json-openai-agents-sdk.json"),
        "x",
    )
    .unwrap();
    let s = set.span(0);
    assert_eq!(s.service(), "agents_sdk_dev_1");
    assert_eq!(s.otel_kind(), loupe_core::OtelKind::Internal);
    assert!(s.duration() > 0);
    assert_eq!(
        s.start() % 1000,
        0,
        "microsecond ISO times become exact nanoseconds"
    );
}

#[test]
fn json_lines_and_concatenated_objects_read_like_an_array() {
    let text = String::from_utf8(fixture(
        "openinference/phoenix-rest-spans-subagent-38spans.json",
    ))
    .unwrap();
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(&text).unwrap();
    let lines: String = items
        .iter()
        .map(|r| format!("{}\n", r.get().replace('\n', "")))
        .collect();
    let concatenated: String = items.iter().map(|r| format!("{}\n", r.get())).collect();
    for (name, body) in [("lines.jsonl", lines), ("concatenated.json", concatenated)] {
        let mut b = TraceSetBuilder::new();
        let report = b
            .add_file(name, body.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.format, Format::Phoenix, "{name}");
        assert_eq!(report.spans, 38, "{name}");
    }
}

#[test]
fn a_nested_tree_keeps_its_depth() {
    let set = import(
        &fixture("other/tracetest-nested-tree-138spans-depth48.json"),
        "x",
    )
    .unwrap();
    let deepest = (0..set.span_count() as u32)
        .map(|i| set.span(i).depth())
        .max();
    assert_eq!(deepest, Some(47), "48 levels, the root at depth 0");
    assert_eq!(set.span(0).name(), "Tracetest trigger");
}
