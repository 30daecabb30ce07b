//! Adding dropped files to a [`TraceSet`], with a status per file. The same loader runs in
//! the Web Worker and, where no worker can start, on the page itself. A file is parsed part by
//! part as it is read ([`TraceSetBuilder::feed`]), so a big one is never whole in memory. A big
//! OTLP/JSON file is split among parsers where the machine has the cores ([`SplitFile`]).

use loupe_core::{FileFeed, MIN_SHARE, Part, SplitKind, TraceSet, TraceSetBuilder, split_places};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;

/// What became of one dropped file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileStatus {
    /// The file's name.
    pub name: String,
    /// Its size in bytes, as dropped.
    pub bytes: usize,
    /// How many bytes the parser's memory grew by while it read the file. Wasm memory never
    /// shrinks: what a file that failed took stays with its parser.
    #[serde(default)]
    pub grown: u64,
    /// Its format and span count, or why it failed.
    pub outcome: Result<Loaded, String>,
}

/// A file that loaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Loaded {
    /// Its index among the set's sources.
    pub source: u32,
    /// The detected format.
    pub format: String,
    /// Spans read.
    pub spans: usize,
    /// Problems that lost or altered part of it.
    pub warnings: Vec<String>,
}

/// Has a Parquet file (its name and bytes) read by a decoder of its own: the builder it read,
/// in binary form ([`loupe_core::wire::encode_read`]), or why it could not.
pub type Decoder = fn(String, Vec<u8>) -> Pin<Box<dyn Future<Output = Result<Vec<u8>, String>>>>;

/// Adds files to a set one at a time: only their bytes are parsed, and [`Loader::finish`]
/// regroups only the traces their spans join.
pub struct Loader {
    builder: TraceSetBuilder,
    statuses: Vec<FileStatus>,
    /// How many parsers may read one file.
    parsers: usize,
    /// Who reads Parquet files (the engine here has no Parquet reader), if anyone can.
    decoder: Option<Decoder>,
}

/// How much of a file is read before places to split it are looked for (its format is told
/// from its start).
const START: usize = 1 << 20;

impl Loader {
    /// A loader adding to `set`, with `parsers` parsers for a big file that can be split, and
    /// Parquet files read by `decoder`.
    pub fn new(set: TraceSet, parsers: usize, decoder: Option<Decoder>) -> Loader {
        Loader {
            builder: TraceSetBuilder::reopen(set),
            statuses: Vec::new(),
            parsers,
            decoder,
        }
    }

    /// Parses file `name` part by part as `reader` reads it (or whole, with its text kept, if
    /// it comes in one part). A file that fails leaves nothing behind, and the others still
    /// load.
    pub async fn add_parts(&mut self, name: String, reader: impl FileReader) {
        let before = memory_size();
        self.read_parts(name, reader).await;
        if let Some(status) = self.statuses.last_mut() {
            status.grown = memory_size().saturating_sub(before);
        }
    }

    /// [`Loader::add_parts`], without the measure of memory.
    async fn read_parts(&mut self, name: String, mut reader: impl FileReader) {
        if reader.in_one_part() {
            let mut bytes = Vec::new();
            let read = reader.next_part(&mut bytes).await.map(|_| bytes);
            return self.add(name, read);
        }
        let parquet = reader
            .split_file()
            .and_then(|file| file.window(0, 4))
            .is_some_and(|start| start.starts_with(b"PAR1"));
        if let Some(decode) = self.decoder.filter(|_| parquet) {
            return self.decode(name, reader, decode).await;
        }
        if let Some(file) = reader
            .split_file()
            .filter(|f| self.parsers > 1 && f.size() >= 2 * MIN_SHARE)
        {
            let mut feed = self.builder.start_feed(&name);
            let read = read_split(&mut self.builder, &mut feed, file, self.parsers).await;
            let size = file.size();
            return self.settle(name, feed, size, read);
        }
        let mut feed = self.builder.start_feed(&name);
        let read = feed_all(&mut self.builder, &mut feed, reader).await;
        self.settle(
            name,
            feed,
            read.as_ref().map_or(0, |&size| size),
            read.map(|_| ()),
        );
    }

