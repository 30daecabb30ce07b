//! The loaded, normalized data: spans in columns, side tables for attributes, events and links,
//! traces with their trees, and the sources they came from.
//!
//! Spans are stored trace by trace, each trace in depth-first (pre-)order with children sorted by
//! start time. A span's subtree is therefore the index range `i..subtree_end(i)`, which makes
//! collapsing, self time and roll-ups single passes without recursion.

use crate::model::Format;
use crate::model::diagnostics::{Diagnostic, Diagnostics};
use crate::model::ids::{SpanId, TraceId};
use crate::model::scores::{Score, ScoreRef, ScoreValue, ScoreValueRef, TraceFacts};
use crate::model::strings::{Interner, StrId};
use crate::model::usage::Usage;
use crate::model::{AttrValue, Nanos, OtelKind, RawRef, Rows, SpanFlags, SpanKind, StatusCode};
use serde::{Deserialize, Serialize};

/// Marks "no span" in index columns.
pub const NO_SPAN: u32 = u32::MAX;

/// An operation applied alike to every span column, in place.
trait ColumnOp {
    fn apply<T: Copy>(&self, column: &mut Vec<T>);
}

/// Reorders a column in place so that row `k` is old row `order[k]`, following the
/// permutation's cycles (no second copy of the column), then keeps the first `keep` rows.
struct Permute<'o> {
    /// A permutation of all rows.
    order: &'o [u32],
    keep: usize,
}

impl ColumnOp for Permute<'_> {
    fn apply<T: Copy>(&self, column: &mut Vec<T>) {
        let mut done = vec![false; column.len()];
        for first in 0..column.len() {
            if done[first] {
                continue;
            }
            let held = column[first];
            let mut k = first;
            loop {
                done[k] = true;
                let from = self.order[k] as usize;
                if from == first {
                    column[k] = held;
                    break;
                }
                column[k] = column[from];
                k = from;
            }
        }
        column.truncate(self.keep);
    }
}

/// Keeps the first rows of a column.
struct Truncate(usize);

impl ColumnOp for Truncate {
    fn apply<T: Copy>(&self, column: &mut Vec<T>) {
        column.truncate(self.0);
    }
}

/// Declares the span columns and a way to apply a [`ColumnOp`] to all of them.
macro_rules! span_columns {
    ($($(#[$doc:meta])* $field:ident: $ty:ty,)*) => {
        /// The span columns. Every vector has one entry per span.
        #[derive(Clone, Debug, Default, Serialize, Deserialize)]
        pub(crate) struct SpanColumns {
            $($(#[$doc])* pub $field: Vec<$ty>,)*
        }

        impl SpanColumns {
            fn map(&mut self, op: &impl ColumnOp) {
                $(op.apply(&mut self.$field);)*
            }
        }
    };
}

span_columns! {
    trace_id: TraceId,
    span_id: SpanId,
    /// The id as the file wrote it, where it was opaque (not hex or base64); else empty.
    id_text: StrId,
    parent_id: Option<SpanId>,
    name: StrId,
    service: StrId,
    scope: StrId,
    resource: u32,
    otel_kind: OtelKind,
    kind: SpanKind,
    status: StatusCode,
    status_message: StrId,
    start: Nanos,
    end: Nanos,
    attrs: Rows,
    events: Rows,
    links: Rows,
    raw: RawRef,
    flags: SpanFlags,
    model: StrId,
    provider: StrId,
    session: StrId,
    user: StrId,
    /// Rows of `tags`.
    tags: Rows,
    /// Index into `usages`, or `NO_SPAN` when the span reports no usage.
    usage: u32,
}

impl SpanColumns {
    /// Reorders the rows in place so that row `k` is old row `order[k]`; rows `order` leaves
    /// out are dropped.
    pub(crate) fn permute(&mut self, order: &[u32]) {
        let n = self.name.len();
        let mut all = order.to_vec();
        if order.len() < n {
            let mut listed = vec![false; n];
            for &i in order {
                listed[i as usize] = true;
            }
            all.extend((0..n as u32).filter(|&i| !listed[i as usize]));
        }
        self.map(&Permute {
            order: &all,
            keep: order.len(),
        });
    }

    /// Drops rows from `len` on.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.map(&Truncate(len));
    }

    /// Makes room for exactly `more` rows (when their number is known), so the columns do not
    /// grow by doubling.
    pub(crate) fn reserve_exact(&mut self, more: usize) {
        self.map(&ReserveExact(more));
    }
}

/// Makes room for exactly this many more rows.
struct ReserveExact(usize);

impl ColumnOp for ReserveExact {
    fn apply<T: Copy>(&self, column: &mut Vec<T>) {
        column.reserve_exact(self.0);
    }
}

/// Key-value rows shared by spans, events, links and resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct AttrTable {
    pub key: Vec<StrId>,
    pub value: Vec<AttrValue>,
}

/// Span events (exceptions, log lines, streaming tokens).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct EventTable {
    pub time: Vec<Option<Nanos>>,
    pub name: Vec<StrId>,
    pub attrs: Vec<Rows>,
}

/// Span links.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct LinkTable {
    pub trace_id: Vec<Option<TraceId>>,
    pub span_id: Vec<Option<SpanId>>,
    pub attrs: Vec<Rows>,
}

