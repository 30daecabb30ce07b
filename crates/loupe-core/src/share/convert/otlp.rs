//! The normalized model written as OTLP/JSON, the encoding of the OTLP specification: hex ids,
//! integer enums, 64-bit integers as strings, spans grouped by resource and scope. Every span
//! keeps its original attributes, events and links; the LLM facts Loupe read from any format
//! (kind, model, provider, token classes, recorded cost, time to first token, session, user and
//! tags) are added as OTel GenAI attributes (`gen_ai.*`, and the conventions Loupe reads where
//! GenAI has none) unless the span already carries that key. Nothing the source lacked is
//! added: a fact Loupe does not know is not written.

use crate::model::set::{SpanView, TraceSet, ValueRef};
use crate::model::{OtelKind, SpanFlags, SpanKind, StatusCode};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::fmt::{self, Write as _};

/// The whole OTLP/JSON document (`{"resourceSpans":[…]}`) of `traces` of `set`.
pub fn document(set: &TraceSet, traces: &[u32]) -> String {
    let mut out = String::from("{\"resourceSpans\":[");
    resource_spans(set, traces, &mut out);
    out.push_str("]}");
    out
}

/// JSON Lines: one export request per trace, each on its line.
pub fn lines(set: &TraceSet, traces: &[u32]) -> String {
    let mut out = String::new();
    for &t in traces {
        out.push_str(&document(set, &[t]));
        out.push('\n');
    }
    out
}

/// A resource's spans: by scope name, in the order first met.
type Scopes<'a> = Vec<(&'a str, Vec<u32>)>;

/// Appends the `resourceSpans` entries of `traces` (comma-separated, without brackets), so a
/// document can be written a part at a time.
pub fn resource_spans(set: &TraceSet, traces: &[u32], out: &mut String) {
    // Spans grouped by resource, then by scope, in the order first met.
    let mut groups: Vec<Scopes> = Vec::new();
    let mut at: HashMap<(u32, &str), usize> = HashMap::new();
    for &t in traces {
        let Some(trace) = set.traces().get(t as usize) else {
            continue;
        };
        for i in trace.spans.start..trace.spans.end {
            let s = set.span(i);
            let key = (set.spans.resource[i as usize], s.service());
            let g = *at.entry(key).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            let scopes = &mut groups[g];
            match scopes.iter_mut().find(|(name, _)| *name == s.scope()) {
                Some((_, spans)) => spans.push(i),
                None => scopes.push((s.scope(), vec![i])),
            }
        }
    }
    // Every group holds the span it was made for.
    let firsts = groups
        .iter()
        .filter_map(|scopes| Some((scopes, *scopes.first()?.1.first()?)));
    for (n, (scopes, first)) in firsts.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str("{\"resource\":{\"attributes\":");
        resource_attributes(&set.span(first), out);
        out.push_str("},\"scopeSpans\":[");
        for (k, (scope, spans)) in scopes.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str("{\"scope\":{\"name\":");
            string(scope, out);
            out.push_str("},\"spans\":[");
            for (j, &i) in spans.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                span(set, &set.span(i), out);
            }
            out.push_str("]}");
        }
        out.push_str("]}");
    }
}

/// The resource's attributes, with `service.name` where the span has a service and its
/// resource does not name one.
fn resource_attributes(s: &SpanView, out: &mut String) {
    let mut attrs = s.resource_attributes();
    if !s.service().is_empty() && !attrs.iter().any(|(k, _)| *k == "service.name") {
        attrs.push(("service.name", ValueRef::Str(s.service())));
    }
    key_values(&attrs, out);
}

fn otel_kind(k: OtelKind) -> u8 {
    match k {
        OtelKind::Unspecified => 0,
        OtelKind::Internal => 1,
        OtelKind::Server => 2,
        OtelKind::Client => 3,
        OtelKind::Producer => 4,
        OtelKind::Consumer => 5,
    }
}

fn status_code(s: StatusCode) -> u8 {
    match s {
        StatusCode::Unset => 0,
        StatusCode::Ok => 1,
        StatusCode::Error => 2,
    }
}

