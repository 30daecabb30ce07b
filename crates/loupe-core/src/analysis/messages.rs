//! A span's chat: its input and output messages, decoded on demand from whichever convention
//! carries them. Messages can be large, so they are never decoded at import; the span detail asks
//! for one span's chat when it is shown.
//!
//! Precedence: OpenTelemetry GenAI `gen_ai.input.messages`/`gen_ai.output.messages` (with
//! `gen_ai.system_instructions`), OpenInference's indexed `llm.input_messages.N.message.*`,
//! OpenLLMetry's indexed `gen_ai.prompt.N.*`/`gen_ai.completion.N.*`, the Vercel AI SDK's
//! `ai.prompt(.messages)`/`ai.response.text`/`ai.response.toolCalls`, then whole payloads:
//! MLflow `mlflow.spanInputs`/`spanOutputs`, LangSmith `inputs`/`outputs`, Langfuse
//! `input`/`output` (`langfuse.observation.input`/`output` from its SDKs over OTLP), Helicone `request_body`/`response_body`, and OpenInference
//! `input.value`/`output.value`. A payload may hold OpenAI, Anthropic, Gemini, LangChain or
//! OpenTelemetry-parts messages; what is no message is shown as it is.

use crate::model::json::Text;
use crate::model::json::object_members;
use crate::model::set::{SpanView, ValueRef};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A tool call an assistant message asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ToolCall {
    /// The call's id, or "".
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments, usually JSON text.
    pub arguments: String,
}

/// One chat message.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// `system`, `user`, `assistant`, `tool`, or the role as the file names it.
    pub role: String,
    /// The text (parts joined by blank lines); for a tool message, the tool's result.
    pub text: String,
    /// Tool calls the message asks for.
    pub tool_calls: Vec<ToolCall>,
    /// For a tool result, the id of the call it answers, or "".
    pub tool_call_id: String,
}

/// A span's input and output messages, and the convention they were read from.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Chat {
    /// Messages sent to the model (or the operation's input).
    pub input: Vec<Message>,
    /// Messages it returned (or the operation's output).
    pub output: Vec<Message>,
    /// The attributes they came from, for display.
    pub source: std::borrow::Cow<'static, str>,
}

impl Chat {
    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty() && self.output.is_empty()
    }

    /// The chat as it is shown: invisible characters written out (see [`crate::shown`]).
    pub fn shown(mut self) -> Chat {
        for m in self.input.iter_mut().chain(self.output.iter_mut()) {
            m.role = crate::model::json::shown(&m.role);
            m.text = crate::model::json::shown(&m.text);
            for c in &mut m.tool_calls {
                c.name = crate::model::json::shown(&c.name);
                c.arguments = crate::model::json::shown(&c.arguments);
            }
        }
        self
    }
}

/// How deep payloads are searched for messages.
const MAX_DEPTH: usize = 8;

/// Whole-payload attribute pairs, in precedence order.
const PAYLOADS: [(&str, &str, &str); 8] = [
    (
        "mlflow.spanInputs",
        "mlflow.spanOutputs",
        "mlflow.spanInputs / spanOutputs",
    ),
    ("inputs", "outputs", "inputs / outputs"),
    ("input", "output", "input / output"),
    (
        "langfuse.observation.input",
        "langfuse.observation.output",
        "langfuse.observation.input / output",
    ),
    (
        "request_body",
        "response_body",
        "request_body / response_body",
    ),
    (
        "pydantic_ai.all_messages",
        "final_result",
        "pydantic_ai.all_messages",
    ),
    ("input.value", "output.value", "input.value / output.value"),
    (
        "traceloop.entity.input",
        "traceloop.entity.output",
        "traceloop.entity.input / output",
    ),
];

impl SpanView<'_> {
    /// The span's chat messages, decoded now (see [`Chat`]).
    pub fn chat(&self) -> Chat {
        chat(self)
    }
}

