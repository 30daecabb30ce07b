//! A big file read by several parsers at once, each from a place `find_split` found, gives the
//! set that reading it whole gives: the same dump, the same problems (with the same lines and
//! columns) and the same place in the file for every span. A part the file's feed cannot take
//! (it stands elsewhere than the part assumed) is dropped and read again, with the same result.

mod common;

use common::assert_tree_invariants;
use loupe_core::dump::text_dump;
use loupe_core::generate::{GenOptions, otlp_json, write_otlp_json_lines};
use loupe_core::{FileFeed, Part, RawRef, SplitKind, TraceSet, TraceSetBuilder, find_split, wire};

/// The dump and the problems (sorted), and every span's place in the file.
fn seen(set: &TraceSet) -> (Vec<String>, Vec<RawRef>) {
    assert_tree_invariants(set);
    let mut lines: Vec<String> = text_dump(set).lines().map(str::to_string).collect();
    let mut problems = set.diagnostics().lines(None);
    problems.sort();
    lines.extend(problems);
    let raw = (0..set.span_count() as u32)
        .map(|i| set.span(i).raw_ref())
        .collect();
    (lines, raw)
}

fn whole(bytes: &[u8]) -> (Vec<String>, Vec<RawRef>) {
    let mut b = TraceSetBuilder::new();
    b.add_file("f.json", bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    seen(&b.finish())
}

/// Reads `bytes` with one more parser for each place found from the offsets `from`, each part
/// sent as bytes (as a worker sends it) when `sent`; how many parts were joined.
fn split(bytes: &[u8], from: &[usize], sent: bool) -> ((Vec<String>, Vec<RawRef>), usize) {
    let mut b = TraceSetBuilder::new();
    let mut feed = b.start_feed("f.json");
    let start = 1 << 20;
    b.feed(&mut feed, &bytes[..start]);
    let kind = feed
        .split_kind()
        .unwrap_or_else(|| panic!("not to be read in parts"));
    let mut ats: Vec<usize> = from
        .iter()
        .filter_map(|&f| find_split(kind, &bytes[f..]).map(|o| f + o))
        .filter(|&at| at > start)
        .collect();
    ats.dedup();
    let ends: Vec<usize> = ats[1..].iter().copied().chain([bytes.len()]).collect();
    let parts: Vec<Part> = ats
        .iter()
        .zip(&ends)
        .map(|(&at, &end)| {
            let chunks = bytes[at..end].chunks(65_536);
            let part = TraceSetBuilder::parse_part("f.json", kind, at, chunks, end == bytes.len())
                .unwrap_or_else(|e| panic!("{e}"));
            if sent {
                wire::encode_part(&part)
                    .and_then(|bytes| wire::decode_part(&bytes))
                    .unwrap_or_else(|e| panic!("{e}"))
            } else {
                part
            }
        })
        .collect();
    let planned: Vec<(usize, usize)> = ats.iter().copied().zip(ends.iter().copied()).collect();
    // Where the feed has read to: a part is waited for only once the feed stands at it, so
    // that the parsers run side by side.
    let reached = std::cell::Cell::new(start);
    let parts = parts.into_iter().zip(&planned).map(|(part, &(at, end))| {
        let reached = &reached;
        (at, end, move || {
            assert_eq!(
                reached.get(),
                at,
                "a part is waited for once the feed reaches it"
            );
            Some(part)
        })
    });
    let mut fed: Vec<(usize, usize)> = Vec::new();
    let fill = |b: &mut TraceSetBuilder, feed: &mut FileFeed, from: usize, to: usize| {
        fed.push((from, to));
        b.feed(feed, &bytes[from..to]);
        reached.set(to);
        Ok::<_, std::convert::Infallible>(to)
    };
    let Ok(read_to) = b.join_parts(&mut feed, start, parts, fill);
    fed.push((read_to, bytes.len()));
    b.feed(&mut feed, &bytes[read_to..]);
    b.finish_feed(feed).unwrap_or_else(|e| panic!("{e}"));
    // A part joined when the feed was given none of its bytes.
    let joined = planned
        .iter()
        .filter(|&&(at, end)| !fed.iter().any(|&(from, to)| from < end && to > at))
        .count();
    (seen(&b.finish()), joined)
}

fn quarters(len: usize) -> Vec<usize> {
    vec![len / 4, len / 2, len * 3 / 4]
}

fn options() -> GenOptions {
    GenOptions {
        spans: 8000,
        traces: 5,
        ..GenOptions::default()
    }
}

#[test]
fn a_document_read_by_four_parsers_is_the_document_read_whole() {
    let doc = otlp_json(&options());
    let expected = whole(doc.as_bytes());
    for sent in [false, true] {
        let (got, joined) = split(doc.as_bytes(), &quarters(doc.len()), sent);
        assert_eq!(joined, 3, "every part joins");
        assert_eq!(got, expected);
    }
}

#[test]
fn json_lines_read_in_parts_count_other_signals_once() {
    // Lines of 100 spans, so that the file's start shows lines.
    let mut lines = Vec::new();
    let opts = GenOptions {
        traces: 80,
        ..options()
    };
    write_otlp_json_lines(&opts, &mut lines).unwrap();
    let text = String::from_utf8(lines).unwrap();
    // A metrics line after every request, as a Collector's file exporter writes them.
    let mixed: String = text
        .lines()
        .map(|l| format!("{l}\n{{\"resourceMetrics\":[]}}\n"))
        .collect();
    let expected = whole(mixed.as_bytes());
    assert!(
        expected.0.iter().any(|l| l.contains("of metrics")),
        "{:?}",
        expected.0
    );
    let (got, joined) = split(mixed.as_bytes(), &quarters(mixed.len()), true);
    assert!(joined >= 2, "{joined} parts joined");
    assert_eq!(got, expected);
}

#[test]
fn resources_scopes_whitespace_and_snake_case_are_inherited_across_parts() {
    // Each trace its own resource (service) and scope, pretty-printed, then in snake_case.
    let mut lines = Vec::new();
    write_otlp_json_lines(&options(), &mut lines).unwrap();
    let resources: Vec<serde_json::Value> = String::from_utf8(lines)
        .unwrap()
        .lines()
        .enumerate()
        .flat_map(|(i, l)| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let rs = v["resourceSpans"].as_array_mut().unwrap();
            rs[0]["resource"]["attributes"][0]["value"]["stringValue"] = format!("svc-{i}").into();
            rs[0]["scopeSpans"][0]["scope"]["name"] = format!("scope-{i}").into();
            rs.clone()
        })
        .collect();
    let pretty =
        serde_json::to_string_pretty(&serde_json::json!({ "resourceSpans": resources })).unwrap();
    let snake = pretty
        .replace("\"resourceSpans\"", "\"resource_spans\"")
        .replace("\"scopeSpans\"", "\"scope_spans\"")
        .replace("\"traceId\"", "\"trace_id\"")
        .replace("\"spanId\"", "\"span_id\"")
        .replace("\"parentSpanId\"", "\"parent_span_id\"");
    for doc in [pretty, snake] {
        let expected = whole(doc.as_bytes());
        assert!(expected.0.iter().any(|l| l.contains("svc-4")));
        let (got, joined) = split(doc.as_bytes(), &quarters(doc.len()), true);
        assert_eq!(joined, 3);
        assert_eq!(got, expected);
    }
}

