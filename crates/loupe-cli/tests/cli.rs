//! The CLI run as a user runs it, on real fixture files.

use std::path::PathBuf;
use std::process::Command;

fn fixtures() -> PathBuf {
    std::env::var_os("LOUPE_FIXTURES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    )
}

fn loupe(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run loupe: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn summary_json_has_the_documented_schema_and_figures() {
    let f =
        fixtures().join("otlp-jsonl/otel-tui-collector-fileexporter-demo-mixed-signals.jsonl.gz");
    let g = fixtures().join("otlp-json/langwatch-claude-code-genai-all-zero-ids.json");
    let (code, out, _) = loupe(&[
        "summary",
        "--json",
        f.to_str().unwrap(),
        g.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let v = json(&out);
    let first = &v["files"][0];
    assert_eq!(first["format"], "otlp-jsonl");
    assert_eq!(
        (&first["traces"], &first["spans"], &first["errors"]),
        (&json("141"), &json("547"), &json("107"))
    );
    assert!(first["warnings"].as_array().is_some_and(|w| !w.is_empty()));
    let second = &v["files"][1];
    assert_eq!(
        (
            &second["llm_calls"],
            &second["input_tokens"],
            &second["output_tokens"]
        ),
        (&json("1"), &json("187"), &json("53"))
    );
    assert_eq!(second["cost_usd"], serde_json::Value::Null);
    let totals = &v["totals"];
    for key in [
        "traces",
        "spans",
        "errors",
        "llm_calls",
        "embedding_calls",
        "input_tokens",
        "output_tokens",
        "cost_usd",
    ] {
        assert!(totals.get(key).is_some(), "totals.{key}");
    }
    assert_eq!(
        (&totals["spans"], &totals["llm_calls"]),
        (&json("548"), &json("1"))
    );
}

#[test]
fn a_failed_file_is_listed_with_its_error_and_the_exit_status_is_one() {
    let good = fixtures().join("otlp-json/otel-proto-example-trace.json");
    let bad = fixtures().join("SOURCES.md");
    let (code, out, _) = loupe(&[
        "summary",
        "--json",
        bad.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let v = json(&out);
    assert!(
        v["files"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("Loupe reads"))
    );
    assert_eq!(v["files"][1]["spans"], 1);
    assert_eq!(v["totals"]["spans"], 1);
}

#[test]
fn the_table_shows_files_warnings_and_totals() {
    let f = fixtures().join("otlp-json/otel-proto-example-trace.json");
    let (code, out, _) = loupe(&["summary", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.starts_with("FILE"), "{out}");
    assert!(
        out.contains("warning:") && out.contains("not loaded"),
        "{out}"
    );
    assert!(
        out.lines().last().is_some_and(|l| l.starts_with("TOTAL")),
        "{out}"
    );
}

#[test]
fn generated_traces_read_back_with_the_requested_counts() {
    let dir = std::env::temp_dir().join(format!("loupe-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_file = dir.join("gen.json");
    let (code, _, err) = loupe(&[
        "gen",
        "--spans",
        "2000",
        "--traces",
        "20",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = loupe(&["summary", "--json", out_file.to_str().unwrap()]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(
        (&v["totals"]["traces"], &v["totals"]["spans"]),
        (&json("20"), &json("2000"))
    );
    assert!(v["totals"]["input_tokens"].as_u64().is_some_and(|n| n > 0));
    std::fs::remove_dir_all(&dir).ok();
}

/// Adds up the figures of every file a summary lists.
fn files_total(summary: &serde_json::Value, key: &str) -> u64 {
    let files = summary["files"].as_array().map_or(&[][..], Vec::as_slice);
    files.iter().filter_map(|f| f[key].as_u64()).sum()
}

#[test]
fn a_file_streamed_in_chunks_gives_the_figures_of_its_parts() {
    let dir = std::env::temp_dir().join(format!("loupe-cli-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut parts = Vec::new();
    let mut whole = Vec::new();
    for seed in ["1", "2", "3"] {
        let part = dir.join(format!("part{seed}.jsonl"));
        let path = part.to_str().unwrap().to_string();
        let generate = [
            "gen", "--lines", "--spans", "60000", "--traces", "2400", "--seed", seed,
        ];
        let (code, _, err) = loupe(&[&generate[..], &["--out", &path]].concat());
        assert_eq!(code, 0, "{err}");
        whole.extend(std::fs::read(&part).unwrap());
        parts.push(path);
    }
    let whole_path = dir.join("whole.jsonl");
    std::fs::write(&whole_path, &whole).unwrap();
    let summary = |args: &[&str]| {
        let (code, out, err) = loupe(&[&["summary", "--json"], args].concat());
        assert_eq!(code, 0, "{err}");
        json(&out)
    };
    // 180,000 spans: handed on in chunks of 100,000 with the default idle window.
    let one = summary(&[whole_path.to_str().unwrap()]);
    let each: Vec<&str> = parts.iter().map(String::as_str).collect();
    let three = summary(&each);
    for key in [
        "traces",
        "spans",
        "errors",
        "llm_calls",
        "input_tokens",
        "output_tokens",
    ] {
        assert_eq!(one["totals"][key], three["totals"][key], "{key}");
        assert_eq!(
            files_total(&three, key),
            three["totals"][key].as_u64().unwrap(),
            "{key}"
        );
    }
    assert_eq!(one["totals"]["spans"], json("180000"));
    assert_eq!(one["totals"]["traces"], json("7200"));
    let cost = |s: &serde_json::Value| s["totals"]["cost_usd"].as_f64().unwrap();
    assert!((cost(&one) - cost(&three)).abs() < 1e-6 * cost(&one));
    assert!(one["files"][0]["warnings"].as_array().unwrap().is_empty());
    // Each trace's spans come together (one line each), so even the shortest window hands
    // every trace on whole.
    let (code, out, err) = loupe(&[
        "summary",
        "--json",
        "--idle",
        "1",
        whole_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let short = json(&out);
    for key in ["traces", "spans", "input_tokens"] {
        assert_eq!(short["totals"][key], one["totals"][key], "{key}");
    }
    // Gzip is decoded as it is read: the same figures.
    let gz = dir.join("part1.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &std::fs::read(&parts[0]).unwrap()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let plain = summary(&[&parts[0]]);
    let zipped = summary(&[gz.to_str().unwrap()]);
    assert_eq!(zipped["files"][0]["format"], json("\"otlp-jsonl\""));
    for key in ["traces", "spans", "input_tokens", "output_tokens"] {
        assert_eq!(zipped["totals"][key], plain["totals"][key], "{key}");
    }
    assert_eq!(loupe(&["summary", "--idle", "0", &parts[0]]).0, 2);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn usage_errors_exit_with_two() {
    assert_eq!(loupe(&["summary"]).0, 2);
    assert_eq!(loupe(&["frobnicate"]).0, 2);
    assert_eq!(loupe(&["gen", "--spans", "x", "--out", "/tmp/x"]).0, 2);
}

#[test]
fn dump_prints_the_tree_of_a_file() {
    let f = fixtures().join("zipkin/zipkin-lens-clock-skew.json");
    let (code, out, _) = loupe(&["dump", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.starts_with("format: zipkin"), "{out}");
    assert!(out.contains("\n  get [other/server]"), "{out}");
    assert!(
        out.contains("\n      post [other/server] 74280ae0c10d8062"),
        "{out}"
    );
}

#[test]
fn summary_json_prices_calls_that_record_no_cost_and_says_so() {
    let recorded = fixtures().join("langfuse/langfuse-ui-export-claude-agent-2025-12-22.json");
    let unrecorded = fixtures().join("langsmith/langsmith-js-wrap-openai-reasoning.json");
    let (code, out, _) = loupe(&[
        "summary",
        "--json",
        recorded.to_str().unwrap(),
        unrecorded.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let v = json(&out);
    // The recorded cost is the sum of the innermost generations' costDetails.total.
    let file = json(&std::fs::read_to_string(&recorded).unwrap());
    let observations = file["observations"].as_array().unwrap();
    let parents: Vec<&serde_json::Value> = observations
        .iter()
        .map(|o| &o["parentObservationId"])
        .collect();
    let expected: f64 = observations
        .iter()
        .filter(|o| o["type"] == "GENERATION")
        .filter(|o| !parents.contains(&&o["id"]) || o["usageDetails"].is_null())
        .filter_map(|o| o["costDetails"]["total"].as_f64())
        .sum();
    let first = &v["files"][0];
    assert_eq!(first["cost_source"], "recorded");
    assert!((first["cost_usd"].as_f64().unwrap() - expected).abs() < 1e-12);
    let second = &v["files"][1];
    assert_eq!(second["cost_source"], "computed");
    assert!(second["cost_usd"].as_f64().is_some_and(|c| c > 0.0));
    assert_eq!(v["totals"]["cost_source"], "mixed");
}

#[test]
fn redact_writes_a_bundle_whose_summary_matches_its_inputs() {
    let inputs = [
        fixtures().join("openinference/phoenix-rest-spans-agent-turn-error.json"),
        fixtures().join("langfuse/agent-prism-langfuse-qa-chatbot-2025-09.json"),
        fixtures().join("zipkin/zipkin-lens-kafka-errors.json"),
    ];
    let out = std::env::temp_dir().join(format!(
        "loupe-cli-test-{}.loupe.json.gz",
        std::process::id()
    ));
    let mut args = vec!["redact", "--out", out.to_str().unwrap()];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let (code, _, err) = loupe(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("message texts"),
        "it says what it removed: {err}"
    );
    let mut summary_args = vec!["summary", "--json"];
    summary_args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let original = json(&loupe(&summary_args).1);
    let (code, bundle_out, _) = loupe(&["summary", "--json", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    let bundle = json(&bundle_out);
    assert_eq!(bundle["files"][0]["format"], "loupe-bundle");
    for key in [
        "traces",
        "spans",
        "errors",
        "llm_calls",
        "input_tokens",
        "output_tokens",
    ] {
        assert_eq!(bundle["totals"][key], original["totals"][key], "{key}");
    }
    let bytes = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).ok();
    let text = {
        use std::io::Read;
        let mut s = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    assert!(
        !text.contains("user@example.com"),
        "the Phoenix user id is hashed"
    );
    assert!(!text.contains("llm.input_messages"), "messages are dropped");
}

#[test]
fn summary_json_counts_embeddings_and_prices_every_billed_call() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../loupe-core/tests/fixtures/openinference-billed-calls-written-by-loupe.json"
    );
    let (code, out, _) = loupe(&["summary", "--json", file]);
    assert_eq!(code, 0);
    let totals = &json(&out)["totals"];
    assert_eq!(
        (
            &totals["llm_calls"],
            &totals["embedding_calls"],
            &totals["input_tokens"],
            &totals["output_tokens"],
        ),
        (&json("3"), &json("2"), &json("4100"), &json("920"))
    );
    // The hand computation of tests/billed_calls.rs in loupe-core.
    let cost = totals["cost_usd"].as_f64().unwrap_or(0.0);
    assert!((cost - 0.014_544).abs() <= 0.005 * 0.014_544, "{cost}");
    assert_eq!(totals["cost_source"], "computed");
}

/// `text` with every `gen_ai.usage.*` token count doubled.
fn double_tokens(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\"gen_ai.usage.") {
        let value = "\"intValue\":\"";
        let Some(v) = rest[at..].find(value).map(|v| at + v + value.len()) else {
            break;
        };
        let Some(digits) = rest[v..].find('"') else {
            break;
        };
        let n: u64 = rest[v..v + digits]
            .parse()
            .unwrap_or_else(|e| panic!("a token count: {e}"));
        out.push_str(&rest[..v]);
        out.push_str(&(2 * n).to_string());
        rest = &rest[v + digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn diff_of_a_file_against_itself_breaks_no_rule_and_exits_zero() {
    let dir = std::env::temp_dir().join(format!("loupe-cli-diff-same-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("run.json");
    let path = file.to_str().unwrap();
    let (code, _, err) = loupe(&["gen", "--spans", "600", "--traces", "40", "--out", path]);
    assert_eq!(code, 0, "{err}");
    let rules = "cost_per_trace+0%,tokens_per_trace+0%,error_rate+0pt,p50+0%,p95+0%,p99+0%,\
                 p95[kind=llm]+0%";
    let (code, out, err) = loupe(&["diff", "--json", "--strict", "--fail-on", rules, path, path]);
    assert_eq!(code, 0, "{out}{err}");
    let v = json(&out);
    assert_eq!(v["regressions"], json("[]"));
    assert_eq!(v["unchecked"], json("[]"), "every rule was checked");
    assert_eq!(v["baseline"], v["candidate"]);
    assert_eq!(v["baseline"]["traces"], json("40"));
    assert!(v["groups"].as_array().is_some_and(|g| g.len() > 5));
    let (code, out, _) = loupe(&["diff", path, path]);
    assert_eq!(code, 0);
    assert!(out.contains("cost per trace"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_against_doubled_token_counts_exits_one_and_names_the_cost_rule() {
    let dir = std::env::temp_dir().join(format!("loupe-cli-diff-double-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (base, doubled) = (dir.join("base.json"), dir.join("doubled.json"));
    let base_path = base.to_str().unwrap();
    let (code, _, err) = loupe(&[
        "gen", "--spans", "600", "--traces", "40", "--out", base_path,
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&doubled, double_tokens(&text)).unwrap();
    let doubled_path = doubled.to_str().unwrap();
    let rules = "cost_per_trace+10%,error_rate+1pt,p95+20%";
    let (code, out, err) = loupe(&[
        "diff",
        "--json",
        "--fail-on",
        rules,
        base_path,
        doubled_path,
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let v = json(&out);
    let broken = v["regressions"].as_array().unwrap();
    assert_eq!(broken.len(), 1, "{out}");
    assert_eq!(broken[0]["rule"], "cost_per_trace+10%");
    let increase = broken[0]["increase"].as_f64().unwrap();
    assert!((increase - 100.0).abs() < 1e-6, "{increase}");
    assert_eq!(
        v["candidate"]["tokens"].as_u64(),
        v["baseline"]["tokens"].as_u64().map(|t| 2 * t)
    );
    let (code, out, _) = loupe(&["diff", "--fail-on", rules, base_path, doubled_path]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Regressions (1):\n  cost_per_trace+10%:"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_says_what_is_wrong_with_a_rule_or_a_side() {
    let f = fixtures().join("otlp-json/otel-proto-example-trace.json");
    let path = f.to_str().unwrap();
    let (code, _, err) = loupe(&["diff", "--fail-on", "p97+5%", path, path]);
    assert_eq!(code, 2);
    assert!(err.contains("rule 'p97+5%': unknown metric 'p97'"), "{err}");
    let (code, _, err) = loupe(&["diff", path]);
    assert_eq!(code, 2);
    assert!(
        err.contains("diff needs two files: BASELINE CANDIDATE"),
        "{err}"
    );
    let (code, _, err) = loupe(&["diff", path, "/nonexistent/candidate.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/candidate.json"), "{err}");
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    use std::io::Read;
    let dir = std::env::temp_dir().join(format!("loupe-cli-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.json");
    let path = file.to_str().unwrap();
    let (code, _, err) = loupe(&["gen", "--spans", "20000", "--traces", "200", "--out", path]);
    assert_eq!(code, 0, "{err}");
    // As `loupe dump big.json | head -c 100`: the reader goes away after 100 bytes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args(["dump", path])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_of_two_traces_shows_the_merged_tree_and_the_prompt_diff() {
    let dir = std::env::temp_dir().join(format!("loupe-cli-diff-traces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, trace: &str, system: &str, retried: bool| {
        let attr = |k: &str, v: &str| format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#);
        let span = |id: &str, parent: &str, name: &str, attrs: Vec<String>| {
            format!(
                r#"{{"traceId":"{trace}","spanId":"{id}","parentSpanId":"{parent}","name":"{name}",
                "startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[{}]}}"#,
                attrs.join(",")
            )
        };
        let mut spans = vec![
            span("a000000000000001", "", "agent", vec![]),
            span(
                "a000000000000002",
                "a000000000000001",
                "chat",
                vec![
                    attr("openinference.span.kind", "LLM"),
                    attr("llm.input_messages.0.message.role", "system"),
                    attr("llm.input_messages.0.message.content", system),
                ],
            ),
            span("a000000000000003", "a000000000000001", "search", vec![]),
        ];
        if retried {
            spans.push(span(
                "a000000000000004",
                "a000000000000001",
                "search",
                vec![],
            ));
        }
        let path = dir.join(name);
        let doc = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
            spans.join(",")
        );
        std::fs::write(&path, doc).unwrap();
        path.to_str().unwrap().to_string()
    };
    let a = write(
        "a.json",
        "5b8efff798038103d269b633813fc60c",
        "Be brief.",
        false,
    );
    let b = write(
        "b.json",
        "0af7651916cd43dd8448eb211c80319c",
        "Be brief and exact.",
        true,
    );
    let (code, out, err) = loupe(&["diff", "--traces", "5b8e,0af7", &a, &b]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[1].starts_with("agent "), "{out}");
    assert!(lines[2].starts_with("  chat "), "{out}");
    assert!(
        lines[4].starts_with("  search ") && lines[4].contains("added"),
        "{out}"
    );
    assert!(
        out.contains("Prompt diff of chat:\n  Messages\n    [system]\n  - Be brief.\n  + Be brief and exact.\n"),
        "{out}"
    );
    let (code, _, err) = loupe(&["diff", "--traces", "5b8e,0af7", "--json", &a, &b]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--json compares sets; --traces shows two traces"),
        "{err}"
    );
    let (code, _, err) = loupe(&["diff", "--traces", ",0af7", &a, &b]);
    assert_eq!(code, 2);
    assert!(err.contains("--traces needs a trace id"), "{err}");
    let (code, _, err) = loupe(&["diff", "--traces", "ffff", &a, &b]);
    assert_eq!(code, 2);
    assert!(err.contains("has no trace ffff"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn convert_writes_otlp_that_reads_back_with_the_same_figures() {
    let dir = std::env::temp_dir().join(format!("loupe-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b) = (
        fixtures().join("langsmith/langsmith-py-wrap-openai-stream-events.json"),
        fixtures().join("langfuse/langfuse-ui-export-claude-agent-2025-12-22.json"),
    );
    let (input, other) = (a.to_str().unwrap(), b.to_str().unwrap());
    let (_, before, _) = loupe(&["summary", "--json", input, other]);
    for (to, name) in [("otlp-json", "out.json"), ("otlp-jsonl", "out.jsonl")] {
        let out = dir.join(name);
        let out = out.to_str().unwrap();
        let (code, _, err) = loupe(&["convert", "--to", to, "--out", out, input, other]);
        assert_eq!(code, 0, "{err}");
        assert!(err.starts_with(&format!("wrote {out}: ")), "{err}");
        let (_, after, _) = loupe(&["summary", "--json", out]);
        let (a, b) = (json(&before), json(&after));
        assert!(a["totals"]["traces"].as_u64().unwrap() > 1);
        for key in [
            "traces",
            "spans",
            "errors",
            "llm_calls",
            "input_tokens",
            "output_tokens",
        ] {
            assert_eq!(a["totals"][key], b["totals"][key], "{to}: {key}");
        }
        assert_eq!(b["files"][0]["format"], to);
    }
    let (code, _, err) = loupe(&["convert", "--to", "csv", "--out", "x", input]);
    assert_eq!(code, 2);
    assert!(
        err.contains("convert writes parquet, otlp-json or otlp-jsonl, not 'csv'"),
        "{err}"
    );
    let (code, _, err) = loupe(&["convert", "--to", "otlp-json", input]);
    assert_eq!(
        (code, err.contains("convert needs --out OUT")),
        (2, true),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn redact_to_parquet_writes_the_redacted_spans() {
    let input = fixtures().join("langfuse/agent-prism-langfuse-qa-chatbot-2025-09.json");
    let input = input.to_str().unwrap();
    let out = std::env::temp_dir().join(format!("loupe-redact-{}.parquet", std::process::id()));
    let out = out.to_str().unwrap();
    let (code, _, err) = loupe(&["redact", "--to", "parquet", "--out", out, input]);
    assert_eq!(code, 0, "{err}");
    let (before, after) = (
        json(&loupe(&["summary", "--json", input]).1),
        json(&loupe(&["summary", "--json", out]).1),
    );
    assert_eq!(after["files"][0]["format"], "parquet");
    for key in [
        "traces",
        "spans",
        "llm_calls",
        "input_tokens",
        "output_tokens",
    ] {
        assert_eq!(after["totals"][key], before["totals"][key], "{key}");
    }
    let (_, original, _) = loupe(&["dump", input]);
    let (_, dump, _) = loupe(&["dump", out]);
    assert!(
        original.contains("user: \"u-V6W6PTVby8m2hV4pVzUuE\""),
        "{original}"
    );
    assert!(!dump.contains("u-V6W6PTVby8m2hV4pVzUuE"), "{dump}");
    assert!(dump.contains("user: \"anon-"), "{dump}");
    let (code, _, err) = loupe(&["redact", "--to", "csv", "--out", out, input]);
    assert_eq!(code, 2);
    assert!(
        err.contains("redact writes a bundle or parquet, not 'csv'"),
        "{err}"
    );
    std::fs::remove_file(out).ok();
}

#[test]
fn a_progress_line_shows_on_a_terminal_only() {
    let dir = std::env::temp_dir().join(format!("loupe-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.json");
    let path = path.to_str().unwrap();
    let (code, _, err) = loupe(&["gen", "--spans", "15000", "--traces", "15", "--out", path]);
    assert_eq!(code, 0, "{err}");
    // Not a terminal: nothing but the summary.
    let (_, _, err) = loupe(&["summary", path]);
    assert!(!err.contains("reading ["), "{err}");
    // A terminal (util-linux `script` gives the command one): the line, ending at 100%.
    let command = format!("{} summary {path}", env!("CARGO_BIN_EXE_loupe"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run script: {e}"));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("\rreading [####################] 100% 10 of 10 MB"),
        "{shown:?}"
    );
    assert!(shown.contains("TOTAL"), "{shown}");
    std::fs::remove_dir_all(&dir).unwrap();
}
