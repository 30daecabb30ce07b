//! The answers for one trace's view: its head, and windows of its span tree's rows with each
//! bar's place in the waterfall and the critical path marked.

use super::{Located, Named, TraceHeader, TreeRow, TreeWindow, Window};
use crate::analysis::browse::tree_rows;
use crate::analysis::flame::{TimeWindow, critical_path};
use crate::model::SpanFlags;
use crate::model::json::shown;
use crate::model::set::TraceSet;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// What a span's flags say is wrong with it, as the tree marks it.
const PROBLEMS: [(u8, &str); 4] = [
    (SpanFlags::ORPHAN, "parent not loaded"),
    (SpanFlags::CYCLE_BROKEN, "cycle cut here"),
    (SpanFlags::DUPLICATE_ID, "duplicate span id"),
    (SpanFlags::NO_TIMESTAMPS, "no timestamps"),
];

/// The head of trace `t`'s view, or `None` past the last trace.
pub(super) fn header(set: &TraceSet, t: u32) -> Option<TraceHeader> {
    let tr = set.traces().get(t as usize)?;
    Some(TraceHeader {
        id: tr.id.to_string(),
        name: shown(set.span(tr.root()).name()),
        start: tr.start,
        duration: tr.duration(),
        spans: tr.span_count(),
        errors: tr.error_count,
        session: shown(set.str(tr.session)),
        user: shown(set.str(tr.user)),
        tags: tr.tags.iter().map(|&id| shown(set.str(id))).collect(),
        scores: set
            .trace_scores(t)
            .iter()
            .map(|s| {
                let by: Vec<&str> = [s.source, s.comment]
                    .into_iter()
                    .filter(|x| !x.is_empty())
                    .collect();
                (format!("{} {}", s.name, s.value), by.join(": "))
            })
            .collect(),
    })
}

/// The trace with id `trace_id` and, in it, the spans with keys `keys` (by key; else by the id
/// as shown or in hex, as links written before keys named spans).
pub(super) fn locate(set: &TraceSet, trace_id: &str, keys: &[String]) -> Option<Located> {
    let t = set
        .traces()
        .iter()
        .position(|t| t.id.to_string() == trace_id)? as u32;
    let r = set.traces()[t as usize].spans;
    let find = |key: &str| {
        (r.start..r.end)
            .find(|&i| set.span(i).key() == key)
            .or_else(|| {
                (r.start..r.end).find(|&i| {
                    let s = set.span(i);
                    s.span_id_text() == key || s.span_id().to_string() == key
                })
            })
            .map(|i| (i, set.span(i).name().to_string()))
    };
    Some(Located {
        trace: t,
        spans: keys.iter().map(|k| find(k)).collect(),
    })
}

/// The ids of trace `t` and of span `span`, when both are loaded (a span of another trace is
/// left out).
pub(super) fn name(set: &TraceSet, t: u32, span: Option<u32>) -> Option<Named> {
    let tr = set.traces().get(t as usize)?;
    let span = span.filter(|&s| (tr.spans.start..tr.spans.end).contains(&s));
    Some(Named {
        trace: t,
        span,
        trace_id: tr.id.to_string(),
        span_key: span.map(|s| (set.span(s).key(), set.span(s).name().to_string())),
    })
}

/// The shown rows of one trace's tree, kept while the page scrolls through them.
pub(super) struct Shown {
    trace: u32,
    collapsed: HashSet<u32>,
    rows: Vec<u32>,
    position: HashMap<u32, u32>,
    critical: HashSet<u32>,
}

impl Shown {
    /// The rows of trace `t` with `collapsed` spans hiding their subtrees.
    pub(super) fn new(set: &TraceSet, t: u32, collapsed: HashSet<u32>) -> Shown {
        let rows = if (t as usize) < set.traces().len() {
            tree_rows(set, t, &collapsed)
        } else {
            Vec::new()
        };
        let position = rows
            .iter()
            .enumerate()
            .map(|(pos, &span)| (span, pos as u32))
            .collect();
        let critical = critical_path(set, t).into_iter().map(|s| s.span).collect();
        Shown {
            trace: t,
            collapsed,
            rows,
            position,
            critical,
        }
    }

    /// Whether these are the rows of trace `t` with `collapsed` hidden.
    pub(super) fn is(&self, t: u32, collapsed: &HashSet<u32>) -> bool {
        self.trace == t && self.collapsed == *collapsed
    }

    /// Rows `rows`, their bars placed across the window `zoom` names (the whole trace when it
    /// names another trace or none).
    pub(super) fn window(
        &self,
        set: &TraceSet,
        rows: Range<u32>,
        zoom: Option<&(String, [i64; 2])>,
    ) -> TreeWindow {
        let Some(tr) = set.traces().get(self.trace as usize) else {
            return TreeWindow::default();
        };
        let time = TimeWindow::of_zoom(zoom, &tr.id.to_string(), tr.duration().max(1) as f64);
        Window::of(&self.rows, rows.start, rows.end, |i| {
            let s = set.span(i);
            let flags = s.flags();
            // A span without times has no place in time: it keeps a sliver at the left.
            let place = if flags.has(SpanFlags::NO_TIMESTAMPS) {
                Some((0.0, 0.0))
            } else {
                let from = s.start() - tr.start;
                time.place(from, from.saturating_add(s.duration()))
            };
            let (left, width) = place.unwrap_or_default();
            TreeRow {
                span: i,
                key: s.key(),
                name: shown(s.name()),
                kind: s.kind(),
                depth: s.depth(),
                has_children: s.has_children(),
                parent_row: s.parent().and_then(|p| self.position.get(&p).copied()),
                error: s.is_error(),
                problems: PROBLEMS
                    .iter()
                    .filter(|(f, _)| flags.has(*f))
                    .map(|(_, text)| text.to_string())
                    .collect(),
                critical: self.critical.contains(&i),
                left,
                width,
                outside: place.is_none(),
                duration: s.duration(),
            }
        })
    }
}
