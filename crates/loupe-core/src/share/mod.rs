//! What Loupe writes for others: session bundles ([`bundle`], redacted by [`redact`]),
//! standalone HTML reports ([`report`]), OTLP and Parquet ([`convert`]), and the text dump of a
//! set that snapshot tests compare ([`dump`]). It may read everything below it.

pub mod bundle;
pub mod convert;
pub mod dump;
pub mod redact;
pub mod report;
