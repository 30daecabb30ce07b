//! Jaeger JSON: the query API envelope `{"data": [trace…]}`, bare trace objects
//! `{traceID, spans, processes}`, arrays of spans with embedded processes (jaeger-anonymizer),
//! and the proto-JSON model (`{"spans": […]}` with base64 ids, RFC 3339 start times,
//! `"22938000ns"` durations and `vType`/`vStr` tags). Times are microseconds unless a string
//! says otherwise; int64 tags beyond 2^53 stay exact.
//!
//! A file of many traces (the envelope, or an array of traces or spans) can also be walked as
//! it arrives, one element at a time ([`records`]): each trace comes whole with its
//! processes, so a stream can cut between two of them.

use super::Context;
use super::anyvalue::{LooseF64, LooseI64};
use super::cursor::{Cursor, DocumentWalk, Next, Stop, Walk, Walker, expect_end};
use crate::import::builder::SpanDraft;
use crate::import::error::ImportError;
use crate::import::llm::LlmProbe;
use crate::model::clock::{parse_duration, parse_rfc3339};
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::strings::StrId;
use crate::model::{AttrValue, Nanos, OtelKind, Rows, StatusCode};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

#[derive(Deserialize)]
struct Process<'a> {
    #[serde(borrow, default, rename = "serviceName")]
    service_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    tags: Option<Vec<Tag<'a>>>,
}

#[derive(Deserialize)]
struct Span<'a> {
    #[serde(borrow, default, rename = "traceID", alias = "traceId")]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "spanID", alias = "spanId")]
    span_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "parentSpanID", alias = "parentSpanId")]
    parent_span_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "operationName")]
    operation_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    references: Option<Vec<Reference<'a>>>,
    #[serde(default, rename = "startTime")]
    start_time: Option<Time>,
    #[serde(default)]
    duration: Option<Duration>,
    #[serde(borrow, default)]
    tags: Option<Vec<Tag<'a>>>,
    #[serde(borrow, default)]
    logs: Option<Vec<Log<'a>>>,
    #[serde(borrow, default, rename = "processID")]
    process_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    process: Option<Process<'a>>,
}

#[derive(Deserialize)]
struct Reference<'a> {
    #[serde(borrow, default, rename = "refType")]
    ref_type: Option<Text<'a>>,
    #[serde(borrow, default, rename = "traceID", alias = "traceId")]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "spanID", alias = "spanId")]
    span_id: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Log<'a> {
    #[serde(default)]
    timestamp: Option<Time>,
    #[serde(borrow, default)]
    fields: Option<Vec<Tag<'a>>>,
}

/// A tag in either encoding: `{key, type, value}` (UI JSON) or `{key, vType, vStr…}` (proto).
#[derive(Deserialize)]
struct Tag<'a> {
    #[serde(borrow)]
    key: Text<'a>,
    #[serde(borrow, default, rename = "type", alias = "vType")]
    ty: Option<Text<'a>>,
    #[serde(borrow, default)]
    value: Option<Scalar<'a>>,
    #[serde(borrow, default, rename = "vStr")]
    v_str: Option<Text<'a>>,
    #[serde(default, rename = "vInt64")]
    v_int64: Option<LooseI64>,
    #[serde(default, rename = "vBool")]
    v_bool: Option<bool>,
    #[serde(default, rename = "vFloat64")]
    v_float64: Option<LooseF64>,
    #[serde(borrow, default, rename = "vBinary")]
    v_binary: Option<Text<'a>>,
}

/// A JSON scalar as a tag value.
enum Scalar<'a> {
    Str(Text<'a>),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
                Ok(i64::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Text(v.into())))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Text(v.to_string().into())))
            }
        }
        d.deserialize_any(V)
    }
}

