//! The answers for the analysis tabs, over the traces a query selects: the overview (figures,
//! latency percentiles, top spans, a timeline), the latency table with its histograms and a
//! bin's spans, the flame graphs as the viewport shows them, the tokens-and-cost report, and
//! two filters' traces compared set against set. Each crosses as the rows and boxes drawn,
//! never as the set.

use super::Figures;
use crate::analysis::compare::Side;
use crate::analysis::compare::histogram::{PairBin, histograms};
use crate::analysis::compare::sets::{Comparison, compare};
use crate::analysis::cost::{CostReport, Group, GroupBy, breakdown, cost_report, what_if};
use crate::analysis::flame::{
    AggregateFlame, AggregateView, FlameBox, FlameRect, TimeWindow, Viewport, Weight,
};
use crate::analysis::pricing::PriceTable;
use crate::analysis::stats::{
    Bin, LatencyKey, LatencyRow, LatencySort, Summary, latency_table, log_histogram, sort_latency,
    spans_in_bin,
};
use crate::model::Nanos;
use crate::model::json::shown;
use crate::model::set::TraceSet;
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;

/// Histogram bins per power of ten.
const PER_DECADE: u32 = 4;
/// Rows of a top list.
const TOP: usize = 10;
/// Latency rows sent at most.
const LATENCY_ROWS: usize = 500;
/// Spans of a histogram bin listed at most.
const BIN_SPANS: usize = 200;
/// Breakdown groups sent at most.
const GROUPS: usize = 500;
/// Groups of a set comparison sent at most.
const COMPARED_GROUPS: usize = 300;

/// A span in a top list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TopSpan {
    /// Its trace's index.
    pub trace: u32,
    /// The span's index.
    pub span: u32,
    /// Its name.
    pub name: String,
    /// Its kind (for self time) or model (for cost).
    pub detail: String,
    /// Its self time.
    pub self_time: Nanos,
    /// Its cost, and where that comes from.
    pub cost: Option<f64>,
    /// `recorded` or `computed`.
    pub cost_source: String,
}

/// Trace starts over wall-clock time, in equal buckets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// The first trace's start.
    pub start: Nanos,
    /// The last trace's start.
    pub end: Nanos,
    /// Traces without errors per bucket.
    pub ok: Vec<u32>,
    /// Traces with errors per bucket.
    pub failed: Vec<u32>,
}

/// Traces starting at `starts` (time, whether it failed) in `buckets` equal buckets from the
/// first start to the last.
pub fn timeline(starts: &[(Nanos, bool)], buckets: usize) -> Timeline {
    let (Some(lo), Some(hi)) = (
        starts.iter().map(|s| s.0).min(),
        starts.iter().map(|s| s.0).max(),
    ) else {
        return Timeline::default();
    };
    let buckets = buckets.max(1);
    let width = (hi - lo).max(1) as f64;
    let mut t = Timeline {
        start: lo,
        end: hi,
        ok: vec![0; buckets],
        failed: vec![0; buckets],
    };
    for &(at, failed) in starts {
        let b = (((at - lo) as f64 / width) * (buckets - 1) as f64).round() as usize;
        let column = if failed { &mut t.failed } else { &mut t.ok };
        column[b.min(buckets - 1)] += 1;
    }
    t
}

/// The overview of the traces a query selects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OverviewView {
    /// Their figures, with their calls' cost.
    pub figures: Figures,
    /// Their durations' percentiles.
    pub latency: Option<Summary>,
    /// Their spans with the most self time.
    pub top_self_time: Vec<TopSpan>,
    /// Their most expensive LLM calls.
    pub top_cost: Vec<TopSpan>,
    /// Their starts over time.
    pub timeline: Timeline,
}

/// A latency table row as shown: the group's figures and its histogram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyLine {
    /// The group's name.
    pub key: String,
    /// Share of its spans that failed, 0 to 1.
    pub error_rate: f64,
    /// Durations.
    pub total: Summary,
    /// Self times.
    pub self_time: Summary,
    /// Times to first token, where recorded.
    pub first_token: Option<Summary>,
    /// Median output tokens per second.
    pub tokens_per_second: Option<f64>,
    /// Its durations in log-scaled bins.
    pub bins: Vec<Bin>,
}

/// The latency table of the traces a query selects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyView {
    /// Groups in all.
    pub groups: u32,
    /// The first groups, in the order asked.
    pub rows: Vec<LatencyLine>,
}

