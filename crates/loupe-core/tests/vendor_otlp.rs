//! Spans that vendor SDKs send over OTLP keep their own facts: MLflow's `mlflow.*` attributes
//! (JSON inside OTLP strings) read exactly as in MLflow's own `Trace.to_json()`.

use loupe_core::{SpanKind, SpanView, TraceSet, ValueRef, import};
use serde_json::{Value, json};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str, bytes: &[u8]) -> TraceSet {
    import(bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn span<'a>(set: &'a TraceSet, name: &str) -> SpanView<'a> {
    (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("no span named {name}"))
}

/// Checks the kind of each named span.
fn assert_kinds(set: &TraceSet, expected: &[(&str, SpanKind)]) {
    for (name, kind) in expected {
        assert_eq!(span(set, name).kind(), *kind, "{name}");
    }
}

/// The roles of a span's messages, input then output.
fn roles(s: &SpanView) -> Vec<String> {
    let chat = s.chat();
    chat.input
        .iter()
        .chain(&chat.output)
        .map(|m| m.role.clone())
        .collect()
}

/// (kind, model, provider, input, output, cache read, recorded cost) of a span.
type Facts = (
    SpanKind,
    String,
    String,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<f64>,
);

fn facts(s: &SpanView) -> Facts {
    let u = s.usage().unwrap_or_default();
    (
        s.kind(),
        s.model().to_string(),
        s.provider().to_string(),
        u.input,
        u.output,
        u.cache_read,
        u.cost_usd,
    )
}

/// The OTLP file's spans written as MLflow's own `Trace.to_json()` (span dicts of version 2:
/// `context`, `0x` ids, nanosecond times, every attribute value JSON inside a string).
fn as_mlflow_to_json(otlp: &Value) -> Value {
    let spans: Vec<Value> = otlp["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .unwrap_or_else(|| panic!("no spans"))
        .iter()
        .map(|s| {
            let attributes: serde_json::Map<String, Value> = s["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|kv| {
                    let key = kv["key"].as_str().unwrap_or_default().to_string();
                    (key, kv["value"]["stringValue"].clone())
                })
                .collect();
            let hex = |v: &Value| v.as_str().map(|id| format!("0x{id}"));
            json!({
                "name": s["name"],
                "context": {"trace_id": hex(&s["traceId"]), "span_id": hex(&s["spanId"])},
                "parent_id": hex(&s["parentSpanId"]),
                "start_time": s["startTimeUnixNano"].as_str().and_then(|t| t.parse::<u64>().ok()),
                "end_time": s["endTimeUnixNano"].as_str().and_then(|t| t.parse::<u64>().ok()),
                "status_code": "OK",
                "attributes": attributes,
            })
        })
        .collect();
    json!({"info": {"trace_id": "tr-1"}, "data": {"spans": spans}})
}

#[test]
fn mlflow_spans_over_otlp_read_as_mlflow_reads_them() {
    let name = "mlflow-otlp-span-types-written-by-loupe.json";
    let bytes = fixture(name);
    let set = load(name, &bytes);
    let expected = [
        ("support_agent", SpanKind::Agent),
        ("answer_chain", SpanKind::Chain),
        ("embed_question", SpanKind::Embedding),
        ("search_orders", SpanKind::Retriever),
        ("lookup_order", SpanKind::Tool),
        ("Completions", SpanKind::Llm),
        ("summarize", SpanKind::Llm),
    ];
    assert_kinds(&set, &expected);
    let chat_model = span(&set, "Completions");
    assert_eq!(
        facts(&chat_model),
        (
            SpanKind::Llm,
            "gpt-4o-mini-2024-07-18".to_string(),
            "openai".to_string(),
            Some(210),
            Some(19),
            None,
            Some(0.000_042_9)
        )
    );
    let summarize = facts(&span(&set, "summarize"));
    assert_eq!(
        (summarize.3, summarize.4, summarize.5),
        (Some(1400), Some(80), Some(1024))
    );
    assert_eq!(
        span(&set, "embed_question").model(),
        "text-embedding-3-small"
    );
    let t = set.totals();
    assert_eq!(
        (
            t.llm_calls,
            t.embedding_calls,
            t.input_tokens,
            t.output_tokens
        ),
        (2, 1, 8 + 210 + 1400, 19 + 80)
    );
    // Values are shown decoded: the model's name without the quotes of its JSON.
    let attrs = chat_model.attributes();
    let model = attrs.iter().find(|(k, _)| *k == "mlflow.llm.model");
    assert_eq!(
        model.map(|(_, v)| *v),
        Some(ValueRef::Str("gpt-4o-mini-2024-07-18"))
    );
    // The chat view reads the decoded payloads.
    assert_eq!(roles(&chat_model), ["system", "user", "assistant"]);

    // The same spans as MLflow's own export give the same facts, span by span.
    let otlp: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let own = serde_json::to_vec(&as_mlflow_to_json(&otlp)).unwrap_or_else(|e| panic!("{e}"));
    let own = load("mlflow-to-json.json", &own);
    assert_eq!(own.span_count(), set.span_count());
    for (name, _) in expected {
        assert_eq!(facts(&span(&own, name)), facts(&span(&set, name)), "{name}");
    }
}

