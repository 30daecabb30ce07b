//! Comparison: two traces aligned span by span (on real files and on a hand-made pair with a
//! retry), and two sets compared with figures computed by hand, checked against rules.

mod common;

use loupe_core::compare::align::{AlignedRow, Presence, align};
use loupe_core::compare::rules::{check, parse_rules};
use loupe_core::compare::sets::compare;
use loupe_core::compare::{Side, sets::p50_change};
use loupe_core::pricing::PriceTable;
use loupe_core::stats::LatencyKey;
use loupe_core::{TraceSet, import};

fn trace_index(set: &TraceSet, id: &str) -> u32 {
    set.traces()
        .iter()
        .position(|t| t.id.to_string() == id)
        .unwrap_or_else(|| panic!("no trace {id}")) as u32
}

fn count(rows: &[AlignedRow], presence: Presence) -> usize {
    rows.iter().filter(|r| r.presence() == presence).count()
}

/// Rows as `depth name presence`, for a readable comparison.
fn outline(rows: &[AlignedRow]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            format!(
                "{}{} {:?}",
                "  ".repeat(r.depth as usize),
                r.name,
                r.presence()
            )
        })
        .collect()
}

#[test]
fn two_requests_of_one_service_align_by_path_with_repeated_siblings_in_order() {
    // Two of Tempo's "mythical" traces, in two files: a GET and a POST through the same
    // requester. The GET has a publish_to_queue subtree the POST lacks; both have three
    // tcp.connect and two log_to_loki children.
    let load = |path: &str| import(&common::fixture(path), path).unwrap();
    let a = load("otlp-json/tempo-2022-legacy-instrumentationLibrarySpans-base64.json");
    let b = load("otlp-json/tempo-base64-ids-enum-strings-errors.json");
    let prices = PriceTable::builtin();
    let (sa, sb) = (Side::whole(&a, &prices), Side::whole(&b, &prices));
    let get = trace_index(&a, "4290b5877a9930de79bb428365398ecc");
    let post = trace_index(&b, "e8b6dff9f8d44b28f1b22bc3bd2f6768");
    let rows = align(&sa, get, &sb, post);
    let top: Vec<String> = outline(&rows)
        .into_iter()
        .filter(|l| !l.starts_with("    "))
        .collect();
    assert_eq!(
        top,
        [
            "requester Both",
            "  tcp.connect Both",
            "  GET /:endpoint Removed",
            "  publish_to_queue Removed",
            "  log_to_loki Both",
            "  log_to_loki Both",
            "  tcp.connect Both",
            "  tcp.connect Both",
            "  POST /:endpoint Added",
        ]
    );
    // A removed or added span's subtree goes with it.
    assert_eq!(count(&rows, Presence::Removed), 9 + 4);
    assert_eq!(count(&rows, Presence::Added), 9);
    assert_eq!(rows.iter().filter(|r| r.a.is_some()).count(), 19);
    assert_eq!(rows.iter().filter(|r| r.b.is_some()).count(), 15);
    // The k-th tcp.connect pairs with the k-th, in start order.
    let tcp: Vec<(u64, u64)> = rows
        .iter()
        .filter(|r| r.depth == 1 && r.name == "tcp.connect")
        .map(|r| {
            let d = |f: &Option<loupe_core::compare::align::SpanFigures>| {
                f.as_ref().map_or(0, |f| f.duration as u64)
            };
            (d(&r.a), d(&r.b))
        })
        .collect();
    assert_eq!(
        tcp,
        [
            (705_792, 1_900_544),
            (1_779_968, 7_307_008),
            (1_406_208, 4_965_632)
        ]
    );
}

#[test]
fn every_trace_of_every_fixture_aligns_with_itself_row_for_span() {
    let prices = PriceTable::builtin();
    let mut traces = 0;
    for path in common::all_fixtures() {
        let Ok(set) = import(&common::fixture(&path), &path) else {
            continue;
        };
        let side = Side::whole(&set, &prices);
        for (t, trace) in set.traces().iter().enumerate() {
            let rows = align(&side, t as u32, &side, t as u32);
            assert_eq!(rows.len() as u32, trace.span_count(), "{path} trace {t}");
            assert!(
                rows.iter().all(|r| r.a == r.b && r.a.is_some()),
                "{path} trace {t}"
            );
            traces += 1;
        }
    }
    assert!(traces > 100, "{traces} traces aligned");
}

