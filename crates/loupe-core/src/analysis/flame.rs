//! Flame graphs and the critical path.
//!
//! - [`trace_flame`]: one trace, time-ordered (x = time, y = depth). Children that overlap in
//!   time (parallel tool calls) are put in extra lanes below one another rather than drawn over
//!   each other, and they never widen their parent.
//! - [`AggregateFlame`]: all spans of many traces merged by their path of names, like
//!   speedscope's left-heavy view, weighted by total time, self time, tokens or cost.
//! - [`critical_path`]: the chain of spans that set a trace's end.
//! - What a viewport shows of them: [`TimeWindow`] (zoom and pan over a trace), [`viewport`]
//!   (the boxes of a trace's flame graph in view, culled to what a pixel can show),
//!   [`AggregateFlame::boxes`], and hit-testing ([`box_at`], [`AggBox::at`]).
//!
//! All are built without recursion: real traces are thousands of levels deep.

use crate::analysis::cost::CostReport;
use crate::model::set::TraceSet;
use crate::model::{Nanos, SpanKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The time a trace's flame graph and waterfall show, in nanoseconds from the trace's start.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeWindow {
    /// Left edge.
    pub from: f64,
    /// Right edge.
    pub to: f64,
}

/// The narrowest window a zoom reaches, in nanoseconds.
const NARROWEST: f64 = 1000.0;

impl TimeWindow {
    /// All of a trace `total` nanoseconds long.
    pub fn whole(total: f64) -> TimeWindow {
        TimeWindow {
            from: 0.0,
            to: total.max(1.0),
        }
    }

    /// This window cut to a trace `total` nanoseconds long; all of it when nothing is left.
    pub fn within(self, total: f64) -> TimeWindow {
        let cut = TimeWindow {
            from: self.from.clamp(0.0, total),
            to: self.to.clamp(0.0, total),
        };
        if cut.to > cut.from {
            cut
        } else {
            TimeWindow::whole(total)
        }
    }

    /// Zoomed by `factor` (below 1 zooms in) about the point `at` (0 to 1 across the view),
    /// staying inside a trace `total` nanoseconds long.
    pub fn zoom(self, factor: f64, at: f64, total: f64) -> TimeWindow {
        let width = (self.to - self.from).max(1.0);
        let pivot = self.from + width * at;
        let new_width = (width * factor).clamp(NARROWEST.min(total), total.max(1.0));
        let from = (pivot - new_width * at).clamp(0.0, (total - new_width).max(0.0));
        TimeWindow {
            from,
            to: from + new_width,
        }
    }

    /// The part between `a` and `b` (0 to 1 across the view, in either order: the ends of a
    /// drag), at least the narrowest a zoom reaches, staying inside a trace `total`
    /// nanoseconds long.
    pub fn between(self, a: f64, b: f64, total: f64) -> TimeWindow {
        let width = self.to - self.from;
        let (lo, hi) = (a.min(b).clamp(0.0, 1.0), a.max(b).clamp(0.0, 1.0));
        let new_width = (width * (hi - lo)).clamp(NARROWEST.min(total), total.max(1.0));
        let middle = self.from + width * (lo + hi) / 2.0;
        let from = (middle - new_width / 2.0).clamp(0.0, (total - new_width).max(0.0));
        TimeWindow {
            from,
            to: from + new_width,
        }
    }

    /// The window a zoom names for trace `id` (a trace id and nanoseconds from its start, as
    /// links and bundles keep it), cut to the trace's `total` nanoseconds; all of the trace when
    /// the zoom is of another trace or there is none.
    pub fn of_zoom(zoom: Option<&(String, [i64; 2])>, id: &str, total: f64) -> TimeWindow {
        zoom.filter(|(z, _)| z == id)
            .map_or(TimeWindow::whole(total), |(_, [a, b])| {
                TimeWindow {
                    from: *a as f64,
                    to: *b as f64,
                }
                .within(total)
            })
    }

    /// Where `n + 1` evenly spaced ticks fall: each tick's place in percent across the view
    /// and its time in nanoseconds from the trace's start.
    pub fn ticks(self, n: u32) -> Vec<(f64, Nanos)> {
        let n = n.max(1);
        (0..=n)
            .map(|k| {
                let f = f64::from(k) / f64::from(n);
                (
                    f * 100.0,
                    (self.from + (self.to - self.from) * f).round() as Nanos,
                )
            })
            .collect()
    }

    /// Where a span from `start` to `end` (nanoseconds from the trace's start) lies across the
    /// view, as the left edge and width in percent; `None` when it lies wholly outside: when it
    /// shares no time with the window, or (taking no time) falls outside its ends.
    pub fn place(self, start: Nanos, end: Nanos) -> Option<(f64, f64)> {
        let (start, end) = (start as f64, end.max(start) as f64);
        let inside = if end > start {
            start < self.to && end > self.from
        } else {
            (self.from..=self.to).contains(&start)
        };
        if !inside {
            return None;
        }
        let width = (self.to - self.from).max(1.0);
        let left = ((start - self.from) / width * 100.0).clamp(0.0, 100.0);
        let right = ((end - self.from) / width * 100.0).clamp(left, 100.0);
        Some((left, right - left))
    }

    /// Moved by `fraction` of its width (negative moves left), staying inside the trace.
    pub fn pan(self, fraction: f64, total: f64) -> TimeWindow {
        let width = self.to - self.from;
        let from = (self.from + width * fraction).clamp(0.0, (total - width).max(0.0));
        TimeWindow {
            from,
            to: from + width,
        }
    }
}

/// A span's box in the visible part of a trace's flame graph, with what its tooltip shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlameBox {
    /// The span.
    pub span: u32,
    /// Its row from the top.
    pub row: u32,
    /// Left edge, in pixels from the view's left.
    pub x0: f32,
    /// Right edge (at least half a pixel right of the left).
    pub x1: f32,
    /// What the span does.
    pub kind: SpanKind,
    /// Whether it failed.
    pub error: bool,
    /// Whether a search is on and the span's name does not match it.
    pub dim: bool,
    /// Its name.
    pub name: String,
    /// Duration.
    pub duration: Nanos,
    /// Self time.
    pub self_time: Nanos,
    /// Input and output tokens, where it reports them.
    pub tokens: Option<(u64, u64)>,
    /// Its cost, where it has one.
    pub cost: Option<f64>,
}

