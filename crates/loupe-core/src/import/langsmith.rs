//! LangSmith runs: run-ingest batches `{"post": […], "patch": […]}` (a patch is merged into
//! its post, matched by id or, where the JS SDK leaves the id out, by `dotted_order`) and
//! arrays of runs as `list_runs` returns them. The tree comes from `parent_run_id`, or from
//! `dotted_order` where the parent is missing; `run_type` is the kind; tokens come from
//! `outputs.usage_metadata`, the run's `prompt_tokens`/`completion_tokens`, or the raw OpenAI
//! `outputs.usage`; `error` marks a failed run.

use super::Context;
use super::cursor::{Cursor, each_element, each_member};
use crate::import::builder::SpanDraft;
use crate::import::error::ImportError;
use crate::import::llm::{LlmProbe, kind_from_langsmith};
use crate::model::clock::parse_rfc3339;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::usage::Usage;
use crate::model::{AttrValue, Nanos, Rows, SpanKind, StatusCode};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;
use std::fmt;

#[derive(Deserialize, Default)]
struct Run<'a> {
    #[serde(borrow, default)]
    id: Option<Text<'a>>,
    #[serde(borrow, default)]
    trace_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    parent_run_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    dotted_order: Option<Text<'a>>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    run_type: Option<Text<'a>>,
    #[serde(default)]
    start_time: Option<Time>,
    #[serde(default)]
    end_time: Option<Time>,
    #[serde(borrow, default)]
    error: Option<Text<'a>>,
    #[serde(borrow, default)]
    status: Option<Text<'a>>,
    #[serde(borrow, default)]
    inputs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    outputs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    extra: Option<&'a RawValue>,
    #[serde(borrow, default)]
    tags: Option<&'a RawValue>,
    #[serde(borrow, default)]
    events: Option<Vec<RunEvent<'a>>>,
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    total_cost: Option<Cost>,
}

#[derive(Deserialize)]
struct RunEvent<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(default)]
    time: Option<Time>,
}

