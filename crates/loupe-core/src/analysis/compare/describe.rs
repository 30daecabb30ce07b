//! What the Compare views write of a comparison: a change as `+12%`, a p-value as the verdict
//! it supports, the two sides' totals line by line, a group's cells, a merged-tree row's cells
//! (`a → b` with the change), and a differential flame box's tooltip and shade.

use super::align::{AlignedRow, Presence, SpanFigures};
use super::flame::DiffBox;
use super::relative;
use super::sets::{Group, GroupSide, SIGNIFICANCE, Totals};
use crate::analysis::display::{cost, count, duration};
use crate::analysis::flame::Weight;
use crate::analysis::stats::Summary;

/// The change from `a` to `b` as text: `+12%`, `-5%`, `new` from nothing, empty when both are
/// nothing.
pub fn change(a: f64, b: f64) -> String {
    match relative(a, b) {
        Some(r) => format!("{:+.0}%", r * 100.0),
        None if b == 0.0 => String::new(),
        None => "new".into(),
    }
}

/// What a p-value says of a latency change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Likelihood {
    /// No test could be made (too few samples on a side).
    Untested,
    /// Below the significance level.
    Real,
    /// At or above it.
    Noise,
}

impl Likelihood {
    /// Its name in the page's classes: `real`, `noise`, or empty.
    pub fn id(self) -> &'static str {
        match self {
            Likelihood::Untested => "",
            Likelihood::Real => "real",
            Likelihood::Noise => "noise",
        }
    }
}

/// A p-value as the verdict it supports, in words, and what it says.
pub fn verdict(p: Option<f64>) -> (String, Likelihood) {
    match p {
        None => ("—".into(), Likelihood::Untested),
        Some(p) if p < 0.001 => ("likely real (p < 0.001)".into(), Likelihood::Real),
        Some(p) if p < SIGNIFICANCE => (format!("likely real (p = {p:.3})"), Likelihood::Real),
        Some(p) => (format!("may be noise (p = {p:.2})"), Likelihood::Noise),
    }
}

/// A row's cells in the merged tree, as text.
#[derive(Clone, Debug, PartialEq)]
pub struct RowCells {
    /// `added`, `removed`, or empty when both sides have the span.
    pub mark: &'static str,
    /// Duration on both sides.
    pub duration: String,
    /// The duration's relative change.
    pub change: String,
    /// Self time on both sides.
    pub self_time: String,
    /// Tokens on both sides.
    pub tokens: String,
    /// Cost on both sides.
    pub cost: String,
    /// Status on both sides.
    pub status: String,
}

impl AlignedRow {
    /// `a → b` of one figure of this row, `—` for a side without the span.
    pub fn both(&self, value: impl Fn(&SpanFigures) -> String) -> String {
        let side = |f: &Option<SpanFigures>| f.as_ref().map_or_else(|| "—".to_string(), &value);
        format!("{} → {}", side(&self.a), side(&self.b))
    }

    /// The relative change of this row's duration, empty unless both sides have it.
    pub fn duration_change(&self) -> String {
        match (&self.a, &self.b) {
            (Some(a), Some(b)) if a.duration > 0 => format!(
                "{:+.0}%",
                (b.duration - a.duration) as f64 / a.duration as f64 * 100.0
            ),
            _ => String::new(),
        }
    }

    /// This row's cells.
    pub fn cells(&self) -> RowCells {
        RowCells {
            mark: match self.presence() {
                Presence::Both => "",
                Presence::Added => "added",
                Presence::Removed => "removed",
            },
            duration: self.both(|f| duration(f.duration)),
            change: self.duration_change(),
            self_time: self.both(|f| duration(f.self_time)),
            tokens: self.both(|f| count(f.tokens)),
            cost: self.both(|f| cost(f.cost)),
            status: self.both(|f| if f.error { "error" } else { "ok" }.into()),
        }
    }

