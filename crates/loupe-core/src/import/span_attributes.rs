//! A single span's attributes written out on their own: a flat attribute map
//! (`{"gen_ai.operation.name": "chat", …}`), or `{"scopeName", "spanName", "attributes"}` as
//! LangWatch captures them. There are no ids or times: the file becomes one span of its own
//! trace, flagged as having no timestamps, with its LLM facts read from the attributes.

use super::Context;
use crate::import::builder::SpanDraft;
use crate::import::error::{ImportError, json_error_at};
use crate::import::llm::LlmProbe;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::json::object_members;
use crate::model::strings::StrId;
use serde_json::value::RawValue;

/// Attribute prefixes of the LLM conventions Loupe reads.
const LLM_PREFIXES: [&str; 5] = ["gen_ai.", "llm.", "openinference.", "ai.", "traceloop."];

/// Whether an object is a span's attributes: wrapped with `spanName`, or flat with keys of the
/// LLM conventions.
pub(crate) fn is_span_attributes(members: &[(Text<'_>, &RawValue)]) -> bool {
    let has = |key: &str| members.iter().any(|(k, _)| &**k == key);
    (has("spanName") && has("attributes")) || members.iter().any(|(k, _)| is_llm_key(k))
}

/// Whether a key is an attribute of one of the LLM conventions Loupe reads.
pub(crate) fn is_llm_key(key: &str) -> bool {
    LLM_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Imports the one span: the object's members read once, the wrapped attributes once more.
pub(crate) fn import_text(ctx: &mut Context) -> Result<(), ImportError> {
    let text = ctx.text.trim();
    let members = object_members(text).map_err(|e| json_error_at(ctx.text, 0, &e))?;
    let field = |key: &str| members.iter().find(|(k, _)| &**k == key).map(|(_, v)| *v);
    let text_of = |raw: Option<&RawValue>| {
        raw.and_then(|r| serde_json::from_str::<Text>(r.get()).ok())
            .map(|t| t.to_string())
    };
    let wrapped = field("attributes").filter(|_| field("spanName").is_some());
    let (span_name, scope_name) = match wrapped {
        Some(_) => (text_of(field("spanName")), text_of(field("scopeName"))),
        None => (None, None),
    };
    let mut probe = LlmProbe::default();
    let attrs = match wrapped {
        Some(attributes) => ctx.push_plain_map(Some(attributes), Some(&mut probe)),
        None => ctx.push_members(&members, &[], Some(&mut probe)),
    };
    let facts = probe.finish();
    let name = span_name.unwrap_or_else(|| {
        let model = ctx.builder.strings.resolve(facts.model);
        if model.is_empty() {
            "span attributes".to_string()
        } else {
            format!("{} {model}", facts.kind.label())
        }
    });
    let name = ctx.builder.intern(&name);
    let scope = scope_name.map_or(StrId::EMPTY, |s| ctx.builder.intern(&s));
    let draft = SpanDraft {
        trace_id: TraceId::parse_or_derive(&format!("attributes:{}", ctx.source)).0,
        span_id: Some(SpanId(((u64::from(ctx.source) + 1) << 40) | 1)),
        parent_id: None,
        name,
        scope,
        start: None,
        end: None,
        attrs,
        raw: ctx.raw_ref(text),
        facts,
        ..SpanDraft::default()
    };
    ctx.builder.push_span(draft, ctx.diags);
    Ok(())
}
