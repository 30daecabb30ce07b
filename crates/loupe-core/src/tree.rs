//! Building traces and span trees: grouping by trace id, resolving parents, cutting cycles,
//! flagging orphans and duplicate ids, ordering children by start time, and computing depth,
//! subtree ranges, self time and usage roll-ups. Everything is iterative: real traces are
//! thousands of levels deep.

use crate::diagnostics::DiagnosticKind;
use crate::ids::{SpanId, TraceId};
use crate::model::Rows;
use crate::model::{Nanos, SpanFlags, SpanKind, StatusCode};
use crate::scores::TraceFacts;
use crate::set::{NO_SPAN, Trace, TraceSet, add_cost};
use crate::strings::StrId;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Builds `set`'s traces and tree columns from its span columns (in arrival order), and
/// reorders the spans trace by trace in depth-first order.
pub(crate) fn build(set: &mut TraceSet, source_names: &[String], trace_facts: &[TraceFacts]) {
    let n = set.spans.name.len();
    let cols = &mut set.spans;

    // Group spans by trace, in order of first appearance.
    let mut trace_index: HashMap<TraceId, u32> = HashMap::new();
    let mut trace_ids: Vec<TraceId> = Vec::new();
    let trace_of: Vec<u32> = cols
        .trace_id
        .iter()
        .map(|id| {
            *trace_index.entry(*id).or_insert_with(|| {
                trace_ids.push(*id);
                (trace_ids.len() - 1) as u32
            })
        })
        .collect();

    let where_is =
        |i: usize, cols: &crate::set::SpanColumns, strings: &crate::strings::Interner| {
            let file = source_names
                .get(cols.raw[i].source as usize)
                .map_or("", String::as_str);
            format!(
                "span {} '{}' (trace {}, {file})",
                cols.span_id[i],
                strings.resolve(cols.name[i]),
                cols.trace_id[i]
            )
        };

    // Index span ids; later duplicates are flagged and not used as parents.
    let mut by_id: HashMap<(u32, SpanId), u32> = HashMap::with_capacity(n);
    for (i, &trace) in trace_of.iter().enumerate() {
        match by_id.entry((trace, cols.span_id[i])) {
            Entry::Vacant(slot) => {
                slot.insert(i as u32);
            }
            Entry::Occupied(_) => {
                cols.flags[i].0 |= SpanFlags::DUPLICATE_ID;
                let what = where_is(i, cols, &set.strings);
                set.diagnostics.report(
                    Some(cols.raw[i].source),
                    DiagnosticKind::DuplicateId,
                    || {
                        format!(
                            "{what} repeats the id of an earlier span; children attach to the first"
                        )
                    },
                );
            }
        }
    }

    // Resolve parents.
    let mut parent: Vec<u32> = vec![NO_SPAN; n];
    for i in 0..n {
        let Some(pid) = cols.parent_id[i] else {
            continue;
        };
        match by_id.get(&(trace_of[i], pid)) {
            Some(&p) if p as usize != i => parent[i] = p,
            Some(_) => {
                cols.flags[i].0 |= SpanFlags::CYCLE_BROKEN;
                let what = where_is(i, cols, &set.strings);
                set.diagnostics
                    .report(Some(cols.raw[i].source), DiagnosticKind::Cycle, || {
                        format!("{what} is its own parent; shown as a root")
                    });
            }
            None => {
                cols.flags[i].0 |= SpanFlags::ORPHAN;
                let what = where_is(i, cols, &set.strings);
                set.diagnostics
                    .report(Some(cols.raw[i].source), DiagnosticKind::Orphan, || {
                        format!("{what}: its parent {pid} is not loaded; shown as a root")
                    });
            }
        }
    }

    // Cut cycles: walk up from each unvisited span; meeting the current path closes a cycle.
    let mut state = vec![0u8; n];
    let mut path: Vec<usize> = Vec::new();
    for s in 0..n {
        if state[s] != 0 {
            continue;
        }
        path.clear();
        let mut x = s;
        loop {
            state[x] = 1;
            path.push(x);
            let p = parent[x];
            if p == NO_SPAN {
                break;
            }
            match state[p as usize] {
                0 => x = p as usize,
                1 => {
                    parent[x] = NO_SPAN;
                    cols.flags[x].0 |= SpanFlags::CYCLE_BROKEN;
                    let what = where_is(x, cols, &set.strings);
                    set.diagnostics.report(Some(cols.raw[x].source), DiagnosticKind::Cycle, || {
                        format!("{what}: its parent link closes a cycle and was cut; shown as a root")
                    });
                    break;
                }
                _ => break,
            }
        }
        for &y in &path {
            state[y] = 2;
        }
    }

    // Children lists (CSR), each sorted by start time; roots per trace likewise.
    let by_start =
        |a: &u32, b: &u32| (cols.start[*a as usize], *a).cmp(&(cols.start[*b as usize], *b));
    let mut child_start = vec![0u32; n + 1];
    for &p in &parent {
        if p != NO_SPAN {
            child_start[p as usize + 1] += 1;
        }
    }
    for i in 0..n {
        child_start[i + 1] += child_start[i];
    }
    let mut fill = child_start.clone();
    let mut children = vec![0u32; child_start[n] as usize];
    let mut roots: Vec<Vec<u32>> = vec![Vec::new(); trace_ids.len()];
    for i in 0..n {
        match parent[i] {
            NO_SPAN => roots[trace_of[i] as usize].push(i as u32),
            p => {
                children[fill[p as usize] as usize] = i as u32;
                fill[p as usize] += 1;
            }
        }
    }
    for p in 0..n {
        children[child_start[p] as usize..child_start[p + 1] as usize].sort_by(by_start);
    }
    for r in &mut roots {
        r.sort_by(by_start);
    }

    // Traces ordered by their earliest start, then id.
    let mut trace_start = vec![Nanos::MAX; trace_ids.len()];
    for i in 0..n {
        if !cols.flags[i].has(SpanFlags::NO_TIMESTAMPS) {
            let t = &mut trace_start[trace_of[i] as usize];
            *t = (*t).min(cols.start[i]);
        }
    }
    let mut trace_order: Vec<u32> = (0..trace_ids.len() as u32).collect();
    trace_order.sort_by_key(|&t| (trace_start[t as usize], trace_ids[t as usize]));

    // Depth-first order with an explicit stack.
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut depth_old = vec![0u32; n];
    let mut trace_ranges: Vec<Rows> = Vec::with_capacity(trace_ids.len());
    let mut stack: Vec<u32> = Vec::new();
    for &t in &trace_order {
        let begin = order.len() as u32;
        stack.extend(roots[t as usize].iter().rev());
        while let Some(x) = stack.pop() {
            order.push(x);
            let kids =
                &children[child_start[x as usize] as usize..child_start[x as usize + 1] as usize];
            for &c in kids.iter().rev() {
                depth_old[c as usize] = depth_old[x as usize] + 1;
                stack.push(c);
            }
        }
        trace_ranges.push(Rows {
            start: begin,
            end: order.len() as u32,
        });
    }
    debug_assert_eq!(order.len(), n, "every span has exactly one place");

    // Reorder the columns and translate the tree into the new indices.
    let mut new_of_old = vec![0u32; n];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old as usize] = new as u32;
    }
    set.spans = set.spans.permuted(&order);
    set.parent = order
        .iter()
        .map(|&old| match parent[old as usize] {
            NO_SPAN => NO_SPAN,
            p => new_of_old[p as usize],
        })
        .collect();
    set.depth = order.iter().map(|&old| depth_old[old as usize]).collect();
    set.trace_of = vec![0; n];
    for (t, r) in trace_ranges.iter().enumerate() {
        set.trace_of[r.range()].fill(t as u32);
    }
    set.subtree_end = (1..=n as u32).collect();
    for i in (0..n).rev() {
        let p = set.parent[i];
        if p != NO_SPAN {
            set.subtree_end[p as usize] = set.subtree_end[p as usize].max(set.subtree_end[i]);
        }
    }
    set.self_time = self_times(set);
    set.counts_usage = usage_counted(set);
    report_aggregate_mismatches(set, source_names);
    set.traces = trace_ranges
        .iter()
        .zip(&trace_order)
        .map(|(r, &t)| summarize(set, trace_ids[t as usize], *r))
        .collect();
    let final_index: HashMap<TraceId, u32> = set
        .traces
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id, i as u32))
        .collect();
    apply_trace_facts(set, &final_index, trace_facts, source_names);
    attach_scores(set, &final_index);
}

