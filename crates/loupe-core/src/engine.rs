//! The engine behind the page, as Perfetto's trace processor is: it holds the loaded set and
//! answers small, typed requests for what the page draws (the figures, a window of trace rows),
//! so the page never holds or decodes the whole set. Requests and answers cross between the
//! page and the parsing worker in a compact binary form ([`Request::encode`],
//! [`Response::encode`]).

use crate::browse::{TraceSort, sort_traces, trace_models};
use crate::cost::{CostReport, cost_report};
use crate::pricing::PriceTable;
use crate::query::Query;
use crate::set::{Totals, TraceSet};
use serde::{Deserialize, Serialize};

/// What the page asks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Use these price overrides (the JSON of [`PriceTable::overrides_json`]).
    Prices(String),
    /// The figures of everything loaded.
    Figures,
    /// Rows `start..end` of the trace list: the traces `query` selects (all of them while it
    /// is empty or malformed), ordered by `sort`.
    TraceRows {
        /// The filter bar's text.
        query: String,
        /// The order.
        sort: TraceSort,
        /// First row wanted.
        start: u32,
        /// One past the last row wanted.
        end: u32,
    },
}

/// What the engine answers, one variant per request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The request was carried out.
    Done,
    /// The figures.
    Figures(Figures),
    /// A window of the trace list.
    TraceRows(TraceWindow),
    /// The request could not be answered, and why.
    Failed(String),
}

/// The figures of everything loaded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Traces.
    pub traces: u64,
    /// Spans.
    pub spans: u64,
    /// Spans whose status is error.
    pub errors: u64,
    /// LLM calls.
    pub llm_calls: u64,
    /// Input tokens, without double counting.
    pub input_tokens: u64,
    /// Output tokens, without double counting.
    pub output_tokens: u64,
    /// Cost: recorded where the files record it, else computed from the prices.
    pub cost_usd: Option<f64>,
    /// Where the cost comes from: `recorded`, `computed`, `mixed` or `none`.
    pub cost_source: String,
}

/// Rows of the trace list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceWindow {
    /// Rows in the whole (filtered) list.
    pub total: u32,
    /// The position of the first row given.
    pub start: u32,
    /// The rows asked for.
    pub rows: Vec<TraceRow>,
}

/// One row of the trace list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceRow {
    /// The trace's index in the set.
    pub trace: u32,
    /// Its root span's name.
    pub name: String,
    /// Roots besides the first (orphaned or partial traces).
    pub extra_roots: u32,
    /// The root's service.
    pub service: String,
    /// The models of its LLM calls, in order of first use.
    pub models: Vec<String>,
    /// Its session, or empty.
    pub session: String,
    /// Its end user, or empty.
    pub user: String,
    /// Start, in nanoseconds since the epoch.
    pub start: i64,
    /// Duration, in nanoseconds.
    pub duration: i64,
    /// Spans.
    pub spans: u32,
    /// Spans in error.
    pub errors: u32,
    /// LLM calls.
    pub llm_calls: u32,
    /// Input tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Cost: recorded, else computed.
    pub cost_usd: Option<f64>,
}

/// Why bytes could not be read as a request or an answer.
#[derive(Debug, thiserror::Error)]
#[error("unreadable message between the page and the engine: {0}")]
pub struct MessageError(String);

macro_rules! binary_form {
    ($t:ty) => {
        impl $t {
            /// The compact binary form that crosses between the page and the worker.
            pub fn encode(&self) -> Vec<u8> {
                // Plain data of known types: serializing into memory cannot fail.
                bincode::serialize(self).unwrap_or_default()
            }

            /// Reads what [`Self::encode`] wrote.
            pub fn decode(bytes: &[u8]) -> Result<Self, MessageError> {
                bincode::deserialize(bytes).map_err(|e| MessageError(e.to_string()))
            }
        }
    };
}

binary_form!(Request);
binary_form!(Response);

