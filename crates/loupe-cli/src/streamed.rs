//! Reading the files a command is given as one stream, in bounded memory: each file read in
//! parts (gzip decoded as it is read), the traces that are done handed to the command a set at
//! a time (see `loupe_core::stream`). A file that fails is reported and the others still load.
//! Big inputs show their progress on stderr when it is a terminal.

use crate::files::{Outcomes, PART};
use crate::progress::{Counter, Progress};
use loupe_core::stream::{StreamEnd, StreamOptions, TraceStream};
use loupe_core::{FileFeed, TraceSet};
use std::cell::RefCell;
use std::io::{BufReader, Read};
use std::sync::atomic::Ordering;

/// What streaming the files gave besides the sets: each path with its report or why it
/// failed, and what the stream learned.
pub struct Streamed {
    pub outcomes: Outcomes,
    pub end: StreamEnd,
}

impl Streamed {
    /// Reports on stderr each file that could not be read or imported, with its path, and
    /// each warning of the stream (late spans among them); says whether any file failed.
    pub fn report_failures(&self) -> bool {
        let mut failed = false;
        for (path, outcome) in &self.outcomes {
            match outcome {
                Err(e) => {
                    eprintln!("{path}: {e}");
                    failed = true;
                }
                Ok(report) => {
                    for w in self.end.diagnostics.lines(Some(report.source)) {
                        eprintln!("{path}: warning: {w}");
                    }
                }
            }
        }
        failed
    }
}

/// The `--idle` option: spans of input after which a trace whose root arrived is done.
pub fn options(idle: Option<u64>) -> Result<StreamOptions, String> {
    let defaults = StreamOptions::default();
    match idle {
        Some(0) => Err("--idle takes 1 or more spans".into()),
        Some(idle) => Ok(StreamOptions { idle, ..defaults }),
        None => Ok(defaults),
    }
}

/// Streams `paths` in order, handing each set of done traces to `sink`. The first error the
/// sink gives stops the reading, and is returned.
pub fn stream_files(
    paths: &[String],
    options: StreamOptions,
    mut sink: impl FnMut(TraceSet) -> Result<(), String>,
) -> Result<Streamed, String> {
    let progress = Progress::of_files(paths);
    let stopped: RefCell<Option<String>> = RefCell::new(None);
    let mut stream = TraceStream::new(options, |set| {
        if stopped.borrow().is_none()
            && let Err(why) = sink(set)
        {
            *stopped.borrow_mut() = Some(why);
        }
    });
    let mut outcomes = Vec::new();
    for path in paths {
        if stopped.borrow().is_some() {
            break;
        }
        let mut feed = stream.start_file(path);
        let read = read_file(&mut stream, &mut feed, path, progress.counter(), &stopped);
        let outcome = match read {
            Ok(()) => stream.finish_file(feed).map_err(|e| e.to_string()),
            Err(e) => {
                stream.abandon_file(feed);
                Err(format!("cannot read the file: {e}"))
            }
        };
        outcomes.push((path.clone(), outcome));
    }
    let end = stream.end();
    progress.finish();
    match stopped.into_inner() {
        Some(why) => Err(why),
        None => Ok(Streamed { outcomes, end }),
    }
}

/// Feeds the file at `path` to the stream part by part, gzip decoded, until it ends or the
/// stream's sink has `stopped` it.
fn read_file<S: FnMut(TraceSet)>(
    stream: &mut TraceStream<S>,
    feed: &mut FileFeed,
    path: &str,
    counted: &Counter,
    stopped: &RefCell<Option<String>>,
) -> std::io::Result<()> {
    let file = std::fs::File::open(path)?;
    let mut raw = BufReader::with_capacity(
        PART,
        Counted {
            inner: file,
            counted,
        },
    );
    let gzip = std::io::BufRead::fill_buf(&mut raw)?.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let mut part = vec![0; PART];
    while !feed.failed() && stopped.borrow().is_none() {
        match reader.read(&mut part)? {
            0 => break,
            n => stream.feed(feed, &part[..n]),
        }
    }
    Ok(())
}

/// A reader that counts the bytes read through it.
struct Counted<'c, R> {
    inner: R,
    counted: &'c Counter,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counted.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
