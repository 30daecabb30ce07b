//! Building traces and span trees: grouping by trace id, resolving parents, cutting cycles,
//! flagging orphans and duplicate ids, ordering children by start time, and computing depth,
//! subtree ranges, self time and usage roll-ups. Everything is iterative: real traces are
//! thousands of levels deep.
//!
//! A build can keep traces already built: adding a file groups only its spans and those of
//! the traces they join, and removing one regroups only the traces it had spans in
//! ([`Plan`]); the rest is a linear pass over the columns.

use crate::model::Rows;
use crate::model::diagnostics::DiagnosticKind;
use crate::model::ids::{SpanId, TraceId};
use crate::model::set::{NO_SPAN, SpanColumns, Trace, TraceSet, add_cost};
use crate::model::strings::{Interner, StrId};
use crate::model::{Nanos, SpanFlags, SpanKind, StatusCode};
use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;

/// Flags the grouping sets, cleared on spans grouped again.
const TREE_FLAGS: u8 = SpanFlags::ORPHAN | SpanFlags::CYCLE_BROKEN | SpanFlags::DUPLICATE_ID;

/// The trees already built that a build keeps: traces whose spans are unchanged keep their
/// tree; the spans to group afresh are listed.
#[derive(Default)]
pub(crate) struct Plan {
    /// Traces kept as built: id and span range.
    kept: Vec<(TraceId, Rows)>,
    /// Spans to group into traces and trees, in arrival order.
    pending: Vec<u32>,
    /// Parent and depth of the spans of kept traces, indexed like the columns.
    parent: Vec<u32>,
    depth: Vec<u32>,
}

/// The tree columns of a built set, kept while more spans are added to it.
#[derive(Default)]
pub(crate) struct Built {
    pub traces: Vec<Trace>,
    pub parent: Vec<u32>,
    pub depth: Vec<u32>,
}

impl Built {
    /// Takes the tree columns out of a built set.
    pub fn take(set: &mut TraceSet) -> Built {
        Built {
            traces: std::mem::take(&mut set.traces),
            parent: std::mem::take(&mut set.parent),
            depth: std::mem::take(&mut set.depth),
        }
    }
}

impl Plan {
    /// Groups every span afresh.
    pub fn fresh(spans: usize) -> Plan {
        Plan {
            pending: (0..spans as u32).collect(),
            ..Plan::default()
        }
    }

    /// Keeps the trees of `built` that the spans from `built`'s span count on (newly added)
    /// do not join; the spans of those they join are grouped again with the new ones.
    pub fn adding(built: Built, trace_id: &[TraceId], flags: &[SpanFlags]) -> Plan {
        let old = built.parent.len();
        let index = index_by_id(&built.traces);
        let mut joined = vec![false; built.traces.len()];
        for id in &trace_id[old..] {
            if let Some(&t) = index.get(id) {
                joined[t as usize] = true;
            }
        }
        let mut plan = Plan {
            parent: built.parent,
            depth: built.depth,
            ..Plan::default()
        };
        let mut again = Vec::new();
        for (t, trace) in built.traces.iter().enumerate() {
            if joined[t] {
                again.extend(trace.spans.range().map(|i| i as u32));
            } else {
                plan.kept.push((trace.id, trace.spans));
            }
        }
        // A span that repeated an id stays second to the one it repeated.
        let (first, repeats): (Vec<u32>, Vec<u32>) = again
            .into_iter()
            .partition(|&i| !flags[i as usize].has(SpanFlags::DUPLICATE_ID));
        plan.pending = first;
        plan.pending.extend(repeats);
        plan.pending.extend(old as u32..trace_id.len() as u32);
        plan
    }

    /// Drops the spans of source `source` from `set`'s traces: the traces it had no span in
    /// are kept, the others grouped again from their remaining spans.
    pub fn removing(set: &mut TraceSet, source: u32) -> Plan {
        let built = Built::take(set);
        let from = |i: usize| set.spans.raw[i].source == source;
        let mut plan = Plan {
            parent: built.parent,
            depth: built.depth,
            ..Plan::default()
        };
        let (mut first, mut repeats) = (Vec::new(), Vec::new());
        for trace in &built.traces {
            if !trace.spans.range().any(from) {
                plan.kept.push((trace.id, trace.spans));
                continue;
            }
            for i in trace.spans.range().filter(|&i| !from(i)) {
                if set.spans.flags[i].has(SpanFlags::DUPLICATE_ID) {
                    repeats.push(i as u32);
                } else {
                    first.push(i as u32);
                }
            }
        }
        first.extend(repeats);
        plan.pending = first;
        plan
    }
}

