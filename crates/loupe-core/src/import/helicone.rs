//! Helicone request exports (`@helicone/export`): JSON Lines (its default) or a JSON array, one
//! request per record. Each request is an LLM call. Requests of one session
//! (`Helicone-Session-Id`) make one trace, their tree given by `Helicone-Session-Path`: a
//! request's parent is the first request at the path one level up. Other requests are traces of
//! their own. Times: `request_created_at` plus `delay_ms`; a response status of 400 or more is
//! a failure.

use super::Context;
use super::cursor::{Cursor, Stop, each_element};
use crate::import::builder::SpanDraft;
use crate::import::error::ImportError;
use crate::import::llm::LlmProbe;
use crate::model::clock::parse_rfc3339;
use crate::model::diagnostics::DiagnosticKind;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::scores::{Score, ScoreValue};
use crate::model::set::NO_SPAN;
use crate::model::strings::StrId;
use crate::model::usage::{TokenCounts, Usage};
use crate::model::{OtelKind, SpanKind, StatusCode};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow, default)]
    request_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    request_created_at: Option<Text<'a>>,
    #[serde(default)]
    delay_ms: Option<f64>,
    #[serde(borrow, default)]
    request_model: Option<Text<'a>>,
    #[serde(borrow, default)]
    response_model: Option<Text<'a>>,
    #[serde(borrow, default)]
    model_override: Option<Text<'a>>,
    #[serde(borrow, default)]
    request_path: Option<Text<'a>>,
    #[serde(borrow, default)]
    request_properties: Option<BTreeMap<Text<'a>, Option<Text<'a>>>>,
    #[serde(default)]
    response_status: Option<i64>,
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    prompt_cache_read_tokens: Option<u64>,
    #[serde(default)]
    prompt_cache_write_tokens: Option<u64>,
    #[serde(default)]
    cost: Option<f64>,
    #[serde(default, rename = "costUSD")]
    cost_usd: Option<f64>,
    #[serde(default)]
    total_tokens: Option<u64>,
    /// Milliseconds from the request to the first streamed token.
    #[serde(default)]
    time_to_first_token: Option<f64>,
    #[serde(borrow, default)]
    provider: Option<Text<'a>>,
    #[serde(borrow, default)]
    request_user_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    helicone_user: Option<Text<'a>>,
    /// Scores by name.
    #[serde(borrow, default)]
    scores: Option<BTreeMap<Text<'a>, Option<f64>>>,
    /// The user's thumbs up (true) or down (false).
    #[serde(default)]
    feedback_rating: Option<bool>,
}

/// Keys shown as the span's own fields, not repeated as attributes.
const SHOWN: [&str; 2] = ["request_id", "request_created_at"];

/// Whether an object is a Helicone request record.
pub(crate) fn is_request(members: &[(Text<'_>, &RawValue)]) -> bool {
    let has = |key: &str| members.iter().any(|(k, _)| &**k == key);
    has("request_id") && (has("request_created_at") || has("response_created_at"))
}

/// Imports a JSON array (or a single record), each record parsed once.
pub(crate) fn import_text(ctx: &mut Context) -> Result<(), ImportError> {
    let mut records = Vec::new();
    each_element(ctx, |ctx, cur| {
        records.extend(ctx.record::<Request>(cur)?);
        Ok(())
    })?;
    import_records(ctx, &records);
    Ok(())
}

/// Imports JSON Lines; a line that is not JSON is reported and skipped, as is one that is not
/// a request.
pub(crate) fn import_lines(ctx: &mut Context) -> Result<(), ImportError> {
    let text = ctx.text;
    let mut records = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut cur = Cursor::on_line(line, n + 1);
        match ctx.record::<Request>(&mut cur) {
            Ok(record) => records.extend(record),
            Err(Stop::Bad(err)) => {
                ctx.diags
                    .report(Some(ctx.source), DiagnosticKind::SkippedLine, || {
                        format!("line {} skipped: {err}", n + 1)
                    })
            }
            Err(Stop::More) => {}
        }
    }
    import_records(ctx, &records);
    Ok(())
}

fn property<'r>(r: &'r Request, key: &str) -> Option<&'r str> {
    r.request_properties
        .as_ref()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_deref())
}