/// A span's model parameters as the detail panel shows them.
fn parameters(set: &TraceSet, name: &str) -> Vec<(String, String)> {
    let i = span(set, name).index();
    let mut engine = loupe_core::engine::Engine::new(set.clone());
    match engine.handle(loupe_core::engine::Request::SpanDetail(i)) {
        loupe_core::engine::Response::SpanDetail(d) => d.parameters,
        other => panic!("{other:?}"),
    }
}

#[test]
fn langfuse_sdk_spans_over_otlp_get_their_kinds_models_usage_cost_and_failures() {
    let name = "langfuse-sdk-otlp-written-by-loupe.json";
    let set = load(name, &fixture(name));
    assert_kinds(
        &set,
        &[
            ("qa-pipeline", SpanKind::Other),
            ("embed", SpanKind::Embedding),
            ("retrieve", SpanKind::Retriever),
            ("generate", SpanKind::Llm),
            ("pii_guard", SpanKind::Guardrail),
        ],
    );
    let generate = span(&set, "generate");
    let u = generate.usage().unwrap_or_default();
    assert_eq!(generate.model(), "gpt-4o-mini");
    assert_eq!(
        (u.input, u.output, u.cost_usd),
        (Some(24), Some(21), Some(0.000_016_2))
    );
    // Time to first token: completion_start_time less the start, 0.5 s.
    assert_eq!(u.first_token, Some(500_000_000));
    assert_eq!(span(&set, "embed").usage().and_then(|u| u.input), Some(5));
    let guard = span(&set, "pii_guard");
    assert!(guard.is_error());
    assert_eq!(
        guard.status_message(),
        "blocked: the answer held an e-mail address"
    );
    assert_eq!((generate.session(), generate.user()), ("sess-1", "user-9"));
    let t = set.totals();
    assert_eq!(
        (
            t.llm_calls,
            t.embedding_calls,
            t.input_tokens,
            t.output_tokens,
            t.errors
        ),
        (1, 1, 29, 21, 1)
    );
    assert_eq!(
        parameters(&set, "generate"),
        [
            ("temperature".to_string(), "0.2".to_string()),
            ("max_tokens".to_string(), "256".to_string())
        ]
    );
    assert_eq!(roles(&generate), ["system", "user", "assistant"]);
}

#[test]
fn langsmith_otel_spans_get_the_run_type_as_kind_and_the_thread_and_user() {
    let name = "langsmith-otel-written-by-loupe.json";
    let set = load(name, &fixture(name));
    assert_kinds(
        &set,
        &[
            ("RunnableSequence", SpanKind::Chain),
            // The run type wins over gen_ai.operation.name = embeddings.
            ("VectorStoreRetriever", SpanKind::Retriever),
            ("ChatOpenAI", SpanKind::Llm),
            ("StrOutputParser", SpanKind::Other),
        ],
    );
    let root = span(&set, "RunnableSequence");
    assert_eq!((root.session(), root.user()), ("thread-7", "u-3"));
    let t = set.totals();
    assert_eq!((t.llm_calls, t.input_tokens, t.output_tokens), (1, 50, 12));
    assert_eq!(
        parameters(&set, "ChatOpenAI"),
        [
            ("temperature".to_string(), "0.7".to_string()),
            ("max_tokens".to_string(), "512".to_string())
        ]
    );
}

#[test]
fn chrome_trace_args_are_read_as_attributes_of_the_llm_conventions() {
    let name = "chrome-trace-llm-args-written-by-loupe.json";
    let set = load(name, &fixture(name));
    let chat = span(&set, "ChatOpenAI");
    assert_eq!((chat.kind(), chat.model()), (SpanKind::Llm, "gpt-4o"));
    let embed = span(&set, "embed");
    assert_eq!(
        (embed.kind(), embed.model()),
        (SpanKind::Embedding, "text-embedding-3-small")
    );
    assert_eq!(span(&set, "rag").kind(), SpanKind::Chain);
    let t = set.totals();
    assert_eq!(
        (
            t.llm_calls,
            t.embedding_calls,
            t.input_tokens,
            t.output_tokens
        ),
        (1, 1, 107, 20)
    );
    assert_eq!(
        parameters(&set, "ChatOpenAI"),
        [("temperature".to_string(), "0.1".to_string())]
    );
}
