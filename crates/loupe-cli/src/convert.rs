//! `loupe convert`: trace files of any format Loupe reads, written for the engines built for
//! scale. `otlp-json` is one OTLP/JSON document; `otlp-jsonl` is JSON Lines, one export request
//! per trace. Traces are written a batch at a time, so the output is never whole in memory.

use crate::args;
use crate::files::load_all;
use loupe_core::TraceSet;
use loupe_core::convert::otlp;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// Traces written per batch.
const BATCH: usize = 512;

/// What `--to` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    OtlpJson,
    OtlpJsonLines,
}

impl Target {
    fn named(name: &str) -> Result<Target, String> {
        match name {
            "otlp-json" => Ok(Target::OtlpJson),
            "otlp-jsonl" => Ok(Target::OtlpJsonLines),
            other => Err(format!(
                "convert writes otlp-json or otlp-jsonl, not '{other}'"
            )),
        }
    }
}

/// Writes every trace of `set` to `out` as `target`.
fn write(set: &TraceSet, target: Target, out: &mut impl Write) -> std::io::Result<()> {
    let traces: Vec<u32> = (0..set.traces().len() as u32).collect();
    let mut text = String::new();
    if target == Target::OtlpJson {
        out.write_all(b"{\"resourceSpans\":[")?;
    }
    for (n, batch) in traces.chunks(BATCH).enumerate() {
        text.clear();
        match target {
            Target::OtlpJson => {
                if n > 0 {
                    text.push(',');
                }
                otlp::resource_spans(set, batch, &mut text);
            }
            Target::OtlpJsonLines => text.push_str(&otlp::lines(set, batch)),
        }
        out.write_all(text.as_bytes())?;
    }
    if target == Target::OtlpJson {
        out.write_all(b"]}\n")?;
    }
    out.flush()
}

/// Runs `loupe convert`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(argv, &[], &["--to", "--out"])?;
    let target = Target::named(
        a.text("--to")
            .ok_or("convert needs --to otlp-json or otlp-jsonl")?,
    )?;
    let out = a.text("--out").ok_or("convert needs --out OUT")?;
    if a.positional.is_empty() {
        return Err("convert needs at least one INPUT file".into());
    }
    let (set, failed) = load_all(&a.positional);
    let file = File::create(out).map_err(|e| format!("cannot write {out}: {e}"))?;
    write(&set, target, &mut BufWriter::new(file))
        .map_err(|e| format!("cannot write {out}: {e}"))?;
    eprintln!(
        "wrote {out}: {} traces, {} spans",
        set.traces().len(),
        set.span_count()
    );
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