/// The loaded set with what the answers are computed from: the prices, every call's cost, and
/// the traces the last query selected.
pub struct Engine {
    set: TraceSet,
    prices: PriceTable,
    costs: CostReport,
    by_trace: Vec<Option<f64>>,
    /// The last query, its order and the rows it gave.
    listed: Option<(String, TraceSort, Vec<u32>)>,
}

impl Engine {
    /// An engine over `set`, with the built-in prices.
    pub fn new(set: TraceSet) -> Engine {
        let mut engine = Engine {
            set,
            prices: PriceTable::builtin(),
            costs: CostReport::default(),
            by_trace: Vec::new(),
            listed: None,
        };
        engine.price();
        engine
    }

    /// The set it answers for.
    pub fn set(&self) -> &TraceSet {
        &self.set
    }

    /// Gives up the set (to read its files again beside new ones).
    pub fn into_set(self) -> TraceSet {
        self.set
    }

    fn price(&mut self) {
        let all: Vec<u32> = (0..self.set.traces().len() as u32).collect();
        self.costs = cost_report(&self.set, &self.prices, &all);
        self.by_trace = self.costs.by_trace(&self.set);
        self.listed = None;
    }

    /// Answers one request.
    pub fn handle(&mut self, request: Request) -> Response {
        match request {
            Request::Prices(json) => {
                let mut prices = PriceTable::builtin();
                match prices.load_overrides(&json) {
                    Ok(()) => {
                        self.prices = prices;
                        self.price();
                        Response::Done
                    }
                    Err(e) => Response::Failed(e.to_string()),
                }
            }
            Request::Figures => Response::Figures(self.figures()),
            Request::TraceRows {
                query,
                sort,
                start,
                end,
            } => Response::TraceRows(self.trace_rows(query, sort, start, end)),
        }
    }

    fn figures(&self) -> Figures {
        let Totals {
            traces,
            spans,
            errors,
            llm_calls,
            input_tokens,
            output_tokens,
            ..
        } = self.set.totals();
        Figures {
            traces,
            spans,
            errors,
            llm_calls,
            input_tokens,
            output_tokens,
            cost_usd: self.costs.total(),
            cost_source: self.costs.source().to_string(),
        }
    }

    /// The traces `query` selects, ordered by `sort`; kept for the next window of the same list.
    fn listed(&mut self, query: String, sort: TraceSort) -> &[u32] {
        let same = matches!(&self.listed, Some((q, s, _)) if *q == query && *s == sort);
        if !same {
            let selected = match Query::parse(&query) {
                Ok(q) if !q.is_empty() => q.filter(&self.set, Some(&self.costs)),
                _ => (0..self.set.traces().len() as u32).collect(),
            };
            let rows = sort_traces(&self.set, selected, sort, &self.by_trace);
            self.listed = Some((query, sort, rows));
        }
        self.listed.as_ref().map_or(&[], |(_, _, rows)| rows)
    }

    fn trace_rows(&mut self, query: String, sort: TraceSort, start: u32, end: u32) -> TraceWindow {
        let listed = self.listed(query, sort).to_vec();
        let total = listed.len() as u32;
        let (start, end) = (start.min(total), end.clamp(start.min(total), total));
        let set = &self.set;
        let rows = listed[start as usize..end as usize]
            .iter()
            .map(|&t| {
                let tr = &set.traces()[t as usize];
                let root = set.span(tr.root());
                TraceRow {
                    trace: t,
                    name: root.name().to_string(),
                    extra_roots: tr.root_count.saturating_sub(1),
                    service: root.service().to_string(),
                    models: trace_models(set, t).into_iter().map(String::from).collect(),
                    session: set.str(tr.session).to_string(),
                    user: set.str(tr.user).to_string(),
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
            .collect();
        TraceWindow { total, start, rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browse::TraceColumn;
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
        table.set_override(&model, crate::pricing::Price::default());
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
