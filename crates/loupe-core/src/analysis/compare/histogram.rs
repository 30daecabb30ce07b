//! Each group's two latency histograms on shared bins, so the page can lay one over the other:
//! bins that grow by a constant factor from the shortest duration of both sides to the longest,
//! each counting the baseline's and the candidate's spans.

use super::Side;
use super::sets::{Group, spans_by};
use crate::analysis::stats::{LatencyKey, bin_index};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Bins across the range at most.
const BINS: u32 = 24;

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

/// Bin edges from `min` to `max` (both positive), growing by a constant factor; at most
/// [`BINS`] bins, none narrower than a nanosecond.
fn edges(min: i64, max: i64) -> Vec<i64> {
    let factor = (max as f64 / min as f64).powf(1.0 / f64::from(BINS));
    let mut edges = vec![min];
    for k in 1..BINS {
        let edge = (min as f64 * factor.powf(f64::from(k))).round() as i64;
        if edge > edges[edges.len() - 1] && edge <= max {
            edges.push(edge);
        }
    }
    edges.push(max.saturating_add(1));
    edges
}

/// The histograms of `xs` (the baseline) and `ys` on the same bins. Durations of zero or less
/// count in the first bin.
pub fn overlaid(xs: &[i64], ys: &[i64]) -> Vec<PairBin> {
    let positive = xs.iter().chain(ys).copied().filter(|&v| v > 0);
    let bounds = positive.clone().min().zip(positive.max());
    let edges = match bounds {
        Some((min, max)) => edges(min, max),
        None if xs.is_empty() && ys.is_empty() => return Vec::new(),
        None => vec![0, 1],
    };
    let mut bins: Vec<PairBin> = edges
        .windows(2)
        .map(|w| PairBin {
            lo: w[0],
            hi: w[1],
            baseline: 0,
            candidate: 0,
        })
        .collect();
    let mut count = |v: i64, pick: fn(&mut PairBin) -> &mut u32| {
        if let Some(i) = bin_index(&bins, v, |b| b.hi) {
            *pick(&mut bins[i]) += 1;
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
        assert_eq!(bins[0].lo, 10, "bins start at the shortest duration");
        assert_eq!(
            (bins[0].baseline, bins[0].candidate),
            (1, 1),
            "0 falls in the first bin"
        );
        assert_eq!(at(10_000).candidate, 1);
        assert!(bins.len() <= BINS as usize && bins.len() > 10, "{bins:?}");
        assert!(bins.windows(2).all(|w| w[0].hi == w[1].lo), "{bins:?}");
        assert!(overlaid(&[], &[]).is_empty());
        assert_eq!(overlaid(&[0], &[0, 0])[0].candidate, 2);
        // A narrow range still gets bins, none empty of nanoseconds.
        let narrow = overlaid(&[1000, 1003], &[1005]);
        assert!(
            narrow.iter().all(|b| b.hi > b.lo) && narrow.len() == 6,
            "{narrow:?}"
        );
    }
}
