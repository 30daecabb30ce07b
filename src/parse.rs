//! Turning dropped files into a [`TraceSet`], with a status per file. The same function runs in
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

/// Where a file's bytes come from: read when its turn comes, so a big file is read only once
/// the files before it are parsed (and why it could not be read, if so).
pub type ReadBytes = Box<dyn FnOnce() -> Result<Vec<u8>, String>>;

/// A file to parse.
pub struct Job {
    /// Its name.
    pub name: String,
    /// Its bytes.
    pub bytes: ReadBytes,
    /// Whether it is newly dropped (rather than loaded before and read again).
    pub fresh: bool,
}

impl Job {
    /// A file whose bytes are at hand.
    pub fn ready(name: String, bytes: Vec<u8>, fresh: bool) -> Job {
        Job {
            name,
            bytes: Box::new(move || Ok(bytes)),
            fresh,
        }
    }

    /// A file loaded before, to be read again beside new ones (its text moves, uncopied).
    pub fn again(source: loupe_core::Source) -> Job {
        Job::ready(
            source.name,
            source.text.into_boxed_bytes().into_vec(),
            false,
        )
    }
}

/// Parses `jobs` together. `progress(done, label)` is called before each file and before the
/// trees are built. Returns the set and the statuses of the fresh files.
pub fn parse_files(
    jobs: Vec<Job>,
    mut progress: impl FnMut(usize, &str),
) -> (TraceSet, Vec<FileStatus>) {
    let mut builder = TraceSetBuilder::new();
    let mut statuses = Vec::new();
    let mut done = 0;
    for job in jobs {
        if job.fresh {
            progress(done, &format!("Parsing {}", job.name));
            done += 1;
        }
        let mut size = 0;
        let outcome = (job.bytes)()
            .and_then(|bytes| {
                size = bytes.len();
                builder
                    .add_file_owned(&job.name, bytes)
                    .map_err(|e| e.to_string())
            })
            .map(|r| Loaded {
                source: r.source,
                format: r.format.label().to_string(),
                spans: r.spans,
                warnings: r.warnings,
            });
        if job.fresh {
            statuses.push(FileStatus {
                name: job.name,
                bytes: size,
                outcome,
            });
        }
    }
    progress(done, "Building span trees");
    let set = builder.finish();
    // Each file's warnings include what building the trees found (orphans, duplicate ids), as
    // `loupe summary` reports them.
    for status in &mut statuses {
        if let Ok(loaded) = &mut status.outcome {
            loaded.warnings = set.diagnostics().lines(Some(loaded.source));
        }
    }
    (set, statuses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, text: &str, fresh: bool) -> Job {
        Job::ready(name.into(), text.as_bytes().to_vec(), fresh)
    }

    #[test]
    fn statuses_cover_fresh_files_and_failures_do_not_stop_the_rest() {
        let demo = loupe_core::generate::demo();
        let mut seen = Vec::new();
        let (set, statuses) = parse_files(
            vec![
                job("before.json", &demo, false),
                job("broken.json", "{\"resourceSpans\": [", true),
                job("again.json", &demo, true),
                Job {
                    name: "gone.json".into(),
                    bytes: Box::new(|| Err("the file was moved".into())),
                    fresh: true,
                },
            ],
            |done, label| seen.push((done, label.to_string())),
        );
        assert_eq!(statuses.len(), 3, "only fresh files get a status");
        assert_eq!(
            (statuses[2].bytes, statuses[2].outcome.clone()),
            (0, Err("the file was moved".into())),
            "an unreadable file is listed with why"
        );
        assert!(
            statuses[0]
                .outcome
                .as_ref()
                .is_err_and(|e| e.contains("line 1"))
        );
        let loaded = statuses[1].outcome.as_ref().expect("the good file loads");
        assert_eq!((loaded.format.as_str(), loaded.spans), ("otlp-json", 16));
        assert_eq!(set.span_count(), 32, "both good files are in the set");
        assert_eq!(
            seen.last().map(|(d, l)| (*d, l.as_str())),
            Some((3, "Building span trees"))
        );
    }
}
