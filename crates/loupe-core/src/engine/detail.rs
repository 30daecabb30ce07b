//! The answer for the detail panel: everything shown of one span, its JSON as its file has it
//! included (the engine's side holds the files' texts).

use super::{AttributeText, EventDetail, SpanDetail};
use crate::model::SpanFlags;
use crate::model::json::shown;
use crate::model::set::{SpanView, TraceSet, ValueRef};

/// What a span's flags tell about it, as the panel notes it.
const NOTES: [(u8, &str); 5] = [
    (
        SpanFlags::ORPHAN,
        "its parent is not in the loaded files; shown as a root",
    ),
    (
        SpanFlags::CYCLE_BROKEN,
        "its parent link closed a cycle and was cut",
    ),
    (
        SpanFlags::DUPLICATE_ID,
        "another span of this trace has the same id",
    ),
    (
        SpanFlags::NO_TIMESTAMPS,
        "the file gives no start or end time",
    ),
    (
        SpanFlags::SYNTHETIC_ID,
        "its id was empty or zero; Loupe assigned one",
    ),
];

/// Attributes as text: key, value, and whether the value is JSON.
fn attribute_text(rows: &[(&str, ValueRef)]) -> Vec<AttributeText> {
    rows.iter()
        .map(|(k, v)| {
            (
                shown(k),
                shown(&v.to_string()),
                matches!(v, ValueRef::Json(_)),
            )
        })
        .collect()
}

/// Span `i`'s detail, or `None` past the last span.
pub(super) fn detail(set: &TraceSet, i: u32) -> Option<SpanDetail> {
    if i as usize >= set.span_count() {
        return None;
    }
    let s: SpanView = set.span(i);
    let flags = s.flags();
    Some(SpanDetail {
        span: i,
        name: shown(s.name()),
        kind: s.kind(),
        otel_kind: s.otel_kind().label().to_string(),
        service: shown(s.service()),
        status: s.status().label().to_string(),
        status_message: shown(s.status_message()),
        start: s.start(),
        trace_start: set.traces()[s.trace() as usize].start,
        duration: s.duration(),
        self_time: s.self_time(),
        share_of_trace: s.share_of_trace(),
        model: shown(s.model()),
        provider: shown(s.provider()),
        session: shown(s.session()),
        user: shown(s.user()),
        tags: s.tags().map(shown).collect(),
        usage: s.usage(),
        span_id: s.span_id_text(),
        // A loaded parent shows its id as its file wrote it (opaque ids are hashed inside).
        parent_id: s.parent_id().map(|p| match s.parent() {
            Some(parent) => set.span(parent).span_id_text(),
            None => format!("{p} (not loaded)"),
        }),
        trace_id: s.trace_id().to_string(),
        file: shown(s.source_name()),
        notes: NOTES
            .iter()
            .filter(|(f, _)| flags.has(*f))
            .map(|(_, t)| t.to_string())
            .collect(),
        attributes: attribute_text(&s.attributes()),
        resource: attribute_text(&s.resource_attributes()),
        events: s
            .events()
            .iter()
            .map(|e| EventDetail {
                time: e.time,
                name: shown(e.name),
                attributes: attribute_text(&e.attributes),
            })
            .collect(),
        links: s
            .links()
            .iter()
            .map(|l| {
                let text = |id: Option<String>| id.unwrap_or_else(|| "—".into());
                (
                    text(l.trace_id.map(|t| t.to_string())),
                    text(l.span_id.map(|x| x.to_string())),
                )
            })
            .collect(),
        scores: s
            .scores()
            .iter()
            .map(|sc| {
                (
                    shown(sc.name),
                    sc.value.to_string(),
                    shown(sc.source),
                    shown(sc.comment),
                )
            })
            .collect(),
        chat: s.chat().shown(),
        parameters: crate::analysis::params::model_parameters(&s)
            .into_iter()
            .map(|(k, v)| (shown(&k), shown(&v)))
            .collect(),
        raw: shown(head(s.raw_json(), RAW_SHOWN)),
        raw_bytes: s.raw_ref().end.saturating_sub(s.raw_ref().start),
    })
}

/// How much of a span's JSON its detail carries, in bytes: the whole of it is asked for on its
/// own ([`super::Request::SpanJson`]), to save.
pub const RAW_SHOWN: u32 = 1 << 20;

/// The first `limit` bytes of `text`, cut on a character boundary.
fn head(text: &str, limit: u32) -> &str {
    let mut end = text.len().min(limit as usize);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
