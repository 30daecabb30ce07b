//! The engine behind the page, as Perfetto's trace processor is: it holds the loaded set and
//! answers small, typed requests for what the page draws (the figures, a window of trace rows,
//! a trace's tree rows, a span's detail, the filter's count and completions, the overview, the
//! latency table, the flame graphs in a viewport, the cost report, and comparisons: two traces'
//! merged tree a window at a time, their differential flame graph and prompt diffs, two sets
//! group by group). Requests and answers cross
//! between the page and the parsing worker in a compact binary form ([`Request::encode`],
//! [`Response::encode`]).

mod describe;
mod detail;
pub use describe::attributes_shown;
pub use detail::RAW_SHOWN;
mod protocol;
mod tree;
mod views;

pub use protocol::*;
pub use views::{
    BinSpans, CallLine, CostView, LatencyLine, LatencyView, OverviewView, SetsView, Timeline,
    TopSpan, TraceFlameView, timeline,
};

use crate::analysis::browse::{TraceSort, sort_traces, trace_models};
use crate::analysis::compare::Side;
use crate::analysis::compare::align::{AlignedRow, align};
use crate::analysis::cost::{CostReport, cost_report};
use crate::analysis::pricing::PriceTable;
use crate::analysis::query::{Query, QueryError, completions};
use crate::model::json::shown;
use crate::model::set::{Totals, TraceSet};

/// Figures from totals and a cost.
fn figures_of(totals: Totals, cost_usd: Option<f64>, cost_source: &str) -> Figures {
    Figures {
        traces: totals.traces,
        spans: totals.spans,
        errors: totals.errors,
        llm_calls: totals.llm_calls,
        embedding_calls: totals.embedding_calls,
        input_tokens: totals.input_tokens,
        output_tokens: totals.output_tokens,
        cost_usd,
        cost_source: cost_source.to_string(),
        by_source: Vec::new(),
        warnings: Vec::new(),
    }
}

/// The built-in prices with the overrides `json` (as [`PriceTable::overrides_json`] writes).
pub fn prices_with(json: &str) -> Result<PriceTable, String> {
    let mut prices = PriceTable::builtin();
    prices.load_overrides(json).map_err(|e| e.to_string())?;
    Ok(prices)
}

/// Completions offered for the filter bar's text.
const COMPLETIONS: usize = 8;

/// The loaded set with what the answers are computed from: the prices, every call's cost, and
/// the traces the last query selected.
pub struct Engine {
    set: TraceSet,
    prices: PriceTable,
    costs: CostReport,
    by_trace: Vec<Option<f64>>,
    /// The last query and the traces it selects, in load order: the filter's count, the trace
    /// list, the share scope and the analysis tabs all start from it.
    selected: Option<(String, Vec<u32>)>,
    /// The last query's traces in the order last asked for, and that order.
    listed: Option<(String, TraceSort, Vec<u32>)>,
    /// The rows of the trace tree last asked for.
    shown: Option<tree::Shown>,
    /// The traces the analysis tabs' query chose, and what was computed over them.
    chosen: Option<views::Chosen>,
    /// The flame graph layout of the trace last drawn.
    flamed: Option<(u32, Vec<crate::analysis::flame::FlameRect>)>,
    /// The merged tree of the two traces last compared.
    aligned: Option<((u32, u32), Vec<AlignedRow>)>,
}

impl Engine {
    /// An engine over `set`, with the built-in prices.
    pub fn new(set: TraceSet) -> Engine {
        Engine::with_prices(set, PriceTable::builtin())
    }

    /// An engine over `set`, pricing calls with `prices`.
    pub fn with_prices(set: TraceSet, prices: PriceTable) -> Engine {
        let mut engine = Engine {
            set,
            prices,
            costs: CostReport::default(),
            by_trace: Vec::new(),
            selected: None,
            listed: None,
            shown: None,
            chosen: None,
            flamed: None,
            aligned: None,
        };
        engine.price();
        engine
    }

    /// The set it answers for.
    pub fn set(&self) -> &TraceSet {
        &self.set
    }

