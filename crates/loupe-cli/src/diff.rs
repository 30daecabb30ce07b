//! `loupe diff`: a baseline against a candidate, set against set, as a table or as JSON, with
//! rules (`--fail-on`) that fail a CI job on a regression; or, with `--traces`, one trace
//! against another: the merged tree with both sides' figures, and the prompt diff of each
//! aligned LLM call whose prompt changed.
//!
//! The JSON is stable: later versions add keys and never rename them. `baseline` and
//! `candidate` hold the totals; `latency_p` and `ttft_p` the p-values of the changes of trace
//! durations and times to first token; `groups` each span name, model and kind on both sides
//! (`by`, `key`, `baseline`, `candidate`, `latency_p`, `ttft_p`, `impact`), by impact;
//! `regressions` the rules broken (`rule`, `group`, `baseline`, `candidate`, `increase` in the
//! rule's unit, `p_value`); `unchecked` the rules about a group neither side has. Durations are
//! in nanoseconds, costs in US dollars, rates from 0 to 1.

use crate::{args, files};
use loupe_core::TraceSet;
use loupe_core::compare::Side;
use loupe_core::compare::rules::{Verdict, check, parse_rules};
use loupe_core::compare::sets::{Comparison, compare, p50_change};
use loupe_core::pricing::PriceTable;
use serde::Serialize;
use std::process::ExitCode;

/// How many groups the table shows (the JSON has them all).
const GROUPS_SHOWN: usize = 25;

#[derive(Serialize)]
struct Report<'c> {
    #[serde(flatten)]
    comparison: &'c Comparison,
    #[serde(flatten)]
    verdict: &'c Verdict,
}

/// Runs `loupe diff`: exit status 1 when a rule is broken, else 0.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(argv, &["--json", "--strict"], &["--fail-on", "--traces"])?;
    let [baseline, candidate] = a.positional.as_slice() else {
        return Err("diff needs two files: BASELINE CANDIDATE".into());
    };
    let rules = parse_rules(a.text("--fail-on").unwrap_or("")).map_err(|e| e.to_string())?;
    let (a_set, b_set) = (load(baseline)?, load(candidate)?);
    let prices = PriceTable::builtin();
    if let Some(ids) = a.text("--traces") {
        if let Some(flag) = ["--json", "--strict", "--fail-on"]
            .into_iter()
            .find(|f| a.flag(f) || a.text(f).is_some())
        {
            return Err(format!(
                "{flag} compares sets; --traces shows two traces, with no rules"
            ));
        }
        let (ia, ib) = ids.split_once(',').unwrap_or((ids, ids));
        let (ta, tb) = (
            find_trace(&a_set, ia, baseline)?,
            find_trace(&b_set, ib, candidate)?,
        );
        let (sa, sb) = (Side::whole(&a_set, &prices), Side::whole(&b_set, &prices));
        crate::print(&trace_text(&sa, ta, &sb, tb));
        return Ok(ExitCode::SUCCESS);
    }
    let comparison = compare(&Side::whole(&a_set, &prices), &Side::whole(&b_set, &prices));
    let verdict = check(&rules, &comparison, a.flag("--strict"));
    if a.flag("--json") {
        let report = Report {
            comparison: &comparison,
            verdict: &verdict,
        };
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        crate::print(&format!("{json}\n"));
    } else {
        crate::print(&text(&comparison, &verdict));
    }
    Ok(if verdict.regressions.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One side, a file or a bundle: it must load.
fn load(path: &str) -> Result<TraceSet, String> {
    let (set, outcomes) = files::load_each(&[path.to_string()], files::cores());
    match outcomes.into_iter().next() {
        Some((_, Err(e))) => Err(format!("{path}: {e}")),
        _ => Ok(set),
    }
}

/// The trace of `set` whose id is `id` or starts with it (one only).
fn find_trace(set: &TraceSet, id: &str, path: &str) -> Result<u32, String> {
    let id = id.trim().to_ascii_lowercase();
    if id.is_empty() {
        return Err("--traces needs a trace id (or its start) for each side".into());
    }
    let found: Vec<u32> = set
        .traces()
        .iter()
        .enumerate()
        .filter(|(_, t)| t.id.to_string().starts_with(&id))
        .map(|(i, _)| i as u32)
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!("{path} has no trace {id}")),
        _ => Err(format!("{path} has {} traces starting {id}", found.len())),
    }
}

