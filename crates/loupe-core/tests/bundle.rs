//! Session bundles: every corpus file survives export and import with the same figures, a
//! second export gives the same bytes, seeded personal data and secrets are gone from a
//! redacted bundle's bytes, and bundles written by earlier versions keep opening.

mod common;

use common::{all_fixtures, fixture};
use loupe_core::bundle::{BundleWriter, Comparing, Extras, Note, View, export};
use loupe_core::dump::text_dump;
use loupe_core::redact::RedactOptions;
use loupe_core::{ImportError, Totals, TraceSet, import};
use std::io::Read;

fn figures(t: &Totals) -> [u64; 6] {
    [
        t.traces,
        t.spans,
        t.errors,
        t.llm_calls,
        t.input_tokens,
        t.output_tokens,
    ]
}

fn gunzip(bytes: &[u8]) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .unwrap_or_else(|e| panic!("the bundle is gzip: {e}"));
    s
}

fn bundle_of(set: &TraceSet, options: RedactOptions) -> Vec<u8> {
    export(set, None, options, [9; 16], Extras::default())
        .0
        .to_gzip()
}

#[test]
fn every_corpus_file_keeps_its_figures_through_a_bundle_and_exports_again_the_same() {
    let mut checked = 0;
    for rel in all_fixtures() {
        let Ok(set) = import(&fixture(&rel), &rel) else {
            continue; // files of no known format
        };
        let bytes = bundle_of(&set, RedactOptions::default());
        let again = import(&bytes, "shared.loupe.json.gz").unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(again.sources()[0].format.label(), "loupe-bundle");
        assert_eq!(figures(&again.totals()), figures(&set.totals()), "{rel}");
        let cost = |t: &Totals| t.cost_usd.map(|c| (c * 1e9).round());
        assert_eq!(
            cost(&again.totals()),
            cost(&set.totals()),
            "{rel}: recorded cost"
        );
        // Span keys (what notes, links and bundles name spans by) are unique within each trace
        // and come back unchanged through a bundle that keeps ids.
        let keys = |set: &TraceSet| {
            let mut keys = Vec::new();
            for (t, tr) in set.traces().iter().enumerate() {
                let mut seen = std::collections::HashSet::new();
                for i in tr.spans.start..tr.spans.end {
                    let s = set.span(i);
                    if !s.flags().has(loupe_core::SpanFlags::DUPLICATE_ID) {
                        assert!(seen.insert(s.key()), "{rel}: trace {t} repeats {}", s.key());
                    }
                    keys.push(s.key());
                }
            }
            keys.sort();
            keys
        };
        let kept = RedactOptions {
            hash_ids: false,
            mask_pii: false,
            ..RedactOptions::default()
        };
        let with_ids = import(&bundle_of(&set, kept), "ids.loupe.json.gz")
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(keys(&with_ids), keys(&set), "{rel}: span keys");
        // Export → import → export: the same bytes.
        let second = bundle_of(&again, RedactOptions::default());
        if second != bytes {
            let (a, b) = (gunzip(&bytes), gunzip(&second));
            let at = a
                .bytes()
                .zip(b.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let around = |s: &str| {
                s.get(at.saturating_sub(200)..(at + 200).min(s.len()))
                    .unwrap_or("")
                    .to_string()
            };
            panic!(
                "{rel}: a second export differs at byte {at}:\n{}\n---\n{}",
                around(&a),
                around(&b)
            );
        }
        checked += 1;
    }
    assert!(checked >= 50, "{checked} files checked");
}

/// A trace with personal data and secrets in every place a trace can carry them.
const SEEDED: &str = r#"{"resourceSpans":[{"resource":{"attributes":[
  {"key":"service.name","value":{"stringValue":"support-bot"}},
  {"key":"host.owner","value":{"stringValue":"owner.frank@example.com"}},
  {"key":"process.command","value":{"stringValue":"/home/frankuser/bin/agent --key AKIAIOSFODNN7EXAMPLE"}}]},
 "scopeSpans":[{"spans":[
  {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
   "name":"answer grace@example.org","startTimeUnixNano":"1000","endTimeUnixNano":"9000",
   "status":{"code":2,"message":"upstream 10.20.30.40 refused token sk-live-abcdefghijklmnopqrstuvwx"},
   "attributes":[
    {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
    {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
    {"key":"gen_ai.usage.input_tokens","value":{"intValue":"1200"}},
    {"key":"gen_ai.usage.output_tokens","value":{"intValue":"80"}},
    {"key":"user.id","value":{"stringValue":"customer-henry-4417"}},
    {"key":"session.id","value":{"stringValue":"sess-ivy-secret-99"}},
    {"key":"http.url","value":{"stringValue":"https://api.example.com/v1/chat?api_key=QWERTY123secret"}},
    {"key":"http.request.header.authorization","value":{"stringValue":"Bearer abcdefghijklmnop12345"}},
    {"key":"gen_ai.input.messages","value":{"stringValue":"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"My card is 4111 1111 1111 1111, call me at +1 415-555-0132\"}]}]"}},
    {"key":"client.address","value":{"stringValue":"2001:db8:85a3:0:0:8a2e:370:7334"}},
    {"key":"jwt","value":{"stringValue":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqYWNrIn0.c2lnbmF0dXJlMTIz"}},
    {"key":"code.filepath","value":{"stringValue":"C:\\Users\\kateuser\\agent\\main.py"}},
    {"key":"github.token","value":{"stringValue":"ghp_abcdefghijklmnopqrstuvwxyz0123456789"}}],
   "events":[{"timeUnixNano":"5000","name":"exception","attributes":[
    {"key":"exception.message","value":{"stringValue":"could not reach liam@example.net from 192.168.1.77"}}]},
    {"timeUnixNano":"6000","name":"gen_ai.user.message","attributes":[
    {"key":"content","value":{"stringValue":"my phone is (415) 555-0199"}}]}]}]}]}]}"#;

/// A Langfuse download whose observation ids and trace user are personal data.
const SEEDED_IDS: &str = r#"{"trace":{"id":"t-1","userId":"mia@example.com","sessionId":"chat-of-mia","tags":["vip"]},
 "observations":[
  {"id":"obs-noah@example.com","traceId":"t-1","type":"SPAN","name":"root","startTime":"2025-01-01T00:00:00Z","endTime":"2025-01-01T00:00:02Z"},
  {"id":"obs-2","traceId":"t-1","parentObservationId":"obs-noah@example.com","type":"GENERATION","name":"llm",
   "startTime":"2025-01-01T00:00:00.5Z","endTime":"2025-01-01T00:00:01Z","model":"gpt-4o-mini",
   "usageDetails":{"input":100,"output":10},"input":"hello from olivia@example.com","output":"hi"}]}"#;

