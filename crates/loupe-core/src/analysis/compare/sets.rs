//! Two sets of traces compared: totals side by side, and for each span name, model and kind
//! the count, error rate, latency percentiles, tokens and cost per trace and time to first
//! token on both sides, with the p-value of the latency change ([`super::rank`]). Groups are
//! ordered by impact: the change of the median times the number of spans.

use super::{Side, rank::mann_whitney, relative};
use crate::analysis::stats::{LatencyKey, Summary, group_key, percentile};
use crate::model::{Nanos, StatusCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A change is called likely real below this p-value.
pub const SIGNIFICANCE: f64 = 0.05;

/// One side's totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Traces.
    pub traces: u64,
    /// Spans.
    pub spans: u64,
    /// Spans whose status is error.
    pub errors: u64,
    /// Share of traces with at least one error, from 0 to 1.
    pub error_rate: f64,
    /// LLM calls.
    pub llm_calls: u64,
    /// Input and output tokens of billed calls, without double counting.
    pub tokens: u64,
    /// Tokens per trace.
    pub tokens_per_trace: f64,
    /// Cost: recorded, else computed; `None` when no call has one.
    pub cost_usd: Option<f64>,
    /// Cost per trace.
    pub cost_per_trace: Option<f64>,
    /// Trace durations.
    pub latency: Option<Summary>,
    /// Median time to first token over the calls that record it.
    pub ttft_p50: Option<Nanos>,
}

/// One side of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSide {
    /// Spans in the group.
    pub count: u64,
    /// Of them, spans whose status is error.
    pub errors: u64,
    /// Share of the group's spans that failed, from 0 to 1.
    pub error_rate: f64,
    /// Durations.
    pub latency: Option<Summary>,
    /// Median time to first token, where recorded.
    pub ttft_p50: Option<Nanos>,
    /// The group's tokens per trace of the side.
    pub tokens_per_trace: f64,
    /// The group's cost per trace of the side.
    pub cost_per_trace: Option<f64>,
}

/// A group on both sides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// What the group is: a span name, a model or a kind.
    pub by: LatencyKey,
    /// Its name, model or kind.
    pub key: String,
    /// The baseline's figures.
    pub baseline: GroupSide,
    /// The candidate's figures.
    pub candidate: GroupSide,
    /// The p-value of the latency change (Mann–Whitney U), where both sides have spans.
    pub latency_p: Option<f64>,
    /// The p-value of the change of time to first token.
    pub ttft_p: Option<f64>,
    /// The change of the median times the larger count, in nanoseconds: how much the change
    /// weighs.
    pub impact: f64,
}

impl Group {
    /// Whether the latency change is likely real.
    pub fn significant(&self) -> bool {
        self.latency_p.is_some_and(|p| p < SIGNIFICANCE)
    }
}

/// Two sets compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The baseline's totals.
    pub baseline: Totals,
    /// The candidate's totals.
    pub candidate: Totals,
    /// The p-value of the change of trace durations.
    pub latency_p: Option<f64>,
    /// The p-value of the change of time to first token over all calls.
    pub ttft_p: Option<f64>,
    /// Groups by span name, model and kind, by impact.
    pub groups: Vec<Group>,
}

/// The baseline `a` against the candidate `b`.
pub fn compare(a: &Side, b: &Side) -> Comparison {
    let mut groups = Vec::new();
    for by in [LatencyKey::Name, LatencyKey::Model, LatencyKey::Kind] {
        let (ga, gb) = (spans_by(a, by), spans_by(b, by));
        let keys: std::collections::BTreeSet<&String> = ga.keys().chain(gb.keys()).collect();
        for key in keys {
            let none = Vec::new();
            let (xs, ys) = (ga.get(key).unwrap_or(&none), gb.get(key).unwrap_or(&none));
            groups.push(group(a, xs, b, ys, by, key.clone()));
        }
    }
    groups.sort_by(|x, y| {
        y.impact
            .abs()
            .total_cmp(&x.impact.abs())
            .then_with(|| x.key.cmp(&y.key))
    });
    let (durations_a, durations_b) = (trace_durations(a), trace_durations(b));
    let (first_a, first_b) = (first_tokens(a, &a.spans), first_tokens(b, &b.spans));
    Comparison {
        latency_p: mann_whitney(&durations_a, &durations_b),
        ttft_p: mann_whitney(&first_a, &first_b),
        baseline: totals(a, durations_a, first_a),
        candidate: totals(b, durations_b, first_b),
        groups,
    }
}

