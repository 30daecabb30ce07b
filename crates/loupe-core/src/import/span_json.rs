//! Span JSON with a `context` object: OpenTelemetry Python's `ConsoleSpanExporter` /
//! `ReadableSpan.to_json()` dumps (`0x` ids, `SpanKind.X`, ISO times, `status.status_code`)
//! and Arize Phoenix's span JSON (REST API and JSONL export: `span_kind`, `parent_id`,
//! top-level `status_code`). One object, an array, JSON Lines, or concatenated objects.
//! Attributes are plain JSON maps.

use super::Context;
use super::cursor::{Cursor, ReadElement, Stop, each_element};
use crate::import::builder::SpanDraft;
use crate::import::error::{ImportError, json_error_at};
use crate::import::llm::{LlmProbe, kind_from_openinference};
use crate::model::clock::parse_rfc3339;
use crate::model::diagnostics::DiagnosticKind;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::json::offset_in;
use crate::model::strings::StrId;
use crate::model::{AttrValue, OtelKind, Rows, StatusCode};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Span<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    context: Option<SpanContext<'a>>,
    #[serde(borrow, default)]
    parent_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    span_kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    start_time: Option<Text<'a>>,
    #[serde(borrow, default)]
    end_time: Option<Text<'a>>,
    #[serde(borrow, default)]
    status: Option<Status<'a>>,
    #[serde(borrow, default)]
    status_code: Option<Text<'a>>,
    #[serde(borrow, default)]
    status_message: Option<Text<'a>>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
    #[serde(borrow, default)]
    events: Option<Vec<Event<'a>>>,
    #[serde(borrow, default)]
    links: Option<Vec<Link<'a>>>,
    #[serde(borrow, default)]
    resource: Option<Resource<'a>>,
}

/// `{"trace_id", "span_id"}`, as Python SDKs (and MLflow's older span dictionaries) write it.
#[derive(Deserialize)]
pub(crate) struct SpanContext<'a> {
    #[serde(borrow, default)]
    pub trace_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub span_id: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Status<'a> {
    #[serde(borrow, default)]
    status_code: Option<Text<'a>>,
    #[serde(borrow, default)]
    description: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    timestamp: Option<Text<'a>>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Link<'a> {
    #[serde(borrow, default)]
    context: Option<SpanContext<'a>>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
}

/// Imports several top-level values: JSON Lines, or objects written one after another.
pub(crate) fn import_stream(ctx: &mut Context) -> Result<(), ImportError> {
    let text = ctx.text;
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    loop {
        let at = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(raw)) => match raw.get().trim_start().as_bytes().first() {
                Some(b'[') => match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
                    Ok(items) => items.into_iter().for_each(|r| import_span(ctx, r)),
                    Err(e) => return Err(json_error_at(text, offset_in(text, raw.get()), &e)),
                },
                _ => import_span(ctx, raw),
            },
            Some(Err(e)) => {
                let err = json_error_at(text, at, &e);
                ctx.diags
                    .report(Some(ctx.source), DiagnosticKind::SkippedLine, || {
                        format!("the rest of the file was skipped: {err}")
                    });
                break;
            }
        }
    }
    Ok(())
}

/// One span of an array, read alone: each span is a record of its own (its parent is named by
/// id), so an array of them is walked span by span ([`EachElement`]).
pub(crate) struct SpanElement;

impl ReadElement for SpanElement {
    fn read(ctx: &mut Context, cur: &mut Cursor) -> Result<(), Stop> {
        if let Some((span, raw)) = ctx.record::<Span>(cur)? {
            add_span(ctx, span, raw);
        }
        Ok(())
    }
}

/// Imports an array of spans (or one span), each parsed once, straight from its bytes.
pub(crate) fn import_elements(ctx: &mut Context) -> Result<(), ImportError> {
    each_element(ctx, SpanElement::read)
}

