//! Pure queries behind the trace list and the tree: sorting and filtering traces, and the rows
//! of a tree with some spans collapsed.

use crate::model::set::TraceSet;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A column of the trace list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum TraceColumn {
    /// Root span name.
    Name,
    /// Service of the root span.
    Service,
    /// Session (conversation, thread).
    Session,
    /// End user.
    User,
    /// Start time.
    #[default]
    Start,
    /// Duration.
    Duration,
    /// Span count.
    Spans,
    /// Error count.
    Errors,
    /// LLM call count.
    LlmCalls,
    /// Input plus output tokens.
    Tokens,
    /// Recorded cost.
    Cost,
}

/// How the trace list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct TraceSort {
    /// The column.
    pub column: TraceColumn,
    /// Largest first.
    pub descending: bool,
}

impl TraceSort {
    /// The order after a click on `column`'s header: the other direction on the same column;
    /// on another column, text from A to Z and figures largest first.
    pub fn clicked(self, column: TraceColumn) -> TraceSort {
        if self.column == column {
            return TraceSort {
                column,
                descending: !self.descending,
            };
        }
        let text = matches!(
            column,
            TraceColumn::Name | TraceColumn::Service | TraceColumn::Session | TraceColumn::User
        );
        TraceSort {
            column,
            descending: !text,
        }
    }
}

/// Indices of the traces whose spans' names or services, or whose session or user, contain
/// `filter` (case-insensitive; empty keeps all), ordered by `sort`. Ties keep start order.
pub fn trace_rows(set: &TraceSet, filter: &str, sort: TraceSort) -> Vec<u32> {
    let needle = filter.trim().to_lowercase();
    let rows: Vec<u32> = (0..set.traces().len() as u32)
        .filter(|&t| needle.is_empty() || trace_matches(set, t, &needle))
        .collect();
    sort_traces(set, rows, sort, &[])
}

/// The traces `rows` ordered by `sort`; `costs` gives each trace's cost (see
/// [`crate::analysis::cost::CostReport::by_trace`]), else the recorded cost is used. Ties keep their order.
pub fn sort_traces(
    set: &TraceSet,
    mut rows: Vec<u32>,
    sort: TraceSort,
    costs: &[Option<f64>],
) -> Vec<u32> {
    let traces = set.traces();
    let root_of = |t: u32| set.span(traces[t as usize].root());
    match sort.column {
        TraceColumn::Name => rows.sort_by_cached_key(|&t| root_of(t).name().to_lowercase()),
        TraceColumn::Service => rows.sort_by_cached_key(|&t| root_of(t).service().to_lowercase()),
        TraceColumn::Session => rows.sort_by_cached_key(|&t| set.str(traces[t as usize].session)),
        TraceColumn::User => rows.sort_by_cached_key(|&t| set.str(traces[t as usize].user)),
        TraceColumn::Start => rows.sort_by_key(|&t| traces[t as usize].start),
        TraceColumn::Duration => rows.sort_by_key(|&t| traces[t as usize].duration()),
        TraceColumn::Spans => rows.sort_by_key(|&t| traces[t as usize].span_count()),
        TraceColumn::Errors => rows.sort_by_key(|&t| traces[t as usize].error_count),
        TraceColumn::LlmCalls => rows.sort_by_key(|&t| traces[t as usize].llm_calls),
        TraceColumn::Tokens => rows.sort_by_key(|&t| {
            let tr = &traces[t as usize];
            tr.input_tokens + tr.output_tokens
        }),
        TraceColumn::Cost => rows.sort_by(|&a, &b| {
            let cost = |t: u32| {
                costs
                    .get(t as usize)
                    .copied()
                    .unwrap_or(traces[t as usize].cost_usd)
                    .unwrap_or(-1.0)
            };
            cost(a).total_cmp(&cost(b))
        }),
    }
    if sort.descending {
        rows.reverse();
    }
    rows
}

fn trace_matches(set: &TraceSet, t: u32, needle: &str) -> bool {
    let tr = &set.traces()[t as usize];
    let r = tr.spans;
    let found = |id| set.str(id).to_lowercase().contains(needle);
    if found(tr.session) || found(tr.user) {
        return true;
    }
    (r.start..r.end).any(|i| {
        let s = set.span(i);
        s.name().to_lowercase().contains(needle) || s.service().to_lowercase().contains(needle)
    })
}

