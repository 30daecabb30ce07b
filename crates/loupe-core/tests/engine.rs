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

#[test]
fn the_analysis_tabs_answers_agree_with_the_analyses_over_the_filtered_traces() {
    use loupe_core::cost::{GroupBy, breakdown, cost_report};
    use loupe_core::flame::Weight;
    use loupe_core::pricing::PriceTable;
    use loupe_core::query::Query;
    use loupe_core::stats::{LatencyKey, LatencySort, latency_table};
    let set = import(
        &common::fixture("langfuse/langfuse-ui-export-openai-agents-2025-09-30.json"),
        "a.json",
    )
    .unwrap();
    let query = "kind:llm".to_string();
    let chosen = Query::parse(&query).unwrap().filter(&set, None);
    assert!(!chosen.is_empty() && chosen.len() < set.traces().len() + 1);
    let costs = cost_report(&set, &PriceTable::builtin(), &chosen);
    let mut engine = Engine::new(set.clone());

    let Response::Overview(o) = ask(
        &mut engine,
        Request::Overview {
            query: query.clone(),
            buckets: 20,
        },
    ) else {
        panic!("an overview expected");
    };
    assert_eq!(o.figures.traces, chosen.len() as u64);
    assert_eq!(o.figures.cost_usd, costs.total());
    assert_eq!(
        o.timeline.ok.iter().chain(&o.timeline.failed).sum::<u32>() as usize,
        chosen.len()
    );
    assert!(
        o.top_self_time
            .windows(2)
            .all(|w| w[0].self_time >= w[1].self_time)
    );

    let table = latency_table(&set, &chosen, LatencyKey::Kind);
    let asked = Request::Latency {
        query: query.clone(),
        by: LatencyKey::Kind,
        sort: LatencySort::Count,
    };
    let Response::Latency(l) = ask(&mut engine, asked) else {
        panic!("a latency table expected");
    };
    assert_eq!(l.groups as usize, table.len());
    assert_eq!(l.rows[0].total, table[0].total);
    let in_bins: usize = l.rows[0].bins.iter().map(|b| b.count).sum();
    assert_eq!(in_bins, table[0].total.count, "every span in one bin");
    let last = l.rows[0].bins.len() as u32 - 1;
    let asked = Request::LatencyBin {
        query: query.clone(),
        by: LatencyKey::Kind,
        sort: LatencySort::Count,
        row: 0,
        bin: last,
    };
    let Response::BinSpans(b) = ask(&mut engine, asked) else {
        panic!("a bin's spans expected");
    };
    assert_eq!(b.count as usize, l.rows[0].bins[last as usize].count);

    let Response::Costs(c) = ask(
        &mut engine,
        Request::Costs {
            query: query.clone(),
            by: GroupBy::Model,
            what_if: "gpt-4o-mini".into(),
        },
    ) else {
        panic!("a cost report expected");
    };
    assert_eq!(c.groups, breakdown(&set, &costs, GroupBy::Model));
    assert!(matches!(c.what_if, Some(Some(x)) if x > 0.0));

    let Response::AggregateFlame(f) = ask(
        &mut engine,
        Request::AggregateFlame {
            query: query.clone(),
            weight: Weight::TotalTime,
            focus: vec![],
            width: 800.0,
        },
    ) else {
        panic!("a flame graph expected");
    };
    assert_eq!(
        f.boxes[0].count as usize, 0,
        "the top merges no span itself"
    );
    assert!(f.boxes.iter().all(|b| b.x1 <= 800.0 + 1e-3));

    let t = chosen[0];
    let Response::TraceFlame(tf) = ask(
        &mut engine,
        Request::TraceFlame {
            trace: t,
            zoom: None,
            width: 1000.0,
            rows: 100,
            search: String::new(),
        },
    ) else {
        panic!("a trace flame graph expected");
    };
    assert_eq!(
        tf.boxes.len() as u32,
        set.traces()[t as usize]
            .span_count()
            .min(tf.boxes.len() as u32)
    );
    assert!(!tf.boxes.is_empty());
    let half = tf.duration / 2;
    let zoomed = Request::TraceFlame {
        trace: t,
        zoom: Some((tf.trace_id.clone(), [0, half])),
        width: 1000.0,
        rows: 100,
        search: String::new(),
    };
    let Response::TraceFlame(z) = ask(&mut engine, zoomed) else {
        panic!("a trace flame graph expected");
    };
    assert_eq!(
        z.window.map(|w| w.to),
        Some(half as f64),
        "the zoom applies to its trace"
    );
}

