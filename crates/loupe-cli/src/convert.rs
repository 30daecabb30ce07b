//! `loupe convert`: trace files of any format Loupe reads, written for the engines built for
//! scale. `parquet` is one row per span (the schema is `loupe_core::convert::parquet::SCHEMA`),
//! a row group per batch of traces; `otlp-json` is one OTLP/JSON document; `otlp-jsonl` is
//! JSON Lines, one export request per trace. The inputs are streamed (`loupe_core::stream`)
//! and the traces written a set at a time as they are done, so neither the inputs nor the
//! output are ever whole in memory.

use crate::args;
use crate::streamed::{self, Streamed, stream_files};
use loupe_core::TraceSet;
use loupe_core::convert::otlp;
use loupe_core::convert::parquet::SpanWriter;
use loupe_core::cost::cost_report;
use loupe_core::pricing::PriceTable;
use loupe_core::stream::StreamOptions;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// Traces written per batch of OTLP.
const BATCH: usize = 512;
/// Spans of a Parquet row group, at least (a trace is never split).
const ROW_GROUP: u32 = 128 * 1024;

/// What `--to` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Parquet,
    OtlpJson,
    OtlpJsonLines,
}

impl Target {
    pub fn named(name: &str) -> Result<Target, String> {
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

/// Where converted traces go, set after set, as a stream hands them on.
enum Output {
    Otlp {
        out: BufWriter<File>,
        lines: bool,
        /// Whether a resource's spans were written (the next needs a comma before it).
        begun: bool,
    },
    Parquet(SpanWriter<BufWriter<File>>),
}

impl Output {
    /// Starts writing `target` to the file at `path`.
    fn create(target: Target, path: &str) -> std::io::Result<Output> {
        let out = BufWriter::new(File::create(path)?);
        Ok(match target {
            Target::Parquet => {
                Output::Parquet(SpanWriter::new(out).map_err(std::io::Error::other)?)
            }
            Target::OtlpJson | Target::OtlpJsonLines => {
                let lines = target == Target::OtlpJsonLines;
                let mut out = out;
                if !lines {
                    out.write_all(b"{\"resourceSpans\":[")?;
                }
                Output::Otlp {
                    out,
                    lines,
                    begun: false,
                }
            }
        })
    }

    /// Writes every trace of `set`: OTLP a batch of traces at a time, Parquet a row group per
    /// batch of whole traces.
    fn write(&mut self, set: &TraceSet) -> std::io::Result<()> {
        let traces: Vec<u32> = (0..set.traces().len() as u32).collect();
        match self {
            Output::Otlp { out, lines, begun } => {
                let mut text = String::new();
                for batch in traces.chunks(BATCH) {
                    text.clear();
                    if *lines {
                        text.push_str(&otlp::lines(set, batch));
                    } else {
                        if *begun {
                            text.push(',');
                        }
                        otlp::resource_spans(set, batch, &mut text);
                        *begun = true;
                    }
                    out.write_all(text.as_bytes())?;
                }
                Ok(())
            }
            Output::Parquet(writer) => {
                let costs = cost_report(set, &PriceTable::builtin(), &traces);
                let mut batch = Vec::new();
                let mut spans = 0;
                for t in traces {
                    batch.push(t);
                    spans += set.traces()[t as usize].span_count();
                    if spans >= ROW_GROUP {
                        writer
                            .write(set, &batch, &costs)
                            .map_err(std::io::Error::other)?;
                        (batch, spans) = (Vec::new(), 0);
                    }
                }
                if !batch.is_empty() {
                    writer
                        .write(set, &batch, &costs)
                        .map_err(std::io::Error::other)?;
                }
                Ok(())
            }
        }
    }

    /// Ends the file.
    fn finish(self) -> std::io::Result<()> {
        match self {
            Output::Otlp { mut out, lines, .. } => {
                if !lines {
                    out.write_all(b"]}\n")?;
                }
                out.flush()
            }
            Output::Parquet(writer) => writer.finish().map_err(std::io::Error::other)?.flush(),
        }
    }
}

/// What a stream wrote: traces and spans.
pub struct Written {
    pub traces: u64,
    pub spans: u64,
}

/// Streams `inputs` into `path` as `target`, each set of done traces first passed through
/// `through` (redaction, or nothing). Returns what the stream read and what was written.
pub fn stream_into(
    target: Target,
    path: &str,
    inputs: &[String],
    options: StreamOptions,
    mut through: impl FnMut(TraceSet) -> Result<TraceSet, String>,
) -> Result<(Streamed, Written), String> {
    let cannot = |e: std::io::Error| format!("cannot write {path}: {e}");
    let mut output = Output::create(target, path).map_err(cannot)?;
    let mut written = Written {
        traces: 0,
        spans: 0,
    };
    let streamed = stream_files(inputs, options, |set| {
        let set = through(set)?;
        written.traces += set.traces().len() as u64;
        written.spans += set.span_count() as u64;
        output.write(&set).map_err(cannot)
    })?;
    output.finish().map_err(cannot)?;
    Ok((streamed, written))
}

/// Runs `loupe convert`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(argv, &[], &["--to", "--out", "--idle"])?;
    let target = Target::named(
        a.text("--to")
            .ok_or("convert needs --to parquet, otlp-json or otlp-jsonl")?,
    )?;
    let out = a.text("--out").ok_or("convert needs --out OUT")?;
    if a.positional.is_empty() {
        return Err("convert needs at least one INPUT file".into());
    }
    let options = streamed::options(a.number("--idle")?)?;
    let (streamed, written) = stream_into(target, out, &a.positional, options, Ok)?;
    let failed = streamed.report_failures();
    eprintln!(
        "wrote {out}: {} traces, {} spans",
        written.traces, written.spans
    );
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
