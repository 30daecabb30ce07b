//! The engine's requests and answers: small, typed, and carried in a compact binary form.

use super::views::{BinSpans, CostView, LatencyView, OverviewView, SetsView, TraceFlameView};
use crate::analysis::browse::TraceSort;
use crate::analysis::compare::align::AlignedRow;
use crate::analysis::compare::flame::DiffBox;
use crate::analysis::compare::prompt::Section;
use crate::analysis::cost::GroupBy;
use crate::analysis::flame::{AggregateView, Weight};
use crate::analysis::messages::Chat;
use crate::analysis::stats::{LatencyKey, LatencySort};
use crate::model::SpanKind;
use crate::model::usage::Usage;
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
    /// What the head of trace `trace`'s view shows.
    TraceHeader(u32),
    /// Everything the detail panel shows of span `span`.
    SpanDetail(u32),
    /// Span `span`'s whole JSON as its file has it (the detail carries only its start).
    SpanJson(u32),
    /// Completions of the filter bar's text: keys, and values found in the data.
    Complete(String),
    /// How many traces the query selects (all of them while it is empty or malformed).
    Count(String),
    /// The trace with id `trace_id`, and in it the spans with keys `span_keys` (a link, a note,
    /// a bundle's view name them so).
    Locate {
        /// The trace id.
        trace_id: String,
        /// Span keys (or ids as shown) to find in it.
        span_keys: Vec<String>,
    },
    /// The ids of trace `trace` and of span `span` in it, as links and notes name them.
    Name {
        /// The trace's index.
        trace: u32,
        /// A span's index.
        span: Option<u32>,
    },
    /// What loaded session bundles bring besides their traces (view, prices, notes).
    BundleExtras,
    /// Removes loaded file `source` (its index among the sources), reading no other again;
    /// answered with [`Response::Done`].
    Remove(u32),
    /// The traces `query` selects (all of them while it is empty or malformed), in load order.
    Select(String),
    /// The overview of the traces `query` selects, with a timeline of `buckets` buckets.
    Overview {
        /// The filter.
        query: String,
        /// Timeline buckets.
        buckets: u32,
    },
    /// The latency table of the traces `query` selects.
    Latency {
        /// The filter.
        query: String,
        /// What spans are grouped by.
        by: LatencyKey,
        /// The rows' order.
        sort: LatencySort,
    },
    /// The spans in bin `bin` of row `row`'s histogram in that table.
    LatencyBin {
        /// The filter.
        query: String,
        /// What spans are grouped by.
        by: LatencyKey,
        /// The rows' order.
        sort: LatencySort,
        /// The row.
        row: u32,
        /// The bin.
        bin: u32,
    },
    /// What trace `trace`'s flame graph shows in a viewport.
    TraceFlame {
        /// The trace's index.
        trace: u32,
        /// The zoom: a trace id and its window in nanoseconds from its start (ignored for
        /// another trace).
        zoom: Option<(String, [i64; 2])>,
        /// Pixels across.
        width: f64,
        /// Rows shown.
        rows: u32,
        /// Names to highlight.
        search: String,
    },
    /// What the aggregated flame graph of the traces `query` selects shows.
    AggregateFlame {
        /// The filter.
        query: String,
        /// What boxes are weighted by.
        weight: Weight,
        /// The focused node, by its path of span names.
        focus: Vec<String>,
        /// Pixels across.
        width: f64,
    },
    /// Rows `start..end` of the merged tree of trace `a` (the baseline) and trace `b` (the
    /// candidate).
    CompareTraces {
        /// The baseline trace.
        a: u32,
        /// The candidate trace.
        b: u32,
        /// First row wanted.
        start: u32,
        /// One past the last row wanted.
        end: u32,
    },
    /// The first row of that merged tree at depth `depth` named `name` that the candidate has
    /// (where a box of the differential flame graph leads).
    FindAligned {
        /// The baseline trace.
        a: u32,
        /// The candidate trace.
        b: u32,
        /// The row's depth (0 for roots).
        depth: u32,
        /// The span name.
        name: String,
    },
    /// The differential flame graph of trace `b` against trace `a`.
    DiffFlame {
        /// The baseline trace.
        a: u32,
        /// The candidate trace.
        b: u32,
        /// What boxes are weighted by.
        weight: Weight,
        /// Pixels across.
        width: f64,
    },
    /// The traces filter `a` selects (the baseline) against those `b` selects (the candidate):
    /// totals, and groups by span name, model and kind. An empty filter selects every trace.
    CompareSets {
        /// The baseline's filter.
        a: String,
        /// The candidate's filter.
        b: String,
    },
    /// The prompt diff of LLM call `a` (a span) against call `b`.
    PromptDiff {
        /// The baseline call.
        a: u32,
        /// The candidate call.
        b: u32,
    },
    /// The tokens-and-cost report of the traces `query` selects.
    Costs {
        /// The filter.
        query: String,
        /// What calls are grouped by.
        by: GroupBy,
        /// A model to price every call as, or empty.
        what_if: String,
    },
    /// Rows `start..end` of trace `trace`'s span tree, with the spans in `collapsed` hiding
    /// their subtrees.
    TreeRows {
        /// The trace's index.
        trace: u32,
        /// Spans whose subtrees are hidden.
        collapsed: Vec<u32>,
        /// First row wanted.
        start: u32,
        /// One past the last row wanted.
        end: u32,
        /// The zoom, as for the flame graph: the bars are placed across its window when it
        /// names this trace, across the whole trace otherwise.
        zoom: Option<(String, [i64; 2])>,
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
    /// The head of a trace's view.
    TraceHeader(TraceHeader),
    /// A window of a trace's span tree.
    TreeRows(TreeWindow),
    /// A span's detail.
    SpanDetail(Box<SpanDetail>),
    /// A span's whole JSON.
    SpanJson(String),
    /// Completions of the filter bar's text.
    Completions(Vec<String>),
    /// How many traces a query selects.
    Count(u32),
    /// A trace found by id (or `None`), with the spans found by key.
    Located(Option<Located>),
    /// The ids of a trace and span.
    Named(Named),
    /// Bundles' extras, as JSON (a list of `loupe_core::bundle::Extras`).
    BundleExtras(String),
    /// Traces, by index.
    Traces(Vec<u32>),
    /// The overview.
    Overview(Box<OverviewView>),
    /// The latency table.
    Latency(LatencyView),
    /// A histogram bin's spans.
    BinSpans(BinSpans),
    /// A trace's flame graph in a viewport.
    TraceFlame(TraceFlameView),
    /// The aggregated flame graph in a viewport.
    AggregateFlame(AggregateView),
    /// The tokens-and-cost report.
    Costs(Box<CostView>),
    /// A window of two traces' merged tree.
    Aligned(Window<AlignedRow>),
    /// A row of the merged tree and its position, or `None`.
    AlignedAt(Option<(u32, AlignedRow)>),
    /// A differential flame graph's boxes.
    DiffFlame(Vec<DiffBox>),
    /// Two sets compared.
    SetComparison(Box<SetsView>),
    /// A prompt diff, part by part.
    PromptDiff(Vec<Section>),
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
    /// Embedding calls.
    pub embedding_calls: u64,
    /// Input tokens of billed model calls (LLM, embedding, reranker), without double counting.
    pub input_tokens: u64,
    /// Output tokens, without double counting.
    pub output_tokens: u64,
    /// Cost: recorded where the files record it, else computed from the prices.
    pub cost_usd: Option<f64>,
    /// Where the cost comes from: `recorded`, `computed`, `mixed` or `none`.
    pub cost_source: String,
    /// The same figures for each loaded file, in load order (empty within a file's own).
    pub by_source: Vec<Figures>,
    /// Within a file's figures: the problems that lost or altered part of it, as they stand
    /// with the files loaded now (a file that joins a trace can settle another's orphans).
    pub warnings: Vec<String>,
}