    /// Gives up the set (to add files to it).
    pub fn into_set(self) -> TraceSet {
        self.set
    }

    fn price(&mut self) {
        let all: Vec<u32> = (0..self.set.traces().len() as u32).collect();
        self.costs = cost_report(&self.set, &self.prices, &all);
        self.by_trace = self.costs.by_trace(&self.set);
        self.selected = None;
        self.listed = None;
        self.chosen = None;
        self.aligned = None;
    }

    /// Traces `a` and `b` as the two sides of a comparison, if both exist.
    fn sides(&self, a: u32, b: u32) -> Option<(Side<'_>, Side<'_>)> {
        let traces = self.set.traces().len() as u32;
        (a < traces && b < traces).then(|| {
            (
                Side::new(&self.set, vec![a], &self.costs),
                Side::new(&self.set, vec![b], &self.costs),
            )
        })
    }

    /// The merged tree of traces `a` and `b`: the one kept for the same pair, or aligned now.
    fn aligned(&mut self, a: u32, b: u32) -> Option<&[AlignedRow]> {
        if self
            .aligned
            .as_ref()
            .is_none_or(|(pair, _)| *pair != (a, b))
        {
            let (sa, sb) = self.sides(a, b)?;
            let rows = align(&sa, a, &sb, b);
            self.aligned = Some(((a, b), rows));
        }
        self.aligned.as_ref().map(|(_, rows)| rows.as_slice())
    }

    /// The traces `query` selects, with what is computed over them: the ones kept for the
    /// same query, or chosen now. The caller puts them back (`self.chosen`) when done.
    fn take_chosen(&mut self, query: String) -> views::Chosen {
        match self.chosen.take() {
            Some(chosen) if chosen.query == query => chosen,
            _ => {
                let traces = self.selected(&query).to_vec();
                views::Chosen::new(query, traces)
            }
        }
    }

    /// Answers a request about the traces `query` selects.
    fn over_chosen(
        &mut self,
        query: String,
        answer: impl FnOnce(&mut views::Chosen, &TraceSet, views::Priced) -> Response,
    ) -> Response {
        let mut chosen = self.take_chosen(query);
        let priced = views::Priced {
            all: &self.costs,
            prices: &self.prices,
        };
        let response = answer(&mut chosen, &self.set, priced);
        self.chosen = Some(chosen);
        response
    }

