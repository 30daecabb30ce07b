//! The formats Loupe reads, as the files' sources name them.

/// The formats Loupe reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// OTLP/JSON: one export request, an array of them, or a wrapper (`result`, `batches`).
    OtlpJson,
    /// OTLP/JSON Lines: one export request per line, as the Collector's file exporter writes.
    OtlpJsonLines,
    /// Jaeger JSON: the query API's `{"data": […]}`, trace objects, span arrays, proto-JSON.
    Jaeger,
    /// Zipkin v2 JSON: an array of spans or a single span.
    Zipkin,
    /// OpenTelemetry Python span dumps (`ConsoleSpanExporter`, `ReadableSpan.to_json()`).
    OtelPython,
    /// Arize Phoenix span JSON (REST API, JSONL export).
    Phoenix,
    /// Langfuse trace downloads (`{trace, observations}`, `{observations, scores}`).
    Langfuse,
    /// MLflow `Trace.to_json()`: `{info, data: {spans}}`, or a list of them.
    Mlflow,
    /// LangSmith runs: run-ingest batches `{post, patch}` and arrays of runs.
    LangSmith,
    /// Chrome Trace Event format: an event array, or `{"traceEvents": […]}`.
    ChromeTrace,
    /// OpenTelemetry JS `ReadableSpan`s written out as JSON (`spanContext`, `HrTime` times).
    OtelJs,
    /// One span's attributes on their own (a flat map, or `{scopeName, spanName, attributes}`).
    SpanAttributes,
    /// Tracetest's nested trace model (`{ID, RootSpan: {Children: […]}}`).
    Tracetest,
    /// Helicone request exports (JSON Lines or a JSON array of request records).
    Helicone,
    /// Loupe's own session bundles (`*.loupe.json.gz`).
    LoupeBundle,
    /// Parquet with Loupe's span columns (`loupe convert --to parquet`, or a query over it).
    Parquet,
}

impl Format {
    /// The stable name used by the CLI's JSON output.
    pub fn label(self) -> &'static str {
        match self {
            Format::OtlpJson => "otlp-json",
            Format::OtlpJsonLines => "otlp-jsonl",
            Format::Jaeger => "jaeger",
            Format::Zipkin => "zipkin",
            Format::OtelPython => "otel-python",
            Format::Phoenix => "phoenix",
            Format::Langfuse => "langfuse",
            Format::Mlflow => "mlflow",
            Format::LangSmith => "langsmith",
            Format::ChromeTrace => "chrome-trace",
            Format::OtelJs => "otel-js",
            Format::SpanAttributes => "span-attributes",
            Format::Tracetest => "tracetest",
            Format::Helicone => "helicone",
            Format::LoupeBundle => "loupe-bundle",
            Format::Parquet => "parquet",
        }
    }
}
