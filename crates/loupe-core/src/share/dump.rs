//! A canonical text dump of a loaded set: figures, then each trace's tree with one line per
//! span. Used for snapshot tests (one per fixture) and by `loupe dump`.

use crate::model::SpanFlags;
use crate::model::set::TraceSet;
use std::fmt::Write as _;

fn cost(c: Option<f64>) -> String {
    c.map_or_else(|| "-".to_string(), |c| format!("{c:.6}"))
}

/// The dump. Times are nanoseconds relative to each trace's start, so it does not depend on the
/// time zone; ids are shown as the file wrote them where they were opaque.
pub fn text_dump(set: &TraceSet) -> String {
    let mut out = String::new();
    let t = set.totals();
    let formats: Vec<&str> = set
        .sources()
        .iter()
        .filter(|s| !s.removed)
        .map(|s| s.format.label())
        .collect();
    let _ = writeln!(out, "format: {}", formats.join(", "));
    let _ = writeln!(
        out,
        "traces: {}  spans: {}  errors: {}  llm_calls: {}  embedding_calls: {}  input_tokens: {}  output_tokens: {}  cost_usd: {}",
        t.traces,
        t.spans,
        t.errors,
        t.llm_calls,
        t.embedding_calls,
        t.input_tokens,
        t.output_tokens,
        cost(t.cost_usd)
    );
    for (trace_index, tr) in set.traces().iter().enumerate() {
        let _ = writeln!(
            out,
            "\ntrace {}  spans: {}  roots: {}  duration_ns: {}  errors: {}  llm_calls: {}  embedding_calls: {}  tokens: {}/{}",
            tr.id,
            tr.span_count(),
            tr.root_count,
            tr.duration(),
            tr.error_count,
            tr.llm_calls,
            tr.embedding_calls,
            tr.input_tokens,
            tr.output_tokens
        );
        for (label, value) in [("session", tr.session), ("user", tr.user)] {
            if !value.is_empty() {
                let _ = writeln!(out, "  {label}: {:?}", set.str(value));
            }
        }
        if !tr.tags.is_empty() {
            let tags: Vec<&str> = tr.tags.iter().map(|t| set.str(*t)).collect();
            let _ = writeln!(out, "  tags: {tags:?}");
        }
        for sc in set.trace_scores(trace_index as u32) {
            let on = sc
                .span
                .map_or_else(|| "trace".to_string(), |i| set.span(i).span_id_text());
            let _ = writeln!(
                out,
                "  score {:?}={} source={:?} on={on}",
                sc.name, sc.value, sc.source
            );
        }
        for i in tr.spans.start..tr.spans.end {
            let s = set.span(i);
            let _ = write!(
                out,
                "{}{} [{}/{}] {} service={:?} at={} dur={} self={}",
                "  ".repeat(s.depth() as usize + 1),
                s.name(),
                s.kind().label(),
                s.otel_kind().label(),
                s.span_id_text(),
                s.service(),
                s.start() - tr.start,
                s.duration(),
                s.self_time()
            );
            if s.is_error() {
                let _ = write!(out, " ERROR");
                if !s.status_message().is_empty() {
                    let _ = write!(out, "({:?})", s.status_message());
                }
            }
            if !s.model().is_empty() {
                let _ = write!(out, " model={:?}", s.model());
            }
            if !s.provider().is_empty() {
                let _ = write!(out, " provider={:?}", s.provider());
            }
            for (label, value) in [("session", s.session()), ("user", s.user())] {
                if !value.is_empty() {
                    let _ = write!(out, " {label}={value:?}");
                }
            }
            if let Some(u) = s.usage() {
                let n = |x: Option<u64>| x.map_or("-".into(), |v| v.to_string());
                let _ = write!(
                    out,
                    " tokens={}/{} cached={} cache_write={} reasoning={}{}",
                    n(u.input),
                    n(u.output),
                    n(u.cache_read),
                    n(u.cache_write),
                    n(u.reasoning),
                    if set.counts_usage(i) {
                        ""
                    } else {
                        " (not counted)"
                    }
                );
                if u.reported != Default::default() {
                    let _ = write!(
                        out,
                        " reported={}/{}",
                        n(u.reported_input()),
                        n(u.reported_output())
                    );
                }
                if let Some(t) = u.first_token {
                    let _ = write!(out, " ttft={t}");
                }
            }
            let flags = s.flags();
            for (flag, label) in [
                (SpanFlags::ORPHAN, "orphan"),
                (SpanFlags::CYCLE_BROKEN, "cycle-cut"),
                (SpanFlags::DUPLICATE_ID, "duplicate-id"),
                (SpanFlags::NO_TIMESTAMPS, "no-timestamps"),
                (SpanFlags::SYNTHETIC_ID, "synthetic-id"),
                (SpanFlags::OWN_USAGE, "own-usage"),
            ] {
                if flags.has(flag) {
                    let _ = write!(out, " {label}");
                }
            }
            let _ = writeln!(
                out,
                " attrs={} events={} links={}",
                s.attributes().len(),
                s.events().len(),
                s.links().len()
            );
        }
    }
    let warnings = set.diagnostics().lines(None);
    if !warnings.is_empty() {
        let _ = writeln!(out, "\nwarnings:");
        for w in warnings {
            let _ = writeln!(out, "  {w}");
        }
    }
    out
}
