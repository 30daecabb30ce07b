//! OTLP/JSON traces: one export request, an array of them, the `{"result": …}` and
//! `{"batches": …}` wrappers, captured requests `{"trace_requests": [{"pbreq": …}]}`, legacy `instrumentationLibrarySpans`, snake_case keys, and JSON
//! Lines with one request per line (other signals' lines are skipped and counted).
//!
//! Each span is parsed on its own from its raw slice, so a bad span is reported with its
//! position and skipped while the rest of the file loads.

use super::Context;
use super::anyvalue::{AnyValue, Code, KeyValue, NanosField};
use crate::builder::SpanDraft;
use crate::diagnostics::DiagnosticKind;
use crate::error::{ImportError, json_error_at};
use crate::format::{Document, object_members, offset_in};
use crate::ids::{SpanId, TraceId};
use crate::llm::LlmProbe;
use crate::model::{AttrValue, OtelKind, Rows, StatusCode};
use crate::strings::StrId;
use crate::text::Text;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct ResourceSpans<'a> {
    #[serde(borrow, default)]
    resource: Option<Resource<'a>>,
    #[serde(
        borrow,
        default,
        rename = "scopeSpans",
        alias = "scope_spans",
        alias = "instrumentationLibrarySpans",
        alias = "instrumentation_library_spans"
    )]
    scope_spans: Option<Vec<ScopeSpans<'a>>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow, default)]
    attributes: Option<Vec<KeyValue<'a>>>,
}

#[derive(Deserialize)]
struct ScopeSpans<'a> {
    #[serde(
        borrow,
        default,
        alias = "instrumentationLibrary",
        alias = "instrumentation_library"
    )]
    scope: Option<Scope<'a>>,
    #[serde(borrow, default)]
    spans: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct Scope<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Span<'a> {
    #[serde(borrow, default, rename = "traceId", alias = "trace_id")]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "spanId", alias = "span_id")]
    span_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "parentSpanId", alias = "parent_span_id")]
    parent_span_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    kind: Option<Code<'a>>,
    #[serde(default, rename = "startTimeUnixNano", alias = "start_time_unix_nano")]
    start: Option<NanosField>,
    #[serde(default, rename = "endTimeUnixNano", alias = "end_time_unix_nano")]
    end: Option<NanosField>,
    #[serde(borrow, default)]
    attributes: Option<Vec<KeyValue<'a>>>,
    #[serde(borrow, default)]
    events: Option<Vec<Event<'a>>>,
    #[serde(borrow, default)]
    links: Option<Vec<Link<'a>>>,
    #[serde(borrow, default)]
    status: Option<Status<'a>>,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(default, rename = "timeUnixNano", alias = "time_unix_nano")]
    time: Option<NanosField>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    attributes: Option<Vec<KeyValue<'a>>>,
}

#[derive(Deserialize)]
struct Link<'a> {
    #[serde(borrow, default, rename = "traceId", alias = "trace_id")]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "spanId", alias = "span_id")]
    span_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    attributes: Option<Vec<KeyValue<'a>>>,
}

#[derive(Deserialize)]
struct Status<'a> {
    #[serde(borrow, default)]
    code: Option<Code<'a>>,
    #[serde(borrow, default)]
    message: Option<Text<'a>>,
}

/// One captured export request.
#[derive(Deserialize)]
struct Captured<'a> {
    #[serde(borrow, default)]
    pbreq: Option<&'a RawValue>,
}

/// Number of elements of a JSON array (0 for anything else).
fn count_items(raw: &RawValue) -> usize {
    serde_json::from_str::<Vec<serde::de::IgnoredAny>>(raw.get()).map_or(0, |v| v.len())
}

/// Counts of skipped other-signal lines.
#[derive(Default)]
struct OtherSignals {
    metrics: usize,
    logs: usize,
}

