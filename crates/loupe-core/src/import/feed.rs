//! A file read as it arrives, part by part (a browser file's stream). OTLP/JSON documents and
//! JSON Lines, Chrome traces, arrays of span JSON, and Jaeger and Zipkin files of many traces
//! are parsed as their bytes come, record by record, and only the bytes not yet read are held: the file's text is never whole in memory, and the spans keep
//! where their JSON lies in the file (to be read again from the file when one is opened).
//! Other formats, and gzip, are gathered whole and read at the end, their text kept.

use super::cursor::{Cursor, DocumentWalk, EachElement};
use super::{Context, chrome, jaeger, otlp_json, span_json, zipkin};
use crate::import::builder::{FileReport, Mark, TraceSetBuilder};
use crate::import::detect::{self, Start, Walked};
use crate::import::error::ImportError;
use crate::model::Format;
use crate::model::diagnostics::Diagnostics;
use serde::{Deserialize, Serialize};

/// How much of a file is gathered before its format is told from its start.
const START: usize = 1 << 20;

/// A file being read as it arrives. Feed it with [`TraceSetBuilder::feed`], end it with
/// [`TraceSetBuilder::finish_feed`].
#[derive(Serialize, Deserialize)]
pub struct FileFeed {
    pub(super) name: String,
    pub(super) source: u32,
    pub(super) mark: Mark,
    pub(super) diags: Diagnostics,
    /// Bytes arrived and not yet read.
    pub(super) pending: Vec<u8>,
    /// Offset in the file of `pending`'s first byte, less `shift`.
    pub(super) base: usize,
    /// Bytes of the file before where offsets count from: a stream that cut off what it read
    /// counts again from the cut (see [`TraceSetBuilder::cut`]).
    pub(super) shift: usize,
    /// Offset in the file where this feed began (not 0 for a part read on its own).
    pub(super) began: usize,
    /// Line and column (from 1) of `pending`'s first byte (from where the feed began).
    pub(super) origin: (usize, usize),
    pub(super) mode: Mode,
    /// How many bytes must be pending before reading again: a record cut by the end of what
    /// has arrived is read again from its start, so it waits until twice as much is there.
    pub(super) wait_for: usize,
    /// Why the file cannot be read, once known: the rest of it is not read.
    #[serde(skip)]
    failed: Option<ImportError>,
}

/// How the file is being read.
#[derive(Serialize, Deserialize)]
pub(super) enum Mode {
    /// Gathering its start, to tell its format.
    Starting,
    /// Gathering it whole, to read at the end.
    Whole,
    /// OTLP/JSON Lines, line by line; the number of the next line.
    Lines(otlp_json::LinesWalk, usize),
    /// An OTLP/JSON document, span by span.
    Otlp(DocumentWalk<otlp_json::RequestWalker>),
    /// A Chrome trace, event by event (never read in parts).
    #[serde(skip)]
    Chrome(Box<DocumentWalk<chrome::EventWalker>>),
    /// A Jaeger file of many traces, trace by trace.
    Jaeger(DocumentWalk<jaeger::RecordWalker>),
    /// A Zipkin list of traces, trace by trace.
    Zipkin(DocumentWalk<EachElement<zipkin::TraceElement>>),
    /// An array of span JSON objects of this format, span by span.
    Spans(Format, DocumentWalk<EachElement<span_json::SpanElement>>),
}

impl Mode {
    /// Whether the file is parsed as it arrives (not gathered first).
    fn walks(&self) -> bool {
        !matches!(self, Mode::Starting | Mode::Whole)
    }
}

impl FileFeed {
    /// The name the file was given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The index the file will have among the set's sources.
    pub fn source(&self) -> u32 {
        self.source
    }

    /// Whether the file already failed (reading more of it is of no use).
    pub fn failed(&self) -> bool {
        self.failed.is_some()
    }

    /// Why the file could not be read, if it could not: taken, as a part's feed is ended.
    pub(super) fn take_failure(&mut self) -> Option<ImportError> {
        self.failed.take()
    }

    /// Gives up reading the file, for `why`.
    pub(super) fn fail(&mut self, why: ImportError) {
        self.failed = Some(why);
        self.pending = Vec::new();
    }
}

impl TraceSetBuilder {
    /// Starts reading file `name` as it arrives.
    pub fn start_feed(&mut self, name: &str) -> FileFeed {
        let (source, failed) = match self.next_source() {
            Ok(source) => (source, None),
            Err(e) => (0, Some(e)),
        };
        FileFeed {
            name: name.to_string(),
            source,
            mark: self.mark(),
            diags: Diagnostics::default(),
            pending: Vec::new(),
            base: 0,
            shift: 0,
            began: 0,
            origin: (1, 1),
            mode: Mode::Starting,
            wait_for: 0,
            failed,
        }
    }