/// Where a trace's flame graph is drawn: the time window, across `width` pixels, down to row
/// `rows`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// The time shown.
    pub window: TimeWindow,
    /// Pixels across.
    pub width: f64,
    /// Rows shown.
    pub rows: u32,
}

/// The boxes of trace `t`'s flame graph (`rects`, from [`trace_flame`]) in `view`. A box
/// narrower than a pixel is skipped where its row is already drawn there. `search` (lower
/// case) dims the spans whose names lack it; `cost` gives a span's cost.
pub fn viewport(
    set: &TraceSet,
    t: u32,
    rects: &[FlameRect],
    view: Viewport,
    search: &str,
    cost: impl Fn(u32) -> Option<f64>,
) -> Vec<FlameBox> {
    let Some(trace) = set.traces().get(t as usize) else {
        return Vec::new();
    };
    let Viewport {
        window,
        width,
        rows,
    } = view;
    let scale = width / (window.to - window.from).max(1.0);
    let mut filled_to = vec![f64::MIN; rows as usize];
    let mut out = Vec::new();
    for r in rects {
        let x0 = ((r.start - trace.start) as f64 - window.from) * scale;
        let x1 = ((r.end - trace.start) as f64 - window.from) * scale;
        if x1 < 0.0 || x0 > width || r.row >= rows {
            continue;
        }
        let (x0, x1) = (x0.max(0.0), x1.min(width));
        let x1 = x1.max(x0 + 0.5);
        let filled = &mut filled_to[r.row as usize];
        if x1 - x0 < 1.0 && x0 < *filled {
            continue;
        }
        *filled = x1;
        let s = set.span(r.span);
        let name = s.name();
        out.push(FlameBox {
            span: r.span,
            row: r.row,
            x0: x0 as f32,
            x1: x1 as f32,
            kind: s.kind(),
            error: s.is_error(),
            dim: !search.is_empty() && !name.to_lowercase().contains(search),
            name: crate::model::json::shown(name),
            duration: s.duration(),
            self_time: s.self_time(),
            tokens: s
                .usage()
                .filter(|u| u.has_tokens())
                .map(|u| (u.input.unwrap_or(0), u.output.unwrap_or(0))),
            cost: cost(r.span),
        });
    }
    out
}

