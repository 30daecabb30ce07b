//! What Loupe computes from a loaded set: figures and percentiles ([`stats`]), cost
//! ([`cost`], from [`pricing`]), flame graphs ([`flame`]), the filter language ([`query`]),
//! paging and sorting of the trace list ([`browse`]), chats decoded from spans
//! ([`messages`]), model parameters ([`params`]) and comparisons ([`compare`]). It reads the
//! [`crate::model`] only: never an importer.

pub mod browse;
pub mod compare;
pub mod cost;
pub mod flame;
pub(crate) mod messages;
pub(crate) mod params;
pub mod pricing;
pub mod query;
pub mod stats;
