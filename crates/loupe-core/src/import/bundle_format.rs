//! The session bundle's file format (`*.loupe.json.gz`, see [`crate::share::bundle`] for how
//! one is written): the types its parts are written as and read back from, and what a loaded
//! bundle brings besides its traces ([`Extras`]: the view, price overrides and notes).

use crate::import::builder::TraceSetBuilder;
use crate::model::AttrValue;
use crate::model::json::Text;
use crate::model::set::TraceSet;
use crate::model::usage::{Price, Usage};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The version this build writes.
pub const BUNDLE_VERSION: u32 = 1;

/// The view a bundle opens on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// The tab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tab: Option<String>,
    /// The filter query.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub query: String,
    /// The open trace's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// The selected span's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<String>,
    /// How the open trace is drawn: `waterfall` (the default) or `flame`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The open trace's zoom: the visible window in nanoseconds from the trace's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom: Option<[i64; 2]>,
    /// What the aggregated flame graph is weighted by: `total`, `self`, `tokens` or `cost`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// The aggregated flame graph's focused node, as its path of span names from a root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<String>,
    /// What the Compare tab compares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<Comparing>,
}

/// The two sides of a comparison: the baseline and the candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparing {
    /// One trace against another, by their ids.
    Traces {
        /// The baseline trace's id.
        baseline: String,
        /// The candidate trace's id.
        candidate: String,
    },
    /// The traces one filter selects against those another selects (an empty filter selects
    /// every trace; `file:` selects a loaded file's).
    Sets {
        /// The baseline's filter.
        baseline: String,
        /// The candidate's filter.
        candidate: String,
    },
}

/// A note pinned to a trace or a span.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The trace's id.
    pub trace: String,
    /// The span's id, or none for the whole trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<String>,
    /// The note.
    pub text: String,
}

/// An attribute value in a bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Text(String),
    /// An array or map, as JSON text.
    Json {
        /// The JSON text.
        json: String,
    },
    /// Bytes, base64.
    Bytes {
        /// The base64 text.
        bytes: String,
    },
    /// No value.
    Empty(Option<()>),
}

/// A key and its value.
pub type Attribute = (String, Value);

/// A span event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When, in Unix nanoseconds.
    #[serde(default)]
    pub time: Option<i64>,
    /// Its name.
    pub name: String,
    /// Its attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A span link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// The linked trace, hex.
    #[serde(default)]
    pub trace_id: Option<String>,
    /// The linked span, hex.
    #[serde(default)]
    pub span_id: Option<String>,
    /// Its attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A span in normalized form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The trace id, hex.
    pub trace_id: String,
    /// The span id: hex, or the file's own text for opaque ids.
    pub span_id: String,
    /// The id as shown, where it differs from `span_id` (the server half of a Zipkin span
    /// shows the id it shares with its client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_id: Option<String>,
    /// The parent's id, as `span_id` writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// The name.
    pub name: String,
    /// The service.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service: String,
    /// The kind (`llm`, `tool`, …).
    pub kind: String,
    /// The OpenTelemetry kind (`client`, `server`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub otel_kind: String,
    /// `ok`, `error` or `unset`.
    pub status: String,
    /// The status message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status_message: String,
    /// Start, Unix nanoseconds; none where the file gave none.
    #[serde(default)]
    pub start: Option<i64>,
    /// End, Unix nanoseconds.
    #[serde(default)]
    pub end: Option<i64>,
    /// The model.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub model: String,
    /// The provider.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub provider: String,
    /// The session.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub session: String,
    /// The user.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Tokens, cost and time to first token, normalized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The usage is this call's own even with LLM calls below it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own_usage: bool,
    /// Index into the bundle's resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<u32>,
    /// Attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// Links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// What a trace records beyond its spans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// The trace id, hex.
    pub id: String,
    /// The session.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub session: String,
    /// The user.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A score's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ScoreVal {
    /// A number.
    Number(f64),
    /// A label.
    Label(String),
}

/// A score or piece of feedback.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The trace id, hex.
    pub trace: String,
    /// The span's id, or none for the whole trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<String>,
    /// What was scored.
    pub name: String,
    /// The value.
    pub value: ScoreVal,
    /// The comment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// Who gave it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// What goes into a bundle besides the traces, and what a loaded bundle brings back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Extras {
    /// The view.
    pub view: View,
    /// Price overrides.
    pub prices: BTreeMap<String, Price>,
    /// Notes.
    pub notes: Vec<Note>,
    /// When (RFC 3339).
    pub created: Option<String>,
}

/// Whether a document's members are a bundle's.
pub(crate) fn is_bundle(members: &[(Text<'_>, &RawValue)]) -> bool {
    members.iter().any(|(k, _)| &**k == "loupe_bundle")
}

/// An attribute value as the builder stores it.
pub(crate) fn attr_value(builder: &mut TraceSetBuilder, v: &Value) -> AttrValue {
    match v {
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::Int(i) => AttrValue::Int(*i),
        Value::Float(f) => AttrValue::Float(*f),
        Value::Text(s) => AttrValue::Str(builder.intern(s)),
        Value::Json { json } => AttrValue::Json(builder.intern(json)),
        Value::Bytes { bytes } => AttrValue::Bytes(builder.intern(bytes)),
        Value::Empty(_) => AttrValue::Empty,
    }
}

impl TraceSet {
    /// What loaded session bundles bring besides their traces (view, prices, notes), in load
    /// order.
    pub fn bundle_extras(&self) -> Vec<Extras> {
        self.bundle_extras
            .iter()
            .filter_map(|(_, json)| serde_json::from_str(json).ok())
            .collect()
    }
}