/// The span's chat, or an empty one when it carries no messages.
pub fn chat(span: &SpanView) -> Chat {
    let attrs = span.attributes();
    let found = from_attributes(&attrs).or_else(|| from_events(span));
    if let Some(chat) = found {
        return chat;
    }
    // Langfuse keeps an OpenTelemetry span's own attributes in `metadata.attributes`.
    let nested = attrs
        .iter()
        .find(|(k, _)| *k == "metadata")
        .and_then(|(_, v)| nested_attributes(&v.to_string()));
    if let Some(nested) = nested {
        let refs: Vec<(&str, ValueRef)> = nested
            .iter()
            .map(|(k, v)| (k.as_str(), ValueRef::Str(v.as_str())))
            .collect();
        if let Some(chat) = from_attributes(&refs) {
            return chat;
        }
    }
    from_payloads(&attrs).unwrap_or_default()
}

/// The members of `{"attributes": {…}}` in a JSON text, each value as text.
fn nested_attributes(text: &str) -> Option<Vec<(String, String)>> {
    with_raw(text, |raw| {
        let Json::Object(members) = classify(raw) else {
            return None;
        };
        let Json::Object(attrs) = classify(member(&members, "attributes")?) else {
            return None;
        };
        Some(
            attrs
                .iter()
                .map(|(k, v)| (k.to_string(), as_text(v)))
                .collect(),
        )
    })
    .flatten()
}

/// Messages from the conventions that name their attributes.
fn from_attributes(attrs: &[(&str, ValueRef)]) -> Option<Chat> {
    let get = |key: &str| {
        attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .filter(|v| !matches!(v, ValueRef::Empty))
    };
    if get("gen_ai.input.messages").is_some() || get("gen_ai.output.messages").is_some() {
        let mut input: Vec<Message> = get("gen_ai.system_instructions")
            .map(system_instructions)
            .into_iter()
            .collect();
        input.extend(
            get("gen_ai.input.messages").map_or_else(Vec::new, |v| value_messages(v, "user")),
        );
        let output =
            get("gen_ai.output.messages").map_or_else(Vec::new, |v| value_messages(v, "assistant"));
        return Some(Chat {
            input,
            output,
            source: "gen_ai.input.messages / gen_ai.output.messages".into(),
        });
    }
    let indexed_conventions: [(&str, &str, FieldReader, &'static str); 2] = [
        (
            "llm.input_messages.",
            "llm.output_messages.",
            openinference_field,
            "llm.input_messages / llm.output_messages",
        ),
        (
            "gen_ai.prompt.",
            "gen_ai.completion.",
            openllmetry_field,
            "gen_ai.prompt / gen_ai.completion",
        ),
    ];
    for (input_prefix, output_prefix, reader, source) in indexed_conventions {
        let input = indexed(attrs, input_prefix, reader);
        let output = indexed(attrs, output_prefix, reader);
        if !input.is_empty() || !output.is_empty() {
            return Some(Chat {
                input,
                output,
                source: source.into(),
            });
        }
    }
    vercel(&get)
}

/// Messages from whole input and output payloads.
fn from_payloads(attrs: &[(&str, ValueRef)]) -> Option<Chat> {
    let get = |key: &str| {
        attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .filter(|v| !matches!(v, ValueRef::Empty))
    };
    for (input_key, output_key, source) in PAYLOADS {
        let (i, o) = (get(input_key), get(output_key));
        if i.is_none() && o.is_none() {
            continue;
        }
        return Some(Chat {
            input: i.map_or_else(Vec::new, |v| value_messages(v, "user")),
            output: o.map_or_else(Vec::new, |v| value_messages(v, "assistant")),
            source: source.into(),
        });
    }
    None
}

/// The Vercel AI SDK's prompt and response attributes.
fn vercel<'a>(get: &impl Fn(&str) -> Option<ValueRef<'a>>) -> Option<Chat> {
    let prompt = get("ai.prompt.messages").or_else(|| get("ai.prompt"));
    let text = get("ai.response.text");
    let calls = get("ai.response.toolCalls");
    let object = get("ai.response.object");
    if prompt.is_none() && text.is_none() && calls.is_none() && object.is_none() {
        return None;
    }
    let mut reply = Message {
        role: "assistant".to_string(),
        ..Message::default()
    };
    if let Some(t) = text.or(object) {
        reply.text = t.to_string();
    }
    if let Some(calls) = calls {
        reply.tool_calls = with_raw(&calls.to_string(), |raw| {
            array(raw).into_iter().filter_map(tool_call_of).collect()
        })
        .unwrap_or_default();
    }
    let has_reply = !reply.text.is_empty() || !reply.tool_calls.is_empty();
    Some(Chat {
        input: prompt.map_or_else(Vec::new, |v| value_messages(v, "user")),
        output: if has_reply { vec![reply] } else { Vec::new() },
        source: "ai.prompt / ai.response".into(),
    })
}