/// The distinct models of trace `t`'s billed model calls (LLM, embedding, reranker), in order
/// of first use.
pub fn trace_models(set: &TraceSet, t: u32) -> Vec<&str> {
    let r = set.traces()[t as usize].spans;
    let mut models: Vec<&str> = Vec::new();
    for i in r.start..r.end {
        let s = set.span(i);
        if s.kind().is_billed() && !s.model().is_empty() && !models.contains(&s.model()) {
            models.push(s.model());
        }
    }
    models
}

/// The spans of trace `t` shown as rows when the spans in `collapsed` hide their subtrees.
pub fn tree_rows(set: &TraceSet, t: u32, collapsed: &HashSet<u32>) -> Vec<u32> {
    let r = set.traces()[t as usize].spans;
    let mut rows = Vec::with_capacity(r.len());
    let mut i = r.start;
    while i < r.end {
        rows.push(i);
        i = if collapsed.contains(&i) {
            set.span(i).subtree_end()
        } else {
            i + 1
        };
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::generate::{GenOptions, otlp_json};

    fn sample() -> TraceSet {
        let text = otlp_json(&GenOptions {
            spans: 120,
            traces: 6,
            ..GenOptions::default()
        });
        crate::import(text.as_bytes(), "gen.json").unwrap()
    }

    #[test]
    fn sorting_by_each_column_orders_the_rows() {
        let set = sample();
        let rows = trace_rows(&set, "", TraceSort::default());
        assert_eq!(rows, (0..6).collect::<Vec<_>>(), "start order by default");
        let by_duration = trace_rows(
            &set,
            "",
            TraceSort {
                column: TraceColumn::Duration,
                descending: true,
            },
        );
        let d: Vec<i64> = by_duration
            .iter()
            .map(|&t| set.traces()[t as usize].duration())
            .collect();
        assert!(d.windows(2).all(|w| w[0] >= w[1]), "{d:?}");
    }

    #[test]
    fn models_are_listed_once_in_order_of_use() {
        let set = sample();
        let models = trace_models(&set, 0);
        assert!(!models.is_empty());
        let mut unique = models.clone();
        unique.dedup();
        assert_eq!(models.len(), unique.len());
        let by_cost = trace_rows(
            &set,
            "",
            TraceSort {
                column: TraceColumn::Cost,
                descending: true,
            },
        );
        assert_eq!(by_cost.len(), 6);
    }

    #[test]
    fn the_filter_matches_any_span_name() {
        let set = sample();
        assert_eq!(trace_rows(&set, "RETRIEVAL", TraceSort::default()).len(), 6);
        assert!(trace_rows(&set, "no such span", TraceSort::default()).is_empty());
    }

    #[test]
    fn collapsing_hides_a_subtree() {
        let set = sample();
        let all = tree_rows(&set, 0, &HashSet::new());
        assert_eq!(all.len(), set.traces()[0].span_count() as usize);
        let root = set.traces()[0].root();
        assert_eq!(tree_rows(&set, 0, &HashSet::from([root])), vec![root]);
    }

    #[test]
    fn a_header_click_turns_the_order_or_starts_a_column_its_natural_way() {
        let start = TraceSort::default();
        let by_cost = start.clicked(TraceColumn::Cost);
        assert_eq!(
            (by_cost.column, by_cost.descending),
            (TraceColumn::Cost, true)
        );
        assert!(
            !by_cost.clicked(TraceColumn::Cost).descending,
            "a second click turns it"
        );
        let by_user = by_cost.clicked(TraceColumn::User);
        assert_eq!(
            (by_user.column, by_user.descending),
            (TraceColumn::User, false)
        );
        assert!(by_user.clicked(TraceColumn::User).descending);
        let latest_first = TraceSort {
            column: TraceColumn::Start,
            descending: true,
        };
        assert!(!latest_first.clicked(TraceColumn::Start).descending);
        assert!(
            by_user.clicked(TraceColumn::Start).descending,
            "times start latest first"
        );
    }
}
