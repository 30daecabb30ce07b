//! Langfuse trace downloads: `{"trace": …, "observations": […]}` (the UI's download),
//! `{"observations": […], "scores": […]}` (the server's), and the log view's array of
//! observations with a `depth` and no parent ids. Each observation is a span, its parent given
//! by `parentObservationId` (or by depth); the observation `type` is the span's kind.
//!
//! Tokens: Langfuse's `usageDetails` holds disjoint classes that add up to `total` (`input` does
//! not include `input_cache_read`), so the input total is the sum of the input-side classes and
//! the output total the sum of the output-side ones. The recorded cost is `costDetails.total`.

use super::Context;
use crate::builder::SpanDraft;
use crate::error::{ImportError, json_error_at};
use crate::format::{Document, offset_in};
use crate::ids::{SpanId, TraceId};
use crate::llm::{LlmProbe, Usage};
use crate::model::{SpanKind, StatusCode};
use crate::strings::StrId;
use crate::text::Text;
use crate::timefmt::parse_rfc3339;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Observation<'a> {
    #[serde(borrow, default)]
    id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "traceId")]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "parentObservationId")]
    parent: Option<Text<'a>>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default, rename = "type")]
    kind: Option<Text<'a>>,
    #[serde(borrow, default, rename = "startTime")]
    start: Option<Text<'a>>,
    #[serde(borrow, default, rename = "endTime")]
    end: Option<Text<'a>>,
    #[serde(borrow, default)]
    level: Option<Text<'a>>,
    #[serde(borrow, default, rename = "statusMessage")]
    status_message: Option<Text<'a>>,
    #[serde(borrow, default)]
    model: Option<Text<'a>>,
    #[serde(borrow, default, rename = "usageDetails")]
    usage: Option<BTreeMap<Text<'a>, Option<f64>>>,
    #[serde(borrow, default, rename = "costDetails")]
    cost: Option<BTreeMap<Text<'a>, Option<f64>>>,
    /// Depth in the log view, which gives no parent ids.
    #[serde(default)]
    depth: Option<usize>,
}

#[derive(Deserialize)]
struct TraceInfo<'a> {
    #[serde(borrow, default)]
    id: Option<Text<'a>>,
}

/// Keys already shown as the span's own fields, not repeated as attributes.
const SHOWN: [&str; 9] = [
    "id",
    "traceId",
    "parentObservationId",
    "name",
    "type",
    "startTime",
    "endTime",
    "level",
    "statusMessage",
];

/// The kind named by an observation type.
fn kind_of(ty: &str) -> SpanKind {
    match ty.to_ascii_uppercase().as_str() {
        "GENERATION" => SpanKind::Llm,
        "EMBEDDING" => SpanKind::Embedding,
        "RETRIEVER" => SpanKind::Retriever,
        "TOOL" => SpanKind::Tool,
        "AGENT" => SpanKind::Agent,
        "CHAIN" => SpanKind::Chain,
        "GUARDRAIL" => SpanKind::Guardrail,
        "EVALUATOR" => SpanKind::Evaluator,
        _ => SpanKind::Other,
    }
}

/// Which side of the call a usage class counts on.
fn is_input_class(key: &str) -> Option<bool> {
    let k = key.to_ascii_lowercase();
    if k == "total" {
        None
    } else if k.starts_with("input") || k.starts_with("prompt") || k.contains("cache") {
        Some(true)
    } else if k.starts_with("output") || k.starts_with("completion") || k.contains("reasoning") {
        Some(false)
    } else {
        None
    }
}

/// Token usage from Langfuse's disjoint usage classes.
fn usage_of(details: &BTreeMap<Text, Option<f64>>, cost: Option<f64>) -> Usage {
    let (mut input, mut output) = (None::<u64>, None::<u64>);
    let (mut cache_read, mut cache_write, mut reasoning) = (None::<u64>, None::<u64>, None::<u64>);
    let add = |slot: &mut Option<u64>, n: u64| *slot = Some(slot.unwrap_or(0) + n);
    for (k, v) in details {
        let Some(v) = v.filter(|v| v.is_finite() && *v >= 0.0) else {
            continue;
        };
        let n = v as u64;
        match is_input_class(k) {
            Some(true) => add(&mut input, n),
            Some(false) => add(&mut output, n),
            None => {}
        }
        if k.contains("cache_read") || k.contains("cached") {
            add(&mut cache_read, n);
        } else if k.contains("cache_creation") || k.contains("cache_write") {
            add(&mut cache_write, n);
        } else if k.contains("reasoning") {
            add(&mut reasoning, n);
        }
    }
    Usage {
        input,
        output,
        cache_read,
        cache_write,
        reasoning,
        cost_usd: cost,
    }
}