/// Rows of the trace list.
pub type TraceWindow = Window<TraceRow>;

/// Rows `start..` of a longer list (the trace list, a trace's tree): only those in view cross.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Window<R> {
    /// Rows in the whole list.
    pub total: u32,
    /// The position of the first row given.
    pub start: u32,
    /// The rows asked for.
    pub rows: Vec<R>,
}

impl<R> Window<R> {
    /// Rows `start..end` of `items` (the range cut to the list), each made by `row`.
    pub(crate) fn of<T: Clone>(items: &[T], start: u32, end: u32, row: impl FnMut(T) -> R) -> Self {
        let total = items.len() as u32;
        let start = start.min(total);
        let end = end.clamp(start, total);
        Window {
            total,
            start,
            rows: items[start as usize..end as usize]
                .iter()
                .cloned()
                .map(row)
                .collect(),
        }
    }

    /// The row at position `pos` of the whole list, if this window holds it.
    pub fn row(&self, pos: usize) -> Option<&R> {
        self.rows.get(pos.checked_sub(self.start as usize)?)
    }
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

/// The head of a trace's view.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceHeader {
    /// The trace id.
    pub id: String,
    /// Its root span's name.
    pub name: String,
    /// Start, in nanoseconds since the epoch.
    pub start: i64,
    /// Duration, in nanoseconds.
    pub duration: i64,
    /// Spans.
    pub spans: u32,
    /// Spans in error.
    pub errors: u32,
    /// Its session, or empty.
    pub session: String,
    /// Its end user, or empty.
    pub user: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Scores on it and its spans: `name value`, and who gave it with the comment.
    pub scores: Vec<(String, String)>,
}

