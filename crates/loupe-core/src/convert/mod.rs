//! Loaded traces written for the engines built for scale: OTLP/JSON, which Jaeger, Tempo,
//! Phoenix and any OpenTelemetry collector ingest ([`otlp`]).

pub mod otlp;
