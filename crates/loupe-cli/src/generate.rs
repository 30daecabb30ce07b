//! `loupe gen`: writes realistic OTLP/JSON agent traces.

use crate::args;
use loupe_core::generate::{GenOptions, otlp_json};
use std::process::ExitCode;

/// Runs `loupe gen`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(argv, &[], &["--spans", "--traces", "--out", "--seed"])?;
    if let Some(extra) = a.positional.first() {
        return Err(format!("unexpected argument '{extra}'"));
    }
    let defaults = GenOptions::default();
    let opts = GenOptions {
        spans: a.number("--spans")?.map_or(defaults.spans, |n| n as usize),
        traces: a
            .number("--traces")?
            .map_or(defaults.traces, |n| n as usize),
        seed: a.number("--seed")?.unwrap_or(defaults.seed),
        ..defaults
    };
    let out = a.text("--out").ok_or("gen needs --out FILE")?;
    if opts.traces == 0 || opts.spans < opts.traces {
        return Err("--traces must be at least 1 and --spans at least --traces".into());
    }
    let text = otlp_json(&opts);
    std::fs::write(out, text.as_bytes()).map_err(|e| format!("cannot write {out}: {e}"))?;
    eprintln!(
        "wrote {out}: {} traces, {} spans, {} bytes",
        opts.traces,
        opts.spans,
        text.len()
    );
    Ok(ExitCode::SUCCESS)
}
