//! One big file read by several parsers at once. Where a second parser can take over is found
//! near the middle of the file without reading what comes before: after a line end in JSON
//! Lines, or at the `,` between two spans of an OTLP/JSON document (an object with a trace id,
//! a span id and a start time that follows another object). Each parser reads its part into a builder of its
//! own; a part joins the file's feed once that has read up to where the part begins, and only
//! if the feed stands where the part assumed it would (between two spans of a request's
//! resource's scope, or between lines). If not, or if the part found a problem it placed by
//! line, the part is dropped and the feed reads those bytes itself: the result is the same.

use super::feed::{FileFeed, Mode};
use super::otlp_json;
use crate::import::builder::TraceSetBuilder;
use crate::import::error::ImportError;
use crate::import::merge::Inherited;
use crate::model::diagnostics::DiagnosticKind;
use crate::model::strings::StrId;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

/// How a file can be read in parts, told from its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SplitKind {
    /// OTLP/JSON Lines: a part begins after a line end.
    Lines,
    /// An OTLP/JSON document: a part begins between two spans.
    OtlpSpans,
}

/// What a parser read of one part of a file: its spans, and where it stopped.
#[derive(Serialize, Deserialize)]
pub struct Part {
    /// Where in the file the part began.
    at: usize,
    builder: TraceSetBuilder,
    feed: FileFeed,
}

impl Part {
    /// How many spans the part read.
    pub fn span_count(&self) -> usize {
        self.builder.span_count()
    }
}

impl FileFeed {
    /// How the file can be read in parts, once its start was read; `None` for a file that is
    /// gathered whole or read in one pass only (Chrome traces, gzip, other formats).
    pub fn split_kind(&self) -> Option<SplitKind> {
        match self.mode {
            Mode::Lines(..) => Some(SplitKind::Lines),
            Mode::Otlp(_) => Some(SplitKind::OtlpSpans),
            _ => None,
        }
    }
}

/// Where in `window` (bytes of a file from anywhere in it) a part can begin: after its first
/// line end, or at the first `,` between two spans. `None` if it holds no such place.
pub fn find_split(kind: SplitKind, window: &[u8]) -> Option<usize> {
    match kind {
        SplitKind::Lines => memchr::memchr(b'\n', window).map(|end| end + 1),
        SplitKind::OtlpSpans => memchr::memchr_iter(b'{', window)
            .find_map(|open| after_object(&window[..open]).filter(|_| is_span(&window[open..]))),
    }
}

/// The smallest share of a file worth a parser of its own.
pub const MIN_SHARE: usize = 16 << 20;

/// Where parts of a file of `size` bytes can begin, for `parsers` parsers: one near the start
/// of each equal share of it but the first (none before byte `after`), in order, looked for
/// with `window(from, len)` (the file's bytes from `from`, at most `len` of them) in windows
/// that grow. Fewer where the file is small or no place is found.
pub fn split_places(
    kind: SplitKind,
    size: usize,
    parsers: usize,
    after: usize,
    mut window: impl FnMut(usize, usize) -> Option<Vec<u8>>,
) -> Vec<usize> {
    let shares = parsers.min(size / MIN_SHARE).max(1);
    let mut places: Vec<usize> = (1..shares)
        .filter_map(|k| {
            // In 64 bits: a 32-bit size times `k` would wrap.
            let from = (size as u64 * k as u64 / shares as u64) as usize;
            let mut len = 1 << 16;
            while len <= MIN_SHARE / 2 {
                let bytes = window(from, len)?;
                if let Some(at) = find_split(kind, &bytes) {
                    return Some(from + at);
                }
                if bytes.len() < len {
                    return None;
                }
                len *= 4;
            }
            None
        })
        .filter(|&at| at > after)
        .collect();
    places.sort_unstable();
    places.dedup();
    places
}

/// Where the `,` is, if `before` ends with `}` and `,` (whitespace around them): an element
/// that follows an object in an array then begins after it.
fn after_object(before: &[u8]) -> Option<usize> {
    let rest = before.trim_ascii_end().strip_suffix(b",")?;
    let comma = rest.len();
    rest.trim_ascii_end().ends_with(b"}").then_some(comma)
}

/// Whether `text` begins with a JSON object that has a trace id, a span id and a start time.
/// Text inside a JSON string never parses as an object with members (its quotes are escaped),
/// and links and events lack one of the three.
fn is_span(text: &[u8]) -> bool {
    /// Only whether the members are there counts.
    #[derive(Deserialize)]
    struct Span {
        #[serde(rename = "traceId", alias = "trace_id")]
        _trace_id: IgnoredAny,
        #[serde(rename = "spanId", alias = "span_id")]
        _span_id: IgnoredAny,
        #[serde(rename = "startTimeUnixNano", alias = "start_time_unix_nano")]
        _start: IgnoredAny,
    }
    serde_json::Deserializer::from_slice(text)
        .into_iter::<Span>()
        .next()
        .is_some_and(|span| span.is_ok())
}

