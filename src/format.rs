//! Formatting figures for display: the engine's writers ([`loupe_core::display`]) and its
//! clock's UTC dates.

pub use loupe_core::display::{bytes, cost, count, duration, plural};

/// A Unix time in nanoseconds as a UTC date and time with milliseconds (the engine's clock).
pub use loupe_core::clock::utc_millis as timestamp;
