//! Malformed input gives a clear error that says what is wrong and where, and a bad span does
//! not lose the rest of the file.

use loupe_core::{DiagnosticKind, ImportError, TraceSetBuilder, import};

const GOOD_SPAN: &str = r#"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"ok","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#;

fn request(spans: &[&str]) -> String {
    format!(
        "{{\"resourceSpans\":[{{\"scopeSpans\":[{{\"spans\":[\n{}\n]}}]}}]}}",
        spans.join(",\n")
    )
}

#[test]
fn truncated_json_names_line_and_column() {
    let text = request(&[GOOD_SPAN]);
    let cut = &text[..text.len() - 4];
    let err = import(cut.as_bytes(), "cut.json").unwrap_err();
    let ImportError::Json {
        line,
        column,
        ref message,
    } = err
    else {
        panic!("expected a JSON error, got {err:?}");
    };
    assert_eq!(line, 3, "{err}");
    assert!(column > 1, "{err}");
    assert!(message.contains("EOF"), "{err}");
}

#[test]
fn a_span_without_ids_is_reported_and_the_file_fails_when_nothing_is_left() {
    let text = request(&[r#"{"name":"lonely","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#]);
    let err = import(text.as_bytes(), "x.json").unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, ImportError::NoValidSpans { count: 1, .. }),
        "{msg}"
    );
    assert!(
        msg.contains("'lonely'") && msg.contains("no traceId") && msg.contains("line 2"),
        "{msg}"
    );
}

#[test]
fn a_string_where_a_number_belongs_is_placed_and_the_other_spans_load() {
    let bad = r#"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","name":"bad","startTimeUnixNano":"yesterday","endTimeUnixNano":"2"}"#;
    let text = request(&[GOOD_SPAN, bad]);
    let mut b = TraceSetBuilder::new();
    let report = b.add_file("mixed.json", text.as_bytes()).unwrap();
    assert_eq!(report.spans, 1, "the good span loads");
    let w = report.warnings.join("\n");
    assert!(
        w.contains("line 3") && w.contains("\"yesterday\" is not integer nanoseconds"),
        "{w}"
    );
    let set = b.finish();
    assert_eq!(set.diagnostics().count(DiagnosticKind::SkippedSpan), 1);
    assert_eq!(set.span(0).name(), "ok");
}

#[test]
fn bad_ids_kinds_and_status_codes_are_named() {
    let cases = [
        (r#""spanId":"zz""#, "spanId 'zz' is not a 64-bit id"),
        (
            r#""spanId":"b7ad6b7169203331","kind":9"#,
            "kind 9 is not a span kind",
        ),
        (
            r#""spanId":"b7ad6b7169203331","status":{"code":"BROKEN"}"#,
            "status code \"BROKEN\" is not a status",
        ),
    ];
    for (fields, expected) in cases {
        let span =
            format!(r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c",{fields},"name":"s"}}"#);
        let err = import(request(&[&span]).as_bytes(), "x.json").unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "{err} should contain {expected}"
        );
    }
}

#[test]
fn a_bad_line_in_json_lines_is_skipped_with_its_number() {
    let line = request(&[GOOD_SPAN]).replace('\n', "");
    let text = format!("{line}\n{{\"resourceSpans\": [oops\n{line}\n");
    let mut b = TraceSetBuilder::new();
    let report = b.add_file("x.jsonl", text.as_bytes()).unwrap();
    assert_eq!(report.spans, 2);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.starts_with("line 2 skipped: line 2, column 20: expected an object")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn unknown_content_lists_what_loupe_reads() {
    let err = import(br#"{"spans_of_mine": []}"#, "trace.json").unwrap_err();
    assert!(err.to_string().contains("OTLP/JSON"), "{err}");
    assert!(matches!(import(b"", "empty.json"), Err(ImportError::Empty)));
    assert!(matches!(
        import(b"\x1f\x8b\x08garbage", "x.gz"),
        Err(ImportError::Gzip(_))
    ));
}

#[test]
fn a_failed_file_leaves_nothing_behind() {
    let mut b = TraceSetBuilder::new();
    b.add_file("good.json", request(&[GOOD_SPAN]).as_bytes())
        .unwrap();
    let cut = request(&[GOOD_SPAN, GOOD_SPAN]);
    assert!(
        b.add_file("bad.json", &cut.as_bytes()[..cut.len() - 5])
            .is_err()
    );
    let set = b.finish();
    assert_eq!(set.span_count(), 1);
    assert_eq!(set.sources().len(), 1);
}

#[test]
fn a_request_with_its_spans_under_both_spellings_loads_both() {
    // Read in one pass when the first key is known, the document still loads as a whole when
    // that pass cannot take it (here the key is given twice).
    let text = format!(
        "{{\"resourceSpans\":[{{\"scopeSpans\":[{{\"spans\":[{GOOD_SPAN}]}}]}}],\
         \"resource_spans\":[{{\"scopeSpans\":[{{\"spans\":[{}]}}]}}]}}",
        GOOD_SPAN.replace("b7ad6b7169203331", "b7ad6b7169203332")
    );
    let set = import(text.as_bytes(), "twice.json").unwrap();
    assert_eq!(set.span_count(), 2);
}
