//! `loupe convert`: trace files of any format Loupe reads, written for the engines built for
//! scale. `parquet` is one row per span (the schema is `loupe_core::convert::parquet::SCHEMA`),
//! a row group per batch of traces; `otlp-json` is one OTLP/JSON document; `otlp-jsonl` is
//! JSON Lines, one export request per trace. Traces are written a batch at a time, so the
//! output is never whole in memory.

use crate::args;
use crate::files::load_all;
use loupe_core::TraceSet;
use loupe_core::convert::otlp;
use loupe_core::convert::parquet::SpanWriter;
use loupe_core::cost::cost_report;
use loupe_core::pricing::PriceTable;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// Traces written per batch of OTLP.
const BATCH: usize = 512;
/// Spans of a Parquet row group, at least (a trace is never split).
const ROW_GROUP: u32 = 128 * 1024;

/// What `--to` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Parquet,
    OtlpJson,
    OtlpJsonLines,
}

impl Target {
    fn named(name: &str) -> Result<Target, String> {
        match name {
            "parquet" => Ok(Target::Parquet),
            "otlp-json" => Ok(Target::OtlpJson),
            "otlp-jsonl" => Ok(Target::OtlpJsonLines),
            other => Err(format!(
                "convert writes parquet, otlp-json or otlp-jsonl, not '{other}'"
            )),
        }
    }
}

/// Writes every trace of `set` to `out` as OTLP/JSON: one document, or with `lines` one
/// request per trace and line.
fn write_otlp(set: &TraceSet, lines: bool, out: &mut impl Write) -> std::io::Result<()> {
    let traces: Vec<u32> = (0..set.traces().len() as u32).collect();
    let mut text = String::new();
    if !lines {
        out.write_all(b"{\"resourceSpans\":[")?;
    }
    for (n, batch) in traces.chunks(BATCH).enumerate() {
        text.clear();
        if lines {
            text.push_str(&otlp::lines(set, batch));
        } else {
            if n > 0 {
                text.push(',');
            }
            otlp::resource_spans(set, batch, &mut text);
        }
        out.write_all(text.as_bytes())?;
    }
    if !lines {
        out.write_all(b"]}\n")?;
    }
    out.flush()
}

/// Writes every span of `set` to `out` as Parquet, a row group per batch of whole traces.
fn write_parquet(set: &TraceSet, out: impl Write + Send) -> Result<(), String> {
    let all: Vec<u32> = (0..set.traces().len() as u32).collect();
    let costs = cost_report(set, &PriceTable::builtin(), &all);
    let mut writer = SpanWriter::new(out).map_err(|e| e.to_string())?;
    let mut batch = Vec::new();
    let mut spans = 0;
    for t in all {
        batch.push(t);
        spans += set.traces()[t as usize].span_count();
        if spans >= ROW_GROUP {
            writer
                .write(set, &batch, &costs)
                .map_err(|e| e.to_string())?;
            (batch, spans) = (Vec::new(), 0);
        }
    }
    writer
        .write(set, &batch, &costs)
        .map_err(|e| e.to_string())?;
    let mut out = writer.finish().map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

/// Writes every span of `set` to file `out` as Parquet.
pub fn write_parquet_file(set: &TraceSet, out: &str) -> Result<(), String> {
    let file = File::create(out).map_err(|e| format!("cannot write {out}: {e}"))?;
    write_parquet(set, BufWriter::new(file)).map_err(|e| format!("cannot write {out}: {e}"))
}

/// Runs `loupe convert`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(argv, &[], &["--to", "--out"])?;
    let target = Target::named(
        a.text("--to")
            .ok_or("convert needs --to parquet, otlp-json or otlp-jsonl")?,
    )?;
    let out = a.text("--out").ok_or("convert needs --out OUT")?;
    if a.positional.is_empty() {
        return Err("convert needs at least one INPUT file".into());
    }
    let (set, failed) = load_all(&a.positional);
    match target {
        Target::Parquet => write_parquet_file(&set, out)?,
        Target::OtlpJson | Target::OtlpJsonLines => {
            let file = File::create(out).map_err(|e| format!("cannot write {out}: {e}"))?;
            let lines = target == Target::OtlpJsonLines;
            write_otlp(&set, lines, &mut BufWriter::new(file))
                .map_err(|e| format!("cannot write {out}: {e}"))?;
        }
    }
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
