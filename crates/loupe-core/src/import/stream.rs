//! Reading inputs bigger than memory. Spans are read into a builder; once it holds a chunk's
//! worth and the file stands between two records, the traces that are done are built into a
//! set of their own and handed to a sink, and the open ones are carried on into the next
//! chunk (see [`TraceSetBuilder::cut`]). A trace is done once its root has arrived and no
//! span of it came in the last `idle` spans of the input; one whose root never comes is
//! handed on after four times that, as are scores and trace facts whose spans never come. A
//! span that arrives after its trace was handed on (within sixteen idle windows, as long as
//! handed-on traces are remembered) is reported as late and makes a trace of its own. Memory
//! holds a chunk, the open traces and the ids of recent handed-on ones, whatever the size of
//! the input. The sets handed on are for figures and writing out: their spans' places in
//! the file count from the last cut (see [`TraceSetBuilder::cut`]).
//!
//! JSON Lines and OTLP/JSON documents are cut between records, Jaeger and Zipkin files of many
//! traces between traces, arrays of span JSON (Phoenix, OpenTelemetry Python) between spans. Other formats (and Chrome traces, whose events pair up until the
//! file ends) are held to their file's end, and cut there.

use crate::import::builder::{FileReport, TraceSetBuilder};
use crate::import::error::ImportError;
use crate::import::feed::FileFeed;
use crate::model::Format;
use crate::model::diagnostics::{DiagnosticKind, Diagnostics};
use crate::model::ids::TraceId;
use crate::model::set::{Source, TraceSet};
use std::collections::{HashMap, HashSet, VecDeque};

/// For how many idle windows a trace handed on is remembered, so that a span of it is known
/// late; past that, a span of it starts a trace anew.
const LATE_WINDOWS: u64 = 16;

/// How a stream cuts its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamOptions {
    /// Spans of input that must pass without a span of a trace (whose root has arrived)
    /// before the trace is handed on.
    pub idle: u64,
    /// Spans read between two cuts, at least.
    pub chunk: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            idle: 20_000,
            chunk: 100_000,
        }
    }
}

/// What a stream learned by its end: the files it read (by the index their spans name) and
/// the problems found in them, late spans among them.
pub struct StreamEnd {
    /// Every file read, in order; a file that failed is marked removed.
    pub sources: Vec<Source>,
    /// The problems, over all the sets handed on; spans that arrived after their trace was
    /// handed on are counted as [`DiagnosticKind::LateSpan`].
    pub diagnostics: Diagnostics,
}

/// A trace seen in the rows of one chunk.
struct Seen {
    root: bool,
    /// Where in the input its last span arrived (spans read before it).
    last: u64,
}

/// Inputs read in bounded memory, each done trace handed to `sink` in a set.
pub struct TraceStream<S: FnMut(TraceSet)> {
    builder: TraceSetBuilder,
    options: StreamOptions,
    /// Spans read before the builder's first row not carried.
    read: u64,
    /// Rows of the builder carried from before the last cut.
    carried: usize,
    /// Where the last span of each carried trace arrived.
    last_seen: HashMap<TraceId, u64>,
    /// Traces handed on lately, with when (spans read), oldest first: a span of one is late.
    handed_on: HashMap<TraceId, u64>,
    handed_order: VecDeque<(u64, TraceId)>,
    diagnostics: Diagnostics,
    sink: S,
}

impl<S: FnMut(TraceSet)> TraceStream<S> {
    /// A stream handing each set of done traces to `sink`.
    pub fn new(options: StreamOptions, sink: S) -> Self {
        TraceStream {
            builder: TraceSetBuilder::new(),
            options,
            read: 0,
            carried: 0,
            last_seen: HashMap::new(),
            handed_on: HashMap::new(),
            handed_order: VecDeque::new(),
            diagnostics: Diagnostics::default(),
            sink,
        }
    }

    /// Starts reading file `name`.
    pub fn start_file(&mut self, name: &str) -> FileFeed {
        self.builder.start_feed(name)
    }

    /// Reads the next part of a file; hands done traces on when a chunk is full.
    pub fn feed(&mut self, feed: &mut FileFeed, part: &[u8]) {
        self.builder.feed(feed, part);
        if self.chunk_full() && self.builder.can_cut(feed) {
            self.cut(Some(feed), false);
        }
    }