/// A loaded file: its name, detected format, and text (kept so a span's raw JSON can be shown).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Source {
    /// The name the file was given.
    pub name: String,
    /// The format it was read as.
    pub format: Format,
    /// The decompressed text. Never part of the set's binary form (the wire format to the page): the side
    /// that parsed the file keeps it, and a decoded set has empty texts.
    #[serde(skip)]
    pub text: Box<str>,
    /// Whether the file was removed: its spans are gone, its place is kept so the other
    /// files' indices hold.
    pub removed: bool,
}

/// One trace: a contiguous range of spans and figures rolled up over it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The trace id.
    pub id: TraceId,
    /// Its spans, in depth-first order.
    pub spans: Rows,
    /// Number of root spans (more than one when spans are orphaned or the trace is partial).
    pub root_count: u32,
    /// Earliest start over spans with timestamps.
    pub start: Nanos,
    /// Latest end over spans with timestamps.
    pub end: Nanos,
    /// Spans whose status is error.
    pub error_count: u32,
    /// Spans whose kind is an LLM call.
    pub llm_calls: u32,
    /// Spans whose kind is an embedding call.
    pub embedding_calls: u32,
    /// Input tokens, summed over billed model calls (LLM, embedding, reranker) without double
    /// counting (see [`TraceSet::counts_usage`]).
    pub input_tokens: u64,
    /// Output tokens, summed likewise.
    pub output_tokens: u64,
    /// Cost recorded in the file, summed likewise; `None` when nothing records a cost.
    pub cost_usd: Option<f64>,
    /// The session (conversation, thread), or empty: the trace's own, else its first span's.
    pub session: StrId,
    /// The end user, or empty, found likewise.
    pub user: StrId,
    /// Tags of the trace and its spans, each once, in order of appearance.
    pub tags: Vec<StrId>,
}

impl Trace {
    /// The first root span.
    pub fn root(&self) -> u32 {
        self.spans.start
    }

    /// Wall-clock duration.
    pub fn duration(&self) -> Nanos {
        self.end.saturating_sub(self.start)
    }

    /// Number of spans.
    pub fn span_count(&self) -> u32 {
        self.spans.end - self.spans.start
    }
}

/// Figures over a whole set, as the CLI's summary and the page's header show them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    /// Traces.
    pub traces: u64,
    /// Spans.
    pub spans: u64,
    /// Spans whose status is error.
    pub errors: u64,
    /// Spans whose kind is an LLM call.
    pub llm_calls: u64,
    /// Spans whose kind is an embedding call.
    pub embedding_calls: u64,
    /// Input tokens (cached included) of billed model calls, without double counting.
    pub input_tokens: u64,
    /// Output tokens, without double counting.
    pub output_tokens: u64,
    /// Recorded cost, or `None` where nothing records one.
    pub cost_usd: Option<f64>,
}