impl TraceSetBuilder {
    /// Starts reading, in this (new) builder, the part of file `name` that begins at byte `at`,
    /// a place [`find_split`] found.
    pub fn start_part(&mut self, name: &str, kind: SplitKind, at: usize) -> FileFeed {
        let mut feed = self.start_feed(name);
        feed.base = at;
        feed.began = at;
        feed.mode = match kind {
            SplitKind::Lines => Mode::Lines(otlp_json::LinesWalk::default(), 1),
            SplitKind::OtlpSpans => Mode::Otlp(otlp_json::within_spans()),
        };
        feed
    }

    /// Reads a part of a file in a builder of its own: `chunks` are its bytes from `at` on, in
    /// order; `last` if they run to the file's end.
    pub fn parse_part<'c>(
        name: &str,
        kind: SplitKind,
        at: usize,
        chunks: impl IntoIterator<Item = &'c [u8]>,
        last: bool,
    ) -> Result<Part, ImportError> {
        let mut builder = TraceSetBuilder::new();
        let mut feed = builder.start_part(name, kind, at);
        for chunk in chunks {
            builder.feed(&mut feed, chunk);
        }
        builder.end_part(feed, last)
    }

    /// Joins `parts` in file order into `feed`, which has read up to `from`: each is where it
    /// begins and ends, and a call that waits for what its parser read (`None` if it could
    /// not), made only once the feed has read up to the part, so that the parsers run side by
    /// side. `fill(builder, feed, from, to)` feeds bytes `from..to` and says where it stopped:
    /// the bytes before each part, and those of a part that cannot join. Returns where the
    /// feed has read to.
    pub fn join_parts<E, W: FnOnce() -> Option<Part>>(
        &mut self,
        feed: &mut FileFeed,
        from: usize,
        parts: impl IntoIterator<Item = (usize, usize, W)>,
        mut fill: impl FnMut(&mut Self, &mut FileFeed, usize, usize) -> Result<usize, E>,
    ) -> Result<usize, E> {
        let mut read_to = from;
        for (at, end, wait) in parts {
            read_to = fill(self, feed, read_to, at)?;
            if let Some(part) = wait()
                && self.join_part(feed, part)
            {
                read_to = end;
            }
        }
        Ok(read_to)
    }

    /// Ends a part: reads what is pending of it (all of it, if it runs to the file's end).
    pub fn end_part(mut self, mut feed: FileFeed, last: bool) -> Result<Part, ImportError> {
        let at = feed.began;
        if let Some(why) = feed.take_failure() {
            return Err(why);
        }
        self.read_now(&mut feed, last)?;
        Ok(Part {
            at,
            builder: self,
            feed,
        })
    }

    /// Takes in `part`, which begins where `feed` has now been fed up to: `false` (and
    /// nothing changes) if the feed does not stand where the part assumed, or the part placed
    /// a problem by line; the feed must then be given those bytes itself.
    pub fn join_part(&mut self, feed: &mut FileFeed, part: Part) -> bool {
        if feed.failed() {
            return false;
        }
        if let Err(e) = self.read_now(feed, false) {
            feed.fail(e);
            return false;
        }
        let placed_by_line = [DiagnosticKind::SkippedSpan, DiagnosticKind::SkippedLine]
            .iter()
            .any(|&k| part.feed.diags.count(k) > 0);
        if placed_by_line
            || part.feed.failed()
            || !part.builder.is_plain_part()
            || feed.base + feed.pending.len() != part.at
            || !feed.pending.trim_ascii().is_empty()
        {
            return false;
        }
        let inherited = match (&feed.mode, &part.feed.mode) {
            (Mode::Lines(..), Mode::Lines(..)) => Some(Inherited {
                resource: crate::import::builder::NO_RESOURCE,
                service: StrId::EMPTY,
                scope: StrId::EMPTY,
            }),
            (Mode::Otlp(walk), Mode::Otlp(_)) => otlp_json::inherited(walk),
            _ => None,
        };
        let Some(inherited) = inherited else {
            return false;
        };
        let map = self.absorb(part.builder, feed.source, inherited);
        let mut next = part.feed;
        feed.diags
            .absorb(std::mem::take(&mut next.diags), feed.source);
        let at_part = super::feed::place_after(feed.origin, &feed.pending);
        feed.mode = match (std::mem::replace(&mut feed.mode, Mode::Starting), next.mode) {
            (Mode::Lines(mine, number), Mode::Lines(mut theirs, more)) => {
                theirs.take_counts(mine);
                Mode::Lines(theirs, number + more - 1)
            }
            (Mode::Otlp(mine), Mode::Otlp(mut theirs)) => {
                otlp_json::adopt(&mut theirs, mine, &map);
                Mode::Otlp(theirs)
            }
            (mine, _) => mine,
        };
        feed.origin = match next.origin {
            (1, column) => (at_part.0, at_part.1 + column - 1),
            (line, column) => (at_part.0 + line - 1, column),
        };
        feed.base = next.base;
        feed.pending = next.pending;
        feed.wait_for = 2 * feed.pending.len();
        true
    }
}
