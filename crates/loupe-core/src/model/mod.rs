//! The model every other part reads and writes: ids, interned strings, the columnar trace set,
//! scores, usage and price types, diagnostics, the formats' names, times, and the JSON helpers.
//! It imports nothing above it (a test, `tests/layers.rs`, keeps it so).

pub mod clock;
pub(crate) mod diagnostics;
mod format;
pub(crate) mod ids;
pub(crate) mod json;
pub mod limits;
pub(crate) mod scores;
pub(crate) mod set;
mod span;
pub(crate) mod strings;
pub(crate) mod usage;

pub use format::Format;
pub use span::{AttrValue, Nanos, OtelKind, RawRef, Rows, SpanFlags, SpanKind, StatusCode};
