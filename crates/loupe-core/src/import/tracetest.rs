//! Tracetest's trace model: `{"ID", "RootSpan": {"ID", "Name", "StartTime", "EndTime",
//! "Attributes", "Children": […]}}`, a tree written as nested objects, with times in
//! milliseconds (as strings or numbers). The nesting is walked with an explicit stack.

use super::Context;
use crate::builder::SpanDraft;
use crate::error::{ImportError, json_error_at};
use crate::format::{Document, offset_in};
use crate::ids::{SpanId, TraceId};
use crate::llm::LlmProbe;
use crate::model::{AttrValue, Nanos};
use crate::strings::StrId;
use crate::text::Text;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Span<'a> {
    #[serde(borrow, default, rename = "ID")]
    id: Option<Text<'a>>,
    #[serde(borrow, default, rename = "Name")]
    name: Option<Text<'a>>,
    #[serde(default, rename = "StartTime")]
    start: Option<super::anyvalue::LooseI64>,
    #[serde(default, rename = "EndTime")]
    end: Option<super::anyvalue::LooseI64>,
    #[serde(borrow, default, rename = "Attributes")]
    attributes: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "Children")]
    children: Option<Vec<&'a RawValue>>,
}

/// Whether an object is a Tracetest trace.
pub(crate) fn is_trace(members: &[(Text<'_>, &RawValue)]) -> bool {
    members.iter().any(|(k, _)| &**k == "RootSpan")
}

fn ms(v: Option<super::anyvalue::LooseI64>) -> Option<Nanos> {
    v.and_then(|v| v.0.checked_mul(1_000_000))
}

/// Imports the tree.
pub(crate) fn import_document(ctx: &mut Context, doc: Document) -> Result<(), ImportError> {
    let Document::Object(members) = doc else {
        return Ok(());
    };
    let field = |key: &str| members.iter().find(|(k, _)| &**k == key).map(|(_, v)| *v);
    let trace_text = field("ID")
        .and_then(|r| serde_json::from_str::<Text>(r.get()).ok())
        .map(|t| t.to_string())
        .unwrap_or_else(|| format!("tracetest:{}", ctx.source));
    let trace_id = TraceId::parse_or_derive(&trace_text).0;
    let Some(root) = field("RootSpan") else {
        return Ok(());
    };
    let mut stack: Vec<(&RawValue, Option<SpanId>)> = vec![(root, None)];
    while let Some((raw, parent_id)) = stack.pop() {
        let span: Span = serde_json::from_str(raw.get())
            .map_err(|e| json_error_at(ctx.text, offset_in(ctx.text, raw.get()), &e))?;
        let name = span.name.as_deref().unwrap_or("");
        let Some(id_text) = span.id.as_deref() else {
            ctx.skip_span(raw.get(), name, "it has no ID");
            continue;
        };
        let (span_id, id_text) = ctx.span_id(id_text);
        let mut probe = LlmProbe::default();
        let attrs = ctx.push_plain_map(span.attributes, Some(&mut probe));
        let service = attrs
            .range()
            .find(|&r| ctx.builder.strings.resolve(ctx.builder.attrs.key[r]) == "service.name")
            .and_then(|r| match ctx.builder.attrs.value[r] {
                AttrValue::Str(s) => Some(s),
                _ => None,
            })
            .unwrap_or(StrId::EMPTY);
        let name = ctx.builder.intern(name);
        let draft = SpanDraft {
            trace_id,
            span_id,
            id_text,
            parent_id,
            name,
            service,
            start: ms(span.start),
            end: ms(span.end),
            attrs,
            raw: ctx.raw_ref(raw.get()),
            facts: probe.finish(),
            ..SpanDraft::default()
        };
        ctx.builder.push_span(draft, ctx.diags);
        for child in span.children.unwrap_or_default().into_iter().rev() {
            stack.push((child, span_id));
        }
    }
    Ok(())
}