/// `gen_ai.system_instructions`: a list of parts (or plain text) as one system message.
fn system_instructions(value: ValueRef) -> Message {
    let text = value.to_string();
    let mut m = Message {
        role: "system".to_string(),
        ..Message::default()
    };
    let parts = with_raw(&text, |raw| match classify(raw) {
        Json::Array(parts) => {
            let mut texts = Vec::new();
            for p in parts {
                read_part(p, &mut texts, &mut m);
            }
            Some(texts.join("\n\n"))
        }
        _ => None,
    });
    m.text = parts.flatten().unwrap_or(text);
    m
}

/// Messages carried by span events: OpenTelemetry's older `gen_ai.<role>.message` and
/// `gen_ai.choice` events, OpenLLMetry's `gen_ai.content.prompt`/`completion`, and Monocle's
/// `data.input`/`data.output`.
fn from_events(span: &SpanView) -> Option<Chat> {
    let mut chat = Chat::default();
    for ev in span.events() {
        let attr = |key: &str| {
            ev.attributes
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
        };
        let role = ev
            .name
            .strip_prefix("gen_ai.")
            .and_then(|r| r.strip_suffix(".message"));
        if let Some(role) = role {
            let body = attr("content")
                .or_else(|| attr("body"))
                .or_else(|| attr("message"));
            let mut ms = body.map_or_else(Vec::new, |b| value_messages(b, role));
            for m in &mut ms {
                m.role = normal_role(role);
            }
            chat.input.extend(ms);
            chat.source = "gen_ai.*.message / gen_ai.choice events".into();
        } else if ev.name == "gen_ai.choice" {
            let body = attr("message")
                .or_else(|| attr("content"))
                .or_else(|| attr("body"));
            chat.output
                .extend(body.map_or_else(Vec::new, |b| value_messages(b, "assistant")));
            chat.source = "gen_ai.*.message / gen_ai.choice events".into();
        } else if ev.name == "gen_ai.content.prompt" || ev.name == "gen_ai.content.completion" {
            let (key, role, out) = if ev.name.ends_with("prompt") {
                ("gen_ai.prompt", "user", &mut chat.input)
            } else {
                ("gen_ai.completion", "assistant", &mut chat.output)
            };
            out.extend(attr(key).map_or_else(Vec::new, |v| value_messages(v, role)));
            chat.source = "gen_ai.content.prompt / completion events".into();
        } else if ev.name == "data.input" || ev.name == "data.output" {
            let (role, out) = if ev.name == "data.input" {
                ("user", &mut chat.input)
            } else {
                ("assistant", &mut chat.output)
            };
            for key in ["input", "response", "output"] {
                out.extend(attr(key).map_or_else(Vec::new, |v| value_messages(v, role)));
            }
            chat.source = "data.input / data.output events".into();
        }
    }
    (!chat.is_empty()).then_some(chat)
}