/// The spans of one histogram bin.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BinSpans {
    /// The bin.
    pub bin: Option<Bin>,
    /// Spans in it.
    pub count: u32,
    /// The first of them: trace, span, name and duration.
    pub spans: Vec<(u32, u32, String, Nanos)>,
}

/// What a trace's flame graph shows in its viewport.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceFlameView {
    /// The trace's id.
    pub trace_id: String,
    /// Its duration.
    pub duration: Nanos,
    /// Rows of its flame graph.
    pub rows: u32,
    /// The window shown.
    pub window: Option<TimeWindow>,
    /// The boxes in view.
    pub boxes: Vec<FlameBox>,
}

/// A costly call in the report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallLine {
    /// Its trace.
    pub trace: u32,
    /// The span.
    pub span: u32,
    /// What the line says.
    pub text: String,
    /// Its model.
    pub model: String,
    /// `recorded` or `computed`.
    pub source: String,
    /// Its cost.
    pub cost: Option<f64>,
}

/// The tokens-and-cost report of the traces a query selects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CostView {
    /// Their calls' cost.
    pub total: Option<f64>,
    /// Where it comes from.
    pub source: String,
    /// The breakdown, most expensive group first.
    pub groups: Vec<Group>,
    /// The most expensive calls.
    pub top_calls: Vec<CallLine>,
    /// Models with no price, and their calls.
    pub unpriced: Vec<(String, u32)>,
    /// Token classes priced at another class's rate: model, class, calls.
    pub missing_rates: Vec<(String, String, u32)>,
    /// LLM calls that report no usage, and the first of them (trace, span).
    pub without_usage: (u32, Option<(u32, u32)>),
    /// Calls whose recorded and computed costs differ by more than 1%: how many, and the first.
    pub disagreements: (u32, Vec<CallLine>),
    /// What the calls would cost priced as the model asked (`None` without a price).
    pub what_if: Option<Option<f64>>,
}

/// The engine's prices, and its report of every call's cost under them.
#[derive(Clone, Copy)]
pub(super) struct Priced<'a> {
    pub all: &'a CostReport,
    pub prices: &'a PriceTable,
}

/// The traces a query selected, with what is computed over them.
pub(super) struct Chosen {
    pub query: String,
    pub traces: Vec<u32>,
    /// Their calls' costs, priced when first needed (unless every trace is chosen: then they
    /// are the engine's own report).
    costs: OnceCell<CostReport>,
    flame: Option<AggregateFlame>,
    latency: Option<(LatencyKey, LatencySort, Vec<LatencyRow>)>,
}

impl Chosen {
    pub fn new(query: String, traces: Vec<u32>) -> Chosen {
        Chosen {
            query,
            traces,
            costs: OnceCell::new(),
            flame: None,
            latency: None,
        }
    }

    fn costs<'a>(&'a self, set: &TraceSet, priced: Priced<'a>) -> &'a CostReport {
        if self.traces.len() == set.traces().len() {
            priced.all
        } else {
            self.costs
                .get_or_init(|| cost_report(set, priced.prices, &self.traces))
        }
    }

    /// The overview, with a timeline of `buckets` buckets.
    pub fn overview(&self, set: &TraceSet, priced: Priced, buckets: u32) -> OverviewView {
        let costs = self.costs(set, priced);
        let totals = set.totals_of(&self.traces);
        let mut durations: Vec<Nanos> = self
            .traces
            .iter()
            .map(|&t| set.traces()[t as usize].duration())
            .collect();
        let starts: Vec<(Nanos, bool)> = self
            .traces
            .iter()
            .map(|&t| {
                let tr = &set.traces()[t as usize];
                (tr.start, tr.error_count > 0)
            })
            .collect();
        OverviewView {
            figures: super::figures_of(totals, costs.total(), costs.source()),
            latency: Summary::of(&mut durations),
            top_self_time: top_self_time(set, &self.traces),
            top_cost: top_calls(set, costs)
                .into_iter()
                .map(|c| TopSpan {
                    trace: c.trace,
                    span: c.span,
                    name: c.text,
                    detail: c.model,
                    self_time: 0,
                    cost: c.cost,
                    cost_source: c.source,
                })
                .collect(),
            timeline: timeline(&starts, buckets as usize),
        }
    }