/// Traces and trees grouped from a list of spans.
struct Grouped {
    /// Each trace's id and spans (positions in the list) in depth-first order.
    traces: Vec<(TraceId, Vec<u32>)>,
    /// Each listed span's parent, as a span index, or `NO_SPAN`.
    parent: Vec<u32>,
    /// Each listed span's depth.
    depth: Vec<u32>,
}

/// Groups the spans `list` (span indices, in arrival order) into traces, resolves parents,
/// cuts cycles, flags orphans and duplicate ids, and orders each trace depth-first with
/// children by start time.
fn group(cols: &mut SpanColumns, list: &[u32]) -> Grouped {
    let m = list.len();
    let at = |k: usize| list[k] as usize;
    for &i in list {
        cols.flags[i as usize].0 &= !TREE_FLAGS;
    }

    // Group spans by trace, in order of first appearance.
    let mut trace_index: HashMap<TraceId, u32> = HashMap::default();
    let mut trace_ids: Vec<TraceId> = Vec::new();
    let trace_of: Vec<u32> = list
        .iter()
        .map(|&i| {
            *trace_index
                .entry(cols.trace_id[i as usize])
                .or_insert_with(|| {
                    trace_ids.push(cols.trace_id[i as usize]);
                    (trace_ids.len() - 1) as u32
                })
        })
        .collect();

    // Index span ids; later duplicates are flagged and not used as parents.
    let mut by_id: HashMap<(u32, SpanId), u32> =
        HashMap::with_capacity_and_hasher(m, Default::default());
    for (k, &trace) in trace_of.iter().enumerate() {
        match by_id.entry((trace, cols.span_id[at(k)])) {
            Entry::Vacant(slot) => {
                slot.insert(k as u32);
            }
            Entry::Occupied(_) => cols.flags[at(k)].0 |= SpanFlags::DUPLICATE_ID,
        }
    }

    // Resolve parents.
    let mut parent: Vec<u32> = vec![NO_SPAN; m];
    for k in 0..m {
        let Some(pid) = cols.parent_id[at(k)] else {
            continue;
        };
        match by_id.get(&(trace_of[k], pid)) {
            Some(&p) if p as usize != k => parent[k] = p,
            Some(_) => cols.flags[at(k)].0 |= SpanFlags::CYCLE_BROKEN,
            None => cols.flags[at(k)].0 |= SpanFlags::ORPHAN,
        }
    }

    // Cut cycles: walk up from each unvisited span; meeting the current path closes a cycle.
    let mut state = vec![0u8; m];
    let mut path: Vec<usize> = Vec::new();
    for s in 0..m {
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
                    cols.flags[at(x)].0 |= SpanFlags::CYCLE_BROKEN;
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
    let start = |k: u32| cols.start[at(k as usize)];
    let by_start =
        |a: &u32, b: &u32| (start(*a), list[*a as usize]).cmp(&(start(*b), list[*b as usize]));
    let mut child_start = vec![0u32; m + 1];
    for &p in &parent {
        if p != NO_SPAN {
            child_start[p as usize + 1] += 1;
        }
    }
    for k in 0..m {
        child_start[k + 1] += child_start[k];
    }
    let mut fill = child_start.clone();
    let mut children = vec![0u32; child_start[m] as usize];
    let mut roots: Vec<Vec<u32>> = vec![Vec::new(); trace_ids.len()];
    for k in 0..m {
        match parent[k] {
            NO_SPAN => roots[trace_of[k] as usize].push(k as u32),
            p => {
                children[fill[p as usize] as usize] = k as u32;
                fill[p as usize] += 1;
            }
        }
    }
    for k in 0..m {
        children[child_start[k] as usize..child_start[k + 1] as usize].sort_by(by_start);
    }
    for r in &mut roots {
        r.sort_by(by_start);
    }

    // Depth-first order with an explicit stack.
    let mut depth = vec![0u32; m];
    let mut stack: Vec<u32> = Vec::new();
    let traces = trace_ids
        .iter()
        .zip(&roots)
        .map(|(&id, roots)| {
            let mut order = Vec::new();
            stack.extend(roots.iter().rev());
            while let Some(x) = stack.pop() {
                order.push(x);
                let kids = &children
                    [child_start[x as usize] as usize..child_start[x as usize + 1] as usize];
                for &c in kids.iter().rev() {
                    depth[c as usize] = depth[x as usize] + 1;
                    stack.push(c);
                }
            }
            (id, order)
        })
        .collect();
    let parent = translated(&parent, list);
    Grouped {
        traces,
        parent,
        depth,
    }
}

/// Each trace's index, by its id.
fn index_by_id(traces: &[Trace]) -> HashMap<TraceId, u32> {
    traces
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id, i as u32))
        .collect()
}