fn span<'a>(set: &'a TraceSet, s: &SpanView<'a>, out: &mut String) {
    let _ = write!(
        out,
        "{{\"traceId\":\"{}\",\"spanId\":\"{}\"",
        s.trace_id(),
        s.span_id()
    );
    if let Some(parent) = s.parent_id() {
        let _ = write!(out, ",\"parentSpanId\":\"{parent}\"");
    }
    out.push_str(",\"name\":");
    string(s.name(), out);
    let _ = write!(out, ",\"kind\":{}", otel_kind(s.otel_kind()));
    // A span its file gave no start or end keeps the one time it had, if any.
    if !s.flags().has(SpanFlags::NO_TIMESTAMPS) {
        let _ = write!(
            out,
            ",\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\"",
            s.start(),
            s.end()
        );
    } else if s.start() != 0 {
        let _ = write!(out, ",\"startTimeUnixNano\":\"{}\"", s.start());
    }
    out.push_str(",\"attributes\":");
    let mut attrs = s.attributes();
    // The trace's session, user and tags go on its first span, where that span has none.
    let first = set
        .traces()
        .get(s.trace() as usize)
        .is_some_and(|t| t.spans.start == s.index());
    let super::Owner {
        session,
        user,
        tags,
    } = super::owner(set, s, first);
    let tags_json = (!tags.is_empty()).then(|| serde_json::to_string(&tags).unwrap_or_default());
    let first_token = s
        .usage()
        .and_then(|u| u.first_token)
        .map(|ns| ns as f64 / 1e6);
    let facts = LlmFacts {
        session,
        user,
        tags_json: tags_json.as_deref(),
        first_token_ms: first_token,
    };
    for (key, value) in llm_facts(s, &facts) {
        if !attrs.iter().any(|(k, _)| *k == key) {
            attrs.push((key, value));
        }
    }
    key_values(&attrs, out);
    list(out, "events", &s.events(), |e, out| {
        if let Some(t) = e.time {
            let _ = write!(out, "\"timeUnixNano\":\"{t}\",");
        }
        out.push_str("\"name\":");
        string(e.name, out);
        out.push_str(",\"attributes\":");
        key_values(&e.attributes, out);
    });
    list(out, "links", &s.links(), |l, out| {
        if let Some(t) = l.trace_id {
            let _ = write!(out, "\"traceId\":\"{t}\",");
        }
        if let Some(sp) = l.span_id {
            let _ = write!(out, "\"spanId\":\"{sp}\",");
        }
        out.push_str("\"attributes\":");
        key_values(&l.attributes, out);
    });
    let _ = write!(out, ",\"status\":{{\"code\":{}", status_code(s.status()));
    if !s.status_message().is_empty() {
        out.push_str(",\"message\":");
        string(s.status_message(), out);
    }
    out.push_str("}}");
}

/// `,"key":[{…},{…}]` of `items` (nothing when there are none), each object's members written
/// by `member`.
fn list<T>(out: &mut String, key: &str, items: &[T], member: impl Fn(&T, &mut String)) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, ",\"{key}\":[");
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push('{');
        member(item, out);
        out.push('}');
    }
    out.push(']');
}

/// The kind as `gen_ai.operation.name` names it, where GenAI has a name for it.
fn genai_operation(kind: SpanKind) -> Option<&'static str> {
    Some(match kind {
        SpanKind::Llm => "chat",
        SpanKind::Embedding => "embeddings",
        SpanKind::Retriever => "retrieval",
        SpanKind::Tool => "execute_tool",
        SpanKind::Agent => "invoke_agent",
        SpanKind::Chain => "invoke_workflow",
        _ => return None,
    })
}

/// The kind as OpenInference names it, for the kinds GenAI has no name for.
fn openinference_kind(kind: SpanKind) -> Option<&'static str> {
    Some(match kind {
        SpanKind::Reranker => "RERANKER",
        SpanKind::Guardrail => "GUARDRAIL",
        SpanKind::Evaluator => "EVALUATOR",
        _ => return None,
    })
}

/// What a span's facts take beyond the span: its trace's session, user and tags.
struct LlmFacts<'a> {
    session: &'a str,
    user: &'a str,
    tags_json: Option<&'a str>,
    first_token_ms: Option<f64>,
}

