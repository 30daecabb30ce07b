//! What the fuzz targets check after a successful import: the structural invariants of a set.

use loupe_core::TraceSet;

/// Panics unless every span is in exactly one trace's range, parents come before their
/// children within the same trace, depth follows the parent, counts agree, and times and
/// durations compute without overflow.
pub fn check(set: &TraceSet) {
    let n = set.span_count() as u32;
    let mut covered = 0u32;
    for (t, tr) in set.traces().iter().enumerate() {
        assert_eq!(
            tr.spans.start, covered,
            "trace {t} starts where the last ended"
        );
        assert!(tr.spans.end > tr.spans.start, "trace {t} has spans");
        covered = tr.spans.end;
        let _ = tr.duration();
        for i in tr.spans.start..tr.spans.end {
            let s = set.span(i);
            assert_eq!(s.trace() as usize, t, "span {i} belongs to its trace");
            match s.parent() {
                Some(p) => {
                    assert!(
                        p < i && p >= tr.spans.start,
                        "span {i}: parent {p} before it"
                    );
                    assert_eq!(s.depth(), set.span(p).depth() + 1, "span {i}: depth");
                }
                None => assert_eq!(s.depth(), 0, "span {i}: a root at depth 0"),
            }
            let _ = (s.duration(), s.self_time(), s.share_of_trace());
        }
    }
    assert_eq!(covered, n, "every span is in a trace");
    let totals = set.totals();
    assert_eq!(totals.spans, u64::from(n));
    assert_eq!(totals.traces, set.traces().len() as u64);
}
