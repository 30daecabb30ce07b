//! Comparing a baseline (A) with a candidate (B): two traces aligned span by span
//! ([`align`]), or two sets of traces compared group by group with a test of whether each
//! latency change is likely real ([`sets`], [`rank`]) with each group's two latency
//! histograms on shared bins ([`histogram`]), rules that say which changes are regressions
//! ([`rules`]), and how the views write all of it ([`describe`]).

pub mod align;
pub mod describe;
pub mod flame;
pub mod histogram;
pub mod prompt;
pub mod rank;
pub mod rules;
pub mod sets;

use crate::analysis::cost::{CostReport, cost_report};
use crate::analysis::pricing::PriceTable;
use crate::model::set::TraceSet;
use std::collections::HashMap;

/// One side of a comparison: a set, the traces of it compared, their spans, and what their
/// LLM calls cost.
pub struct Side<'s> {
    /// The set the traces are in.
    pub set: &'s TraceSet,
    /// The traces compared, by index.
    pub traces: Vec<u32>,
    /// Every span of those traces.
    pub spans: Vec<u32>,
    /// Each LLM call's cost (recorded, else computed), by span.
    costs: HashMap<u32, f64>,
}

impl<'s> Side<'s> {
    /// The traces `traces` of `set`, their calls' costs taken from `costs` (a report over
    /// them or over more).
    pub fn new(set: &'s TraceSet, traces: Vec<u32>, costs: &CostReport) -> Side<'s> {
        let spans = traces
            .iter()
            .filter_map(|&t| set.traces().get(t as usize))
            .flat_map(|t| t.spans.start..t.spans.end)
            .collect();
        Side {
            set,
            traces,
            spans,
            costs: costs.by_span(),
        }
    }

    /// Every trace of `set`, its calls priced with `prices`.
    pub fn whole(set: &'s TraceSet, prices: &PriceTable) -> Side<'s> {
        let traces: Vec<u32> = (0..set.traces().len() as u32).collect();
        let costs = cost_report(set, prices, &traces);
        Side::new(set, traces, &costs)
    }

    /// What LLM call `span` cost, if it is one with a cost.
    pub fn cost(&self, span: u32) -> Option<f64> {
        self.costs.get(&span).copied()
    }
}

/// The relative change from `a` to `b` (0.1 is 10% more), or `None` from zero.
pub fn relative(a: f64, b: f64) -> Option<f64> {
    (a != 0.0).then(|| (b - a) / a.abs())
}