fn import_records(ctx: &mut Context, parsed: &[(Request, &str)]) {
    // The first request (by time) at each session path is the parent of that path's children.
    let start = |r: &Request| r.request_created_at.as_deref().and_then(parse_rfc3339);
    let mut first_at_path: HashMap<(String, String), (i64, SpanId)> = HashMap::new();
    for (r, _) in parsed {
        let (Some(session), Some(path), Some(id)) = (
            property(r, "Helicone-Session-Id"),
            property(r, "Helicone-Session-Path"),
            r.request_id.as_deref(),
        ) else {
            continue;
        };
        let key = (session.to_string(), path.trim_end_matches('/').to_string());
        let t = start(r).unwrap_or(i64::MAX);
        let Some(span_id) = SpanId::parse_or_derive(id).0 else {
            continue;
        };
        let slot = first_at_path.entry(key).or_insert((t, span_id));
        if t < slot.0 {
            *slot = (t, span_id);
        }
    }
    for (r, raw) in parsed {
        let Some(id) = r.request_id.as_deref() else {
            ctx.skip_span(raw, "", "it has no request_id");
            continue;
        };
        let (span_id, id_text) = ctx.span_id(id);
        let session = property(r, "Helicone-Session-Id");
        let trace_text = session.map_or_else(
            || format!("helicone:{id}"),
            |s| format!("helicone-session:{s}"),
        );
        let trace_id = TraceId::parse_or_derive(&trace_text).0;
        let parent_id = session
            .zip(property(r, "Helicone-Session-Path"))
            .and_then(|(s, path)| {
                let path = path.trim_end_matches('/');
                let up = &path[..path.rfind('/')?];
                first_at_path
                    .get(&(s.to_string(), up.to_string()))
                    .map(|(_, p)| *p)
            });
        let model = r
            .response_model
            .as_deref()
            .or(r.model_override.as_deref())
            .or(r.request_model.as_deref());
        let name = property(r, "Helicone-Session-Path")
            .map(str::to_string)
            .or_else(|| {
                model.map(|m| format!("{} {m}", r.request_path.as_deref().unwrap_or("request")))
            })
            .unwrap_or_else(|| "request".to_string());
        let mut probe = LlmProbe::default();
        probe.set_native_kind(Some(SpanKind::Llm));
        let attrs = ctx.push_plain_members(Some(raw), &SHOWN, None);
        let mut facts = probe.finish();
        facts.usage = Usage {
            cost_usd: r.cost.or(r.cost_usd),
            first_token: r
                .time_to_first_token
                .filter(|ms| ms.is_finite() && *ms >= 0.0)
                .map(|ms| (ms * 1e6).round() as i64),
            ..TokenCounts {
                input: r.prompt_tokens,
                output: r.completion_tokens,
                cache_read: r.prompt_cache_read_tokens,
                cache_write: r.prompt_cache_write_tokens,
                reasoning: None,
                total: r.total_tokens,
            }
            .by_total()
        };
        let mut intern = |t: Option<&str>| ctx.builder.intern(t.unwrap_or(""));
        facts.provider = intern(r.provider.as_deref());
        facts.user = intern(r.request_user_id.as_deref().or(r.helicone_user.as_deref()));
        facts.session = intern(session);
        push_scores(ctx, r, trace_id, span_id);
        if let Some(m) = model {
            facts.model = ctx.builder.intern(m);
        }
        let failed = r.response_status.is_some_and(|s| s >= 400);
        let (status, status_message) = if failed {
            let msg = format!("HTTP {}", r.response_status.unwrap_or_default());
            (StatusCode::Error, ctx.builder.intern(&msg))
        } else {
            (StatusCode::Unset, StrId::EMPTY)
        };
        let t0 = start(r);
        let end = t0.map(|t| t.saturating_add((r.delay_ms.unwrap_or(0.0) * 1e6).round() as i64));
        let name = ctx.builder.intern(&name);
        let draft = SpanDraft {
            trace_id,
            span_id,
            id_text,
            parent_id,
            name,
            otel_kind: OtelKind::Client,
            status,
            status_message,
            start: t0,
            end,
            attrs,
            raw: ctx.raw_ref(raw),
            facts,
            ..SpanDraft::default()
        };
        // Every request is a call of its own: a parent in the session tree is no aggregate.
        ctx.builder.push_span(draft.own_usage(), ctx.diags);
    }
}

/// A request's scores and its user's thumbs up or down.
fn push_scores(ctx: &mut Context, r: &Request, trace_id: Option<TraceId>, span: Option<SpanId>) {
    let Some(trace_id) = trace_id else { return };
    let numbers = r.scores.iter().flatten().filter_map(|(name, v)| {
        v.filter(|v| v.is_finite())
            .map(|v| (name.to_string(), ScoreValue::Number(v)))
    });
    let rating = r.feedback_rating.map(|up| {
        let label = if up { "positive" } else { "negative" };
        (
            "feedback".to_string(),
            ScoreValue::Label(ctx.builder.intern(label)),
        )
    });
    let all: Vec<(String, ScoreValue)> = numbers.chain(rating).collect();
    for (name, value) in all {
        let score = Score {
            trace_id,
            span_id: span,
            name: ctx.builder.intern(&name),
            value,
            comment: StrId::EMPTY,
            source: StrId::EMPTY,
            file: ctx.source,
            trace: NO_SPAN,
            span: NO_SPAN,
        };
        ctx.builder.push_score(score);
    }
}