/// Runs `f` on `text` parsed as JSON, if it is JSON.
fn with_raw<T>(text: &str, f: impl FnOnce(&RawValue) -> T) -> Option<T> {
    serde_json::from_str::<&RawValue>(text).ok().map(f)
}

/// Messages from an attribute value: JSON (in a string or not) read as a payload, or plain text
/// as one message.
fn value_messages(value: ValueRef, default_role: &str) -> Vec<Message> {
    let text = value.to_string();
    let trimmed = text.trim_start();
    if trimmed.starts_with(['{', '[', '"'])
        && let Some(messages) = with_raw(&text, |raw| payload(raw, default_role, 0))
    {
        return messages;
    }
    if text.is_empty() {
        return Vec::new();
    }
    vec![Message {
        role: default_role.to_string(),
        text,
        ..Message::default()
    }]
}

/// A JSON value, classified.
enum Json<'a> {
    Str(String),
    Array(Vec<&'a RawValue>),
    Object(Vec<(Text<'a>, &'a RawValue)>),
    Null,
    Other(&'a str),
}

fn classify(raw: &RawValue) -> Json<'_> {
    let t = raw.get().trim();
    match t.as_bytes().first() {
        Some(b'"') => {
            serde_json::from_str::<Text>(t).map_or(Json::Other(t), |s| Json::Str(s.0.into_owned()))
        }
        Some(b'[') => serde_json::from_str(t).map_or(Json::Other(t), Json::Array),
        Some(b'{') => object_members(t).map_or(Json::Other(t), Json::Object),
        Some(b'n') | None => Json::Null,
        Some(_) => Json::Other(t),
    }
}

fn array(raw: &RawValue) -> Vec<&RawValue> {
    match classify(raw) {
        Json::Array(items) => items,
        _ => Vec::new(),
    }
}

/// A member of an object.
fn member<'a>(members: &[(Text<'a>, &'a RawValue)], key: &str) -> Option<&'a RawValue> {
    members
        .iter()
        .find(|(k, _)| &**k == key)
        .map(|(_, v)| *v)
        .filter(|v| v.get().trim() != "null")
}

