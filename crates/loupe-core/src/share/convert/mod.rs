//! Loaded traces written for the engines built for scale: OTLP/JSON, which Jaeger, Tempo,
//! Phoenix and any OpenTelemetry collector ingest ([`otlp`]), and Parquet, which DuckDB,
//! ClickHouse and Spark query ([`parquet`]).

pub mod otlp;
#[cfg(feature = "parquet")]
pub mod parquet;

use crate::model::set::{SpanView, TraceSet};

/// A span's session, user and tags, each taken from its trace where the span has none (they
/// are facts of the trace) and `with_trace` says so.
pub(crate) struct Owner<'a> {
    pub session: &'a str,
    pub user: &'a str,
    pub tags: Vec<&'a str>,
}

/// `s`'s session, user and tags; with `with_trace`, its trace's where it has none.
pub(crate) fn owner<'a>(set: &'a TraceSet, s: &SpanView<'a>, with_trace: bool) -> Owner<'a> {
    let trace = set.traces().get(s.trace() as usize).filter(|_| with_trace);
    let or_trace =
        |own: &'a str, of: fn(&crate::model::set::Trace) -> crate::model::strings::StrId| {
            match trace {
                Some(t) if own.is_empty() => set.str(of(t)),
                _ => own,
            }
        };
    let mut tags: Vec<&str> = s.tags().collect();
    if tags.is_empty()
        && let Some(t) = trace
    {
        tags = t.tags.iter().map(|id| set.str(*id)).collect();
    }
    Owner {
        session: or_trace(s.session(), |t| t.session),
        user: or_trace(s.user(), |t| t.user),
        tags,
    }
}
