//! Latency statistics: exact percentiles, log-scaled histograms, and a table of span latencies
//! grouped by span name, model or kind.
//!
//! Percentiles are exact, by the nearest-rank method: the p-th percentile of n sorted samples is
//! the sample at rank ⌈p/100 · n⌉ (so it is always a value that occurred). Samples are sorted
//! once per group, which keeps this exact well past a million samples.

use crate::model::set::TraceSet;
use crate::model::{Nanos, SpanKind, StatusCode};
use std::collections::BTreeMap;

/// The nearest-rank percentile `p` (0–100) of `sorted`, or `None` when it is empty.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Count, mean and percentiles of a set of durations.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Samples.
    pub count: usize,
    /// Smallest.
    pub min: i64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median.
    pub p50: i64,
    /// 90th percentile.
    pub p90: i64,
    /// 95th percentile.
    pub p95: i64,
    /// 99th percentile.
    pub p99: i64,
    /// Largest.
    pub max: i64,
}

impl Summary {
    /// The summary of `values` (sorted in place), or `None` when there are none.
    pub fn of(values: &mut [i64]) -> Option<Summary> {
        values.sort_unstable();
        let p = |q| percentile(values, q);
        Some(Summary {
            count: values.len(),
            min: *values.first()?,
            mean: values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64,
            p50: p(50.0)?,
            p90: p(90.0)?,
            p95: p(95.0)?,
            p99: p(99.0)?,
            max: *values.last()?,
        })
    }
}

/// One histogram bin: samples `lo <= v < hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bin {
    /// Lower bound (inclusive).
    pub lo: i64,
    /// Upper bound (exclusive).
    pub hi: i64,
    /// Samples in the bin.
    pub count: usize,
}

/// The index of the bin of `bins` (sorted by their bounds, `hi` giving each one's upper
/// bound) that holds value `v`: the last bin for values past it, the first for values before
/// it. `None` without bins.
pub fn bin_index<B>(bins: &[B], v: i64, hi: impl Fn(&B) -> i64) -> Option<usize> {
    let last = bins.len().checked_sub(1)?;
    Some(bins.partition_point(|b| hi(b) <= v).min(last))
}

/// Where value `v` sits on the axis of `bins` (sorted, as [`log_histogram`] makes them): the
/// index of its bin plus the fraction through the bin, in log space; `v` past the last bin is
/// placed in it. `None` without bins.
pub fn bin_position(bins: &[Bin], v: i64) -> Option<f64> {
    let i = bin_index(bins, v, |b| b.hi)?;
    let b = bins[i];
    let (lo, hi) = ((b.lo.max(1)) as f64, b.hi as f64);
    let f = if v <= 1 || hi <= lo {
        0.5
    } else {
        ((v as f64).ln() - lo.ln()) / (hi.ln() - lo.ln())
    };
    Some(i as f64 + f.clamp(0.0, 1.0))
}

/// The bin under a point `fraction` of the way across a histogram of `bins` bins drawn side by
/// side; `None` off the histogram or without bins.
pub fn bin_at(fraction: f64, bins: usize) -> Option<usize> {
    if !(0.0..=1.0).contains(&fraction) || bins == 0 {
        return None;
    }
    Some(((fraction * bins as f64) as usize).min(bins - 1))
}

/// A histogram whose bins grow by a constant factor: `per_decade` bins per power of ten, from
/// the decade of the smallest positive sample to that of the largest. Samples of 0 or less fall
/// in the first bin.
pub fn log_histogram(values: &[i64], per_decade: u32) -> Vec<Bin> {
    let positive = values.iter().copied().filter(|&v| v > 0);
    let (Some(min), Some(max)) = (positive.clone().min(), positive.max()) else {
        return if values.is_empty() {
            Vec::new()
        } else {
            vec![Bin {
                lo: 0,
                hi: 1,
                count: values.len(),
            }]
        };
    };
    let per = f64::from(per_decade.max(1));
    let first = (min as f64).log10().floor();
    let edge = |k: u32| 10f64.powf(first + f64::from(k) / per).round() as i64;
    let mut bins = Vec::new();
    let mut k = 0;
    // Twenty decades cover every i64 duration; the bound also ends the loop at i64::MAX.
    while bins.last().is_none_or(|b: &Bin| b.hi <= max) && k < 20 * per_decade.max(1) {
        let (lo, hi) = (edge(k), edge(k + 1));
        if hi > lo {
            bins.push(Bin { lo, hi, count: 0 });
        }
        k += 1;
    }
    if let Some(b) = bins.first_mut() {
        b.lo = 0;
    }
    if bins.is_empty() {
        return Vec::new();
    }
    for &v in values {
        if let Some(i) = bin_index(&bins, v, |b| b.hi) {
            bins[i].count += 1;
        }
    }
    bins
}

