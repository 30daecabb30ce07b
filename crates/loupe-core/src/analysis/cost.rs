//! What the LLM calls cost: the cost the file records where it has one, else the call's tokens
//! priced class by class ([`crate::analysis::pricing`]). Disagreements above 1% between the two are
//! flagged; model names without a price, token classes without a rate and calls without usage
//! are listed for audit. Breakdowns group the calls by model, provider, name, trace, session,
//! user or tag; a what-if prices every call as another model.

use crate::analysis::pricing::{PriceMatch, PriceTable, TokenClass};
use crate::model::set::TraceSet;
use crate::model::strings::StrId;
use std::collections::{BTreeMap, HashMap};

/// One LLM call's cost.
#[derive(Clone, Debug, PartialEq)]
pub struct CallCost {
    /// The span.
    pub span: u32,
    /// The cost the file records.
    pub recorded: Option<f64>,
    /// The cost computed from the call's tokens and its model's price.
    pub computed: Option<f64>,
    /// The price row used for `computed`.
    pub price: Option<PriceMatch>,
    /// Token classes priced at the input or output rate for want of their own.
    pub fallbacks: Vec<TokenClass>,
}

impl CallCost {
    /// The cost that counts: the recorded one, else the computed one.
    pub fn cost(&self) -> Option<f64> {
        self.recorded.or(self.computed)
    }

    /// `recorded`, `computed`, or `none`.
    pub fn source(&self) -> &'static str {
        match (self.recorded, self.computed) {
            (Some(_), _) => "recorded",
            (None, Some(_)) => "computed",
            (None, None) => "none",
        }
    }

    /// Whether recorded and computed costs differ by more than 1%.
    pub fn disagrees(&self) -> bool {
        match (self.recorded, self.computed) {
            (Some(r), Some(c)) => (r - c).abs() > 0.01 * r.abs().max(c.abs()),
            _ => false,
        }
    }
}

/// The costs of a set of traces' LLM calls.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CostReport {
    /// Every counted LLM call (see [`TraceSet::counts_usage`]), in span order.
    pub calls: Vec<CallCost>,
    /// LLM calls that report no usage and no cost.
    pub without_usage: Vec<u32>,
}

impl CostReport {
    /// The total over calls that have a cost; `None` when none has.
    pub fn total(&self) -> Option<f64> {
        self.calls
            .iter()
            .filter_map(CallCost::cost)
            .reduce(|a, b| a + b)
    }

    /// Where the total comes from: `recorded`, `computed`, `mixed`, or `none`.
    pub fn source(&self) -> &'static str {
        source_of(self.calls.iter())
    }

    /// Model names of calls that found no price, with their call counts.
    pub fn unpriced_models<'s>(&self, set: &'s TraceSet) -> BTreeMap<&'s str, u32> {
        let mut out = BTreeMap::new();
        for c in self.calls.iter().filter(|c| c.price.is_none()) {
            *out.entry(set.span(c.span).model()).or_insert(0) += 1;
        }
        out
    }

    /// (model, token class) pairs priced at a fallback rate, with their call counts.
    pub fn missing_rates(&self) -> BTreeMap<(String, TokenClass), u32> {
        let mut out = BTreeMap::new();
        for c in &self.calls {
            if let Some(p) = &c.price {
                for class in &c.fallbacks {
                    *out.entry((p.key.clone(), *class)).or_insert(0) += 1;
                }
            }
        }
        out
    }

    /// Calls whose recorded and computed costs disagree by more than 1%.
    pub fn disagreements(&self) -> impl Iterator<Item = &CallCost> {
        self.calls.iter().filter(|c| c.disagrees())
    }

    /// Each call's cost (where it has one), by span.
    pub fn by_span(&self) -> HashMap<u32, f64> {
        self.calls
            .iter()
            .filter_map(|c| Some((c.span, c.cost()?)))
            .collect()
    }

    /// The cost of each trace of `set` (indexed like [`TraceSet::traces`]), `None` where no call
    /// of it has a cost.
    pub fn by_trace(&self, set: &TraceSet) -> Vec<Option<f64>> {
        let mut out = vec![None; set.traces().len()];
        for c in &self.calls {
            if let (Some(x), Some(slot)) =
                (c.cost(), out.get_mut(set.span(c.span).trace() as usize))
            {
                *slot = Some(slot.unwrap_or(0.0) + x);
            }
        }
        out
    }

    /// The total and its source per loaded file, in source order.
    pub fn by_source(&self, set: &TraceSet) -> Vec<(Option<f64>, &'static str)> {
        let mut calls: Vec<Vec<&CallCost>> = vec![Vec::new(); set.sources().len()];
        for c in &self.calls {
            if let Some(v) = calls.get_mut(set.span_source(c.span) as usize) {
                v.push(c);
            }
        }
        calls
            .into_iter()
            .map(|cs| {
                let total = cs.iter().filter_map(|c| c.cost()).reduce(|a, b| a + b);
                (total, source_of(cs.into_iter()))
            })
            .collect()
    }
}

