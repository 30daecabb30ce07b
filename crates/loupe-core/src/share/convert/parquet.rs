//! The normalized model written as Parquet, one row per span, for DuckDB, ClickHouse, Spark and
//! any engine that reads Parquet. Each call of [`SpanWriter::write`] adds a row group, so a
//! stream of traces is written as it goes; columns are Snappy-compressed.
//!
//! The schema ([`SCHEMA`]): ids as hex strings; name, kind, OTel kind and service; start and
//! end as UTC timestamps in nanoseconds (null where the file gave none) and the duration in
//! nanoseconds; status and its
//! message; model and provider; the token classes and the time to first token; the cost that
//! counts (recorded, else
//! computed), both costs and where it comes from; session, user and tags; the source file;
//! whether the span's tokens count in totals (a wrapper that repeats its calls' totals does
//! not); and the attributes as a map of string to string (arrays and maps as JSON text).

use crate::analysis::cost::CostReport;
use crate::model::set::{SpanView, TraceSet, ValueRef};
use parquet::basic::Compression;
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

/// The Parquet schema of a span row.
pub const SCHEMA: &str = "
message loupe_span {
  required binary trace_id (STRING);
  required binary span_id (STRING);
  optional binary parent_span_id (STRING);
  required binary name (STRING);
  required binary kind (STRING);
  required binary otel_kind (STRING);
  required binary service (STRING);
  optional int64 start_time (TIMESTAMP(NANOS,true));
  optional int64 end_time (TIMESTAMP(NANOS,true));
  required int64 duration_ns;
  required binary status (STRING);
  optional binary status_message (STRING);
  optional binary model (STRING);
  optional binary provider (STRING);
  optional int64 input_tokens;
  optional int64 cache_read_tokens;
  optional int64 cache_write_tokens;
  optional int64 output_tokens;
  optional int64 reasoning_tokens;
  optional int64 first_token_ns;
  required boolean counts_usage;
  optional double cost_usd;
  optional double recorded_cost_usd;
  optional double computed_cost_usd;
  optional binary cost_source (STRING);
  optional binary session_id (STRING);
  optional binary user_id (STRING);
  required group tags (LIST) {
    repeated group list {
      required binary element (STRING);
    }
  }
  required binary source_file (STRING);
  required group attributes (MAP) {
    repeated group key_value {
      required binary key (STRING);
      optional binary value (STRING);
    }
  }
}
";