/// Imports one span's JSON, parsed here.
fn import_span(ctx: &mut Context, raw: &RawValue) {
    if let Some(span) = ctx.parse_span::<Span>(raw) {
        add_span(ctx, span, raw.get());
    }
}

/// Adds a parsed span; `raw` is its JSON.
fn add_span(ctx: &mut Context, span: Span, raw: &str) {
    let name = span.name.as_deref().unwrap_or("");
    let ids = span
        .context
        .as_ref()
        .and_then(|c| c.trace_id.as_deref().zip(c.span_id.as_deref()));
    let Some((trace_text, span_text)) = ids else {
        ctx.skip_span(raw, name, "it has no context.trace_id or context.span_id");
        return;
    };
    let (trace_id, _) = TraceId::parse_or_derive(trace_text);
    let (span_id, id_text) = ctx.span_id(span_text);
    let parent_id = span
        .parent_id
        .as_deref()
        .and_then(|p| SpanId::parse_or_derive(p).0);

    let resource_attrs =
        ctx.push_plain_map(span.resource.as_ref().and_then(|r| r.attributes), None);
    let resource = ctx.builder.push_resource(resource_attrs);
    let service = resource_attrs
        .range()
        .find(|&r| ctx.builder.strings.resolve(ctx.builder.attrs.key[r]) == "service.name")
        .and_then(|r| match ctx.builder.attrs.value[r] {
            AttrValue::Str(s) => Some(s),
            _ => None,
        })
        .unwrap_or(StrId::EMPTY);

    let mut probe = LlmProbe::default();
    probe.set_native_kind(span.span_kind.as_deref().and_then(kind_from_openinference));
    let attrs = ctx.push_plain_map(span.attributes, Some(&mut probe));

    let events = ctx.push_plain_events(
        span.events.iter().flatten().map(|ev| {
            let time = ev.timestamp.as_deref().and_then(parse_rfc3339);
            (time, ev.name.as_deref().unwrap_or(""), ev.attributes)
        }),
        Some(&mut probe),
    );
    let links_start = ctx.builder.link_len();
    for link in span.links.as_deref().unwrap_or(&[]) {
        let l_attrs = ctx.push_plain_map(link.attributes, None);
        let c = link.context.as_ref();
        let lt = c
            .and_then(|c| c.trace_id.as_deref())
            .and_then(|t| TraceId::parse_or_derive(t).0);
        let ls = c
            .and_then(|c| c.span_id.as_deref())
            .and_then(|s| SpanId::parse_or_derive(s).0);
        ctx.builder.push_link(lt, ls, l_attrs);
    }
    let links = Rows {
        start: links_start,
        end: ctx.builder.link_len(),
    };

    let status_name = span
        .status
        .as_ref()
        .and_then(|s| s.status_code.as_deref())
        .or(span.status_code.as_deref());
    let status = status_name
        .and_then(StatusCode::from_name)
        .unwrap_or_default();
    let message = span
        .status
        .as_ref()
        .and_then(|s| s.description.as_deref())
        .or(span.status_message.as_deref())
        .unwrap_or("");
    let status_message = ctx.builder.intern(message);
    let otel_kind = span
        .kind
        .as_deref()
        .and_then(OtelKind::from_name)
        .unwrap_or_default();
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
        start: span.start_time.as_deref().and_then(parse_rfc3339),
        end: span.end_time.as_deref().and_then(parse_rfc3339),
        attrs,
        events,
        links,
        raw: ctx.raw_ref(raw),
        facts: probe.finish(),
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
}

/// A JavaScript `HrTime`: `[seconds, nanoseconds]`.
#[derive(Clone, Copy)]
struct HrTime(i64);

impl<'de> Deserialize<'de> for HrTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (secs, nanos) = <(i64, i64)>::deserialize(d)?;
        secs.checked_mul(1_000_000_000)
            .and_then(|s| s.checked_add(nanos))
            .map(HrTime)
            .ok_or_else(|| serde::de::Error::custom("time out of range"))
    }
}

