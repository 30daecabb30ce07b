//! Langfuse trace downloads: `{"trace": …, "observations": […]}` (the UI's download),
//! `{"observations": […], "scores": […]}` (the server's), and the log view's array of
//! observations with a `depth` and no parent ids. Each observation is a span, its parent given
//! by `parentObservationId` (or by depth); the observation `type` is the span's kind.
//!
//! Tokens: Langfuse's `usageDetails` holds disjoint classes that add up to `total` (`input` does
//! not include `input_cache_read`), so the input total is the sum of the input-side classes and
//! the output total the sum of the output-side ones. The recorded cost is `costDetails.total`.

use super::Context;
use super::cursor::{each_element, each_member};
use crate::import::builder::SpanDraft;
use crate::import::detect::describe_text;
use crate::import::error::ImportError;
use crate::import::llm::{LlmProbe, kind_from_langfuse, langfuse_usage};
use crate::model::clock::parse_rfc3339;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::scores::{Score, ScoreValue, TraceFacts};
use crate::model::set::NO_SPAN;
use crate::model::strings::StrId;
use crate::model::usage::Usage;
use crate::model::{SpanKind, StatusCode};
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
    #[serde(borrow, default, rename = "completionStartTime")]
    completion_start: Option<Text<'a>>,
    /// Depth in the log view, which gives no parent ids.
    #[serde(default)]
    depth: Option<usize>,
}

#[derive(Deserialize)]
struct TraceInfo<'a> {
    #[serde(borrow, default)]
    id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "sessionId")]
    session: Option<Text<'a>>,
    #[serde(borrow, default, rename = "userId")]
    user: Option<Text<'a>>,
    #[serde(borrow, default)]
    tags: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    scores: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct LangfuseScore<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(borrow, default, rename = "stringValue")]
    string_value: Option<Text<'a>>,
    #[serde(borrow, default, rename = "dataType")]
    data_type: Option<Text<'a>>,
    #[serde(borrow, default)]
    comment: Option<Text<'a>>,
    #[serde(borrow, default)]
    source: Option<Text<'a>>,
    #[serde(borrow, default, rename = "traceId")]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "observationId")]
    observation_id: Option<Text<'a>>,
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

/// Whether an array's first element is a log-view observation (`depth`, no parent ids).
pub(crate) fn is_log_view_entry(members: &[(Text<'_>, &RawValue)]) -> bool {
    let has = |key: &str| members.iter().any(|(k, _)| &**k == key);
    has("depth") && has("type") && has("startTime") && has("id")
}

/// Imports a Langfuse download: an object with the trace and its observations (in any order,
/// each observation parsed once), or the log view's array.
pub(crate) fn import_text(ctx: &mut Context) -> Result<(), ImportError> {
    if ctx.text.trim_start().starts_with('[') {
        return import_log_view(ctx);
    }
    let mut info: Option<TraceInfo> = None;
    let mut scores: Vec<&RawValue> = Vec::new();
    let mut observations = None;
    each_member(ctx, |ctx, key, cur| {
        match key {
            "trace" => info = cur.value()?,
            "scores" => scores = cur.record::<Vec<&RawValue>>()?.0.unwrap_or_default(),
            "observations" => observations = Some(ctx.records::<Observation>(cur)?),
            _ => {
                cur.skip()?;
            }
        }
        Ok(())
    })?;
    let Some(observations) = observations else {
        return Err(ImportError::UnknownFormat {
            found: format!(
                "{}, with no \"observations\" (a Langfuse download has them)",
                describe_text(ctx.text)
            ),
        });
    };
    let trace_id = info
        .as_ref()
        .and_then(|i| i.id.as_deref())
        .and_then(|id| TraceId::parse_or_derive(id).0);
    if let Some(info) = info {
        scores.extend(info.scores.iter().flatten());
        let text =
            |t: &Option<Text>, ctx: &mut Context| ctx.builder.intern(t.as_deref().unwrap_or(""));
        let facts = TraceFacts {
            trace_id,
            file: ctx.source,
            session: text(&info.session, ctx),
            user: text(&info.user, ctx),
            tags: info
                .tags
                .iter()
                .flatten()
                .map(|t| ctx.builder.intern(t))
                .collect(),
            recorded: None,
        };
        ctx.builder.push_trace_facts(facts);
    }
    for raw in scores {
        import_score(ctx, raw, trace_id);
    }
    for (obs, raw) in observations {
        let parent = obs
            .parent
            .as_deref()
            .and_then(|p| SpanId::parse_or_derive(p).0);
        import_observation(ctx, raw, obs, trace_id, parent);
    }
    Ok(())
}

/// A score on the trace or one of its observations.
fn import_score(ctx: &mut Context, raw: &RawValue, file_trace: Option<TraceId>) {
    let Ok(score) = serde_json::from_str::<LangfuseScore>(raw.get()) else {
        return;
    };
    let Some(trace_id) = score
        .trace_id
        .as_deref()
        .and_then(|t| TraceId::parse_or_derive(t).0)
        .or(file_trace)
    else {
        return;
    };
    let numeric = score
        .data_type
        .as_deref()
        .is_none_or(|t| t.eq_ignore_ascii_case("NUMERIC"));
    let value = match (score.value, score.string_value.as_deref()) {
        (Some(v), _) if numeric => ScoreValue::Number(v),
        (_, Some(label)) => ScoreValue::Label(ctx.builder.intern(label)),
        (Some(v), None) => ScoreValue::Number(v),
        (None, None) => return,
    };
    let mut intern = |t: Option<Text>| ctx.builder.intern(t.as_deref().unwrap_or(""));
    let s = Score {
        trace_id,
        span_id: score
            .observation_id
            .as_deref()
            .and_then(|o| SpanId::parse_or_derive(o).0),
        name: intern(score.name),
        value,
        comment: intern(score.comment),
        source: intern(score.source),
        file: ctx.source,
        trace: NO_SPAN,
        span: NO_SPAN,
    };
    ctx.builder.push_score(s);
}

/// The log view: observations in tree order with their depth; each one's parent is the last
/// observation before it one level up.
fn import_log_view(ctx: &mut Context) -> Result<(), ImportError> {
    let trace_id = TraceId::parse_or_derive(&format!("langfuse-log-view:{}", ctx.source)).0;
    let mut path: Vec<Option<SpanId>> = Vec::new();
    each_element(ctx, |ctx, cur| {
        let Some((obs, raw)) = ctx.record::<Observation>(cur)? else {
            return Ok(());
        };
        let depth = obs.depth.unwrap_or(0).min(path.len());
        path.truncate(depth);
        let parent = depth
            .checked_sub(1)
            .and_then(|d| path.get(d).copied().flatten());
        let id = obs.id.as_deref().and_then(|i| SpanId::parse_or_derive(i).0);
        import_observation(ctx, raw, obs, trace_id, parent);
        path.push(id);
        Ok(())
    })
}

fn import_observation(
    ctx: &mut Context,
    raw: &str,
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
    let kind = obs
        .kind
        .as_deref()
        .map_or(SpanKind::Other, kind_from_langfuse);

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
        facts.usage = Usage {
            cost_usd: cost,
            ..langfuse_usage(details.iter().map(|(k, v)| (&**k, *v)))
        };
    } else if cost.is_some() {
        facts.usage.cost_usd = cost;
    }

    facts.first_token_at = obs.completion_start.as_deref().and_then(parse_rfc3339);
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
