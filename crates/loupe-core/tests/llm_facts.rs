//! The normalized LLM facts beyond counts: each dialect's token rule, provider, time to first
//! token, sessions, users, tags, scores, the model-presence rule, and trace-level totals that
//! are checked, never added. Expected values are read from the files with `serde_json`, or
//! written in the small documents here.

mod common;

use common::fixture;
use loupe_core::{DiagnosticKind, ScoreValueRef, SpanKind, TraceSet, import};
use serde_json::Value;

fn load(text: &str) -> TraceSet {
    import(text.as_bytes(), "case.json").unwrap_or_else(|e| panic!("{e}"))
}

fn only_span(set: &TraceSet) -> loupe_core::SpanView<'_> {
    assert_eq!(set.span_count(), 1);
    set.span(0)
}

/// One OTLP span with the given attributes (`key`, JSON AnyValue).
fn otlp_span(attrs: &[(&str, &str)]) -> String {
    let attrs: Vec<String> = attrs
        .iter()
        .map(|(k, v)| format!(r#"{{"key":"{k}","value":{v}}}"#))
        .collect();
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"5b8efff798038103d269b633813fc60c",
        "spanId":"eee19b7ec3c1b174","name":"call","startTimeUnixNano":"1000000000",
        "endTimeUnixNano":"3000000000","attributes":[{}]}}]}}]}}]}}"#,
        attrs.join(",")
    )
}

// ---- Each dialect's token rule, on a case where cached tokens make the difference. ----

#[test]
fn otel_counts_cached_tokens_inside_input() {
    let set = load(&otlp_span(&[
        ("gen_ai.operation.name", r#"{"stringValue":"chat"}"#),
        ("gen_ai.usage.input_tokens", r#"{"intValue":"1000"}"#),
        (
            "gen_ai.usage.cache_read.input_tokens",
            r#"{"intValue":"600"}"#,
        ),
        ("gen_ai.usage.output_tokens", r#"{"intValue":"50"}"#),
    ]));
    let u = only_span(&set).usage().unwrap_or_default();
    assert_eq!((u.input, u.cache_read), (Some(1000), Some(600)));
    assert_eq!(u.reported_input(), Some(1000), "reported as given");
    assert_eq!(set.totals().input_tokens, 1000);
}

#[test]
fn langfuse_usage_classes_are_disjoint_and_add_up() {
    let doc = r#"{"trace":{"id":"t1"},"observations":[{"id":"o1","traceId":"t1","type":"GENERATION",
        "name":"chat","startTime":"2025-01-01T00:00:00Z","endTime":"2025-01-01T00:00:01Z",
        "model":"claude-sonnet-4-5",
        "usageDetails":{"input":400,"input_cache_read":600,"output":20,"output_reasoning_tokens":30,"total":1050}}]}"#;
    let set = load(doc);
    let u = only_span(&set).usage().unwrap_or_default();
    assert_eq!(u.input, Some(1000), "400 uncached + 600 cache read");
    assert_eq!(u.output, Some(50), "20 visible + 30 reasoning");
    assert_eq!(
        (u.reported_input(), u.reported_output()),
        (Some(400), Some(20))
    );
    assert_eq!(
        (set.totals().input_tokens, set.totals().output_tokens),
        (1000, 50)
    );
}

#[test]
fn anthropic_raw_input_excludes_the_cache_and_the_total_shows_it() {
    // MLflow's tokenUsage copies the provider's numbers. With Anthropic's raw `input_tokens`
    // the total is input + output + cache; with inclusive counts it is input + output.
    let trace = |usage: &str| {
        format!(
            r#"{{"info":{{"trace_id":"tr-1"}},"data":{{"spans":[{{"name":"claude",
            "context":{{"trace_id":"0x5b8efff798038103d269b633813fc60c","span_id":"0xeee19b7ec3c1b174"}},
            "parent_id":null,"start_time":1,"end_time":2,
            "attributes":{{"mlflow.spanType":"\"LLM\"","mlflow.chat.tokenUsage":{usage:?}}}}}]}}}}"#
        )
    };
    let exclusive = load(&trace(
        r#"{"input_tokens": 3, "cache_read_input_tokens": 900, "cache_creation_input_tokens": 100, "output_tokens": 10, "total_tokens": 1013}"#,
    ));
    let u = only_span(&exclusive).usage().unwrap_or_default();
    assert_eq!(u.input, Some(1003));
    assert_eq!(u.reported_input(), Some(3));
    let inclusive = load(&trace(
        r#"{"input_tokens": 1003, "cache_read_input_tokens": 900, "cache_creation_input_tokens": 100, "output_tokens": 10, "total_tokens": 1013}"#,
    ));
    let u = only_span(&inclusive).usage().unwrap_or_default();
    assert_eq!(u.input, Some(1003));
    assert_eq!(u.reported_input(), Some(1003));
}