    /// Reads file `name` whole and has `decode` read it; adds what it read.
    async fn decode(&mut self, name: String, mut reader: impl FileReader, decode: Decoder) {
        let (mut bytes, mut part) = (Vec::new(), Vec::new());
        let mut read = Ok(());
        loop {
            match reader.next_part(&mut part).await {
                Ok(true) => bytes.extend_from_slice(&part),
                Ok(false) => break,
                Err(e) => {
                    read = Err(e);
                    break;
                }
            }
        }
        let size = bytes.len();
        let outcome = match read {
            Ok(()) => decode(name.clone(), bytes).await.and_then(|read| {
                let read = loupe_core::wire::decode_read(&read).map_err(|e| e.to_string())?;
                self.builder
                    .add_read(&name, read)
                    .map(loaded)
                    .map_err(|e| e.to_string())
            }),
            Err(e) => Err(e),
        };
        self.statuses.push(FileStatus {
            name,
            bytes: size,
            grown: 0,
            outcome,
        });
    }

    /// Ends a file read part by part: adds it, or gives it up if it could not be read.
    fn settle(&mut self, name: String, feed: FileFeed, bytes: usize, read: Result<(), String>) {
        let outcome = match read {
            Ok(()) => self
                .builder
                .finish_feed(feed)
                .map(loaded)
                .map_err(|e| e.to_string()),
            Err(e) => {
                self.builder.abandon_feed(feed);
                Err(e)
            }
        };
        self.statuses.push(FileStatus {
            name,
            bytes,
            grown: 0,
            outcome,
        });
    }

    /// Parses file `name` (its bytes, or why they could not be read). A file that fails
    /// leaves nothing behind, and the others still load.
    pub fn add(&mut self, name: String, bytes: Result<Vec<u8>, String>) {
        let mut size = 0;
        let outcome = bytes
            .and_then(|bytes| {
                size = bytes.len();
                self.builder
                    .add_file_owned(&name, bytes)
                    .map_err(|e| e.to_string())
            })
            .map(loaded);
        self.statuses.push(FileStatus {
            name,
            bytes: size,
            grown: 0,
            outcome,
        });
    }

    /// Builds the trees; returns the set and a status per file added, in order.
    pub fn finish(self) -> (TraceSet, Vec<FileStatus>) {
        let set = self.builder.finish();
        let mut statuses = self.statuses;
        // Each file's warnings include what building the trees found (orphans, duplicate ids),
        // as `loupe summary` reports them.
        for status in &mut statuses {
            if let Ok(loaded) = &mut status.outcome {
                loaded.warnings = set.diagnostics().lines(Some(loaded.source));
            }
        }
        (set, statuses)
    }
}

/// The bytes of linear memory this module has (none natively, where nothing is measured).
fn memory_size() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return (core::arch::wasm32::memory_size(0) as u64) << 16;
    #[cfg(not(target_arch = "wasm32"))]
    return 0;
}

/// Feeds what `reader` reads to `feed` until the file ends or fails: how many bytes it read.
pub async fn feed_all(
    builder: &mut TraceSetBuilder,
    feed: &mut FileFeed,
    mut reader: impl FileReader,
) -> Result<usize, String> {
    let (mut part, mut size) = (Vec::new(), 0);
    while !feed.failed() && reader.next_part(&mut part).await? {
        size += part.len();
        builder.feed(feed, &part);
    }
    Ok(size)
}

/// Reads `file` with `parsers` parsers: its start here, then a part per other parser from a
/// place between records near the start of its share (read by it meanwhile), joined in order.
/// The bytes of a part that cannot join are read here.
async fn read_split(
    builder: &mut TraceSetBuilder,
    feed: &mut FileFeed,
    file: &impl SplitFile,
    parsers: usize,
) -> Result<(), String> {
    let size = file.size();
    let start = START.min(size);
    feed_all(builder, feed, file.reader(0, start)).await?;
    let places: Vec<(SplitKind, usize)> = feed.split_kind().map_or(Vec::new(), |kind| {
        split_places(kind, size, parsers, start, |from, len| {
            file.window(from, len)
        })
        .into_iter()
        .map(|at| (kind, at))
        .collect()
    });
    let ends: Vec<usize> = places.iter().skip(1).map(|p| p.1).chain([size]).collect();
    // Every part starts now; each is awaited in turn.
    let parts: Vec<_> = places
        .iter()
        .zip(&ends)
        .map(|(&(kind, at), &end)| file.parse_part(kind, at, end))
        .collect();
    let mut read_to = start;
    for ((part, &(_, at)), &end) in parts.into_iter().zip(&places).zip(&ends) {
        feed_all(builder, feed, file.reader(read_to, at)).await?;
        read_to = at;
        if let Some(part) = part.await
            && builder.join_part(feed, part)
        {
            read_to = end;
        }
    }
    feed_all(builder, feed, file.reader(read_to, size)).await?;
    Ok(())
}