    /// Answers one request.
    pub fn handle(&mut self, request: Request) -> Response {
        match request {
            Request::Prices(json) => match prices_with(&json) {
                // The same overrides again: every cost stands.
                Ok(prices) if prices.overrides() == self.prices.overrides() => Response::Done,
                Ok(prices) => {
                    self.prices = prices;
                    self.price();
                    Response::Done
                }
                Err(e) => Response::Failed(e),
            },
            Request::Figures => Response::Figures(self.figures()),
            Request::TraceRows {
                query,
                sort,
                start,
                end,
            } => Response::TraceRows(self.trace_rows(query, sort, start, end)),
            Request::TraceHeader(t) => match tree::header(&self.set, t) {
                Some(h) => Response::TraceHeader(h),
                None => Response::Failed(format!("there is no trace {t}")),
            },
            Request::Count(query) => Response::Count(self.count(query)),
            Request::Locate {
                trace_id,
                span_keys,
            } => Response::Located(tree::locate(&self.set, &trace_id, &span_keys)),
            Request::Name { trace, span } => match tree::name(&self.set, trace, span) {
                Some(named) => Response::Named(named),
                None => Response::Failed(format!("there is no trace {trace}")),
            },
            Request::BundleExtras => Response::BundleExtras(
                serde_json::to_string(&self.set.bundle_extras()).unwrap_or_else(|_| "[]".into()),
            ),
            Request::Remove(source) => {
                crate::import::builder::remove_file(&mut self.set, source);
                self.shown = None;
                self.flamed = None;
                self.price();
                Response::Done
            }
            Request::Select(query) => Response::Traces(self.selected(&query).to_vec()),
            Request::Overview { query, buckets } => self.over_chosen(query, |c, set, priced| {
                Response::Overview(Box::new(c.overview(set, priced, buckets)))
            }),
            Request::Latency { query, by, sort } => self.over_chosen(query, |c, set, _| {
                Response::Latency(views::latency_view(set, c.latency(set, by, sort)))
            }),
            Request::LatencyBin {
                query,
                by,
                sort,
                row,
                bin,
            } => self.over_chosen(query, |c, set, _| {
                Response::BinSpans(views::bin_spans(set, c.latency(set, by, sort), row, bin))
            }),
            Request::AggregateFlame {
                query,
                weight,
                focus,
                width,
            } => self.over_chosen(query, |c, set, priced| {
                Response::AggregateFlame(c.flame(set, priced, weight, &focus, width))
            }),
            Request::CompareTraces { a, b, start, end } => match self.aligned(a, b) {
                Some(rows) => Response::Aligned(Window::of(rows, start, end, |r| r)),
                None => Response::Failed(format!("there is no trace {a} or {b}")),
            },
            Request::FindAligned { a, b, depth, name } => match self.aligned(a, b) {
                Some(rows) => Response::AlignedAt(
                    rows.iter()
                        .position(|r| r.depth == depth && r.name == name && r.b.is_some())
                        .map(|i| (i as u32, rows[i].clone())),
                ),
                None => Response::Failed(format!("there is no trace {a} or {b}")),
            },
            Request::CompareSets { a, b } => {
                let (ta, tb) = match (self.side(&a), self.side(&b)) {
                    (Ok(ta), Ok(tb)) => (ta, tb),
                    (Err(e), _) => return Response::Failed(format!("The baseline's filter: {e}")),
                    (_, Err(e)) => return Response::Failed(format!("The candidate's filter: {e}")),
                };
                let (sa, sb) = (
                    Side::new(&self.set, ta, &self.costs),
                    Side::new(&self.set, tb, &self.costs),
                );
                Response::SetComparison(Box::new(views::sets_view(&sa, &sb)))
            }
            Request::DiffFlame {
                a,
                b,
                weight,
                width,
            } => {
                let flame = |t: u32| {
                    crate::analysis::flame::AggregateFlame::build(&self.set, &[t], &self.costs)
                };
                let (fa, fb) = (flame(a), flame(b));
                Response::DiffFlame(crate::analysis::compare::flame::diff_boxes(
                    &fa, &fb, 0, weight, width,
                ))
            }
            Request::PromptDiff { a, b } => {
                let count = self.set.span_count() as u32;
                if a >= count || b >= count {
                    Response::Failed(format!("there is no span {a} or {b}"))
                } else {
                    Response::PromptDiff(crate::analysis::compare::prompt::prompt_diff(
                        &self.set.span(a),
                        &self.set.span(b),
                    ))
                }
            }
            Request::Costs { query, by, what_if } => self.over_chosen(query, |c, set, priced| {
                Response::Costs(Box::new(c.costs_view(set, priced, by, &what_if)))
            }),
            Request::TraceFlame {
                trace,
                zoom,
                width,
                rows,
                search,
            } => {
                let rects = match self.flamed.take() {
                    Some((t, rects)) if t == trace => rects,
                    _ => crate::analysis::flame::trace_flame(&self.set, trace),
                };
                let view = views::trace_flame_view(
                    &self.set,
                    &self.costs,
                    (trace, &rects),
                    zoom,
                    (width, rows),
                    &search,
                );
                self.flamed = Some((trace, rects));
                Response::TraceFlame(view)
            }
            Request::Complete(text) => {
                Response::Completions(completions(&self.set, &text, COMPLETIONS))
            }
            Request::SpanDetail(i) => match detail::detail(&self.set, i) {
                Some(d) => Response::SpanDetail(Box::new(d)),
                None => Response::Failed(format!("there is no span {i}")),
            },
            Request::SpanJson(i) if (i as usize) < self.set.span_count() => {
                Response::SpanJson(self.set.span(i).raw_json().to_string())
            }
            Request::SpanJson(i) => Response::Failed(format!("there is no span {i}")),
            Request::TreeRows {
                trace,
                collapsed,
                start,
                end,
                zoom,
            } => {
                let collapsed = collapsed.into_iter().collect();
                let shown = match self.shown.take() {
                    Some(shown) if shown.is(trace, &collapsed) => shown,
                    _ => tree::Shown::new(&self.set, trace, collapsed),
                };
                let window = shown.window(&self.set, start..end, zoom.as_ref());
                self.shown = Some(shown);
                Response::TreeRows(window)
            }
        }
    }

