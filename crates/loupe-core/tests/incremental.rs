//! Adding a file to a loaded set parses that file only, and removing one reads nothing again:
//! either way the set is the one a load of the same files from scratch gives (the same dump,
//! the same problems), over the whole fixture corpus and over traces split across files.

mod common;

use common::{all_fixtures, assert_tree_invariants, fixture, fixtures_of};
use loupe_core::dump::text_dump;
use loupe_core::{DiagnosticKind, TraceSet, TraceSetBuilder, add_file, remove_file};

/// Loads `files` (name, bytes) together, from scratch.
fn at_once(files: &[(String, Vec<u8>)]) -> TraceSet {
    let mut builder = TraceSetBuilder::new();
    for (name, bytes) in files {
        let _ = builder.add_file(name, bytes);
    }
    builder.finish()
}

/// Loads `files` one at a time into one set.
fn one_by_one(files: &[(String, Vec<u8>)]) -> TraceSet {
    let mut set = TraceSet::default();
    for (name, bytes) in files {
        let _ = add_file(&mut set, name, bytes.clone());
    }
    set
}

/// What must agree, as lines: the dump, and the problems reported (in any order).
fn seen(set: &TraceSet) -> Vec<String> {
    assert_tree_invariants(set);
    let mut problems = set.diagnostics().lines(None);
    problems.sort();
    text_dump(set)
        .lines()
        .map(str::to_string)
        .chain(problems)
        .collect()
}

/// Asserts two sets agree, naming the first line that differs.
fn same(a: &TraceSet, b: &TraceSet, what: &str) {
    let (a, b) = (seen(a), seen(b));
    let differ = a.iter().zip(&b).position(|(x, y)| x != y);
    assert!(
        a == b,
        "{what}: line {differ:?} differs: {:?} against {:?}",
        differ.map(|i| &a[i]),
        differ.map(|i| &b[i])
    );
}

fn read(paths: &[String]) -> Vec<(String, Vec<u8>)> {
    paths.iter().map(|p| (p.clone(), fixture(p))).collect()
}

#[test]
fn adding_the_corpus_file_by_file_gives_the_set_loaded_at_once() {
    let files = read(&all_fixtures());
    assert!(files.len() > 50, "the corpus is there");
    same(&one_by_one(&files), &at_once(&files), "the corpus");
}

#[test]
fn removing_a_file_gives_the_set_of_the_others() {
    // Formats whose files carry their ids (a file without ids gets ids from its place among
    // the files, which a removal keeps and a load without the file does not).
    for format in [
        "otlp-json",
        "otlp-jsonl",
        "langfuse",
        "langsmith",
        "mlflow",
        "jaeger",
        "zipkin",
    ] {
        let files = read(&fixtures_of(format));
        for gone in 0..files.len() {
            let mut set = at_once(&files);
            remove_file(&mut set, gone as u32);
            let mut others = files.clone();
            others.remove(gone);
            assert_eq!(
                seen(&set),
                seen(&at_once(&others)),
                "{format} less {}",
                files[gone].0
            );
            assert!(set.sources()[gone].removed && set.sources()[gone].text.is_empty());
        }
    }
}

const TRACE: &str = "0af7651916cd43dd8448eb211c80319c";

/// A file of OTLP/JSON spans: (id, parent or 0, name, start).
fn otlp(spans: &[(u64, u64, &str, i64)]) -> Vec<u8> {
    let spans: Vec<String> = spans
        .iter()
        .map(|&(id, parent, name, start)| {
            let parent = if parent == 0 { String::new() } else { format!("{parent:016x}") };
            format!(
                r#"{{"traceId":"{TRACE}","spanId":"{id:016x}","parentSpanId":"{parent}","name":"{name}","startTimeUnixNano":"{start}","endTimeUnixNano":"{}"}}"#,
                start + 10
            )
        })
        .collect();
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
    .into_bytes()
}

#[test]
fn a_trace_split_across_files_is_joined_when_its_other_half_comes_and_split_when_it_goes() {
    let children = (
        "children.json".to_string(),
        otlp(&[
            (2, 1, "child", 5),
            (3, 2, "grandchild", 6),
            (4, 1, "sibling", 1),
        ]),
    );
    let parents = (
        "parents.json".to_string(),
        otlp(&[(1, 0, "root", 0), (2, 1, "repeat of 2", 7)]),
    );
    let mut set = one_by_one(std::slice::from_ref(&children));
    assert_eq!(
        set.diagnostics().count(DiagnosticKind::Orphan),
        2,
        "child and sibling wait for their parent"
    );

    add_file(&mut set, &parents.0, parents.1.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.traces().len(), 1);
    assert_eq!(
        set.diagnostics().count(DiagnosticKind::Orphan),
        0,
        "the root joined them"
    );
    assert_eq!(
        set.diagnostics().count(DiagnosticKind::DuplicateId),
        1,
        "the later span 2 repeats the first"
    );
    let names: Vec<&str> = (0..4).map(|i| set.span(i).name()).collect();
    assert_eq!(names, ["root", "sibling", "child", "grandchild"]);
    same(&set, &at_once(&[children.clone(), parents]), "joined");

    remove_file(&mut set, 1);
    assert_eq!(
        seen(&set),
        seen(&at_once(&[children])),
        "back to the children alone"
    );
}

#[test]
fn a_file_that_fails_to_add_leaves_the_set_as_it_was() {
    let files = read(&fixtures_of("langfuse"));
    let mut set = one_by_one(&files);
    let before = seen(&set);
    let error = add_file(&mut set, "broken.json", b"{\"resourceSpans\": [".to_vec());
    assert!(error.is_err());
    assert_eq!(seen(&set), before);
}