    /// The token and cost change of an aligned pair of calls, empty unless both sides have it.
    pub fn call_change(&self) -> String {
        let change = |a: f64, b: f64| match change(a, b) {
            c if c.is_empty() => c,
            c => format!(" ({c})"),
        };
        let (Some(a), Some(b)) = (&self.a, &self.b) else {
            return String::new();
        };
        format!(
            "Tokens {}{} · cost {}{}",
            self.both(|f| count(f.tokens)),
            change(a.tokens as f64, b.tokens as f64),
            self.both(|f| cost(f.cost)),
            a.cost
                .zip(b.cost)
                .map_or(String::new(), |(x, y)| change(x, y)),
        )
    }
}

/// One line of the totals: its label, the figure on each side, and the change.
pub type TotalLine = (&'static str, String, String, String);

/// The two sides' totals, line by line: traces, errors, the error rate, LLM calls, tokens,
/// cost (in all and per trace), the traces' p50, p90 and p99, and the first token's p50.
pub fn total_lines(a: &Totals, b: &Totals) -> Vec<TotalLine> {
    let counted = |label, pick: fn(&Totals) -> u64| {
        let (x, y) = (pick(a), pick(b));
        (label, count(x), count(y), change(x as f64, y as f64))
    };
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let per = |v: f64| count(v.round() as u64);
    let latency = |label, pick: fn(&Summary) -> i64| {
        let text = |t: &Totals| t.latency.as_ref().map_or("—".into(), |s| duration(pick(s)));
        let value = |t: &Totals| t.latency.as_ref().map_or(0.0, |s| pick(s) as f64);
        (label, text(a), text(b), change(value(a), value(b)))
    };
    let ttft = |t: &Totals| t.ttft_p50.map_or("—".into(), duration);
    vec![
        counted("Traces", |t| t.traces),
        counted("Errors", |t| t.errors),
        (
            "Traces with an error",
            pct(a.error_rate),
            pct(b.error_rate),
            format!("{:+.1} pt", (b.error_rate - a.error_rate) * 100.0),
        ),
        counted("LLM calls", |t| t.llm_calls),
        counted("Tokens", |t| t.tokens),
        (
            "Tokens per trace",
            per(a.tokens_per_trace),
            per(b.tokens_per_trace),
            change(a.tokens_per_trace, b.tokens_per_trace),
        ),
        (
            "Cost",
            cost(a.cost_usd),
            cost(b.cost_usd),
            change(a.cost_usd.unwrap_or(0.0), b.cost_usd.unwrap_or(0.0)),
        ),
        (
            "Cost per trace",
            cost(a.cost_per_trace),
            cost(b.cost_per_trace),
            change(
                a.cost_per_trace.unwrap_or(0.0),
                b.cost_per_trace.unwrap_or(0.0),
            ),
        ),
        latency("Trace p50", |s| s.p50),
        latency("Trace p90", |s| s.p90),
        latency("Trace p99", |s| s.p99),
        (
            "First token p50",
            ttft(a),
            ttft(b),
            change(
                a.ttft_p50.unwrap_or(0) as f64,
                b.ttft_p50.unwrap_or(0) as f64,
            ),
        ),
    ]
}

/// A group's cells in the table, as text.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupCells {
    /// Spans on both sides.
    pub count: String,
    /// Latency p50, p90 and p99 on both sides, with their changes.
    pub percentiles: [String; 3],
    /// The share of spans with an error on both sides.
    pub error_rate: String,
    /// Tokens per trace on both sides.
    pub tokens: String,
    /// Cost per trace on both sides.
    pub cost: String,
    /// Time to first token's p50 on both sides.
    pub ttft: String,
}