#[test]
fn a_files_warnings_follow_the_files_loaded_beside_it() {
    let span = |id: u32, parent: u32| {
        let parent = if parent == 0 {
            String::new()
        } else {
            format!("{parent:016x}")
        };
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{:032x}","spanId":"{id:016x}","parentSpanId":"{parent}","name":"s{id}","startTimeUnixNano":"1","endTimeUnixNano":"2"}}]}}]}}]}}"#,
            7
        )
    };
    let mut set = import(span(2, 1).as_bytes(), "child.json").unwrap();
    let warnings =
        |set: &loupe_core::TraceSet| match Engine::new(set.clone()).handle(Request::Figures) {
            Response::Figures(f) => f
                .by_source
                .iter()
                .map(|s| s.warnings.len())
                .collect::<Vec<_>>(),
            _ => panic!("figures expected"),
        };
    assert_eq!(warnings(&set), [1], "the child's parent is not loaded");
    loupe_core::add_file(&mut set, "parent.json", span(1, 0).into_bytes()).unwrap();
    assert_eq!(
        warnings(&set),
        [0, 0],
        "its parent came: no warning is left"
    );
}

#[test]
fn invisible_and_bidirectional_characters_are_shown_written_out() {
    // A span whose name reverses what follows it, an attribute with a zero-width space and a
    // NUL in its value, and a message with a right-to-left override.
    let text = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
       "name":"invoice\u202Efdp.exe","startTimeUnixNano":"1000","endTimeUnixNano":"9000",
       "attributes":[
        {"key":"app\u200Bnote","value":{"stringValue":"a\u0000b"}},
        {"key":"input.value","value":{"stringValue":"pay \u202Eevil"}}]}]}]}]}"#;
    let set = import(text.as_bytes(), "hostile.json").unwrap();
    assert_eq!(
        set.span(0).name(),
        "invoice\u{202E}fdp.exe",
        "the data is kept as it is"
    );
    let mut engine = Engine::new(set);
    let Response::TraceRows(rows) = ask(
        &mut engine,
        Request::TraceRows {
            query: String::new(),
            sort: loupe_core::browse::TraceSort::default(),
            start: 0,
            end: 10,
        },
    ) else {
        panic!("rows expected");
    };
    assert_eq!(rows.rows[0].name, "invoice⟨U+202E⟩fdp.exe");
    let Response::SpanDetail(d) = ask(&mut engine, Request::SpanDetail(0)) else {
        panic!("a detail expected");
    };
    assert_eq!(d.name, "invoice⟨U+202E⟩fdp.exe");
    assert!(
        d.attributes
            .iter()
            .any(|(k, v, _)| k == "app⟨U+200B⟩note" && v == "a⟨U+0000⟩b"),
        "{:?}",
        d.attributes
    );
    let texts: Vec<&str> = d.chat.input.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["pay ⟨U+202E⟩evil"]);
}

