//! Format detection from content. The file name is never consulted: the top-level shape of the
//! JSON decides.

use crate::import::cursor::Cursor;
use crate::import::error::{ImportError, json_error_at};
use crate::model::Format;
use crate::model::json::{Members, Text, object_members};
use serde_json::value::RawValue;

/// The top level of a JSON document, with its members left unparsed.
enum Document<'a> {
    /// An object: its members in file order.
    Object(Vec<(Text<'a>, &'a RawValue)>),
    /// An array: its elements.
    Array(Vec<&'a RawValue>),
}

/// Top-level keys that mark an OTLP export request (traces, or other signals to skip).
const OTLP_KEYS: [&str; 8] = [
    "trace_requests",
    "resourceSpans",
    "resource_spans",
    "batches",
    "resourceLogs",
    "resourceMetrics",
    "resource_logs",
    "resource_metrics",
];

fn is_otlp_request(members: &[(Text<'_>, &RawValue)]) -> bool {
    members.iter().any(|(k, v)| {
        OTLP_KEYS.contains(&k.as_ref())
            || (&**k == "result"
                && object_members(v.get()).is_ok_and(|inner| is_otlp_request(&inner)))
    })
}

fn has(members: &[(Text<'_>, &RawValue)], key: &str) -> bool {
    members.iter().any(|(k, _)| &**k == key)
}

/// A Jaeger trace object (`traceID`, `spans`, `processes`) or a Jaeger span
/// (`operationName` with `spanID` or `spanId`).
fn is_jaeger_trace_or_span(members: &[(Text<'_>, &RawValue)]) -> bool {
    (has(members, "spans") && (has(members, "traceID") || has(members, "processes")))
        || (has(members, "operationName") && (has(members, "spanID") || has(members, "spanId")))
}

/// Whether an object is a Jaeger document: the API envelope, a trace, or `{"spans": […]}` of
/// Jaeger spans.
fn is_jaeger_document(members: &[(Text<'_>, &RawValue)]) -> bool {
    let first_is_jaeger = |key: &str| {
        members
            .iter()
            .find(|(k, _)| &**k == key)
            .and_then(|(_, v)| serde_json::from_str::<Vec<&RawValue>>(v.get()).ok())
            .and_then(|items| items.first().copied())
            .and_then(|first| object_members(first.get()).ok())
            .is_some_and(|m| is_jaeger_trace_or_span(&m))
    };
    is_jaeger_trace_or_span(members) || first_is_jaeger("data") || first_is_jaeger("spans")
}

/// A Zipkin v2 span: `traceId` and `id`, without Jaeger's or OTLP's keys.
fn is_zipkin_span(members: &[(Text<'_>, &RawValue)]) -> bool {
    has(members, "traceId") && has(members, "id") && !has(members, "spans")
}

/// A span with a `context` object: Phoenix span JSON (`span_kind` or a top-level
/// `status_code`) or an OpenTelemetry Python dump.
fn span_json_format(members: &[(Text<'_>, &RawValue)]) -> Option<Format> {
    if !(has(members, "context") && (has(members, "start_time") || has(members, "parent_id"))) {
        return None;
    }
    Some(
        if has(members, "span_kind") || has(members, "status_code") {
            Format::Phoenix
        } else {
            Format::OtelPython
        },
    )
}

/// Several JSON values written one after another (pretty-printed objects, not one per line):
/// the format of the first, if it is span JSON.
fn concatenated_span_json(text: &str) -> Option<Format> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    let first = values.next()?.ok()?;
    values.next()?.ok()?;
    span_json_format(&object_members(first.get()).ok()?)
}

/// A Chrome trace event: a phase and a time or a process.
fn is_chrome_event(members: &[(Text<'_>, &RawValue)]) -> bool {
    has(members, "ph") && (has(members, "ts") || has(members, "pid"))
}

fn describe(members: &[(Text<'_>, &RawValue)]) -> String {
    let keys: Vec<&str> = members.iter().take(6).map(|(k, _)| k.as_ref()).collect();
    if keys.is_empty() {
        "an empty JSON object".to_string()
    } else {
        format!("a JSON object with keys {}", keys.join(", "))
    }
}

/// Whether the text holds several JSON values, one per line.
fn is_json_lines(text: &str) -> bool {
    let trimmed = text.trim_start();
    let Some(first_end) = trimmed.find('\n') else {
        return false;
    };
    let first = &trimmed[..first_end];
    !trimmed[first_end..].trim().is_empty()
        && serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok()
}

/// What detection found: the format, and how its importer reads the text.
pub(crate) enum Detected {
    /// JSON Lines; the importer reads line by line.
    Lines(Format),
    /// A document whose importer reads the whole text itself, each record parsed once.
    Records(Format),
}

impl Detected {
    /// The format found.
    pub fn format(&self) -> Format {
        match self {
            Detected::Lines(f) | Detected::Records(f) => *f,
        }
    }
}

/// The formats whose importers walk the text themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Walked {
    /// OTLP/JSON: a request, an array of them, or a wrapper.
    OtlpJson,
    /// Chrome Trace Event format: an event array (closed or not), or `{"traceEvents": […]}`.
    ChromeTrace,
    /// Jaeger JSON of many traces: the envelope `{"data": [trace…]}`, or an array of traces or
    /// spans.
    Jaeger,
    /// Zipkin v2 JSON of many traces: an array of arrays of spans.
    Zipkin,
    /// An array of span JSON objects (Phoenix, OpenTelemetry Python): the format they are.
    Spans(Format),
}

impl Walked {
    /// The format it is.
    pub fn format(self) -> Format {
        match self {
            Walked::OtlpJson => Format::OtlpJson,
            Walked::ChromeTrace => Format::ChromeTrace,
            Walked::Jaeger => Format::Jaeger,
            Walked::Zipkin => Format::Zipkin,
            Walked::Spans(format) => format,
        }
    }
}

/// The first key of a top-level object, read from the first bytes alone (`None` if the text
/// does not open with an object and a plain key).
fn first_key(text: &str) -> Option<&str> {
    let rest = text
        .trim_start()
        .strip_prefix('{')?
        .trim_start()
        .strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| &rest[..end])
}

/// The format of an array known from its first element alone, for the formats whose importers
/// walk the text themselves.
fn first_element_format(first: &Members) -> Option<Walked> {
    if is_otlp_request(first) {
        Some(Walked::OtlpJson)
    } else if is_chrome_event(first) {
        Some(Walked::ChromeTrace)
    } else {
        span_json_format(first).map(Walked::Spans)
    }
}

/// A format whose importer walks the text, known from the document's first key or first
/// element alone (`first`, the members of the first element of an array, read once by the
/// caller with [`first_element`]).
fn walked_from_start(text: &str, first: Option<&Members>) -> Option<Walked> {
    match first_key(text) {
        Some("resourceSpans" | "resource_spans") => Some(Walked::OtlpJson),
        Some("traceEvents") => Some(Walked::ChromeTrace),
        _ => first.and_then(first_element_format).or_else(|| {
            if jaeger_records_from_start(text, first) {
                Some(Walked::Jaeger)
            } else {
                zipkin_traces_from_start(text).then_some(Walked::Zipkin)
            }
        }),
    }
}

/// How a file can be read as it arrives, told from its first part.
pub(crate) enum Start {
    /// OTLP/JSON Lines: read line by line.
    Lines,
    /// A document whose importer walks it record by record.
    Walk(Walked),
    /// Another format: gathered whole and read at the end.
    Whole,
    /// The part is too short to tell.
    Unknown,
}

/// How a file whose first part is `start` can be read as it arrives (`whole`: the part is the
/// whole file). Only the formats of big exports are read as they arrive; the rest are gathered.
pub(crate) fn detect_start(start: &str, whole: bool) -> Start {
    let t = start.trim_start();
    if t.is_empty() {
        return if whole { Start::Whole } else { Start::Unknown };
    }
    if is_json_lines(t) {
        let first = t.lines().next().unwrap_or("");
        let members = object_members(first).unwrap_or_default();
        return if is_otlp_request(&members) {
            Start::Lines
        } else {
            Start::Whole
        };
    }
    match walked_from_start(t, first_element(t).as_ref()) {
        Some(walked) => Start::Walk(walked),
        // The first element (or line) may not have arrived whole yet.
        None if !whole && t.starts_with('[') => Start::Unknown,
        None => Start::Whole,
    }
}

/// Detects the format of `text`.
pub(crate) fn detect(text: &str) -> Result<Detected, ImportError> {
    let start = text.len() - text.trim_start().len();
    match text[start..].chars().next() {
        Some('{') | Some('[') => {}
        Some(_) => {
            let head: String = text[start..].chars().take(24).collect();
            return Err(ImportError::UnknownFormat {
                found: format!("not JSON (starts with {head:?})"),
            });
        }
        None => return Err(ImportError::Empty),
    }
    if is_json_lines(text) {
        let first = text.trim_start().lines().next().unwrap_or("");
        let members = object_members(first).unwrap_or_default();
        return if is_otlp_request(&members) {
            Ok(Detected::Lines(Format::OtlpJsonLines))
        } else if let Some(format) = span_json_format(&members) {
            Ok(Detected::Lines(format))
        } else if crate::import::helicone::is_request(&members) {
            Ok(Detected::Lines(Format::Helicone))
        } else {
            Err(ImportError::UnknownFormat {
                found: format!("JSON Lines whose first line is {}", describe(&members)),
            })
        };
    }
    let first = first_element(text);
    if let Some(walked) = walked_from_start(text, first.as_ref()) {
        return Ok(Detected::Records(walked.format()));
    }
    if let Some(format) = first.as_ref().and_then(array_format) {
        return Ok(Detected::Records(format));
    }
    if jaeger_from_start(text) {
        return Ok(Detected::Records(Format::Jaeger));
    }
    if let Some(format) = first_key(text).and_then(format_of_first_key) {
        return Ok(Detected::Records(format));
    }
    // The start does not tell: the top level's keys (or first element) decide.
    let doc = match parse_document(text) {
        Ok(doc) => doc,
        Err(e) => {
            return concatenated_span_json(text).map(Detected::Lines).ok_or(e);
        }
    };
    let format = match &doc {
        Document::Object(m) => object_format(m),
        Document::Array(items) => items
            .first()
            .and_then(|f| object_members(f.get()).ok())
            .and_then(|m| array_format(&m)),
    };
    format
        .map(Detected::Records)
        .ok_or_else(|| ImportError::UnknownFormat {
            found: describe_document(&doc),
        })
}

/// What a document is, in words, for a message that says it is not a trace: an object's first
/// keys, or what its array holds.
fn describe_document(doc: &Document) -> String {
    match doc {
        Document::Object(members) => describe(members),
        Document::Array(items) => match items.first() {
            None => "an empty JSON array".to_string(),
            Some(first) => match object_members(first.get()) {
                Ok(m) => format!(
                    "a JSON array of {}",
                    describe(&m).replace("a JSON object", "objects")
                ),
                Err(_) => "a JSON array of non-objects".to_string(),
            },
        },
    }
}

/// What a document is, in words (see [`describe_document`]), or why it is not JSON.
pub(crate) fn describe_text(text: &str) -> String {
    match parse_document(text) {
        Ok(doc) => describe_document(&doc),
        Err(e) => format!("text that is not JSON ({e})"),
    }
}

/// The format of an object told by its first key alone, where that key is the format's own.
fn format_of_first_key(key: &str) -> Option<Format> {
    Some(match key {
        "loupe_bundle" => Format::LoupeBundle,
        "trace" | "observations" => Format::Langfuse,
        "info" => Format::Mlflow,
        "post" | "patch" => Format::LangSmith,
        "ID" | "RootSpan" => Format::Tracetest,
        "request_id" => Format::Helicone,
        "spanName" | "scopeName" => Format::SpanAttributes,
        k if crate::import::span_attributes::is_llm_key(k) => Format::SpanAttributes,
        _ => return None,
    })
}

/// The format of a document that is one object with members `m`.
fn object_format(m: &Members) -> Option<Format> {
    use crate::import::{helicone, langsmith, mlflow, span_attributes, tracetest};
    Some(match m {
        m if crate::import::bundle_format::is_bundle(m) => Format::LoupeBundle,
        m if is_otlp_request(m) => Format::OtlpJson,
        m if is_jaeger_document(m) => Format::Jaeger,
        m if mlflow::is_trace(m) => Format::Mlflow,
        m if has(m, "post") && has(m, "patch") => Format::LangSmith,
        m if has(m, "traceEvents") => Format::ChromeTrace,
        m if helicone::is_request(m) => Format::Helicone,
        m if tracetest::is_trace(m) => Format::Tracetest,
        m if has(m, "spanContext") && has(m, "startTime") => Format::OtelJs,
        m if langsmith::is_run(m) => Format::LangSmith,
        m if has(m, "observations") && (has(m, "trace") || has(m, "scores")) => Format::Langfuse,
        m if is_zipkin_span(m) => Format::Zipkin,
        m if span_json_format(m).is_some() => return span_json_format(m),
        m if span_attributes::is_span_attributes(m) => Format::SpanAttributes,
        _ => return None,
    })
}

/// The format of a document that is an array whose first element has members `first`.
fn array_format(first: &Members) -> Option<Format> {
    use crate::import::{helicone, langfuse, langsmith, mlflow};
    Some(match first {
        m if is_otlp_request(m) => Format::OtlpJson,
        m if mlflow::is_trace(m) => Format::Mlflow,
        m if helicone::is_request(m) => Format::Helicone,
        m if has(m, "spanContext") && has(m, "startTime") => Format::OtelJs,
        m if is_chrome_event(m) => Format::ChromeTrace,
        m if langsmith::is_run(m) => Format::LangSmith,
        m if langfuse::is_log_view_entry(m) => Format::Langfuse,
        m if is_jaeger_trace_or_span(m) => Format::Jaeger,
        m if is_zipkin_span(m) => Format::Zipkin,
        m => return span_json_format(m),
    })
}

/// Whether an object is a Jaeger document, told from its start without reading its spans:
/// the envelope `{"data": [trace…]}` whose first trace starts `{"traceID": …, "spans": …`, a
/// trace that starts so itself, or `{"spans": [span…]}` whose first span is a Jaeger span.
fn jaeger_from_start(text: &str) -> bool {
    if jaeger_trace_start(&mut Cursor::new(text, 0)) || jaeger_envelope_start(text) {
        return true;
    }
    let mut cur = Cursor::new(text, 0);
    cur.object()
        .and_then(|mut members| cur.key(&mut members))
        .is_ok_and(|key| key.is_some_and(|k| &*k == "spans"))
        && first_item(&mut cur)
            .and_then(|first| object_members(first).ok())
            .is_some_and(|m| is_jaeger_trace_or_span(&m))
}

/// Whether the object at the cursor is a Jaeger trace, told from the members up to its
/// `spans`: a `traceID` or `processes` before them, or else a first span of Jaeger's.
fn jaeger_trace_start(cur: &mut Cursor) -> bool {
    let Ok(mut members) = cur.object() else {
        return false;
    };
    let mut trace_keys = false;
    while let Ok(Some(key)) = cur.key(&mut members) {
        match &*key {
            "spans" => {
                return trace_keys
                    || first_item(cur)
                        .and_then(|first| object_members(first).ok())
                        .is_some_and(|m| is_jaeger_trace_or_span(&m));
            }
            "traceID" | "processes" => trace_keys = true,
            _ => {}
        }
        if cur.skip().is_err() {
            return false;
        }
    }
    false
}

/// Whether a text starts as the Jaeger envelope: `{"data": [` and a trace.
fn jaeger_envelope_start(text: &str) -> bool {
    let mut cur = Cursor::new(text, 0);
    cur.object()
        .and_then(|mut members| cur.key(&mut members))
        .is_ok_and(|key| key.is_some_and(|k| &*k == "data"))
        && cur
            .array()
            .and_then(|mut items| cur.item(&mut items))
            .unwrap_or(false)
        && jaeger_trace_start(&mut cur)
}

/// Whether a text is a Jaeger file of many traces, told from its start: the envelope, or an
/// array whose first element is a trace (told from its start) or a span (`first`, its
/// members, when it is whole).
fn jaeger_records_from_start(text: &str, first: Option<&Members>) -> bool {
    let mut cur = Cursor::new(text, 0);
    jaeger_envelope_start(text)
        || cur
            .array()
            .and_then(|mut items| cur.item(&mut items))
            .unwrap_or(false)
            && jaeger_trace_start(&mut cur)
        || first.is_some_and(|m| is_jaeger_trace_or_span(m))
}

/// Whether a text is a Zipkin list of traces, told from its start: an array of arrays whose
/// first span is a Zipkin span.
fn zipkin_traces_from_start(text: &str) -> bool {
    let mut cur = Cursor::new(text, 0);
    cur.array()
        .and_then(|mut items| cur.item(&mut items))
        .unwrap_or(false)
        && first_item(&mut cur)
            .and_then(|first| object_members(first).ok())
            .is_some_and(|m| is_zipkin_span(&m))
}

/// The first element of the array at the cursor, unparsed (`None` if there is none whole).
fn first_item<'t>(cur: &mut Cursor<'t>) -> Option<&'t str> {
    let mut items = cur.array().ok()?;
    if !cur.item(&mut items).ok()? {
        return None;
    }
    cur.skip().ok()
}

/// The members of a document's first element, if it is an array that starts with an object:
/// read without the rest of the array.
fn first_element(text: &str) -> Option<Members<'_>> {
    object_members(first_item(&mut Cursor::new(text, 0))?).ok()
}

/// Parses the top level of a document: an object's members or an array's elements, unparsed.
fn parse_document(text: &str) -> Result<Document<'_>, ImportError> {
    let start = text.len() - text.trim_start().len();
    if text[start..].starts_with('[') {
        serde_json::from_str::<Vec<&RawValue>>(text)
            .map(Document::Array)
            .map_err(|e| json_error_at(text, 0, &e))
    } else {
        object_members(text)
            .map(Document::Object)
            .map_err(|e| json_error_at(text, 0, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_of(text: &str) -> Result<Format, ImportError> {
        detect(text).map(|d| d.format())
    }

    #[test]
    fn jaeger_documents_are_told_from_their_start() {
        let envelope = r#"{"data": [{"traceID": "t1", "spans": [], "processes": {}}], oops"#;
        let trace = r#"{"traceID": "t1", "spans": [{"traceID": "t1", "spanID": "s1", "operationName": "x"}], oops"#;
        for text in [envelope, trace] {
            assert!(
                matches!(detect(text), Ok(Detected::Records(Format::Jaeger))),
                "{text}"
            );
        }
        // Another object with `data` is not taken for Jaeger.
        assert!(!jaeger_from_start(r#"{"data": {"spans": []}}"#));
    }

    #[test]
    fn files_of_many_jaeger_or_zipkin_traces_are_walked_told_from_their_start() {
        let starts = [
            (
                r#"{"data": [{"traceID": "t1", "spans": [{"traceID": "t1", "spa"#,
                Walked::Jaeger,
            ),
            (
                r#"[{"traceID": "t1", "spans": [{"traceID": "t1", "spa"#,
                Walked::Jaeger,
            ),
            (
                r#"[{"traceID": "t1", "spanID": "s1", "operationName": "x"}, {"tra"#,
                Walked::Jaeger,
            ),
            (
                r#"[ [ {"traceId": "a1", "id": "b1", "name": "x"}, {"traceId": "#,
                Walked::Zipkin,
            ),
        ];
        for (start, walked) in starts {
            assert!(
                matches!(detect_start(start, false), Start::Walk(w) if w == walked),
                "{start}"
            );
        }
        // One trace alone, or spans of one trace, are read whole (their spans need each other).
        for start in [
            r#"{"traceID": "t1", "spans": [{"traceID": "t1", "spa"#,
            r#"[{"traceId": "a1", "id": "b1", "name": "x"}, {"traceId": "#,
        ] {
            assert!(
                !matches!(detect_start(start, false), Start::Walk(_)),
                "{start}"
            );
        }
        let list = r#"[[{"traceId": "a1", "id": "b1"}], [{"traceId": "a2", "id": "b2"}]]"#;
        assert_eq!(format_of(list), Ok(Format::Zipkin));
    }

    #[test]
    fn objects_are_told_from_their_first_key_alone() {
        // What follows the first key is not read by detection: here it is not even JSON.
        let cases = [
            (r#"{"loupe_bundle": 1, oops"#, Format::LoupeBundle),
            (r#"{"trace": {"id": "t"}, oops"#, Format::Langfuse),
            (r#"{"observations": [], oops"#, Format::Langfuse),
            (r#"{"info": {}, oops"#, Format::Mlflow),
            (r#"{"post": [], oops"#, Format::LangSmith),
            (r#"{"ID": "t", "RootSpan": oops"#, Format::Tracetest),
            (r#"{"request_id": "r", oops"#, Format::Helicone),
            (r#"{"spanName": "x", oops"#, Format::SpanAttributes),
            (
                r#"{"gen_ai.operation.name": "chat", oops"#,
                Format::SpanAttributes,
            ),
        ];
        for (text, format) in cases {
            assert!(
                matches!(detect(text), Ok(Detected::Records(f)) if f == format),
                "{text}"
            );
        }
        // Other first keys: the top level's keys decide, in any order.
        let later = r#"{"id": "x", "data": {"spans": []}, "info": {}}"#;
        assert_eq!(format_of(later).ok(), Some(Format::Mlflow));
    }

    #[test]
    fn arrays_of_records_are_told_from_their_first_element_alone() {
        let cases = [
            (
                r#"[{"info": {}, "data": {"spans": []}}, oops"#,
                Format::Mlflow,
            ),
            (
                r#"[{"request_id": "r", "request_created_at": "t"}, oops"#,
                Format::Helicone,
            ),
            (
                r#"[{"id": "r", "run_type": "llm", "trace_id": "t"}, oops"#,
                Format::LangSmith,
            ),
            (
                r#"[{"id": "o", "type": "SPAN", "startTime": "t", "depth": 0}, oops"#,
                Format::Langfuse,
            ),
        ];
        for (text, format) in cases {
            assert!(
                matches!(detect(text), Ok(Detected::Records(f)) if f == format),
                "{text}"
            );
        }
    }

    #[test]
    fn arrays_of_spans_are_told_from_their_first_element_alone() {
        // What follows the first element is left to the importer, which reads it once.
        let zipkin = r#"[{"traceId":"a1","id":"b2","name":"x"}, not JSON yet"#;
        assert!(matches!(
            detect(zipkin),
            Ok(Detected::Records(Format::Zipkin))
        ));
        let phoenix = r#"[{"context":{"trace_id":"a","span_id":"b"},"span_kind":"LLM","start_time":"2025-01-01T00:00:00Z"}, …"#;
        assert!(matches!(
            detect(phoenix),
            Ok(Detected::Records(Format::Phoenix))
        ));
    }

    #[test]
    fn otlp_shapes_are_recognized() {
        assert_eq!(format_of(r#"{"resourceSpans":[]}"#), Ok(Format::OtlpJson));
        assert_eq!(format_of(r#"[{"resourceSpans":[]}]"#), Ok(Format::OtlpJson));
        assert_eq!(
            format_of(r#"{"result":{"resourceSpans":[]}}"#),
            Ok(Format::OtlpJson)
        );
        assert_eq!(format_of("{\"batches\":[]}\n"), Ok(Format::OtlpJson));
        assert_eq!(
            format_of("{\"resourceLogs\":[]}\n{\"resourceSpans\":[]}\n"),
            Ok(Format::OtlpJsonLines)
        );
        assert_eq!(
            format_of("{\n\"resourceSpans\": []\n}\n"),
            Ok(Format::OtlpJson)
        );
    }

    #[test]
    fn other_content_is_named_in_the_error() {
        assert_eq!(
            format_of(r#"{"data":[{"traceID":"1","spans":[],"processes":{}}]}"#),
            Ok(Format::Jaeger)
        );
        assert_eq!(
            format_of(r#"[{"traceID":"1","spanID":"2","operationName":"x"}]"#),
            Ok(Format::Jaeger)
        );
        assert_eq!(
            format_of(r#"[{"traceId":"a","id":"b","name":"x"}]"#),
            Ok(Format::Zipkin)
        );
        assert_eq!(format_of(r#"{"traceId":"a","id":"b"}"#), Ok(Format::Zipkin));
        let py = r#"{"name":"a","context":{"trace_id":"0x1","span_id":"0x2"},"parent_id":null,"start_time":"2024-01-01T00:00:00Z"}"#;
        assert_eq!(format_of(py), Ok(Format::OtelPython));
        assert_eq!(format_of(&format!("{py}\n{py}\n")), Ok(Format::OtelPython));
        let pretty = py.replace(",", ",\n");
        assert_eq!(
            format_of(&format!("{pretty}\n{pretty}")),
            Ok(Format::OtelPython)
        );
        let phoenix = r#"[{"name":"a","context":{"trace_id":"t","span_id":"s"},"span_kind":"LLM","parent_id":null}]"#;
        assert_eq!(format_of(phoenix), Ok(Format::Phoenix));
        assert_eq!(format_of(r#"{"traceEvents":[]}"#), Ok(Format::ChromeTrace));
        let err = format_of(r#"{"spans_of_mine":[]}"#).unwrap_err();
        assert!(err.to_string().contains("keys spans_of_mine"), "{err}");
        assert!(err.to_string().contains("OTLP/JSON"), "{err}");
        let err = format_of("hello world").unwrap_err();
        assert!(err.to_string().contains("not JSON"), "{err}");
    }

    #[test]
    fn truncated_json_reports_line_and_column() {
        // An OTLP request is known from its first key; the importer's one pass finds the cut.
        let text = "{\n  \"resourceSpans\": [\n    {\"resource\": {}";
        assert!(matches!(
            detect(text),
            Ok(Detected::Records(Format::OtlpJson))
        ));
        let err = crate::import(text.as_bytes(), "cut.json").unwrap_err();
        let ImportError::Json { line, .. } = err else {
            panic!("expected a JSON error, got {err}");
        };
        assert_eq!(line, 3);
    }
}
