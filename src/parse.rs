//! Adding dropped files to a [`TraceSet`], with a status per file. The same loader runs in
//! the Web Worker and, where no worker can start, on the page itself. A file is parsed part by
//! part as it is read ([`TraceSetBuilder::feed`]), so a big one is never whole in memory.

use loupe_core::{TraceSet, TraceSetBuilder};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// What became of one dropped file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileStatus {
    /// The file's name.
    pub name: String,
    /// Its size in bytes, as dropped.
    pub bytes: usize,
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

/// Adds files to a set one at a time: only their bytes are parsed, and [`Loader::finish`]
/// regroups only the traces their spans join.
pub struct Loader {
    builder: TraceSetBuilder,
    statuses: Vec<FileStatus>,
}

impl Loader {
    /// A loader adding to `set`.
    pub fn new(set: TraceSet) -> Loader {
        Loader {
            builder: TraceSetBuilder::reopen(set),
            statuses: Vec::new(),
        }
    }

    /// Parses file `name` part by part as `reader` reads it (or whole, with its text kept, if
    /// it comes in one part). A file that fails leaves nothing behind, and the others still
    /// load.
    pub async fn add_parts(&mut self, name: String, mut reader: impl FileReader) {
        if reader.in_one_part() {
            let mut bytes = Vec::new();
            let read = reader.next_part(&mut bytes).await.map(|_| bytes);
            return self.add(name, read);
        }
        let mut feed = self.builder.start_feed(&name);
        let mut part = Vec::new();
        let mut size = 0;
        let read = loop {
            match reader.next_part(&mut part).await {
                Ok(true) => {
                    size += part.len();
                    self.builder.feed(&mut feed, &part);
                    if feed.failed() {
                        break Ok(());
                    }
                }
                Ok(false) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
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
            bytes: size,
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
/// `set`, reading each only when its turn comes and parsing it as it is read.
/// `progress(done, label)` is called before each newly dropped file and before the trees are
/// built. Returns the set and a status per file, in order.
pub async fn add_files<R: FileReader>(
    set: TraceSet,
    files: impl IntoIterator<Item = (String, bool, R)>,
    mut progress: impl FnMut(usize, &str),
) -> (TraceSet, Vec<FileStatus>) {
    let mut loader = Loader::new(set);
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

    fn add(loader: &mut Loader, name: &str, text: &str) {
        loader.add(name.into(), Ok(text.as_bytes().to_vec()));
    }

    #[test]
    fn every_file_gets_a_status_and_failures_do_not_stop_the_rest() {
        let demo = loupe_core::generate::demo();
        let mut loader = Loader::new(TraceSet::default());
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

        let mut loader = Loader::new(set);
        add(&mut loader, "more.json", &demo);
        let (set, more) = loader.finish();
        let source = more[0].outcome.as_ref().map(|l| l.source);
        assert_eq!(source, Ok(2), "a later file is added beside the others");
        assert_eq!(set.span_count(), 48);
    }
}
