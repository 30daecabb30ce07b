//! Wasm tests in headless Chromium (wasm-bindgen-test): the engine's tree builder compiled to
//! wasm32, and the app's components mounted into a real DOM.
#![cfg(target_arch = "wasm32")]
// Test helpers fail the test loudly when the page lacks what every browser has.
#![allow(clippy::expect_used)]

use leptos::prelude::*;
use loupe::components::figures::Figures;
use loupe::state::AppState;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TEMPO: &[u8] =
    include_bytes!("../../shared/fixtures/otlp-json/tempo-base64-ids-enum-strings-errors.json");

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh element in the page to mount a component into.
fn host() -> web_sys::Element {
    let host = document().create_element("div").expect("a div");
    document()
        .body()
        .expect("a body")
        .append_child(&host)
        .expect("appended");
    host
}

/// The text of the element with `testid` inside `host`.
fn text_of(host: &web_sys::Element, testid: &str) -> String {
    host.query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Waits (yielding to the browser) until `f` holds, up to about five seconds.
async fn eventually(f: impl Fn() -> bool) -> bool {
    for _ in 0..300 {
        if f() {
            return true;
        }
        loupe::state::next_paint().await;
    }
    f()
}

#[wasm_bindgen_test]
fn a_bundles_salt_comes_from_web_crypto() {
    let a = loupe_core::redact::fresh_salt().expect("Web Crypto gives random bytes");
    let b = loupe_core::redact::fresh_salt().expect("Web Crypto gives random bytes");
    assert!(a != [0; 16] && a != b, "{a:?} {b:?}");
}

#[wasm_bindgen_test]
fn tree_builder_runs_in_wasm() {
    let set = loupe_core::import(TEMPO, "tempo.json").expect("the fixture imports");
    let t = set.totals();
    assert_eq!((t.traces, t.spans, t.errors), (1, 15, 3));
    assert_eq!(set.traces()[0].root_count, 1);
    for i in 0..set.span_count() as u32 {
        let s = set.span(i);
        if let Some(p) = s.parent() {
            assert!(p < i);
            assert_eq!(set.span(p).depth() + 1, s.depth());
        }
    }
    // A 20,000-level chain builds without recursion in wasm's small stack.
    let spans: Vec<String> = (1..=20_000u64)
        .map(|i| {
            let parent = if i == 1 { String::new() } else { format!("{:016x}", i - 1) };
            format!(
                r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{i:016x}","parentSpanId":"{parent}","name":"n","startTimeUnixNano":"{i}","endTimeUnixNano":"40000"}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    );
    let deep = loupe_core::import(text.as_bytes(), "deep.json").expect("deep trace imports");
    assert_eq!(deep.span(19_999).depth(), 19_999);
}

#[wasm_bindgen_test]
async fn figures_show_the_engines_answer() {
    let state = AppState::new();
    let set = loupe_core::import(TEMPO, "tempo.json").expect("the fixture imports");
    // The page's own engine, as a standalone report has it.
    loupe::worker_client::use_local(set);
    let host = host();
    let _mounted = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        provide_context(state);
        provide_context(loupe::analysis::Analysis::new(state));
        view! { <Figures /> }
    });
    state.refresh_figures().await;
    assert!(eventually(|| text_of(&host, "span-count") == "15").await);
    assert_eq!(text_of(&host, "trace-count"), "1");
    assert_eq!(text_of(&host, "error-count"), "3");
    assert_eq!(text_of(&host, "total-cost"), "—");
}

#[wasm_bindgen_test]
fn the_workers_request_handler_answers_in_binary() {
    use loupe::engine_host::{EngineHost, NOTHING_HELD};
    use loupe_core::engine::{Request, Response};
    let mut host = EngineHost::default();
    let ask = |host: &mut EngineHost, request: Request| {
        Response::decode(&host.answer(&request.encode())).expect("an answer it can read")
    };
    assert_eq!(
        ask(&mut host, Request::Figures),
        Response::Failed(NOTHING_HELD.into()),
        "nothing is loaded yet"
    );
    // Prices sent before a load apply to it.
    let model_free = r#"{"some-model":{"input":1.0,"output":1.0}}"#;
    assert_eq!(
        ask(&mut host, Request::Prices(model_free.into())),
        Response::Done
    );
    host.hold(loupe_core::import(TEMPO, "tempo.json").expect("the fixture imports"));
    let Response::Figures(f) = ask(&mut host, Request::Figures) else {
        panic!("figures expected");
    };
    assert_eq!((f.traces, f.spans, f.errors), (1, 15, 3));
    let Response::TraceRows(window) = ask(
        &mut host,
        Request::TraceRows {
            query: "status:error".into(),
            sort: Default::default(),
            start: 0,
            end: 10,
        },
    ) else {
        panic!("rows expected");
    };
    assert_eq!((window.total, window.rows.len()), (1, 1));
    assert_eq!(window.rows[0].errors, 3);
    // The analysis tabs' answers come from the same handler: the overview of the errors.
    let Response::Overview(o) = ask(
        &mut host,
        Request::Overview {
            query: "status:error".into(),
            buckets: 10,
        },
    ) else {
        panic!("an overview expected");
    };
    assert_eq!((o.figures.traces, o.figures.errors), (1, 3));
    // A file added beside the held one, then removed: the figures follow.
    let mut set = host.release().expect("the set is held");
    loupe_core::add_file(&mut set, "again.json", TEMPO.to_vec()).expect("it imports again");
    host.hold(set);
    let spans = |host: &mut EngineHost| match ask(host, Request::Figures) {
        Response::Figures(f) => f.spans,
        other => panic!("figures expected, not {other:?}"),
    };
    assert_eq!(
        spans(&mut host),
        30,
        "the same spans again, as duplicates in one trace"
    );
    assert_eq!(ask(&mut host, Request::Remove(0)), Response::Done);
    assert_eq!(spans(&mut host), 15, "the first file's are gone");
    assert!(matches!(
        Response::decode(&host.answer(&[0xff, 0xff, 0xff])),
        Ok(Response::Failed(_))
    ));
    assert!(host.release().is_some() && host.set().is_none());
}

#[wasm_bindgen_test]
async fn the_app_opens_the_demo_trace() {
    let host = host();
    let _mounted = leptos::mount::mount_to(host.clone().unchecked_into(), loupe::App);
    let button: web_sys::HtmlElement = host
        .query_selector("[data-testid=\"demo-button\"]")
        .ok()
        .flatten()
        .expect("the demo button")
        .unchecked_into();
    button.click();
    assert!(
        eventually(|| text_of(&host, "span-count") == "16").await,
        "demo loaded"
    );
    assert_eq!(text_of(&host, "error-count"), "1");
    // One trace opens straight into the waterfall.
    assert!(
        eventually(|| {
            host.query_selector("[data-testid=\"span-row\"]")
                .ok()
                .flatten()
                .is_some()
        })
        .await
    );
}

#[wasm_bindgen_test]
fn a_view_survives_the_url_fragment() {
    use loupe::url_state::{parse_fragment, to_fragment};
    use loupe_core::bundle::{Comparing, View};
    let view = View {
        tab: Some("flame".into()),
        query: "name~\"a&b=c#d\" user:zoë".into(),
        trace: Some("9b3aa8aade53a247537be9ef75aa816e".into()),
        span: Some("obs 1/2".into()),
        mode: Some("flame".into()),
        zoom: Some([1_000, 25_000_000_000]),
        weight: Some("self".into()),
        focus: vec!["agent run".into(), "retrieve/docs".into(), "a&b".into()],
        compare: Some(Comparing::Sets {
            baseline: "file:\"run a&b.json\"".into(),
            candidate: String::new(),
        }),
    };
    let fragment = to_fragment(&view);
    assert!(
        !fragment[1..].contains('#') && !fragment.contains(' '),
        "{fragment}"
    );
    assert_eq!(parse_fragment(&fragment), view);
    let traces = View {
        compare: Some(Comparing::Traces {
            baseline: "5b8efff798038103d269b633813fc60c".into(),
            candidate: "0af7651916cd43dd8448eb211c80319c".into(),
        }),
        ..View::default()
    };
    assert_eq!(parse_fragment(&to_fragment(&traces)), traces);
    // What is not understood is left out rather than shown wrong.
    let odd = parse_fragment("#tab=nope&zoom=9-3&weight=heavy&mode=&x=1&compare=traces&base=a");
    assert_eq!(odd, View::default());
}
