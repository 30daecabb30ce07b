//! MLflow `Trace.to_json()`: `{"info": …, "data": {"spans": […]}}`, or a list of such traces.
//! All three span-dict versions: v2 (`context`, `0x` ids, `start_time` in ns), v3 (proto-JSON:
//! base64 ids, `start_time_unix_nano`, `status.code` names) and v4 (plain hex ids).
//! Attribute values are JSON written into strings (`"mlflow.spanType": "\"LLM\""`) and are
//! decoded once more. The kind comes from `mlflow.spanType`; tokens from
//! `mlflow.chat.tokenUsage`; the model from `mlflow.llm.model`; the cost from `mlflow.llm.cost`.

use super::Context;
use super::anyvalue::NanosField;
use super::cursor::{Cursor, Stop, each_element};
use super::span_json::SpanContext;
use crate::import::builder::SpanDraft;
use crate::import::detect::describe_text;
use crate::import::error::ImportError;
use crate::import::llm::{LlmProbe, mlflow_token_usage};
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::json::object_members;
use crate::model::scores::{Score, ScoreValue, TraceFacts};
use crate::model::set::NO_SPAN;
use crate::model::{AttrValue, Rows, StatusCode};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Span<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    context: Option<SpanContext<'a>>,
    #[serde(borrow, default)]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    span_id: Option<Text<'a>>,
    #[serde(borrow, default, alias = "parent_span_id")]
    parent_id: Option<Text<'a>>,
    #[serde(default, alias = "start_time_unix_nano")]
    start_time: Option<NanosField>,
    #[serde(default, alias = "end_time_unix_nano")]
    end_time: Option<NanosField>,
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
}

#[derive(Deserialize)]
struct Status<'a> {
    #[serde(borrow, default)]
    code: Option<Text<'a>>,
    #[serde(borrow, default)]
    message: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(default, alias = "time_unix_nano")]
    timestamp: Option<NanosField>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Info<'a> {
    #[serde(borrow, default, alias = "request_metadata")]
    trace_metadata: Option<BTreeMap<Text<'a>, Option<Text<'a>>>>,
    #[serde(borrow, default)]
    tags: Option<BTreeMap<Text<'a>, Option<Text<'a>>>>,
    #[serde(borrow, default)]
    assessments: Option<Vec<&'a RawValue>>,
}

/// An MLflow 3 assessment: feedback (a judge's or a person's) or an expectation.
#[derive(Deserialize)]
struct Assessment<'a> {
    #[serde(borrow, default, alias = "name")]
    assessment_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    span_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    source: Option<AssessmentSource<'a>>,
    #[serde(borrow, default)]
    feedback: Option<AssessmentValue<'a>>,
    #[serde(borrow, default)]
    expectation: Option<AssessmentValue<'a>>,
    #[serde(borrow, default)]
    rationale: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct AssessmentSource<'a> {
    #[serde(borrow, default)]
    source_type: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct AssessmentValue<'a> {
    #[serde(borrow, default)]
    value: Option<&'a RawValue>,
}