const SECRETS: &[&str] = &[
    "frank@example.com",
    "frankuser",
    "AKIAIOSFODNN7EXAMPLE",
    "grace@example.org",
    "10.20.30.40",
    "sk-live-abcdefghijklmnopqrstuvwx",
    "customer-henry-4417",
    "sess-ivy-secret-99",
    "QWERTY123secret",
    "abcdefghijklmnop12345",
    "4111 1111 1111 1111",
    "415-555-0132",
    "2001:db8:85a3",
    "eyJhbGciOiJIUzI1NiJ9",
    "kateuser",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "liam@example.net",
    "192.168.1.77",
    "555-0199",
    "mia@example.com",
    "chat-of-mia",
    "noah@example.com",
    "olivia@example.com",
];

#[test]
fn seeded_personal_data_and_secrets_are_gone_and_figures_stay() {
    let mut builder = loupe_core::TraceSetBuilder::new();
    builder
        .add_file("seeded.json", SEEDED.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    builder
        .add_file("ids.json", SEEDED_IDS.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let set = builder.finish();
    // A note pinned to the span whose own id carries an e-mail address.
    let (noted_trace, noted_span) = set
        .traces()
        .iter()
        .find_map(|tr| {
            (tr.spans.start..tr.spans.end)
                .find(|&i| set.span(i).span_id_text() == "obs-noah@example.com")
                .map(|i| (tr.id.to_string(), i))
        })
        .unwrap_or_else(|| panic!("the seeded span"));
    let extras = Extras {
        view: View {
            tab: Some("cost".into()),
            ..View::default()
        },
        notes: vec![
            Note {
                trace: set.traces()[0].id.to_string(),
                span: None,
                text: "ask pat@example.com about this".into(),
            },
            Note {
                trace: noted_trace.clone(),
                span: Some("obs-noah@example.com".into()),
                text: "root is slow".into(),
            },
        ],
        ..Extras::default()
    };
    let (bundle, counts) = export(&set, None, RedactOptions::default(), [3; 16], extras);
    let json = gunzip(&bundle.to_gzip());
    for secret in SECRETS.iter().chain(&["pat@example.com"]) {
        assert!(!json.contains(secret), "{secret} survived in the bundle");
    }
    assert!(counts.message_texts >= 3, "{counts:?}");
    assert!(
        counts.emails >= 4 && counts.secrets >= 4 && counts.ids_hashed >= 4,
        "{counts:?}"
    );
    assert!(
        counts.card_numbers == 0,
        "the card was inside a dropped message: {counts:?}"
    );
    // Kept figures are unchanged.
    let again = import(json.as_bytes(), "bundle.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(figures(&again.totals()), figures(&set.totals()));
    let durations = |s: &TraceSet| {
        (0..s.span_count() as u32)
            .map(|i| s.span(i).duration())
            .collect::<Vec<_>>()
    };
    assert_eq!(durations(&again), durations(&set));
    // The span note still points at its span, under the span's hashed id.
    let notes = &again.bundle_extras()[0].notes;
    let pinned = notes
        .iter()
        .find_map(|n| n.span.clone())
        .unwrap_or_else(|| panic!("a span note in {notes:?}"));
    let tr = again
        .traces()
        .iter()
        .find(|t| t.id.to_string() == noted_trace)
        .unwrap_or_else(|| panic!("the noted trace"));
    let found: Vec<u32> = (tr.spans.start..tr.spans.end)
        .filter(|&i| again.span(i).span_id_text() == pinned)
        .collect();
    assert_eq!(found.len(), 1, "{pinned} names one span");
    assert_eq!(again.span(found[0]).name(), set.span(noted_span).name());
    // Hashed ids stay distinct and consistent: the Langfuse trace keeps one user and one session.
    let t = again
        .traces()
        .iter()
        .find(|t| !t.user.is_empty())
        .unwrap_or_else(|| panic!("a user"));
    assert!(again.str(t.user).starts_with("anon-"));
    assert_ne!(again.str(t.user), again.str(t.session));
    // With messages kept, the card number inside one is masked instead.
    let (kept, _) = export(
        &set,
        None,
        RedactOptions {
            keep_messages: true,
            ..RedactOptions::default()
        },
        [3; 16],
        Extras::default(),
    );
    let kept_json = kept.to_json();
    assert!(!kept_json.contains("4111 1111 1111 1111") && kept_json.contains("<card>"));
}

#[test]
fn a_bundle_written_by_version_1_opens() {
    // Written by `loupe redact` from otlp-json/otel-proto-example-trace.json and
    // langfuse/langfuse-ui-export-claude-agent-2025-12-22.json; kept as it was written.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bundle-v1-written-by-loupe.loupe.json.gz"
    );
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let set = import(&bytes, "old.loupe.json.gz").unwrap_or_else(|e| panic!("{e}"));
    let mut builder = loupe_core::TraceSetBuilder::new();
    for rel in [
        "otlp-json/otel-proto-example-trace.json",
        "langfuse/langfuse-ui-export-claude-agent-2025-12-22.json",
    ] {
        builder
            .add_file(rel, &fixture(rel))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let originals = builder.finish();
    assert_eq!(figures(&set.totals()), figures(&originals.totals()));
    assert_eq!(
        set.trace_scores(0).len() + set.trace_scores(1).len(),
        3,
        "the scores travel"
    );
}

#[test]
fn a_bundle_from_a_newer_loupe_says_so() {
    let e = import(br#"{"loupe_bundle": 99, "spans": []}"#, "new.loupe.json").unwrap_err();
    assert!(matches!(e, ImportError::UnknownFormat { .. }));
    assert!(e.to_string().contains("version 99"), "{e}");
}

#[test]
fn the_json_schema_names_every_field_a_bundle_writes() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../docs/bundle.schema.json"))
            .unwrap_or_else(|e| panic!("the schema is JSON: {e}"));
    let top = &schema["properties"];
    let span = &schema["$defs"]["span"]["properties"];
    let usage = &schema["$defs"]["usage"]["properties"];
    let mut builder = loupe_core::TraceSetBuilder::new();
    for rel in [
        "langfuse/agent-prism-langfuse-qa-chatbot-2025-09.json",
        "zipkin/zipkin-lens-clock-skew.json",
        "langsmith/langsmith-py-wrap-openai-stream-events.json",
    ] {
        builder
            .add_file(rel, &fixture(rel))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    builder
        .add_file("seeded.json", SEEDED.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let set = builder.finish();
    let (bundle, _) = export(
        &set,
        None,
        RedactOptions {
            keep_messages: true,
            ..RedactOptions::default()
        },
        [1; 16],
        Extras {
            view: View {
                tab: Some("flame".into()),
                query: "kind:llm".into(),
                trace: Some(set.traces()[0].id.to_string()),
                span: Some(set.span(set.traces()[0].spans.start).span_id_text()),
                mode: Some("flame".into()),
                zoom: Some([0, 1_000]),
                weight: Some("self".into()),
                focus: vec!["root".into()],
                compare: Some(Comparing::Sets {
                    baseline: "tag:v1".into(),
                    candidate: "tag:v2".into(),
                }),
            },
            notes: vec![Note {
                trace: set.traces()[0].id.to_string(),
                span: Some(set.span(set.traces()[0].spans.start).span_id_text()),
                text: "a note".into(),
            }],
            ..Extras::default()
        },
    );
    let v: serde_json::Value =
        serde_json::from_str(&bundle.to_json()).unwrap_or_else(|e| panic!("{e}"));
    let keys = |o: &serde_json::Value| {
        o.as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    for k in keys(&v) {
        assert!(top.get(&k).is_some(), "top-level {k} is not in the schema");
    }
    for k in keys(&v["view"]) {
        assert!(
            top["view"]["properties"].get(&k).is_some(),
            "view field {k} is not in the schema"
        );
    }
    for k in keys(&v["notes"][0]) {
        assert!(
            top["notes"]["items"]["properties"].get(&k).is_some(),
            "note field {k} is not in the schema"
        );
    }
    assert_eq!(keys(&v["view"]).len(), 9, "every view field was written");
    let compare = &top["view"]["properties"]["compare"];
    for (kind, sides) in v["view"]["compare"].as_object().into_iter().flatten() {
        let props = &compare["properties"][kind]["properties"];
        assert!(props.is_object(), "comparison {kind} is not in the schema");
        for k in keys(sides) {
            assert!(
                props.get(&k).is_some(),
                "comparison field {k} is not in the schema"
            );
        }
    }
    let mut seen_usage = false;
    for s in v["spans"].as_array().into_iter().flatten() {
        for k in keys(s) {
            assert!(
                span.get(&k).is_some(),
                "span field {k} is not in the schema"
            );
        }
        for k in keys(&s["usage"]) {
            seen_usage = true;
            assert!(
                usage.get(&k).is_some(),
                "usage field {k} is not in the schema"
            );
        }
    }
    assert!(seen_usage);
}

#[test]
fn a_bundle_brings_back_its_view_prices_and_notes() {
    let rel = "langfuse/langfuse-ui-export-claude-agent-2025-12-22.json";
    let set = import(&fixture(rel), rel).unwrap_or_else(|e| panic!("{e}"));
    let trace = set.traces()[0].id.to_string();
    let mut prices = std::collections::BTreeMap::new();
    prices.insert(
        "my-model".to_string(),
        loupe_core::pricing::Price {
            input: 1e-6,
            output: 2e-6,
            ..Default::default()
        },
    );
    let extras = Extras {
        view: View {
            tab: Some("cost".into()),
            query: "kind:llm user:quinn@example.com".into(),
            trace: Some(trace.clone()),
            span: None,
            mode: Some("flame".into()),
            zoom: Some([1_000, 2_000_000]),
            weight: Some("self".into()),
            focus: vec!["agent".into(), "quinn@example.com".into()],
            compare: Some(Comparing::Sets {
                baseline: "tag:v1 name~sk-proj-abcdefghijklmnopqrstuvwx".into(),
                candidate: r#"user:quinn@example.com file:"run a.json" attr.llm.input_messages.0.message.content~invoice"#.into(),
            }),
        },
        prices: prices.clone(),
        notes: vec![
            Note {
                trace: trace.clone(),
                span: None,
                text: "slow turn".into(),
            },
            Note {
                trace: "not-a-loaded-trace".into(),
                span: None,
                text: "left out: its trace is not in the bundle".into(),
            },
        ],
        created: Some("2026-11-22T00:00:00Z".into()),
    };
    let (bundle, _) = export(&set, None, RedactOptions::default(), [5; 16], extras);
    let again = import(&bundle.to_gzip(), "b.loupe.json.gz").unwrap_or_else(|e| panic!("{e}"));
    let back = &again.bundle_extras()[0];
    // A bundle is one file once made: a filter by the files it was made from selects nothing.
    let by_file = |q: &str| {
        loupe_core::query::Query::parse(q)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter(&again, None)
            .len()
    };
    assert_eq!(by_file(&format!("file:\"{rel}\"")), 0);
    assert_eq!(by_file("file:b.loupe.json.gz"), again.traces().len());
    assert_eq!(back.view.tab.as_deref(), Some("cost"));
    // The query's user is hashed as the spans' users are, so the filter still selects them.
    let hashed = back
        .view
        .query
        .strip_prefix("kind:llm user:")
        .unwrap_or_default();
    assert!(hashed.starts_with("anon-"), "{}", back.view.query);
    assert_eq!(back.view.trace.as_deref(), Some(trace.as_str()));
    assert_eq!(back.prices, prices);
    assert_eq!(back.notes.len(), 1, "{:?}", back.notes);
    assert_eq!(back.notes[0].text, "slow turn");
    assert_eq!(back.view.mode.as_deref(), Some("flame"));
    assert_eq!(back.view.zoom, Some([1_000, 2_000_000]));
    assert_eq!(back.view.weight.as_deref(), Some("self"));
    assert_eq!(
        back.view.focus,
        ["agent", "<email>"],
        "focus names are masked too"
    );
    assert_eq!(
        back.view.compare,
        Some(Comparing::Sets {
            baseline: "tag:v1 name~<secret>".into(),
            candidate: format!("user:{hashed}"),
        }),
        "the filters compared are masked too; terms on files and dropped attributes go"
    );
    // A bundle without the open trace does not name it, nor a comparison of traces it lacks.
    let versus = |candidate: &str| Comparing::Traces {
        baseline: trace.clone(),
        candidate: candidate.into(),
    };
    let other = Extras {
        view: View {
            trace: Some("not-in-this-bundle".into()),
            span: Some("s1".into()),
            zoom: Some([0, 10]),
            compare: Some(versus("not-in-this-bundle")),
            ..View::default()
        },
        ..Extras::default()
    };
    let (without, _) = export(&set, None, RedactOptions::default(), [5; 16], other);
    assert_eq!(
        (without.view.trace, without.view.span, without.view.zoom),
        (None, None, None)
    );
    assert_eq!(without.view.compare, None);
    let both = Extras {
        view: View {
            compare: Some(versus(&trace)),
            ..View::default()
        },
        ..Extras::default()
    };
    let (with, _) = export(&set, None, RedactOptions::default(), [5; 16], both);
    assert_eq!(with.view.compare, Some(versus(&trace)));
    assert_eq!(back.created.as_deref(), Some("2026-11-22T00:00:00Z"));
}

#[test]
fn a_set_loaded_from_a_bundle_crosses_to_the_page_intact() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bundle-v1-written-by-loupe.loupe.json.gz"
    );
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
    let set = import(&bytes, "old.loupe.json.gz").unwrap_or_else(|e| panic!("{e}"));
    let wire = loupe_core::wire::encode(&set).unwrap_or_else(|e| panic!("{e}"));
    let back = loupe_core::wire::decode(&wire).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(figures(&back.totals()), figures(&set.totals()));
    assert_eq!(back.bundle_extras(), set.bundle_extras());
}

#[test]
fn a_filter_kept_in_a_bundle_selects_the_same_traces_once_ids_are_hashed() {
    use loupe_core::query::Query;
    let rel = "langfuse/agent-prism-langfuse-qa-chatbot-2025-09.json";
    let set = import(&fixture(rel), rel).unwrap_or_else(|e| panic!("{e}"));
    let user = set.str(set.traces()[0].user).to_string();
    assert!(!user.is_empty());
    let query = format!("user:{user} kind:llm");
    let select = |set: &TraceSet, q: &str| {
        Query::parse(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .filter(set, None)
            .len()
    };
    assert_eq!(select(&set, &query), 1);
    let extras = Extras {
        view: View {
            query,
            ..View::default()
        },
        ..Extras::default()
    };
    let (bundle, _) = export(&set, None, RedactOptions::default(), [9; 16], extras);
    let again = import(&bundle.to_gzip(), "b.loupe.json.gz").unwrap_or_else(|e| panic!("{e}"));
    let kept = &again.bundle_extras()[0].view.query;
    assert!(!kept.contains(&user), "{kept}");
    assert_eq!(select(&again, kept), 1, "{kept}");
}

#[test]
fn a_bundle_written_part_by_part_reads_as_one_written_whole() {
    let mut checked = 0;
    for rel in all_fixtures() {
        let Ok(set) = import(&fixture(&rel), &rel) else {
            continue;
        };
        let all: Vec<u32> = (0..set.traces().len() as u32).collect();
        if all.len() < 2 {
            continue;
        }
        let whole = export(
            &set,
            None,
            RedactOptions::default(),
            [9; 16],
            Extras::default(),
        )
        .0;
        // Each trace a part of its own, as a stream hands traces on: resources shared between
        // parts are written once, and ids hashed alike.
        let mut writer = BundleWriter::new(Vec::new()).unwrap_or_else(|e| panic!("{e}"));
        for t in &all {
            let part = export(
                &set,
                Some(&[*t]),
                RedactOptions::default(),
                [9; 16],
                Extras::default(),
            );
            writer.add(part.0).unwrap_or_else(|e| panic!("{rel}: {e}"));
        }
        let (bytes, spans) = writer.finish().unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(spans, set.span_count() as u64, "{rel}");
        let parts = import(&bytes, "b.loupe.json").unwrap_or_else(|e| panic!("{rel}: {e}"));
        let once = import(whole.to_json().as_bytes(), "b.loupe.json")
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(text_dump(&parts), text_dump(&once), "{rel}");
        let written: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let resources = written["resources"].as_array().map_or(0, Vec::len);
        // Resources with the same attributes are written once.
        assert!(
            resources <= whole.resources.len(),
            "{rel}: resources repeated"
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} files with two traces or more");
}