const TRACE: &str = "5b8efff798038103d269b633813fc60c";

/// A span of the hand-made traces: `(id, parent, name, start s, end s, attributes, error)`.
type Spec<'a> = (&'a str, &'a str, &'a str, u64, u64, &'a str, bool);

fn otlp(spans: &[Spec]) -> Vec<u8> {
    let spans: Vec<String> = spans
        .iter()
        .map(|(id, parent, name, start, end, attrs, error)| {
            format!(
                r#"{{"traceId":"{TRACE}","spanId":"{id}","parentSpanId":"{parent}","name":"{name}",
                "startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{attrs}],
                "status":{{"code":{}}}}}"#,
                start * 1_000_000_000,
                end * 1_000_000_000,
                if *error { 2 } else { 0 }
            )
        })
        .collect();
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
    .into_bytes()
}

fn chat(input: u64, output: u64) -> String {
    format!(
        r#"{{"key":"gen_ai.operation.name","value":{{"stringValue":"chat"}}}},
        {{"key":"gen_ai.request.model","value":{{"stringValue":"model-a"}}}},
        {{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"{input}"}}}},
        {{"key":"gen_ai.usage.output_tokens","value":{{"intValue":"{output}"}}}}"#
    )
}

const TOOL: &str = r#"{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}}"#;