#[test]
fn a_part_the_feed_cannot_take_is_read_again_with_the_same_result() {
    // JSON Lines whose lines are so long that the file's start shows one document: parts begin
    // between spans, but where they begin the feed reads line by line, from a line's start.
    let mut lines = Vec::new();
    write_otlp_json_lines(&options(), &mut lines).unwrap();
    let expected = whole(&lines);
    let (got, joined) = split(&lines, &quarters(lines.len()), true);
    assert_eq!(joined, 0);
    assert_eq!(got, expected);
}

#[test]
fn links_are_not_taken_for_spans() {
    // Links look like spans following each other (`},{"traceId"`), without a start time.
    let doc = otlp_json(&options());
    let at = doc.len() / 2;
    let next = at + doc[at..].find("},{\"traceId\"").unwrap() + 1;
    let link = r#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}"#;
    let with_links = format!(
        "{}{{\"links\":[{link},{link}],{}",
        &doc[..=next],
        &doc[next + 2..]
    );
    let expected = whole(with_links.as_bytes());
    let link_end = with_links[next..].find("}],").unwrap() + next;
    let found = find_split(SplitKind::OtlpSpans, &with_links.as_bytes()[next + 2..]);
    assert!(
        found.unwrap() + next + 2 > link_end,
        "the place is past the links"
    );
    let (got, joined) = split(with_links.as_bytes(), &[next + 2], true);
    assert_eq!(joined, 1);
    assert_eq!(got, expected);
}

#[test]
fn a_bad_span_in_a_later_part_is_reported_at_its_line_and_column() {
    let doc = otlp_json(&options()).replacen("\n", "", 1);
    // Spread over lines, so that a wrong line number would show.
    let doc = doc.replace("},{\"traceId\"", "},\n{\"traceId\"");
    let at = doc.len() * 3 / 4;
    let bad = at + doc[at..].find("\"spanId\":\"").unwrap() + 10;
    let doc = format!("{}zz{}", &doc[..bad], &doc[bad + 2..]);
    let expected = whole(doc.as_bytes());
    assert!(
        expected.0.iter().any(|l| l.contains("skipped at line")),
        "{:?}",
        &expected.0[expected.0.len() - 3..]
    );
    let (got, joined) = split(doc.as_bytes(), &quarters(doc.len()), true);
    assert_eq!(joined, 2, "the part with the bad span is read again");
    assert_eq!(got, expected);
}

#[test]
fn a_part_that_ran_into_a_broken_byte_ends_with_the_error_and_is_not_joined() {
    // A part sent from a helper must not lose why it failed: the feed then reads it itself
    // and the file fails as it does read whole.
    let doc = otlp_json(&options());
    let at = doc.len() / 2
        + find_split(SplitKind::OtlpSpans, &doc.as_bytes()[doc.len() / 2..])
            .unwrap_or_else(|| panic!("no place between spans"));
    let mut bytes = doc.into_bytes();
    bytes[at + 200] = 0xff;
    let mut pb = TraceSetBuilder::new();
    let mut pf = pb.start_part("f.json", SplitKind::OtlpSpans, at);
    pb.feed(&mut pf, &bytes[at..at + 100_000]);
    assert!(pf.failed());
    assert!(pb.end_part(pf, false).is_err());
}