/// Span indices `indices` looked up in `map` (`NO_SPAN` stays itself).
fn translated(indices: &[u32], map: &[u32]) -> Vec<u32> {
    indices
        .iter()
        .map(|&i| {
            if i == NO_SPAN {
                NO_SPAN
            } else {
                map[i as usize]
            }
        })
        .collect()
}

/// Where a trace's spans come from in a build.
enum Piece {
    /// A trace kept as built: its span range.
    Kept(Rows),
    /// A trace grouped afresh: its index among the grouped.
    Grouped(usize),
}

/// Builds `set`'s traces and tree columns as `plan` says, and reorders the spans trace by
/// trace (by earliest start, then id), each in depth-first order. Spans in neither a kept
/// trace nor the pending list are dropped.
pub(crate) fn build(set: &mut TraceSet, plan: Plan) {
    let Plan {
        kept,
        pending,
        parent: built_parent,
        depth: built_depth,
    } = plan;
    let grouped = group(&mut set.spans, &pending);
    let cols = &set.spans;
    let earliest = |spans: &mut dyn Iterator<Item = usize>| {
        spans
            .filter(|&i| !cols.flags[i].has(SpanFlags::NO_TIMESTAMPS))
            .map(|i| cols.start[i])
            .min()
            .unwrap_or(Nanos::MAX)
    };
    let mut pieces: Vec<(Nanos, TraceId, Piece)> = kept
        .iter()
        .map(|&(id, rows)| (earliest(&mut rows.range()), id, Piece::Kept(rows)))
        .collect();
    for (g, (id, order)) in grouped.traces.iter().enumerate() {
        let mut spans = order.iter().map(|&k| pending[k as usize] as usize);
        pieces.push((earliest(&mut spans), *id, Piece::Grouped(g)));
    }
    pieces.sort_by_key(|&(start, id, _)| (start, id));

    // The new order, with each span's parent (an old index) and depth.
    let n = pending.len() + kept.iter().map(|(_, r)| r.len()).sum::<usize>();
    let (mut order, mut parent_old, mut depth) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut ranges: Vec<(TraceId, Rows)> = Vec::with_capacity(pieces.len());
    for (_, id, piece) in &pieces {
        let begin = order.len() as u32;
        match piece {
            Piece::Kept(rows) => {
                for i in rows.range() {
                    order.push(i as u32);
                    parent_old.push(built_parent[i]);
                    depth.push(built_depth[i]);
                }
            }
            Piece::Grouped(g) => {
                for &k in &grouped.traces[*g].1 {
                    order.push(pending[k as usize]);
                    parent_old.push(grouped.parent[k as usize]);
                    depth.push(grouped.depth[k as usize]);
                }
            }
        }
        let end = order.len() as u32;
        ranges.push((*id, Rows { start: begin, end }));
    }
    debug_assert_eq!(order.len(), n, "every span has exactly one place");

    // Reorder the columns and translate the tree into the new indices.
    let mut new_of_old = vec![NO_SPAN; set.spans.name.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old as usize] = new as u32;
    }
    set.spans.permute(&order);
    set.parent = translated(&parent_old, &new_of_old);
    set.depth = depth;
    set.trace_of = vec![0; n];
    for (t, (_, r)) in ranges.iter().enumerate() {
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
    let source_names: Vec<String> = set.sources.iter().map(|s| s.name.clone()).collect();
    set.diagnostics = set.import_diagnostics.clone();
    report_tree_problems(set, &source_names);
    report_aggregate_mismatches(set, &source_names);
    set.traces = ranges
        .iter()
        .map(|&(id, r)| summarize(set, id, r))
        .collect();
    let final_index = index_by_id(&set.traces);
    apply_trace_facts(set, &final_index, &source_names);
    attach_scores(set, &final_index);
}