    /// The latency table grouped by `by`, in order `sort`.
    pub fn latency(&mut self, set: &TraceSet, by: LatencyKey, sort: LatencySort) -> &[LatencyRow] {
        let fresh = !matches!(&self.latency, Some((b, s, _)) if *b == by && *s == sort);
        if fresh {
            let mut rows = match self.latency.take() {
                Some((b, _, rows)) if b == by => rows,
                _ => latency_table(set, &self.traces, by),
            };
            sort_latency(&mut rows, sort);
            self.latency = Some((by, sort, rows));
        }
        self.latency.as_ref().map_or(&[], |(_, _, rows)| rows)
    }

    /// The aggregated flame graph's view.
    pub fn flame(
        &mut self,
        set: &TraceSet,
        priced: Priced,
        weight: Weight,
        focus: &[String],
        width: f64,
    ) -> AggregateView {
        let flame = match self.flame.take() {
            Some(flame) => flame,
            None => AggregateFlame::build(set, &self.traces, self.costs(set, priced)),
        };
        let view = flame.view(flame.find(focus).unwrap_or(0), weight, width);
        self.flame = Some(flame);
        view
    }

    /// The tokens-and-cost report, grouped by `by`, with the cost priced as `model` if named.
    pub fn costs_view(&self, set: &TraceSet, priced: Priced, by: GroupBy, model: &str) -> CostView {
        let costs = self.costs(set, priced);
        let mut groups = breakdown(set, costs, by);
        groups.truncate(GROUPS);
        for g in &mut groups {
            g.key = shown(&g.key);
        }
        let line = |span: u32, cost: Option<f64>, source: &str, text: String| {
            let s = set.span(span);
            CallLine {
                trace: s.trace(),
                span,
                text,
                model: shown(s.model()),
                source: source.to_string(),
                cost,
            }
        };
        let disagreements: Vec<CallLine> = costs
            .disagreements()
            .map(|c| {
                let text = format!(
                    "{}: recorded {} vs computed {}",
                    shown(set.span(c.span).name()),
                    money(c.recorded),
                    money(c.computed)
                );
                line(c.span, c.cost(), c.source(), text)
            })
            .collect();
        CostView {
            total: costs.total(),
            source: costs.source().to_string(),
            groups,
            top_calls: top_calls(set, costs),
            unpriced: costs
                .unpriced_models(set)
                .into_iter()
                .map(|(m, n)| (m.to_string(), n))
                .collect(),
            missing_rates: costs
                .missing_rates()
                .into_iter()
                .map(|((m, class), n)| (m, class.label().to_string(), n))
                .collect(),
            without_usage: (
                costs.without_usage.len() as u32,
                costs
                    .without_usage
                    .first()
                    .map(|&i| (set.span(i).trace(), i)),
            ),
            disagreements: (
                disagreements.len() as u32,
                disagreements.into_iter().take(TOP).collect(),
            ),
            what_if: (!model.trim().is_empty())
                .then(|| what_if(set, costs, priced.prices, model.trim())),
        }
    }
}

/// A cost as the audit words it.
fn money(c: Option<f64>) -> String {
    c.map_or_else(|| "none".to_string(), crate::analysis::display::dollars)
}

/// The spans of `traces` with the most self time.
fn top_self_time(set: &TraceSet, traces: &[u32]) -> Vec<TopSpan> {
    let mut spans: Vec<u32> = traces
        .iter()
        .flat_map(|&t| {
            let r = set.traces()[t as usize].spans;
            r.start..r.end
        })
        .collect();
    let k = TOP.min(spans.len());
    if k == 0 {
        return Vec::new();
    }
    spans.select_nth_unstable_by_key(k - 1, |&i| std::cmp::Reverse(set.span(i).self_time()));
    spans.truncate(k);
    spans.sort_by_key(|&i| std::cmp::Reverse(set.span(i).self_time()));
    spans
        .into_iter()
        .map(|i| {
            let s = set.span(i);
            TopSpan {
                trace: s.trace(),
                span: i,
                name: shown(s.name()),
                detail: s.kind().label().to_string(),
                self_time: s.self_time(),
                cost: None,
                cost_source: String::new(),
            }
        })
        .collect()
}

/// The most expensive calls of `costs`.
fn top_calls(set: &TraceSet, costs: &CostReport) -> Vec<CallLine> {
    let mut calls: Vec<_> = costs.calls.iter().filter(|c| c.cost().is_some()).collect();
    calls.sort_by(|a, b| b.cost().unwrap_or(0.0).total_cmp(&a.cost().unwrap_or(0.0)));
    calls
        .into_iter()
        .take(TOP)
        .map(|c| {
            let s = set.span(c.span);
            CallLine {
                trace: s.trace(),
                span: c.span,
                text: shown(s.name()),
                model: shown(s.model()),
                source: c.source().to_string(),
                cost: c.cost(),
            }
        })
        .collect()
}

