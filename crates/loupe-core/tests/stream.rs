//! Streaming: what a stream hands on, cut after cut, is what reading the input whole gives.

mod common;

use loupe_core::convert::otlp;
use loupe_core::dump::text_dump;
use loupe_core::generate::{GenOptions, otlp_json, write_otlp_json_lines};
use loupe_core::stream::{StreamEnd, StreamOptions, TraceStream};
use loupe_core::{DiagnosticKind, TraceSet, import};

/// Streams `files` (name and bytes), fed `part` bytes at a time: the sets handed on, and the
/// end.
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
        s.finish_file(feed)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
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
    assert_eq!(end.late_spans, 0, "{name}");
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
        assert_eq!(end.late_spans, 0, "{name}");
        let spans: usize = sets.iter().map(TraceSet::span_count).sum();
        assert_eq!(spans, 5000, "{name}");
    }
}

#[test]
fn a_trace_crossing_files_is_joined_and_files_keep_their_figures() {
    let a = generated_lines(100, 1);
    let b = generated_lines(100, 2);
    // The first file's last line is the second file's first: one trace spans both files.
    let first_line = b.split_inclusive(|&c| c == b'\n').next().expect("a line");
    let mut a_plus = a.clone();
    a_plus.extend_from_slice(first_line);
    let b_rest = &b[first_line.len()..];
    let options = StreamOptions {
        idle: 300,
        chunk: 400,
    };
    let (sets, end) = stream(&[("a.jsonl", &a_plus), ("b.jsonl", b_rest)], options, 1000);
    let mut whole = loupe_core::TraceSetBuilder::new();
    whole.add_file("a.jsonl", &a_plus).expect("a");
    whole.add_file("b.jsonl", b_rest).expect("b");
    let whole = whole.finish();
    assert_eq!(trace_sections(&sets), trace_sections(&[whole]));
    assert_eq!(end.sources.len(), 2);
    let traces: u64 = sets.iter().map(|s| s.totals().traces).sum();
    assert_eq!(traces, 200);
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
    let spans_of_first = import(all[0], "one.jsonl").expect("a line").span_count() as u64;
    assert_eq!(end.late_spans, spans_of_first);
    assert_eq!(
        end.diagnostics.count(DiagnosticKind::LateSpan),
        spans_of_first as usize
    );
    let lines = end.diagnostics.lines(Some(0));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("arrived after the trace was handed on")),
        "{lines:?}"
    );
}
