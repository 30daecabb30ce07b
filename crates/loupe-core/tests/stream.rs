//! Streaming: what a stream hands on, cut after cut, is what reading the input whole gives.

mod common;

use loupe_core::convert::otlp;
use loupe_core::dump::text_dump;
use loupe_core::generate::{GenOptions, otlp_json, write_otlp_json_lines};
use loupe_core::stream::{StreamEnd, StreamOptions, TraceStream};
use loupe_core::{DiagnosticKind, TraceSet, import};

/// Streams `files` (name and bytes), fed `part` bytes at a time: the sets handed on, and the
/// end. Each file must load; its report must count all its spans, however it was cut.
fn stream(
    files: &[(&str, &[u8])],
    options: StreamOptions,
    part: usize,
) -> (Vec<TraceSet>, StreamEnd) {
    let mut sets = Vec::new();
    let mut s = TraceStream::new(options, |set| sets.push(set));
    for (name, bytes) in files {
        let mut feed = s.start_file(name);
        for piece in bytes.chunks(part) {
            s.feed(&mut feed, piece);
        }
        let report = s
            .finish_file(feed)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let alone = import(bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.spans, alone.span_count(), "{name}: spans reported");
    }
    let end = s.end();
    (sets, end)
}

/// Each trace's part of a dump, sorted: sets that split the traces between them give the
/// same list as one set holding all.
fn trace_sections(sets: &[TraceSet]) -> Vec<String> {
    let mut out: Vec<String> = sets
        .iter()
        .flat_map(|set| {
            let dump = text_dump(set);
            let tree = dump
                .split("\nwarnings:")
                .next()
                .unwrap_or_default()
                .to_string();
            tree.split("\ntrace ")
                .skip(1)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out
}

/// A dump's traces, without the warnings (a stream reports those apart from its sets).
fn trees(set: &TraceSet) -> String {
    let dump = text_dump(set);
    dump.split("\nwarnings:")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Warnings, sorted.
fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

/// Streams `bytes` with every trace held open to the end, in chunks of `chunk` spans: every
/// cut carries all traces on, with the walk through the file.
fn assert_streams_as_whole(name: &str, bytes: &[u8], chunk: usize) -> usize {
    let whole = import(bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let options = StreamOptions {
        idle: u64::MAX,
        chunk,
    };
    let (sets, end) = stream(&[(name, bytes)], options, 997);
    let last = sets
        .last()
        .unwrap_or_else(|| panic!("{name}: nothing handed on"));
    for s in &sets[..sets.len() - 1] {
        assert!(
            s.traces().is_empty(),
            "{name}: handed on before the end: {}",
            trees(s)
        );
    }
    assert_eq!(trees(last), trees(&whole), "{name}");
    assert_eq!(
        sorted(end.diagnostics.lines(None)),
        sorted(whole.diagnostics().lines(None)),
        "{name}"
    );
    assert_eq!(end.diagnostics.count(DiagnosticKind::LateSpan), 0, "{name}");
    assert_eq!(end.sources.len(), 1, "{name}");
    sets.len()
}

#[test]
fn every_fixture_carried_on_reads_as_whole() {
    for rel in common::all_fixtures() {
        let bytes = common::fixture(&rel);
        if import(&bytes, &rel).is_ok() {
            assert_streams_as_whole(&rel, &bytes, 1);
        }
    }
}

#[test]
fn the_corpus_as_otlp_cut_between_any_two_spans_reads_as_whole() {
    let mut builder = loupe_core::TraceSetBuilder::new();
    for rel in common::all_fixtures() {
        let _ = builder.add_file(&rel, &common::fixture(&rel));
    }
    let corpus = builder.finish();
    let all: Vec<u32> = (0..corpus.traces().len() as u32).collect();
    for (name, text) in [
        ("corpus.json", otlp::document(&corpus, &all)),
        ("corpus.jsonl", otlp::lines(&corpus, &all)),
    ] {
        assert!(text.len() > 2 << 20, "{name}: {} bytes", text.len());
        let sets = assert_streams_as_whole(name, text.as_bytes(), 7);
        assert!(sets > 20, "{name}: cut {sets} times");
    }
}

/// Generated agent traces, `traces` of them, as OTLP/JSON Lines.
fn generated_lines(traces: usize, seed: u64) -> Vec<u8> {
    let opts = GenOptions {
        spans: traces * 25,
        traces,
        seed,
        ..GenOptions::default()
    };
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_otlp_json_lines(&opts, &mut out);
    out
}

#[test]
fn done_traces_are_handed_on_as_the_input_goes() {
    let lines = generated_lines(200, 7);
    let doc = otlp_json(&GenOptions {
        spans: 5000,
        traces: 200,
        seed: 8,
        ..GenOptions::default()
    });
    for (name, bytes) in [("run.jsonl", &lines[..]), ("run.json", doc.as_bytes())] {
        let whole = import(bytes, name).expect("imports");
        let options = StreamOptions {
            idle: 100,
            chunk: 200,
        };
        let (sets, end) = stream(&[(name, bytes)], options, 4096);
        assert!(sets.len() >= 5, "{name}: {} sets", sets.len());
        assert!(
            sets.iter().filter(|s| !s.traces().is_empty()).count() >= 5,
            "{name}: traces were not handed on as the input went"
        );
        assert_eq!(trace_sections(&sets), trace_sections(&[whole]), "{name}");
        assert_eq!(end.diagnostics.count(DiagnosticKind::LateSpan), 0, "{name}");
        let spans: usize = sets.iter().map(TraceSet::span_count).sum();
        assert_eq!(spans, 5000, "{name}");
    }
}

#[test]
fn jaeger_zipkin_and_phoenix_files_of_many_traces_are_handed_on_as_they_are_read() {
    // Some MB each: a file's first MB is read at once, to tell its format.
    let jaeger = common::jaeger_envelope(100);
    let zipkin = common::zipkin_list_of_traces(10);
    let phoenix = common::phoenix_spans(200);
    for (name, bytes) in [
        ("jaeger.json", jaeger.as_bytes()),
        ("zipkin.json", zipkin.as_bytes()),
        ("phoenix.json", phoenix.as_bytes()),
    ] {
        let whole = import(bytes, name).expect("imports");
        let options = StreamOptions {
            idle: 100,
            chunk: 200,
        };
        let (sets, end) = stream(&[(name, bytes)], options, 4096);
        assert!(
            sets.iter().filter(|s| !s.traces().is_empty()).count() >= 5,
            "{name}: traces were not handed on as the input went"
        );
        assert_eq!(trace_sections(&sets), trace_sections(&[whole]), "{name}");
        assert_eq!(end.diagnostics.count(DiagnosticKind::LateSpan), 0, "{name}");
    }
}

/// Line `line` of `lines` split in two export requests: its first `first` spans, and the rest.
fn split_request(lines: &[u8], line: usize, first: usize) -> (Vec<u8>, Vec<u8>) {
    let text = lines.split(|&c| c == b'\n').nth(line).unwrap_or_default();
    let request: serde_json::Value = serde_json::from_slice(text).unwrap_or_default();
    let spans = request["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let with = |spans: &[serde_json::Value]| {
        let mut r = request.clone();
        r["resourceSpans"][0]["scopeSpans"][0]["spans"] = serde_json::Value::from(spans.to_vec());
        let mut line = serde_json::to_vec(&r).unwrap_or_default();
        line.push(b'\n');
        line
    };
    (with(&spans[..first]), with(&spans[first..]))
}

#[test]
fn a_trace_split_between_files_is_joined_and_each_file_keeps_its_figures() {
    let a = generated_lines(100, 1);
    let b = generated_lines(100, 2);
    // The spans of the first trace of b: some at the end of a, the others at the start of b.
    let (head, tail) = split_request(&b, 0, 10);
    let rest_of_b = b.splitn(2, |&c| c == b'\n').nth(1).unwrap_or_default();
    let a_plus = [&a[..], &head].concat();
    let b_plus = [&tail[..], rest_of_b].concat();
    let options = StreamOptions {
        idle: 300,
        chunk: 400,
    };
    let files = [("a.jsonl", &a_plus[..]), ("b.jsonl", &b_plus[..])];
    let (sets, end) = stream(&files, options, 1000);
    let mut whole = loupe_core::TraceSetBuilder::new();
    for (name, bytes) in files {
        whole
            .add_file(name, bytes)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let whole = whole.finish();
    assert_eq!(whole.totals().traces, 200);
    assert_eq!(
        trace_sections(&sets),
        trace_sections(std::slice::from_ref(&whole))
    );
    assert_eq!(end.sources.len(), 2);
    // Each file's figures: a trace counts for each file holding a span of it.
    let mut per_file = [(0, 0); 2];
    for set in &sets {
        for (f, t) in set.totals_by_source().iter().enumerate() {
            per_file[f].0 += t.traces;
            per_file[f].1 += t.spans;
        }
    }
    let want: Vec<(u64, u64)> = whole
        .totals_by_source()
        .iter()
        .map(|t| (t.traces, t.spans))
        .collect();
    assert_eq!(per_file.to_vec(), want);
    assert_eq!(
        want[0].0, 101,
        "a holds its 100 traces and a part of b's first"
    );
}

#[test]
fn a_document_of_many_requests_with_a_span_per_scope_is_cut_anywhere() {
    // One request per trace, in a JSON array; each span in a scope of its own.
    let lines = generated_lines(120, 5);
    let requests: Vec<serde_json::Value> = lines
        .split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut r: serde_json::Value = serde_json::from_slice(l).unwrap_or_default();
            let scope = r["resourceSpans"][0]["scopeSpans"][0].clone();
            let spans = scope["spans"].as_array().cloned().unwrap_or_default();
            let scopes: Vec<serde_json::Value> = spans
                .into_iter()
                .map(|span| {
                    let mut one = scope.clone();
                    one["spans"] = serde_json::Value::from(vec![span]);
                    one
                })
                .collect();
            r["resourceSpans"][0]["scopeSpans"] = serde_json::Value::from(scopes);
            r
        })
        .collect();
    let doc = serde_json::to_vec(&requests).unwrap_or_default();
    assert!(doc.len() > 2 << 20, "{} bytes", doc.len());
    let sets = assert_streams_as_whole("requests.json", &doc, 50);
    assert!(sets > 20, "cut {sets} times");
}

#[test]
fn a_file_with_a_skipped_line_cut_at_its_end_counts_all_its_spans() {
    let lines = generated_lines(150, 4);
    let first = lines
        .iter()
        .position(|&c| c == b'\n')
        .map_or(0, |at| at + 1);
    let oops = &b"{\"resourceSpans\": [oops\n"[..];
    let broken = [&lines[..first], oops, &lines[first..]].concat();
    // A cut after nearly every part: the file's last span is read just before one.
    let options = StreamOptions { idle: 1, chunk: 1 };
    let (sets, end) = stream(&[("broken.jsonl", &broken)], options, 4096);
    let spans: usize = sets.iter().map(TraceSet::span_count).sum();
    assert_eq!(spans, 150 * 25);
    assert_eq!(end.diagnostics.count(DiagnosticKind::SkippedLine), 1);
}

#[test]
fn a_file_that_fails_midway_leaves_nothing_held_and_the_next_loads() {
    let good = generated_lines(100, 6);
    // Valid lines, then bytes that are not UTF-8: the file fails there.
    let bad = [&generated_lines(100, 7)[..], &[0xff, 0xfe, b'\n']].concat();
    let options = StreamOptions {
        idle: u64::MAX,
        chunk: 500,
    };
    let mut sets = Vec::new();
    let mut s = TraceStream::new(options, |set| sets.push(set));
    let mut outcomes = Vec::new();
    for (name, bytes) in [("bad.jsonl", &bad[..]), ("good.jsonl", &good[..])] {
        let mut feed = s.start_file(name);
        for piece in bytes.chunks(4096) {
            s.feed(&mut feed, piece);
        }
        outcomes.push(s.finish_file(feed));
    }
    let end = s.end();
    assert!(outcomes[0].is_err(), "bad.jsonl must fail");
    let report = outcomes[1]
        .as_ref()
        .unwrap_or_else(|e| panic!("good.jsonl: {e}"));
    assert_eq!(report.source, 1);
    assert!(end.sources[0].removed && !end.sources[1].removed);
    // Every trace was held open to the end: nothing of the failed file is left.
    let whole = import(&good, "good.jsonl").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(trace_sections(&sets), trace_sections(&[whole]));
}

#[test]
fn a_span_after_its_trace_was_handed_on_is_reported_late() {
    let lines = generated_lines(200, 3);
    let all: Vec<&[u8]> = lines.split_inclusive(|&c| c == b'\n').collect();
    // The first trace's line comes again at the end, as if its spans arrived late.
    let mut late = lines.clone();
    late.extend_from_slice(all[0]);
    let options = StreamOptions {
        idle: 300,
        chunk: 400,
    };
    let (_, end) = stream(&[("late.jsonl", &late)], options, 1000);
    let spans_of_first = import(all[0], "one.jsonl").expect("a line").span_count();
    assert_eq!(
        end.diagnostics.count(DiagnosticKind::LateSpan),
        spans_of_first
    );
    let lines = end.diagnostics.lines(Some(0));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("arrived after the trace was handed on")),
        "{lines:?}"
    );
}