    fn figures(&self) -> Figures {
        let mut all = figures_of(self.set.totals(), self.costs.total(), self.costs.source());
        all.by_source = self
            .set
            .totals_by_source()
            .into_iter()
            .zip(self.costs.by_source(&self.set))
            .enumerate()
            .map(|(i, (totals, (cost, source)))| Figures {
                warnings: self.set.diagnostics().lines(Some(i as u32)),
                ..figures_of(totals, cost, source)
            })
            .collect();
        all
    }

    /// The traces `query` selects (all of them while it is empty or malformed), in load order;
    /// selected once for the same query asked again.
    fn selected(&mut self, query: &str) -> &[u32] {
        if self.selected.as_ref().is_none_or(|(q, _)| q != query) {
            let traces = match Query::parse(query) {
                Ok(q) if !q.is_empty() => q.filter(&self.set, Some(&self.costs)),
                _ => (0..self.set.traces().len() as u32).collect(),
            };
            self.selected = Some((query.to_string(), traces));
        }
        self.selected.as_ref().map_or(&[], |(_, traces)| traces)
    }

    /// The traces filter `query` selects as a side of a comparison (every trace when empty);
    /// selected apart from the filter bar's, whose traces stay kept.
    fn side(&self, query: &str) -> Result<Vec<u32>, QueryError> {
        let q = Query::parse(query)?;
        Ok(if q.is_empty() {
            (0..self.set.traces().len() as u32).collect()
        } else {
            q.filter(&self.set, Some(&self.costs))
        })
    }

    /// How many traces `query` selects.
    fn count(&mut self, query: String) -> u32 {
        self.selected(&query).len() as u32
    }