/// Adds what formats record per trace: session, user and tags (before the spans' own), and
/// recorded token totals, which are checked against the LLM calls, never added.
fn apply_trace_facts(
    set: &mut TraceSet,
    index: &HashMap<TraceId, u32>,
    facts: &[TraceFacts],
    source_names: &[String],
) {
    for f in facts {
        let Some(&t) = f.trace_id.as_ref().and_then(|id| index.get(id)) else {
            continue;
        };
        let trace = &mut set.traces[t as usize];
        if !f.session.is_empty() {
            trace.session = f.session;
        }
        if !f.user.is_empty() {
            trace.user = f.user;
        }
        let mut tags = f.tags.clone();
        for tag in std::mem::take(&mut trace.tags) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        trace.tags = tags;
        let Some(recorded) = f.recorded else {
            continue;
        };
        let (si, so) = (trace.input_tokens, trace.output_tokens);
        let off = |r: Option<u64>, s: u64| r.is_some_and(|r| disagree(r, s));
        if !(off(recorded.input, si) || off(recorded.output, so)) {
            continue;
        }
        let (ri, ro) = (recorded.input.unwrap_or(0), recorded.output.unwrap_or(0));
        let (id, file) = (
            trace.id,
            source_names
                .get(f.file as usize)
                .cloned()
                .unwrap_or_default(),
        );
        set.diagnostics.report(Some(f.file), DiagnosticKind::AggregateMismatch, || {
            format!(
                "trace {id} ({file}) records {ri}/{ro} input/output tokens for the whole trace, \
                 but its LLM calls add up to {si}/{so}; the calls are counted"
            )
        });
    }
}

