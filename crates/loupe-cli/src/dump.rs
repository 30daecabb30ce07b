//! `loupe dump`: the engine's canonical text dump of the given files, loaded together.

use crate::args;
use crate::files::load_all;
use loupe_core::dump::text_dump;
use std::process::ExitCode;

/// Runs `loupe dump`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(argv, &[], &[])?;
    if a.positional.is_empty() {
        return Err("dump needs at least one FILE".into());
    }
    let (set, failed) = load_all(&a.positional);
    crate::print(&text_dump(&set));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
