//! `loupe`: trace file summaries, comparisons, redacted bundles, conversion to OTLP, and a
//! generator of realistic agent traces, on Loupe's engine.

mod args;
mod convert;
mod diff;
mod dump;
mod files;
mod generate;
mod progress;
mod redact;
mod streamed;
mod summary;
mod table;

use std::io::Write;
use std::process::ExitCode;

/// Writes `text` to standard output. A reader that stopped early (`loupe dump … | head`) is
/// not an error: the command stops quietly, as other command-line tools do.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("loupe: cannot write the output: {e}");
        }
        std::process::exit(if e.kind() == std::io::ErrorKind::BrokenPipe {
            0
        } else {
            1
        });
    }
}

const USAGE: &str = "\
loupe: summaries of LLM trace files, offline.

Usage:
  loupe summary [--json] [--idle SPANS] FILE...
      Traces, spans, errors, LLM calls, tokens and cost per file and in total (bundles too).
      Exits 1 when any file fails to import (the others are still summarized).
  loupe diff [--json] [--fail-on RULES] [--strict] BASELINE CANDIDATE
      Compares two files (or bundles): totals side by side, then each span name, model and
      kind (count, errors, latency with a Mann-Whitney p-value, cost per trace), by impact.
      RULES are comma-separated, such as cost_per_trace+10%,p95+20%,error_rate+1pt,
      tokens_per_trace+15%,ttft_p50+25%,p95[name=retrieve]+30%; exits 1 when one is broken.
      Latency rules count only significant changes unless --strict.
  loupe diff --traces A_ID[,B_ID] BASELINE CANDIDATE
      One trace against another (ids or unique prefixes; one id for both): the merged tree
      with both sides' duration, self time, tokens, cost and errors, then the prompt diff of
      each aligned LLM call whose prompt changed.
  loupe dump FILE...
      Every trace as an indented tree, one line per span, then the warnings.
  loupe gen --spans N --traces M --out FILE [--seed S] [--lines]
      Writes realistic OTLP/JSON agent traces with GenAI attributes (with --lines, as
      JSON Lines: one export request per trace).
  loupe redact [--keep-messages] [--keep-pii] [--keep-ids] [--allow KEYS] [--deny KEYS]
               [--to bundle|parquet] [--idle SPANS] --out OUT INPUT...
      Writes a session bundle of the inputs to share (or, with --to parquet, the same
      redacted spans as Parquet): message contents dropped, personal data and secrets
      masked, user and session ids hashed, unless kept. KEYS are comma-separated attribute
      keys (a key ending in '.' is a prefix).
  loupe convert --to parquet|otlp-json|otlp-jsonl [--idle SPANS] --out OUT INPUT...
      Writes the inputs (any format Loupe reads) for the engines built for scale: Parquet,
      one row per span, for DuckDB, ClickHouse or Spark; OTLP/JSON for Jaeger, Tempo,
      Phoenix or a collector (one document, or JSON Lines of one request per trace), the
      original attributes kept and the LLM facts added as gen_ai.* attributes.
  loupe help

summary, redact and convert stream their inputs in bounded memory: a trace is done once its
root has arrived and SPANS spans of input (default 20000) passed without another of its spans.
";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match argv.first().map(String::as_str) {
        Some("summary") => summary::run(&argv[1..]),
        Some("gen") => generate::run(&argv[1..]),
        Some("dump") => dump::run(&argv[1..]),
        Some("diff") => diff::run(&argv[1..]),
        Some("redact") => redact::run(&argv[1..]),
        Some("convert") => convert::run(&argv[1..]),
        Some("help" | "--help" | "-h") | None => {
            print(USAGE);
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command '{other}'")),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("loupe: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