/// A string member.
fn string(members: &[(Text<'_>, &RawValue)], key: &str) -> Option<String> {
    match classify(member(members, key)?) {
        Json::Str(s) => Some(s),
        Json::Other(t) => Some(t.to_string()),
        _ => None,
    }
}

/// A value as text: a string's content, anything else as its JSON.
fn as_text(raw: &RawValue) -> String {
    match classify(raw) {
        Json::Str(s) => s,
        Json::Null => String::new(),
        _ => raw.get().trim().to_string(),
    }
}

/// Messages found in a payload: a string, a list of messages, a request or response object
/// that holds them, or (when none of these) the payload itself as one message.
fn payload(raw: &RawValue, default_role: &str, depth: usize) -> Vec<Message> {
    let one = |text: String| {
        vec![Message {
            role: default_role.to_string(),
            text,
            ..Message::default()
        }]
    };
    if depth > MAX_DEPTH {
        return one(raw.get().to_string());
    }
    match classify(raw) {
        Json::Null => Vec::new(),
        Json::Other(t) => one(t.to_string()),
        Json::Str(s) => {
            let inner = s.trim_start();
            if inner.starts_with(['{', '['])
                && let Some(m) = with_raw(&s, |r| payload(r, default_role, depth + 1))
            {
                return m;
            }
            if s.is_empty() { Vec::new() } else { one(s) }
        }
        Json::Array(items) => {
            if !items.is_empty() && items.iter().all(|i| is_tool_call(i)) {
                let calls = items.into_iter().filter_map(tool_call_of).collect();
                return vec![Message {
                    role: "assistant".to_string(),
                    tool_calls: calls,
                    ..Message::default()
                }];
            }
            if items.iter().all(|i| is_message_like(i)) {
                items
                    .iter()
                    .flat_map(|i| payload(i, default_role, depth + 1))
                    .collect()
            } else {
                one(raw.get().to_string())
            }
        }
        Json::Object(members) => object_payload(raw, &members, default_role, depth),
    }
}

/// Whether a list item is a bare tool call (`{toolCallId, toolName, …}`, `{function: …}`).
fn is_tool_call(raw: &RawValue) -> bool {
    match classify(raw) {
        Json::Object(m) => {
            member(&m, "toolName").is_some()
                || (member(&m, "function").is_some() && member(&m, "role").is_none())
        }
        _ => false,
    }
}

/// Whether a list item can be read as messages (a message, a string, or a nested list).
fn is_message_like(raw: &RawValue) -> bool {
    match classify(raw) {
        Json::Str(_) | Json::Array(_) => true,
        Json::Object(m) => {
            message_role(&m).is_some()
                || member(&m, "choices").is_some()
                || member(&m, "message").is_some()
                || member(&m, "parts").is_some()
        }
        _ => false,
    }
}

fn object_payload(
    raw: &RawValue,
    members: &[(Text<'_>, &RawValue)],
    default_role: &str,
    depth: usize,
) -> Vec<Message> {
    let mut out = Vec::new();
    // Monocle's `{"system": "…"}`, `{"human": "…"}`, `{"ai": {…}}`: one member named by its role.
    if let [(key, value)] = members {
        let role = normal_role(key);
        if ["system", "user", "assistant", "tool"].contains(&role.as_str()) {
            let mut m = Message {
                role,
                ..Message::default()
            };
            match tool_call_of(value) {
                Some(call) => m.tool_calls.push(call),
                None => m.text = as_text(value),
            }
            return vec![m];
        }
    }
    if let Some(calls) = member(members, "tools").map(array).filter(|items| {
        !items.is_empty()
            && items.iter().all(
                |i| matches!(classify(i), Json::Object(m) if member(&m, "tool_name").is_some()),
            )
    }) {
        return vec![Message {
            role: "assistant".to_string(),
            tool_calls: calls.into_iter().filter_map(tool_call_of).collect(),
            ..Message::default()
        }];
    }
    if let Some(system) = member(members, "system").filter(|_| member(members, "role").is_none()) {
        out.push(Message {
            role: "system".to_string(),
            text: as_text(system),
            ..Message::default()
        });
    }
    for key in ["messages", "contents", "all_messages", "new_message"] {
        if let Some(m) = member(members, key) {
            out.extend(payload(m, default_role, depth + 1));
            return out;
        }
    }
    if let Some(choices) = member(members, "choices") {
        for c in array(choices) {
            if let Json::Object(cm) = classify(c) {
                match member(&cm, "message").or_else(|| member(&cm, "delta")) {
                    Some(m) => out.extend(payload(m, default_role, depth + 1)),
                    None => out.extend(string(&cm, "text").map(|text| Message {
                        role: default_role.to_string(),
                        text,
                        ..Message::default()
                    })),
                }
            }
        }
        return out;
    }
    if let Some(gens) = member(members, "generations").or_else(|| member(members, "candidates")) {
        for g in array(gens).into_iter().flat_map(|g| match classify(g) {
            Json::Array(inner) => inner,
            _ => vec![g],
        }) {
            if let Json::Object(gm) = classify(g) {
                match member(&gm, "message").or_else(|| member(&gm, "content")) {
                    Some(m) => out.extend(payload(m, default_role, depth + 1)),
                    None => out.extend(string(&gm, "text").map(|text| Message {
                        role: default_role.to_string(),
                        text,
                        ..Message::default()
                    })),
                }
            }
        }
        return out;
    }
    let nested = ["message", "content", "output"].iter().find_map(|k| {
        member(members, k).filter(|m| match classify(m) {
            Json::Object(inner) => {
                message_role(&inner).is_some() || member(&inner, "parts").is_some()
            }
            Json::Array(items) => !items.is_empty() && items.iter().all(|i| is_message_like(i)),
            _ => false,
        })
    });
    if let Some(message) = nested.filter(|_| message_role(members).is_none()) {
        out.extend(payload(message, default_role, depth + 1));
        return out;
    }
    if message_role(members).is_some() || member(members, "parts").is_some() {
        out.push(message_of(members, default_role));
        return out;
    }
    for key in [
        "prompt", "text", "output", "answer", "result", "response", "content", "input", "query",
        "question",
    ] {
        if let Some(Json::Str(text)) = member(members, key).map(classify)
            && (members.len() <= 2 || key == "prompt")
        {
            out.push(Message {
                role: default_role.to_string(),
                text,
                ..Message::default()
            });
            return out;
        }
    }
    out.push(Message {
        role: default_role.to_string(),
        text: raw.get().trim().to_string(),
        ..Message::default()
    });
    out
}

/// The role an object names: `role`, a LangChain `type` or serialized class, or `None` when the
/// object is no message.
fn message_role(members: &[(Text<'_>, &RawValue)]) -> Option<String> {
    if let Some(role) = string(members, "role") {
        return Some(normal_role(&role));
    }
    if member(members, "lc").is_some() {
        let class = member(members, "id")
            .map(array)
            .and_then(|ids| ids.last().map(|c| as_text(c)))
            .unwrap_or_default();
        return Some(
            match class.trim_end_matches("Chunk") {
                "HumanMessage" => "user",
                "AIMessage" => "assistant",
                "SystemMessage" => "system",
                "ToolMessage" | "FunctionMessage" => "tool",
                _ => {
                    return member(members, "kwargs").and_then(|k| match classify(k) {
                        Json::Object(km) => message_role(&km),
                        _ => None,
                    });
                }
            }
            .to_string(),
        );
    }
    match string(members, "type").as_deref() {
        Some(t @ ("human" | "ai" | "system" | "tool" | "function" | "user" | "assistant")) => {
            Some(normal_role(t))
        }
        Some("function_call") => Some("assistant".to_string()),
        Some("function_call_output") => Some("tool".to_string()),
        _ => None,
    }
}

fn normal_role(role: &str) -> String {
    match role.to_ascii_lowercase().as_str() {
        "human" | "user" => "user",
        "ai" | "assistant" | "model" | "bot" => "assistant",
        "system" | "developer" => "system",
        "tool" | "function" | "ipython" => "tool",
        _ => return role.to_string(),
    }
    .to_string()
}

/// One message object, in any of the conventions.
fn message_of(members: &[(Text<'_>, &RawValue)], default_role: &str) -> Message {
    if member(members, "lc").is_some()
        && let Some(Json::Object(kwargs)) = member(members, "kwargs").map(classify)
    {
        let mut m = message_of(&kwargs, default_role);
        if let Some(role) = message_role(members) {
            m.role = role;
        }
        return m;
    }
    let mut m = Message {
        role: message_role(members).unwrap_or_else(|| default_role.to_string()),
        tool_call_id: string(members, "tool_call_id")
            .or_else(|| string(members, "toolCallId"))
            .unwrap_or_default(),
        ..Message::default()
    };
    let mut texts: Vec<String> = Vec::new();
    match string(members, "type").as_deref() {
        // OpenAI Responses items: a call, or a call's output.
        Some("function_call") => {
            m.tool_calls.extend(tool_call_of_item(members));
            return m;
        }
        Some("function_call_output") => {
            m.tool_call_id = string(members, "call_id").unwrap_or_default();
            m.text = member(members, "output").map(as_text).unwrap_or_default();
            return m;
        }
        _ => {}
    }
    if let Some(content) = member(members, "content").or_else(|| member(members, "parts")) {
        match classify(content) {
            Json::Str(s) => texts.push(s),
            Json::Array(parts) => {
                for part in parts {
                    read_part(part, &mut texts, &mut m);
                }
            }
            Json::Null => {}
            _ => texts.push(content.get().trim().to_string()),
        }
    } else if let Some(text) = string(members, "text") {
        texts.push(text);
    }
    for call in member(members, "tool_calls").map(array).unwrap_or_default() {
        m.tool_calls.extend(tool_call_of(call));
    }
    if let Some(call) = member(members, "function_call") {
        m.tool_calls.extend(tool_call_of(call));
    }
    m.text = texts.join("\n\n");
    m
}

/// One content part: text, a tool call, a tool result, or a placeholder for media.
fn read_part(part: &RawValue, texts: &mut Vec<String>, m: &mut Message) {
    let members = match classify(part) {
        Json::Str(s) => {
            texts.push(s);
            return;
        }
        Json::Object(members) => members,
        _ => return,
    };
    let ty = string(&members, "type").unwrap_or_default();
    match ty.as_str() {
        "tool_use" | "tool_call" | "tool-call" | "function_call" => {
            m.tool_calls.extend(tool_call_of(part));
        }
        "tool_result" | "tool_call_response" | "tool-result" | "function_call_output" => {
            if m.tool_call_id.is_empty() {
                m.tool_call_id = ["tool_use_id", "id", "toolCallId", "call_id"]
                    .iter()
                    .find_map(|k| string(&members, k))
                    .unwrap_or_default();
            }
            let result = ["content", "response", "output", "result"]
                .iter()
                .find_map(|k| member(&members, k));
            if let Some(r) = result {
                texts.push(part_text(r));
            }
        }
        "image" | "image_url" | "input_image" | "blob" | "uri" | "file" | "input_audio" => {
            texts.push(format!("[{ty}]"));
        }
        _ => {
            if let Some(call) =
                member(&members, "functionCall").or_else(|| member(&members, "function_call"))
            {
                m.tool_calls.extend(tool_call_of(call));
            } else if let Some(resp) = member(&members, "functionResponse")
                .or_else(|| member(&members, "function_response"))
            {
                texts.push(resp.get().trim().to_string());
            } else if let Some(t) = ["text", "content", "thinking", "refusal"]
                .iter()
                .find_map(|k| string(&members, k))
            {
                texts.push(t);
            } else if !ty.is_empty() {
                texts.push(format!("[{ty}]"));
            }
        }
    }
}

/// A tool result's text: a string, text parts joined, or its JSON.
fn part_text(raw: &RawValue) -> String {
    match classify(raw) {
        Json::Array(parts) => {
            let mut texts = Vec::new();
            let mut scratch = Message::default();
            for p in parts {
                read_part(p, &mut texts, &mut scratch);
            }
            texts.join("\n\n")
        }
        _ => as_text(raw),
    }
}

/// A tool call in OpenAI (`{id, function: {name, arguments}}`), LangChain (`{name, args, id}`),
/// Anthropic (`{id, name, input}`), OpenTelemetry (`{id, name, arguments}`), Vercel
/// (`{toolCallId, toolName, args|input}`) or Gemini (`{name, args}`) form.
fn tool_call_of(raw: &RawValue) -> Option<ToolCall> {
    let Json::Object(members) = classify(raw) else {
        return None;
    };
    tool_call_of_item(&members)
}

/// A tool call from an object's members.
fn tool_call_of_item(members: &[(Text<'_>, &RawValue)]) -> Option<ToolCall> {
    let members = members.to_vec();
    let function = member(&members, "function").and_then(|f| match classify(f) {
        Json::Object(fm) => Some(fm),
        _ => None,
    });
    let from = function.as_deref().unwrap_or(&members);
    let name = ["name", "toolName", "tool_name"]
        .iter()
        .find_map(|k| string(from, k))?;
    let arguments = ["arguments", "args", "input", "tool_arguments"]
        .iter()
        .find_map(|k| member(from, k))
        .map(as_text)
        .unwrap_or_default();
    let id = ["id", "toolCallId", "call_id", "tool_id"]
        .iter()
        .find_map(|k| string(&members, k))
        .unwrap_or_default();
    Some(ToolCall {
        id,
        name,
        arguments,
    })
}

/// Text parts of one message by their index.
type Parts = BTreeMap<usize, String>;

/// What one flattened attribute says about message `index`.
type FieldReader = fn(&str, String, &mut Message, &mut Parts);

/// Messages from flattened, indexed attributes (`<prefix>N.<field>`), in index order.
fn indexed(attrs: &[(&str, ValueRef)], prefix: &str, read: FieldReader) -> Vec<Message> {
    let mut by_index: BTreeMap<usize, (Message, Parts)> = BTreeMap::new();
    for (key, value) in attrs {
        let Some(rest) = key.strip_prefix(prefix) else {
            continue;
        };
        let Some((n, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        let (message, parts) = by_index.entry(n).or_default();
        read(field, value.to_string(), message, parts);
    }
    by_index
        .into_values()
        .map(|(mut m, parts)| {
            let texts: Vec<String> = parts.into_values().filter(|t| !t.is_empty()).collect();
            if !texts.is_empty() {
                if !m.text.is_empty() {
                    m.text.push_str("\n\n");
                }
                m.text.push_str(&texts.join("\n\n"));
            }
            m.role = normal_role(&m.role);
            m
        })
        .collect()
}

/// Sets field `index` of a tool call list, growing it as needed.
fn tool_call_field(calls: &mut Vec<ToolCall>, index: &str, set: impl FnOnce(&mut ToolCall)) {
    let Ok(i) = index.parse::<usize>() else {
        return;
    };
    if i >= 1024 {
        return;
    }
    if calls.len() <= i {
        calls.resize(i + 1, ToolCall::default());
    }
    set(&mut calls[i]);
}

/// OpenInference: `message.role`, `message.content`, `message.contents.K.message_content.text`,
/// `message.tool_calls.M.tool_call.{id, function.name, function.arguments}`,
/// `message.tool_call_id`.
fn openinference_field(field: &str, value: String, m: &mut Message, parts: &mut Parts) {
    let Some(field) = field.strip_prefix("message.") else {
        return;
    };
    match field {
        "role" => m.role = value,
        "content" => m.text = value,
        "tool_call_id" => m.tool_call_id = value,
        _ => {
            if let Some(rest) = field.strip_prefix("contents.") {
                if let Some((k, what)) = rest.split_once('.') {
                    let Ok(k) = k.parse::<usize>() else { return };
                    match what {
                        "message_content.text" => {
                            parts.insert(k, value);
                        }
                        "message_content.image.image.url" => {
                            parts.entry(k).or_insert_with(|| "[image]".to_string());
                        }
                        _ => {}
                    }
                }
            } else if let Some(rest) = field.strip_prefix("tool_calls.")
                && let Some((i, what)) = rest.split_once('.')
            {
                tool_call_field(&mut m.tool_calls, i, |c| match what {
                    "tool_call.id" => c.id = value,
                    "tool_call.function.name" => c.name = value,
                    "tool_call.function.arguments" => c.arguments = value,
                    _ => {}
                });
            }
        }
    }
}

/// OpenLLMetry: `role`, `content`, `tool_call_id`, `tool_calls.M.{id, name, arguments}`.
fn openllmetry_field(field: &str, value: String, m: &mut Message, _parts: &mut Parts) {
    match field {
        "role" => m.role = value,
        "content" => m.text = value,
        "tool_call_id" => m.tool_call_id = value,
        _ => {
            if let Some(rest) = field.strip_prefix("tool_calls.")
                && let Some((i, what)) = rest.split_once('.')
            {
                tool_call_field(&mut m.tool_calls, i, |c| match what {
                    "id" => c.id = value,
                    "name" => c.name = value,
                    "arguments" => c.arguments = value,
                    _ => {}
                });
            }
        }
    }
}
