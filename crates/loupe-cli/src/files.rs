//! Loading the files a command is given, together, into one set. Each file is read in parts
//! and parsed as it is read: the big formats (OTLP/JSON, its JSON Lines, Chrome traces) are
//! never whole in memory. A big OTLP/JSON file is read by a thread per core. Big inputs show
//! their progress on stderr when it is a terminal.

use crate::progress::{Counter, Progress};
use loupe_core::{FileFeed, FileReport, Part, SplitKind, TraceSet, TraceSetBuilder, split_places};
use std::io::{Read, Seek, SeekFrom};

/// How much of a file is read at a time.
pub const PART: usize = 1 << 20;

/// Each path with what became of it: its report, or why it could not be read or imported.
pub type Outcomes = Vec<(String, Result<FileReport, String>)>;

/// Loads `paths` into one set, each file read once, in parts. A file that fails leaves the
/// others loaded. A big file is read by `threads` threads. While big inputs are read, a
/// progress line shows on stderr if it is a terminal.
pub fn load_each(paths: &[String], threads: usize) -> (TraceSet, Outcomes) {
    let progress = Progress::of_files(paths);
    let mut builder = TraceSetBuilder::new();
    let outcomes = paths
        .iter()
        .map(|path| {
            let report = read_into(&mut builder, path, threads, progress.counter());
            (path.clone(), report)
        })
        .collect();
    progress.finish();
    (builder.finish(), outcomes)
}

/// Reads the file at `path` part by part into `builder`. A big file that can be split is read
/// by `threads` threads, each from a place between records found near its share's start, and
/// the parts are joined in order.
fn read_into(
    builder: &mut TraceSetBuilder,
    path: &str,
    threads: usize,
    counted: &Counter,
) -> Result<FileReport, String> {
    let cannot = |e: std::io::Error| format!("cannot read the file: {e}");
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len() as usize;
    let mut feed = builder.start_feed(path);
    let mut read = feed_range(builder, &mut feed, &mut file, (0, PART.min(len)), counted);
    let splits: Vec<(SplitKind, usize)> = match feed.split_kind() {
        Some(kind) if read.is_ok() => split_places(kind, len, threads, PART, |from, len| {
            window(path, from, len)
        })
        .into_iter()
        .map(|at| (kind, at))
        .collect(),
        _ => Vec::new(),
    };
    if let Ok(from) = read
        && !splits.is_empty()
    {
        let place = Place { path, from, len };
        read = read_split(builder, &mut feed, &mut file, place, &splits, counted);
    }
    let rest =
        read.and_then(|from| feed_range(builder, &mut feed, &mut file, (from, len), counted));
    if let Err(e) = rest {
        builder.abandon_feed(feed);
        return Err(cannot(e));
    }
    builder.finish_feed(feed).map_err(|e| e.to_string())
}

/// How many threads the machine runs at once.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// At most `len` bytes of the file from byte `from`.
fn window(path: &str, from: usize, len: usize) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(SeekFrom::Start(from as u64)).ok()?;
    let mut bytes = Vec::new();
    file.take(len as u64).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Reads the file from `from` on with a thread for each part beginning at `splits`, joining
/// them in order: returns where the feed has read to. A part that cannot join is read again.
/// Where a split read begins: the file's path, where its feed has read to, and its length.
struct Place<'p> {
    path: &'p str,
    from: usize,
    len: usize,
}

fn read_split(
    builder: &mut TraceSetBuilder,
    feed: &mut FileFeed,
    file: &mut std::fs::File,
    place: Place,
    splits: &[(SplitKind, usize)],
    counted: &Counter,
) -> std::io::Result<usize> {
    let Place { path, from, len } = place;
    let ends: Vec<usize> = splits.iter().skip(1).map(|s| s.1).chain([len]).collect();
    std::thread::scope(|scope| {
        let threads: Vec<_> = splits
            .iter()
            .zip(&ends)
            .map(|(&(kind, at), &end)| {
                scope.spawn(move || read_part(path, kind, (at, end), len, counted))
            })
            .collect();
        let parts = threads
            .into_iter()
            .zip(splits)
            .zip(&ends)
            .map(|((thread, &(_, at)), &end)| (at, end, || thread.join().ok().flatten()));
        builder.join_parts(feed, from, parts, |builder, feed, from, to| {
            feed_range(builder, feed, file, (from, to), counted)
        })
    })
}

/// Reads bytes `at..end` of the file as a part of it, in a builder of its own: `None` if that
/// fails (the bytes are then read again by the file's feed, which reports why).
fn read_part(
    path: &str,
    kind: SplitKind,
    (at, end): (usize, usize),
    len: usize,
    counted: &Counter,
) -> Option<Part> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut builder = TraceSetBuilder::new();
    let mut feed = builder.start_part(path, kind, at);
    feed_range(&mut builder, &mut feed, &mut file, (at, end), counted).ok()?;
    builder.end_part(feed, end == len).ok()
}

/// Feeds bytes `from..to` of the file (fewer if it is shorter) part by part, adding them to
/// `counted`; returns where the reading stopped. Stops early once the feed has failed.
fn feed_range(
    builder: &mut TraceSetBuilder,
    feed: &mut FileFeed,
    file: &mut std::fs::File,
    (from, to): (usize, usize),
    counted: &Counter,
) -> std::io::Result<usize> {
    file.seek(SeekFrom::Start(from as u64))?;
    let mut part = vec![0; PART.min(to - from)];
    let mut at = from;
    while at < to && !feed.failed() {
        let want = PART.min(to - at);
        match file.read(&mut part[..want])? {
            0 => break,
            n => {
                builder.feed(feed, &part[..n]);
                at += n;
                counted.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }
    Ok(at)
}

/// Loads `paths` into one set. A file that cannot be read or imported is reported on stderr
/// with its path, and the others still load; the flag says whether any failed.
pub fn load_all(paths: &[String]) -> (TraceSet, bool) {
    let (set, outcomes) = load_each(paths, cores());
    let mut failed = false;
    for (path, outcome) in outcomes {
        if let Err(e) = outcome {
            eprintln!("{path}: {e}");
            failed = true;
        }
    }
    (set, failed)
}