#[derive(Deserialize)]
struct JsContext<'a> {
    #[serde(borrow, default, rename = "traceId")]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "spanId")]
    span_id: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct JsStatus<'a> {
    #[serde(default)]
    code: Option<i64>,
    #[serde(borrow, default)]
    message: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct JsEvent<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(default)]
    time: Option<HrTime>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
}

/// An OpenTelemetry JS `ReadableSpan` written out as JSON (`spanContext`, `HrTime` times).
#[derive(Deserialize)]
struct ReadableSpan<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default, rename = "spanContext")]
    span_context: Option<JsContext<'a>>,
    #[serde(borrow, default, rename = "parentSpanId")]
    parent_span_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "parentSpanContext")]
    parent_context: Option<JsContext<'a>>,
    #[serde(default)]
    kind: Option<i64>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
    #[serde(borrow, default)]
    status: Option<JsStatus<'a>>,
    #[serde(default, rename = "startTime")]
    start_time: Option<HrTime>,
    #[serde(default, rename = "endTime")]
    end_time: Option<HrTime>,
    #[serde(borrow, default)]
    events: Option<Vec<JsEvent<'a>>>,
}

/// Imports an array of OpenTelemetry JS `ReadableSpan`s (or one), each parsed once.
pub(crate) fn import_readable_elements(ctx: &mut Context) -> Result<(), ImportError> {
    each_element(ctx, |ctx, cur| {
        if let Some((span, raw)) = ctx.record::<ReadableSpan>(cur)? {
            add_readable_span(ctx, span, raw);
        }
        Ok(())
    })
}

/// Adds a parsed `ReadableSpan`; `raw` is its JSON.
fn add_readable_span(ctx: &mut Context, span: ReadableSpan, raw: &str) {
    let name = span.name.as_deref().unwrap_or("");
    let ids = span
        .span_context
        .as_ref()
        .and_then(|c| c.trace_id.as_deref().zip(c.span_id.as_deref()));
    let Some((trace_text, span_text)) = ids else {
        ctx.skip_span(
            raw,
            name,
            "it has no spanContext.traceId or spanContext.spanId",
        );
        return;
    };
    let (trace_id, _) = TraceId::parse_or_derive(trace_text);
    let (span_id, id_text) = ctx.span_id(span_text);
    let parent_id = span
        .parent_span_id
        .as_deref()
        .or(span
            .parent_context
            .as_ref()
            .and_then(|c| c.span_id.as_deref()))
        .and_then(|p| SpanId::parse_or_derive(p).0);
    let mut probe = LlmProbe::default();
    let attrs = ctx.push_plain_map(span.attributes, Some(&mut probe));
    let events = ctx.push_plain_events(
        span.events.iter().flatten().map(|ev| {
            (
                ev.time.map(|t| t.0),
                ev.name.as_deref().unwrap_or(""),
                ev.attributes,
            )
        }),
        None,
    );
    // JavaScript's SpanKind numbers differ from OTLP's: INTERNAL is 0.
    let otel_kind = match span.kind {
        Some(0) => OtelKind::Internal,
        Some(1) => OtelKind::Server,
        Some(2) => OtelKind::Client,
        Some(3) => OtelKind::Producer,
        Some(4) => OtelKind::Consumer,
        _ => OtelKind::Unspecified,
    };
    let status = span
        .status
        .as_ref()
        .and_then(|s| s.code)
        .and_then(StatusCode::from_code)
        .unwrap_or_default();
    let message = span
        .status
        .as_ref()
        .and_then(|s| s.message.as_deref())
        .unwrap_or("");
    let status_message = ctx.builder.intern(message);
    let name = ctx.builder.intern(name);
    let draft = SpanDraft {
        trace_id,
        span_id,
        id_text,
        parent_id,
        name,
        otel_kind,
        status,
        status_message,
        start: span.start_time.map(|t| t.0),
        end: span.end_time.map(|t| t.0),
        attrs,
        events,
        raw: ctx.raw_ref(raw),
        facts: probe.finish(),
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
}