/// The merged tree of trace `ta` of `a` and `tb` of `b`, then the prompt diffs.
fn trace_text(a: &Side, ta: u32, b: &Side, tb: u32) -> String {
    use loupe_core::SpanKind;
    use loupe_core::compare::align::{Presence, SpanFigures, align};
    use loupe_core::compare::prompt::{LineChange, prompt_diff};
    let rows = align(a, ta, b, tb);
    let pair = |f: &dyn Fn(&SpanFigures) -> String, r: &loupe_core::compare::align::AlignedRow| {
        let side = |s: &Option<SpanFigures>| s.as_ref().map_or_else(|| "-".into(), f);
        format!("{} → {}", side(&r.a), side(&r.b))
    };
    let mut table_rows = vec![
        ["SPAN", "", "DURATION", "SELF", "TOKENS", "COST", "ERROR"]
            .map(String::from)
            .to_vec(),
    ];
    for r in &rows {
        let presence = match r.presence() {
            Presence::Both => "",
            Presence::Added => "added",
            Presence::Removed => "removed",
        };
        table_rows.push(vec![
            format!("{}{}", "  ".repeat(r.depth as usize), r.name),
            presence.into(),
            pair(&|f| duration(f.duration as f64), r),
            pair(&|f| duration(f.self_time as f64), r),
            pair(&|f| f.tokens.to_string(), r),
            pair(&|f| dollars(f.cost), r),
            pair(&|f| if f.error { "yes".into() } else { "no".into() }, r),
        ]);
    }
    let mut out = table(&table_rows);
    for r in &rows {
        let (Some(x), Some(y)) = (&r.a, &r.b) else {
            continue;
        };
        let (sx, sy) = (a.set.span(x.span), b.set.span(y.span));
        if sx.kind() != SpanKind::Llm && sy.kind() != SpanKind::Llm {
            continue;
        }
        let sections: Vec<_> = prompt_diff(&sx, &sy)
            .into_iter()
            .filter(|s| s.changed())
            .collect();
        if sections.is_empty() {
            continue;
        }
        out.push_str(&format!("\nPrompt diff of {}:\n", r.name));
        for section in sections {
            out.push_str(&format!("  {}\n", section.title));
            for line in section.lines {
                let mark = match line.change {
                    LineChange::Same => ' ',
                    LineChange::Added => '+',
                    LineChange::Removed => '-',
                };
                out.push_str(&format!("  {mark} {}\n", line.text));
            }
        }
    }
    out
}

/// A duration in nanoseconds, in the unit that suits it.
fn duration(ns: f64) -> String {
    match ns.abs() {
        n if n >= 1e9 => format!("{:.2} s", ns / 1e9),
        n if n >= 1e6 => format!("{:.1} ms", ns / 1e6),
        n if n >= 1e3 => format!("{:.1} µs", ns / 1e3),
        _ => format!("{ns:.0} ns"),
    }
}

fn dollars(c: Option<f64>) -> String {
    c.map_or_else(|| "-".into(), loupe_core::display::dollars)
}

fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

/// The relative change from `a` to `b`, as `+12.5%`.
fn change(a: f64, b: f64) -> String {
    match loupe_core::compare::relative(a, b) {
        Some(r) => format!("{:+.1}%", r * 100.0),
        None if b == 0.0 => String::new(),
        None => "new".into(),
    }
}

fn p_value(p: Option<f64>) -> String {
    p.map_or_else(String::new, |p| format!("p={p:.3}"))
}

/// Rows of cells as an aligned table (the first column left-aligned).
fn table(rows: &[Vec<String>]) -> String {
    crate::table::aligned(rows, 1)
        .into_iter()
        .map(|line| line + "\n")
        .collect()
}