/// A start time: microseconds since the epoch, or an RFC 3339 string.
struct Time(Nanos);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("microseconds since the epoch or an RFC 3339 time")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Time, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(|us| us.checked_mul(1000))
                    .map(Time)
                    .ok_or_else(|| E::custom(format!("time {v} is out of range")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Time, E> {
                v.checked_mul(1000)
                    .map(Time)
                    .ok_or_else(|| E::custom(format!("time {v} is out of range")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                parse_rfc3339(v)
                    .map(Time)
                    .ok_or_else(|| E::custom(format!("{v:?} is not an RFC 3339 time")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A duration: microseconds, or a Go duration string such as `"22938000ns"`.
struct Duration(Nanos);

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("microseconds or a duration such as \"22938000ns\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
                self.visit_i64(i64::try_from(v).map_err(|_| E::custom("duration out of range"))?)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
                v.checked_mul(1000)
                    .map(Duration)
                    .ok_or_else(|| E::custom(format!("duration {v} is out of range")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                parse_duration(v)
                    .map(Duration)
                    .ok_or_else(|| E::custom(format!("{v:?} is not a duration")))
            }
        }
        d.deserialize_any(V)
    }
}

/// Imports a Jaeger document, each span parsed once, straight from its bytes: an array of
/// spans or of traces, or an object (the envelope, a trace, the proto-JSON model).
pub(crate) fn import_text(ctx: &mut Context) -> Result<(), ImportError> {
    let mut cur = Cursor::new(ctx.text, 0);
    let read = if cur.peek() == Some(b'[') {
        elements(ctx, &mut cur)
    } else {
        envelope(ctx, &mut cur)
    };
    match read {
        Ok(()) => expect_end(&mut cur),
        Err(Stop::Bad(e)) => Err(e),
        Err(Stop::More) => Err(ImportError::Empty),
    }
}

/// An array of spans (each with its process) or of trace objects.
fn elements<'t>(ctx: &mut Context, cur: &mut Cursor<'t>) -> Result<(), Stop> {
    let mut items = cur.array()?;
    while cur.item(&mut items)? {
        element(ctx, cur)?;
    }
    Ok(())
}

/// An element of an array: a trace or a span (with its process), told by its first telling key
/// (a trace's `spans`, a span's id or operation name). An element that is neither is skipped
/// at its place.
fn element<'t>(ctx: &mut Context, cur: &mut Cursor<'t>) -> Result<(), Stop> {
    const TELLING: [&str; 4] = ["spans", "spanID", "spanId", "operationName"];
    if cur.which_member(&TELLING) == Some("spans") {
        trace_object(ctx, cur)?;
    } else if let Some((span, raw)) = ctx.record::<Span>(cur)? {
        add_span(ctx, span, raw, &HashMap::new());
    }
    Ok(())
}

/// The envelope `{"data": [trace…]}`, or one trace's members at the top level.
fn envelope<'t>(ctx: &mut Context, cur: &mut Cursor<'t>) -> Result<(), Stop> {
    let mut members = cur.object()?;
    let mut trace = TraceRecords::default();
    while let Some(key) = cur.key(&mut members)? {
        if &*key == "data" && !cur.null()? {
            let mut traces = cur.array()?;
            while cur.item(&mut traces)? {
                trace_object(ctx, cur)?;
            }
        } else {
            trace.member(ctx, cur, &key)?;
        }
    }
    trace.import(ctx);
    Ok(())
}

/// One trace object: its spans and its processes, in either order.
fn trace_object<'t>(ctx: &mut Context, cur: &mut Cursor<'t>) -> Result<(), Stop> {
    let mut members = cur.object()?;
    let mut trace = TraceRecords::default();
    while let Some(key) = cur.key(&mut members)? {
        trace.member(ctx, cur, &key)?;
    }
    trace.import(ctx);
    Ok(())
}

/// A walk through a Jaeger file of many traces, which may arrive in parts: the envelope
/// `{"data": [trace…]}` or an array of traces or spans. The walk stands between two traces
/// wherever it stops (see [`RecordWalker`]).
pub(crate) fn records() -> DocumentWalk<RecordWalker> {
    DocumentWalk::new(RecordWalker::default())
}

/// Where a walk of [`records`] stands in one container.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) enum Frame {
    /// At the document's value: the envelope or an array.
    Document,
    /// In the envelope's members.
    Envelope(Walk),
    /// In the envelope's `data`: traces.
    Traces(Walk),
    /// In a top-level array: traces or spans.
    Elements(Walk),
}

/// Walks a Jaeger file one trace (or span) at a time. Each is read whole before it is added
/// (a trace's processes may follow its spans), so the walk holds nothing between two of them.
/// An envelope may also hold a trace's own members (`spans`, `processes`) beside `data`: its
/// spans are read once all of them have arrived, with the processes kept from before them or
/// looked up after them.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct RecordWalker {
    /// The envelope's own `processes`, as JSON, when they came before its `spans`.
    processes: Option<String>,
    /// Whether the envelope's own spans were read (their processes with them).
    spans_read: bool,
}

