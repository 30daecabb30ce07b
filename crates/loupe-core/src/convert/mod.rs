//! Loaded traces written for the engines built for scale: OTLP/JSON, which Jaeger, Tempo,
//! Phoenix and any OpenTelemetry collector ingest ([`otlp`]), and Parquet, which DuckDB,
//! ClickHouse and Spark query ([`parquet`]).

pub mod otlp;
pub mod parquet;
