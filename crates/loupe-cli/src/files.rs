//! Loading the files a command is given, together, into one set.

use loupe_core::{FileReport, TraceSet, TraceSetBuilder};

/// Each path with what became of it: its report, or why it could not be read or imported.
pub type Outcomes = Vec<(String, Result<FileReport, String>)>;

/// Loads `paths` into one set, each file read once and handed to the engine without a copy.
/// A file that fails leaves the others loaded.
pub fn load_each(paths: &[String]) -> (TraceSet, Outcomes) {
    let mut builder = TraceSetBuilder::new();
    let outcomes = paths
        .iter()
        .map(|path| {
            let outcome = std::fs::read(path)
                .map_err(|e| format!("cannot read the file: {e}"))
                .and_then(|bytes| {
                    builder
                        .add_file_owned(path, bytes)
                        .map_err(|e| e.to_string())
                });
            (path.clone(), outcome)
        })
        .collect();
    (builder.finish(), outcomes)
}

/// Loads `paths` into one set. A file that cannot be read or imported is reported on stderr
/// with its path, and the others still load; the flag says whether any failed.
pub fn load_all(paths: &[String]) -> (TraceSet, bool) {
    let (set, outcomes) = load_each(paths);
    let mut failed = false;
    for (path, outcome) in outcomes {
        if let Err(e) = outcome {
            eprintln!("{path}: {e}");
            failed = true;
        }
    }
    (set, failed)
}