/// Imports a whole OTLP/JSON document.
pub(crate) fn import_document(ctx: &mut Context, doc: Document) -> Result<(), ImportError> {
    let mut other = OtherSignals::default();
    match doc {
        Document::Object(members) => import_request(ctx, &members, &mut other)?,
        Document::Array(items) => {
            for item in items {
                let base = offset_in(ctx.text, item.get());
                let members =
                    object_members(item.get()).map_err(|e| json_error_at(ctx.text, base, &e))?;
                import_request(ctx, &members, &mut other)?;
            }
        }
    }
    report_other_signals(ctx, &other, "requests");
    Ok(())
}

/// One trace export request read whole: its resource spans (each span still parsed on its own
/// from its slice), and other signals counted.
#[derive(Deserialize)]
struct TraceRequest<'a> {
    #[serde(borrow, default, rename = "resourceSpans", alias = "resource_spans")]
    resource_spans: Option<Vec<ResourceSpans<'a>>>,
    #[serde(default, rename = "resourceMetrics", alias = "resource_metrics")]
    metrics: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "resourceLogs", alias = "resource_logs")]
    logs: Option<serde::de::IgnoredAny>,
}

/// Imports a document that is one trace export request (detection saw its first key), in one
/// pass over the text.
pub(crate) fn import_trace_request(ctx: &mut Context) -> Result<(), ImportError> {
    let text = ctx.text;
    let Ok(request) = serde_json::from_str::<TraceRequest>(text) else {
        // Not one plain request after all (a key given twice, other wrappers beside it) or not
        // JSON: the general path reads it, or says where it breaks.
        let doc = crate::format::parse_document(text)?;
        return import_document(ctx, doc);
    };
    for rs in request.resource_spans.unwrap_or_default() {
        import_resource_spans(ctx, rs);
    }
    let other = OtherSignals {
        metrics: usize::from(request.metrics.is_some()),
        logs: usize::from(request.logs.is_some()),
    };
    report_other_signals(ctx, &other, "requests");
    Ok(())
}

/// Imports OTLP/JSON Lines: each line is one export request. A bad line is reported and
/// skipped.
pub(crate) fn import_lines(ctx: &mut Context) -> Result<(), ImportError> {
    let text = ctx.text;
    let mut other = OtherSignals::default();
    let mut offset = 0usize;
    for (n, line) in text.split('\n').enumerate() {
        let base = offset;
        offset += line.len() + 1;
        if line.trim().is_empty() {
            continue;
        }
        match object_members(line) {
            Ok(members) => import_request(ctx, &members, &mut other)?,
            Err(e) => {
                let err = json_error_at(text, base, &e);
                ctx.diags
                    .report(Some(ctx.source), DiagnosticKind::SkippedLine, || {
                        format!("line {} skipped: {err}", n + 1)
                    });
            }
        }
    }
    report_other_signals(ctx, &other, "lines");
    Ok(())
}

fn report_other_signals(ctx: &mut Context, other: &OtherSignals, unit: &str) {
    if other.metrics + other.logs > 0 {
        let (m, l) = (other.metrics, other.logs);
        ctx.diags
            .report(Some(ctx.source), DiagnosticKind::OtherSignal, || {
                format!("skipped {m} {unit} of metrics and {l} of logs (Loupe reads traces)")
            });
    }
}

