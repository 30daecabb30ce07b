//! Two traces aligned span by span: the merged tree a comparison shows.
//!
//! The rule: spans are matched by their path of names from the root. Among the children of
//! two matched spans, the k-th child named N on one side matches the k-th child named N on the
//! other, counting in start order (the order of the span tree), so repeated siblings — a loop's
//! steps, parallel tool calls, retries — pair in the order they started, and an extra retry on
//! one side shows as added or removed. Roots match the same way. Rows come in the baseline's
//! order, each followed by its subtree; spans only the candidate has come after their matched
//! siblings. Both trees are walked without recursion.

use super::Side;
use crate::model::{Nanos, StatusCode};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

/// What one side's span shows in a merged row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpanFigures {
    /// The span, by index in its side's set.
    pub span: u32,
    /// Duration.
    pub duration: Nanos,
    /// Self time.
    pub self_time: Nanos,
    /// Input and output tokens it counts (without double counting).
    pub tokens: u64,
    /// What its call cost, for an LLM call with a cost.
    pub cost: Option<f64>,
    /// Whether its status is error.
    pub error: bool,
}

/// One row of the merged tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlignedRow {
    /// Depth in the merged tree (roots are 0).
    pub depth: u32,
    /// The span name both sides share.
    pub name: String,
    /// The baseline's span, unless the candidate added it.
    pub a: Option<SpanFigures>,
    /// The candidate's span, unless it removed it.
    pub b: Option<SpanFigures>,
}

/// Whether a row is on both sides or on one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Presence {
    /// On both sides.
    Both,
    /// Only the candidate has it.
    Added,
    /// Only the baseline has it.
    Removed,
}

impl AlignedRow {
    /// Whether the row is on both sides or on one.
    pub fn presence(&self) -> Presence {
        match (&self.a, &self.b) {
            (Some(_), None) => Presence::Removed,
            (None, Some(_)) => Presence::Added,
            _ => Presence::Both,
        }
    }
}

/// Trace `ta` of side `a` and trace `tb` of side `b`, aligned: the merged tree's rows, in
/// order.
pub fn align(a: &Side, ta: u32, b: &Side, tb: u32) -> Vec<AlignedRow> {
    let mut rows = Vec::new();
    let mut stack: Vec<(Option<u32>, Option<u32>, u32)> = Vec::new();
    let pairs = pair(a, roots(a, ta), b, roots(b, tb));
    stack.extend(pairs.into_iter().rev().map(|(x, y)| (x, y, 0)));
    while let Some((x, y, depth)) = stack.pop() {
        let name = x
            .map(|i| a.set.span(i).name())
            .or_else(|| y.map(|i| b.set.span(i).name()))
            .unwrap_or("");
        rows.push(AlignedRow {
            depth,
            name: crate::shown(name),
            a: x.map(|i| figures(a, i)),
            b: y.map(|i| figures(b, i)),
        });
        let children = |side: &Side, i: Option<u32>| -> Vec<u32> {
            i.map_or_else(Vec::new, |i| side.set.span(i).children().collect())
        };
        let pairs = pair(a, children(a, x), b, children(b, y));
        stack.extend(pairs.into_iter().rev().map(|(x, y)| (x, y, depth + 1)));
    }
    rows
}

/// The root spans of trace `t`, in start order.
fn roots(side: &Side, t: u32) -> Vec<u32> {
    side.set
        .traces()
        .get(t as usize)
        .map_or_else(Vec::new, |trace| {
            (trace.spans.start..trace.spans.end)
                .filter(|&i| side.set.span(i).depth() == 0)
                .collect()
        })
}

/// Siblings paired by name, the k-th of a name with the k-th: the baseline's in order (paired
/// or not), then the candidate's unpaired ones in order.
fn pair(a: &Side, xs: Vec<u32>, b: &Side, ys: Vec<u32>) -> Vec<(Option<u32>, Option<u32>)> {
    let mut by_name: HashMap<&str, VecDeque<u32>> = HashMap::new();
    for &y in &ys {
        by_name
            .entry(b.set.span(y).name())
            .or_default()
            .push_back(y);
    }
    let mut out: Vec<(Option<u32>, Option<u32>)> = xs
        .iter()
        .map(|&x| {
            let y = by_name
                .get_mut(a.set.span(x).name())
                .and_then(VecDeque::pop_front);
            (Some(x), y)
        })
        .collect();
    let paired: std::collections::HashSet<u32> = out.iter().filter_map(|p| p.1).collect();
    out.extend(
        ys.into_iter()
            .filter(|y| !paired.contains(y))
            .map(|y| (None, Some(y))),
    );
    out
}

/// What span `i` of `side` shows in a row.
fn figures(side: &Side, i: u32) -> SpanFigures {
    let s = side.set.span(i);
    SpanFigures {
        span: i,
        duration: s.duration(),
        self_time: s.self_time(),
        tokens: s.counted_tokens(),
        cost: side.cost(i),
        error: s.status() == StatusCode::Error,
    }
}