/// The LLM facts of `s` as attributes: only those Loupe knows.
fn llm_facts<'a>(s: &SpanView<'a>, more: &LlmFacts<'a>) -> Vec<(&'static str, ValueRef<'a>)> {
    let mut facts = Vec::new();
    let attrs = s.attributes();
    let has = |key: &str| attrs.iter().any(|(k, _)| *k == key);
    // A kind is written only where no kind convention is present, so the one there still
    // decides it.
    if !has("gen_ai.operation.name") && !has("openinference.span.kind") {
        if let Some(op) = genai_operation(s.kind()) {
            facts.push(("gen_ai.operation.name", ValueRef::Str(op)));
        } else if let Some(kind) = openinference_kind(s.kind()) {
            facts.push(("openinference.span.kind", ValueRef::Str(kind)));
        }
    }
    let text = |v: &'a str| (!v.is_empty()).then_some(ValueRef::Str(v));
    let known_model = ["gen_ai.response.model", "gen_ai.request.model"];
    if !known_model.iter().any(|k| has(k))
        && let Some(v) = text(s.model())
    {
        facts.push(("gen_ai.request.model", v));
    }
    if let Some(v) = text(s.provider()) {
        facts.push(("gen_ai.provider.name", v));
    }
    if let Some(u) = s.usage() {
        let count = |n: Option<u64>| n.map(|n| ValueRef::Int(i64::try_from(n).unwrap_or(i64::MAX)));
        for (key, value) in [
            ("gen_ai.usage.input_tokens", count(u.input)),
            ("gen_ai.usage.output_tokens", count(u.output)),
            ("gen_ai.usage.cache_read.input_tokens", count(u.cache_read)),
            (
                "gen_ai.usage.cache_creation.input_tokens",
                count(u.cache_write),
            ),
            ("gen_ai.usage.reasoning.output_tokens", count(u.reasoning)),
            ("gen_ai.usage.cost", u.cost_usd.map(ValueRef::Float)),
            (
                "ai.response.msToFirstChunk",
                more.first_token_ms.map(ValueRef::Float),
            ),
        ] {
            if let Some(v) = value {
                facts.push((key, v));
            }
        }
    }
    if let Some(v) = text(more.session) {
        facts.push(("session.id", v));
    }
    if let Some(v) = text(more.user) {
        facts.push(("user.id", v));
    }
    if let Some(tags) = more.tags_json {
        facts.push(("tag.tags", ValueRef::Json(tags)));
    }
    facts
}

/// A JSON string.
fn string(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

/// `[{"key":…,"value":{…}}, …]`.
fn key_values(attrs: &[(&str, ValueRef)], out: &mut String) {
    out.push('[');
    for (n, (key, value)) in attrs.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str("{\"key\":");
        string(key, out);
        out.push_str(",\"value\":");
        any_value(value, out);
        out.push('}');
    }
    out.push(']');
}

/// A double as OTLP/JSON writes it: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
fn double(x: f64, out: &mut String) {
    if x.is_nan() {
        out.push_str("\"NaN\"");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        });
    } else {
        let _ = write!(out, "{x:?}");
    }
}

/// One attribute value as an OTLP `AnyValue`.
fn any_value(value: &ValueRef, out: &mut String) {
    match value {
        ValueRef::Str(s) => {
            out.push_str("{\"stringValue\":");
            string(s, out);
            out.push('}');
        }
        ValueRef::Int(i) => {
            let _ = write!(out, "{{\"intValue\":\"{i}\"}}");
        }
        ValueRef::Float(x) => {
            out.push_str("{\"doubleValue\":");
            double(*x, out);
            out.push('}');
        }
        ValueRef::Bool(b) => {
            let _ = write!(out, "{{\"boolValue\":{b}}}");
        }
        ValueRef::Bytes(b64) => {
            out.push_str("{\"bytesValue\":");
            string(b64, out);
            out.push('}');
        }
        ValueRef::Json(text) => match serde_json::from_str::<Plain>(text) {
            Ok(plain) => plain.write_any(out),
            // Not JSON after all: kept as the text it is.
            Err(_) => {
                out.push_str("{\"stringValue\":");
                string(text, out);
                out.push('}');
            }
        },
        ValueRef::Empty => out.push_str("{}"),
    }
}

/// A plain JSON value (an array or map attribute), its members in their order.
enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Plain>),
    Map(Vec<(String, Plain)>),
}

impl<'de> Deserialize<'de> for Plain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Plain;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Plain, E> {
                Ok(Plain::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Plain, E> {
                Ok(Plain::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Plain, E> {
                Ok(Plain::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Plain, E> {
                Ok(i64::try_from(v).map_or(Plain::Float(v as f64), Plain::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Plain, E> {
                Ok(Plain::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Plain, E> {
                Ok(Plain::Str(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Plain, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Plain::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Plain, A::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Plain>()? {
                    members.push((k, v));
                }
                Ok(Plain::Map(members))
            }
        }
        d.deserialize_any(V)
    }
}

impl Plain {
    fn write_any(&self, out: &mut String) {
        match self {
            Plain::Null => out.push_str("{}"),
            Plain::Bool(b) => any_value(&ValueRef::Bool(*b), out),
            Plain::Int(i) => any_value(&ValueRef::Int(*i), out),
            Plain::Float(x) => any_value(&ValueRef::Float(*x), out),
            Plain::Str(s) => any_value(&ValueRef::Str(s), out),
            Plain::Array(items) => {
                out.push_str("{\"arrayValue\":{\"values\":[");
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    item.write_any(out);
                }
                out.push_str("]}}");
            }
            Plain::Map(members) => {
                out.push_str("{\"kvlistValue\":{\"values\":[");
                for (n, (k, v)) in members.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"key\":");
                    string(k, out);
                    out.push_str(",\"value\":");
                    v.write_any(out);
                    out.push('}');
                }
                out.push_str("]}}");
            }
        }
    }
}