    /// Ends a file, as [`TraceSetBuilder::finish_feed`] does. A file that fails keeps its
    /// place among the files, marked removed; what was handed on before stays handed on.
    pub fn finish_file(&mut self, feed: FileFeed) -> Result<FileReport, ImportError> {
        let name = feed.name().to_string();
        let source = feed.source();
        let report = self.builder.finish_feed(feed);
        if report.is_err() {
            self.forget_file(&name, source);
        }
        if self.chunk_full() {
            self.cut(None, false);
        }
        report
    }

    /// Gives up a file that could not be read to its end, as
    /// [`TraceSetBuilder::abandon_feed`] does; it keeps its place, marked removed.
    pub fn abandon_file(&mut self, feed: FileFeed) {
        let (name, source) = (feed.name().to_string(), feed.source());
        self.builder.abandon_feed(feed);
        self.forget_file(&name, source);
    }

    /// Drops what is still held of a file that failed (what was handed on stays handed on),
    /// and keeps its place among the files, marked removed.
    fn forget_file(&mut self, name: &str, source: u32) {
        let carried = self.builder.forget_source(source, self.carried);
        self.carried = carried;
        // Its format no longer matters: nothing of it is held.
        self.builder.name_source(name, Format::OtlpJson, true);
    }

    /// Hands on every trace still held, and says what was read.
    pub fn end(mut self) -> StreamEnd {
        self.cut(None, true);
        let sources = self.builder.sources().to_vec();
        StreamEnd {
            sources,
            diagnostics: self.diagnostics,
        }
    }

    /// Whether the builder holds a chunk's worth of spans read since the last cut.
    fn chunk_full(&self) -> bool {
        self.builder.span_count() >= self.carried + self.options.chunk
    }

    /// Hands on the done traces (all of them when `last`), and carries the open ones: if
    /// `feed` stands between records, or between files without one.
    fn cut(&mut self, feed: Option<&mut FileFeed>, last: bool) {
        let cols = &self.builder.spans;
        let rows = cols.trace_id.len();
        let now = self.read + (rows - self.carried) as u64;
        let mut seen: HashMap<TraceId, Seen> = HashMap::new();
        let mut late = Vec::new();
        for row in 0..rows {
            let id = cols.trace_id[row];
            let arrived = match row.checked_sub(self.carried) {
                None => self.last_seen.get(&id).copied().unwrap_or(0),
                Some(new) => {
                    if self.handed_on.contains_key(&id) {
                        late.push((cols.raw[row].source, id));
                    }
                    self.read + new as u64
                }
            };
            let s = seen.entry(id).or_insert(Seen {
                root: false,
                last: 0,
            });
            s.root |= cols.parent_id[row].is_none();
            s.last = s.last.max(arrived);
        }
        // Scores and trace facts whose spans have not come (or are gone) wait like a trace
        // without its root.
        for id in self.builder.record_traces() {
            let last = self.last_seen.get(&id).copied().unwrap_or(now);
            seen.entry(id).or_insert(Seen { root: false, last });
        }
        let idle = self.options.idle;
        let open: HashSet<TraceId> = seen
            .iter()
            .filter(|(_, s)| {
                let quiet = now.saturating_sub(s.last);
                let done = (s.root && quiet >= idle) || quiet >= idle.saturating_mul(4);
                !(last || done)
            })
            .map(|(&id, _)| id)
            .collect();
        let Some(set) = self.builder.cut(feed, |t| open.contains(&t)) else {
            return;
        };
        for (source, id) in late {
            self.diagnostics
                .report(Some(source), DiagnosticKind::LateSpan, || {
                    format!(
                        "a span of trace {id} arrived after the trace was handed on; it is \
                         counted as a trace of its own (a longer --idle keeps traces open \
                         longer)"
                    )
                });
        }
        for &id in seen.keys().filter(|id| !open.contains(id)) {
            self.handed_on.insert(id, now);
            self.handed_order.push_back((now, id));
        }
        // Traces handed on long ago are forgotten: memory holds only the recent ones.
        let forget_before = now.saturating_sub(idle.saturating_mul(LATE_WINDOWS));
        while let Some(&(at, id)) = self.handed_order.front()
            && at < forget_before
        {
            self.handed_order.pop_front();
            if self.handed_on.get(&id) == Some(&at) {
                self.handed_on.remove(&id);
            }
        }
        self.last_seen = seen
            .into_iter()
            .filter(|(id, _)| open.contains(id))
            .map(|(id, s)| (id, s.last))
            .collect();
        self.carried = self.builder.span_count();
        self.read = now;
        self.diagnostics.extend(set.diagnostics().clone());
        (self.sink)(set);
    }
}