/// The span whose box is at `x` pixels in row `row`: a box is at least a pixel wide to the
/// pointer.
pub fn box_at(boxes: &[FlameBox], x: f64, row: u32) -> Option<u32> {
    boxes
        .iter()
        .find(|b| b.row == row && f64::from(b.x0) <= x && x < f64::from(b.x1.max(b.x0 + 1.0)))
        .map(|b| b.span)
}

/// One span's rectangle in a trace's flame graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlameRect {
    /// The span.
    pub span: u32,
    /// Row from the top (0 for roots).
    pub row: u32,
    /// Start time.
    pub start: Nanos,
    /// End time.
    pub end: Nanos,
}

/// Assigns each interval (in start order) the first lane whose last interval ended by its start.
fn lanes(intervals: &[(Nanos, Nanos)]) -> Vec<usize> {
    let mut ends: Vec<Nanos> = Vec::new();
    intervals
        .iter()
        .map(
            |&(start, end)| match ends.iter().position(|&e| e <= start) {
                Some(l) => {
                    ends[l] = end;
                    l
                }
                None => {
                    ends.push(end);
                    ends.len() - 1
                }
            },
        )
        .collect()
}

/// Lays out trace `t`'s spans as a flame graph, in span order.
pub fn trace_flame(set: &TraceSet, t: u32) -> Vec<FlameRect> {
    let Some(trace) = set.traces().get(t as usize) else {
        return Vec::new();
    };
    let r = trace.spans;
    let (first, n) = (r.start as usize, r.len());
    let local = |i: u32| i as usize - first;
    let interval = |i: u32| {
        let s = set.span(i);
        (s.start(), s.end().max(s.start()))
    };
    // Bottom-up: each span's height, and each child's row offset below its parent.
    let mut height = vec![1u32; n];
    let mut offset = vec![0u32; n];
    let place = |kids: &[u32], height: &[u32], offset: &mut [u32]| -> u32 {
        let spans: Vec<(Nanos, Nanos)> = kids.iter().map(|&c| interval(c)).collect();
        let lane = lanes(&spans);
        let mut lane_height = vec![0u32; lane.iter().max().map_or(0, |m| m + 1)];
        for (&c, &l) in kids.iter().zip(&lane) {
            lane_height[l] = lane_height[l].max(height[local(c)]);
        }
        let mut below = vec![0u32; lane_height.len()];
        for l in 1..lane_height.len() {
            below[l] = below[l - 1] + lane_height[l - 1];
        }
        for (&c, &l) in kids.iter().zip(&lane) {
            offset[local(c)] = below[l];
        }
        lane_height.iter().sum()
    };
    for i in (r.start..r.end).rev() {
        let kids: Vec<u32> = set.span(i).children().collect();
        if !kids.is_empty() {
            height[local(i)] = 1 + place(&kids, &height, &mut offset);
        }
    }
    let mut roots = Vec::new();
    let mut i = r.start;
    while i < r.end {
        roots.push(i);
        i = set.span(i).subtree_end();
    }
    place(&roots, &height, &mut offset);
    // Top-down: rows.
    let mut row = vec![0u32; n];
    (r.start..r.end)
        .map(|i| {
            let s = set.span(i);
            row[local(i)] = match s.parent() {
                Some(p) => row[local(p)] + 1 + offset[local(i)],
                None => offset[local(i)],
            };
            let (start, end) = interval(i);
            FlameRect {
                span: i,
                row: row[local(i)],
                start,
                end,
            }
        })
        .collect()
}

/// A segment of the critical path: span `span` was what the trace waited on from `start` to
/// `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The span.
    pub span: u32,
    /// From.
    pub start: Nanos,
    /// To.
    pub end: Nanos,
}