impl Group {
    /// Its cells.
    pub fn cells(&self) -> GroupCells {
        let (a, b) = (&self.baseline, &self.candidate);
        let both = |side: fn(&GroupSide) -> String| format!("{} → {}", side(a), side(b));
        GroupCells {
            count: both(|s| count(s.count)),
            percentiles: [
                self.percentile_change(|s| s.p50),
                self.percentile_change(|s| s.p90),
                self.percentile_change(|s| s.p99),
            ],
            error_rate: both(|s| format!("{:.1}%", s.error_rate * 100.0)),
            tokens: both(|s| count(s.tokens_per_trace.round() as u64)),
            cost: both(|s| cost(s.cost_per_trace)),
            ttft: both(|s| s.ttft_p50.map_or("—".into(), duration)),
        }
    }

    /// A latency percentile (`pick` of the summary) on both sides, with its change where both
    /// have one.
    pub fn percentile_change(&self, pick: fn(&Summary) -> i64) -> String {
        let side = |s: &GroupSide| s.latency.as_ref().map(pick);
        match (side(&self.baseline), side(&self.candidate)) {
            (Some(a), Some(b)) => format!(
                "{} → {} {}",
                duration(a),
                duration(b),
                change(a as f64, b as f64)
            ),
            (a, b) => format!(
                "{} → {}",
                a.map_or("—".into(), duration),
                b.map_or("—".into(), duration)
            ),
        }
    }
}

/// How a differential flame box is shaded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shade {
    /// Within 2% of the baseline.
    Same,
    /// More than the baseline (or new), with a strength from 0.15 to 0.9.
    More(f64),
    /// Less than the baseline, with a strength from 0.15 to 0.9.
    Less(f64),
}

impl DiffBox {
    /// Its shade: stronger for a larger relative change; a path the baseline lacks is the
    /// strongest "more".
    pub fn shade(&self) -> Shade {
        let c = self.change.unwrap_or(1.0);
        let strength = 0.15 + 0.75 * c.abs().min(1.0);
        if c.abs() < 0.02 {
            Shade::Same
        } else if c > 0.0 {
            Shade::More(strength)
        } else {
            Shade::Less(strength)
        }
    }