/// Describes span `i` for a message: id, name, trace and file.
fn where_is(i: usize, cols: &SpanColumns, strings: &Interner, source_names: &[String]) -> String {
    let file = source_names
        .get(cols.raw[i].source as usize)
        .map_or("", String::as_str);
    format!(
        "span {} '{}' (trace {}, {file})",
        cols.span_id[i],
        strings.resolve(cols.name[i]),
        cols.trace_id[i]
    )
}

/// Reports the duplicate ids, cycles and orphans the grouping flagged, kind by kind.
fn report_tree_problems(set: &mut TraceSet, source_names: &[String]) {
    let (cols, strings, diags) = (&set.spans, &set.strings, &mut set.diagnostics);
    let flagged = |flag: u8| (0..cols.name.len()).filter(move |&i| cols.flags[i].has(flag));
    for i in flagged(SpanFlags::DUPLICATE_ID) {
        diags.report(
            Some(cols.raw[i].source),
            DiagnosticKind::DuplicateId,
            || {
                let what = where_is(i, cols, strings, source_names);
                format!("{what} repeats the id of an earlier span; children attach to the first")
            },
        );
    }
    for i in flagged(SpanFlags::CYCLE_BROKEN) {
        diags.report(Some(cols.raw[i].source), DiagnosticKind::Cycle, || {
            let what = where_is(i, cols, strings, source_names);
            if cols.parent_id[i] == Some(cols.span_id[i]) {
                format!("{what} is its own parent; shown as a root")
            } else {
                format!("{what}: its parent link closes a cycle and was cut; shown as a root")
            }
        });
    }
    for i in flagged(SpanFlags::ORPHAN) {
        diags.report(Some(cols.raw[i].source), DiagnosticKind::Orphan, || {
            let what = where_is(i, cols, strings, source_names);
            let pid = cols.parent_id[i].map(|p| p.to_string()).unwrap_or_default();
            format!("{what}: its parent {pid} is not loaded; shown as a root")
        });
    }
}

/// Adds what formats record per trace: session, user and tags (before the spans' own), and
/// recorded token totals, which are checked against the LLM calls, never added.
fn apply_trace_facts(set: &mut TraceSet, index: &HashMap<TraceId, u32>, source_names: &[String]) {
    let facts = std::mem::take(&mut set.trace_facts);
    for f in &facts {
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
    set.trace_facts = facts;
}

/// Resolves each score's trace and span to indices.
fn attach_scores(set: &mut TraceSet, index: &HashMap<TraceId, u32>) {
    let mut scores = std::mem::take(&mut set.scores);
    for s in &mut scores {
        (s.trace, s.span) = (NO_SPAN, NO_SPAN);
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
                        covered = covered.saturating_add(re.saturating_sub(rs));
                        Some((cs, ce))
                    }
                    None => Some((cs, ce)),
                };
            }
            c = set.subtree_end[c] as usize;
        }
        if let Some((rs, re)) = run {
            covered = covered.saturating_add(re.saturating_sub(rs));
        }
        // Times at the ends of the range (a file's nonsense) must not overflow.
        out[i] = e.saturating_sub(s).saturating_sub(covered).max(0);
    }
    out
}

/// Which spans' usage counts in totals: billed model calls (LLM, embedding, reranker) reporting
/// usage with no such call below them, or whose format says their usage is their own.
fn usage_counted(set: &TraceSet) -> Vec<bool> {
    let n = set.span_count();
    let reports = |i: usize| {
        let u = set.spans.usage[i];
        set.spans.kind[i].is_billed()
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
                    "span '{name}' ({file}) records {ri}/{ro} input/output tokens, but the model \
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
        embedding_calls: 0,
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
        match c.kind[i] {
            SpanKind::Llm => t.llm_calls += 1,
            SpanKind::Embedding => t.embedding_calls += 1,
            _ => {}
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
