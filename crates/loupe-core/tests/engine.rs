//! The engine's answers on real files, through the binary form the page and the worker use.

mod common;

use loupe_core::engine::{Engine, Request, Response};
use loupe_core::import;

fn ask(engine: &mut Engine, request: Request) -> Response {
    let answer = Request::decode(&request.encode())
        .map(|request| engine.handle(request))
        .and_then(|answer| Response::decode(&answer.encode()));
    match answer {
        Ok(answer) => answer,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_spans_detail_carries_its_facts_chat_and_raw_json() {
    let bytes = common::fixture("openinference/phoenix-rest-spans-agent-turn-error.json");
    let set = import(&bytes, "phoenix.json").unwrap();
    // The first LLM call under the agent turn: span s02.
    let i = (0..set.span_count() as u32)
        .find(|&i| set.span(i).span_id_text() == "s02")
        .unwrap();
    let want = set.span(i);
    let (want_chat, want_raw) = (want.chat(), want.raw_json().to_string());
    let mut engine = Engine::new(set.clone());
    let Response::SpanDetail(d) = ask(&mut engine, Request::SpanDetail(i)) else {
        panic!("a detail expected");
    };
    assert_eq!(
        (d.name.as_str(), d.model.as_str()),
        ("claude-fable-5", "claude-fable-5")
    );
    assert_eq!(
        (d.provider.as_str(), d.session.as_str()),
        ("anthropic", "fixture-session")
    );
    assert_eq!(
        (d.span_id.as_str(), d.parent_id.as_deref()),
        ("s02", Some("s01"))
    );
    assert_eq!(d.chat, want_chat);
    assert!(!d.chat.input.is_empty() && !d.chat.output.is_empty());
    assert_eq!(d.raw, want_raw);
    assert!(
        d.raw.contains("\"s02\""),
        "the span's JSON as the file has it"
    );
    let usage = d.usage.expect("the call reports usage");
    assert_eq!(usage.input, Some(32_321));
    assert!(d.attributes.iter().any(|(k, _, _)| k == "llm.model_name"));
    let failed = (0..set.span_count() as u32)
        .find(|&i| set.span(i).is_error())
        .unwrap();
    let Response::SpanDetail(f) = ask(&mut engine, Request::SpanDetail(failed)) else {
        panic!("a detail expected");
    };
    assert_eq!(f.status, "error");
    assert!(matches!(
        ask(&mut engine, Request::SpanDetail(u32::MAX)),
        Response::Failed(_)
    ));
}

#[test]
fn removing_a_file_leaves_the_figures_of_the_others() {
    let (a, b) = (
        common::fixture("langfuse/langfuse-ui-export-openai-agents-2025-09-30.json"),
        common::fixture("otlp-json/jaeger-integration-multi-resource-events.json"),
    );
    let mut both = loupe_core::TraceSetBuilder::new();
    for (name, bytes) in [("a.json", &a), ("b.json", &b)] {
        both.add_file(name, bytes).unwrap();
    }
    let mut engine = Engine::new(both.finish());
    let Response::Figures(before) = ask(&mut engine, Request::Figures) else {
        panic!("figures expected");
    };
    assert!(matches!(
        ask(&mut engine, Request::Remove(0)),
        Response::Done
    ));
    let Response::Figures(after) = ask(&mut engine, Request::Figures) else {
        panic!("figures expected");
    };
    let Response::Figures(alone) = ask(
        &mut Engine::new(import(&b, "b.json").unwrap()),
        Request::Figures,
    ) else {
        panic!("figures expected");
    };
    assert!(before.spans > after.spans);
    assert_eq!(
        after.by_source[1], alone.by_source[0],
        "the file left keeps its figures"
    );
    assert_eq!(
        (after.spans, after.traces, after.cost_usd),
        (alone.spans, alone.traces, alone.cost_usd)
    );
    assert_eq!(after.by_source[0].spans, 0, "the removed file has none");
}
