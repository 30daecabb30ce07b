//! OTLP/JSON traces: one export request, an array of them, the `{"result": …}` and
//! `{"batches": …}` wrappers, captured requests `{"trace_requests": [{"pbreq": …}]}`, legacy `instrumentationLibrarySpans`, snake_case keys, and JSON
//! Lines with one request per line (other signals' lines are skipped and counted).
//!
//! Each span is parsed on its own from its raw slice, so a bad span is reported with its
//! position and skipped while the rest of the file loads.

use super::Context;
use super::anyvalue::{AnyValue, Code, KeyValue, NanosField};
use super::cursor::{Cursor, DocumentWalk, Next, Stop, Walk, Walker, expect_end, import_whole};
use crate::import::builder::SpanDraft;
use crate::import::error::ImportError;
use crate::import::llm::LlmProbe;
use crate::import::merge::{
    Inherited, Remap, Renumber, UNKNOWN_RESOURCE, UNKNOWN_SCOPE, UNKNOWN_SERVICE,
};
use crate::model::diagnostics::DiagnosticKind;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::strings::StrId;
use crate::model::{AttrValue, OtelKind, Rows, StatusCode};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow, default)]
    attributes: Option<Vec<KeyValue<'a>>>,
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

/// Counts of skipped other-signal lines.
#[derive(Default, Serialize, Deserialize)]
struct OtherSignals {
    metrics: usize,
    logs: usize,
}

impl OtherSignals {
    fn add(&mut self, other: &OtherSignals) {
        self.metrics += other.metrics;
        self.logs += other.logs;
    }
}

/// Keys that hold a request's resource spans.
const RESOURCE_SPANS: [&str; 3] = ["resourceSpans", "resource_spans", "batches"];
/// Keys that hold a resource's scope spans.
const SCOPE_SPANS: [&str; 4] = [
    "scopeSpans",
    "scope_spans",
    "instrumentationLibrarySpans",
    "instrumentation_library_spans",
];
/// Keys that hold a scope.
const SCOPE: [&str; 3] = ["scope", "instrumentationLibrary", "instrumentation_library"];
/// How deep `result` and `pbreq` wrappers may nest.
const MAX_WRAPPING: usize = 8;

/// Imports a whole OTLP/JSON document: one export request, an array of them, or a wrapper.
/// The text is walked once: each span is parsed straight from its bytes.
pub(crate) fn import_document(ctx: &mut Context) -> Result<(), ImportError> {
    import_whole(ctx, RequestWalker::default())
}

/// A walk through one OTLP/JSON document, which may arrive in parts.
pub(crate) fn document() -> DocumentWalk<RequestWalker> {
    DocumentWalk::new(RequestWalker::default())
}

/// Imports OTLP/JSON Lines: each line is one export request.
pub(crate) fn import_lines(ctx: &mut Context) -> Result<(), ImportError> {
    let mut lines = LinesWalk::default();
    for (n, line) in ctx.text.split('\n').enumerate() {
        lines.line(ctx, line, n + 1);
    }
    lines.finish(ctx);
    Ok(())
}

/// The walk through OTLP/JSON Lines, one whole line at a time.
#[derive(Serialize, Deserialize)]
pub(crate) struct LinesWalk {
    walk: DocumentWalk<RequestWalker>,
}

impl Default for LinesWalk {
    fn default() -> Self {
        LinesWalk { walk: document() }
    }
}

impl LinesWalk {
    /// Imports line `number` (from 1). A line that is not an export request is reported and
    /// skipped whole.
    pub fn line(&mut self, ctx: &mut Context, line: &str, number: usize) {
        if line.trim().is_empty() {
            return;
        }
        let mark = ctx.builder.mark();
        let mut cur = Cursor::on_line(line, number);
        self.walk.restart();
        let walked = self
            .walk
            .part(ctx, &mut cur)
            .and_then(|_| expect_end(&mut cur));
        if let Err(err) = walked {
            ctx.builder.rollback(&mark);
            ctx.diags
                .report(Some(ctx.source), DiagnosticKind::SkippedLine, || {
                    format!("line {number} skipped: {err}")
                });
        }
    }