/// Whether an array's first element is a log-view observation (`depth`, no parent ids).
pub(crate) fn is_log_view_entry(members: &[(Text<'_>, &RawValue)]) -> bool {
    let has = |key: &str| members.iter().any(|(k, _)| &**k == key);
    has("depth") && has("type") && has("startTime") && has("id")
}

/// Imports a Langfuse download.
pub(crate) fn import_document(ctx: &mut Context, doc: Document) -> Result<(), ImportError> {
    let members = match doc {
        Document::Object(members) => members,
        Document::Array(items) => {
            import_log_view(ctx, &items);
            return Ok(());
        }
    };
    let field = |key: &str| members.iter().find(|(k, _)| &**k == key).map(|(_, v)| *v);
    let trace_id = match field("trace") {
        Some(raw) => serde_json::from_str::<TraceInfo>(raw.get())
            .map_err(|e| json_error_at(ctx.text, offset_in(ctx.text, raw.get()), &e))?
            .id
            .and_then(|id| TraceId::parse_or_derive(&id).0),
        None => None,
    };
    let observations: Vec<&RawValue> = match field("observations") {
        Some(raw) => serde_json::from_str(raw.get())
            .map_err(|e| json_error_at(ctx.text, offset_in(ctx.text, raw.get()), &e))?,
        None => Vec::new(),
    };
    for raw in observations {
        if let Some(obs) = ctx.parse_span::<Observation>(raw) {
            let parent = obs
                .parent
                .as_deref()
                .and_then(|p| SpanId::parse_or_derive(p).0);
            import_observation(ctx, raw, obs, trace_id, parent);
        }
    }
    Ok(())
}

/// The log view: observations in tree order with their depth; each one's parent is the last
/// observation before it one level up.
fn import_log_view(ctx: &mut Context, items: &[&RawValue]) {
    let trace_id = TraceId::parse_or_derive(&format!("langfuse-log-view:{}", ctx.source)).0;
    let mut path: Vec<Option<SpanId>> = Vec::new();
    for raw in items {
        let Some(obs) = ctx.parse_span::<Observation>(raw) else {
            continue;
        };
        let depth = obs.depth.unwrap_or(0).min(path.len());
        path.truncate(depth);
        let parent = depth
            .checked_sub(1)
            .and_then(|d| path.get(d).copied().flatten());
        let id = obs.id.as_deref().and_then(|i| SpanId::parse_or_derive(i).0);
        import_observation(ctx, raw, obs, trace_id, parent);
        path.push(id);
    }
}

fn import_observation(
    ctx: &mut Context,
    raw: &RawValue,
    obs: Observation,
    file_trace: Option<TraceId>,
    parent_id: Option<SpanId>,
) {
    let name = obs.name.as_deref().unwrap_or("");
    let Some(id_text) = obs.id.as_deref() else {
        ctx.skip_span(raw, name, "it has no id");
        return;
    };
    let trace_id = obs
        .trace_id
        .as_deref()
        .and_then(|t| TraceId::parse_or_derive(t).0)
        .or(file_trace);
    let (span_id, id_text) = ctx.span_id(id_text);
    let kind = obs.kind.as_deref().map_or(SpanKind::Other, kind_of);

    let mut probe = LlmProbe::default();
    probe.set_native_kind(Some(kind));
    let attrs = ctx.push_plain_members(Some(raw), &SHOWN, Some(&mut probe));
    let mut facts = probe.finish();
    if let Some(model) = obs.model.as_deref() {
        facts.model = ctx.builder.intern(model);
    }
    let cost = obs.cost.as_ref().and_then(|c| {
        c.iter()
            .find(|(k, _)| &***k == "total")
            .and_then(|(_, v)| *v)
    });
    if let Some(details) = obs.usage.as_ref().filter(|u| !u.is_empty()) {
        facts.usage = usage_of(details, cost);
    } else if cost.is_some() {
        facts.usage.cost_usd = cost;
    }

    let (status, status_message) = match obs.level.as_deref() {
        Some(level) if level.eq_ignore_ascii_case("ERROR") => (
            StatusCode::Error,
            ctx.builder
                .intern(obs.status_message.as_deref().unwrap_or("")),
        ),
        _ => (StatusCode::Unset, StrId::EMPTY),
    };
    let start = obs.start.as_deref().and_then(parse_rfc3339);
    let end = obs.end.as_deref().and_then(parse_rfc3339).or(start);
    let name = ctx.builder.intern(name);
    let draft = SpanDraft {
        trace_id,
        span_id,
        id_text,
        parent_id,
        name,
        status,
        status_message,
        start,
        end,
        attrs,
        raw: ctx.raw_ref(raw),
        facts,
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
}