fn loaded(r: loupe_core::FileReport) -> Loaded {
    Loaded {
        source: r.source,
        format: r.format.label().to_string(),
        spans: r.spans,
        warnings: r.warnings,
    }
}

/// Reads a file part by part.
pub trait FileReader {
    /// Reads the next part into `part` (replacing what it held): `false` once the file is read.
    fn next_part<'a>(
        &'a mut self,
        part: &'a mut Vec<u8>,
    ) -> impl Future<Output = Result<bool, String>> + 'a;

    /// Whether the file comes in one part (bytes already in memory): it is then read whole,
    /// its text kept.
    fn in_one_part(&self) -> bool {
        false
    }

    /// The file, if it can be read from any place and split among parsers.
    fn split_file(&self) -> Option<&impl SplitFile> {
        None::<&Unsplit>
    }
}

/// A file that can be read from any place, parts of which other parsers can read.
pub trait SplitFile {
    /// Reads bytes of the file part by part.
    type Reader: FileReader;
    /// Its size in bytes.
    fn size(&self) -> usize;
    /// A reader of bytes `from..to`.
    fn reader(&self, from: usize, to: usize) -> Self::Reader;
    /// At most `len` bytes from byte `from`, read at once.
    fn window(&self, from: usize, len: usize) -> Option<Vec<u8>>;
    /// Has another parser read bytes `at..end` as a part of the file: it starts at once, and
    /// the part comes once read (`None` if it could not be).
    fn parse_part(
        &self,
        kind: SplitKind,
        at: usize,
        end: usize,
    ) -> impl Future<Output = Option<Part>> + 'static;
}

/// The file of a reader that cannot be split: none is ever given.
pub struct Unsplit;

impl FileReader for Unsplit {
    async fn next_part<'a>(&'a mut self, _: &'a mut Vec<u8>) -> Result<bool, String> {
        Ok(false)
    }
}

impl SplitFile for Unsplit {
    type Reader = Unsplit;
    fn size(&self) -> usize {
        0
    }
    fn reader(&self, _: usize, _: usize) -> Unsplit {
        Unsplit
    }
    fn window(&self, _: usize, _: usize) -> Option<Vec<u8>> {
        None
    }
    fn parse_part(
        &self,
        _: SplitKind,
        _: usize,
        _: usize,
    ) -> impl Future<Output = Option<Part>> + 'static {
        std::future::ready(None)
    }
}

/// A file that comes in one part, once `bytes` resolves.
pub struct InOnePart<F>(pub Option<F>);

impl<F: Future<Output = Result<Vec<u8>, String>>> FileReader for InOnePart<F> {
    async fn next_part<'a>(&'a mut self, part: &'a mut Vec<u8>) -> Result<bool, String> {
        match self.0.take() {
            Some(bytes) => {
                *part = bytes.await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn in_one_part(&self) -> bool {
        true
    }
}

/// Adds `files` (each a name, whether it is newly dropped, and a reader of its bytes) to
/// `set`, reading each only when its turn comes and parsing it as it is read (a big one by up
/// to `parsers` parsers).
/// `progress(done, label)` is called before each newly dropped file and before the trees are
/// built. Returns the set and a status per file, in order.
pub async fn add_files<R: FileReader>(
    set: TraceSet,
    files: impl IntoIterator<Item = (String, bool, R)>,
    (parsers, decoder): (usize, Option<Decoder>),
    mut progress: impl FnMut(usize, &str),
) -> (TraceSet, Vec<FileStatus>) {
    let mut loader = Loader::new(set, parsers, decoder);
    let mut done = 0;
    for (name, fresh, reader) in files {
        if fresh {
            progress(done, &format!("Parsing {name}"));
            done += 1;
        }
        loader.add_parts(name, reader).await;
    }
    progress(done, "Building span trees");
    loader.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// Runs a future that never waits (the readers here have their bytes at hand).
    fn now<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(out) => out,
            std::task::Poll::Pending => panic!("the future waited"),
        }
    }

    /// A file in memory; parts of it are read at once, or fail as a helper that stopped.
    struct MemFile {
        bytes: Rc<[u8]>,
        parts_asked: Rc<Cell<usize>>,
        helpers_fail: bool,
    }

    /// Reads bytes `at..to` of a file in memory, 1 MB at a time.
    struct MemReader {
        file: Option<MemFile>,
        bytes: Rc<[u8]>,
        at: usize,
        to: usize,
    }

    impl FileReader for MemReader {
        async fn next_part<'a>(&'a mut self, part: &'a mut Vec<u8>) -> Result<bool, String> {
            let end = (self.at + (1 << 20)).min(self.to);
            *part = self.bytes[self.at..end].to_vec();
            self.at = end;
            Ok(!part.is_empty())
        }

