//! `loupe gen`: writes realistic OTLP/JSON agent traces, as one export request or as JSON
//! Lines (one request per trace).

use crate::args;
use loupe_core::generate::{GenOptions, write_otlp_json, write_otlp_json_lines};
use std::io::Write;
use std::process::ExitCode;

/// Runs `loupe gen`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(
        argv,
        &["--lines"],
        &["--spans", "--traces", "--out", "--seed"],
    )?;
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
    let cannot = |e: std::io::Error| format!("cannot write {out}: {e}");
    let file = std::fs::File::create(out).map_err(cannot)?;
    let mut writer = std::io::BufWriter::new(file);
    let bytes = if a.flag("--lines") {
        write_otlp_json_lines(&opts, &mut writer)
    } else {
        write_otlp_json(&opts, &mut writer)
    }
    .map_err(cannot)?;
    writer.flush().map_err(cannot)?;
    eprintln!(
        "wrote {out}: {} traces, {} spans, {bytes} bytes",
        opts.traces, opts.spans
    );
    Ok(ExitCode::SUCCESS)
}
