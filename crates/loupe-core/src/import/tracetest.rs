//! Tracetest's trace model: `{"ID", "RootSpan": {"ID", "Name", "StartTime", "EndTime",
//! "Attributes", "Children": […]}}`, a tree written as nested objects, with times in
//! milliseconds (as strings or numbers). The nesting is walked with an explicit stack.

use super::Context;
use super::anyvalue::LooseI64;
use super::cursor::{Cursor, Stop, Walk, each_member};
use crate::import::builder::SpanDraft;
use crate::import::error::ImportError;
use crate::import::llm::LlmProbe;
use crate::model::ids::{SpanId, TraceId};
use crate::model::json::Text;
use crate::model::strings::StrId;
use crate::model::{AttrValue, Nanos};
use serde_json::value::RawValue;

/// A span read so far: its fields, its parent (by place in the list), and its JSON's bounds.
#[derive(Default)]
struct Node<'a> {
    id: Option<Text<'a>>,
    name: Option<Text<'a>>,
    start: Option<LooseI64>,
    end: Option<LooseI64>,
    attributes: Option<&'a str>,
    parent: Option<usize>,
    from: usize,
    to: usize,
}

/// A span object being walked: its node, its members, and its `Children` array if inside it.
struct Open {
    node: usize,
    members: Walk,
    children: Option<Walk>,
}

/// Whether an object is a Tracetest trace.
pub(crate) fn is_trace(members: &[(Text<'_>, &RawValue)]) -> bool {
    members.iter().any(|(k, _)| &**k == "RootSpan")
}

fn ms(v: Option<LooseI64>) -> Option<Nanos> {
    v.and_then(|v| v.0.checked_mul(1_000_000))
}

/// Imports the tree: one walk over the text, the nesting kept on an explicit stack, each span's
/// members read once.
pub(crate) fn import_text(ctx: &mut Context) -> Result<(), ImportError> {
    let mut trace_text = None;
    let mut nodes: Vec<Node> = Vec::new();
    each_member(ctx, |_, key, cur| {
        match key {
            "ID" => trace_text = cur.record::<Text>()?.0.ok().map(|t| t.to_string()),
            "RootSpan" => nodes = read_nodes(cur)?,
            _ => {
                cur.skip()?;
            }
        }
        Ok(())
    })?;
    let trace_text = trace_text.unwrap_or_else(|| format!("tracetest:{}", ctx.source));
    let trace_id = TraceId::parse_or_derive(&trace_text).0;
    let text = ctx.text;
    let mut ids: Vec<Option<SpanId>> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let raw = &text[node.from..node.to];
        let name = node.name.as_deref().unwrap_or("");
        let Some(id_text) = node.id.as_deref() else {
            ctx.skip_span(raw, name, "it has no ID");
            ids.push(None);
            continue;
        };
        let (span_id, id_text) = ctx.span_id(id_text);
        ids.push(span_id);
        let mut probe = LlmProbe::default();
        let attrs = ctx.push_plain_members(node.attributes, &[], Some(&mut probe));
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
            parent_id: node.parent.and_then(|p| ids[p]),
            name,
            service,
            start: ms(node.start),
            end: ms(node.end),
            attrs,
            raw: ctx.raw_ref(raw),
            facts: probe.finish(),
            ..SpanDraft::default()
        };
        ctx.builder.push_span(draft, ctx.diags);
    }
    Ok(())
}

/// Reads the span tree at the cursor, parents before their children (a `null` root: none).
fn read_nodes<'t>(cur: &mut Cursor<'t>) -> Result<Vec<Node<'t>>, Stop> {
    let mut nodes: Vec<Node> = Vec::new();
    if cur.null()? {
        return Ok(nodes);
    }
    let mut stack = vec![open(cur, &mut nodes, None)?];
    while let Some(top) = stack.last_mut() {
        if let Some(children) = &mut top.children {
            if cur.item(children)? {
                let parent = Some(top.node);
                stack.push(open(cur, &mut nodes, parent)?);
            } else {
                top.children = None;
            }
            continue;
        }
        let node = &mut nodes[top.node];
        match cur.key(&mut top.members)?.as_deref() {
            None => {
                node.to = cur.pos();
                stack.pop();
            }
            Some("ID") => node.id = cur.value()?,
            Some("Name") => node.name = cur.value()?,
            Some("StartTime") => node.start = cur.value()?,
            Some("EndTime") => node.end = cur.value()?,
            Some("Attributes") => node.attributes = Some(cur.skip()?),
            Some("Children") if !cur.null()? => top.children = Some(cur.array()?),
            Some(_) => {
                cur.skip()?;
            }
        }
    }
    Ok(nodes)
}

/// Enters the span object at the cursor as a new node under `parent`.
fn open<'t>(
    cur: &mut Cursor<'t>,
    nodes: &mut Vec<Node<'t>>,
    parent: Option<usize>,
) -> Result<Open, Stop> {
    cur.peek();
    let from = cur.pos();
    let members = cur.object()?;
    nodes.push(Node {
        parent,
        from,
        ..Node::default()
    });
    Ok(Open {
        node: nodes.len() - 1,
        members,
        children: None,
    })
}