impl Walker for RecordWalker {
    type Frame = Frame;
    const START: Frame = Frame::Document;

    fn finish(self, _ctx: &mut Context) {}

    fn step<'t>(
        &mut self,
        ctx: &mut Context,
        cur: &mut Cursor<'t>,
        frame: Frame,
    ) -> Result<Next<Frame>, Stop> {
        Ok(match frame {
            Frame::Document if cur.peek() == Some(b'[') => {
                Next::Stay(Frame::Elements(cur.array()?))
            }
            Frame::Document => Next::Stay(Frame::Envelope(cur.object()?)),
            Frame::Envelope(mut w) => match cur.key(&mut w)? {
                None => Next::Leave,
                Some(k) if &*k == "data" && !cur.null()? => {
                    Next::Enter(Frame::Envelope(w), Frame::Traces(cur.array()?))
                }
                Some(k) if &*k == "processes" && !self.spans_read => {
                    self.processes = Some(cur.skip()?.to_string());
                    Next::Stay(Frame::Envelope(w))
                }
                Some(k) if &*k == "spans" => {
                    cur.arrived_whole()?;
                    let kept = self.processes.take();
                    let after = match &kept {
                        Some(_) => None,
                        None => {
                            cur.member_ahead::<&serde_json::value::RawValue>(w, &["processes"])?
                        }
                    };
                    let processes: BTreeMap<Text, Process> =
                        match kept.as_deref().or(after.map(|raw| raw.get())) {
                            None => BTreeMap::new(),
                            Some(p) => serde_json::from_str(p).map_err(|e| {
                                cur.refuse(&format!("the envelope's processes do not read: {e}"))
                            })?,
                        };
                    let mut trace = TraceRecords::default();
                    trace.member(ctx, cur, "spans")?;
                    import_trace(ctx, trace.spans, &processes);
                    self.spans_read = true;
                    Next::Stay(Frame::Envelope(w))
                }
                Some(_) => {
                    cur.skip()?;
                    Next::Stay(Frame::Envelope(w))
                }
            },
            Frame::Traces(mut w) => {
                if !cur.item(&mut w)? {
                    return Ok(Next::Leave);
                }
                cur.arrived_whole()?;
                trace_object(ctx, cur)?;
                Next::Stay(Frame::Traces(w))
            }
            Frame::Elements(mut w) => {
                if !cur.item(&mut w)? {
                    return Ok(Next::Leave);
                }
                cur.arrived_whole()?;
                element(ctx, cur)?;
                Next::Stay(Frame::Elements(w))
            }
        })
    }
}

/// A trace's spans as parsed, kept until its processes are read (they often follow).
#[derive(Default)]
struct TraceRecords<'t> {
    spans: Vec<(Span<'t>, &'t str)>,
    processes: BTreeMap<Text<'t>, Process<'t>>,
}

impl<'t> TraceRecords<'t> {
    /// Reads member `key` of a trace: its spans, its processes, or something to skip.
    fn member(&mut self, ctx: &mut Context, cur: &mut Cursor<'t>, key: &str) -> Result<(), Stop> {
        match key {
            _ if cur.null()? => {}
            "spans" => {
                let mut items = cur.array()?;
                while cur.item(&mut items)? {
                    if let Some(record) = ctx.record::<Span>(cur)? {
                        self.spans.push(record);
                    }
                }
            }
            "processes" => self.processes = cur.value()?,
            _ => {
                cur.skip()?;
            }
        }
        Ok(())
    }

    /// Adds the processes as resources, then the spans.
    fn import(self, ctx: &mut Context) {
        import_trace(ctx, self.spans, &self.processes);
    }
}