/// What the latency table groups spans by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LatencyKey {
    /// Span name.
    Name,
    /// Model (spans with one).
    Model,
    /// Normalized kind.
    Kind,
}

impl LatencyKey {
    /// The key's name, as rules and reports write a group (`name=…`).
    pub fn id(self) -> &'static str {
        match self {
            LatencyKey::Name => "name",
            LatencyKey::Model => "model",
            LatencyKey::Kind => "kind",
        }
    }
}

/// The latencies of one group of spans.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyRow {
    /// The group's name.
    pub key: String,
    /// The spans, in span order.
    pub spans: Vec<u32>,
    /// Spans whose status is error.
    pub errors: usize,
    /// Durations.
    pub total: Summary,
    /// Self times.
    pub self_time: Summary,
    /// Times to first token, where recorded.
    pub first_token: Option<Summary>,
    /// Median output tokens per second, where the spans report output tokens.
    pub tokens_per_second: Option<f64>,
}

impl LatencyRow {
    /// Share of spans that failed, from 0 to 1.
    pub fn error_rate(&self) -> f64 {
        self.errors as f64 / self.total.count.max(1) as f64
    }

    /// The durations of the group's spans, for its histogram.
    pub fn durations(&self, set: &TraceSet) -> Vec<Nanos> {
        self.spans.iter().map(|&i| set.span(i).duration()).collect()
    }
}

/// The group of span `s` by `by`: its name, model (none for a span without one) or kind.
pub fn group_key(s: &crate::model::set::SpanView, by: LatencyKey) -> Option<String> {
    Some(match by {
        LatencyKey::Name => s.name().to_string(),
        LatencyKey::Model if s.model().is_empty() => return None,
        LatencyKey::Model => s.model().to_string(),
        LatencyKey::Kind => s.kind().label().to_string(),
    })
}

/// Latencies of the spans of `traces`, grouped by `by`, the groups with most spans first.
pub fn latency_table(set: &TraceSet, traces: &[u32], by: LatencyKey) -> Vec<LatencyRow> {
    let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for &t in traces {
        let Some(trace) = set.traces().get(t as usize) else {
            continue;
        };
        for i in trace.spans.start..trace.spans.end {
            if let Some(key) = group_key(&set.span(i), by) {
                groups.entry(key).or_default().push(i);
            }
        }
    }
    let mut rows: Vec<LatencyRow> = groups
        .into_iter()
        .filter_map(|(key, spans)| {
            let views: Vec<_> = spans.iter().map(|&i| set.span(i)).collect();
            let mut total: Vec<i64> = views.iter().map(|s| s.duration()).collect();
            let mut own: Vec<i64> = views.iter().map(|s| s.self_time()).collect();
            let mut first: Vec<i64> = views
                .iter()
                .filter_map(|s| s.usage().and_then(|u| u.first_token))
                .collect();
            let mut rates: Vec<i64> = views
                .iter()
                .filter(|s| s.kind() == SpanKind::Llm)
                .filter_map(|s| s.usage().and_then(|u| u.output_rate(s.duration())))
                .map(|r| (r * 1000.0).round() as i64)
                .collect();
            rates.sort_unstable();
            Some(LatencyRow {
                errors: views
                    .iter()
                    .filter(|s| s.status() == StatusCode::Error)
                    .count(),
                total: Summary::of(&mut total)?,
                self_time: Summary::of(&mut own)?,
                first_token: Summary::of(&mut first),
                tokens_per_second: percentile(&rates, 50.0).map(|r| r as f64 / 1000.0),
                key,
                spans,
            })
        })
        .collect();
    rows.sort_by(|a, b| b.total.count.cmp(&a.total.count).then(a.key.cmp(&b.key)));
    rows
}

/// The latency table's orders: by key ascending, by the others descending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LatencySort {
    /// The group's name.
    Key,
    /// Most spans first.
    #[default]
    Count,
    /// Highest error rate first.
    Errors,
    /// Slowest median first.
    P50,
    /// Slowest p90 first.
    P90,
    /// Slowest p99 first.
    P99,
    /// Slowest span first.
    Max,
    /// Largest median self time first.
    SelfP50,
}

