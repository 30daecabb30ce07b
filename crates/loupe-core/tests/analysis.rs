//! The analyses on small traces built by hand, where the expected numbers can be seen: flame
//! layouts (with overlapping children), aggregation by name path, the critical path, latency
//! tables, and costs.

use loupe_core::cost::{GroupBy, breakdown, cost_report, what_if};
use loupe_core::flame::{
    AggregateFlame, TimeWindow, Viewport, Weight, box_at, critical_path, trace_flame, viewport,
};
use loupe_core::pricing::{Price, PriceTable};
use loupe_core::stats::{LatencyKey, latency_table};
use loupe_core::{TraceSet, import};

/// A span: id, parent id (0 for none), name, start ms, end ms, extra OTLP attributes.
type S<'a> = (u32, u32, &'a str, i64, i64, &'a str);

/// One OTLP trace (or several, by trace number in the id's high digit) from span tuples.
fn trace(spans: &[S]) -> TraceSet {
    let items: Vec<String> = spans
        .iter()
        .map(|(id, parent, name, start, end, attrs)| {
            let trace = id / 100;
            let parent = if *parent == 0 {
                String::new()
            } else {
                format!(r#""parentSpanId":"{parent:016x}","#)
            };
            format!(
                r#"{{"traceId":"{trace:032x}","spanId":"{id:016x}",{parent}"name":"{name}",
                "startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{attrs}]}}"#,
                start * 1_000_000,
                end * 1_000_000
            )
        })
        .collect();
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        items.join(",")
    );
    import(doc.as_bytes(), "hand-built.json").unwrap_or_else(|e| panic!("{e}"))
}

const LLM: &str = r#"{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}}"#;

fn llm(model: &str, input: u64, output: u64) -> String {
    format!(
        r#"{LLM},{{"key":"gen_ai.request.model","value":{{"stringValue":"{model}"}}}},
        {{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"{input}"}}}},
        {{"key":"gen_ai.usage.output_tokens","value":{{"intValue":"{output}"}}}}"#
    )
}

fn index_of(set: &TraceSet, name: &str) -> u32 {
    (0..set.span_count() as u32)
        .find(|&i| set.span(i).name() == name)
        .unwrap_or_else(|| panic!("no span {name}"))
}

#[test]
fn parallel_children_take_extra_lanes_without_widening_their_parent() {
    // agent 0–100: tool a 10–50 and tool b 20–60 overlap; c 70–90 follows; a has a child.
    let set = trace(&[
        (101, 0, "agent", 0, 100, ""),
        (102, 101, "a", 10, 50, ""),
        (103, 101, "b", 20, 60, ""),
        (104, 101, "c", 70, 90, ""),
        (105, 102, "a.inner", 15, 30, ""),
    ]);
    let rects = trace_flame(&set, 0);
    let row = |name: &str| {
        let i = index_of(&set, name);
        rects.iter().find(|r| r.span == i).map(|r| r.row)
    };
    assert_eq!(row("agent"), Some(0));
    assert_eq!(row("a"), Some(1));
    assert_eq!(row("a.inner"), Some(2));
    // b overlaps a, so it goes below a's whole subtree (a and a.inner: two rows).
    assert_eq!(row("b"), Some(3));
    // c overlaps nothing and shares a's lane.
    assert_eq!(row("c"), Some(1));
    let agent = rects[index_of(&set, "agent") as usize];
    assert_eq!(
        (agent.start, agent.end),
        (0, 100_000_000),
        "the parent keeps its own width"
    );
}

