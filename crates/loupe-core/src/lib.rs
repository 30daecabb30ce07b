//! Loupe's engine.
//!
//! The pipeline: bytes → gzip detected by magic bytes → format detected from content → one
//! importer per format → one normalized, columnar model → span trees → analyses.
//!
//! ```
//! let otlp = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[
//!   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
//!    "name":"chat gpt-4o","startTimeUnixNano":"1","endTimeUnixNano":"11",
//!    "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
//!                  {"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}}]}]}]}]}"#;
//! let set = loupe_core::import(otlp, "trace.json").unwrap();
//! let totals = set.totals();
//! assert_eq!((totals.traces, totals.spans, totals.llm_calls, totals.input_tokens), (1, 1, 1, 12));
//! ```
//!
//! The crate knows nothing of any UI: the app and the CLI call it.

pub mod browse;
mod builder;
pub mod bundle;
mod carry;
pub mod compare;
pub mod convert;
pub mod cost;
mod diagnostics;
pub mod dump;
pub mod engine;
mod error;
pub mod flame;
mod format;
pub mod generate;
mod ids;
mod import;
mod input;
pub mod limits;
mod llm;
mod merge;
mod messages;
mod model;
mod params;
pub mod pricing;
pub mod query;
pub mod redact;
pub mod report;
mod scores;
mod set;
pub mod stats;
pub mod stream;
mod strings;
mod text;
pub use text::shown;
mod timefmt;
mod tree;
pub mod wire;

pub use builder::{FileReport, TraceSetBuilder, add_file, import, remove_file};
pub use diagnostics::{Diagnostic, DiagnosticKind, Diagnostics};
pub use error::{ImportError, SUPPORTED_FORMATS};
pub use format::Format;
pub use ids::{BadId, SpanId, TraceId};
pub use import::feed::FileFeed;
pub use import::split::{MIN_SHARE, Part, SplitKind, find_split, split_places};
pub use llm::{Reported, TokenCounts, Usage};
pub use messages::{Chat, Message, ToolCall};
pub use model::{Nanos, OtelKind, RawRef, SpanFlags, SpanKind, StatusCode};
pub use scores::{ScoreRef, ScoreValueRef};
pub use set::{EventRef, LinkRef, Source, SpanView, Totals, Trace, TraceSet, ValueRef};
pub use strings::StrId;