/// The side's spans grouped by `by`.
pub(super) fn spans_by(side: &Side, by: LatencyKey) -> BTreeMap<String, Vec<u32>> {
    let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for &i in &side.spans {
        if let Some(key) = group_key(&side.set.span(i), by) {
            groups.entry(key).or_default().push(i);
        }
    }
    groups
}

fn trace_durations(side: &Side) -> Vec<i64> {
    side.traces
        .iter()
        .filter_map(|&t| side.set.traces().get(t as usize))
        .map(|t| t.duration())
        .collect()
}

fn first_tokens(side: &Side, spans: &[u32]) -> Vec<i64> {
    spans
        .iter()
        .filter_map(|&i| side.set.span(i).usage()?.first_token)
        .collect()
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    percentile(&values, 50.0)
}

/// The cost of `spans`' calls, `None` when none has one.
fn cost_of(side: &Side, spans: &[u32]) -> Option<f64> {
    spans
        .iter()
        .filter_map(|&i| side.cost(i))
        .fold(None, |sum, c| Some(sum.unwrap_or(0.0) + c))
}

fn per_trace(side: &Side, value: f64) -> f64 {
    value / side.traces.len().max(1) as f64
}

/// The side's totals; `durations` are its traces' and `first_tokens` its calls' times to
/// first token.
fn totals(side: &Side, mut durations: Vec<i64>, first_tokens: Vec<i64>) -> Totals {
    let t = side.set.totals_of(&side.traces);
    let failed = side
        .traces
        .iter()
        .filter_map(|&i| side.set.traces().get(i as usize))
        .filter(|t| t.error_count > 0)
        .count();
    let tokens = t.input_tokens.saturating_add(t.output_tokens);
    let cost = cost_of(side, &side.spans);
    Totals {
        traces: t.traces,
        spans: t.spans,
        errors: t.errors,
        error_rate: failed as f64 / side.traces.len().max(1) as f64,
        llm_calls: t.llm_calls,
        tokens,
        tokens_per_trace: per_trace(side, tokens as f64),
        cost_usd: cost,
        cost_per_trace: cost.map(|c| per_trace(side, c)),
        latency: Summary::of(&mut durations),
        ttft_p50: median(first_tokens),
    }
}

fn group_side(side: &Side, spans: &[u32]) -> GroupSide {
    let errors = spans
        .iter()
        .filter(|&&i| side.set.span(i).status() == StatusCode::Error)
        .count() as u64;
    let mut durations: Vec<i64> = spans.iter().map(|&i| side.set.span(i).duration()).collect();
    let tokens: u64 = spans
        .iter()
        .map(|&i| side.set.span(i).counted_tokens())
        .sum();
    GroupSide {
        count: spans.len() as u64,
        errors,
        error_rate: errors as f64 / spans.len().max(1) as f64,
        latency: Summary::of(&mut durations),
        ttft_p50: median(first_tokens(side, spans)),
        tokens_per_trace: per_trace(side, tokens as f64),
        cost_per_trace: cost_of(side, spans).map(|c| per_trace(side, c)),
    }
}

fn group(a: &Side, xs: &[u32], b: &Side, ys: &[u32], by: LatencyKey, key: String) -> Group {
    let durations = |side: &Side, spans: &[u32]| -> Vec<i64> {
        spans.iter().map(|&i| side.set.span(i).duration()).collect()
    };
    let (baseline, candidate) = (group_side(a, xs), group_side(b, ys));
    let p50 = |g: &GroupSide| g.latency.map_or(0.0, |l| l.p50 as f64);
    let impact = (p50(&candidate) - p50(&baseline)) * baseline.count.max(candidate.count) as f64;
    Group {
        by,
        key,
        latency_p: mann_whitney(&durations(a, xs), &durations(b, ys)),
        ttft_p: mann_whitney(&first_tokens(a, xs), &first_tokens(b, ys)),
        baseline,
        candidate,
        impact,
    }
}

/// The relative change of the medians of a group (0.1 is 10% slower), where both have spans.
pub fn p50_change(g: &Group) -> Option<f64> {
    let (a, b) = (g.baseline.latency?, g.candidate.latency?);
    relative(a.p50 as f64, b.p50 as f64)
}