/// The latency rows as shown, the first [`LATENCY_ROWS`].
pub(super) fn latency_view(set: &TraceSet, rows: &[LatencyRow]) -> LatencyView {
    LatencyView {
        groups: rows.len() as u32,
        rows: rows
            .iter()
            .take(LATENCY_ROWS)
            .map(|r| LatencyLine {
                key: shown(&r.key),
                error_rate: r.error_rate(),
                total: r.total,
                self_time: r.self_time,
                first_token: r.first_token,
                tokens_per_second: r.tokens_per_second,
                bins: log_histogram(&r.durations(set), PER_DECADE),
            })
            .collect(),
    }
}

/// The spans of bin `bin` of row `row`'s histogram.
pub(super) fn bin_spans(set: &TraceSet, rows: &[LatencyRow], row: u32, bin: u32) -> BinSpans {
    let Some(r) = rows.get(row as usize) else {
        return BinSpans::default();
    };
    let bins = log_histogram(&r.durations(set), PER_DECADE);
    let Some(&chosen) = bins.get(bin as usize) else {
        return BinSpans::default();
    };
    let spans = spans_in_bin(set, r, chosen, bin as usize + 1 == bins.len());
    BinSpans {
        bin: Some(chosen),
        count: spans.len() as u32,
        spans: spans
            .into_iter()
            .take(BIN_SPANS)
            .map(|i| {
                let s = set.span(i);
                (s.trace(), i, shown(s.name()), s.duration())
            })
            .collect(),
    }
}

/// What trace `t`'s flame graph (`rects`) shows in the window `zoom` names for this trace (all
/// of it otherwise), `width` pixels across and down to row `rows`, `search` dimming other names.
pub(super) fn trace_flame_view(
    set: &TraceSet,
    costs: &CostReport,
    (t, rects): (u32, &[FlameRect]),
    zoom: Option<(String, [i64; 2])>,
    (width, rows): (f64, u32),
    search: &str,
) -> TraceFlameView {
    let Some(trace) = set.traces().get(t as usize) else {
        return TraceFlameView::default();
    };
    let id = trace.id.to_string();
    let total = trace.duration().max(1) as f64;
    let window = TimeWindow::of_zoom(zoom.as_ref(), &id, total);
    let cost = |span: u32| {
        costs
            .calls
            .binary_search_by_key(&span, |c| c.span)
            .ok()
            .and_then(|i| costs.calls[i].cost())
    };
    let view = Viewport {
        window,
        width,
        rows,
    };
    TraceFlameView {
        trace_id: id,
        duration: trace.duration().max(1),
        rows: rects.iter().map(|r| r.row + 1).max().unwrap_or(1),
        window: Some(window),
        boxes: crate::analysis::flame::viewport(set, t, rects, view, &search.to_lowercase(), cost),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_puts_each_start_in_one_bucket() {
        let starts = [(0, false), (50, true), (100, false), (100, false)];
        let t = timeline(&starts, 3);
        assert_eq!((t.start, t.end), (0, 100));
        assert_eq!(t.ok, [1, 0, 2]);
        assert_eq!(t.failed, [0, 1, 0]);
        assert_eq!(timeline(&[], 5), Timeline::default());
        let one = timeline(&[(7, true)], 4);
        assert_eq!(
            one.failed.iter().sum::<u32>(),
            1,
            "a single start still counts"
        );
    }
}

/// Two sets of traces compared, as the Compare tab shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetsView {
    /// The totals, and the groups that weigh most (by impact).
    pub comparison: Comparison,
    /// Groups in all.
    pub groups: u32,
    /// Each group's two latency histograms on shared bins, in the groups' order.
    pub histograms: Vec<Vec<PairBin>>,
}

/// The baseline `a` against the candidate `b`, with the groups that weigh most.
pub(super) fn sets_view(a: &Side, b: &Side) -> SetsView {
    let mut comparison = compare(a, b);
    let groups = comparison.groups.len() as u32;
    comparison.groups.truncate(COMPARED_GROUPS);
    let histograms = histograms(a, b, &comparison.groups);
    // Names are shown written out, as everywhere (after the histograms found their spans).
    for g in &mut comparison.groups {
        g.key = shown(&g.key);
    }
    SetsView {
        histograms,
        comparison,
        groups,
    }
}
