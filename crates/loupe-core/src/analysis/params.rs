//! A model call's parameters (temperature, top-p, the token limit and the like), read on demand
//! for the span detail from whichever convention records them: OpenTelemetry GenAI
//! `gen_ai.request.*`, OpenInference's `llm.invocation_parameters`, Langfuse's
//! `langfuse.observation.model.parameters` (its SDKs over OTLP) and `modelParameters` (its
//! download), the Vercel AI SDK's `ai.settings.*`, and LangSmith's `extra.invocation_params`.

use crate::model::json::object_members;
use crate::model::set::{SpanView, ValueRef};
use serde_json::value::RawValue;

/// `gen_ai.request.*` keys that are parameters (the model's name is shown on its own).
const GENAI_REQUEST: [&str; 10] = [
    "temperature",
    "top_p",
    "top_k",
    "max_tokens",
    "frequency_penalty",
    "presence_penalty",
    "seed",
    "stop_sequences",
    "choice.count",
    "encoding_formats",
];

/// Keys whose value is a JSON object of parameters.
const PARAMETER_OBJECTS: [&str; 3] = [
    "llm.invocation_parameters",
    "langfuse.observation.model.parameters",
    "modelParameters",
];

/// A JSON value as shown: a string as its text, anything else as its JSON.
fn shown(raw: &RawValue) -> String {
    serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_string())
}

/// The members of a JSON object (given as JSON text), as parameters.
fn members_of(json: &str, out: &mut Vec<(String, String)>) {
    // Langfuse's SDKs write the object as JSON inside a string.
    let unwrapped = serde_json::from_str::<String>(json).ok();
    let json = unwrapped.as_deref().unwrap_or(json);
    for (k, v) in object_members(json).unwrap_or_default() {
        out.push((k.to_string(), shown(v)));
    }
}

/// The span's model parameters, name and value, in the order its attributes give them; a name
/// given twice keeps its first value.
pub fn model_parameters(span: &SpanView) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, value) in span.attributes() {
        let name = key
            .strip_prefix("gen_ai.request.")
            .filter(|n| GENAI_REQUEST.contains(n))
            .or_else(|| key.strip_prefix("ai.settings."));
        if let Some(name) = name {
            out.push((name.to_string(), value.to_string()));
        } else if PARAMETER_OBJECTS.contains(&key) {
            if let ValueRef::Json(json) | ValueRef::Str(json) = value {
                members_of(json, &mut out);
            }
        } else if key == "extra"
            && let ValueRef::Json(json) = value
            && let Some((_, params)) = object_members(json)
                .unwrap_or_default()
                .into_iter()
                .find(|(k, _)| &**k == "invocation_params")
        {
            members_of(params.get(), &mut out);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(name, _)| seen.insert(name.clone()));
    out
}