/// Resolves each score's trace and span to indices.
fn attach_scores(set: &mut TraceSet, index: &HashMap<TraceId, u32>) {
    let mut scores = std::mem::take(&mut set.scores);
    for s in &mut scores {
        let Some(&t) = index.get(&s.trace_id) else {
            continue;
        };
        s.trace = t;
        if let Some(span_id) = s.span_id {
            s.span = set.traces[t as usize]
                .spans
                .range()
                .find(|&i| set.spans.span_id[i] == span_id)
                .map_or(NO_SPAN, |i| i as u32);
        }
    }
    set.scores = scores;
}

/// Self time: a span's duration minus the union of its children's intervals (clipped to the
/// span), so parallel children are not subtracted twice.
fn self_times(set: &TraceSet) -> Vec<Nanos> {
    let n = set.span_count();
    let (start, end) = (&set.spans.start, &set.spans.end);
    let mut out = vec![0; n];
    for i in 0..n {
        let (s, e) = (start[i], end[i].max(start[i]));
        let mut covered: Nanos = 0;
        let mut run: Option<(Nanos, Nanos)> = None;
        let mut c = i + 1;
        while c < set.subtree_end[i] as usize {
            let (cs, ce) = (start[c].max(s), end[c].min(e));
            if ce > cs {
                run = match run {
                    Some((rs, re)) if cs <= re => Some((rs, re.max(ce))),
                    Some((rs, re)) => {
                        covered += re - rs;
                        Some((cs, ce))
                    }
                    None => Some((cs, ce)),
                };
            }
            c = set.subtree_end[c] as usize;
        }
        if let Some((rs, re)) = run {
            covered += re - rs;
        }
        out[i] = (e - s - covered).max(0);
    }
    out
}

/// Which spans' usage counts in totals: LLM calls reporting usage with no such call below them,
/// or whose format says their usage is their own.
fn usage_counted(set: &TraceSet) -> Vec<bool> {
    let n = set.span_count();
    let reports = |i: usize| {
        let u = set.spans.usage[i];
        set.spans.kind[i] == SpanKind::Llm
            && u != NO_SPAN
            && (set.usages[u as usize].has_tokens() || set.usages[u as usize].cost_usd.is_some())
    };
    let mut below = vec![false; n];
    for i in (0..n).rev() {
        let p = set.parent[i];
        if p != NO_SPAN && (below[i] || reports(i)) {
            below[p as usize] = true;
        }
    }
    let own = |i: usize| set.spans.flags[i].has(SpanFlags::OWN_USAGE);
    (0..n)
        .map(|i| reports(i) && (!below[i] || own(i)))
        .collect()
}