/// Sums two optional costs: `None` only when both are.
pub(crate) fn add_cost(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

/// Everything loaded: the result of one or more imports.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TraceSet {
    pub(crate) strings: Interner,
    pub(crate) spans: SpanColumns,
    pub(crate) usages: Vec<Usage>,
    pub(crate) tags: Vec<StrId>,
    pub(crate) scores: Vec<Score>,
    /// What loaded bundles bring besides traces, as JSON text (the wire format to the page is
    /// bincode, which cannot carry fields that serde skips).
    pub(crate) bundle_extras: Vec<(u32, String)>,
    /// What formats record per trace, applied to the traces at each build.
    pub(crate) trace_facts: Vec<TraceFacts>,
    /// The problems importing found (the build adds what it finds to [`Self::diagnostics`]).
    pub(crate) import_diagnostics: Diagnostics,
    /// Synthetic span ids given so far.
    pub(crate) next_synthetic: u64,
    pub(crate) parent: Vec<u32>,
    pub(crate) depth: Vec<u32>,
    pub(crate) subtree_end: Vec<u32>,
    pub(crate) self_time: Vec<Nanos>,
    pub(crate) trace_of: Vec<u32>,
    pub(crate) counts_usage: Vec<bool>,
    pub(crate) attrs: AttrTable,
    pub(crate) events: EventTable,
    pub(crate) links: LinkTable,
    pub(crate) resources: Vec<Rows>,
    pub(crate) traces: Vec<Trace>,
    pub(crate) sources: Vec<Source>,
    pub(crate) diagnostics: Diagnostics,
}

impl TraceSet {
    /// The traces, ordered by start time.
    pub fn traces(&self) -> &[Trace] {
        &self.traces
    }

    /// Number of spans.
    pub fn span_count(&self) -> usize {
        self.spans.name.len()
    }

    /// A view of span `index`.
    ///
    /// # Panics
    /// When `index` is out of range; indices come from [`Trace::spans`] and tree accessors.
    pub fn span(&self, index: u32) -> SpanView<'_> {
        assert!(
            (index as usize) < self.span_count(),
            "span index out of range"
        );
        SpanView { set: self, index }
    }

    /// The text of an interned string.
    pub fn str(&self, id: StrId) -> &str {
        self.strings.resolve(id)
    }

    /// Scores and feedback on trace `trace` (an index into [`TraceSet::traces`]) and its spans.
    pub fn trace_scores(&self, trace: u32) -> Vec<ScoreRef<'_>> {
        self.scores
            .iter()
            .filter(|s| s.trace == trace)
            .map(|s| self.score_ref(s))
            .collect()
    }

    /// Number of scores attached to loaded traces.
    pub fn score_count(&self) -> usize {
        self.scores.iter().filter(|s| s.trace != NO_SPAN).count()
    }

    fn score_ref(&self, s: &Score) -> ScoreRef<'_> {
        ScoreRef {
            name: self.str(s.name),
            value: match s.value {
                ScoreValue::Number(x) => ScoreValueRef::Number(x),
                ScoreValue::Label(l) => ScoreValueRef::Label(self.str(l)),
            },
            comment: self.str(s.comment),
            source: self.str(s.source),
            span: (s.span != NO_SPAN).then_some(s.span),
        }
    }

    /// Index of the source file span `index` came from.
    pub fn span_source(&self, index: u32) -> u32 {
        self.spans.raw[index as usize].source
    }

    /// The loaded sources.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Problems found while importing and building trees.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// The kept diagnostics.
    pub fn diagnostic_list(&self) -> &[Diagnostic] {
        self.diagnostics.kept()
    }

    /// Whether span `index`'s usage is counted in totals: it is a billed model call (LLM,
    /// embedding, reranker) that reports usage and no such call below it does (a span above
    /// its children repeats their totals).
    pub fn counts_usage(&self, index: u32) -> bool {
        self.counts_usage[index as usize]
    }

    /// Figures over everything loaded.
    pub fn totals(&self) -> Totals {
        let all: Vec<u32> = (0..self.traces.len() as u32).collect();
        self.totals_of(&all)
    }

    /// Figures over the traces `traces` (indices into [`TraceSet::traces`]).
    pub fn totals_of(&self, traces: &[u32]) -> Totals {
        let mut t = Totals::default();
        for tr in traces.iter().filter_map(|&i| self.traces.get(i as usize)) {
            t.traces += 1;
            t.spans += u64::from(tr.span_count());
            t.errors += u64::from(tr.error_count);
            t.llm_calls += u64::from(tr.llm_calls);
            t.embedding_calls += u64::from(tr.embedding_calls);
            t.input_tokens += tr.input_tokens;
            t.output_tokens += tr.output_tokens;
            t.cost_usd = add_cost(t.cost_usd, tr.cost_usd);
        }
        t
    }

    /// Figures per source file, in source order. A trace counts for every file that holds
    /// one of its spans; usage counts where the counted span came from.
    pub fn totals_by_source(&self) -> Vec<Totals> {
        let mut out = vec![Totals::default(); self.sources.len()];
        let mut last_trace: Vec<Option<u32>> = vec![None; self.sources.len()];
        for i in 0..self.span_count() {
            let Some(t) = out.get_mut(self.spans.raw[i].source as usize) else {
                continue;
            };
            let seen = &mut last_trace[self.spans.raw[i].source as usize];
            if *seen != Some(self.trace_of[i]) {
                // Spans of a trace are contiguous, so a change of trace is a new trace here.
                *seen = Some(self.trace_of[i]);
                t.traces += 1;
            }
            t.spans += 1;
            t.errors += u64::from(self.spans.status[i] == StatusCode::Error);
            t.llm_calls += u64::from(self.spans.kind[i] == SpanKind::Llm);
            t.embedding_calls += u64::from(self.spans.kind[i] == SpanKind::Embedding);
            if self.counts_usage[i] {
                let u = self.usages[self.spans.usage[i] as usize];
                t.input_tokens += u.input.unwrap_or(0);
                t.output_tokens += u.output.unwrap_or(0);
                t.cost_usd = add_cost(t.cost_usd, u.cost_usd);
            }
        }
        out
    }
}