/// The critical path of trace `t`: starting from the root that ends last, the last child to
/// finish before a span's end, then the last to finish before that child started, and so on,
/// down every level. Segments come latest first.
pub fn critical_path(set: &TraceSet, t: u32) -> Vec<Segment> {
    let Some(trace) = set.traces().get(t as usize) else {
        return Vec::new();
    };
    let r = trace.spans;
    let mut root = r.start;
    let mut i = r.start;
    while i < r.end {
        if set.span(i).end() > set.span(root).end() {
            root = i;
        }
        i = set.span(i).subtree_end();
    }
    let mut out = Vec::new();
    if r.is_empty() {
        return out;
    }
    let mut stack = vec![(root, set.span(root).end())];
    while let Some((s, limit)) = stack.pop() {
        let span = set.span(s);
        if limit <= span.start() {
            continue;
        }
        let last = span
            .children()
            .filter(|&c| {
                let c = set.span(c);
                // Starting before the limit guarantees progress (zero-length children at the
                // limit would otherwise be chosen forever).
                c.end() <= limit && c.end() > span.start() && c.start() < limit
            })
            .max_by_key(|&c| (set.span(c).end(), std::cmp::Reverse(c)));
        match last {
            Some(c) => {
                let child = set.span(c);
                if limit > child.end() {
                    out.push(Segment {
                        span: s,
                        start: child.end(),
                        end: limit,
                    });
                }
                // First the child, then what of this span came before it.
                stack.push((s, child.start()));
                stack.push((c, child.end()));
            }
            None => out.push(Segment {
                span: s,
                start: span.start(),
                end: limit,
            }),
        }
    }
    out
}

/// What an aggregated flame graph is weighted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Weight {
    /// Summed durations.
    #[default]
    TotalTime,
    /// Summed self times.
    SelfTime,
    /// Tokens of the LLM calls below.
    Tokens,
    /// Cost of the LLM calls below.
    Cost,
}

impl Weight {
    /// Every weight, in menu order.
    pub const ALL: [Weight; 4] = [
        Weight::TotalTime,
        Weight::SelfTime,
        Weight::Tokens,
        Weight::Cost,
    ];

    /// The weight's name in a shared view (`total`, `self`, `tokens`, `cost`).
    pub fn id(self) -> &'static str {
        match self {
            Weight::TotalTime => "total",
            Weight::SelfTime => "self",
            Weight::Tokens => "tokens",
            Weight::Cost => "cost",
        }
    }

    /// The weight named `id`.
    pub fn from_id(id: &str) -> Option<Weight> {
        Weight::ALL.into_iter().find(|w| w.id() == id)
    }
}

/// A node of the aggregated flame graph: the spans that share one path of names.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The span name.
    pub name: String,
    /// The parent node, or `None` for the top.
    pub parent: Option<u32>,
    /// Depth (the top node is 0; the roots' names are 1).
    pub depth: u32,
    /// Spans merged here.
    pub count: u32,
    /// Summed durations.
    pub total_time: Nanos,
    /// Summed self times.
    pub self_time: Nanos,
    /// Tokens of the LLM calls at this node (their own, not their children's).
    pub own_tokens: u64,
    /// Cost of the LLM calls at this node.
    pub own_cost: f64,
    /// Children, in first-seen order.
    pub children: Vec<u32>,
}

impl Node {
    /// An empty node.
    fn new(name: String, parent: Option<u32>, depth: u32) -> Node {
        Node {
            name,
            parent,
            depth,
            count: 0,
            total_time: 0,
            self_time: 0,
            own_tokens: 0,
            own_cost: 0.0,
            children: Vec::new(),
        }
    }
}

/// A node's box in a view of the aggregated flame graph, with what its tooltip shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AggBox {
    /// The node.
    pub node: u32,
    /// Its parent node (`None` for the top).
    pub parent: Option<u32>,
    /// Row below the focused node.
    pub row: u32,
    /// Left edge, in pixels.
    pub x0: f32,
    /// Right edge, in pixels.
    pub x1: f32,
    /// The span name (empty for the top).
    pub name: String,
    /// Spans merged here.
    pub count: u32,
    /// Summed durations.
    pub total_time: Nanos,
    /// Self time over its subtree.
    pub self_time: Nanos,
    /// Tokens over its subtree.
    pub tokens: u64,
    /// Cost over its subtree.
    pub cost: f64,
}

/// What a view shows of the aggregated flame graph.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AggregateView {
    /// The nodes from the top to the focused one, with their names.
    pub path: Vec<(u32, String)>,
    /// The boxes in view, the focused node's first.
    pub boxes: Vec<AggBox>,
}