/// Whether two token counts differ by more than 1%.
fn disagree(recorded: u64, summed: u64) -> bool {
    recorded.abs_diff(summed) * 100 > recorded.max(summed)
}

/// Spans that record token totals over LLM calls below them (a LangSmith chain, a wrapping
/// generation) are not added; where such a total disagrees with the calls' sum by more than 1%,
/// a warning says so.
fn report_aggregate_mismatches(set: &mut TraceSet, source_names: &[String]) {
    let n = set.span_count();
    let (mut sub_in, mut sub_out) = (vec![0u64; n], vec![0u64; n]);
    for i in (0..n).rev() {
        if set.counts_usage[i] {
            let u = set.usages[set.spans.usage[i] as usize];
            sub_in[i] += u.input.unwrap_or(0);
            sub_out[i] += u.output.unwrap_or(0);
        }
        let p = set.parent[i];
        if p != NO_SPAN {
            sub_in[p as usize] += sub_in[i];
            sub_out[p as usize] += sub_out[i];
        }
    }
    for i in 0..n {
        let u_idx = set.spans.usage[i];
        if u_idx == NO_SPAN || set.counts_usage[i] || sub_in[i] + sub_out[i] == 0 {
            continue;
        }
        let u = set.usages[u_idx as usize];
        let input_off = u.input.is_some_and(|r| disagree(r, sub_in[i]));
        let output_off = u.output.is_some_and(|r| disagree(r, sub_out[i]));
        if !(input_off || output_off) {
            continue;
        }
        let name = set.strings.resolve(set.spans.name[i]).to_string();
        let file = source_names
            .get(set.spans.raw[i].source as usize)
            .cloned()
            .unwrap_or_default();
        let (ri, ro, si, so) = (
            u.input.unwrap_or(0),
            u.output.unwrap_or(0),
            sub_in[i],
            sub_out[i],
        );
        set.diagnostics.report(
            Some(set.spans.raw[i].source),
            DiagnosticKind::AggregateMismatch,
            || {
                format!(
                    "span '{name}' ({file}) records {ri}/{ro} input/output tokens, but the LLM \
                     calls below it add up to {si}/{so}; the calls are counted"
                )
            },
        );
    }
}

fn summarize(set: &TraceSet, id: TraceId, spans: Rows) -> Trace {
    let c = &set.spans;
    let mut t = Trace {
        id,
        spans,
        root_count: 0,
        start: Nanos::MAX,
        end: Nanos::MIN,
        error_count: 0,
        llm_calls: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: None,
        session: StrId::EMPTY,
        user: StrId::EMPTY,
        tags: Vec::new(),
    };
    for i in spans.range() {
        if set.parent[i] == NO_SPAN {
            t.root_count += 1;
        }
        if !c.flags[i].has(SpanFlags::NO_TIMESTAMPS) {
            t.start = t.start.min(c.start[i]);
            t.end = t.end.max(c.end[i]);
        }
        if c.status[i] == StatusCode::Error {
            t.error_count += 1;
        }
        if c.kind[i] == SpanKind::Llm {
            t.llm_calls += 1;
        }
        if t.session.is_empty() {
            t.session = c.session[i];
        }
        if t.user.is_empty() {
            t.user = c.user[i];
        }
        for &tag in &set.tags[c.tags[i].range()] {
            if !t.tags.contains(&tag) {
                t.tags.push(tag);
            }
        }
        if set.counts_usage[i] {
            let u = set.usages[c.usage[i] as usize];
            t.input_tokens += u.input.unwrap_or(0);
            t.output_tokens += u.output.unwrap_or(0);
            t.cost_usd = add_cost(t.cost_usd, u.cost_usd);
        }
    }
    if t.start > t.end {
        t.start = 0;
        t.end = 0;
    }
    t
}