/// Imports one export request given as its members.
fn import_request(
    ctx: &mut Context,
    members: &[(Text, &RawValue)],
    other: &mut OtherSignals,
) -> Result<(), ImportError> {
    for (key, value) in members {
        match key.as_ref() {
            "resourceSpans" | "resource_spans" | "batches" => {
                let base = offset_in(ctx.text, value.get());
                let list: Option<Vec<ResourceSpans>> = serde_json::from_str(value.get())
                    .map_err(|e| json_error_at(ctx.text, base, &e))?;
                for rs in list.unwrap_or_default() {
                    import_resource_spans(ctx, rs);
                }
            }
            "result" => {
                let base = offset_in(ctx.text, value.get());
                let inner =
                    object_members(value.get()).map_err(|e| json_error_at(ctx.text, base, &e))?;
                import_request(ctx, &inner, other)?;
            }
            "trace_requests" => {
                // Captured export requests (oteltest): `[{"pbreq": {…request…}, …}]`.
                let base = offset_in(ctx.text, value.get());
                let captured: Vec<Captured> = serde_json::from_str(value.get())
                    .map_err(|e| json_error_at(ctx.text, base, &e))?;
                for request in captured.into_iter().filter_map(|c| c.pbreq) {
                    let base = offset_in(ctx.text, request.get());
                    let inner = object_members(request.get())
                        .map_err(|e| json_error_at(ctx.text, base, &e))?;
                    import_request(ctx, &inner, other)?;
                }
            }
            "metric_requests" => other.metrics += count_items(value),
            "log_requests" => other.logs += count_items(value),
            "resourceMetrics" | "resource_metrics" => other.metrics += 1,
            "resourceLogs" | "resource_logs" => other.logs += 1,
            _ => {}
        }
    }
    Ok(())
}

fn import_resource_spans(ctx: &mut Context, rs: ResourceSpans) {
    let attrs_start = ctx.builder.attr_len();
    let mut service = StrId::EMPTY;
    for kv in rs.resource.and_then(|r| r.attributes).unwrap_or_default() {
        let (key, value) = push_attr(ctx, &kv, None);
        if let ("service.name", AttrValue::Str(s)) = (key, value) {
            service = s;
        }
    }
    let resource = ctx.builder.push_resource(Rows {
        start: attrs_start,
        end: ctx.builder.attr_len(),
    });
    for ss in rs.scope_spans.unwrap_or_default() {
        let scope = ss
            .scope
            .and_then(|s| s.name)
            .map_or(StrId::EMPTY, |n| ctx.builder.intern(&n));
        for raw in ss.spans.unwrap_or_default() {
            import_span(ctx, raw, resource, service, scope);
        }
    }
}

/// Converts and appends one attribute; returns its key text and value.
fn push_attr<'k>(
    ctx: &mut Context,
    kv: &'k KeyValue,
    probe: Option<&mut LlmProbe>,
) -> (&'k str, AttrValue) {
    let value =
        match &kv.value {
            None | Some(AnyValue::Empty) => AttrValue::Empty,
            Some(AnyValue::Str(s)) => AttrValue::Str(ctx.builder.intern(s)),
            Some(AnyValue::Bool(b)) => AttrValue::Bool(*b),
            Some(AnyValue::Int(i)) => AttrValue::Int(*i),
            Some(AnyValue::Double(x)) => AttrValue::Float(*x),
            Some(AnyValue::Bytes(b)) => AttrValue::Bytes(ctx.builder.intern(b)),
            Some(v @ (AnyValue::Array(_) | AnyValue::KvList(_))) => {
                let mut json = String::new();
                v.write_plain_json(&mut json);
                AttrValue::Json(ctx.builder.intern(&json))
            }
            Some(AnyValue::Unknown(tag, raw)) => {
                let key = kv.key.to_string();
                let tag = tag.to_string();
                ctx.diags.report(Some(ctx.source), DiagnosticKind::UnknownValueType, || {
                format!("attribute '{key}' has a value of unknown type '{tag}'; read as plain JSON")
            });
                match serde_json::from_str::<Text>(raw.get()) {
                    Ok(s) => AttrValue::Str(ctx.builder.intern(&s)),
                    Err(_) => AttrValue::Json(ctx.builder.intern(raw.get())),
                }
            }
        };
    let key = ctx.builder.intern(&kv.key);
    ctx.builder.push_attr(key, value, probe);
    (&kv.key, value)
}

fn push_attrs(ctx: &mut Context, kvs: &[KeyValue], mut probe: Option<&mut LlmProbe>) -> Rows {
    let start = ctx.builder.attr_len();
    for kv in kvs {
        push_attr(ctx, kv, probe.as_deref_mut());
    }
    Rows {
        start,
        end: ctx.builder.attr_len(),
    }
}