/// Orders latency rows as `by` says.
pub fn sort_latency(rows: &mut [LatencyRow], by: LatencySort) {
    use std::cmp::Reverse;
    match by {
        LatencySort::Key => rows.sort_by(|a, b| a.key.cmp(&b.key)),
        LatencySort::Count => rows.sort_by_key(|r| Reverse(r.total.count)),
        LatencySort::Errors => rows.sort_by(|a, b| b.error_rate().total_cmp(&a.error_rate())),
        LatencySort::P50 => rows.sort_by_key(|r| Reverse(r.total.p50)),
        LatencySort::P90 => rows.sort_by_key(|r| Reverse(r.total.p90)),
        LatencySort::P99 => rows.sort_by_key(|r| Reverse(r.total.p99)),
        LatencySort::Max => rows.sort_by_key(|r| Reverse(r.total.max)),
        LatencySort::SelfP50 => rows.sort_by_key(|r| Reverse(r.self_time.p50)),
    }
}

/// The spans of `row` whose duration falls in `bin`.
pub fn spans_in_bin(set: &TraceSet, row: &LatencyRow, bin: Bin, last: bool) -> Vec<u32> {
    row.spans
        .iter()
        .copied()
        .filter(|&i| {
            let d = set.span(i).duration();
            d >= bin.lo && (d < bin.hi || last)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_across_a_histogram_falls_in_one_bin() {
        assert_eq!(bin_at(0.0, 4), Some(0));
        assert_eq!(bin_at(0.2499, 4), Some(0));
        assert_eq!(bin_at(0.25, 4), Some(1));
        assert_eq!(bin_at(1.0, 4), Some(3), "the right edge is the last bin's");
        assert_eq!(bin_at(-0.01, 4), None);
        assert_eq!(bin_at(1.01, 4), None);
        assert_eq!(bin_at(f64::NAN, 4), None);
        assert_eq!(bin_at(0.5, 0), None);
    }

    #[test]
    fn a_value_sits_on_the_bin_axis_in_log_space() {
        let bins = [
            Bin {
                lo: 0,
                hi: 10,
                count: 1,
            },
            Bin {
                lo: 10,
                hi: 100,
                count: 1,
            },
            Bin {
                lo: 100,
                hi: 1000,
                count: 1,
            },
        ];
        assert_eq!(bin_position(&bins, 10), Some(1.0), "a bin's lower edge");
        let mid = bin_position(&bins, 316).unwrap();
        assert!((mid - 2.5).abs() < 0.001, "√(100·1000) is halfway: {mid}");
        assert_eq!(
            bin_position(&bins, 5_000),
            Some(3.0),
            "past the end: the last bin's edge"
        );
        assert_eq!(
            bin_position(&bins, 0),
            Some(0.5),
            "nothing to take the log of"
        );
        assert_eq!(bin_position(&bins, -7), Some(0.5));
        assert_eq!(bin_position(&[], 5), None);
        let one = [Bin {
            lo: 5,
            hi: 5,
            count: 3,
        }];
        assert_eq!(bin_position(&one, 5), Some(0.5), "an empty range");
    }

    #[test]
    fn nearest_rank_percentiles_are_samples() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50.0), Some(5));
        assert_eq!(percentile(&v, 90.0), Some(9));
        assert_eq!(percentile(&v, 95.0), Some(10));
        assert_eq!(percentile(&v, 99.0), Some(10));
        assert_eq!(percentile(&v, 0.0), Some(1));
        assert_eq!(percentile(&[], 50.0), None);
        let mut hundred: Vec<i64> = (1..=100).rev().collect();
        let s = Summary::of(&mut hundred).unwrap();
        assert_eq!(
            (s.min, s.p50, s.p90, s.p95, s.p99, s.max),
            (1, 50, 90, 95, 99, 100)
        );
        assert!((s.mean - 50.5).abs() < 1e-9);
    }

    #[test]
    fn histogram_bins_grow_tenfold_per_decade_and_hold_every_sample() {
        let values = [0, 5, 9, 10, 99, 100, 999, 1000];
        let bins = log_histogram(&values, 1);
        let edges: Vec<(i64, i64)> = bins.iter().map(|b| (b.lo, b.hi)).collect();
        assert_eq!(edges, [(0, 10), (10, 100), (100, 1000), (1000, 10000)]);
        let counts: Vec<usize> = bins.iter().map(|b| b.count).collect();
        assert_eq!(counts, [3, 2, 2, 1]);
        assert_eq!(counts.iter().sum::<usize>(), values.len());
        let fine = log_histogram(&values, 4);
        assert_eq!(fine.iter().map(|b| b.count).sum::<usize>(), values.len());
        assert!(fine.windows(2).all(|w| w[0].hi == w[1].lo));
        assert!(log_histogram(&[], 4).is_empty());
        let extreme = log_histogram(&[1, i64::MAX], 4);
        assert_eq!(extreme.iter().map(|b| b.count).sum::<usize>(), 2);
    }
}
