//! Walks the whole fixture corpus. Every file either imports, with a canonical text dump equal
//! to its snapshot in `tests/snapshots/`, or fails with a clear error; none panics. Detection
//! gives the same format and figures with the file name hidden or misleading. Formats not
//! read yet are listed here, so each new importer moves its folder from one list to the other.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test -p loupe-core --test corpus` rewrites the snapshots; review
//! the diff before committing it.

mod common;

use common::{all_fixtures, assert_tree_invariants, fixture};
use loupe_core::dump::text_dump;
use loupe_core::{ImportError, import};
use std::path::{Path, PathBuf};

/// Folders whose files Loupe reads, with the format each file is detected as.
const READ: &[(&str, &str)] = &[
    ("otlp-json", "otlp-json"),
    ("otlp-jsonl", "otlp-jsonl"),
    ("jaeger", "jaeger"),
    ("zipkin", "zipkin"),
    ("langfuse", "langfuse"),
    ("mlflow", "mlflow"),
    ("langsmith", "langsmith"),
    ("chrome-trace", "chrome-trace"),
];

/// Files read although the rest of their folder is not read yet.
#[rustfmt::skip]
const READ_ELSEWHERE: &[(&str, &str)] = &[
    ("openinference/agent-prism-otlp-array-langchain-rag-retriever.json", "otlp-json"),
    ("openinference/agent-prism-otlp-array-openai-tools.json", "otlp-json"),
    ("openinference/phoenix-rest-spans-agent-turn-error.json", "phoenix"),
    ("openinference/phoenix-rest-spans-subagent-38spans.json", "phoenix"),
    ("other/monocle-otel-python-to_json-adk-errors-51spans.json", "otel-python"),
    ("other/monocle-otel-python-to_json-openai-agents-sdk.json", "otel-python"),
    ("other/oteltest-capture-langchain-agent-tools-42spans.json", "otlp-json"),
    ("other/vercel-ai-sdk-v6-js-readablespan-hrtime.json", "otel-js"),
    ("other/codex-cli-span-attributes-token-usage.json", "span-attributes"),
    ("other/otel-genai-client-span-attributes-flat.json", "span-attributes"),
    ("openinference/openinference-llm-span-attributes-flat.json", "span-attributes"),
    ("other/vercel-ai-sdk-doStream-span-attributes-opencode.json", "span-attributes"),
    ("other/tracetest-nested-tree-138spans-depth48.json", "tracetest"),
];

fn snapshot_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{rel}.txt"))
}

fn expected_format(rel: &str) -> Option<&'static str> {
    READ_ELSEWHERE
        .iter()
        .find(|(path, _)| *path == rel)
        .map(|(_, f)| *f)
        .or_else(|| {
            let dir = rel.split('/').next().unwrap_or("");
            READ.iter().find(|(d, _)| *d == dir).map(|(_, f)| *f)
        })
}

#[test]
fn every_fixture_imports_as_its_snapshot_or_fails_clearly() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut mismatches = Vec::new();
    let files = all_fixtures();
    assert!(
        files.len() >= 50,
        "the corpus is there ({} files)",
        files.len()
    );
    for rel in &files {
        let bytes = fixture(rel);
        let result = import(&bytes, rel);
        match (expected_format(rel), result) {
            (Some(format), Ok(set)) => {
                assert_eq!(set.sources()[0].format.label(), format, "{rel}");
                // The name plays no part: hidden, or pointing at another format, the file is
                // read the same.
                for name in ["upload", "trace.zipkin.jsonl.csv"] {
                    let again =
                        import(&bytes, name).unwrap_or_else(|e| panic!("{rel} as {name}: {e}"));
                    assert_eq!(again.sources()[0].format.label(), format, "{rel} as {name}");
                    assert_eq!(again.totals(), set.totals(), "{rel} as {name}");
                }
                assert_tree_invariants(&set);
                let dump = text_dump(&set);
                let snap = snapshot_path(rel);
                if update {
                    std::fs::create_dir_all(snap.parent().unwrap_or(Path::new("."))).ok();
                    std::fs::write(&snap, &dump).unwrap_or_else(|e| panic!("{rel}: {e}"));
                } else {
                    match std::fs::read_to_string(&snap) {
                        Ok(expected) if expected == dump => {}
                        Ok(_) => mismatches.push(format!("{rel}: differs from its snapshot")),
                        Err(_) => mismatches.push(format!("{rel}: no snapshot")),
                    }
                }
            }
            (Some(_), Err(e)) => panic!("{rel} should import: {e}"),
            (None, Ok(set)) => panic!(
                "{rel} imported as {}, but its format is not listed as read",
                set.sources()[0].format.label()
            ),
            (None, Err(e)) => {
                let clear = match &e {
                    ImportError::UnknownFormat { found } => !found.is_empty(),
                    ImportError::Json { line, column, .. } => *line > 0 && *column > 0,
                    _ => false,
                };
                assert!(clear, "{rel}: unclear error {e:?}");
                assert!(e.to_string().len() > 20, "{rel}: {e}");
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n(run with UPDATE_SNAPSHOTS=1 and review the diff)",
        mismatches.join("\n")
    );
}