/// Adds `processes` as resources, then `spans` with them.
fn import_trace(ctx: &mut Context, spans: Vec<(Span, &str)>, processes: &BTreeMap<Text, Process>) {
    let mut registered: Registered = HashMap::new();
    for (id, p) in processes {
        let r = register_process(ctx, p);
        registered.insert(id.to_string(), r);
    }
    for (span, raw) in spans {
        add_span(ctx, span, raw, &registered);
    }
}

/// Resources registered for a process map, by process id.
type Registered = HashMap<String, (u32, StrId)>;

/// Pushes a process as a resource; returns its index and service name.
fn register_process(ctx: &mut Context, p: &Process) -> (u32, StrId) {
    let start = ctx.builder.attr_len();
    for tag in p.tags.as_deref().unwrap_or(&[]) {
        push_tag(ctx, tag, None);
    }
    let service = p
        .service_name
        .as_deref()
        .map_or(StrId::EMPTY, |s| ctx.builder.intern(s));
    let service_key = ctx.builder.intern("service.name");
    ctx.builder
        .push_attr(service_key, AttrValue::Str(service), None);
    let r = ctx.builder.push_resource(Rows {
        start,
        end: ctx.builder.attr_len(),
    });
    (r, service)
}

/// Converts and appends one tag; returns its key and value.
fn push_tag<'t>(
    ctx: &mut Context,
    tag: &'t Tag,
    probe: Option<&mut LlmProbe>,
) -> (&'t str, AttrValue) {
    let ty = tag.ty.as_deref().map(str::to_ascii_lowercase);
    let value = if let Some(s) = &tag.v_str {
        AttrValue::Str(ctx.builder.intern(s))
    } else if let Some(i) = tag.v_int64 {
        AttrValue::Int(i.0)
    } else if let Some(b) = tag.v_bool {
        AttrValue::Bool(b)
    } else if let Some(f) = tag.v_float64 {
        AttrValue::Float(f.0)
    } else if let Some(b) = &tag.v_binary {
        AttrValue::Bytes(ctx.builder.intern(b))
    } else {
        match (ty.as_deref(), &tag.value) {
            (_, None) => AttrValue::Empty,
            (Some("bool"), Some(Scalar::Str(s))) => AttrValue::Bool(&**s == "true"),
            (Some("int64"), Some(Scalar::Str(s))) => s
                .trim()
                .parse()
                .map_or_else(|_| AttrValue::Str(ctx.builder.intern(s)), AttrValue::Int),
            (Some("float64"), Some(Scalar::Str(s))) => s
                .trim()
                .parse()
                .map_or_else(|_| AttrValue::Str(ctx.builder.intern(s)), AttrValue::Float),
            (Some("binary"), Some(Scalar::Str(s))) => AttrValue::Bytes(ctx.builder.intern(s)),
            (_, Some(Scalar::Str(s))) => AttrValue::Str(ctx.builder.intern(s)),
            (_, Some(Scalar::Int(i))) => AttrValue::Int(*i),
            (_, Some(Scalar::Float(f))) => AttrValue::Float(*f),
            (_, Some(Scalar::Bool(b))) => AttrValue::Bool(*b),
        }
    };
    let key = ctx.builder.intern(&tag.key);
    ctx.builder.push_attr(key, value, probe);
    (&tag.key, value)
}