    /// Reports what was skipped.
    pub fn finish(self, ctx: &mut Context) {
        report_other_signals(ctx, &self.walk.walker().other, "lines");
    }

    /// Adds what the walk of the lines before (`earlier`) skipped.
    pub fn take_counts(&mut self, earlier: LinesWalk) {
        self.walk
            .parts_mut()
            .0
            .other
            .add(&earlier.walk.walker().other);
    }
}

/// The resource row a part of a document read on its own gives the resource it began in.
const UNKNOWN_ROW: ResourceRow = (UNKNOWN_RESOURCE, UNKNOWN_SERVICE);

/// A walk that begins between two spans of a request's resource's scope, as a part of a
/// document read on its own does: the resource and scope are not known (see [`inherited`]).
pub(crate) fn within_spans() -> DocumentWalk<RequestWalker> {
    let go = Walk::going();
    DocumentWalk::within(
        RequestWalker::default(),
        vec![
            Frame::Request(go, 0),
            Frame::ResourceSpansList(go),
            Frame::ResourceSpans(go, Some(UNKNOWN_ROW)),
            Frame::ScopeSpansList(go, UNKNOWN_ROW),
            Frame::ScopeSpans(go, UNKNOWN_ROW, Some(UNKNOWN_SCOPE)),
            Frame::Spans(go, UNKNOWN_ROW, UNKNOWN_SCOPE),
        ],
    )
}

/// If `walk` stands where [`within_spans`] begins (past a span of a request's resource's
/// scope), the resource and scope a part beginning there belongs to.
pub(crate) fn inherited(walk: &DocumentWalk<RequestWalker>) -> Option<Inherited> {
    use Frame::*;
    match walk.stack() {
        [
            Request(_, 0),
            ResourceSpansList(_),
            ResourceSpans(_, Some(_)),
            ScopeSpansList(..),
            ScopeSpans(_, _, Some(_)),
            Spans(w, (resource, service), scope),
        ] if w.is_going() => Some(Inherited {
            resource: *resource,
            service: *service,
            scope: *scope,
        }),
        _ => None,
    }
}

/// Makes `part`, the walk of a part read on its own and joined by `map`, the walk of the
/// file: its containers get the joined ids, and it counts what `earlier` skipped too.
pub(crate) fn adopt(
    part: &mut DocumentWalk<RequestWalker>,
    earlier: DocumentWalk<RequestWalker>,
    map: &Remap,
) {
    part.parts_mut().0.other.add(&earlier.walker().other);
    renumber(part, &mut &*map);
}

/// Gives the resources and scopes `walk` stands in the ids `ids` gives them.
pub(crate) fn renumber(walk: &mut DocumentWalk<RequestWalker>, ids: &mut impl Renumber) {
    fn row(ids: &mut impl Renumber, (resource, service): ResourceRow) -> ResourceRow {
        (ids.resource(resource), ids.str(service))
    }
    for frame in walk.parts_mut().1 {
        use Frame::*;
        *frame = match *frame {
            ResourceSpans(w, r) => ResourceSpans(w, r.map(|r| row(ids, r))),
            ScopeSpansList(w, r) => ScopeSpansList(w, row(ids, r)),
            ScopeSpans(w, r, s) => ScopeSpans(w, row(ids, r), s.map(|s| ids.str(s))),
            Spans(w, r, s) => Spans(w, row(ids, r), ids.str(s)),
            other => other,
        };
    }
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

/// Number of elements of a JSON array (0 for anything else).
fn count_items(raw: &str) -> usize {
    serde_json::from_str::<Vec<serde::de::IgnoredAny>>(raw).map_or(0, |v| v.len())
}

/// A resource as imported: its row and its `service.name`.
type ResourceRow = (u32, StrId);

/// Where the walk through a request stands in one container.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) enum Frame {
    /// At the document's value: one request or an array of them.
    Document,
    /// In the array of requests.
    Requests(Walk),
    /// In a request, `depth` wrappers (`result`, `pbreq`) deep.
    Request(Walk, u8),
    /// In a request's array of resource spans.
    ResourceSpansList(Walk),
    /// In one resource's spans; its resource once imported.
    ResourceSpans(Walk, Option<ResourceRow>),
    /// In a resource's array of scope spans.
    ScopeSpansList(Walk, ResourceRow),
    /// In one scope's spans; its scope name once read.
    ScopeSpans(Walk, ResourceRow, Option<StrId>),
    /// In an array of spans.
    Spans(Walk, ResourceRow, StrId),
    /// In an array of captured requests (`trace_requests`).
    Captured(Walk, u8),
    /// In one captured request (`{"pbreq": …}`).
    CapturedRequest(Walk, u8),
}

