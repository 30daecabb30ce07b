//! Loupe's session bundles (their format: [`super::bundle_format`]): spans in normalized form, read back as they
//! were written. Their kinds, models, usage, sessions and tags are the bundle's, not read again
//! from attributes.

use super::Context;
use super::cursor::each_member;
use crate::import::builder::SpanDraft;
use crate::import::bundle_format::{
    self as bundle, BUNDLE_VERSION, Score as BundleScore, ScoreVal, Span, Trace as BundleTrace,
};
use crate::import::error::ImportError;
use crate::model::ids::{SpanId, TraceId};
use crate::model::scores::{Score, ScoreValue, TraceFacts};
use crate::model::set::NO_SPAN;
use crate::model::usage::LlmFacts;
use crate::model::{AttrValue, OtelKind, Rows, SpanKind, StatusCode};

/// The bundle as read: each span parsed once, with its JSON, so each keeps its place in the
/// file.
#[derive(Default)]
struct Document<'a> {
    loupe_bundle: Option<u32>,
    created: Option<String>,
    view: bundle::View,
    prices: std::collections::BTreeMap<String, crate::model::usage::Price>,
    notes: Vec<bundle::Note>,
    resources: Vec<Vec<bundle::Attribute>>,
    traces: Vec<BundleTrace>,
    spans: Vec<(Span, &'a str)>,
    scores: Vec<BundleScore>,
}

/// Reads the bundle's members, in any order.
fn read<'t>(ctx: &mut Context<'_, 't>) -> Result<Document<'t>, ImportError> {
    let mut doc = Document::default();
    each_member(ctx, |ctx, key, cur| {
        match key {
            "loupe_bundle" => doc.loupe_bundle = cur.value()?,
            "created" => doc.created = cur.value()?,
            "view" => doc.view = cur.value()?,
            "prices" => doc.prices = cur.value()?,
            "notes" => doc.notes = cur.value()?,
            "resources" => doc.resources = cur.value()?,
            "traces" => doc.traces = cur.value()?,
            "spans" => doc.spans = ctx.records::<Span>(cur)?,
            "scores" => doc.scores = cur.value()?,
            _ => {
                cur.skip()?;
            }
        }
        Ok(())
    })?;
    Ok(doc)
}

/// The kind named by a label (`llm`, `tool`, …).
fn kind_of(label: &str) -> SpanKind {
    SpanKind::ALL
        .into_iter()
        .find(|k| k.label() == label)
        .unwrap_or(SpanKind::Other)
}

fn push_attributes(ctx: &mut Context, attrs: &[bundle::Attribute]) -> Rows {
    let start = ctx.builder.attr_len();
    for (k, v) in attrs {
        let key = ctx.builder.intern(k);
        let value = bundle::attr_value(ctx.builder, v);
        ctx.builder.push_attr(key, value, None);
    }
    Rows {
        start,
        end: ctx.builder.attr_len(),
    }
}

