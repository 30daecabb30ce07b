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

mod analysis;
pub mod engine;
pub mod generate;
mod import;
mod model;
mod share;
pub mod wire;

pub use analysis::messages::{Chat, Message, ToolCall};
pub use analysis::{browse, compare, cost, display, flame, flame_text, pricing, query, stats};
pub use import::builder::{FileReport, TraceSetBuilder, add_file, import, remove_file};
pub use import::error::{ImportError, SUPPORTED_FORMATS};
pub use import::feed::FileFeed;
pub use import::split::{MIN_SHARE, Part, SplitKind, find_split, split_places};
pub use import::stream;
pub use model::clock;
pub use model::diagnostics::{Diagnostic, DiagnosticKind, Diagnostics};
pub use model::ids::{BadId, SpanId, TraceId};
pub use model::json::shown;
pub use model::limits;
pub use model::scores::{ScoreRef, ScoreValueRef};
pub use model::set::{EventRef, LinkRef, Source, SpanView, Totals, Trace, TraceSet, ValueRef};
pub use model::strings::StrId;
pub use model::usage::{Reported, TokenCounts, Usage};
pub use model::{Format, Nanos, OtelKind, RawRef, SpanFlags, SpanKind, StatusCode};
pub use share::{bundle, convert, dump, redact, report};
