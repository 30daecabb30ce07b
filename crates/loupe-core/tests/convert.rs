//! Conversion: every fixture written as OTLP/JSON (a document, and JSON Lines) or as Parquet
//! and read back gives the same traces, spans, errors, tokens and tree.

mod common;

use loupe_core::convert::otlp;
use loupe_core::dump::text_dump;
use loupe_core::{TraceSet, TraceSetBuilder, ValueRef, import, wire};

/// The dump without what OTLP cannot carry as the source wrote it: opaque ids (written as
/// hex), the source's own token convention, flags about the source's ids and timestamps, and
/// which span carried the trace's session and user (the trace's are compared). Attributes are
/// compared on their own ([`assert_attributes_kept`]).
fn comparable(set: &TraceSet) -> String {
    let dump = text_dump(set);
    // The warnings are about the source file.
    let tree = dump.split("\nwarnings:").next().unwrap_or_default();
    tree.lines()
        .filter(|l| !l.starts_with("format:") && !l.trim_start().starts_with("score "))
        .map(|l| {
            let mut words: Vec<&str> = l.split(' ').collect();
            // A span line: indent, name, [kind/otel], id, service=…: drop the id.
            if let Some(at) = words
                .iter()
                .position(|w| w.starts_with('[') && w.ends_with(']'))
                && words.get(at + 2).is_some_and(|w| w.starts_with("service="))
            {
                words.remove(at + 1);
            }
            words
                .into_iter()
                .filter(|w| {
                    !w.starts_with("reported=")
                        && !w.starts_with("attrs=")
                        && !w.starts_with("session=")
                        && !w.starts_with("user=")
                        && !["synthetic-id", "no-timestamps", "duplicate-id"].contains(w)
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_fixture_survives_otlp_json_and_json_lines() {
    let mut checked = 0;
    for rel in common::all_fixtures() {
        let set = import(&common::fixture(&rel), &rel).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if set.span_count() == 0 {
            continue;
        }
        let all: Vec<u32> = (0..set.traces().len() as u32).collect();
        let want = comparable(&set);
        for (name, text) in [
            ("out.json", otlp::document(&set, &all)),
            ("out.jsonl", otlp::lines(&set, &all)),
        ] {
            let back = import(text.as_bytes(), name)
                .unwrap_or_else(|e| panic!("{rel} as {name} does not read back: {e}"));
            // One line of JSON Lines is also a document.
            let format = back.sources()[0].format.label();
            assert!(format.starts_with("otlp-json"), "{rel}: {format}");
            let got = comparable(&back);
            assert_same(&format!("{rel} as {name}"), &want, &got);
        }
        assert_attributes_kept(
            &rel,
            &set,
            &import(otlp::document(&set, &all).as_bytes(), "out.json").unwrap(),
            true,
        );
        checked += 1;
    }
    assert!(checked >= 50, "{checked} fixtures");
}

/// An attribute as compared: arrays and maps (or text that is one) by what they hold, not
/// their spacing.
fn attribute(key: &str, value: &ValueRef) -> String {
    match value {
        ValueRef::Json(text) | ValueRef::Str(text) if text.trim_start().starts_with(['[', '{']) => {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => format!("{key}={v}"),
                Err(_) => format!("{key}={text}"),
            }
        }
        other => format!("{key}={other}"),
    }
}

/// The two dumps are the same; else the first line that differs.
fn assert_same(what: &str, want: &str, got: &str) {
    if got != want {
        let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
        let at = (0..w.len().max(g.len()))
            .find(|&i| w.get(i) != g.get(i))
            .unwrap_or_default();
        panic!(
            "{what} differs after the round trip: line {at} of {}/{}\n  want {:?}\n  got  {:?}",
            w.len(),
            g.len(),
            w.get(at),
            g.get(at)
        );
    }
}

/// Every span of `back` (in the same order as `set`'s) keeps every attribute it had, and with
/// `rows` its events and links.
fn assert_attributes_kept(rel: &str, set: &TraceSet, back: &TraceSet, rows: bool) {
    for i in 0..set.span_count() as u32 {
        let (a, b) = (set.span(i), back.span(i));
        assert_eq!(a.name(), b.name(), "{rel}: span {i}");
        let kept: Vec<String> = b
            .attributes()
            .iter()
            .map(|(k, v)| attribute(k, v))
            .collect();
        for (k, v) in a.attributes() {
            let want = attribute(k, &v);
            assert!(kept.contains(&want), "{rel}: span {} lost {want}", a.name());
        }
        if rows {
            assert_eq!(a.events().len(), b.events().len(), "{rel}: {}", a.name());
            assert_eq!(a.links().len(), b.links().len(), "{rel}: {}", a.name());
        }
    }
}

#[test]
fn every_fixture_survives_parquet() {
    use loupe_core::convert::parquet::SpanWriter;
    use loupe_core::cost::cost_report;
    use loupe_core::pricing::PriceTable;
    let mut checked = 0;
    for rel in common::all_fixtures() {
        let set = import(&common::fixture(&rel), &rel).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if set.span_count() == 0 {
            continue;
        }
        let all: Vec<u32> = (0..set.traces().len() as u32).collect();
        let costs = cost_report(&set, &PriceTable::builtin(), &all);
        let mut writer = SpanWriter::new(Vec::new()).unwrap_or_else(|e| panic!("{e}"));
        // Two row groups, where there are two traces.
        let half = all.len() / 2;
        for part in [&all[..half], &all[half..]] {
            writer
                .write(&set, part, &costs)
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
        }
        let bytes = writer.finish().unwrap_or_else(|e| panic!("{e}"));
        let back = import(&bytes, "spans.parquet").unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(back.sources()[0].format.label(), "parquet");
        // Parquet keeps spans, not their events, links, scopes or resources; a call whose
        // tokens count is read as counting its own usage.
        let without_rows = |set: &TraceSet| {
            comparable(set)
                .lines()
                .map(|l| {
                    l.split(' ')
                        .filter(|w| {
                            !w.starts_with("events=")
                                && !w.starts_with("links=")
                                && *w != "own-usage"
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (want, got) = (without_rows(&set), without_rows(&back));
        assert_same(&format!("{rel} as Parquet"), &want, &got);
        assert_attributes_kept(&rel, &set, &back, false);
        // Decoded apart (as the page's decoder worker does), sent in binary form and added
        // after another file: the same as both read in one builder.
        let other = common::fixture("otlp-json/otel-proto-example-trace.json");
        let mut apart = TraceSetBuilder::new();
        apart
            .add_file_owned("spans.parquet", bytes.clone())
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        let sent = wire::encode_read(&apart).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let read = wire::decode_read(&sent).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let mut joined = TraceSetBuilder::new();
        joined
            .add_file("a.json", &other)
            .unwrap_or_else(|e| panic!("{e}"));
        let report = joined
            .add_read("spans.parquet", read)
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!((report.source, report.format.label()), (1, "parquet"));
        let mut together = TraceSetBuilder::new();
        together
            .add_file("a.json", &other)
            .unwrap_or_else(|e| panic!("{e}"));
        together
            .add_file("spans.parquet", &bytes)
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_same(
            &format!("{rel} decoded apart"),
            &text_dump(&together.finish()),
            &text_dump(&joined.finish()),
        );
        checked += 1;
    }
    assert!(checked >= 50, "{checked} fixtures");
}

#[test]
fn parquet_without_span_columns_is_refused_with_what_it_lacks() {
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema = parse_message_type(
        "message m { required binary trace_id (STRING); required int64 start_time; }",
    )
    .unwrap();
    let writer = SerializedFileWriter::new(
        Vec::new(),
        Arc::new(schema),
        Arc::new(WriterProperties::builder().build()),
    )
    .unwrap();
    let bytes = writer.into_inner().unwrap();
    let e = import(&bytes, "other.parquet").unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("lacks span_id, name, end_time")
            && text.contains("its columns are trace_id, start_time"),
        "{text}"
    );
    let cut = import(&bytes[..bytes.len() - 5], "cut.parquet").unwrap_err();
    assert!(!cut.to_string().is_empty());
}