/// A read-only view of one span.
#[derive(Clone, Copy)]
pub struct SpanView<'a> {
    set: &'a TraceSet,
    index: u32,
}

/// An attribute as shown: key and value, with strings resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// A string.
    Str(&'a str),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Bytes, base64.
    Bytes(&'a str),
    /// An array or map as JSON text.
    Json(&'a str),
    /// No value.
    Empty,
}

impl std::fmt::Display for ValueRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueRef::Str(s) | ValueRef::Bytes(s) | ValueRef::Json(s) => f.write_str(s),
            ValueRef::Int(i) => write!(f, "{i}"),
            ValueRef::Float(x) => write!(f, "{x}"),
            ValueRef::Bool(b) => write!(f, "{b}"),
            ValueRef::Empty => Ok(()),
        }
    }
}

/// A span event as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRef<'a> {
    /// When, if the file says.
    pub time: Option<Nanos>,
    /// The event name (`exception` for recorded exceptions).
    pub name: &'a str,
    /// Its attributes.
    pub attributes: Vec<(&'a str, ValueRef<'a>)>,
}

/// A span link as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkRef<'a> {
    /// Linked trace.
    pub trace_id: Option<TraceId>,
    /// Linked span.
    pub span_id: Option<SpanId>,
    /// Its attributes.
    pub attributes: Vec<(&'a str, ValueRef<'a>)>,
}

impl<'a> SpanView<'a> {
    fn i(&self) -> usize {
        self.index as usize
    }