    fn trace_rows(&mut self, query: String, sort: TraceSort, start: u32, end: u32) -> TraceWindow {
        let same = matches!(&self.listed, Some((q, s, _)) if *q == query && *s == sort);
        if !same {
            let traces = self.selected(&query).to_vec();
            let rows = sort_traces(&self.set, traces, sort, &self.by_trace);
            self.listed = Some((query, sort, rows));
        }
        let listed = self.listed.as_ref().map_or(&[][..], |(_, _, rows)| rows);
        let set = &self.set;
        Window::of(listed, start, end, |t| {
            let tr = &set.traces()[t as usize];
            let root = set.span(tr.root());
            TraceRow {
                trace: t,
                name: shown(root.name()),
                extra_roots: tr.root_count.saturating_sub(1),
                service: shown(root.service()),
                models: trace_models(set, t).into_iter().map(shown).collect(),
                session: shown(set.str(tr.session)),
                user: shown(set.str(tr.user)),
                start: tr.start,
                duration: tr.duration(),
                spans: tr.span_count(),
                errors: tr.error_count,
                llm_calls: tr.llm_calls,
                input_tokens: tr.input_tokens,
                output_tokens: tr.output_tokens,
                cost_usd: self.by_trace.get(t as usize).copied().flatten(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::browse::TraceColumn;
    use crate::generate::{GenOptions, otlp_json};

    fn engine() -> Engine {
        let text = otlp_json(&GenOptions {
            spans: 400,
            traces: 20,
            ..GenOptions::default()
        });
        Engine::new(crate::import(text.as_bytes(), "gen.json").unwrap())
    }

    fn ask(engine: &mut Engine, request: Request) -> Response {
        // Every request and answer goes through its binary form, as between page and worker.
        let request = Request::decode(&request.encode()).unwrap();
        Response::decode(&engine.handle(request).encode()).unwrap()
    }

    #[test]
    fn figures_are_the_sets_totals_with_the_computed_cost() {
        let mut e = engine();
        let totals = e.set().totals();
        let Response::Figures(f) = ask(&mut e, Request::Figures) else {
            panic!("figures expected");
        };
        assert_eq!(
            (f.traces, f.spans, f.errors, f.llm_calls),
            (totals.traces, totals.spans, totals.errors, totals.llm_calls)
        );
        assert_eq!(
            (f.input_tokens, f.output_tokens),
            (totals.input_tokens, totals.output_tokens)
        );
        assert!(f.cost_usd.is_some_and(|c| c > 0.0), "{f:?}");
        assert_eq!(f.cost_source, "computed");
        assert_eq!(f.by_source.len(), 1);
        assert_eq!(
            (f.by_source[0].spans, f.by_source[0].cost_usd),
            (f.spans, f.cost_usd)
        );
        let Response::Completions(c) = ask(&mut e, Request::Complete("kind:l".into())) else {
            panic!("completions expected");
        };
        assert!(c.iter().any(|s| s == "kind:llm"), "{c:?}");
    }

    #[test]
    fn a_window_of_rows_follows_the_query_and_the_order() {
        let mut e = engine();
        let sort = TraceSort {
            column: TraceColumn::Duration,
            descending: true,
        };
        let window = |e: &mut Engine, query: &str, start, end| match ask(
            e,
            Request::TraceRows {
                query: query.into(),
                sort,
                start,
                end,
            },
        ) {
            Response::TraceRows(w) => w,
            other => panic!("rows expected, got {other:?}"),
        };
        let all = window(&mut e, "", 0, 1000);
        assert_eq!((all.total, all.rows.len()), (20, 20));
        assert!(all.rows.windows(2).all(|w| w[0].duration >= w[1].duration));
        let middle = window(&mut e, "", 5, 8);
        assert_eq!((middle.start, middle.total), (5, 20));
        assert_eq!(
            middle.rows,
            all.rows[5..8].to_vec(),
            "a window is a slice of the list"
        );
        let past = window(&mut e, "", 30, 40);
        assert!(past.rows.is_empty() && past.total == 20);

        let errors = window(&mut e, "status:error", 0, 100);
        assert!(errors.total > 0 && errors.total < 20, "{}", errors.total);
        assert!(errors.rows.iter().all(|r| r.errors > 0));
        let malformed = window(&mut e, "duration:>abc", 0, 100);
        assert_eq!(malformed.total, 20, "a malformed query selects everything");
        assert_eq!(
            ask(&mut e, Request::Count("status:error".into())),
            Response::Count(errors.total)
        );
    }

    #[test]
    fn a_trees_rows_follow_collapsing_and_know_their_parents() {
        let mut e = engine();
        let t = 3;
        let tr = e.set().traces()[t as usize].clone();
        let rows = |e: &mut Engine, collapsed: Vec<u32>, start, end| match ask(
            e,
            Request::TreeRows {
                trace: t,
                collapsed,
                start,
                end,
                zoom: None,
            },
        ) {
            Response::TreeRows(w) => w,
            other => panic!("rows expected, got {other:?}"),
        };
        let all = rows(&mut e, Vec::new(), 0, u32::MAX);
        assert_eq!(all.total, tr.span_count());
        assert_eq!(all.rows[0].span, tr.root());
        assert_eq!((all.rows[0].depth, all.rows[0].parent_row), (0, None));
        for (pos, row) in all.rows.iter().enumerate().skip(1) {
            let parent =
                row.parent_row
                    .expect("every row but the root shows its parent") as usize;
            assert!(parent < pos);
            assert_eq!(all.rows[parent].depth + 1, row.depth);
            assert!((0.0..=100.0).contains(&row.left) && row.left + row.width <= 100.0 + 1e-9);
        }
        assert!(
            all.rows.iter().any(|r| r.critical),
            "the critical path is marked"
        );
        let window = rows(&mut e, Vec::new(), 2, 5);
        assert_eq!(window.rows, all.rows[2..5].to_vec());
        let folded = rows(&mut e, vec![tr.root()], 0, u32::MAX);
        assert_eq!(
            (folded.total, folded.rows.len()),
            (1, 1),
            "a collapsed root hides all"
        );
        let Response::TraceHeader(h) = ask(&mut e, Request::TraceHeader(t)) else {
            panic!("a header expected");
        };
        assert_eq!(
            (h.spans, h.duration, h.name),
            (tr.span_count(), tr.duration(), all.rows[0].name.clone())
        );
        assert!(matches!(
            ask(&mut e, Request::TraceHeader(99)),
            Response::Failed(_)
        ));
    }

    #[test]
    fn a_span_without_times_keeps_a_sliver_in_the_waterfall() {
        let otlp = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"root","startTimeUnixNano":"1000","endTimeUnixNano":"2000"},
          {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174","name":"no times"}]}]}]}"#;
        let mut e = Engine::new(crate::import(otlp, "t.json").unwrap());
        let Response::TreeRows(w) = ask(
            &mut e,
            Request::TreeRows {
                trace: 0,
                collapsed: Vec::new(),
                start: 0,
                end: 2,
                zoom: None,
            },
        ) else {
            panic!("rows expected");
        };
        let untimed = &w.rows[1];
        assert_eq!(untimed.name, "no times");
        assert!(untimed.problems.contains(&"no timestamps".to_string()));
        assert_eq!(
            (untimed.outside, untimed.left, untimed.width),
            (false, 0.0, 0.0)
        );
    }

    #[test]
    fn a_zoom_places_the_waterfalls_bars_across_its_window() {
        let mut e = engine();
        let t = 3;
        let tr = e.set().traces()[t as usize].clone();
        let id = tr.id.to_string();
        let half = tr.duration() / 2;
        let rows = |e: &mut Engine, zoom| match ask(
            e,
            Request::TreeRows {
                trace: t,
                collapsed: Vec::new(),
                start: 0,
                end: u32::MAX,
                zoom,
            },
        ) {
            Response::TreeRows(w) => w.rows,
            other => panic!("rows expected, got {other:?}"),
        };
        let all = rows(&mut e, None);
        assert!(all.iter().all(|r| !r.outside));
        let later = rows(&mut e, Some((id.clone(), [half, tr.duration()])));
        assert_eq!(later.len(), all.len(), "zooming hides no row");
        assert_eq!(
            (later[0].left, later[0].width, later[0].outside),
            (0.0, 100.0, false),
            "the root spans the window"
        );
        for (whole, zoomed) in all.iter().zip(&later) {
            let span = e.set().span(whole.span);
            let (from, to) = (span.start() - tr.start, span.end() - tr.start);
            let before = to < half || (to == half && from < to);
            assert_eq!(zoomed.outside, before, "{}", whole.name);
            if !zoomed.outside {
                let expected =
                    ((from - half).max(0) as f64 / (tr.duration() - half) as f64) * 100.0;
                assert!((zoomed.left - expected).abs() < 1e-6, "{}", whole.name);
            }
        }
        assert!(
            later.iter().any(|r| r.outside),
            "an early span leaves the window"
        );
        assert_eq!(
            rows(
                &mut e,
                Some(("another trace".into(), [half, tr.duration()]))
            ),
            all,
            "a zoom of another trace leaves the bars where they were"
        );
    }

    #[test]
    fn price_overrides_change_the_costs() {
        let mut e = engine();
        let cost = |e: &mut Engine| match ask(e, Request::Figures) {
            Response::Figures(f) => f.cost_usd.unwrap_or(0.0),
            other => panic!("{other:?}"),
        };
        let before = cost(&mut e);
        let mut table = PriceTable::builtin();
        let set = e.set();
        let model = (0..set.span_count() as u32)
            .map(|i| set.span(i))
            .find(|s| s.kind() == crate::SpanKind::Llm && !s.model().is_empty())
            .map(|s| s.model().to_string())
            .unwrap();
        table.set_override(&model, crate::analysis::pricing::Price::default());
        assert_eq!(
            ask(&mut e, Request::Prices(table.overrides_json())),
            Response::Done
        );
        assert!(cost(&mut e) < before);
        assert!(matches!(
            ask(&mut e, Request::Prices("not json".into())),
            Response::Failed(_)
        ));
    }
}
