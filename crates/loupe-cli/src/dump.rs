//! `loupe dump`: the engine's canonical text dump of the given files, loaded together.

use crate::args;
use loupe_core::TraceSetBuilder;
use loupe_core::dump::text_dump;
use std::process::ExitCode;

/// Runs `loupe dump`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(argv, &[], &[])?;
    if a.positional.is_empty() {
        return Err("dump needs at least one FILE".into());
    }
    let mut builder = TraceSetBuilder::new();
    let mut failed = false;
    for path in &a.positional {
        let result = std::fs::read(path)
            .map_err(|e| format!("cannot read the file: {e}"))
            .and_then(|bytes| builder.add_file(path, &bytes).map_err(|e| e.to_string()));
        if let Err(e) = result {
            eprintln!("{path}: {e}");
            failed = true;
        }
    }
    print!("{}", text_dump(&builder.finish()));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
