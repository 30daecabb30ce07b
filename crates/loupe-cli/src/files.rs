//! Loading the files a command is given, together, into one set. Each file is read in parts
//! and parsed as it is read: the big formats (OTLP/JSON, its JSON Lines, Chrome traces) are
//! never whole in memory.

use loupe_core::{FileReport, TraceSet, TraceSetBuilder};
use std::io::Read;

/// How much of a file is read at a time.
const PART: usize = 1 << 20;

/// Each path with what became of it: its report, or why it could not be read or imported.
pub type Outcomes = Vec<(String, Result<FileReport, String>)>;

/// Loads `paths` into one set, each file read once, in parts. A file that fails leaves the
/// others loaded.
pub fn load_each(paths: &[String]) -> (TraceSet, Outcomes) {
    let mut builder = TraceSetBuilder::new();
    let outcomes = paths
        .iter()
        .map(|path| (path.clone(), read_into(&mut builder, path)))
        .collect();
    (builder.finish(), outcomes)
}

/// Reads the file at `path` part by part into `builder`.
fn read_into(builder: &mut TraceSetBuilder, path: &str) -> Result<FileReport, String> {
    let cannot = |e: std::io::Error| format!("cannot read the file: {e}");
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mut feed = builder.start_feed(path);
    let mut part = vec![0; PART];
    loop {
        match file.read(&mut part) {
            Ok(0) => break,
            Ok(n) => builder.feed(&mut feed, &part[..n]),
            Err(e) => {
                builder.abandon_feed(feed);
                return Err(cannot(e));
            }
        }
        if feed.failed() {
            break;
        }
    }
    builder.finish_feed(feed).map_err(|e| e.to_string())
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
