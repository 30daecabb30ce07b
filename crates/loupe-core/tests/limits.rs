//! Loupe's limits (`loupe_core::limits`): a span past one loads cut, with a message that names
//! the limit and the span, while the raw span keeps what was cut; the other spans load whole.

use loupe_core::limits::{MAX_NESTING, MAX_SPAN_ATTRIBUTES, MAX_STRING};
use loupe_core::{DiagnosticKind, TraceSet, ValueRef};

/// An OTLP/JSON request of one trace: `attributes` (JSON array members) on span `one`, and a
/// plain span `two` after it.
fn request(attributes: &str) -> Vec<u8> {
    let span = |id: &str, name: &str, attrs: &str| {
        format!(
            r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{id}","name":"{name}",
            "startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[{attrs}]}}"#
        )
    };
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{},{}]}}]}}]}}"#,
        span("b7ad6b7169203331", "one", attributes),
        span(
            "b7ad6b7169203332",
            "two",
            r#"{"key":"k","value":{"stringValue":"v"}}"#
        )
    )
    .into_bytes()
}

fn load(bytes: &[u8]) -> TraceSet {
    loupe_core::import(bytes, "limits.json").unwrap_or_else(|e| panic!("{e}"))
}

fn over_limit_messages(set: &TraceSet) -> Vec<String> {
    set.diagnostics()
        .kept()
        .iter()
        .filter(|d| d.kind == DiagnosticKind::OverLimit)
        .map(|d| d.message.clone())
        .collect()
}

fn span<'s>(set: &'s TraceSet, name: &str) -> loupe_core::SpanView<'s> {
    (0..set.span_count() as u32)
        .map(|i| set.span(i))
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("no span {name}"))
}

#[test]
fn a_span_keeps_the_first_attributes_up_to_the_limit_and_says_so() {
    let count = MAX_SPAN_ATTRIBUTES as usize + 2_500;
    let attrs: Vec<String> = (0..count)
        .map(|i| format!(r#"{{"key":"a{i}","value":{{"intValue":"{i}"}}}}"#))
        .collect();
    let set = load(&request(&attrs.join(",")));
    let one = span(&set, "one");
    let kept = one.attributes();
    assert_eq!(kept.len(), MAX_SPAN_ATTRIBUTES as usize);
    assert_eq!(kept[0].0, "a0");
    let last = MAX_SPAN_ATTRIBUTES as usize - 1;
    assert_eq!(kept[last].0, format!("a{last}"));
    assert!(one.raw_json().contains(&format!("\"a{}\"", count - 1)));
    assert_eq!(span(&set, "two").attributes().len(), 1);
    assert_eq!(
        over_limit_messages(&set),
        [format!(
            "span 'one' has {count} attributes, more than Loupe's limit of 10000 per span; the \
             first 10000 are kept, and the raw span has them all"
        )]
    );
}

#[test]
fn a_string_past_the_limit_is_cut_and_marked_and_the_raw_span_keeps_it() {
    let long = "p".repeat(MAX_STRING + 1_000);
    let set = load(&request(&format!(
        r#"{{"key":"input.value","value":{{"stringValue":"{long}"}}}}"#
    )));
    let one = span(&set, "one");
    let [(key, ValueRef::Str(value))] = one.attributes()[..] else {
        panic!("{:?}", one.attributes());
    };
    assert_eq!(key, "input.value");
    assert_eq!(value.len(), MAX_STRING);
    assert!(value.ends_with("p…"));
    assert!(one.raw_json().contains(&long));
    assert_eq!(
        over_limit_messages(&set),
        [
            "span 'one' holds a value longer than 16 MB, Loupe's string limit; it is cut there \
          (ending in …), and the raw span keeps it whole"
        ]
    );
    assert_eq!(span(&set, "two").attributes().len(), 1);
}

#[test]
fn a_value_nested_past_the_limit_skips_its_span_with_the_limit_named() {
    // Each level of an OTLP array value opens three JSON containers, below the span's own four
    // (the span, its attributes, the attribute, its value).
    let nested = |levels: usize| {
        format!(
            r#"{{"key":"deep","value":{}{{"stringValue":"x"}}{}}}"#,
            r#"{"arrayValue":{"values":["#.repeat(levels),
            "]}}".repeat(levels)
        )
    };
    let fits = (MAX_NESTING - 4) / 3;
    assert_eq!(
        load(&request(&nested(fits))).span_count(),
        2,
        "{fits} levels fit"
    );
    let set = load(&request(&nested(fits + 1)));
    assert_eq!(set.span_count(), 1, "span two loads");
    let skipped: Vec<&str> = set
        .diagnostics()
        .kept()
        .iter()
        .filter(|d| d.kind == DiagnosticKind::SkippedSpan)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].starts_with("span skipped at line 2, column ")
            && skipped[0].ends_with("JSON nested more than 127 levels deep, Loupe's nesting limit"),
        "{}",
        skipped[0]
    );
}