/// Why Parquet could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write Parquet: {0}")]
pub struct WriteError(#[from] ParquetError);

/// One leaf column's values with their definition and repetition levels, as Parquet stores
/// them.
enum Leaf {
    Bytes(Vec<ByteArray>, Vec<i16>, Vec<i16>),
    Int(Vec<i64>, Vec<i16>),
    Double(Vec<f64>, Vec<i16>),
    Bool(Vec<bool>),
}

/// Text as Parquet bytes.
fn bytes(s: String) -> ByteArray {
    ByteArray::from(s.into_bytes())
}

/// A required string column.
fn required(values: impl Iterator<Item = String>) -> Leaf {
    Leaf::Bytes(values.map(bytes).collect(), Vec::new(), Vec::new())
}

/// An optional string column: empty text is null.
fn optional(values: impl Iterator<Item = String>) -> Leaf {
    let (mut out, mut def) = (Vec::new(), Vec::new());
    for v in values {
        def.push(i16::from(!v.is_empty()));
        if !v.is_empty() {
            out.push(bytes(v));
        }
    }
    Leaf::Bytes(out, def, Vec::new())
}

/// The values present and every row's definition level (1 present, 0 null).
fn present<T>(values: impl Iterator<Item = Option<T>>) -> (Vec<T>, Vec<i16>) {
    let (mut out, mut def) = (Vec::new(), Vec::new());
    for v in values {
        def.push(i16::from(v.is_some()));
        out.extend(v);
    }
    (out, def)
}

fn optional_int(values: impl Iterator<Item = Option<i64>>) -> Leaf {
    let (out, def) = present(values);
    Leaf::Int(out, def)
}

fn optional_double(values: impl Iterator<Item = Option<f64>>) -> Leaf {
    let (out, def) = present(values);
    Leaf::Double(out, def)
}

/// A repeated column's leaves: per row, its items (none for an empty list or map), each
/// defined at `defined` (a list's element, a map's value) or one below where it is null (a
/// map's value may be).
fn repeated(rows: impl Iterator<Item = Vec<Option<String>>>, defined: i16) -> Leaf {
    let (mut out, mut def, mut rep) = (Vec::new(), Vec::new(), Vec::new());
    for items in rows {
        if items.is_empty() {
            def.push(0);
            rep.push(0);
        }
        for (n, item) in items.into_iter().enumerate() {
            def.push(if item.is_some() { defined } else { defined - 1 });
            rep.push(i16::from(n > 0));
            out.extend(item.map(bytes));
        }
    }
    Leaf::Bytes(out, def, rep)
}

/// An attribute value as the map holds it: as text (arrays and maps as their JSON, bytes in
/// base64), null for no value.
fn attribute_text(v: &ValueRef) -> Option<String> {
    match v {
        ValueRef::Empty => None,
        other => Some(other.to_string()),
    }
}

/// Whether the span's file gave its start and end.
fn timed(s: &SpanView) -> bool {
    !s.flags().has(crate::model::SpanFlags::NO_TIMESTAMPS)
}

/// Writes spans as Parquet to `W`, a row group per call of [`SpanWriter::write`].
pub struct SpanWriter<W: Write + Send> {
    writer: SerializedFileWriter<W>,
}

impl<W: Write + Send> SpanWriter<W> {
    /// A writer to `out`.
    pub fn new(out: W) -> Result<Self, WriteError> {
        let schema = Arc::new(parse_message_type(SCHEMA)?);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by("loupe".into())
            .build();
        Ok(SpanWriter {
            writer: SerializedFileWriter::new(out, schema, Arc::new(props))?,
        })
    }

    /// Writes every span of `traces` of `set` as one row group; `costs` prices its calls.
    pub fn write(
        &mut self,
        set: &TraceSet,
        traces: &[u32],
        costs: &CostReport,
    ) -> Result<(), WriteError> {
        let spans: Vec<u32> = traces
            .iter()
            .filter_map(|&t| set.traces().get(t as usize))
            .flat_map(|t| t.spans.start..t.spans.end)
            .collect();
        if spans.is_empty() {
            return Ok(());
        }
        let calls: HashMap<u32, &crate::analysis::cost::CallCost> =
            costs.calls.iter().map(|c| (c.span, c)).collect();
        let views: Vec<SpanView> = spans.iter().map(|&i| set.span(i)).collect();
        let s = || views.iter();
        let usage = |pick: fn(&crate::model::usage::Usage) -> Option<u64>| {
            optional_int(s().map(move |v| {
                v.usage()
                    .and_then(|u| pick(&u))
                    .map(|n| i64::try_from(n).unwrap_or(i64::MAX))
            }))
        };
        let calls = &calls;
        let cost = |pick: fn(&crate::analysis::cost::CallCost) -> Option<f64>| {
            optional_double(s().map(move |v| calls.get(&v.index()).and_then(|c| pick(c))))
        };
        let attributes: Vec<Vec<(&str, Option<String>)>> = s()
            .map(|v| {
                v.attributes()
                    .iter()
                    .map(|(k, val)| (*k, attribute_text(val)))
                    .collect()
            })
            .collect();
        // Every row carries its trace's session, user and tags where the span has none.
        let owners: Vec<super::Owner> = s().map(|v| super::owner(set, v, true)).collect();
        let leaves = vec![
            required(s().map(|v| v.trace_id().to_string())),
            required(s().map(|v| v.span_id().to_string())),
            optional(s().map(|v| v.parent_id().map_or(String::new(), |p| p.to_string()))),
            required(s().map(|v| v.name().to_string())),
            required(s().map(|v| v.kind().label().to_string())),
            required(s().map(|v| v.otel_kind().label().to_string())),
            required(s().map(|v| v.service().to_string())),
            // A span its file gave no times keeps the one it had, if any.
            optional_int(s().map(|v| match timed(v) {
                true => Some(v.start()),
                false => (v.start() != 0).then_some(v.start()),
            })),
            optional_int(s().map(|v| timed(v).then_some(v.end()))),
            Leaf::Int(s().map(|v| v.duration()).collect(), Vec::new()),
            required(s().map(|v| v.status().label().to_string())),
            optional(s().map(|v| v.status_message().to_string())),
            optional(s().map(|v| v.model().to_string())),
            optional(s().map(|v| v.provider().to_string())),
            usage(|u| u.input),
            usage(|u| u.cache_read),
            usage(|u| u.cache_write),
            usage(|u| u.output),
            usage(|u| u.reasoning),
            optional_int(s().map(|v| v.usage().and_then(|u| u.first_token))),
            Leaf::Bool(spans.iter().map(|&i| set.counts_usage(i)).collect()),
            cost(crate::analysis::cost::CallCost::cost),
            cost(|c| c.recorded),
            cost(|c| c.computed),
            optional(s().map(|v| {
                calls
                    .get(&v.index())
                    .map_or(String::new(), |c| c.source().to_string())
            })),
            optional(owners.iter().map(|o| o.session.to_string())),
            optional(owners.iter().map(|o| o.user.to_string())),
            repeated(
                owners
                    .iter()
                    .map(|o| o.tags.iter().map(|t| Some((*t).to_string())).collect()),
                1,
            ),
            required(s().map(|v| v.source_name().to_string())),
            repeated(
                attributes
                    .iter()
                    .map(|a| a.iter().map(|(k, _)| Some((*k).to_string())).collect()),
                1,
            ),
            repeated(
                attributes
                    .into_iter()
                    .map(|a| a.into_iter().map(|(_, v)| v).collect()),
                2,
            ),
        ];
        let mut group = self.writer.next_row_group()?;
        let mut leaves = leaves.into_iter();
        while let Some(mut column) = group.next_column()? {
            let Some(leaf) = leaves.next() else {
                return Err(ParquetError::General("more columns than values".into()).into());
            };
            let levels = |l: &Vec<i16>| (!l.is_empty()).then(|| l.clone());
            match (column.untyped(), leaf) {
                (ColumnWriter::ByteArrayColumnWriter(w), Leaf::Bytes(v, def, rep)) => {
                    w.write_batch(&v, levels(&def).as_deref(), levels(&rep).as_deref())?;
                }
                (ColumnWriter::Int64ColumnWriter(w), Leaf::Int(v, def)) => {
                    w.write_batch(&v, levels(&def).as_deref(), None)?;
                }
                (ColumnWriter::DoubleColumnWriter(w), Leaf::Double(v, def)) => {
                    w.write_batch(&v, levels(&def).as_deref(), None)?;
                }
                (ColumnWriter::BoolColumnWriter(w), Leaf::Bool(v)) => {
                    w.write_batch(&v, None, None)?;
                }
                _ => {
                    return Err(ParquetError::General(
                        "a column's values have the wrong type".into(),
                    )
                    .into());
                }
            }
            column.close()?;
        }
        group.close()?;
        Ok(())
    }

    /// Ends the file (its footer) and gives the output back.
    pub fn finish(self) -> Result<W, WriteError> {
        Ok(self.writer.into_inner()?)
    }
}