    /// Reads the next part of a file: what of it can be parsed now is.
    pub fn feed(&mut self, feed: &mut FileFeed, part: &[u8]) {
        if feed.failed.is_some() {
            return;
        }
        let read = if feed.pending.is_empty() && feed.mode.walks() {
            self.read_part(feed, part)
        } else {
            feed.pending.extend_from_slice(part);
            self.read_pending(feed, false)
        };
        if let Err(e) = read {
            feed.fail(e);
        }
    }

    /// Reads the rest of a file and adds it, as [`TraceSetBuilder::add_file`] does.
    pub fn finish_feed(&mut self, mut feed: FileFeed) -> Result<FileReport, ImportError> {
        let read = match feed.failed.take() {
            Some(e) => Err(e),
            None => self.read_pending(&mut feed, true),
        };
        let format = match &feed.mode {
            Mode::Whole | Mode::Starting => {
                let bytes = std::mem::take(&mut feed.pending);
                return match read {
                    Err(e) => {
                        self.rollback(&feed.mark);
                        Err(e)
                    }
                    Ok(()) => self.add_file_owned(&feed.name, bytes),
                };
            }
            Mode::Lines(..) => Format::OtlpJsonLines,
            Mode::Otlp(_) => Format::OtlpJson,
            Mode::Chrome(_) => Format::ChromeTrace,
            Mode::Jaeger(_) => Format::Jaeger,
            Mode::Zipkin(_) => Format::Zipkin,
            Mode::Spans(format, _) => *format,
        };
        let mut ctx = Context::whole(self, "", feed.source, &mut feed.diags);
        match feed.mode {
            Mode::Lines(walk, _) => walk.finish(&mut ctx),
            Mode::Otlp(walk) => walk.finish(&mut ctx),
            Mode::Chrome(walk) => walk.finish(&mut ctx),
            Mode::Jaeger(walk) => walk.finish(&mut ctx),
            Mode::Zipkin(walk) => walk.finish(&mut ctx),
            Mode::Spans(_, walk) => walk.finish(&mut ctx),
            Mode::Whole | Mode::Starting => {}
        }
        // The text is not held: a span's JSON is read again from the file when it is opened.
        self.settle(
            &feed.name,
            format,
            Box::default(),
            &feed.mark,
            feed.diags,
            read,
        )
    }

    /// Gives up a file that could not be read to its end: nothing of it is kept.
    pub fn abandon_feed(&mut self, feed: FileFeed) {
        self.rollback(&feed.mark);
    }

    /// Parses what can be parsed of the pending bytes now, however few (all of them when
    /// `last`), and drops what was read.
    pub(super) fn read_now(&mut self, feed: &mut FileFeed, last: bool) -> Result<(), ImportError> {
        feed.wait_for = 0;
        self.read_pending(feed, last)
    }

    /// Parses what can be parsed of the pending bytes (all of them when `last`), and drops
    /// what was read.
    fn read_pending(&mut self, feed: &mut FileFeed, last: bool) -> Result<(), ImportError> {
        if let Mode::Starting = feed.mode {
            if !last && feed.pending.len() < START {
                return Ok(());
            }
            self.choose_mode(feed, last)?;
        }
        if let Mode::Whole | Mode::Starting = feed.mode {
            return Ok(());
        }
        if !last && feed.pending.len() < feed.wait_for {
            return Ok(());
        }
        let (read, then_lines) = self.walk(feed, None, last)?;
        drop_read(feed, read);
        self.after_walk(feed, then_lines, last)
    }

    /// Reads a part straight from where it arrived (nothing is pending): only what is left
    /// unread of it is kept, so the bytes of a file are not copied on their way to the parser.
    fn read_part(&mut self, feed: &mut FileFeed, part: &[u8]) -> Result<(), ImportError> {
        if part.len() < feed.wait_for {
            feed.pending.extend_from_slice(part);
            return Ok(());
        }
        let (read, then_lines) = self.walk(feed, Some(part), false)?;
        feed.origin = place_after(feed.origin, &part[..read]);
        feed.base += read;
        feed.pending.extend_from_slice(&part[read..]);
        self.after_walk(feed, then_lines, false)
    }

    /// After a walk: waits for twice what is left before walking again, and goes on line by
    /// line when a document turned out to be one request per line.
    fn after_walk(
        &mut self,
        feed: &mut FileFeed,
        then_lines: bool,
        last: bool,
    ) -> Result<(), ImportError> {
        feed.wait_for = 2 * feed.pending.len();
        if then_lines {
            feed.mode = Mode::Lines(otlp_json::LinesWalk::default(), feed.origin.0);
            return self.read_pending(feed, last);
        }
        Ok(())
    }