/// Rows of a trace's span tree (those not hidden by a collapsed ancestor).
pub type TreeWindow = Window<TreeRow>;

/// One span of a trace's tree, as its row shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TreeRow {
    /// The span's index in the set.
    pub span: u32,
    /// Its key (unique within the trace; notes and links name spans by it).
    pub key: String,
    /// Its name.
    pub name: String,
    /// What it does.
    pub kind: SpanKind,
    /// Depth in the tree (roots are 0).
    pub depth: u32,
    /// Whether it has children.
    pub has_children: bool,
    /// The row position of its parent, where the parent is shown.
    pub parent_row: Option<u32>,
    /// Whether its status is error.
    pub error: bool,
    /// What is wrong with it (parent not loaded, cycle cut, duplicate id, no timestamps).
    pub problems: Vec<String>,
    /// Whether it is on the trace's critical path.
    pub critical: bool,
    /// Where its bar starts, in percent of the time shown (the trace, or the zoom's window).
    pub left: f64,
    /// Its bar's width, in percent of the time shown.
    pub width: f64,
    /// Whether it lies wholly outside the time shown (then it has no bar).
    pub outside: bool,
    /// Duration, in nanoseconds.
    pub duration: i64,
}

/// Everything the detail panel shows of one span.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpanDetail {
    /// The span's index in the set.
    pub span: u32,
    /// Its name.
    pub name: String,
    /// What it does.
    pub kind: SpanKind,
    /// Its OpenTelemetry kind, as a label.
    pub otel_kind: String,
    /// Its service.
    pub service: String,
    /// Its status, as a label.
    pub status: String,
    /// The status message, or empty.
    pub status_message: String,
    /// Start, in nanoseconds since the epoch.
    pub start: i64,
    /// Its trace's start.
    pub trace_start: i64,
    /// Duration, in nanoseconds.
    pub duration: i64,
    /// Time not covered by its children.
    pub self_time: i64,
    /// Its duration as a fraction of its trace's.
    pub share_of_trace: f64,
    /// Model, provider, session and user, each possibly empty.
    pub model: String,
    /// The model's provider.
    pub provider: String,
    /// The session.
    pub session: String,
    /// The end user.
    pub user: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Token usage, recorded cost and time to first token.
    pub usage: Option<Usage>,
    /// Its id as the file wrote it.
    pub span_id: String,
    /// Its parent's id as the file wrote it (or with "(not loaded)").
    pub parent_id: Option<String>,
    /// The trace id.
    pub trace_id: String,
    /// The file it came from.
    pub file: String,
    /// What Loupe noticed about it (orphaned, cycle cut, duplicate id, no times, synthetic id).
    pub notes: Vec<String>,
    /// Its attributes.
    pub attributes: Vec<AttributeText>,
    /// Its resource's attributes.
    pub resource: Vec<AttributeText>,
    /// Its events.
    pub events: Vec<EventDetail>,
    /// Its links: trace and span id.
    pub links: Vec<(String, String)>,
    /// Scores and feedback on it: name, value, who gave it, comment.
    pub scores: Vec<(String, String, String, String)>,
    /// Its messages.
    pub chat: Chat,
    /// Its model parameters (temperature and the like): name and value.
    pub parameters: Vec<(String, String)>,
    /// Its JSON as its file has it: the first [`super::RAW_SHOWN`] bytes.
    pub raw: String,
    /// How many bytes its whole JSON has.
    pub raw_bytes: u32,
}

/// An attribute as shown: key, value as text, and whether the value is JSON.
pub type AttributeText = (String, String, bool);

/// A span event as shown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventDetail {
    /// When, in nanoseconds since the epoch.
    pub time: Option<i64>,
    /// Its name (`exception`, a log line …).
    pub name: String,
    /// Its attributes.
    pub attributes: Vec<AttributeText>,
}

/// A trace found by its id, and spans found in it by key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Located {
    /// The trace's index.
    pub trace: u32,
    /// For each key asked, the span's index and name, or `None` when the trace has no such
    /// span.
    pub spans: Vec<Option<(u32, String)>>,
}

/// The ids of an open trace and span.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Named {
    /// The trace's index.
    pub trace: u32,
    /// The span's index.
    pub span: Option<u32>,
    /// The trace's id.
    pub trace_id: String,
    /// The span's key, and its name.
    pub span_key: Option<(String, String)>,
}
