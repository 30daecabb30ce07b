//! Parquet with Loupe's span columns (written by `loupe convert --to parquet`, or what a DuckDB
//! or ClickHouse query over it returns with the columns kept): one span per row. Only
//! `trace_id`, `span_id`, `name`, `start_time` and `end_time` are needed; every other column of
//! [`crate::share::convert::parquet::SCHEMA`] is read where present. Timestamps may be nanoseconds,
//! microseconds or milliseconds; attribute values that are JSON arrays or objects are read as
//! such, others as text. A file without the needed columns is refused with the list of those
//! it lacks.

use super::Context;
use crate::import::builder::SpanDraft;
use crate::import::error::ImportError;
use crate::model::ids::{SpanId, TraceId};
use crate::model::usage::{TokenCounts, Usage};
use crate::model::{AttrValue, OtelKind, Rows, SpanKind, StatusCode};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};

/// The columns a span cannot do without.
const NEEDED: [&str; 5] = ["trace_id", "span_id", "name", "start_time", "end_time"];

fn failed(e: impl std::fmt::Display) -> ImportError {
    ImportError::Parquet(e.to_string())
}

/// Reads every row of `bytes` as a span.
pub(crate) fn import(ctx: &mut Context, bytes: Vec<u8>) -> Result<(), ImportError> {
    let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).map_err(failed)?;
    let columns: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let missing: Vec<&str> = NEEDED
        .into_iter()
        .filter(|n| !columns.iter().any(|c| c == n))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::ParquetColumns {
            missing: missing.join(", "),
            found: columns.join(", "),
        });
    }
    for row in reader.get_row_iter(None).map_err(failed)? {
        span(ctx, &row.map_err(failed)?);
    }
    Ok(())
}

fn text(f: &Field) -> Option<&str> {
    match f {
        Field::Str(s) => Some(s),
        _ => None,
    }
}

fn int(f: &Field) -> Option<i64> {
    match *f {
        Field::Long(v) => Some(v),
        Field::Int(v) => Some(i64::from(v)),
        Field::ULong(v) => i64::try_from(v).ok(),
        Field::UInt(v) => Some(i64::from(v)),
        _ => None,
    }
}

/// A timestamp in nanoseconds, whatever unit the column has.
fn nanos(f: &Field) -> Option<i64> {
    match *f {
        Field::TimestampMillis(v) => v.checked_mul(1_000_000),
        Field::TimestampMicros(v) => v.checked_mul(1_000),
        _ => int(f),
    }
}

fn double(f: &Field) -> Option<f64> {
    match *f {
        Field::Double(v) => Some(v),
        Field::Float(v) => Some(f64::from(v)),
        _ => int(f).map(|v| v as f64),
    }
}

fn tokens(f: &Field) -> Option<u64> {
    int(f).and_then(|v| u64::try_from(v).ok())
}

fn otel_kind(label: &str) -> OtelKind {
    match label {
        "internal" => OtelKind::Internal,
        "server" => OtelKind::Server,
        "client" => OtelKind::Client,
        "producer" => OtelKind::Producer,
        "consumer" => OtelKind::Consumer,
        _ => OtelKind::Unspecified,
    }
}

fn status(label: &str) -> StatusCode {
    match label {
        "ok" => StatusCode::Ok,
        "error" => StatusCode::Error,
        _ => StatusCode::Unset,
    }
}

/// One row as a span.
fn span(ctx: &mut Context, row: &Row) {
    // No text of a row is kept: its place names only its file.
    let mut d = SpanDraft {
        raw: crate::model::RawRef {
            source: ctx.source,
            start: 0,
            end: 0,
        },
        ..SpanDraft::default()
    };
    let mut usage = TokenCounts::default();
    let (mut cost, mut counts, mut kind, mut first_token) = (None, false, None, None);
    let attrs_start = ctx.builder.attr_len();
    let b = &mut *ctx.builder;
    for (name, f) in row.get_column_iter() {
        let mut intern =
            |f: &Field| text(f).map_or(crate::model::strings::StrId::EMPTY, |s| b.intern(s));
        match name.as_str() {
            "trace_id" => d.trace_id = text(f).and_then(|s| TraceId::parse_or_derive(s).0),
            "span_id" => {
                if let Some(s) = text(f) {
                    let (id, derived) = SpanId::parse_or_derive(s);
                    d.span_id = id;
                    if derived {
                        d.id_text = b.intern(s);
                    }
                }
            }
            "parent_span_id" => d.parent_id = text(f).and_then(|s| SpanId::parse_or_derive(s).0),
            "name" => d.name = intern(f),
            "kind" => {
                kind = text(f).and_then(|k| SpanKind::ALL.into_iter().find(|x| x.label() == k))
            }
            "otel_kind" => d.otel_kind = text(f).map_or(OtelKind::Unspecified, otel_kind),
            "service" => d.service = intern(f),
            "start_time" => d.start = nanos(f),
            "end_time" => d.end = nanos(f),
            "status" => d.status = text(f).map_or(StatusCode::Unset, status),
            "status_message" => d.status_message = intern(f),
            "model" => d.facts.model = intern(f),
            "provider" => d.facts.provider = intern(f),
            "input_tokens" => usage.input = tokens(f),
            "cache_read_tokens" => usage.cache_read = tokens(f),
            "cache_write_tokens" => usage.cache_write = tokens(f),
            "output_tokens" => usage.output = tokens(f),
            "reasoning_tokens" => usage.reasoning = tokens(f),
            "first_token_ns" => first_token = int(f),
            "recorded_cost_usd" => cost = double(f),
            "counts_usage" => counts = matches!(f, Field::Bool(true)),
            "session_id" => d.facts.session = intern(f),
            "user_id" => d.facts.user = intern(f),
            "tags" => {
                if let Field::ListInternal(list) = f {
                    for tag in list.elements().iter().filter_map(text) {
                        let tag = b.intern(tag);
                        d.facts.tags.push(AttrValue::Str(tag));
                    }
                }
            }
            "attributes" => {
                if let Field::MapInternal(map) = f {
                    for (k, v) in map.entries() {
                        let Some(key) = text(k) else { continue };
                        let key = b.intern(key);
                        let value = match text(v) {
                            Some(s) if s.starts_with(['[', '{']) => {
                                match serde_json::from_str::<Box<serde_json::value::RawValue>>(s) {
                                    Ok(_) => AttrValue::Json(b.intern(s)),
                                    Err(_) => AttrValue::Str(b.intern(s)),
                                }
                            }
                            Some(s) => AttrValue::Str(b.intern(s)),
                            None => AttrValue::Empty,
                        };
                        b.push_attr(key, value, None);
                    }
                }
            }
            _ => {}
        }
    }
    d.attrs = Rows {
        start: attrs_start,
        end: ctx.builder.attr_len(),
    };
    d.facts.kind = kind.unwrap_or(SpanKind::Other);
    d.facts.usage = Usage {
        cost_usd: cost,
        first_token,
        ..usage.inclusive()
    };
    let draft = if counts { d.own_usage() } else { d };
    ctx.builder.push_span(draft, ctx.diags);
}