/// Walks export requests, span by span.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct RequestWalker {
    other: OtherSignals,
}

impl Walker for RequestWalker {
    type Frame = Frame;
    const START: Frame = Frame::Document;

    /// Reports what was skipped.
    fn finish(self, ctx: &mut Context) {
        report_other_signals(ctx, &self.other, "requests");
    }

    fn step<'t>(
        &mut self,
        ctx: &mut Context,
        cur: &mut Cursor<'t>,
        frame: Frame,
    ) -> Result<Next<Frame>, Stop> {
        use Frame::*;
        Ok(match frame {
            Document if cur.peek() == Some(b'[') => Next::Stay(Requests(cur.array()?)),
            Document => Next::Stay(Request(cur.object()?, 0)),
            Requests(mut w) => match cur.item(&mut w)? {
                true => Next::Enter(Requests(w), Request(cur.object()?, 0)),
                false => Next::Leave,
            },
            Request(mut w, depth) => {
                let Some(key) = cur.key(&mut w)? else {
                    return Ok(Next::Leave);
                };
                let wrapped = |cur: &mut Cursor<'t>| {
                    if usize::from(depth) >= MAX_WRAPPING {
                        Err(cur.expected(&format!(
                            "a request within {MAX_WRAPPING} levels of wrapping"
                        )))
                    } else {
                        cur.object()
                    }
                };
                match &*key {
                    _ if cur.null()? => Next::Stay(Request(w, depth)),
                    k if RESOURCE_SPANS.contains(&k) => {
                        Next::Enter(Request(w, depth), ResourceSpansList(cur.array()?))
                    }
                    "result" => Next::Enter(Request(w, depth), Request(wrapped(cur)?, depth + 1)),
                    "trace_requests" => {
                        // Captured export requests (oteltest): `[{"pbreq": {…request…}, …}]`.
                        Next::Enter(Request(w, depth), Captured(cur.array()?, depth))
                    }
                    k => {
                        let raw = cur.skip()?;
                        match k {
                            "metric_requests" => self.other.metrics += count_items(raw),
                            "log_requests" => self.other.logs += count_items(raw),
                            "resourceMetrics" | "resource_metrics" => self.other.metrics += 1,
                            "resourceLogs" | "resource_logs" => self.other.logs += 1,
                            _ => {}
                        }
                        Next::Stay(Request(w, depth))
                    }
                }
            }
            Captured(mut w, depth) => match cur.item(&mut w)? {
                true => Next::Enter(Captured(w, depth), CapturedRequest(cur.object()?, depth)),
                false => Next::Leave,
            },
            CapturedRequest(mut w, depth) => match cur.key(&mut w)? {
                None => Next::Leave,
                Some(k) if &*k == "pbreq" && !cur.null()? => {
                    if usize::from(depth) >= MAX_WRAPPING {
                        return Err(cur.expected(&format!(
                            "a request within {MAX_WRAPPING} levels of wrapping"
                        )));
                    }
                    let inner = cur.object()?;
                    Next::Enter(CapturedRequest(w, depth), Request(inner, depth + 1))
                }
                Some(_) => {
                    cur.skip()?;
                    Next::Stay(CapturedRequest(w, depth))
                }
            },
            ResourceSpansList(mut w) => match cur.item(&mut w)? {
                true => Next::Enter(ResourceSpansList(w), ResourceSpans(cur.object()?, None)),
                false => Next::Leave,
            },
            ResourceSpans(mut w, resource) => {
                let Some(key) = cur.key(&mut w)? else {
                    if resource.is_none() {
                        push_resource(ctx, None);
                    }
                    return Ok(Next::Leave);
                };
                match &*key {
                    "resource" if resource.is_none() => {
                        let r: Option<Resource> = cur.value()?;
                        Next::Stay(ResourceSpans(w, Some(push_resource(ctx, r))))
                    }
                    k if SCOPE_SPANS.contains(&k) => {
                        // The resource is read first, even where the file writes it after.
                        let ahead = match resource {
                            Some(_) => None,
                            None => cur.member_ahead::<Option<Resource>>(w, &["resource"])?,
                        };
                        if cur.null()? {
                            return Ok(Next::Stay(ResourceSpans(w, resource)));
                        }
                        let list = cur.array()?;
                        let row = match resource {
                            Some(row) => row,
                            None => push_resource(ctx, ahead.flatten()),
                        };
                        Next::Enter(ResourceSpans(w, Some(row)), ScopeSpansList(list, row))
                    }
                    _ => {
                        cur.skip()?;
                        Next::Stay(ResourceSpans(w, resource))
                    }
                }
            }
            ScopeSpansList(mut w, row) => match cur.item(&mut w)? {
                true => Next::Enter(ScopeSpansList(w, row), ScopeSpans(cur.object()?, row, None)),
                false => Next::Leave,
            },
            ScopeSpans(mut w, row, scope) => {
                let Some(key) = cur.key(&mut w)? else {
                    return Ok(Next::Leave);
                };
                let intern = |ctx: &mut Context, s: Option<Scope>| {
                    s.and_then(|s| s.name)
                        .map_or(StrId::EMPTY, |n| ctx.builder.intern(&n))
                };
                match &*key {
                    k if SCOPE.contains(&k) && scope.is_none() => {
                        let s: Option<Scope> = cur.value()?;
                        Next::Stay(ScopeSpans(w, row, Some(intern(ctx, s))))
                    }
                    "spans" => {
                        let ahead = match scope {
                            Some(_) => None,
                            None => cur.member_ahead::<Option<Scope>>(w, &SCOPE)?,
                        };
                        if cur.null()? {
                            return Ok(Next::Stay(ScopeSpans(w, row, scope)));
                        }
                        let list = cur.array()?;
                        let id = match scope {
                            Some(id) => id,
                            None => intern(ctx, ahead.flatten()),
                        };
                        Next::Enter(ScopeSpans(w, row, Some(id)), Spans(list, row, id))
                    }
                    _ => {
                        cur.skip()?;
                        Next::Stay(ScopeSpans(w, row, scope))
                    }
                }
            }
            Spans(mut w, (resource, service), scope) => {
                if !cur.item(&mut w)? {
                    return Ok(Next::Leave);
                }
                match cur.record::<Span>()? {
                    (Ok(span), raw) => import_span(ctx, span, raw, resource, service, scope),
                    (Err(bad), _) => ctx.report_bad_span(cur, &bad),
                }
                Next::Stay(Spans(w, (resource, service), scope))
            }
        })
    }
}

/// Appends a resource's attributes; its row and its `service.name`.
fn push_resource(ctx: &mut Context, resource: Option<Resource>) -> (u32, StrId) {
    let attrs_start = ctx.builder.attr_len();
    let mut service = StrId::EMPTY;
    for kv in resource.and_then(|r| r.attributes).unwrap_or_default() {
        let (key, value) = push_attr(ctx, &kv, None);
        if let ("service.name", AttrValue::Str(s)) = (key, value) {
            service = s;
        }
    }
    let row = ctx.builder.push_resource(Rows {
        start: attrs_start,
        end: ctx.builder.attr_len(),
    });
    (row, service)
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

fn import_span(
    ctx: &mut Context,
    span: Span,
    raw: &str,
    resource: u32,
    service: StrId,
    scope: StrId,
) {
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
