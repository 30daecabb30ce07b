//! Replays every input in `tests/regressions/` through the entry point its name says: none may
//! panic, and what loads keeps the set's structure (see that folder's README).

mod common;

use loupe_core::TraceSetBuilder;

fn replay(target: &str, bytes: &[u8]) -> Option<loupe_core::TraceSet> {
    let mut b = TraceSetBuilder::new();
    match target {
        "feed" => {
            let (&cut, rest) = bytes.split_first()?;
            let cut = usize::from(cut).min(rest.len());
            let mut feed = b.start_feed("regression.json");
            b.feed(&mut feed, &rest[..cut]);
            b.feed(&mut feed, &rest[cut..]);
            b.finish_feed(feed).ok()?;
        }
        "gzip" => {
            let mut gz = vec![0x1f, 0x8b];
            gz.extend_from_slice(bytes);
            b.add_file("regression.json.gz", &gz).ok()?;
        }
        "bundle" => {
            let mut doc = b"{\"loupe_bundle\": 1, ".to_vec();
            doc.extend_from_slice(bytes);
            b.add_file("regression.loupe.json", &doc).ok()?;
        }
        _ => {
            b.add_file("regression.json", bytes).ok()?;
        }
    }
    Some(b.finish())
}

#[test]
fn every_regression_input_loads_or_fails_without_a_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with(".md") {
            continue;
        }
        let target = name.split('-').next().unwrap_or("import");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(set) = replay(target, &bytes) {
            common::assert_tree_invariants(&set);
            for i in 0..set.span_count() as u32 {
                let s = set.span(i);
                let _ = (s.duration(), s.self_time(), s.share_of_trace());
            }
            for tr in set.traces() {
                let _ = tr.duration();
            }
        }
        replayed += 1;
    }
    assert!(replayed >= 6, "{replayed} inputs replayed");
}