/// A time: an ISO 8601 string (a missing zone is UTC) or epoch milliseconds (the JS SDK).
#[derive(Clone, Copy)]
struct Time(Nanos);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an ISO 8601 time or epoch milliseconds")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Time, E> {
                self.visit_i64(i64::try_from(v).map_err(|_| E::custom("time out of range"))?)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Time, E> {
                v.checked_mul(1_000_000)
                    .map(Time)
                    .ok_or_else(|| E::custom(format!("time {v} is out of range")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Time, E> {
                Ok(Time((v * 1e6).round() as i64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                parse_rfc3339(v)
                    .map(Time)
                    .ok_or_else(|| E::custom(format!("{v:?} is not an ISO 8601 time")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A cost: a number, or a decimal in a string.
#[derive(Clone, Copy)]
struct Cost(f64);

impl<'de> Deserialize<'de> for Cost {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = super::anyvalue::LooseF64::deserialize(d)?;
        Ok(Cost(v.0))
    }
}

#[derive(Deserialize, Default)]
struct Outputs<'a> {
    #[serde(default)]
    usage_metadata: Option<UsageMetadata>,
    #[serde(default)]
    usage: Option<OpenAiUsage>,
    #[serde(borrow, default)]
    model: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct UsageMetadata {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    input_token_details: Option<TokenDetails>,
    #[serde(default)]
    output_token_details: Option<TokenDetails>,
}

#[derive(Deserialize)]
struct TokenDetails {
    #[serde(default)]
    cache_read: Option<u64>,
    #[serde(default)]
    cache_creation: Option<u64>,
    #[serde(default)]
    reasoning: Option<u64>,
}

#[derive(Deserialize)]
struct OpenAiUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct Extra<'a> {
    #[serde(borrow, default)]
    metadata: Option<Metadata<'a>>,
}

#[derive(Deserialize, Default)]
struct Metadata<'a> {
    #[serde(borrow, default)]
    ls_model_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    ls_provider: Option<Text<'a>>,
    /// The thread keys LangSmith groups runs by (its own `session_id` field is the project).
    #[serde(borrow, default)]
    session_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    thread_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    conversation_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    user_id: Option<Text<'a>>,
}

/// Whether an object looks like a LangSmith run.
pub(crate) fn is_run(members: &[(Text<'_>, &RawValue)]) -> bool {
    let has = |key: &str| members.iter().any(|(k, _)| &**k == key);
    has("run_type") && (has("dotted_order") || has("trace_id") || has("parent_run_id"))
}

/// The parent's id from a dotted order: the run before the last in the path.
fn parent_from_dotted_order(dotted: &str) -> Option<&str> {
    let mut parts = dotted.rsplit('.');
    parts.next()?;
    let parent = parts.next()?;
    parent.get(parent.len().checked_sub(36)?..)
}

/// A patch field where present, else the post's.
fn merged<'a>(post: Run<'a>, patch: Option<Run<'a>>) -> Run<'a> {
    let Some(p) = patch else { return post };
    Run {
        id: post.id.or(p.id),
        trace_id: post.trace_id.or(p.trace_id),
        parent_run_id: p.parent_run_id.or(post.parent_run_id),
        dotted_order: post.dotted_order.or(p.dotted_order),
        name: p.name.or(post.name),
        run_type: p.run_type.or(post.run_type),
        start_time: p.start_time.or(post.start_time),
        end_time: p.end_time.or(post.end_time),
        error: p.error.or(post.error),
        status: p.status.or(post.status),
        inputs: p.inputs.or(post.inputs),
        outputs: p.outputs.or(post.outputs),
        extra: p.extra.or(post.extra),
        tags: p.tags.or(post.tags),
        events: p.events.filter(|e| !e.is_empty()).or(post.events),
        prompt_tokens: p.prompt_tokens.or(post.prompt_tokens),
        completion_tokens: p.completion_tokens.or(post.completion_tokens),
        total_cost: p.total_cost.or(post.total_cost),
    }
}

/// Imports LangSmith runs: an array of them, one run, or a run-ingest batch `{post, patch}`;
/// each run parsed once.
pub(crate) fn import_text(ctx: &mut Context) -> Result<(), ImportError> {
    let mut posts = Vec::new();
    let mut patches = Vec::new();
    let batch = Cursor::new(ctx.text, 0).has_member(&["post", "patch"]);
    if batch {
        each_member(ctx, |ctx, key, cur| {
            match key {
                "post" => posts = ctx.records::<Run>(cur)?,
                "patch" => patches = ctx.records::<Run>(cur)?,
                _ => {
                    cur.skip()?;
                }
            }
            Ok(())
        })?;
    } else {
        each_element(ctx, |ctx, cur| {
            posts.extend(ctx.record::<Run>(cur)?);
            Ok(())
        })?;
    }
    let mut patches: Vec<Option<Run>> = patches.into_iter().map(|(p, _)| Some(p)).collect();
    for (post, raw) in posts {
        let matches = |p: &Option<Run>| {
            p.as_ref().is_some_and(|p| match (&p.id, &post.id) {
                (Some(a), Some(b)) => a == b,
                _ => p.dotted_order.is_some() && p.dotted_order == post.dotted_order,
            })
        };
        let patch = patches
            .iter()
            .position(matches)
            .and_then(|i| patches[i].take());
        import_run(ctx, raw, merged(post, patch));
    }
    Ok(())
}

fn push_json_attr(ctx: &mut Context, key: &str, raw: Option<&RawValue>) {
    if let Some(raw) = raw {
        let value = ctx.plain_value(raw);
        let k = ctx.builder.intern(key);
        ctx.builder.push_attr(k, value, None);
    }
}

fn import_run(ctx: &mut Context, raw: &str, run: Run) {
    let name = run.name.as_deref().unwrap_or("");
    let Some(id) = run.id.as_deref() else {
        ctx.skip_span(raw, name, "it has no id");
        return;
    };
    let (span_id, id_text) = ctx.span_id(id);
    let trace_text = run.trace_id.as_deref().unwrap_or(id);
    let (trace_id, _) = TraceId::parse_or_derive(trace_text);
    let parent_id = run
        .parent_run_id
        .as_deref()
        .or_else(|| {
            run.dotted_order
                .as_deref()
                .and_then(parent_from_dotted_order)
        })
        .and_then(|p| SpanId::parse_or_derive(p).0);

    let kind = run
        .run_type
        .as_deref()
        .map_or(SpanKind::Other, kind_from_langsmith);
    let outputs: Outputs = run
        .outputs
        .and_then(|o| serde_json::from_str(o.get()).ok())
        .unwrap_or_default();
    let extra: Extra = run
        .extra
        .and_then(|e| serde_json::from_str(e.get()).ok())
        .unwrap_or_default();
    let mut usage = Usage {
        cost_usd: run.total_cost.map(|c| c.0),
        ..Usage::default()
    };
    if let Some(u) = &outputs.usage_metadata {
        usage.input = u.input_tokens;
        usage.output = u.output_tokens;
        usage.cache_read = u.input_token_details.as_ref().and_then(|d| d.cache_read);
        usage.cache_write = u
            .input_token_details
            .as_ref()
            .and_then(|d| d.cache_creation);
        usage.reasoning = u.output_token_details.as_ref().and_then(|d| d.reasoning);
    } else if run.prompt_tokens.is_some() || run.completion_tokens.is_some() {
        usage.input = run.prompt_tokens;
        usage.output = run.completion_tokens;
    } else if let Some(u) = &outputs.usage {
        usage.input = u.prompt_tokens;
        usage.output = u.completion_tokens;
    }

    let attrs_start = ctx.builder.attr_len();
    if let Some(t) = run.run_type.as_deref() {
        let (k, v) = (ctx.builder.intern("run_type"), ctx.builder.intern(t));
        ctx.builder.push_attr(k, AttrValue::Str(v), None);
    }
    push_json_attr(ctx, "inputs", run.inputs);
    push_json_attr(ctx, "outputs", run.outputs);
    push_json_attr(ctx, "extra", run.extra);
    push_json_attr(ctx, "tags", run.tags);
    let attrs = Rows {
        start: attrs_start,
        end: ctx.builder.attr_len(),
    };
    let mut probe = LlmProbe::default();
    probe.set_native_kind(Some(kind));
    let mut facts = probe.finish();
    if usage.has_tokens() || usage.cost_usd.is_some() {
        facts.usage = usage;
    }
    let model = outputs.model.as_deref().or(extra
        .metadata
        .as_ref()
        .and_then(|m| m.ls_model_name.as_deref()));
    if let Some(m) = model {
        facts.model = ctx.builder.intern(m);
    }
    if let Some(meta) = &extra.metadata {
        let session = meta
            .session_id
            .as_deref()
            .or(meta.thread_id.as_deref())
            .or(meta.conversation_id.as_deref());
        let mut intern = |t: Option<&str>| ctx.builder.intern(t.unwrap_or(""));
        facts.session = intern(session);
        facts.user = intern(meta.user_id.as_deref());
        facts.provider = intern(meta.ls_provider.as_deref());
    }
    if let Some(tags) = run.tags {
        facts.tags.push(ctx.plain_value(tags));
    }
    // Time to first token: the first streamed token's event.
    let first_token = run
        .events
        .iter()
        .flatten()
        .filter(|e| e.name.as_deref() == Some("new_token"))
        .find_map(|e| e.time);
    if let (Some(t), Some(start)) = (first_token, run.start_time) {
        facts.usage.first_token = Some(t.0 - start.0).filter(|d| *d >= 0);
    }

    let events_start = ctx.builder.event_len();
    for ev in run.events.as_deref().unwrap_or(&[]) {
        let ev_name = ctx.builder.intern(ev.name.as_deref().unwrap_or(""));
        let no_attrs = Rows {
            start: ctx.builder.attr_len(),
            end: ctx.builder.attr_len(),
        };
        ctx.builder
            .push_event(ev.time.map(|t| t.0), ev_name, no_attrs);
    }
    let events = Rows {
        start: events_start,
        end: ctx.builder.event_len(),
    };
    let error = run.error.as_deref().filter(|e| !e.is_empty());
    let failed = error.is_some() || run.status.as_deref() == Some("error");
    let status = if failed {
        StatusCode::Error
    } else {
        StatusCode::Unset
    };
    let status_message = ctx.builder.intern(error.unwrap_or(""));
    let start = run.start_time.map(|t| t.0);
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
        end: run.end_time.map(|t| t.0).or(start),
        attrs,
        events,
        raw: ctx.raw_ref(raw),
        facts,
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
}