#[test]
fn the_critical_path_follows_the_last_child_to_finish() {
    // root 0–100; a 0–40, b 10–90 (b ends last), c 95–99 after b; b has child b1 20–80.
    let set = trace(&[
        (101, 0, "root", 0, 100, ""),
        (102, 101, "a", 0, 40, ""),
        (103, 101, "b", 10, 90, ""),
        (104, 101, "c", 92, 99, ""),
        (105, 103, "b1", 20, 80, ""),
    ]);
    let path = critical_path(&set, 0);
    let named: Vec<(&str, i64, i64)> = path
        .iter()
        .map(|s| {
            (
                set.span(s.span).name(),
                s.start / 1_000_000,
                s.end / 1_000_000,
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("root", 99, 100),
            ("c", 92, 99),
            ("root", 90, 92),
            ("b", 80, 90),
            ("b1", 20, 80),
            ("b", 10, 20),
            ("root", 0, 10),
        ]
    );
    // a ran in parallel with b and set nothing.
    assert!(path.iter().all(|s| set.span(s.span).name() != "a"));
    let covered: i64 = path.iter().map(|s| s.end - s.start).sum();
    assert_eq!(covered, 100_000_000, "the path covers the trace once");
}

#[test]
fn the_critical_path_ends_with_zero_length_and_equal_time_spans() {
    // Zero-length children at the parent's end, and children with the same times.
    let set = trace(&[
        (101, 0, "root", 0, 100, ""),
        (102, 101, "mark", 100, 100, ""),
        (103, 101, "a", 0, 50, ""),
        (104, 101, "b", 0, 50, ""),
        (105, 101, "tick", 50, 50, ""),
    ]);
    let path = critical_path(&set, 0);
    let covered: i64 = path.iter().map(|s| s.end - s.start).sum();
    assert_eq!(covered, 100_000_000);
    assert!(path.len() <= 4, "{path:?}");
}

#[test]
fn aggregation_merges_spans_by_their_path_of_names() {
    // Two traces: root → {retrieve, llm, llm}; root → {llm}; llm spans overlap in trace 1.
    let set = trace(&[
        (101, 0, "root", 0, 100, ""),
        (102, 101, "retrieve", 0, 20, ""),
        (103, 101, "llm", 20, 80, &llm("gpt-4o", 100, 10)),
        (104, 101, "llm", 30, 90, &llm("gpt-4o", 200, 20)),
        (201, 0, "root", 0, 50, ""),
        (202, 201, "llm", 10, 40, &llm("gpt-4o", 300, 30)),
    ]);
    let report = cost_report(&set, &PriceTable::builtin(), &[0, 1]);
    let flame = AggregateFlame::build(&set, &[0, 1], &report);
    let root = flame.nodes[0].children[0];
    assert_eq!(flame.nodes[root as usize].name, "root");
    assert_eq!(flame.nodes[root as usize].count, 2);
    let kids: Vec<(&str, u32, i64)> = flame.nodes[root as usize]
        .children
        .iter()
        .map(|&c| {
            let n = &flame.nodes[c as usize];
            (n.name.as_str(), n.count, n.total_time / 1_000_000)
        })
        .collect();
    assert_eq!(kids, [("retrieve", 1, 20), ("llm", 3, 60 + 60 + 30)]);
    assert_eq!(flame.weight(root, Weight::Tokens), (110 + 220 + 330) as f64);
    // Total time: llm's 150 ms exceed root's 150 ms minus retrieve's 20, so the children are
    // scaled to fit inside root: widths 20/170 and 150/170 of it.
    let rects = flame.layout(root, Weight::TotalTime);
    let width = |name: &str| {
        rects
            .iter()
            .find(|r| flame.nodes[r.node as usize].name == name)
            .map(|r| r.x1 - r.x0)
            .unwrap_or_default()
    };
    assert!((width("root") - 1.0).abs() < 1e-12);
    assert!((width("llm") - 150.0 / 170.0).abs() < 1e-12);
    assert!((width("retrieve") - 20.0 / 170.0).abs() < 1e-12);
    // Heaviest first: llm is left of retrieve.
    let x0 = |name: &str| {
        rects
            .iter()
            .find(|r| flame.nodes[r.node as usize].name == name)
            .map(|r| r.x0)
    };
    assert!(x0("llm") < x0("retrieve"));
    // Self time: root's self times are 100-(0..20 ∪ 20..90)=10 and 50-30=20.
    assert_eq!(flame.nodes[root as usize].self_time, 30_000_000);
    assert_eq!(flame.path(flame.nodes[root as usize].children[1]).len(), 3);
    // Self-time weight sums the subtree's self times: root 30 + retrieve 20 + llm 150 ms.
    assert_eq!(flame.weight(root, Weight::SelfTime), 200_000_000.0);
    // A node is found again by its path of names, as a shared view names it.
    let llm_node = flame.nodes[root as usize].children[1];
    assert_eq!(flame.names(llm_node), ["root", "llm"]);
    assert_eq!(flame.find(&flame.names(llm_node)), Some(llm_node));
    assert_eq!(flame.find(&[]), Some(0));
    assert_eq!(flame.find(&["root".into(), "nothing".into()]), None);
}

#[test]
fn latency_rows_give_counts_percentiles_errors_and_self_time() {
    let set = trace(&[
        (101, 0, "root", 0, 100, ""),
        (102, 101, "tool", 0, 10, ""),
        (
            103,
            101,
            "tool",
            10,
            30,
            r#"{"key":"error","value":{"boolValue":true}}"#,
        ),
        (104, 101, "tool", 30, 60, ""),
        (105, 101, "tool", 60, 100, ""),
    ]);
    let rows = latency_table(&set, &[0], LatencyKey::Name);
    let tool = rows
        .iter()
        .find(|r| r.key == "tool")
        .unwrap_or_else(|| panic!("no tool row"));
    assert_eq!(tool.total.count, 4);
    let ms = |v: i64| v / 1_000_000;
    assert_eq!(
        (
            ms(tool.total.min),
            ms(tool.total.p50),
            ms(tool.total.p90),
            ms(tool.total.max)
        ),
        (10, 20, 40, 40)
    );
    assert!((tool.total.mean / 1e6 - 25.0).abs() < 1e-9);
    let root = rows
        .iter()
        .find(|r| r.key == "root")
        .unwrap_or_else(|| panic!("no root row"));
    assert_eq!(root.self_time.max, 0, "its children cover it");
    let kinds = latency_table(&set, &[0], LatencyKey::Kind);
    assert_eq!(kinds.len(), 1);
}

#[test]
fn costs_are_computed_where_none_is_recorded_and_grouped() {
    let set = trace(&[
        (101, 0, "root", 0, 100, ""),
        (102, 101, "plan", 0, 40, &llm("gpt-4o", 1000, 100)),
        (103, 101, "answer", 40, 90, &llm("model-a", 10, 1)),
    ]);
    let mut table = PriceTable::builtin();
    let report = cost_report(&set, &table, &[0]);
    let gpt4o = table
        .lookup("gpt-4o", "")
        .map(|m| m.price)
        .unwrap_or_default();
    let expected = 1000.0 * gpt4o.input + 100.0 * gpt4o.output;
    assert!((report.total().unwrap_or_default() - expected).abs() < 1e-12);
    assert_eq!(report.source(), "computed");
    let unpriced = report.unpriced_models(&set);
    assert_eq!(unpriced.get("model-a"), Some(&1));
    // An override prices the unknown model and changes the total.
    table.set_override(
        "model-a",
        Price {
            input: 1.0,
            output: 10.0,
            ..Price::default()
        },
    );
    let report = cost_report(&set, &table, &[0]);
    assert!((report.total().unwrap_or_default() - (expected + 10.0 + 10.0)).abs() < 1e-9);
    let by_model = breakdown(&set, &report, GroupBy::Model);
    assert_eq!(by_model[0].key, "model-a", "the most expensive first");
    assert_eq!((by_model[1].input, by_model[1].output), (1000, 100));
    // What-if: everything on gpt-4o.
    let all_4o = what_if(&set, &report, &table, "gpt-4o").unwrap_or_default();
    assert!((all_4o - (expected + 10.0 * gpt4o.input + gpt4o.output)).abs() < 1e-12);
}

#[test]
fn a_real_fixture_costs_its_tokens_at_the_tables_prices() {
    use serde_json::Value;
    let path = "openinference/agent-prism-otlp-array-openai-tools.json";
    let bytes = std::fs::read(
        std::env::var_os("LOUPE_FIXTURES")
            .map_or_else(
                || {
                    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                        .join("../../../shared/fixtures")
                },
                std::path::PathBuf::from,
            )
            .join(path),
    )
    .unwrap_or_else(|e| panic!("{path}: {e}"));
    // The price row, read from the table's own text.
    let table_text = include_str!("../data/model-prices.tsv");
    let row: Vec<f64> = table_text
        .lines()
        .find(|l| l.starts_with("o1-2024-12-17\t"))
        .unwrap_or_else(|| panic!("no o1-2024-12-17 row"))
        .split('\t')
        .skip(2)
        .map(|f| f.parse().unwrap_or(f64::NAN))
        .collect();
    let (input_rate, output_rate, cache_read_rate) = (row[0], row[1], row[2]);
    // The file's LLM calls and their token counts (OpenInference: cached inside prompt).
    let file: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let mut expected = 0.0;
    let mut calls = 0;
    for request in file.as_array().into_iter().flatten() {
        for rs in request["resourceSpans"].as_array().into_iter().flatten() {
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for span in ss["spans"].as_array().into_iter().flatten() {
                    let attr = |k: &str| {
                        span["attributes"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .find(|a| a["key"] == k)
                            .and_then(|a| {
                                let v = &a["value"];
                                v["intValue"]
                                    .as_str()
                                    .and_then(|s| s.parse::<f64>().ok())
                                    .or_else(|| v["intValue"].as_f64())
                            })
                    };
                    let Some(prompt) = attr("llm.token_count.prompt") else {
                        continue;
                    };
                    let completion = attr("llm.token_count.completion").unwrap_or(0.0);
                    let cached = attr("llm.token_count.prompt_details.cache_read").unwrap_or(0.0);
                    expected += (prompt - cached) * input_rate
                        + cached * cache_read_rate
                        + completion * output_rate;
                    calls += 1;
                }
            }
        }
    }
    assert!(calls > 0 && expected > 0.0);
    let set = import(&bytes, path).unwrap_or_else(|e| panic!("{e}"));
    let traces: Vec<u32> = (0..set.traces().len() as u32).collect();
    let report = cost_report(&set, &PriceTable::builtin(), &traces);
    assert_eq!(report.calls.len(), calls);
    let total = report.total().unwrap_or_default();
    assert!((total - expected).abs() < 1e-9, "{total} vs {expected}");
    assert_eq!(report.source(), "computed");
}

#[test]
fn queries_select_traces_by_span_and_trace_facts() {
    use loupe_core::query::Query;
    let user = |u: &str| format!(r#"{{"key":"user.id","value":{{"stringValue":"{u}"}}}}"#);
    let err = r#"{"key":"http.status_code","value":{"intValue":"500"}}"#;
    let set = trace(&[
        // Trace 1: alice, a slow gpt-4o-mini call.
        (101, 0, "agent", 0, 5000, &user("alice")),
        (102, 101, "chat", 0, 3000, &llm("gpt-4o-mini", 2000, 100)),
        // Trace 2: bob, a fast claude call and a failing HTTP tool.
        (201, 0, "agent", 0, 900, &user("bob")),
        (202, 201, "chat", 0, 500, &llm("claude-3-5-haiku", 10, 5)),
        (203, 201, "retriever lookup", 500, 800, err),
    ]);
    let run = |q: &str| {
        let query = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        query.filter(&set, None)
    };
    // Traces are in start order; both start at 0, so in file order: alice's is 0.
    let alice = (0..2u32)
        .find(|&t| set.str(set.traces()[t as usize].user) == "alice")
        .unwrap_or_default();
    let bob = 1 - alice;
    assert_eq!(run(""), [0, 1]);
    assert_eq!(run("model:gpt-4o*"), [alice]);
    assert_eq!(run("model:GPT-4O*"), [alice], "case does not matter");
    assert_eq!(run("kind:llm duration>2s"), [alice]);
    assert_eq!(
        run("kind:llm duration>2s model:claude*"),
        Vec::<u32>::new(),
        "one span must meet all span terms"
    );
    assert_eq!(run("tokens>1000"), [alice]);
    assert_eq!(run("user:bob"), [bob]);
    assert_eq!(run("-user:bob"), [alice]);
    assert_eq!(run("name~retriev"), [bob]);
    assert_eq!(run("retriev"), [bob], "a bare word searches names");
    assert_eq!(run("attr.http.status_code=500"), [bob]);
    assert_eq!(run("attr.http.status_code>=400"), [bob]);
    assert_eq!(
        run("model:gpt-4o*|claude*"),
        [0, 1],
        "| separates alternatives"
    );
    assert_eq!(run("model:gpt-4o-mini|gpt-4o"), [alice]);
    assert_eq!(run("kind:llm|tool status:ok|unset"), [0, 1]);
    let bad = Query::parse("kind:llm|tol").unwrap_err();
    assert!(bad.message.contains("'llm|tol' is no kind"), "{bad}");
    let bad = Query::parse("kind:ll*|tol").unwrap_err();
    assert!(bad.message.contains("'ll*|tol' is no kind"), "{bad}");
    let open = Query::parse("model:gpt-4o|").unwrap_err();
    assert_eq!(open.position, 6, "{open}");
    assert!(open.message.contains("empty alternative"), "{open}");
}

#[test]
fn file_selects_the_traces_of_loaded_files() {
    use loupe_core::query::{Query, completions, file_term};
    let one = |trace: u32, name: &str| {
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{trace:032x}","spanId":"{trace:016x}","name":"{name}","startTimeUnixNano":"1","endTimeUnixNano":"2"}}]}}]}}]}}"#
        )
    };
    let mut set = import(one(1, "a").as_bytes(), "run main.json").unwrap();
    for (trace, file) in [
        (2, "run-pr.json"),
        (3, "run-pr-2.json"),
        (4, r#"run "7" | *b*.json"#),
    ] {
        loupe_core::add_file(&mut set, file, one(trace, "b").into_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let run = |q: &str| {
        let query = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        query.filter(&set, None)
    };
    assert_eq!(run(r#"file:"run main.json""#), [0]);
    assert_eq!(run("file:run-pr*"), [1, 2]);
    assert_eq!(run("file:run-pr.json|run-pr-2.json"), [1, 2]);
    assert_eq!(run("-file:run-pr*"), [0, 3]);
    // A term made for a file selects it, whatever its name holds.
    let term = file_term(r#"run "7" | *b*.json"#);
    assert_eq!(term, r#"file:"run *7* * *b*.json""#);
    assert_eq!(run(&term), [3]);
    assert_eq!(run(&file_term("run main.json")), [0]);
    assert_eq!(
        completions(&set, "file:run-", 8),
        ["file:run-pr-2.json", "file:run-pr.json"]
    );
    assert!(
        completions(&set, "file:run", 8).contains(&r#"file:"run main.json""#.to_string()),
        "a name with a blank is quoted"
    );
    assert_eq!(completions(&set, "fi", 8), ["file:"]);
}

#[test]
fn a_flame_viewport_shows_the_window_culls_what_a_pixel_cannot_and_hit_tests() {
    // root 0–100 ms; ten 1 µs spans side by side at 50 ms; one failed tool 60–90 ms.
    let mut spans: Vec<(u32, u32, String, i64, i64)> = vec![(101, 0, "root".into(), 0, 100_000)];
    for k in 0..10 {
        spans.push((
            110 + k,
            101,
            format!("tiny{k}"),
            50_000 + i64::from(k),
            50_001 + i64::from(k),
        ));
    }
    spans.push((130, 101, "tool".into(), 60_000, 90_000));
    // Microsecond times: the helper takes milliseconds, so scale the tuples' ends by hand.
    let items: Vec<String> = spans
        .iter()
        .map(|(id, parent, name, start, end)| {
            let parent = if *parent == 0 { String::new() } else { format!(r#""parentSpanId":"{parent:016x}","#) };
            let status = if name == "tool" { r#","status":{"code":2}"# } else { "" };
            format!(
                r#"{{"traceId":"{:032x}","spanId":"{id:016x}",{parent}"name":"{name}","startTimeUnixNano":"{}","endTimeUnixNano":"{}"{status}}}"#,
                1, start * 1000, end * 1000
            )
        })
        .collect();
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        items.join(",")
    );
    let set = import(doc.as_bytes(), "tiny.json").unwrap();
    let rects = trace_flame(&set, 0);
    let total = 100_000_000.0;
    let whole = Viewport {
        window: TimeWindow::whole(total),
        width: 1000.0,
        rows: 10,
    };
    let boxes = viewport(&set, 0, &rects, whole, "", |_| None);
    let tiny = boxes.iter().filter(|b| b.name.starts_with("tiny")).count();
    assert_eq!(tiny, 1, "ten spans within one pixel draw once");
    let tool = boxes.iter().find(|b| b.name == "tool").unwrap();
    assert!(tool.error && (tool.x0 - 600.0).abs() < 0.01 && (tool.x1 - 900.0).abs() < 0.01);
    assert_eq!(box_at(&boxes, 750.0, tool.row), Some(tool.span));
    assert_eq!(box_at(&boxes, 950.0, tool.row), None);
    assert_eq!(box_at(&boxes, 10.0, 0), Some(0), "the root spans the row");

    // Zoomed on the tiny spans: each is its own box; the tool is out of view.
    let near = TimeWindow {
        from: 49_990_000.0,
        to: 50_020_000.0,
    };
    let boxes = viewport(
        &set,
        0,
        &rects,
        Viewport {
            window: near,
            ..whole
        },
        "tiny3",
        |_| None,
    );
    let names: Vec<&str> = boxes.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names.iter().filter(|n| n.starts_with("tiny")).count(), 10);
    assert!(!names.contains(&"tool"));
    assert!(
        boxes.iter().all(|b| b.dim == (b.name != "tiny3")),
        "the search dims other names"
    );

    // Zoom and pan stay inside the trace, about the pointer.
    let w = TimeWindow::whole(total).zoom(0.5, 0.25, total);
    assert_eq!((w.from, w.to), (12_500_000.0, 62_500_000.0));
    let w = w.pan(-1.0, total);
    assert_eq!(
        (w.from, w.to),
        (0.0, 50_000_000.0),
        "panning stops at the start"
    );
    let w = TimeWindow::whole(total).zoom(1e-9, 0.5, total);
    assert_eq!(w.to - w.from, 1000.0, "zoom stops at a microsecond");
    // A drag selects the range between its ends, dragged either way.
    let w = TimeWindow::whole(total).between(0.6, 0.2, total);
    assert_eq!((w.from, w.to), (20_000_000.0, 60_000_000.0));
    let inner = w.between(0.5, 1.0, total);
    assert_eq!((inner.from, inner.to), (40_000_000.0, 60_000_000.0));
    let w = TimeWindow::whole(total).between(0.999_999_999, 1.2, total);
    assert_eq!(
        (w.to - w.from, w.to),
        (1000.0, total),
        "a sliver widens inside the trace"
    );
    assert_eq!(
        TimeWindow { from: 5e8, to: 6e8 }.within(total),
        TimeWindow::whole(total)
    );
}

#[test]
fn a_zoom_names_its_trace_and_places_bars_and_ticks_in_its_window() {
    let total = 100_000_000.0;
    let zoom = ("abc".to_string(), [20_000_000, 60_000_000]);
    let w = TimeWindow::of_zoom(Some(&zoom), "abc", total);
    assert_eq!((w.from, w.to), (20_000_000.0, 60_000_000.0));
    assert_eq!(
        TimeWindow::of_zoom(Some(&zoom), "other", total),
        TimeWindow::whole(total),
        "a zoom of another trace shows all of this one"
    );
    assert_eq!(
        TimeWindow::of_zoom(
            Some(&("abc".into(), [200_000_000, 300_000_000])),
            "abc",
            total
        ),
        TimeWindow::whole(total),
        "a window past the trace's end shows all of it"
    );
    assert_eq!(
        TimeWindow::of_zoom(None, "abc", total),
        TimeWindow::whole(total)
    );
    // Inside, across an edge, wholly outside, and a zero-length span at an edge.
    assert_eq!(w.place(30_000_000, 40_000_000), Some((25.0, 25.0)));
    assert_eq!(w.place(0, 30_000_000), Some((0.0, 25.0)));
    assert_eq!(w.place(50_000_000, 90_000_000), Some((75.0, 25.0)));
    assert_eq!(w.place(0, 100_000_000), Some((0.0, 100.0)));
    assert_eq!(w.place(61_000_000, 70_000_000), None);
    assert_eq!(w.place(0, 19_999_999), None);
    assert_eq!(w.place(0, 20_000_000), None, "ends as the window begins");
    assert_eq!(
        w.place(60_000_000, 70_000_000),
        None,
        "begins as the window ends"
    );
    assert_eq!(w.place(60_000_000, 60_000_000), Some((100.0, 0.0)));
    assert_eq!(w.place(20_000_000, 20_000_000), Some((0.0, 0.0)));
    assert_eq!(w.place(60_000_001, 60_000_001), None);
    // An end before the start is read as no time at all.
    assert_eq!(w.place(40_000_000, 10), Some((50.0, 0.0)));
    let ticks = w.ticks(4);
    assert_eq!(
        ticks,
        vec![
            (0.0, 20_000_000),
            (25.0, 30_000_000),
            (50.0, 40_000_000),
            (75.0, 50_000_000),
            (100.0, 60_000_000)
        ]
    );
    assert_eq!(
        TimeWindow::whole(total).ticks(0).len(),
        2,
        "at least the two ends"
    );
}

#[test]
fn an_aggregated_view_names_the_node_clicked_and_leads_back() {
    let set = trace(&[
        (101, 0, "root", 0, 100, ""),
        (102, 101, "plan", 0, 20, ""),
        (103, 102, "llm", 0, 10, &llm("gpt-4o", 10, 1)),
        (104, 101, "act", 20, 100, ""),
    ]);
    let report = cost_report(&set, &PriceTable::builtin(), &[0]);
    let flame = AggregateFlame::build(&set, &[0], &report);
    let view = flame.view(0, Weight::TotalTime, 1000.0);
    let llm_box = view.boxes.iter().find(|b| b.name == "llm").unwrap();
    assert_eq!(view.names(llm_box.node), ["root", "plan", "llm"]);
    let hit = view
        .at(f64::from(llm_box.x0) + 1.0, llm_box.row)
        .map(|b| b.node);
    assert_eq!(hit, Some(llm_box.node));
    let plan = flame.find(&["root".into(), "plan".into()]).unwrap();
    let focused = flame.view(plan, Weight::TotalTime, 1000.0);
    let path: Vec<&str> = focused.path.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(path, ["", "root", "plan"], "the breadcrumb from the top");
    assert_eq!(focused.boxes[0].x1, 1000.0, "the focus fills the width");
    let llm_again = focused.boxes.iter().find(|b| b.name == "llm").unwrap();
    assert_eq!(focused.names(llm_again.node), ["root", "plan", "llm"]);
}