impl AggBox {
    /// Whether the box covers `x` pixels in row `row`.
    pub fn contains(&self, x: f64, row: u32) -> bool {
        self.row == row && f64::from(self.x0) <= x && x < f64::from(self.x1)
    }
}

impl AggregateView {
    /// The box at `x` pixels in row `row`.
    pub fn at(&self, x: f64, row: u32) -> Option<&AggBox> {
        self.boxes.iter().find(|b| b.contains(x, row))
    }

    /// The span names from a root down to node `node` (in view), as a focus is named.
    pub fn names(&self, node: u32) -> Vec<String> {
        let mut below = Vec::new();
        let mut at = node;
        let focus = self.path.last().map_or(0, |(n, _)| *n);
        while at != focus {
            let Some(b) = self.boxes.iter().find(|b| b.node == at) else {
                break;
            };
            below.push(b.name.clone());
            match b.parent {
                Some(p) => at = p,
                None => break,
            }
        }
        below.reverse();
        let mut names: Vec<String> = self.path.iter().skip(1).map(|(_, n)| n.clone()).collect();
        names.extend(below);
        names
    }
}

/// Spans of many traces merged by path of names. Node 0 is an unnamed top holding the roots.
#[derive(Clone, Debug, PartialEq)]
pub struct AggregateFlame {
    /// The nodes; parents precede children.
    pub nodes: Vec<Node>,
    /// For each node, its self time, tokens and cost summed over its subtree.
    subtree_self: Vec<Nanos>,
    subtree_tokens: Vec<u64>,
    subtree_cost: Vec<f64>,
}

/// A node's rectangle: `x0..x1` as fractions of the focused node's width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AggRect {
    /// The node.
    pub node: u32,
    /// Row below the focused node.
    pub row: u32,
    /// Left edge, 0 to 1.
    pub x0: f64,
    /// Right edge, 0 to 1.
    pub x1: f64,
}

impl AggregateFlame {
    /// Merges the spans of `traces`; `costs` gives the LLM calls' costs.
    pub fn build(set: &TraceSet, traces: &[u32], costs: &CostReport) -> AggregateFlame {
        let cost_of = costs.by_span();
        let mut nodes = vec![Node::new(String::new(), None, 0)];
        let mut child_index: HashMap<(u32, String), u32> = HashMap::new();
        for &t in traces {
            let Some(trace) = set.traces().get(t as usize) else {
                continue;
            };
            let first = trace.spans.start;
            let mut node_of = vec![0u32; trace.spans.len()];
            for i in trace.spans.start..trace.spans.end {
                let s = set.span(i);
                let parent = s.parent().map_or(0, |p| node_of[(p - first) as usize]);
                let key = (parent, s.name().to_string());
                let node = match child_index.get(&key) {
                    Some(&n) => n,
                    None => {
                        let n = nodes.len() as u32;
                        let depth = nodes[parent as usize].depth + 1;
                        nodes.push(Node::new(key.1.clone(), Some(parent), depth));
                        nodes[parent as usize].children.push(n);
                        child_index.insert(key, n);
                        n
                    }
                };
                node_of[(i - first) as usize] = node;
                let nd = &mut nodes[node as usize];
                nd.count += 1;
                nd.total_time += s.duration();
                nd.self_time += s.self_time();
                nd.own_tokens += s.counted_tokens();
                nd.own_cost += cost_of.get(&i).copied().unwrap_or(0.0);
            }
        }
        let top_time: Nanos = nodes[0]
            .children
            .iter()
            .map(|&c| nodes[c as usize].total_time)
            .sum();
        nodes[0].total_time = top_time;
        let mut subtree_self: Vec<Nanos> = nodes.iter().map(|n| n.self_time).collect();
        let mut subtree_tokens: Vec<u64> = nodes.iter().map(|n| n.own_tokens).collect();
        let mut subtree_cost: Vec<f64> = nodes.iter().map(|n| n.own_cost).collect();
        for i in (1..nodes.len()).rev() {
            if let Some(p) = nodes[i].parent {
                subtree_self[p as usize] += subtree_self[i];
                subtree_tokens[p as usize] += subtree_tokens[i];
                subtree_cost[p as usize] += subtree_cost[i];
            }
        }
        AggregateFlame {
            nodes,
            subtree_self,
            subtree_tokens,
            subtree_cost,
        }
    }

