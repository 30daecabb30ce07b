//! The normalized model every importer produces: enums for kinds and status, attribute values,
//! and the column types shared by the [`crate::TraceSet`].

use crate::model::strings::StrId;
use serde::{Deserialize, Serialize};

/// Nanoseconds since the Unix epoch (or a duration in nanoseconds).
pub type Nanos = i64;

/// The OpenTelemetry span kind (the transport role of a span).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum OtelKind {
    /// Not given.
    #[default]
    Unspecified,
    /// An internal operation.
    Internal,
    /// The server side of a request.
    Server,
    /// The client side of a request.
    Client,
    /// A message producer.
    Producer,
    /// A message consumer.
    Consumer,
}

impl OtelKind {
    /// The kind for an OTLP enum number.
    pub fn from_code(code: i64) -> Option<OtelKind> {
        Some(match code {
            0 => OtelKind::Unspecified,
            1 => OtelKind::Internal,
            2 => OtelKind::Server,
            3 => OtelKind::Client,
            4 => OtelKind::Producer,
            5 => OtelKind::Consumer,
            _ => return None,
        })
    }

    /// The kind for a name such as `SPAN_KIND_CLIENT`, `CLIENT` or `SpanKind.CLIENT`.
    pub fn from_name(name: &str) -> Option<OtelKind> {
        let n = name.trim();
        let n = n.strip_prefix("SpanKind.").unwrap_or(n);
        let n = n.strip_prefix("SPAN_KIND_").unwrap_or(n);
        Some(match n.to_ascii_uppercase().as_str() {
            "UNSPECIFIED" | "" => OtelKind::Unspecified,
            "INTERNAL" => OtelKind::Internal,
            "SERVER" => OtelKind::Server,
            "CLIENT" => OtelKind::Client,
            "PRODUCER" => OtelKind::Producer,
            "CONSUMER" => OtelKind::Consumer,
            _ => return None,
        })
    }

    /// A short lowercase label.
    pub fn label(self) -> &'static str {
        match self {
            OtelKind::Unspecified => "unspecified",
            OtelKind::Internal => "internal",
            OtelKind::Server => "server",
            OtelKind::Client => "client",
            OtelKind::Producer => "producer",
            OtelKind::Consumer => "consumer",
        }
    }
}

/// What a span does in an LLM application, normalized across conventions.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum SpanKind {
    /// A call to a language model (chat or completion).
    Llm,
    /// A call to an embedding model.
    Embedding,
    /// A retrieval (vector search, document lookup).
    Retriever,
    /// A reranking step.
    Reranker,
    /// A tool or function call.
    Tool,
    /// An agent invocation.
    Agent,
    /// A chain or workflow step.
    Chain,
    /// A guardrail check.
    Guardrail,
    /// An evaluator.
    Evaluator,
    /// Anything else (HTTP, database, plain code).
    #[default]
    Other,
}

impl SpanKind {
    /// Every kind, `Other` last.
    pub const ALL: [SpanKind; 10] = [
        SpanKind::Llm,
        SpanKind::Embedding,
        SpanKind::Retriever,
        SpanKind::Reranker,
        SpanKind::Tool,
        SpanKind::Agent,
        SpanKind::Chain,
        SpanKind::Guardrail,
        SpanKind::Evaluator,
        SpanKind::Other,
    ];

    /// Whether a span of this kind is a call billed by its tokens: an LLM call, an embedding, a
    /// reranking (where it reports usage).
    pub fn is_billed(self) -> bool {
        matches!(
            self,
            SpanKind::Llm | SpanKind::Embedding | SpanKind::Reranker
        )
    }

    /// A short lowercase label, also used as a CSS class suffix.
    pub fn label(self) -> &'static str {
        match self {
            SpanKind::Llm => "llm",
            SpanKind::Embedding => "embedding",
            SpanKind::Retriever => "retriever",
            SpanKind::Reranker => "reranker",
            SpanKind::Tool => "tool",
            SpanKind::Agent => "agent",
            SpanKind::Chain => "chain",
            SpanKind::Guardrail => "guardrail",
            SpanKind::Evaluator => "evaluator",
            SpanKind::Other => "other",
        }
    }
}

/// A span's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum StatusCode {
    /// Not set.
    #[default]
    Unset,
    /// Explicitly successful.
    Ok,
    /// Failed.
    Error,
}

impl StatusCode {
    /// The status for an OTLP enum number.
    pub fn from_code(code: i64) -> Option<StatusCode> {
        Some(match code {
            0 => StatusCode::Unset,
            1 => StatusCode::Ok,
            2 => StatusCode::Error,
            _ => return None,
        })
    }

    /// The status for a name such as `STATUS_CODE_ERROR`, `ERROR` or `Ok`.
    pub fn from_name(name: &str) -> Option<StatusCode> {
        let n = name.trim();
        let n = n.strip_prefix("StatusCode.").unwrap_or(n);
        let n = n.strip_prefix("STATUS_CODE_").unwrap_or(n);
        Some(match n.to_ascii_uppercase().as_str() {
            "UNSET" | "" => StatusCode::Unset,
            "OK" => StatusCode::Ok,
            "ERROR" => StatusCode::Error,
            _ => return None,
        })
    }

    /// A short lowercase label.
    pub fn label(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }
}

/// An attribute value. Strings are interned; structured values (arrays, maps) keep their JSON
/// text and are decoded only when shown.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum AttrValue {
    /// A string.
    Str(StrId),
    /// A 64-bit integer, kept exact.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Bytes, as the base64 text the file carried.
    Bytes(StrId),
    /// An array or map, as its JSON text.
    Json(StrId),
    /// No value.
    Empty,
}

/// A half-open range of rows in one of the side tables (attributes, events, links).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rows {
    /// First row.
    pub start: u32,
    /// One past the last row.
    pub end: u32,
}

impl Rows {
    /// The rows as a `usize` range.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Number of rows.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether there are no rows.
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }
}

/// Where a span's original JSON lives: a byte range of one of the loaded sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RawRef {
    /// Index of the source file.
    pub source: u32,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// Problems the tree builder found on a span, as bit flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SpanFlags(pub u8);

impl SpanFlags {
    /// The span names a parent that is not in the loaded data; it is shown as a root.
    pub const ORPHAN: u8 = 1;
    /// The span's parent link closed a cycle and was cut; it is shown as a root.
    pub const CYCLE_BROKEN: u8 = 2;
    /// Another span in the same trace has the same id.
    pub const DUPLICATE_ID: u8 = 4;
    /// The span has no start or end time.
    pub const NO_TIMESTAMPS: u8 = 8;
    /// The span's id was empty or zero and was replaced by a synthetic one.
    pub const SYNTHETIC_ID: u8 = 16;
    /// The span's usage is its own call's even with LLM calls below it (the format says so, as
    /// Helicone's independent requests do), so it is counted, not taken for an aggregate.
    pub const OWN_USAGE: u8 = 32;

    /// Whether `flag` is set.
    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
}