fn source_of<'a>(calls: impl Iterator<Item = &'a CallCost>) -> &'static str {
    combined_source(calls.map(CallCost::source))
}

/// The source of costs from parts whose sources are `sources` (each `recorded`, `computed`,
/// `mixed` or `none`): `mixed` where both recorded and computed costs are among them.
pub fn combined_source<'s>(sources: impl IntoIterator<Item = &'s str>) -> &'static str {
    let (mut recorded, mut computed) = (false, false);
    for source in sources {
        match source {
            "recorded" => recorded = true,
            "computed" => computed = true,
            "mixed" => (recorded, computed) = (true, true),
            _ => {}
        }
    }
    match (recorded, computed) {
        (true, true) => "mixed",
        (true, false) => "recorded",
        (false, true) => "computed",
        (false, false) => "none",
    }
}

/// The costs of the LLM calls in `traces` (indices into [`TraceSet::traces`]).
pub fn cost_report(set: &TraceSet, table: &PriceTable, traces: &[u32]) -> CostReport {
    let mut report = CostReport::default();
    // Each model (with its provider) is looked up once.
    let mut prices: HashMap<(StrId, StrId), Option<PriceMatch>> = HashMap::new();
    for &t in traces {
        let Some(trace) = set.traces().get(t as usize) else {
            continue;
        };
        for i in trace.spans.start..trace.spans.end {
            let s = set.span(i);
            if !set.counts_usage(i) {
                if s.kind().is_billed()
                    && s.usage()
                        .is_none_or(|u| !u.has_tokens() && u.cost_usd.is_none())
                {
                    report.without_usage.push(i);
                }
                continue;
            }
            let usage = s.usage().unwrap_or_default();
            let price = prices
                .entry((set.spans.model[i as usize], set.spans.provider[i as usize]))
                .or_insert_with(|| table.lookup(s.model(), s.provider()))
                .clone();
            let priced = price
                .as_ref()
                .filter(|_| usage.has_tokens())
                .map(|p| p.price.cost(&usage));
            report.calls.push(CallCost {
                span: i,
                recorded: usage.cost_usd,
                computed: priced.as_ref().map(|p| p.usd),
                fallbacks: priced.map(|p| p.fallbacks).unwrap_or_default(),
                price,
            });
        }
    }
    report
}

/// How calls are grouped in a breakdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum GroupBy {
    /// The call's model.
    Model,
    /// The call's provider.
    Provider,
    /// The call's span name.
    Name,
    /// The call's own kind (LLM call or embedding).
    Kind,
    /// The kind of the call's parent (the agent, chain or tool that made the call).
    ParentKind,
    /// The call's trace.
    Trace,
    /// The trace's session.
    Session,
    /// The trace's user.
    User,
    /// Each of the trace's tags.
    Tag,
}

/// Calls grouped under one key, with their tokens by class and their cost.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    /// The key (`(none)` where calls have no value).
    pub key: String,
    /// The trace, when grouping by trace.
    pub trace: Option<u32>,
    /// Calls.
    pub calls: u32,
    /// Input tokens, cached ones included.
    pub input: u64,
    /// Cached input tokens read.
    pub cache_read: u64,
    /// Input tokens written to the cache.
    pub cache_write: u64,
    /// Output tokens, reasoning included.
    pub output: u64,
    /// Reasoning tokens.
    pub reasoning: u64,
    /// Cost of the calls that have one.
    pub cost: f64,
    /// Calls that have a cost.
    pub costed_calls: u32,
}