fn text(c: &Comparison, v: &Verdict) -> String {
    let (a, b) = (&c.baseline, &c.candidate);
    let row = |name: &str, x: String, y: String, d: String| vec![name.to_string(), x, y, d];
    let count = |name: &str, x: u64, y: u64| {
        row(
            name,
            x.to_string(),
            y.to_string(),
            change(x as f64, y as f64),
        )
    };
    let latency = |name: &str, p: fn(&loupe_core::stats::Summary) -> i64| {
        let (x, y) = (a.latency.as_ref().map(p), b.latency.as_ref().map(p));
        let show = |v: Option<i64>| v.map_or_else(|| "-".into(), |v| duration(v as f64));
        let d = match (x, y) {
            (Some(x), Some(y)) => {
                format!("{} {}", change(x as f64, y as f64), p_value(c.latency_p))
            }
            _ => String::new(),
        };
        row(name, show(x), show(y), d)
    };
    let mut rows = vec![
        row("", "BASELINE".into(), "CANDIDATE".into(), "CHANGE".into()),
        count("traces", a.traces, b.traces),
        count("spans", a.spans, b.spans),
        count("LLM calls", a.llm_calls, b.llm_calls),
        row(
            "traces with errors",
            percent(a.error_rate),
            percent(b.error_rate),
            format!("{:+.1} pt", (b.error_rate - a.error_rate) * 100.0),
        ),
        count("tokens", a.tokens, b.tokens),
        row(
            "tokens per trace",
            format!("{:.0}", a.tokens_per_trace),
            format!("{:.0}", b.tokens_per_trace),
            change(a.tokens_per_trace, b.tokens_per_trace),
        ),
        row(
            "cost",
            dollars(a.cost_usd),
            dollars(b.cost_usd),
            change(a.cost_usd.unwrap_or(0.0), b.cost_usd.unwrap_or(0.0)),
        ),
        row(
            "cost per trace",
            dollars(a.cost_per_trace),
            dollars(b.cost_per_trace),
            change(
                a.cost_per_trace.unwrap_or(0.0),
                b.cost_per_trace.unwrap_or(0.0),
            ),
        ),
        latency("trace p50", |s| s.p50),
        latency("trace p95", |s| s.p95),
    ];
    if let (Some(x), Some(y)) = (a.ttft_p50, b.ttft_p50) {
        rows.push(row(
            "time to first token p50",
            duration(x as f64),
            duration(y as f64),
            format!("{} {}", change(x as f64, y as f64), p_value(c.ttft_p)),
        ));
    }
    let mut out = table(&rows);

    let mut groups = vec![vec![
        "GROUP".to_string(),
        "SPANS".into(),
        "ERRORS".into(),
        "P50".into(),
        "CHANGE".into(),
        "".into(),
        "COST/TRACE".into(),
    ]];
    for g in c.groups.iter().take(GROUPS_SHOWN) {
        let p50 = |s: &loupe_core::compare::sets::GroupSide| {
            s.latency
                .map_or_else(|| "-".into(), |l| duration(l.p50 as f64))
        };
        let mark = if g.significant() { "*" } else { "" };
        groups.push(vec![
            format!("{}={}", g.by.id(), loupe_core::shown(&g.key)),
            format!("{} → {}", g.baseline.count, g.candidate.count),
            format!(
                "{} → {}",
                percent(g.baseline.error_rate),
                percent(g.candidate.error_rate)
            ),
            format!("{} → {}", p50(&g.baseline), p50(&g.candidate)),
            p50_change(g).map_or_else(String::new, |r| format!("{:+.1}%{mark}", r * 100.0)),
            p_value(g.latency_p),
            format!(
                "{} → {}",
                dollars(g.baseline.cost_per_trace),
                dollars(g.candidate.cost_per_trace)
            ),
        ]);
    }
    out.push('\n');
    out.push_str(&table(&groups));
    if c.groups.len() > GROUPS_SHOWN {
        out.push_str(&format!(
            "… and {} more groups (--json lists them all)\n",
            c.groups.len() - GROUPS_SHOWN
        ));
    }
    out.push_str("* the latency change is likely real (Mann–Whitney U, p < 0.05)\n");
    for u in &v.unchecked {
        out.push_str(&format!("\nnot checked: {u}"));
    }
    if !v.unchecked.is_empty() {
        out.push('\n');
    }
    if !v.regressions.is_empty() {
        out.push_str(&format!("\nRegressions ({}):\n", v.regressions.len()));
        for r in &v.regressions {
            let unit = if r.rule.ends_with("pt") { " pt" } else { "%" };
            // The figures in the metric's unit, told by the rule's name.
            let show = |x: f64| match r.rule.split(['[', '+']).next().unwrap_or("") {
                "cost_per_trace" => dollars(Some(x)),
                "tokens_per_trace" => format!("{x:.0} tokens"),
                "error_rate" => percent(x),
                _ => duration(x),
            };
            out.push_str(&format!(
                "  {}: {} → {} ({:+.1}{unit}{})\n",
                r.rule,
                show(r.baseline),
                show(r.candidate),
                r.increase,
                r.p_value
                    .map_or_else(String::new, |p| format!(", p={p:.3}"))
            ));
        }
    }
    out
}
