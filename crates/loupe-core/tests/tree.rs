//! The span tree: child order, orphans, cycles, duplicate ids, depth, self time and shares,
//! on traces written for each case.

mod common;

use common::assert_tree_invariants;
use loupe_core::{DiagnosticKind, SpanFlags, import};

const TRACE: &str = "0af7651916cd43dd8448eb211c80319c";

/// A span as OTLP/JSON: id, parent ("" for none), name, start, end (ns).
fn span(id: u64, parent: u64, name: &str, start: i64, end: i64) -> String {
    let parent = if parent == 0 {
        String::new()
    } else {
        format!("{parent:016x}")
    };
    format!(
        r#"{{"traceId":"{TRACE}","spanId":"{id:016x}","parentSpanId":"{parent}","name":"{name}","startTimeUnixNano":"{start}","endTimeUnixNano":"{end}"}}"#
    )
}

fn load(spans: &[String]) -> loupe_core::TraceSet {
    let text = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    );
    import(text.as_bytes(), "t.json").unwrap_or_else(|e| panic!("{e}"))
}

fn names(set: &loupe_core::TraceSet) -> Vec<String> {
    (0..set.span_count() as u32)
        .map(|i| {
            format!(
                "{}{}",
                "  ".repeat(set.span(i).depth() as usize),
                set.span(i).name()
            )
        })
        .collect()
}

#[test]
fn children_are_ordered_by_start_time() {
    let set = load(&[
        span(1, 0, "root", 0, 100),
        span(3, 1, "late", 50, 60),
        span(2, 1, "early", 10, 20),
        span(4, 2, "grandchild", 11, 12),
    ]);
    assert_eq!(names(&set), ["root", "  early", "    grandchild", "  late"]);
    assert_tree_invariants(&set);
}

#[test]
fn self_time_subtracts_the_union_of_parallel_children() {
    let set = load(&[
        span(1, 0, "root", 0, 100),
        span(2, 1, "a", 10, 50),
        span(3, 1, "b", 30, 70),  // overlaps a: together they cover 10..70
        span(4, 1, "c", 90, 150), // runs past the parent: clipped to 90..100
    ]);
    assert_eq!(set.span(0).self_time(), 100 - 60 - 10);
    assert_eq!(set.span(1).self_time(), 40);
    assert!((set.span(1).share_of_trace() - 40.0 / 150.0).abs() < 1e-9);
}

#[test]
fn cycles_are_cut_and_reported() {
    let set = load(&[
        span(1, 3, "a", 0, 10),
        span(2, 1, "b", 1, 9),
        span(3, 2, "c", 2, 8),
        span(4, 4, "self", 20, 30),
    ]);
    assert_eq!(set.diagnostics().count(DiagnosticKind::Cycle), 2);
    assert_eq!(set.traces()[0].root_count, 2);
    let cut = (0..4)
        .filter(|&i| set.span(i).flags().has(SpanFlags::CYCLE_BROKEN))
        .count();
    assert_eq!(cut, 2);
    assert_tree_invariants(&set);
}

#[test]
fn duplicate_ids_are_reported_and_kept() {
    let set = load(&[
        span(1, 0, "root", 0, 10),
        span(2, 1, "first", 1, 5),
        span(2, 1, "again", 2, 6),
        span(3, 2, "child", 3, 4),
    ]);
    assert_eq!(set.span_count(), 4);
    assert_eq!(set.diagnostics().count(DiagnosticKind::DuplicateId), 1);
    assert_eq!(names(&set), ["root", "  first", "    child", "  again"]);
    assert_tree_invariants(&set);
}

#[test]
fn a_trace_a_hundred_thousand_levels_deep_needs_no_recursion() {
    let depth = 100_000u64;
    let spans: Vec<String> = (1..=depth)
        .map(|i| span(i, i - 1, "level", i as i64, (2 * depth - i) as i64))
        .collect();
    let set = load(&spans);
    assert_eq!(
        set.span(set.span_count() as u32 - 1).depth(),
        depth as u32 - 1
    );
    assert_eq!(set.span(0).subtree_end(), depth as u32);
    assert_eq!(set.span(0).self_time(), 2);
    assert_tree_invariants(&set);
}

#[test]
fn tokens_are_not_double_counted_through_wrapping_llm_spans() {
    let llm = |id: u64, parent: u64, input: u64| {
        span(id, parent, "chat", 0, 10).replace(
            r#""name":"chat""#,
            &format!(
                r#""name":"chat","attributes":[{{"key":"gen_ai.operation.name","value":{{"stringValue":"chat"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"{input}"}}}}]"#
            ),
        )
    };
    // An outer LLM span repeats the totals of the two calls it wraps.
    let set = load(&[
        span(1, 0, "agent", 0, 10),
        llm(2, 1, 300),
        llm(3, 2, 100),
        llm(4, 2, 200),
    ]);
    let t = set.totals();
    assert_eq!(t.llm_calls, 3);
    assert_eq!(t.input_tokens, 300);
}