impl Group {
    /// Its tokens in disjoint classes, as a stacked chart draws them: uncached input, cache
    /// read, cache write, output other than reasoning, and reasoning.
    pub fn classes(&self) -> [u64; 5] {
        let uncached = self
            .input
            .saturating_sub(self.cache_read.saturating_add(self.cache_write));
        let visible = self.output.saturating_sub(self.reasoning);
        [
            uncached,
            self.cache_read,
            self.cache_write,
            visible,
            self.reasoning,
        ]
    }
}

/// The calls of `report` grouped by `by`, most expensive first (then most tokens).
pub fn breakdown(set: &TraceSet, report: &CostReport, by: GroupBy) -> Vec<Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let none = || "(none)".to_string();
    for c in &report.calls {
        let s = set.span(c.span);
        let trace = &set.traces()[s.trace() as usize];
        let text = |v: &str| if v.is_empty() { none() } else { v.to_string() };
        let keys: Vec<String> = match by {
            GroupBy::Model => vec![text(s.model())],
            GroupBy::Provider => vec![text(s.provider())],
            GroupBy::Name => vec![text(s.name())],
            GroupBy::Kind => vec![s.kind().label().to_string()],
            GroupBy::ParentKind => vec![s.parent().map_or_else(
                || "root".to_string(),
                |p| set.span(p).kind().label().to_string(),
            )],
            GroupBy::Trace => vec![format!("{}", s.trace())],
            GroupBy::Session => vec![text(set.str(trace.session))],
            GroupBy::User => vec![text(set.str(trace.user))],
            GroupBy::Tag => {
                if trace.tags.is_empty() {
                    vec![none()]
                } else {
                    trace.tags.iter().map(|t| set.str(*t).to_string()).collect()
                }
            }
        };
        let u = s.usage().unwrap_or_default();
        for key in keys {
            let g = groups.entry(key.clone()).or_insert_with(|| Group {
                key,
                trace: (by == GroupBy::Trace).then(|| s.trace()),
                ..Group::default()
            });
            g.calls += 1;
            g.input += u.input.unwrap_or(0);
            g.cache_read += u.cache_read.unwrap_or(0);
            g.cache_write += u.cache_write.unwrap_or(0);
            g.output += u.output.unwrap_or(0);
            g.reasoning += u.reasoning.unwrap_or(0);
            if let Some(x) = c.cost() {
                g.cost += x;
                g.costed_calls += 1;
            }
        }
    }
    let mut out: Vec<Group> = groups.into_values().collect();
    if by == GroupBy::Trace {
        for g in &mut out {
            if let Some(t) = g.trace {
                let root = set.span(set.traces()[t as usize].root());
                g.key = root.name().to_string();
            }
        }
    }
    out.sort_by(|a, b| {
        b.cost
            .total_cmp(&a.cost)
            .then((b.input + b.output).cmp(&(a.input + a.output)))
            .then(a.key.cmp(&b.key))
    });
    out
}

/// What the calls of `report` would cost priced as `model`; `None` when `model` has no price.
pub fn what_if(
    set: &TraceSet,
    report: &CostReport,
    table: &PriceTable,
    model: &str,
) -> Option<f64> {
    let price = table.lookup(model, "")?.price;
    Some(
        report
            .calls
            .iter()
            .filter_map(|c| set.span(c.span).usage())
            .map(|u| price.cost(&u).usd)
            .sum(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_groups_token_classes_are_disjoint_and_add_up() {
        let g = Group {
            input: 1000,
            cache_read: 600,
            cache_write: 100,
            output: 300,
            reasoning: 120,
            ..Group::default()
        };
        assert_eq!(g.classes(), [300, 600, 100, 180, 120]);
        assert_eq!(g.classes().iter().sum::<u64>(), g.input + g.output);
        // A source that reports more cached than input tokens cuts nothing below zero.
        let odd = Group {
            input: 10,
            cache_read: u64::MAX,
            cache_write: 5,
            output: 1,
            reasoning: 2,
            ..Group::default()
        };
        assert_eq!(odd.classes(), [0, u64::MAX, 5, 0, 2]);
    }
}