    /// Its tooltip lines, its values written as `weight` measures them: its name, both values
    /// and the change.
    pub fn lines(&self, weight: Weight) -> Vec<String> {
        let change = match self.change {
            None => "new in the candidate".to_string(),
            Some(_) if self.baseline == 0.0 => "from nothing".to_string(),
            Some(_) => format!(
                "{:+.1}%",
                (self.value - self.baseline) / self.baseline * 100.0
            ),
        };
        vec![
            if self.candidate.node == 0 {
                "the whole trace".into()
            } else {
                self.candidate.name.clone()
            },
            format!(
                "baseline {} → candidate {}",
                weight.value_text(self.baseline),
                weight.value_text(self.value)
            ),
            change,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::flame::AggBox;
    use crate::analysis::stats::LatencyKey;

    fn figures(duration: i64, tokens: u64, cost: Option<f64>, error: bool) -> SpanFigures {
        SpanFigures {
            span: 0,
            duration,
            self_time: duration / 2,
            tokens,
            cost,
            error,
        }
    }

    #[test]
    fn changes_and_verdicts_read_as_words() {
        assert_eq!(change(100.0, 112.0), "+12%");
        assert_eq!(change(100.0, 95.0), "-5%");
        assert_eq!(change(0.0, 3.0), "new");
        assert_eq!(change(0.0, 0.0), "");
        assert_eq!(
            verdict(Some(0.0004)),
            ("likely real (p < 0.001)".into(), Likelihood::Real)
        );
        assert_eq!(
            verdict(Some(0.0123)),
            ("likely real (p = 0.012)".into(), Likelihood::Real)
        );
        assert_eq!(
            verdict(Some(SIGNIFICANCE)),
            ("may be noise (p = 0.05)".into(), Likelihood::Noise),
            "the level itself is not significant"
        );
        assert_eq!(verdict(None), ("—".into(), Likelihood::Untested));
        assert_eq!(
            [Likelihood::Real, Likelihood::Noise, Likelihood::Untested].map(Likelihood::id),
            ["real", "noise", ""]
        );
    }

    #[test]
    fn a_merged_rows_cells_show_both_sides_and_the_change() {
        let both = AlignedRow {
            depth: 1,
            name: "plan".into(),
            a: Some(figures(10_000_000_000, 1_280, Some(0.001), false)),
            b: Some(figures(14_000_000_000, 2_560, Some(0.0015), true)),
        };
        assert_eq!(
            both.cells(),
            RowCells {
                mark: "",
                duration: "10.0 s → 14.0 s".into(),
                change: "+40%".into(),
                self_time: "5.00 s → 7.00 s".into(),
                tokens: "1,280 → 2,560".into(),
                cost: "$0.0010 → $0.0015".into(),
                status: "ok → error".into(),
            }
        );
        assert_eq!(
            both.call_change(),
            "Tokens 1,280 → 2,560 (+100%) · cost $0.0010 → $0.0015 (+50%)"
        );
        let added = AlignedRow {
            a: None,
            b: Some(figures(2_000_000_000, 0, None, false)),
            ..both.clone()
        };
        let cells = added.cells();
        assert_eq!(
            (cells.mark, cells.duration.as_str(), cells.change.as_str()),
            ("added", "— → 2.00 s", "")
        );
        assert_eq!(added.call_change(), "", "a call on one side has no change");
        let removed = AlignedRow {
            b: None,
            ..both.clone()
        };
        assert_eq!(removed.cells().mark, "removed");
        let unchanged = AlignedRow {
            a: Some(figures(0, 10, None, false)),
            b: Some(figures(5, 10, None, false)),
            ..both
        };
        assert_eq!(unchanged.duration_change(), "", "no change from nothing");
        assert_eq!(unchanged.call_change(), "Tokens 10 → 10 (+0%) · cost — → —");
    }

    #[test]
    fn a_groups_percentiles_show_both_sides() {
        let summary = |p50| Summary {
            count: 3,
            min: p50,
            mean: p50 as f64,
            p50,
            p90: p50 * 2,
            p95: p50 * 2,
            p99: p50 * 3,
            max: p50 * 3,
        };
        let side = |latency| GroupSide {
            count: 3,
            errors: 0,
            error_rate: 0.0,
            latency,
            ttft_p50: None,
            tokens_per_trace: 0.0,
            cost_per_trace: None,
        };
        let group = Group {
            by: LatencyKey::Name,
            key: "search".into(),
            baseline: side(Some(summary(400_000_000))),
            candidate: side(Some(summary(600_000_000))),
            latency_p: Some(0.01),
            ttft_p: None,
            impact: 1.0,
        };
        assert_eq!(group.percentile_change(|s| s.p50), "400 ms → 600 ms +50%");
        let with_figures = Group {
            candidate: GroupSide {
                errors: 1,
                error_rate: 1.0 / 3.0,
                ttft_p50: Some(250_000_000),
                tokens_per_trace: 1_099.6,
                cost_per_trace: Some(0.25),
                ..group.candidate.clone()
            },
            ..group.clone()
        };
        assert_eq!(
            with_figures.cells(),
            GroupCells {
                count: "3 → 3".into(),
                percentiles: [
                    "400 ms → 600 ms +50%".into(),
                    "800 ms → 1.20 s +50%".into(),
                    "1.20 s → 1.80 s +50%".into()
                ],
                error_rate: "0.0% → 33.3%".into(),
                tokens: "0 → 1,100".into(),
                cost: "— → $0.25".into(),
                ttft: "— → 250 ms".into(),
            }
        );
        assert_eq!(group.percentile_change(|s| s.p99), "1.20 s → 1.80 s +50%");
        let one_side = Group {
            candidate: side(None),
            ..group
        };
        assert_eq!(one_side.percentile_change(|s| s.p50), "400 ms → —");
    }

    #[test]
    fn totals_read_line_by_line_with_their_changes() {
        let totals =
            |traces: u64, errors: u64, tokens, cost: Option<f64>, p50: Option<i64>| Totals {
                traces,
                spans: traces * 3,
                errors,
                error_rate: errors as f64 / traces as f64,
                llm_calls: traces,
                tokens,
                tokens_per_trace: tokens as f64 / traces as f64,
                cost_usd: cost,
                cost_per_trace: cost.map(|c| c / traces as f64),
                latency: p50.map(|p50| Summary {
                    count: traces as usize,
                    min: p50,
                    mean: p50 as f64,
                    p50,
                    p90: p50,
                    p95: p50,
                    p99: p50,
                    max: p50,
                }),
                ttft_p50: None,
            };
        let lines = total_lines(
            &totals(40, 2, 44_000, Some(2.0), Some(1_000_000_000)),
            &totals(30, 3, 63_000, None, None),
        );
        let line = |label: &str| {
            lines
                .iter()
                .find(|l| l.0 == label)
                .map(|(_, a, b, d)| [a.as_str(), b, d])
                .unwrap_or_else(|| panic!("no line {label}"))
        };
        assert_eq!(line("Traces"), ["40", "30", "-25%"]);
        assert_eq!(line("Errors"), ["2", "3", "+50%"]);
        assert_eq!(line("Traces with an error"), ["5.0%", "10.0%", "+5.0 pt"]);
        assert_eq!(line("Tokens per trace"), ["1,100", "2,100", "+91%"]);
        assert_eq!(line("Cost"), ["$2.00", "—", "-100%"]);
        assert_eq!(line("Cost per trace"), ["$0.05", "—", "-100%"]);
        assert_eq!(line("Trace p90"), ["1.00 s", "—", "-100%"]);
        assert_eq!(line("First token p50"), ["—", "—", ""]);
        assert_eq!(lines.len(), 12);
    }

    #[test]
    fn a_differential_box_is_shaded_by_its_change_and_names_both_values() {
        let node = |node: u32, name: &str| AggBox {
            node,
            parent: None,
            row: 0,
            x0: 0.0,
            x1: 10.0,
            name: name.into(),
            count: 1,
            total_time: 0,
            self_time: 0,
            tokens: 0,
            cost: 0.0,
        };
        let diff = |change, baseline, value| DiffBox {
            candidate: node(3, "search"),
            value,
            baseline,
            change,
        };
        assert_eq!(diff(Some(0.01), 100.0, 101.0).shade(), Shade::Same);
        assert_eq!(diff(Some(-0.01), 100.0, 99.0).shade(), Shade::Same);
        let Shade::More(small) = diff(Some(0.1), 100.0, 110.0).shade() else {
            panic!("10% more is more");
        };
        let Shade::More(large) = diff(Some(1.0), 100.0, 200.0).shade() else {
            panic!("twice is more");
        };
        assert!((small - 0.225).abs() < 1e-9 && (large - 0.9).abs() < 1e-9);
        assert_eq!(
            diff(None, 0.0, 5.0).shade(),
            Shade::More(0.9),
            "new paths are the strongest"
        );
        assert!(
            matches!(diff(Some(-0.5), 100.0, 50.0).shade(), Shade::Less(s) if (s - 0.525).abs() < 1e-9)
        );
        assert_eq!(
            diff(Some(0.4), 10e9, 14e9).lines(Weight::TotalTime),
            ["search", "baseline 10.0 s → candidate 14.0 s", "+40.0%"]
        );
        assert_eq!(
            diff(None, 0.0, 5.0).lines(Weight::Tokens)[2],
            "new in the candidate"
        );
        assert_eq!(
            diff(Some(1.0), 0.0, 5.0).lines(Weight::Tokens)[2],
            "from nothing"
        );
        let top = DiffBox {
            candidate: node(0, ""),
            ..diff(Some(0.0), 1.0, 1.0)
        };
        assert_eq!(
            top.lines(Weight::Cost)[..2],
            ["the whole trace", "baseline $1.00 → candidate $1.00"]
        );
    }
}
