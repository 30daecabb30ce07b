//! `loupe summary`: figures per file and in total, as a table or as JSON.
//!
//! The JSON schema is stable: later versions add keys and never rename them (`embedding_calls`
//! was added when embedding and reranker calls joined the token totals). `cost_usd` is the
//! cost the files record, with calls that record none priced from the built-in table;
//! `cost_source` says which: `recorded`, `computed`, `mixed`, or `none`.

use crate::args;
use crate::streamed::{self, Streamed};
use loupe_core::cost::{combined_source, cost_report};
use loupe_core::pricing::PriceTable;
use loupe_core::{Totals, TraceSet};
use serde::Serialize;
use std::process::ExitCode;

/// Figures as the JSON output names them.
#[derive(Serialize)]
struct Figures {
    traces: u64,
    spans: u64,
    errors: u64,
    llm_calls: u64,
    embedding_calls: u64,
    input_tokens: u64,
    output_tokens: u64,
    cost_usd: Option<f64>,
    cost_source: &'static str,
}

impl Figures {
    /// The figures of `t`, with the cost and its source from the cost report.
    fn with_cost(t: &Totals, (cost, source): (Option<f64>, &'static str)) -> Self {
        Figures {
            cost_usd: cost,
            cost_source: source,
            ..Figures::from(t)
        }
    }
}

impl From<&Totals> for Figures {
    fn from(t: &Totals) -> Self {
        Figures {
            cost_source: if t.cost_usd.is_some() {
                "recorded"
            } else {
                "none"
            },
            traces: t.traces,
            spans: t.spans,
            errors: t.errors,
            llm_calls: t.llm_calls,
            embedding_calls: t.embedding_calls,
            input_tokens: t.input_tokens,
            output_tokens: t.output_tokens,
            cost_usd: t.cost_usd,
        }
    }
}

/// One file's entry.
#[derive(Serialize)]
#[serde(untagged)]
enum FileEntry {
    Loaded {
        path: String,
        format: &'static str,
        #[serde(flatten)]
        figures: Figures,
        warnings: Vec<String>,
    },
    Failed {
        path: String,
        error: String,
    },
}

#[derive(Serialize)]
struct Summary {
    files: Vec<FileEntry>,
    totals: Figures,
}

impl Figures {
    /// Adds the figures of more traces: counts and costs add up, and the cost's source is
    /// `mixed` when the two parts' sources differ (`none` gives way to the other).
    fn add(&mut self, more: Figures) {
        self.traces += more.traces;
        self.spans += more.spans;
        self.errors += more.errors;
        self.llm_calls += more.llm_calls;
        self.embedding_calls += more.embedding_calls;
        self.input_tokens += more.input_tokens;
        self.output_tokens += more.output_tokens;
        self.cost_usd = match (self.cost_usd, more.cost_usd) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        self.cost_source = combined_source([self.cost_source, more.cost_source]);
    }
}

/// The figures of each file and in total, added up set after set as a stream hands them on.
#[derive(Default)]
struct Tally {
    per_source: Vec<Figures>,
    total: Option<Figures>,
}

impl Tally {
    fn add(&mut self, set: &TraceSet) {
        let all: Vec<u32> = (0..set.traces().len() as u32).collect();
        let costs = cost_report(set, &PriceTable::builtin(), &all);
        let per_source = set.totals_by_source();
        let cost_per_source = costs.by_source(set);
        for (source, (t, cost)) in per_source.iter().zip(cost_per_source).enumerate() {
            if self.per_source.len() <= source {
                self.per_source
                    .resize_with(source + 1, || Figures::from(&Totals::default()));
            }
            self.per_source[source].add(Figures::with_cost(t, cost));
        }
        let total = Figures::with_cost(&set.totals(), (costs.total(), costs.source()));
        match &mut self.total {
            Some(sum) => sum.add(total),
            None => self.total = Some(total),
        }
    }
}

/// Runs `loupe summary`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(argv, &["--json"], &["--idle"])?;
    if a.positional.is_empty() {
        return Err("summary needs at least one FILE".into());
    }
    let options = streamed::options(a.number("--idle")?)?;
    let mut tally = Tally::default();
    let Streamed { outcomes, end } = streamed::stream_files(&a.positional, options, |set| {
        tally.add(&set);
        Ok(())
    })?;
    let mut per_source = std::mem::take(&mut tally.per_source)
        .into_iter()
        .map(Some)
        .collect::<Vec<_>>();
    let files: Vec<FileEntry> = outcomes
        .into_iter()
        .map(|(path, outcome)| match outcome {
            Ok(report) => FileEntry::Loaded {
                path,
                format: report.format.label(),
                figures: per_source
                    .get_mut(report.source as usize)
                    .and_then(Option::take)
                    .unwrap_or_else(|| Figures::from(&Totals::default())),
                warnings: end.diagnostics.lines(Some(report.source)),
            },
            Err(error) => FileEntry::Failed { path, error },
        })
        .collect();
    let failed = files.iter().any(|f| matches!(f, FileEntry::Failed { .. }));
    let summary = Summary {
        files,
        totals: tally
            .total
            .unwrap_or_else(|| Figures::from(&Totals::default())),
    };
    if a.flag("--json") {
        let json = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
        crate::print(&format!("{json}\n"));
    } else {
        crate::print(&table(&summary));
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cost(c: Option<f64>) -> String {
    c.map_or_else(|| "-".to_string(), loupe_core::display::dollars)
}

fn row(name: &str, format: &str, f: &Figures) -> [String; 9] {
    [
        name.to_string(),
        format.to_string(),
        f.traces.to_string(),
        f.spans.to_string(),
        f.errors.to_string(),
        f.llm_calls.to_string(),
        f.input_tokens.to_string(),
        f.output_tokens.to_string(),
        cost(f.cost_usd),
    ]
}

/// The summary as an aligned text table, with warnings and errors under their file.
fn table(s: &Summary) -> String {
    let header = [
        "FILE", "FORMAT", "TRACES", "SPANS", "ERRORS", "LLM", "IN_TOK", "OUT_TOK", "COST",
    ]
    .map(String::from);
    let mut rows: Vec<([String; 9], Vec<String>)> = vec![(header, vec![])];
    for f in &s.files {
        match f {
            FileEntry::Loaded {
                path,
                format,
                figures,
                warnings,
            } => rows.push((
                row(path, format, figures),
                warnings.iter().map(|w| format!("  warning: {w}")).collect(),
            )),
            FileEntry::Failed { path, error } => {
                let mut r = row(path, "-", &Figures::from(&Totals::default()));
                for cell in &mut r[2..] {
                    *cell = "-".into();
                }
                rows.push((r, vec![format!("  error: {error}")]));
            }
        }
    }
    rows.push((row("TOTAL", "", &s.totals), vec![]));
    let cells: Vec<Vec<String>> = rows.iter().map(|(r, _)| r.to_vec()).collect();
    let mut out = String::new();
    for (line, (_, notes)) in crate::table::aligned(&cells, 2).into_iter().zip(&rows) {
        out.push_str(&line);
        out.push('\n');
        for n in notes {
            out.push_str(n);
            out.push('\n');
        }
    }
    out
}
