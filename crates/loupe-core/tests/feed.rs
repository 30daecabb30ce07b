//! A file read as it arrives, in parts of any size, gives the set that reading it whole gives:
//! the same dump and the same problems, over the whole fixture corpus and generated files of
//! each streamed shape (an OTLP/JSON document, JSON Lines, a Chrome trace, Jaeger and Zipkin
//! files of many traces, an array of Phoenix spans), with parts cut
//! anywhere, even inside a character. The streamed formats do not hold the file's text.

mod common;

use common::{
    all_fixtures, assert_tree_invariants, fixture, jaeger_envelope, phoenix_spans,
    zipkin_list_of_traces,
};
use loupe_core::dump::text_dump;
use loupe_core::generate::{GenOptions, otlp_json, write_otlp_json_lines};
use loupe_core::{Format, ImportError, TraceSet, TraceSetBuilder};

/// What must agree, as lines: the dump, the problems reported (in any order), and the outcome.
fn seen(set: &TraceSet, outcome: &Result<Format, ImportError>) -> Vec<String> {
    assert_tree_invariants(set);
    let mut problems = set.diagnostics().lines(None);
    problems.sort();
    std::iter::once(format!("{outcome:?}"))
        .chain(text_dump(set).lines().map(str::to_string))
        .chain(problems)
        .collect()
}

fn whole(name: &str, bytes: &[u8]) -> Vec<String> {
    let mut b = TraceSetBuilder::new();
    let outcome = b.add_file(name, bytes).map(|r| r.format);
    seen(&b.finish(), &outcome)
}

fn in_parts(name: &str, bytes: &[u8], part: usize) -> (Vec<String>, TraceSet) {
    let mut b = TraceSetBuilder::new();
    let mut feed = b.start_feed(name);
    for chunk in bytes.chunks(part) {
        b.feed(&mut feed, chunk);
    }
    let outcome = b.finish_feed(feed).map(|r| r.format);
    let set = b.finish();
    (seen(&set, &outcome), set)
}

#[test]
fn every_fixture_read_in_parts_is_the_fixture_read_whole() {
    for path in all_fixtures() {
        let bytes = fixture(&path);
        let expected = whole(&path, &bytes);
        // Parts of a few bytes only for small files: each part read takes a step again.
        let parts = if bytes.len() < 100_000 {
            &[1 << 20, 4096, 7][..]
        } else {
            &[1 << 20, 4096][..]
        };
        for &part in parts {
            let (got, _) = in_parts(&path, &bytes, part);
            assert_eq!(got, expected, "{path} in parts of {part} bytes");
        }
    }
}

#[test]
fn streamed_shapes_are_read_span_by_span_without_their_text() {
    let opts = GenOptions {
        spans: 3000,
        traces: 3,
        ..GenOptions::default()
    };
    let document = otlp_json(&opts);
    let mut lines = Vec::new();
    write_otlp_json_lines(&opts, &mut lines).unwrap();
    // A Chrome trace of the same spans, with a multi-byte character to cut in two.
    let chrome = format!(
        "[{}]",
        (0..2000)
            .map(|i| format!(
                r#"{{"ph":"X","pid":1,"tid":{},"name":"étape {i}","ts":{},"dur":5,"args":{{"n":{i}}}}}"#,
                i % 3,
                i * 10
            ))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let jaeger = jaeger_envelope(2);
    let zipkin = zipkin_list_of_traces(2);
    let phoenix = phoenix_spans(3);
    for (name, bytes, format) in [
        ("doc.json", document.as_bytes(), Format::OtlpJson),
        ("lines.jsonl", &lines[..], Format::OtlpJsonLines),
        ("chrome.json", chrome.as_bytes(), Format::ChromeTrace),
        ("jaeger.json", jaeger.as_bytes(), Format::Jaeger),
        ("zipkin.json", zipkin.as_bytes(), Format::Zipkin),
        ("phoenix.json", phoenix.as_bytes(), Format::Phoenix),
    ] {
        let expected = whole(name, bytes);
        assert!(expected[0].contains(&format!("{format:?}")), "{name}");
        for part in [65_536, 1001, 3] {
            let (got, set) = in_parts(name, bytes, part);
            assert_eq!(got, expected, "{name} in parts of {part} bytes");
            assert!(set.sources()[0].text.is_empty(), "{name}: no text held");
            let span = set.span(1);
            let raw = span.raw_ref();
            let json = &bytes[raw.start as usize..raw.end as usize];
            assert!(
                json.starts_with(b"{") && json.ends_with(b"}"),
                "{name}: a span's place in the file is its JSON"
            );
        }
    }
}

#[test]
fn a_broken_file_read_in_parts_fails_as_it_does_whole_and_leaves_nothing() {
    let doc = otlp_json(&GenOptions {
        spans: 50,
        traces: 1,
        ..GenOptions::default()
    });
    let cut = &doc.as_bytes()[..doc.len() / 2];
    let mut bad_utf8 = doc.as_bytes().to_vec();
    bad_utf8[doc.len() / 3] = 0xff;
    for bytes in [cut, &bad_utf8[..], b"{\"resourceSpans\": [oops]}"] {
        let mut b = TraceSetBuilder::new();
        let expected = b.add_file("x.json", bytes).map(|r| r.spans);
        assert!(expected.is_err());
        let mut feed = b.start_feed("x.json");
        for chunk in bytes.chunks(100) {
            b.feed(&mut feed, chunk);
        }
        assert_eq!(b.finish_feed(feed).map(|r| r.spans), expected);
        assert_eq!(
            b.finish().span_count(),
            0,
            "nothing of a failed file is kept"
        );
    }
}

#[test]
fn a_file_given_up_part_way_leaves_nothing() {
    let doc = otlp_json(&GenOptions {
        spans: 6000,
        traces: 6,
        ..GenOptions::default()
    });
    assert!(doc.len() > 2 << 20, "big enough to be parsed as it arrives");
    let mut b = TraceSetBuilder::new();
    b.add_file("kept.json", doc.as_bytes()).unwrap();
    let mut feed = b.start_feed("cut.json");
    b.feed(&mut feed, &doc.as_bytes()[..doc.len() * 4 / 5]);
    assert!(b.span_count() > 6000, "spans were read as the part arrived");
    b.abandon_feed(feed);
    let set = b.finish();
    assert_eq!(set.span_count(), 6000, "only the file read whole is kept");
    assert_eq!(set.sources().len(), 1);
}
