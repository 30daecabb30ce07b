//! Loading the files a command is given, together, into one set.

use loupe_core::{TraceSet, TraceSetBuilder};

/// Loads `paths` into one set. A file that cannot be read or imported is reported on stderr
/// with its path, and the others still load; the flag says whether any failed.
pub fn load_all(paths: &[String]) -> (TraceSet, bool) {
    let mut builder = TraceSetBuilder::new();
    let mut failed = false;
    for path in paths {
        let result = std::fs::read(path)
            .map_err(|e| format!("cannot read the file: {e}"))
            .and_then(|bytes| builder.add_file(path, &bytes).map_err(|e| e.to_string()));
        if let Err(e) = result {
            eprintln!("{path}: {e}");
            failed = true;
        }
    }
    (builder.finish(), failed)
}