#[test]
fn codex_input_includes_its_cached_tokens() {
    let set = import(
        &fixture("other/codex-cli-span-attributes-token-usage.json"),
        "x",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let file: Value =
        serde_json::from_slice(&fixture("other/codex-cli-span-attributes-token-usage.json"))
            .unwrap_or_else(|e| panic!("{e}"));
    let a = &file["attributes"];
    let n = |k: &str| a[format!("codex.turn.token_usage.{k}")].as_u64();
    assert_eq!(
        n("input_tokens"),
        n("cached_input_tokens")
            .zip(n("non_cached_input_tokens"))
            .map(|(c, u)| c + u),
        "the file itself says input = cached + non-cached"
    );
    let s = only_span(&set);
    let u = s.usage().unwrap_or_default();
    assert_eq!(u.input, n("input_tokens"));
    assert_eq!(u.cache_read, n("cached_input_tokens"));
    assert_eq!(u.reasoning, n("reasoning_output_tokens"));
    assert_eq!(s.kind(), SpanKind::Llm, "model + tokens, no kind named");
    assert_eq!(Some(s.model()), a["model"].as_str());
}

#[test]
fn a_model_without_tokens_is_no_llm_call() {
    let set = load(&otlp_span(&[(
        "gen_ai.request.model",
        r#"{"stringValue":"gpt-4o"}"#,
    )]));
    assert_eq!(only_span(&set).kind(), SpanKind::Other);
}

#[test]
fn provider_prefers_the_current_attribute_name() {
    let set = load(&otlp_span(&[
        ("gen_ai.system", r#"{"stringValue":"az.ai.openai"}"#),
        (
            "gen_ai.provider.name",
            r#"{"stringValue":"azure.ai.openai"}"#,
        ),
    ]));
    assert_eq!(only_span(&set).provider(), "azure.ai.openai");
    let set = load(&otlp_span(&[(
        "llm.provider",
        r#"{"stringValue":"anthropic"}"#,
    )]));
    assert_eq!(only_span(&set).provider(), "anthropic");
}

// ---- Time to first token. ----

#[test]
fn langsmith_time_to_first_token_is_the_first_new_token_event() {
    let path = "langsmith/langsmith-py-wrap-openai-stream-events.json";
    let set = import(&fixture(path), path).unwrap_or_else(|e| panic!("{e}"));
    let file: Value = serde_json::from_slice(&fixture(path)).unwrap_or_else(|e| panic!("{e}"));
    // The LLM run's start is in its post; its streamed tokens are in its patch.
    let post = &file["post"][0];
    assert_eq!(post["run_type"], "llm");
    let patch = &file["patch"][0];
    assert_eq!(patch["id"], post["id"]);
    let start = post["start_time"].as_str().unwrap_or_default();
    let first = patch["events"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"] == "new_token")
        .and_then(|e| e["time"].as_str())
        .unwrap_or_else(|| panic!("no new_token event in {path}"));
    let micros = |t: &str| -> i64 {
        // "2024-…T12:34:56.123456+00:00": seconds within the day are enough for a difference.
        let clock = t.split('T').nth(1).unwrap_or_default();
        let clock = clock.split('+').next().unwrap_or_default();
        let mut parts = clock.split([':', '.']);
        let mut f = || {
            parts
                .next()
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(0)
        };
        let (h, m, s, us) = (f(), f(), f(), f());
        ((h * 60 + m) * 60 + s) * 1_000_000 + us
    };
    let expected = (micros(first) - micros(start)) * 1000;
    let span = (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.kind() == SpanKind::Llm)
        .unwrap_or_else(|| panic!("no LLM span"));
    assert_eq!(span.usage().and_then(|u| u.first_token), Some(expected));
}

#[test]
fn vercel_ms_to_first_chunk_is_read_in_milliseconds() {
    let set = load(&otlp_span(&[
        (
            "ai.operationId",
            r#"{"stringValue":"ai.streamText.doStream"}"#,
        ),
        ("ai.response.msToFirstChunk", r#"{"doubleValue":412.5}"#),
        ("ai.usage.outputTokens", r#"{"intValue":"100"}"#),
    ]));
    let u = only_span(&set).usage().unwrap_or_default();
    assert_eq!(u.first_token, Some(412_500_000));
    // 100 tokens over the 2 s span less the 0.4125 s wait.
    let rate = u.output_rate(2_000_000_000).unwrap_or_default();
    assert!((rate - 100.0 / 1.5875).abs() < 1e-9, "{rate}");
}

// ---- Sessions, users, tags and scores. ----

#[test]
fn langfuse_sessions_users_tags_and_scores_come_from_the_trace() {
    for path in common::fixtures_of("langfuse") {
        let bytes = fixture(&path);
        let file: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let set = import(&bytes, &path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Some(trace) = file.get("trace") else {
            continue; // the log view has no trace object
        };
        let t = &set.traces()[0];
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        assert_eq!(set.str(t.session), text(&trace["sessionId"]), "{path}");
        assert_eq!(set.str(t.user), text(&trace["userId"]), "{path}");
        let tags: Vec<String> = trace["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .map(text)
            .collect();
        let got: Vec<String> = t.tags.iter().map(|id| set.str(*id).to_string()).collect();
        assert_eq!(got, tags, "{path}");
        let scores = trace["scores"].as_array().map_or(0, Vec::len)
            + file["scores"].as_array().map_or(0, Vec::len);
        assert_eq!(set.trace_scores(0).len(), scores, "{path}");
        assert_eq!(set.score_count(), scores, "{path}");
    }
}

#[test]
fn a_langfuse_score_on_an_observation_is_on_its_span() {
    let doc = r#"{"observations":[
        {"id":"o1","traceId":"t1","type":"SPAN","name":"root","startTime":"2025-01-01T00:00:00Z","endTime":"2025-01-01T00:00:02Z"},
        {"id":"o2","traceId":"t1","parentObservationId":"o1","type":"GENERATION","name":"llm","startTime":"2025-01-01T00:00:00.5Z","endTime":"2025-01-01T00:00:01Z"}],
      "scores":[{"name":"helpful","value":0.75,"dataType":"NUMERIC","traceId":"t1","observationId":"o2","comment":"ok","source":"ANNOTATION"},
                {"name":"verdict","value":0,"stringValue":"pass","dataType":"CATEGORICAL","traceId":"t1","observationId":null}]}"#;
    let set = load(doc);
    let llm = (0..2).map(|i| set.span(i)).find(|s| s.name() == "llm");
    let scores = llm.map(|s| s.scores()).unwrap_or_default();
    assert_eq!(scores.len(), 1);
    assert_eq!(scores[0].value, ScoreValueRef::Number(0.75));
    assert_eq!((scores[0].comment, scores[0].source), ("ok", "ANNOTATION"));
    let all = set.trace_scores(0);
    let verdict = all.iter().find(|s| s.name == "verdict");
    assert_eq!(
        verdict.map(|s| (s.value, s.span)),
        Some((ScoreValueRef::Label("pass"), None))
    );
}

#[test]
fn mlflow_session_and_user_come_from_the_trace_metadata() {
    let path = "mlflow/rag-session-turn1.json";
    let bytes = fixture(path);
    let file: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let meta = &file["info"]["trace_metadata"];
    let set = import(&bytes, path).unwrap_or_else(|e| panic!("{e}"));
    let t = &set.traces()[0];
    assert_eq!(
        Some(set.str(t.session)),
        meta["mlflow.trace.session"].as_str()
    );
    assert_eq!(Some(set.str(t.user)), meta["mlflow.trace.user"].as_str());
}

#[test]
fn mlflow_trace_totals_are_checked_against_the_calls_not_added() {
    let path = "mlflow/rag-session-turn1.json";
    let text = String::from_utf8(fixture(path)).unwrap_or_else(|e| panic!("{e}"));
    let honest = import(text.as_bytes(), path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        honest
            .diagnostics()
            .count(DiagnosticKind::AggregateMismatch),
        0,
        "the file's trace total matches its call"
    );
    // The same trace claiming more tokens than its calls used.
    let inflated = text.replace(
        r#""mlflow.trace.tokenUsage": "{\"input_tokens\": 412"#,
        r#""mlflow.trace.tokenUsage": "{\"input_tokens\": 9412"#,
    );
    assert_ne!(inflated, text, "the trace metadata was edited");
    let set = import(inflated.as_bytes(), path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        set.diagnostics().count(DiagnosticKind::AggregateMismatch),
        1
    );
    assert_eq!(set.totals().input_tokens, honest.totals().input_tokens);
    let warning = set.diagnostics().lines(None).join("\n");
    assert!(warning.contains("9412/23"), "{warning}");
}

#[test]
fn openinference_session_user_and_tags_are_read_from_attributes() {
    let set = load(&otlp_span(&[
        ("session.id", r#"{"stringValue":"s-1"}"#),
        ("user.id", r#"{"stringValue":"alice"}"#),
        (
            "tag.tags",
            r#"{"arrayValue":{"values":[{"stringValue":"prod"},{"stringValue":"beta"}]}}"#,
        ),
    ]));
    let s = only_span(&set);
    assert_eq!((s.session(), s.user()), ("s-1", "alice"));
    assert_eq!(s.tags().collect::<Vec<_>>(), ["prod", "beta"]);
    let t = &set.traces()[0];
    assert_eq!(set.str(t.session), "s-1");
}