/// Imports a bundle.
pub(crate) fn import_document(ctx: &mut Context) -> Result<(), ImportError> {
    let doc = read(ctx)?;
    let Some(version) = doc.loupe_bundle else {
        return Err(ImportError::UnknownFormat {
            found: "a Loupe bundle with no `loupe_bundle` version".to_string(),
        });
    };
    if version > BUNDLE_VERSION {
        return Err(ImportError::UnknownFormat {
            found: format!(
                "a Loupe bundle of version {}, newer than this Loupe reads ({BUNDLE_VERSION}); open it with a newer Loupe",
                version
            ),
        });
    }
    ctx.builder.push_bundle_extras(
        ctx.source,
        bundle::Extras {
            view: doc.view,
            prices: doc.prices,
            notes: doc.notes,
            created: doc.created,
        },
    );
    let resources: Vec<u32> = doc
        .resources
        .iter()
        .map(|attrs| {
            let rows = push_attributes(ctx, attrs);
            ctx.builder.push_resource(rows)
        })
        .collect();
    for (span, raw) in doc.spans {
        import_span(ctx, raw, span, &resources);
    }
    for t in doc.traces {
        let trace_id = TraceId::parse_or_derive(&t.id).0;
        let facts = TraceFacts {
            trace_id,
            file: ctx.source,
            session: ctx.builder.intern(&t.session),
            user: ctx.builder.intern(&t.user),
            tags: t.tags.iter().map(|tag| ctx.builder.intern(tag)).collect(),
            recorded: None,
        };
        ctx.builder.push_trace_facts(facts);
    }
    for s in doc.scores {
        let Some(trace_id) = TraceId::parse_or_derive(&s.trace).0 else {
            continue;
        };
        let value = match s.value {
            ScoreVal::Number(x) => ScoreValue::Number(x),
            ScoreVal::Label(l) => ScoreValue::Label(ctx.builder.intern(&l)),
        };
        let score = Score {
            trace_id,
            span_id: s
                .span
                .as_deref()
                .and_then(|id| SpanId::parse_or_derive(id).0),
            name: ctx.builder.intern(&s.name),
            value,
            comment: ctx.builder.intern(&s.comment),
            source: ctx.builder.intern(&s.source),
            file: ctx.source,
            trace: NO_SPAN,
            span: NO_SPAN,
        };
        ctx.builder.push_score(score);
    }
    Ok(())
}

fn import_span(ctx: &mut Context, raw: &str, s: Span, resources: &[u32]) {
    let (span_id, mut id_text) = ctx.span_id(&s.span_id);
    if let Some(shown) = &s.shown_id {
        id_text = ctx.builder.intern(shown);
    }
    let attrs = push_attributes(ctx, &s.attributes);
    let events_start = ctx.builder.event_len();
    for e in &s.events {
        let rows = push_attributes(ctx, &e.attributes);
        let name = ctx.builder.intern(&e.name);
        ctx.builder.push_event(e.time, name, rows);
    }
    let events = Rows {
        start: events_start,
        end: ctx.builder.event_len(),
    };
    let links_start = ctx.builder.link_len();
    for l in &s.links {
        let rows = push_attributes(ctx, &l.attributes);
        let trace = l
            .trace_id
            .as_deref()
            .and_then(|t| TraceId::parse_or_derive(t).0);
        let span = l
            .span_id
            .as_deref()
            .and_then(|x| SpanId::parse_or_derive(x).0);
        ctx.builder.push_link(trace, span, rows);
    }
    let links = Rows {
        start: links_start,
        end: ctx.builder.link_len(),
    };
    let facts = LlmFacts {
        kind: kind_of(&s.kind),
        model: ctx.builder.intern(&s.model),
        provider: ctx.builder.intern(&s.provider),
        usage: s.usage.unwrap_or_default(),
        first_token_at: None,
        own_usage: s.own_usage,
        session: ctx.builder.intern(&s.session),
        user: ctx.builder.intern(&s.user),
        tags: s
            .tags
            .iter()
            .map(|t| AttrValue::Str(ctx.builder.intern(t)))
            .collect(),
        // The bundle's status is the span's as Loupe settled it.
        failure: None,
    };
    let draft = SpanDraft {
        trace_id: TraceId::parse_or_derive(&s.trace_id).0,
        span_id,
        id_text,
        parent_id: s
            .parent_id
            .as_deref()
            .and_then(|p| SpanId::parse_or_derive(p).0),
        name: ctx.builder.intern(&s.name),
        service: ctx.builder.intern(&s.service),
        resource: s
            .resource
            .and_then(|r| resources.get(r as usize).copied())
            .unwrap_or(crate::import::builder::NO_RESOURCE),
        otel_kind: OtelKind::from_name(&s.otel_kind).unwrap_or_default(),
        status: StatusCode::from_name(&s.status).unwrap_or_default(),
        status_message: ctx.builder.intern(&s.status_message),
        start: s.start,
        end: s.end,
        attrs,
        events,
        links,
        raw: ctx.raw_ref(raw),
        facts,
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
}