fn import_span(ctx: &mut Context, raw: &RawValue, resource: u32, service: StrId, scope: StrId) {
    let Some(span) = ctx.parse_span::<Span>(raw) else {
        return;
    };
    let name = span.name.as_deref().unwrap_or("");
    let fail = |ctx: &mut Context, what: String| ctx.skip_span(raw, name, &what);
    let (trace_id, span_id) = match (&span.trace_id, &span.span_id) {
        (None, _) => return fail(ctx, "it has no traceId".into()),
        (_, None) => return fail(ctx, "it has no spanId".into()),
        (Some(t), Some(s)) => match (TraceId::parse(t), SpanId::parse(s)) {
            (Err(e), _) => return fail(ctx, format!("traceId {e}")),
            (_, Err(e)) => return fail(ctx, format!("spanId {e}")),
            (Ok(t), Ok(s)) => (t, s),
        },
    };
    let parent_id = match span.parent_span_id.as_deref().map(SpanId::parse) {
        None => None,
        Some(Ok(p)) => p,
        Some(Err(e)) => return fail(ctx, format!("parentSpanId {e}")),
    };
    let otel_kind = match &span.kind {
        None => OtelKind::Unspecified,
        Some(Code::Num(n)) => match OtelKind::from_code(*n) {
            Some(k) => k,
            None => return fail(ctx, format!("kind {n} is not a span kind (0 to 5)")),
        },
        Some(Code::Name(n)) => match OtelKind::from_name(n) {
            Some(k) => k,
            None => return fail(ctx, format!("kind {:?} is not a span kind", &**n)),
        },
    };
    let status = match span.status.as_ref().and_then(|s| s.code.as_ref()) {
        None => StatusCode::Unset,
        Some(Code::Num(n)) => match StatusCode::from_code(*n) {
            Some(s) => s,
            None => return fail(ctx, format!("status code {n} is not 0, 1 or 2")),
        },
        Some(Code::Name(n)) => match StatusCode::from_name(n) {
            Some(s) => s,
            None => return fail(ctx, format!("status code {:?} is not a status", &**n)),
        },
    };
    let status_message = span
        .status
        .as_ref()
        .and_then(|s| s.message.as_deref())
        .map_or(StrId::EMPTY, |m| ctx.builder.intern(m));

    let mut probe = LlmProbe::default();
    let attrs = push_attrs(
        ctx,
        span.attributes.as_deref().unwrap_or(&[]),
        Some(&mut probe),
    );
    let events_start = ctx.builder.event_len();
    for ev in span.events.as_deref().unwrap_or(&[]) {
        let ev_attrs = push_attrs(ctx, ev.attributes.as_deref().unwrap_or(&[]), None);
        let ev_name = ctx.builder.intern(ev.name.as_deref().unwrap_or(""));
        ctx.builder
            .push_event(ev.time.map(|t| t.0), ev_name, ev_attrs);
    }
    let events = Rows {
        start: events_start,
        end: ctx.builder.event_len(),
    };
    let links_start = ctx.builder.link_len();
    for link in span.links.as_deref().unwrap_or(&[]) {
        let l_attrs = push_attrs(ctx, link.attributes.as_deref().unwrap_or(&[]), None);
        let lt = link
            .trace_id
            .as_deref()
            .and_then(|t| TraceId::parse(t).ok().flatten());
        let ls = link
            .span_id
            .as_deref()
            .and_then(|s| SpanId::parse(s).ok().flatten());
        ctx.builder.push_link(lt, ls, l_attrs);
    }
    let links = Rows {
        start: links_start,
        end: ctx.builder.link_len(),
    };
    let name = ctx.builder.intern(name);
    let draft = SpanDraft {
        trace_id,
        span_id,
        parent_id,
        name,
        service,
        scope,
        resource,
        otel_kind,
        status,
        status_message,
        start: span.start.map(|t| t.0),
        end: span.end.map(|t| t.0),
        attrs,
        events,
        links,
        raw: ctx.raw_ref(raw),
        facts: probe.finish(),
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
}