/// Adds a parsed span, whose JSON is `raw`, with the resources of its trace's processes.
fn add_span(ctx: &mut Context, span: Span, raw: &str, processes: &Registered) {
    let name = span.operation_name.as_deref().unwrap_or("");
    let (Some(trace_text), Some(span_text)) = (&span.trace_id, &span.span_id) else {
        ctx.skip_span(raw, name, "it has no traceID or spanID");
        return;
    };
    let (trace_id, _) = TraceId::parse_or_derive(trace_text);
    let (span_id, id_text) = ctx.span_id(span_text);

    // The parent: the first CHILD_OF reference within the trace, else the first reference
    // within it, else the legacy parentSpanID. Other references become links.
    let refs = span.references.as_deref().unwrap_or(&[]);
    let same_trace = |r: &&Reference| {
        r.trace_id
            .as_deref()
            .is_none_or(|t| TraceId::parse_or_derive(t).0 == trace_id)
    };
    let parent_ref = refs
        .iter()
        .filter(same_trace)
        .find(|r| {
            r.ref_type
                .as_deref()
                .is_none_or(|t| t.eq_ignore_ascii_case("CHILD_OF"))
        })
        .or_else(|| refs.iter().find(same_trace));
    let parent_id = parent_ref
        .and_then(|r| r.span_id.as_deref())
        .or(span.parent_span_id.as_deref())
        .and_then(|p| SpanId::parse_or_derive(p).0);

    let (resource, service) = match (&span.process, span.process_id.as_deref()) {
        (Some(p), _) => register_process(ctx, p),
        (None, Some(id)) => processes
            .get(id)
            .copied()
            .unwrap_or((u32::MAX, StrId::EMPTY)),
        (None, None) => (u32::MAX, StrId::EMPTY),
    };

    let mut probe = LlmProbe::default();
    let mut otel_kind = OtelKind::Unspecified;
    let mut status = StatusCode::Unset;
    let mut status_message = StrId::EMPTY;
    let attrs_start = ctx.builder.attr_len();
    for tag in span.tags.as_deref().unwrap_or(&[]) {
        let (key, value) = push_tag(ctx, tag, Some(&mut probe));
        match (key, value) {
            ("span.kind", AttrValue::Str(k)) => {
                otel_kind = OtelKind::from_name(ctx.builder.strings.resolve(k)).unwrap_or_default();
            }
            ("error", AttrValue::Bool(true)) => status = StatusCode::Error,
            ("error", AttrValue::Str(v)) if ctx.builder.strings.resolve(v) == "true" => {
                status = StatusCode::Error;
            }
            ("otel.status_code", AttrValue::Str(v)) => {
                if let Some(s) = StatusCode::from_name(ctx.builder.strings.resolve(v)) {
                    status = s;
                }
            }
            ("otel.status_description", AttrValue::Str(v)) => status_message = v,
            _ => {}
        }
    }
    let attrs = Rows {
        start: attrs_start,
        end: ctx.builder.attr_len(),
    };

    let events_start = ctx.builder.event_len();
    for log in span.logs.as_deref().unwrap_or(&[]) {
        let start = ctx.builder.attr_len();
        let mut event_name = StrId::EMPTY;
        for field in log.fields.as_deref().unwrap_or(&[]) {
            if let ("event", AttrValue::Str(v)) = push_tag(ctx, field, None) {
                event_name = v;
            }
        }
        if event_name.is_empty() {
            event_name = ctx.builder.intern("log");
        }
        ctx.builder.push_event(
            log.timestamp.as_ref().map(|t| t.0),
            event_name,
            Rows {
                start,
                end: ctx.builder.attr_len(),
            },
        );
    }
    let events = Rows {
        start: events_start,
        end: ctx.builder.event_len(),
    };

    let links_start = ctx.builder.link_len();
    for r in refs {
        if parent_ref.is_some_and(|p| std::ptr::eq(p, r)) {
            continue;
        }
        let attrs_start = ctx.builder.attr_len();
        if let Some(t) = &r.ref_type {
            let key = ctx.builder.intern("opentracing.ref_type");
            let value = AttrValue::Str(ctx.builder.intern(&t.to_ascii_lowercase()));
            ctx.builder.push_attr(key, value, None);
        }
        let lt = r
            .trace_id
            .as_deref()
            .and_then(|t| TraceId::parse_or_derive(t).0);
        let ls = r
            .span_id
            .as_deref()
            .and_then(|s| SpanId::parse_or_derive(s).0);
        ctx.builder.push_link(
            lt,
            ls,
            Rows {
                start: attrs_start,
                end: ctx.builder.attr_len(),
            },
        );
    }
    let links = Rows {
        start: links_start,
        end: ctx.builder.link_len(),
    };

    let start = span.start_time.as_ref().map(|t| t.0);
    let end = match (start, span.duration.as_ref()) {
        (Some(s), Some(d)) => Some(s.saturating_add(d.0)),
        _ => None,
    };
    let name = ctx.builder.intern(name);
    let draft = SpanDraft {
        trace_id,
        span_id,
        id_text,
        parent_id,
        name,
        service,
        resource,
        otel_kind,
        status,
        status_message,
        start,
        end,
        attrs,
        events,
        links,
        raw: ctx.raw_ref(raw),
        facts: probe.finish(),
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
}

#[cfg(test)]
mod tests {
    use crate::import::tests::assert_skipped_on_line;

    #[test]
    fn spans_read_before_their_processes_get_them_and_a_bad_span_is_skipped_at_its_place() {
        let text = concat!(
            r#"{"data": [{"traceID": "t1", "spans": ["#,
            "\n",
            r#"{"traceID": "t1", "spanID": "s1", "operationName": "root", "processID": "p1", "startTime": 1, "duration": 5},"#,
            "\n",
            r#"{"traceID": "t1", "spanID": 7, "operationName": "bad"}"#,
            "\n",
            r#"], "processes": {"p1": {"serviceName": "checkout", "tags": []}}}]}"#
        );
        let set = crate::import(text.as_bytes(), "j.json").unwrap();
        assert_eq!(set.span_count(), 1);
        assert_eq!(
            (set.span(0).name(), set.span(0).service()),
            ("root", "checkout")
        );
        assert_skipped_on_line(&set, 3);
    }

    #[test]
    fn each_element_of_an_array_is_told_alone_and_a_null_is_skipped_at_its_place() {
        let text = concat!(
            r#"[{"traceID": "t1", "spans": [{"traceID": "t1", "spanID": "a1", "operationName": "in trace"}]},"#,
            "\n",
            r#"{"traceID": "t2", "spanID": "b1", "operationName": "alone"},"#,
            "\n",
            "null,\n",
            r#"{"operationName": "also alone", "spanID": "b2", "traceID": "t2", "references": [{"refType": "CHILD_OF", "traceID": "t2", "spanID": "b1"}]}]"#
        );
        let set = crate::import(text.as_bytes(), "mixed.json").unwrap();
        let mut names: Vec<&str> = (0..3).map(|i| set.span(i).name()).collect();
        names.sort_unstable();
        assert_eq!(names, ["alone", "also alone", "in trace"]);
        assert_eq!(set.span_count(), 3);
        assert_skipped_on_line(&set, 3);
    }

    #[test]
    fn an_envelope_with_traces_and_spans_of_its_own_reads_both() {
        let text = r#"{"data": [{"traceID": "t1", "spans": [{"traceID": "t1", "spanID": "a1", "operationName": "in data"}]}],
            "spans": [{"traceID": "t2", "spanID": "b1", "operationName": "top level"}]}"#;
        let set = crate::import(text.as_bytes(), "both.json").unwrap();
        let mut names: Vec<&str> = (0..2).map(|i| set.span(i).name()).collect();
        names.sort_unstable();
        assert_eq!(names, ["in data", "top level"]);
        // Read as it arrives, in parts of any size, with the envelope's own processes before
        // or after its spans: the same spans, with their service.
        let procs = r#""processes": {"p1": {"serviceName": "svc"}}"#;
        let spans = r#""spans": [{"traceID": "t2", "spanID": "b1", "operationName": "top level", "processID": "p1"}]"#;
        let data = r#""data": [{"traceID": "t1", "spans": [{"traceID": "t1", "spanID": "a1", "operationName": "in data"}]}]"#;
        for text in [
            format!("{{{data}, {spans}, {procs}}}"),
            format!("{{{data}, {procs}, {spans}}}"),
        ] {
            let whole = crate::import(text.as_bytes(), "both.json").unwrap();
            for part in [1, 5, 4096] {
                let mut b = crate::TraceSetBuilder::new();
                let mut feed = b.start_feed("both.json");
                for piece in text.as_bytes().chunks(part) {
                    b.feed(&mut feed, piece);
                }
                b.finish_feed(feed).unwrap();
                let fed = b.finish();
                assert_eq!(
                    crate::dump::text_dump(&fed),
                    crate::dump::text_dump(&whole),
                    "{text} in parts of {part}"
                );
                let top = (0..2)
                    .map(|i| fed.span(i))
                    .find(|s| s.name() == "top level");
                assert_eq!(top.map(|s| s.service()), Some("svc"), "{text}");
            }
        }
    }
}
