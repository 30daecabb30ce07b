//! Comparing a baseline (A) with a candidate (B): two traces aligned span by span
//! ([`align`]), or two sets of traces compared group by group with a test of whether each
//! latency change is likely real ([`sets`], [`rank`]), and rules that say which changes are
//! regressions ([`rules`]).

pub mod align;
pub mod flame;
pub mod prompt;
pub mod rank;
pub mod rules;
pub mod sets;

use crate::cost::cost_report;
use crate::pricing::PriceTable;
use crate::set::TraceSet;
use std::collections::HashMap;

/// One side of a comparison: a set, the traces of it compared, and what their LLM calls cost.
pub struct Side<'s> {
    /// The set the traces are in.
    pub set: &'s TraceSet,
    /// The traces compared, by index.
    pub traces: Vec<u32>,
    /// Each LLM call's cost (recorded, else computed from `prices`), by span.
    costs: HashMap<u32, f64>,
}

impl<'s> Side<'s> {
    /// The traces `traces` of `set`, their calls priced with `prices`.
    pub fn new(set: &'s TraceSet, traces: Vec<u32>, prices: &PriceTable) -> Side<'s> {
        let report = cost_report(set, prices, &traces);
        let costs = report
            .calls
            .iter()
            .filter_map(|c| Some((c.span, c.cost()?)))
            .collect();
        Side { set, traces, costs }
    }

    /// Every trace of `set`.
    pub fn whole(set: &'s TraceSet, prices: &PriceTable) -> Side<'s> {
        Side::new(set, (0..set.traces().len() as u32).collect(), prices)
    }

    /// What LLM call `span` cost, if it is one with a cost.
    pub fn cost(&self, span: u32) -> Option<f64> {
        self.costs.get(&span).copied()
    }

    /// The tokens (input and output) span `span` counts, without double counting.
    pub fn tokens(&self, span: u32) -> u64 {
        if !self.set.counts_usage(span) {
            return 0;
        }
        self.set.span(span).usage().map_or(0, |u| {
            u.input.unwrap_or(0).saturating_add(u.output.unwrap_or(0))
        })
    }
}

/// The relative change from `a` to `b` (0.1 is 10% more), or `None` from zero.
pub fn relative(a: f64, b: f64) -> Option<f64> {
    (a != 0.0).then(|| (b - a) / a.abs())
}
