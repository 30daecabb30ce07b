//! Each group's two latency histograms on shared bins, so the page can lay one over the other:
//! log-scaled bins over both sides' durations together, each bin counting the baseline's and
//! the candidate's spans.

use super::Side;
use super::sets::{Group, spans_by};
use crate::stats::{LatencyKey, log_histogram};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Bins per power of ten.
const PER_DECADE: u32 = 5;

/// One bin of an overlaid histogram: durations `lo <= d < hi` on each side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairBin {
    /// Lower bound in nanoseconds (inclusive).
    pub lo: i64,
    /// Upper bound in nanoseconds (exclusive).
    pub hi: i64,
    /// The baseline's spans in the bin.
    pub baseline: u32,
    /// The candidate's spans in the bin.
    pub candidate: u32,
}

/// The histograms of `xs` (the baseline) and `ys` on the same bins.
pub fn overlaid(xs: &[i64], ys: &[i64]) -> Vec<PairBin> {
    let both: Vec<i64> = xs.iter().chain(ys).copied().collect();
    let mut bins: Vec<PairBin> = log_histogram(&both, PER_DECADE)
        .into_iter()
        .map(|b| PairBin {
            lo: b.lo,
            hi: b.hi,
            baseline: 0,
            candidate: 0,
        })
        .collect();
    let last = bins.len().saturating_sub(1);
    let mut count = |v: i64, pick: fn(&mut PairBin) -> &mut u32| {
        let i = bins.partition_point(|b| b.hi <= v).min(last);
        if let Some(b) = bins.get_mut(i) {
            *pick(b) += 1;
        }
    };
    for &x in xs {
        count(x, |b| &mut b.baseline);
    }
    for &y in ys {
        count(y, |b| &mut b.candidate);
    }
    bins
}

/// The overlaid latency histogram of each of `groups`, in their order.
pub fn histograms(a: &Side, b: &Side, groups: &[Group]) -> Vec<Vec<PairBin>> {
    type Spans = BTreeMap<String, Vec<u32>>;
    let mut by_key: HashMap<LatencyKey, (Spans, Spans)> = HashMap::new();
    let durations = |side: &Side, spans: Option<&Vec<u32>>| -> Vec<i64> {
        spans.map_or_else(Vec::new, |s| {
            s.iter().map(|&i| side.set.span(i).duration()).collect()
        })
    };
    groups
        .iter()
        .map(|g| {
            let (ga, gb) = by_key
                .entry(g.by)
                .or_insert_with(|| (spans_by(a, g.by), spans_by(b, g.by)));
            overlaid(&durations(a, ga.get(&g.key)), &durations(b, gb.get(&g.key)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_count_on_the_same_bins() {
        let bins = overlaid(&[10, 100, 1000], &[1000, 1000, 10_000, 0]);
        assert_eq!(bins.iter().map(|b| b.baseline).sum::<u32>(), 3);
        assert_eq!(bins.iter().map(|b| b.candidate).sum::<u32>(), 4);
        let at = |v: i64| {
            bins.iter()
                .find(|b| b.lo <= v && v < b.hi)
                .copied()
                .unwrap_or_else(|| panic!("no bin holds {v}"))
        };
        assert_eq!((at(1000).baseline, at(1000).candidate), (1, 2));
        assert_eq!(
            (at(10).baseline, at(10).candidate),
            (1, 1),
            "0 falls in the first bin"
        );
        assert_eq!(at(10_000).candidate, 1);
        assert!(bins.windows(2).all(|w| w[0].hi == w[1].lo), "{bins:?}");
        assert!(overlaid(&[], &[]).is_empty());
    }
}
