//! Every Zipkin fixture imports with the figures written here (counted from the files
//! themselves), and shared client/server span ids make a parent and a child, not a clash.

mod common;

use common::{assert_tree_invariants, fixture, fixtures_of};
use loupe_core::{DiagnosticKind, Format, OtelKind, import};

/// (path, traces, spans, error spans, root spans)
const EXPECTED: &[(&str, u64, u64, u64, u32)] = &[
    ("zipkin/zipkin-lens-clock-skew.json", 1, 4, 0, 1),
    ("zipkin/zipkin-lens-envoy-no-servicename.json", 1, 1, 0, 1),
    ("zipkin/zipkin-lens-kafka-errors.json", 1, 28, 3, 1),
    ("zipkin/zipkin-lens-messaging-128bit.json", 1, 4, 0, 1),
    (
        "zipkin/zipkin-lens-smartthings-1041spans.json",
        1,
        1041,
        2,
        1,
    ),
    ("zipkin/zipkin-lens-yelp.json", 1, 16, 0, 1),
    ("zipkin/zipkin-single-span-object-chinese.json", 1, 1, 1, 1),
];

#[test]
fn every_zipkin_fixture_is_listed() {
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(fixtures_of("zipkin"), listed);
}

#[test]
fn zipkin_fixtures_import_with_the_right_figures() {
    for &(path, traces, spans, errors, roots) in EXPECTED {
        let set = import(&fixture(path), "unnamed").unwrap_or_else(|e| panic!("{path}: {e}"));
        let t = set.totals();
        assert_eq!(set.sources()[0].format, Format::Zipkin, "{path}");
        assert_eq!(
            (t.traces, t.spans, t.errors),
            (traces, spans, errors),
            "{path}"
        );
        assert_eq!(set.traces()[0].root_count, roots, "{path}: roots");
        assert_eq!(
            set.diagnostics().count(DiagnosticKind::DuplicateId),
            0,
            "{path}"
        );
        assert_tree_invariants(&set);
    }
}

#[test]
fn the_shared_server_half_is_the_child_of_its_client_and_keeps_the_id() {
    let set = import(&fixture("zipkin/zipkin-lens-clock-skew.json"), "x").unwrap();
    let spans: Vec<_> = (0..set.span_count() as u32).map(|i| set.span(i)).collect();
    let server = spans
        .iter()
        .find(|s| s.otel_kind() == OtelKind::Server && s.service() == "serviceb")
        .unwrap();
    let client = set.span(server.parent().unwrap());
    assert_eq!(client.otel_kind(), OtelKind::Client);
    assert_eq!(server.span_id_text(), "74280ae0c10d8062");
    assert_eq!(client.span_id_text(), "74280ae0c10d8062");
    // The async span of serviceb names the shared id: it belongs to the server half.
    let child = spans.iter().find(|s| s.name() == "async").unwrap();
    assert_eq!(child.parent(), Some(server.index()));
}

#[test]
fn endpoints_tags_and_annotations_are_kept() {
    let set = import(
        &fixture("zipkin/zipkin-single-span-object-chinese.json"),
        "x",
    )
    .unwrap();
    let s = set.span(0);
    assert_eq!(s.name(), "个人信息查询");
    assert!(s.is_error());
    assert!(!s.service().is_empty());
    let set = import(&fixture("zipkin/zipkin-lens-messaging-128bit.json"), "x").unwrap();
    assert!(
        set.traces()[0].id.0 > u128::from(u64::MAX),
        "128-bit trace ids stay whole"
    );
    let kinds: Vec<OtelKind> = (0..4).map(|i| set.span(i).otel_kind()).collect();
    assert!(kinds.contains(&OtelKind::Producer) && kinds.contains(&OtelKind::Consumer));
}

#[test]
fn a_server_span_outside_its_client_is_centred_in_it_with_its_host_descendants() {
    let path = "zipkin/zipkin-lens-clock-skew.json";
    let bytes = fixture(path);
    let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let records = file.as_array().cloned().unwrap_or_default();
    let find = |kind: &str, service: &str| {
        records
            .iter()
            .find(|r| r["kind"] == kind && r["localEndpoint"]["serviceName"] == service)
            .unwrap_or_else(|| panic!("no {kind} span of {service}"))
    };
    let client = find("CLIENT", "servicea");
    let server = find("SERVER", "serviceb");
    let n = |v: &serde_json::Value| v.as_i64().unwrap_or_default() * 1000;
    let (cs, cd, ss, sd) = (
        n(&client["timestamp"]),
        n(&client["duration"]),
        n(&server["timestamp"]),
        n(&server["duration"]),
    );
    assert!(
        ss < cs,
        "the file's server span starts before its client span"
    );
    let corrected = cs + (cd - sd) / 2;

    let set = import(&bytes, path).unwrap_or_else(|e| panic!("{e}"));
    let spans: Vec<_> = (0..set.span_count() as u32).map(|i| set.span(i)).collect();
    let got = spans
        .iter()
        .find(|s| s.service() == "serviceb" && s.otel_kind() == OtelKind::Server)
        .unwrap_or_else(|| panic!("no server span"));
    assert_eq!(got.start(), corrected);
    assert_eq!(got.duration(), sd, "durations are kept");
    // Its child on the same host moved by the same amount.
    let child_record = records
        .iter()
        .find(|r| r["name"] == "async")
        .unwrap_or_else(|| panic!("no async span"));
    let child = spans
        .iter()
        .find(|s| s.name() == "async")
        .unwrap_or_else(|| panic!("no async"));
    assert_eq!(
        child.start() - got.start(),
        n(&child_record["timestamp"]) - ss
    );
    assert_eq!(set.diagnostics().count(DiagnosticKind::ClockSkew), 1);
    assert!(set.traces()[0].duration() == n(&find("SERVER", "servicea")["duration"]));
}

#[test]
fn a_list_of_traces_reads_as_its_traces_each_alone() {
    let list = common::zipkin_list_of_traces(1);
    let set = import(list.as_bytes(), "traces.json").unwrap_or_else(|e| panic!("{e}"));
    let t = set.totals();
    let sum = |f: fn(&(&str, u64, u64, u64, u32)) -> u64| EXPECTED.iter().map(f).sum::<u64>();
    assert_eq!(set.sources()[0].format, Format::Zipkin);
    assert_eq!(
        (t.traces, t.spans, t.errors),
        (sum(|e| e.1), sum(|e| e.2), sum(|e| e.3))
    );
    let skews: usize = EXPECTED
        .iter()
        .map(|e| {
            import(&fixture(e.0), e.0)
                .map_or(0, |s| s.diagnostics().count(DiagnosticKind::ClockSkew))
        })
        .sum();
    assert!(skews > 0, "a fixture has clock skew");
    assert_eq!(set.diagnostics().count(DiagnosticKind::ClockSkew), skews);
    assert_tree_invariants(&set);
}