/// The baseline: an agent calls the model, a search tool, and the model again.
fn baseline() -> TraceSet {
    let (c1, c2) = (chat(1000, 100), chat(2000, 200));
    import(
        &otlp(&[
            ("a000000000000001", "", "agent", 0, 10, "", false),
            (
                "a000000000000002",
                "a000000000000001",
                "chat",
                1,
                4,
                &c1,
                false,
            ),
            (
                "a000000000000003",
                "a000000000000001",
                "search",
                4,
                5,
                TOOL,
                false,
            ),
            (
                "a000000000000004",
                "a000000000000001",
                "chat",
                5,
                9,
                &c2,
                false,
            ),
        ]),
        "a.json",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The candidate: the search fails and is retried, and the second call reads more.
fn candidate() -> TraceSet {
    let (c1, c2) = (chat(1000, 100), chat(3000, 300));
    import(
        &otlp(&[
            ("b000000000000001", "", "agent", 0, 12, "", false),
            (
                "b000000000000002",
                "b000000000000001",
                "chat",
                1,
                4,
                &c1,
                false,
            ),
            (
                "b000000000000003",
                "b000000000000001",
                "search",
                4,
                5,
                TOOL,
                true,
            ),
            (
                "b000000000000005",
                "b000000000000001",
                "search",
                5,
                6,
                TOOL,
                false,
            ),
            (
                "b000000000000004",
                "b000000000000001",
                "chat",
                6,
                11,
                &c2,
                false,
            ),
        ]),
        "b.json",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// model-a at $1 per million input tokens and $2 per million output tokens.
fn prices() -> PriceTable {
    let mut table = PriceTable::builtin();
    table
        .load_overrides(r#"{"model-a": {"input": 0.000001, "output": 0.000002}}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    table
}

#[test]
fn a_retry_shows_as_added_after_the_siblings_it_pairs_with_and_rows_carry_both_figures() {
    let (a, b, prices) = (baseline(), candidate(), prices());
    let (sa, sb) = (Side::whole(&a, &prices), Side::whole(&b, &prices));
    let rows = align(&sa, 0, &sb, 0);
    assert_eq!(
        outline(&rows),
        [
            "agent Both",
            "  chat Both",
            "  search Both",
            "  chat Both",
            "  search Added",
        ]
    );
    let second = &rows[3];
    let (x, y) = (second.a.as_ref().unwrap(), second.b.as_ref().unwrap());
    assert_eq!((x.duration, y.duration), (4_000_000_000, 5_000_000_000));
    assert_eq!((x.tokens, y.tokens), (2200, 3300));
    // 2,000 × $1/M + 200 × $2/M, and 3,000 × $1/M + 300 × $2/M.
    assert!((x.cost.unwrap() - 0.0024).abs() < 1e-12);
    assert!((y.cost.unwrap() - 0.0036).abs() < 1e-12);
    let search = &rows[2];
    assert!(!search.a.as_ref().unwrap().error && search.b.as_ref().unwrap().error);
    // The root's self time: 10 s less 3 + 1 + 4 s of children; 12 s less 3 + 1 + 1 + 5 s.
    assert_eq!(rows[0].a.as_ref().unwrap().self_time, 2_000_000_000);
    assert_eq!(rows[0].b.as_ref().unwrap().self_time, 2_000_000_000);
}

#[test]
fn set_figures_match_a_hand_computation_and_rules_name_what_broke() {
    let (a, b, prices) = (baseline(), candidate(), prices());
    let c = compare(&Side::whole(&a, &prices), &Side::whole(&b, &prices));
    assert_eq!((c.baseline.traces, c.candidate.traces), (1, 1));
    assert_eq!((c.baseline.tokens, c.candidate.tokens), (3300, 4400));
    assert!((c.baseline.cost_per_trace.unwrap() - 0.0036).abs() < 1e-12);
    assert!((c.candidate.cost_per_trace.unwrap() - 0.0048).abs() < 1e-12);
    assert_eq!((c.baseline.error_rate, c.candidate.error_rate), (0.0, 1.0));
    assert_eq!(c.baseline.latency.unwrap().p50, 10_000_000_000);
    assert_eq!(c.candidate.latency.unwrap().p50, 12_000_000_000);

    let search = c
        .groups
        .iter()
        .find(|g| g.by == LatencyKey::Name && g.key == "search")
        .unwrap();
    assert_eq!((search.baseline.count, search.candidate.count), (1, 2));
    assert_eq!(
        (search.baseline.error_rate, search.candidate.error_rate),
        (0.0, 0.5)
    );
    let chat = c
        .groups
        .iter()
        .find(|g| g.by == LatencyKey::Name && g.key == "chat")
        .unwrap();
    // Medians of (3 s, 4 s) and (3 s, 5 s) by nearest rank: 3 s and 3 s.
    assert_eq!(p50_change(chat), Some(0.0));
    assert!((chat.candidate.tokens_per_trace - 4400.0).abs() < 1e-9);
    let model = c.groups.iter().find(|g| g.by == LatencyKey::Model).unwrap();
    assert_eq!(model.key, "model-a");
    // The agent's 2 s more weighs most: 2 s × 1 span; search gains 0 at the median.
    assert_eq!(c.groups[0].impact, 2e9);

    let rules = parse_rules(
        "cost_per_trace+10%,tokens_per_trace+50%,error_rate+1pt,p95+20%,p50[name=agent]+5%,\
         p50[name=nowhere]+5%",
    )
    .unwrap();
    let lenient = check(&rules, &c, false);
    let broken: Vec<&str> = lenient
        .regressions
        .iter()
        .map(|r| r.rule.as_str())
        .collect();
    // One trace a side cannot make a latency change significant: only the bill and the errors.
    assert_eq!(broken, ["cost_per_trace+10%", "error_rate+1pt"]);
    let cost = &lenient.regressions[0];
    assert!(
        (cost.increase - 100.0 / 3.0).abs() < 1e-9,
        "{}",
        cost.increase
    );
    assert_eq!(lenient.regressions[1].increase, 100.0);
    assert_eq!(
        lenient.unchecked,
        ["p50[name=nowhere]+5%: neither side has a span name=nowhere"]
    );
    let strict = check(&rules, &c, true);
    let broken: Vec<&str> = strict.regressions.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(
        broken,
        ["cost_per_trace+10%", "error_rate+1pt", "p50[name=agent]+5%"]
    );
    assert_eq!(strict.regressions[2].group.as_deref(), Some("name=agent"));
}

#[test]
fn the_differential_flame_graph_is_as_wide_as_the_candidate_and_coloured_by_the_change() {
    use loupe_core::compare::flame::diff_boxes;
    use loupe_core::cost::cost_report;
    use loupe_core::flame::{AggregateFlame, Weight};
    let (a, b, prices) = (baseline(), candidate(), prices());
    let flame = |set: &TraceSet| AggregateFlame::build(set, &[0], &cost_report(set, &prices, &[0]));
    let (fa, fb) = (flame(&a), flame(&b));
    let boxes = diff_boxes(&fa, &fb, 0, Weight::TotalTime, 1200.0);
    let by_name = |name: &str| {
        boxes
            .iter()
            .find(|d| d.candidate.name == name)
            .unwrap_or_else(|| panic!("no box {name}"))
    };
    let agent = by_name("agent");
    assert_eq!(
        (agent.baseline, agent.candidate.total_time),
        (10e9, 12_000_000_000)
    );
    assert!((agent.change.unwrap() - 0.2).abs() < 1e-12);
    // The two chat calls merge: 3 + 4 s against 3 + 5 s.
    assert!((by_name("chat").change.unwrap() - 1.0 / 7.0).abs() < 1e-12);
    // Two searches against one: twice the time, the most red there is.
    assert_eq!(by_name("search").change, Some(1.0));
    // The agent spans the whole width; its children sit inside it, heaviest first.
    assert_eq!((agent.candidate.x0, agent.candidate.x1), (0.0, 1200.0));
    let chat = by_name("chat");
    assert_eq!((chat.candidate.x0, chat.candidate.x1), (0.0, 800.0));
    let tokens = diff_boxes(&fa, &fb, 0, Weight::Tokens, 1200.0);
    let chat = tokens.iter().find(|d| d.candidate.name == "chat").unwrap();
    assert_eq!((chat.baseline, chat.candidate.tokens), (3300.0, 4400));
}

#[test]
fn aligned_llm_calls_show_their_prompt_diff() {
    use loupe_core::compare::prompt::{LineChange, prompt_diff};
    let call = |system: &str, temperature: f64| {
        let attrs = format!(
            r#"{{"key":"openinference.span.kind","value":{{"stringValue":"LLM"}}}},
            {{"key":"llm.model_name","value":{{"stringValue":"model-a"}}}},
            {{"key":"llm.input_messages.0.message.role","value":{{"stringValue":"system"}}}},
            {{"key":"llm.input_messages.0.message.content","value":{{"stringValue":"{system}"}}}},
            {{"key":"llm.input_messages.1.message.role","value":{{"stringValue":"user"}}}},
            {{"key":"llm.input_messages.1.message.content","value":{{"stringValue":"Find the invoice."}}}},
            {{"key":"llm.tools.0.tool.json_schema","value":{{"stringValue":"{{\"name\":\"search\"}}"}}}},
            {{"key":"llm.invocation_parameters","value":{{"stringValue":"{{\"temperature\":{temperature}}}"}}}}"#
        );
        import(
            &otlp(&[("c000000000000001", "", "chat", 0, 2, &attrs, false)]),
            "call.json",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let (a, b) = (
        call("Be brief.", 0.2),
        call("Be brief and cite sources.", 0.7),
    );
    let sections = prompt_diff(&a.span(0), &b.span(0));
    let titles: Vec<&str> = sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Messages", "Tools", "Parameters"]);
    let changed = |title: &str| -> Vec<(LineChange, String)> {
        sections
            .iter()
            .find(|s| s.title == title)
            .map(|s| {
                s.lines
                    .iter()
                    .filter(|l| l.change != LineChange::Same)
                    .map(|l| (l.change, l.text.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        changed("Messages"),
        [
            (LineChange::Removed, "Be brief.".to_string()),
            (LineChange::Added, "Be brief and cite sources.".to_string()),
        ]
    );
    assert!(changed("Tools").is_empty(), "the same tools");
    assert_eq!(
        changed("Parameters"),
        [
            (LineChange::Removed, "temperature = 0.2".to_string()),
            (LineChange::Added, "temperature = 0.7".to_string()),
        ]
    );
}