/// Whether an object is one MLflow trace.
pub(crate) fn is_trace(members: &[(Text<'_>, &RawValue)]) -> bool {
    let has = |key: &str| members.iter().any(|(k, _)| &**k == key);
    has("info") && has("data")
}

/// Imports an MLflow trace or a list of them, each span parsed once.
pub(crate) fn import_text(ctx: &mut Context) -> Result<(), ImportError> {
    let mut traces = 0usize;
    each_element(ctx, |ctx, cur| {
        if import_trace(ctx, cur)? {
            traces += 1;
        }
        Ok(())
    })?;
    if traces == 0 {
        return Err(ImportError::UnknownFormat {
            found: format!(
                "{}, with no MLflow trace (`info` and `data`)",
                describe_text(ctx.text)
            ),
        });
    }
    Ok(())
}

/// Imports the trace at the cursor, its `info` and `data` in either order; whether it has data.
fn import_trace<'t>(ctx: &mut Context<'_, 't>, cur: &mut Cursor<'t>) -> Result<bool, Stop> {
    let mut info: Option<Info> = None;
    let mut spans = None;
    cur.members(|key, cur| {
        match key {
            "info" => info = cur.record::<Info>()?.0.ok(),
            "data" => {
                let mut list = Vec::new();
                cur.members(|key, cur| {
                    match key {
                        "spans" => list = ctx.records::<Span>(cur)?,
                        _ => {
                            cur.skip()?;
                        }
                    }
                    Ok(())
                })?;
                spans = Some(list);
            }
            _ => {
                cur.skip()?;
            }
        }
        Ok(())
    })?;
    let Some(spans) = spans else {
        return Ok(false);
    };
    let mut trace_id = None;
    for (span, raw) in spans {
        trace_id = trace_id.or(import_span(ctx, raw, span));
    }
    import_info(ctx, info.unwrap_or_default(), trace_id);
    Ok(true)
}

/// The trace info: session, user and token totals from its metadata, and its assessments.
fn import_info(ctx: &mut Context, info: Info, trace_id: Option<TraceId>) {
    let Some(trace_id) = trace_id else { return };
    let meta = |key: &str| {
        info.trace_metadata
            .iter()
            .chain(info.tags.iter())
            .find_map(|m| m.get(key).and_then(|v| v.as_deref()))
    };
    let recorded = meta("mlflow.trace.tokenUsage").and_then(mlflow_token_usage);
    let (session, user) = (
        meta("mlflow.trace.session").unwrap_or(""),
        meta("mlflow.trace.user").unwrap_or(""),
    );
    let facts = TraceFacts {
        trace_id: Some(trace_id),
        file: ctx.source,
        session: ctx.builder.intern(session),
        user: ctx.builder.intern(user),
        tags: Vec::new(),
        recorded,
    };
    ctx.builder.push_trace_facts(facts);
    for raw in info.assessments.iter().flatten() {
        let Ok(a) = serde_json::from_str::<Assessment>(raw.get()) else {
            continue;
        };
        let Some(value) = a
            .feedback
            .or(a.expectation)
            .and_then(|f| f.value)
            .map(|v| score_value(ctx, v))
        else {
            continue;
        };
        let mut intern = |t: Option<&str>| ctx.builder.intern(t.unwrap_or(""));
        let score = Score {
            trace_id,
            span_id: a
                .span_id
                .as_deref()
                .and_then(|s| SpanId::parse_or_derive(s).0),
            name: intern(a.assessment_name.as_deref()),
            value,
            comment: intern(a.rationale.as_deref()),
            source: intern(a.source.as_ref().and_then(|s| s.source_type.as_deref())),
            file: ctx.source,
            trace: NO_SPAN,
            span: NO_SPAN,
        };
        ctx.builder.push_score(score);
    }
}

/// A number (booleans as 1 and 0) or a label.
fn score_value(ctx: &mut Context, raw: &RawValue) -> ScoreValue {
    match ctx.plain_value(raw) {
        AttrValue::Int(i) => ScoreValue::Number(i as f64),
        AttrValue::Float(f) => ScoreValue::Number(f),
        AttrValue::Bool(b) => ScoreValue::Number(if b { 1.0 } else { 0.0 }),
        AttrValue::Str(s) | AttrValue::Json(s) | AttrValue::Bytes(s) => ScoreValue::Label(s),
        AttrValue::Empty => ScoreValue::Label(crate::model::strings::StrId::EMPTY),
    }
}

/// Decodes a value that MLflow wrote as JSON inside a string. The `mlflow.*` attributes are
/// left as written: the builder decodes those wherever they come from.
fn decoded<'a>(key: &str, raw: &'a RawValue) -> Option<Box<RawValue>> {
    if key.starts_with("mlflow.") {
        return None;
    }
    let inner: Text<'a> = serde_json::from_str(raw.get()).ok()?;
    serde_json::from_str::<Box<RawValue>>(&inner).ok()
}

/// Imports one span; returns its trace id.
fn import_span(ctx: &mut Context, raw: &str, span: Span) -> Option<TraceId> {
    let name = span.name.as_deref().unwrap_or("");
    let (trace_text, span_text) = match &span.context {
        Some(c) => (c.trace_id.as_deref(), c.span_id.as_deref()),
        None => (span.trace_id.as_deref(), span.span_id.as_deref()),
    };
    let (Some(trace_text), Some(span_text)) = (trace_text, span_text) else {
        ctx.skip_span(raw, name, "it has no trace_id or span_id");
        return None;
    };
    let (trace_id, _) = TraceId::parse_or_derive(trace_text);
    let (span_id, id_text) = ctx.span_id(span_text);
    let parent_id = span
        .parent_id
        .as_deref()
        .and_then(|p| SpanId::parse_or_derive(p).0);

    // Attributes: each value decoded from the JSON in its string; the probe reads the kind
    // (`mlflow.spanType`), model, token usage and cost from them.
    let mut probe = LlmProbe::default();
    let attrs_start = ctx.builder.attr_len();
    for (key, value) in span
        .attributes
        .and_then(|a| object_members(a.get()).ok())
        .unwrap_or_default()
    {
        let inner = decoded(&key, value);
        let v = ctx.plain_value(inner.as_deref().unwrap_or(value));
        let k = ctx.builder.intern(&key);
        ctx.builder.push_attr(k, v, Some(&mut probe));
    }
    let attrs = Rows {
        start: attrs_start,
        end: ctx.builder.attr_len(),
    };
    let facts = probe.finish();

    let events = ctx.push_plain_events(
        span.events.iter().flatten().map(|ev| {
            let name = ev.name.as_deref().unwrap_or("");
            (ev.timestamp.map(|t| t.0), name, ev.attributes)
        }),
        None,
    );
    let (code, message) = match &span.status {
        Some(s) => (s.code.as_deref(), s.message.as_deref()),
        None => (span.status_code.as_deref(), span.status_message.as_deref()),
    };
    let status = code.and_then(StatusCode::from_name).unwrap_or_default();
    let status_message = ctx.builder.intern(message.unwrap_or(""));
    let name = ctx.builder.intern(name);
    let draft = SpanDraft {
        trace_id,
        span_id,
        id_text,
        parent_id,
        name,
        status,
        status_message,
        start: span.start_time.map(|t| t.0),
        end: span.end_time.map(|t| t.0),
        attrs,
        events,
        raw: ctx.raw_ref(raw),
        facts,
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
    trace_id
}
