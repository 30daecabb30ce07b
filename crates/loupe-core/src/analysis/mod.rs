//! What Loupe computes from a loaded set: figures and percentiles ([`stats`]), cost
//! ([`cost`], from [`pricing`]), flame graphs ([`flame`], their labels
//! and tooltips in [`flame_text`]), the filter language ([`query`]),
//! paging and sorting of the trace list ([`browse`]), chats decoded from spans
//! ([`messages`]), model parameters ([`params`]) and comparisons ([`compare`]), and how their
//! figures are written for people ([`display`]). It reads the [`crate::model`] only: never an
//! importer.

pub mod browse;
pub mod compare;
pub mod cost;
pub mod display;
pub mod flame;
pub mod flame_text;
pub(crate) mod messages;
pub(crate) mod params;
pub mod pricing;
pub mod query;
pub mod stats;