        fn split_file(&self) -> Option<&impl SplitFile> {
            self.file.as_ref()
        }
    }

    impl SplitFile for MemFile {
        type Reader = MemReader;
        fn size(&self) -> usize {
            self.bytes.len()
        }
        fn reader(&self, from: usize, to: usize) -> MemReader {
            MemReader {
                file: None,
                bytes: self.bytes.clone(),
                at: from,
                to,
            }
        }
        fn window(&self, from: usize, len: usize) -> Option<Vec<u8>> {
            let rest = self.bytes.get(from..)?;
            Some(rest[..len.min(rest.len())].to_vec())
        }
        fn parse_part(
            &self,
            kind: SplitKind,
            at: usize,
            end: usize,
        ) -> impl Future<Output = Option<Part>> + 'static {
            self.parts_asked.set(self.parts_asked.get() + 1);
            let part = (!self.helpers_fail).then(|| {
                let chunks = self.bytes[at..end].chunks(1 << 20);
                TraceSetBuilder::parse_part("part", kind, at, chunks, end == self.size()).ok()
            });
            std::future::ready(part.flatten())
        }
    }

    #[test]
    fn a_big_file_read_by_several_parsers_loads_as_with_one() {
        let text = loupe_core::generate::otlp_json(&loupe_core::generate::GenOptions {
            spans: 80_000,
            traces: 80,
            ..Default::default()
        });
        assert!(text.len() >= 3 * MIN_SHARE, "three shares");
        let bytes: Rc<[u8]> = text.as_bytes().into();
        let load = |parsers: usize, helpers_fail: bool| {
            let asked = Rc::new(Cell::new(0));
            let file = MemFile {
                bytes: bytes.clone(),
                parts_asked: asked.clone(),
                helpers_fail,
            };
            let reader = MemReader {
                bytes: bytes.clone(),
                at: 0,
                to: bytes.len(),
                file: Some(file),
            };
            let mut loader = Loader::new(TraceSet::default(), parsers, None);
            now(loader.add_parts("big.json".into(), reader));
            let (set, statuses) = loader.finish();
            let raw: Vec<_> = (0..set.span_count() as u32)
                .map(|i| set.span(i).raw_ref())
                .collect();
            (
                loupe_core::dump::text_dump(&set),
                statuses,
                raw,
                asked.get(),
            )
        };
        let one = load(1, false);
        assert_eq!(one.3, 0, "one parser asks for no part");
        assert_eq!(one.1[0].outcome.as_ref().map(|l| l.spans), Ok(80_000));
        for (parsers, fail) in [(3, false), (3, true), (2, false)] {
            let split = load(parsers, fail);
            assert_eq!(split.3, parsers - 1, "a part per other parser");
            assert_eq!((&split.0, &split.1, &split.2), (&one.0, &one.1, &one.2));
        }
    }

    fn add(loader: &mut Loader, name: &str, text: &str) {
        loader.add(name.into(), Ok(text.as_bytes().to_vec()));
    }

    #[test]
    fn every_file_gets_a_status_and_failures_do_not_stop_the_rest() {
        let demo = loupe_core::generate::demo();
        let mut loader = Loader::new(TraceSet::default(), 1, None);
        add(&mut loader, "before.json", &demo);
        add(&mut loader, "broken.json", "{\"resourceSpans\": [");
        add(&mut loader, "again.json", &demo);
        loader.add("gone.json".into(), Err("the file was moved".into()));
        let (set, statuses) = loader.finish();
        assert_eq!(statuses.len(), 4);
        assert_eq!(
            (statuses[3].bytes, statuses[3].outcome.clone()),
            (0, Err("the file was moved".into())),
            "an unreadable file is listed with why"
        );
        assert!(
            statuses[1]
                .outcome
                .as_ref()
                .is_err_and(|e| e.contains("line 1"))
        );
        let loaded = statuses[2].outcome.as_ref().expect("the good file loads");
        assert_eq!((loaded.format.as_str(), loaded.spans), ("otlp-json", 16));
        assert_eq!(set.span_count(), 32, "both good files are in the set");

        let mut loader = Loader::new(set, 1, None);
        add(&mut loader, "more.json", &demo);
        let (set, more) = loader.finish();
        let source = more[0].outcome.as_ref().map(|l| l.source);
        assert_eq!(source, Ok(2), "a later file is added beside the others");
        assert_eq!(set.span_count(), 48);
    }
}