    /// Walks `part`, or the pending bytes when it is `None`, in the file's mode: how many
    /// bytes were read, and whether the rest is one request per line.
    fn walk(
        &mut self,
        feed: &mut FileFeed,
        part: Option<&[u8]>,
        last: bool,
    ) -> Result<(usize, bool), ImportError> {
        let bytes = part.unwrap_or(&feed.pending);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            // A character cut in two by the part's end: read up to it.
            Err(e) if e.error_len().is_none() && !last => {
                std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("")
            }
            Err(e) => {
                return Err(ImportError::NotUtf8 {
                    offset: feed.shift + feed.base + e.valid_up_to(),
                });
            }
        };
        if u32::try_from(feed.base + text.len()).is_err() {
            return Err(ImportError::TooLarge);
        }
        let mut ctx = Context {
            builder: self,
            text,
            source: feed.source,
            diags: &mut feed.diags,
            base: feed.base,
            origin: feed.origin,
        };
        Ok(match &mut feed.mode {
            Mode::Lines(walk, number) => {
                let complete = if last {
                    text.len()
                } else {
                    text.rfind('\n').map_or(0, |end| end + 1)
                };
                for line in text[..complete].split_inclusive('\n') {
                    walk.line(&mut ctx, line.trim_end_matches(['\n', '\r']), *number);
                    *number += 1;
                }
                (complete, false)
            }
            Mode::Otlp(walk) => {
                let mut cur = Cursor::part(text, feed.origin, last);
                let done = walk.part(&mut ctx, &mut cur)?;
                // One request read whole, and more follows: more requests, one per line.
                let more = done && cur.peek().is_some();
                if more {
                    std::mem::replace(walk, otlp_json::document()).finish(&mut ctx);
                }
                (cur.pos(), more)
            }
            Mode::Chrome(walk) => (walk_to_end(walk, &mut ctx, feed.origin, last)?, false),
            Mode::Jaeger(walk) => (walk_to_end(walk, &mut ctx, feed.origin, last)?, false),
            Mode::Zipkin(walk) => (walk_to_end(walk, &mut ctx, feed.origin, last)?, false),
            Mode::Spans(_, walk) => (walk_to_end(walk, &mut ctx, feed.origin, last)?, false),
            Mode::Whole | Mode::Starting => (0, false),
        })
    }

    /// Tells the format from the file's start: how it will be read.
    fn choose_mode(&mut self, feed: &mut FileFeed, last: bool) -> Result<(), ImportError> {
        // Gzip and Parquet (binary, its footer at the end) are gathered whole.
        if crate::import::input::is_gzip(&feed.pending) || feed.pending.starts_with(b"PAR1") {
            feed.mode = Mode::Whole;
            return Ok(());
        }
        if feed.pending.starts_with("\u{feff}".as_bytes()) {
            drop_read(feed, "\u{feff}".len());
            feed.origin = (1, 1);
        }
        let valid = match std::str::from_utf8(&feed.pending) {
            Ok(_) => feed.pending.len(),
            Err(e) => e.valid_up_to(),
        };
        let start = std::str::from_utf8(&feed.pending[..valid]).unwrap_or("");
        feed.mode = match detect::detect_start(start, last && valid == feed.pending.len()) {
            Start::Lines => Mode::Lines(otlp_json::LinesWalk::default(), 1),
            Start::Walk(Walked::OtlpJson) => Mode::Otlp(otlp_json::document()),
            Start::Walk(Walked::ChromeTrace) => {
                let mut ctx = Context::whole(self, "", feed.source, &mut feed.diags);
                Mode::Chrome(Box::new(chrome::document(&mut ctx)))
            }
            Start::Walk(Walked::Jaeger) => Mode::Jaeger(jaeger::records()),
            Start::Walk(Walked::Zipkin) => Mode::Zipkin(EachElement::document()),
            Start::Walk(Walked::Spans(format)) => Mode::Spans(format, EachElement::document()),
            Start::Whole => Mode::Whole,
            Start::Unknown if last || feed.pending.len() >= 16 * START => Mode::Whole,
            Start::Unknown => Mode::Starting,
        };
        Ok(())
    }
}

/// Walks the text of `ctx` (which starts at line and column `origin`) as far as it goes, and
/// checks that nothing follows the document when `last`: how many bytes were read.
fn walk_to_end<W: super::cursor::Walker>(
    walk: &mut DocumentWalk<W>,
    ctx: &mut Context,
    origin: (usize, usize),
    last: bool,
) -> Result<usize, ImportError> {
    let mut cur = Cursor::part(ctx.text, origin, last);
    if walk.part(ctx, &mut cur)? && last {
        super::cursor::expect_end(&mut cur)?;
    }
    Ok(cur.pos())
}

/// Line and column (from 1, in bytes) just after `bytes`, which start at `origin`: every
/// byte of a file goes through here once, so newlines are found with `memchr`.
pub(super) fn place_after(origin: (usize, usize), bytes: &[u8]) -> (usize, usize) {
    match memchr::memrchr(b'\n', bytes) {
        None => (origin.0, origin.1 + bytes.len()),
        Some(last) => (
            origin.0 + memchr::memchr_iter(b'\n', bytes).count(),
            bytes.len() - last,
        ),
    }
}

/// Drops the first `read` pending bytes, moving the file position past them.
fn drop_read(feed: &mut FileFeed, read: usize) {
    let read = read.min(feed.pending.len());
    feed.origin = place_after(feed.origin, &feed.pending[..read]);
    feed.base += read;
    feed.pending.drain(..read);
}