    /// Node `n`'s weight.
    pub fn weight(&self, n: u32, weight: Weight) -> f64 {
        let i = n as usize;
        match weight {
            Weight::TotalTime => self.nodes[i].total_time as f64,
            Weight::SelfTime => self.subtree_self[i] as f64,
            Weight::Tokens => self.subtree_tokens[i] as f64,
            Weight::Cost => self.subtree_cost[i],
        }
    }

    /// Rectangles of `focus`'s subtree, heaviest child first (left-heavy). Children whose
    /// weights add up to more than their parent's (parallel spans under total time) are scaled
    /// to fit inside it.
    pub fn layout(&self, focus: u32, weight: Weight) -> Vec<AggRect> {
        let mut memo: HashMap<u32, f64> = HashMap::new();
        let mut w = |n: u32| *memo.entry(n).or_insert_with(|| self.weight(n, weight));
        let mut out = Vec::new();
        if (focus as usize) >= self.nodes.len() || w(focus) <= 0.0 {
            return out;
        }
        let mut stack = vec![(focus, 0u32, 0.0f64, 1.0f64)];
        while let Some((n, row, x0, x1)) = stack.pop() {
            out.push(AggRect {
                node: n,
                row,
                x0,
                x1,
            });
            let mut kids: Vec<(u32, f64)> = self.nodes[n as usize]
                .children
                .iter()
                .map(|&c| (c, w(c)))
                .filter(|(_, cw)| *cw > 0.0)
                .collect();
            kids.sort_by(|a, b| b.1.total_cmp(&a.1));
            let sum: f64 = kids.iter().map(|(_, cw)| cw).sum();
            let scale = (x1 - x0) / sum.max(w(n));
            let mut x = x0;
            for (c, cw) in kids {
                let width = cw * scale;
                stack.push((c, row + 1, x, x + width));
                x += width;
            }
        }
        out
    }

    /// What a view `width` pixels wide shows of `focus`'s subtree weighted by `weight`: the
    /// path from the top to the focus, and the boxes at least a third of a pixel wide.
    pub fn view(&self, focus: u32, weight: Weight, width: f64) -> AggregateView {
        let focus = if (focus as usize) < self.nodes.len() {
            focus
        } else {
            0
        };
        let boxes = self
            .layout(focus, weight)
            .into_iter()
            .filter(|r| (r.x1 - r.x0) * width >= 0.3)
            .map(|r| {
                let n = &self.nodes[r.node as usize];
                AggBox {
                    node: r.node,
                    parent: n.parent,
                    row: r.row,
                    x0: (r.x0 * width) as f32,
                    x1: (r.x1 * width) as f32,
                    name: crate::model::json::shown(&n.name),
                    count: n.count,
                    total_time: n.total_time,
                    self_time: self.subtree_self[r.node as usize],
                    tokens: self.subtree_tokens[r.node as usize],
                    cost: self.subtree_cost[r.node as usize],
                }
            })
            .collect();
        AggregateView {
            path: self
                .path(focus)
                .into_iter()
                .map(|n| (n, self.nodes[n as usize].name.clone()))
                .collect(),
            boxes,
        }
    }

    /// The node reached from the top by the span names `names` (the top itself for none).
    pub fn find(&self, names: &[String]) -> Option<u32> {
        let mut at = 0u32;
        for name in names {
            at = *self.nodes[at as usize]
                .children
                .iter()
                .find(|&&c| self.nodes[c as usize].name == *name)?;
        }
        Some(at)
    }

    /// The span names from a root down to `n` (none for the top).
    pub fn names(&self, n: u32) -> Vec<String> {
        self.path(n)
            .into_iter()
            .skip(1)
            .map(|i| self.nodes[i as usize].name.clone())
            .collect()
    }

    /// The path of names from the top to `n`, for a breadcrumb.
    pub fn path(&self, n: u32) -> Vec<u32> {
        let mut path = vec![n];
        let mut at = n;
        while let Some(p) = self.nodes[at as usize].parent {
            path.push(p);
            at = p;
        }
        path.reverse();
        path
    }
}