    fn cols(&self) -> &'a SpanColumns {
        &self.set.spans
    }

    fn attr_rows(&self, rows: Rows) -> Vec<(&'a str, ValueRef<'a>)> {
        let a = &self.set.attrs;
        rows.range()
            .map(|r| (self.set.str(a.key[r]), self.value(a.value[r])))
            .collect()
    }

    fn value(&self, v: AttrValue) -> ValueRef<'a> {
        let s = |id| self.set.str(id);
        match v {
            AttrValue::Str(id) => ValueRef::Str(s(id)),
            AttrValue::Int(i) => ValueRef::Int(i),
            AttrValue::Float(f) => ValueRef::Float(f),
            AttrValue::Bool(b) => ValueRef::Bool(b),
            AttrValue::Bytes(id) => ValueRef::Bytes(s(id)),
            AttrValue::Json(id) => ValueRef::Json(s(id)),
            AttrValue::Empty => ValueRef::Empty,
        }
    }

    /// The span's index in the set.
    pub fn index(&self) -> u32 {
        self.index
    }
    /// Index of its trace in [`TraceSet::traces`].
    pub fn trace(&self) -> u32 {
        self.set.trace_of[self.i()]
    }
    /// The trace id.
    pub fn trace_id(&self) -> TraceId {
        self.cols().trace_id[self.i()]
    }
    /// The span id.
    pub fn span_id(&self) -> SpanId {
        self.cols().span_id[self.i()]
    }
    /// The span id as shown: the file's own text for opaque ids, else hex.
    pub fn span_id_text(&self) -> String {
        match self.cols().id_text[self.i()] {
            StrId::EMPTY => self.span_id().to_string(),
            text => self.set.str(text).to_string(),
        }
    }
    /// The span's key: unique within its trace (apart from spans flagged as duplicate ids),
    /// stable across loads of the same file and through a bundle. It is the id as shown where
    /// that names this span, else the span's own hex id (as for the server half of a Zipkin
    /// span, which shares its shown id with the client half).
    pub fn key(&self) -> String {
        let text = self.span_id_text();
        match SpanId::parse_or_derive(&text).0 {
            Some(id) if id == self.span_id() => text,
            _ => self.span_id().to_string(),
        }
    }
    /// The parent id as the file gave it (it may name a span that is not loaded).
    pub fn parent_id(&self) -> Option<SpanId> {
        self.cols().parent_id[self.i()]
    }
    /// The parent's index, or `None` for roots.
    pub fn parent(&self) -> Option<u32> {
        let p = self.set.parent[self.i()];
        (p != NO_SPAN).then_some(p)
    }
    /// Depth in the tree (roots are 0).
    pub fn depth(&self) -> u32 {
        self.set.depth[self.i()]
    }
    /// One past the last span of this span's subtree.
    pub fn subtree_end(&self) -> u32 {
        self.set.subtree_end[self.i()]
    }
    /// Whether the span has children.
    pub fn has_children(&self) -> bool {
        self.subtree_end() > self.index + 1
    }
    /// The span name.
    pub fn name(&self) -> &'a str {
        self.set.str(self.cols().name[self.i()])
    }
    /// The service (from the resource's `service.name`), or "".
    pub fn service(&self) -> &'a str {
        self.set.str(self.cols().service[self.i()])
    }
    /// The instrumentation scope name, or "".
    pub fn scope(&self) -> &'a str {
        self.set.str(self.cols().scope[self.i()])
    }
    /// The OpenTelemetry kind.
    pub fn otel_kind(&self) -> OtelKind {
        self.cols().otel_kind[self.i()]
    }
    /// The normalized LLM kind.
    pub fn kind(&self) -> SpanKind {
        self.cols().kind[self.i()]
    }
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.cols().status[self.i()]
    }
    /// Whether the status is error.
    pub fn is_error(&self) -> bool {
        self.status() == StatusCode::Error
    }
    /// The status message, or "".
    pub fn status_message(&self) -> &'a str {
        self.set.str(self.cols().status_message[self.i()])
    }
    /// Start time.
    pub fn start(&self) -> Nanos {
        self.cols().start[self.i()]
    }
    /// End time.
    pub fn end(&self) -> Nanos {
        self.cols().end[self.i()]
    }
    /// Duration (never negative).
    pub fn duration(&self) -> Nanos {
        self.end().saturating_sub(self.start()).max(0)
    }
    /// Time not covered by any child.
    pub fn self_time(&self) -> Nanos {
        self.set.self_time[self.i()]
    }
    /// Share of the trace's duration this span covers, from 0 to 1.
    pub fn share_of_trace(&self) -> f64 {
        let total = self.set.traces[self.trace() as usize].duration();
        if total <= 0 {
            return 0.0;
        }
        self.duration() as f64 / total as f64
    }
    /// Tree and id problems.
    pub fn flags(&self) -> SpanFlags {
        self.cols().flags[self.i()]
    }
    /// The model name, or "".
    pub fn model(&self) -> &'a str {
        self.set.str(self.cols().model[self.i()])
    }
    /// The model's provider as the file names it, or "".
    pub fn provider(&self) -> &'a str {
        self.set.str(self.cols().provider[self.i()])
    }
    /// The session (conversation, thread) the span belongs to, or "".
    pub fn session(&self) -> &'a str {
        self.set.str(self.cols().session[self.i()])
    }
    /// The end user, or "".
    pub fn user(&self) -> &'a str {
        self.set.str(self.cols().user[self.i()])
    }
    /// Scores and feedback attached to this span.
    pub fn scores(&self) -> Vec<ScoreRef<'a>> {
        let set = self.set;
        set.scores
            .iter()
            .filter(|s| s.span == self.index)
            .map(|s| set.score_ref(s))
            .collect()
    }
    /// The span's tags.
    pub fn tags(&self) -> impl Iterator<Item = &'a str> + 'a {
        let set = self.set;
        set.tags[self.cols().tags[self.i()].range()]
            .iter()
            .map(move |t| set.str(*t))
    }
    /// The input and output tokens the span counts in totals: its own, unless it repeats the
    /// totals of calls below it (see [`TraceSet::counts_usage`]).
    pub fn counted_tokens(&self) -> u64 {
        if !self.set.counts_usage(self.index) {
            return 0;
        }
        self.usage().map_or(0, |u| {
            u.input.unwrap_or(0).saturating_add(u.output.unwrap_or(0))
        })
    }
    /// Token usage and recorded cost, if the span reports any.
    pub fn usage(&self) -> Option<Usage> {
        let u = self.cols().usage[self.i()];
        (u != NO_SPAN).then(|| self.set.usages[u as usize])
    }
    /// Attributes, in file order.
    pub fn attributes(&self) -> Vec<(&'a str, ValueRef<'a>)> {
        self.attr_rows(self.cols().attrs[self.i()])
    }
    /// Attributes of the span's resource.
    pub fn resource_attributes(&self) -> Vec<(&'a str, ValueRef<'a>)> {
        let r = self.cols().resource[self.i()];
        self.set
            .resources
            .get(r as usize)
            .map_or_else(Vec::new, |rows| self.attr_rows(*rows))
    }
    /// Events, in file order.
    pub fn events(&self) -> Vec<EventRef<'a>> {
        let e = &self.set.events;
        self.cols().events[self.i()]
            .range()
            .map(|r| EventRef {
                time: e.time[r],
                name: self.set.str(e.name[r]),
                attributes: self.attr_rows(e.attrs[r]),
            })
            .collect()
    }
    /// Links.
    pub fn links(&self) -> Vec<LinkRef<'a>> {
        let l = &self.set.links;
        self.cols().links[self.i()]
            .range()
            .map(|r| LinkRef {
                trace_id: l.trace_id[r],
                span_id: l.span_id[r],
                attributes: self.attr_rows(l.attrs[r]),
            })
            .collect()
    }
    /// Where the span's JSON lies in its file (bytes, in the file as read: for a file read as
    /// it arrived, whose text is not held, the place to read it from again).
    pub fn raw_ref(&self) -> crate::model::RawRef {
        self.cols().raw[self.i()]
    }
    /// The span's JSON exactly as it stands in its file, where the file's text is held (else
    /// empty).
    pub fn raw_json(&self) -> &'a str {
        let raw = self.cols().raw[self.i()];
        self.set
            .sources
            .get(raw.source as usize)
            .and_then(|s| s.text.get(raw.start as usize..raw.end as usize))
            .unwrap_or("")
    }
    /// Name of the file the span came from.
    pub fn source_name(&self) -> &'a str {
        let raw = self.cols().raw[self.i()];
        self.set
            .sources
            .get(raw.source as usize)
            .map_or("", |s| s.name.as_str())
    }
    /// The indices of this span's children, in start order.
    pub fn children(&self) -> Children<'a> {
        Children {
            set: self.set,
            next: self.index + 1,
            end: self.subtree_end(),
        }
    }
}

/// Iterator over a span's children.
pub struct Children<'a> {
    set: &'a TraceSet,
    next: u32,
    end: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next >= self.end {
            return None;
        }
        let c = self.next;
        self.next = self.set.subtree_end[c as usize];
        Some(c)
    }
}