#[test]
fn two_files_compared_as_sets_give_what_each_file_gives_alone() {
    use loupe_core::compare::{Side, sets::compare};
    use loupe_core::pricing::PriceTable;
    let (a, b) = (
        common::fixture("langfuse/langfuse-ui-export-openai-agents-2025-09-30.json"),
        common::fixture("langfuse/langfuse-ui-export-pydantic-ai-tools-2025-12-04.json"),
    );
    let mut both = loupe_core::TraceSetBuilder::new();
    for (name, bytes) in [("base line.json", &a), ("candidate.json", &b)] {
        both.add_file(name, bytes).unwrap();
    }
    let mut engine = Engine::new(both.finish());
    let request = Request::CompareSets {
        a: r#"file:"base line.json""#.into(),
        b: "file:candidate.json".into(),
    };
    let Response::SetComparison(view) = ask(&mut engine, request) else {
        panic!("a set comparison expected");
    };
    // The same comparison over each file imported alone.
    let prices = PriceTable::builtin();
    let (sa, sb) = (import(&a, "a.json").unwrap(), import(&b, "b.json").unwrap());
    let alone = compare(&Side::whole(&sa, &prices), &Side::whole(&sb, &prices));
    let c = &view.comparison;
    for (side, want) in [
        (&c.baseline, &alone.baseline),
        (&c.candidate, &alone.candidate),
    ] {
        assert_eq!(
            (
                side.traces,
                side.spans,
                side.errors,
                side.llm_calls,
                side.tokens
            ),
            (
                want.traces,
                want.spans,
                want.errors,
                want.llm_calls,
                want.tokens
            )
        );
        assert_eq!(side.cost_usd.is_some(), want.cost_usd.is_some());
        let gap = (side.cost_usd.unwrap_or(0.0) - want.cost_usd.unwrap_or(0.0)).abs();
        assert!(gap < 1e-12, "{side:?} {want:?}");
    }
    assert!(c.baseline.traces > 0 && c.candidate.traces > 0);
    assert_eq!(view.groups as usize, alone.groups.len());
    assert_eq!(c.groups, alone.groups);
    // Each group's overlaid histogram holds its spans on both sides.
    assert_eq!(view.histograms.len(), c.groups.len());
    for (g, bins) in c.groups.iter().zip(&view.histograms) {
        let sum = |pick: fn(&loupe_core::compare::histogram::PairBin) -> u32| {
            bins.iter().map(pick).map(u64::from).sum::<u64>()
        };
        assert_eq!(sum(|b| b.baseline), g.baseline.count, "{}", g.key);
        assert_eq!(sum(|b| b.candidate), g.candidate.count, "{}", g.key);
    }
    // A malformed filter is named with its side.
    let bad = Request::CompareSets {
        a: String::new(),
        b: "modle:x".into(),
    };
    let Response::Failed(message) = ask(&mut engine, bad) else {
        panic!("a failure expected");
    };
    assert!(
        message.starts_with("The candidate's filter: unknown key 'modle'"),
        "{message}"
    );
}

#[test]
fn two_traces_merged_tree_crosses_a_window_at_a_time() {
    use loupe_core::compare::{Side, align::align};
    use loupe_core::pricing::PriceTable;
    let mut both = loupe_core::TraceSetBuilder::new();
    for path in [
        "otlp-json/tempo-2022-legacy-instrumentationLibrarySpans-base64.json",
        "otlp-json/tempo-base64-ids-enum-strings-errors.json",
    ] {
        both.add_file(path, &common::fixture(path)).unwrap();
    }
    let set = both.finish();
    let (a, b) = (0u32, set.traces().len() as u32 - 1);
    let prices = PriceTable::builtin();
    let side = |t: u32| {
        let costs = loupe_core::cost::cost_report(&set, &prices, &[t]);
        Side::new(&set, vec![t], &costs)
    };
    let whole = align(&side(a), a, &side(b), b);
    assert!(whole.len() > 6, "{}", whole.len());
    let mut engine = Engine::new(set.clone());
    let Response::Aligned(window) = ask(
        &mut engine,
        Request::CompareTraces {
            a,
            b,
            start: 2,
            end: 5,
        },
    ) else {
        panic!("a window of the merged tree expected");
    };
    assert_eq!(window.total as usize, whole.len());
    assert_eq!((window.start, window.rows.as_slice()), (2, &whole[2..5]));
    // A box of the differential flame graph leads to the first row of its name and depth that
    // the candidate has.
    let target = whole
        .iter()
        .position(|r| r.depth > 0 && r.b.is_some())
        .unwrap();
    let find = Request::FindAligned {
        a,
        b,
        depth: whole[target].depth,
        name: whole[target].name.clone(),
    };
    let Response::AlignedAt(Some((pos, row))) = ask(&mut engine, find) else {
        panic!("a row expected");
    };
    assert_eq!((pos as usize, &row), (target, &whole[target]));
    let missing = Request::FindAligned {
        a,
        b,
        depth: 0,
        name: "no such span".into(),
    };
    assert_eq!(ask(&mut engine, missing), Response::AlignedAt(None));
    let out_of_range = Request::CompareTraces {
        a,
        b: 10_000,
        start: 0,
        end: 10,
    };
    assert!(matches!(
        ask(&mut engine, out_of_range),
        Response::Failed(_)
    ));
}
