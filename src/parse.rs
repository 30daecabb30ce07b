//! Adding dropped files to a [`TraceSet`], with a status per file. The same loader runs in
//! the Web Worker and, where no worker can start, on the page itself.

use loupe_core::{TraceSet, TraceSetBuilder};
use serde::{Deserialize, Serialize};

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
            .map(|r| Loaded {
                source: r.source,
                format: r.format.label().to_string(),
                spans: r.spans,
                warnings: r.warnings,
            });
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

/// Adds `files` (each a name, whether it is newly dropped, and its bytes as they will be read)
/// to `set`, reading each only when its turn comes, so a big file is read only once those
/// before it are parsed. `progress(done, label)` is called before each newly dropped file and
/// before the trees are built. Returns the set and a status per file, in order.
pub async fn add_files<R: Future<Output = Result<Vec<u8>, String>>>(
    set: TraceSet,
    files: impl IntoIterator<Item = (String, bool, R)>,
    mut progress: impl FnMut(usize, &str),
) -> (TraceSet, Vec<FileStatus>) {
    let mut loader = Loader::new(set);
    let mut done = 0;
    for (name, fresh, bytes) in files {
        if fresh {
            progress(done, &format!("Parsing {name}"));
            done += 1;
        }
        loader.add(name, bytes.await);
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
