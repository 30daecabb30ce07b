//! Adding dropped files to a [`TraceSet`], with a status per file. The same function runs in
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

/// Adds `jobs` to `set`: only their bytes are parsed, and only the traces their spans join
/// are grouped again. `progress(done, label)` is called before each fresh file and before the
/// trees are built. Returns a status per job, in order.
pub fn add_files(
    set: &mut TraceSet,
    jobs: Vec<Job>,
    mut progress: impl FnMut(usize, &str),
) -> Vec<FileStatus> {
    let mut builder = TraceSetBuilder::reopen(std::mem::take(set));
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
        statuses.push(FileStatus {
            name: job.name,
            bytes: size,
            outcome,
        });
    }
    progress(done, "Building span trees");
    *set = builder.finish();
    // Each file's warnings include what building the trees found (orphans, duplicate ids), as
    // `loupe summary` reports them.
    for status in &mut statuses {
        if let Ok(loaded) = &mut status.outcome {
            loaded.warnings = set.diagnostics().lines(Some(loaded.source));
        }
    }
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, text: &str, fresh: bool) -> Job {
        let bytes = text.as_bytes().to_vec();
        Job {
            name: name.into(),
            bytes: Box::new(move || Ok(bytes)),
            fresh,
        }
    }

    #[test]
    fn every_file_gets_a_status_and_failures_do_not_stop_the_rest() {
        let demo = loupe_core::generate::demo();
        let mut seen = Vec::new();
        let mut set = TraceSet::default();
        let statuses = add_files(
            &mut set,
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
        assert_eq!(
            seen.last().map(|(d, l)| (*d, l.as_str())),
            Some((3, "Building span trees")),
            "progress counts the fresh files"
        );
        let more = add_files(&mut set, vec![job("more.json", &demo, true)], |_, _| {});
        let source = more[0].outcome.as_ref().map(|l| l.source);
        assert_eq!(source, Ok(2), "a later file is added beside the others");
        assert_eq!(set.span_count(), 48);
    }
}
