//! Regression rules for CI (`loupe diff --fail-on`): `cost_per_trace+10%`, `p95+20%`,
//! `error_rate+1pt`, `tokens_per_trace+15%`, `ttft_p50+25%`, each on the totals or on one
//! group (`p95[name=retrieve]+30%`). A rule is broken when the candidate's figure exceeds the
//! baseline's by more than the rule allows. Rules on latency (percentiles, time to first
//! token) count as broken only when the change is also significant, unless strict: latency is
//! noisy, and a bill is not.

use super::relative;
use super::sets::{Comparison, GroupSide, SIGNIFICANCE, Totals};
use crate::analysis::stats::{LatencyKey, Summary};
use serde::{Deserialize, Serialize};

/// What a rule measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Cost per trace.
    CostPerTrace,
    /// Tokens per trace.
    TokensPerTrace,
    /// Share of traces (or of a group's spans) with an error.
    ErrorRate,
    /// A latency percentile: 50, 90, 95 or 99.
    Latency(u8),
    /// Median time to first token.
    TtftP50,
}

impl Metric {
    const NAMES: [(&'static str, Metric); 8] = [
        ("cost_per_trace", Metric::CostPerTrace),
        ("tokens_per_trace", Metric::TokensPerTrace),
        ("error_rate", Metric::ErrorRate),
        ("p50", Metric::Latency(50)),
        ("p90", Metric::Latency(90)),
        ("p95", Metric::Latency(95)),
        ("p99", Metric::Latency(99)),
        ("ttft_p50", Metric::TtftP50),
    ];

    /// What the metric measures, for messages.
    fn noun(self) -> &'static str {
        match self {
            Metric::CostPerTrace => "cost",
            Metric::TokensPerTrace => "tokens",
            Metric::ErrorRate => "error rate",
            Metric::Latency(_) => "latency",
            Metric::TtftP50 => "time to first token",
        }
    }

    /// Whether the metric is a latency, whose changes must also be significant.
    fn is_latency(self) -> bool {
        matches!(self, Metric::Latency(_) | Metric::TtftP50)
    }
}

/// How much more a rule allows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Allowance {
    /// A relative increase, in percent.
    Percent(f64),
    /// An increase of a rate, in percentage points.
    Points(f64),
}

/// One rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The rule as written.
    pub text: String,
    /// What it measures.
    pub metric: Metric,
    /// The group it is about (span name, model or kind), or `None` for the totals.
    pub group: Option<(LatencyKey, String)>,
    /// How much more it allows.
    pub allowance: Allowance,
}

/// A rule that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("rule '{rule}': {why}")]
pub struct RuleError {
    /// The rule as written.
    pub rule: String,
    /// What is wrong with it.
    pub why: String,
}

/// Reads comma-separated rules.
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, RuleError> {
    split_rules(text)
        .into_iter()
        .filter(|r| !r.trim().is_empty())
        .map(|r| parse_rule(r.trim()))
        .collect()
}

/// Splits at commas outside brackets (a group's name may hold a comma).
fn split_rules(text: &str) -> Vec<&str> {
    let (mut out, mut depth, mut from) = (Vec::new(), 0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&text[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[from..]);
    out
}

fn parse_rule(text: &str) -> Result<Rule, RuleError> {
    let fail = |why: String| RuleError {
        rule: text.to_string(),
        why,
    };
    let names = || {
        Metric::NAMES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let head_end = text
        .find(['[', '+'])
        .ok_or_else(|| fail("expected METRIC+N% or METRIC+Npt, as in p95+20%".into()))?;
    let name = text[..head_end].trim();
    let metric = Metric::NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| *m)
        .ok_or_else(|| {
            fail(format!(
                "unknown metric '{name}'; the metrics are {}",
                names()
            ))
        })?;
    let mut rest = &text[head_end..];
    let group = match rest.strip_prefix('[') {
        Some(inner) => {
            let close = inner
                .find(']')
                .ok_or_else(|| fail("the group's '[' is not closed".into()))?;
            let (key, value) = inner[..close]
                .split_once('=')
                .ok_or_else(|| fail("a group reads [name=…], [model=…] or [kind=…]".into()))?;
            let key = key.trim();
            let by = [LatencyKey::Name, LatencyKey::Model, LatencyKey::Kind]
                .into_iter()
                .find(|by| by.id() == key)
                .ok_or_else(|| {
                    fail(format!(
                        "unknown group '{key}'; groups are name, model and kind"
                    ))
                })?;
            rest = &inner[close + 1..];
            Some((by, value.trim().to_string()))
        }
        None => None,
    };
    let amount = rest
        .trim_start()
        .strip_prefix('+')
        .ok_or_else(|| fail("expected '+' and the increase allowed, as in +20%".into()))?;
    let (number, unit) = if let Some(n) = amount.strip_suffix('%') {
        (n, "%")
    } else if let Some(n) = amount.strip_suffix("pt") {
        (n, "pt")
    } else {
        return Err(fail(format!(
            "'{amount}' needs a unit: % (relative) or pt (percentage points of a rate)"
        )));
    };
    let number = number.trim();
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| fail(format!("'{number}' is not a number of 0 or more")))?;
    let allowance = match unit {
        "%" => Allowance::Percent(value),
        _ if metric == Metric::ErrorRate => Allowance::Points(value),
        _ => return Err(fail("pt applies to error_rate only; use %".into())),
    };
    Ok(Rule {
        text: text.to_string(),
        metric,
        group,
        allowance,
    })
}

/// A rule the candidate broke, with the figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Regression {
    /// The rule as written.
    pub rule: String,
    /// The group (`name=retrieve`), or `None` for the totals.
    pub group: Option<String>,
    /// The baseline's figure (dollars, tokens, a rate from 0 to 1, or nanoseconds).
    pub baseline: f64,
    /// The candidate's figure.
    pub candidate: f64,
    /// The increase, in the rule's unit (percent, or percentage points).
    pub increase: f64,
    /// The p-value of the change, for latency rules.
    pub p_value: Option<f64>,
}

/// What checking the rules found: the rules broken, and rules about groups neither side has.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The rules broken.
    pub regressions: Vec<Regression>,
    /// Rules that found no group to check, and why.
    pub unchecked: Vec<String>,
}

/// Checks `rules` against comparison `c`; `strict` counts latency changes that are not
/// significant too.
pub fn check(rules: &[Rule], c: &Comparison, strict: bool) -> Verdict {
    let mut verdict = Verdict::default();
    for rule in rules {
        let (figures, p_value, group) = match &rule.group {
            None => (
                figures((&c.baseline).into(), (&c.candidate).into(), rule.metric),
                if rule.metric == Metric::TtftP50 {
                    c.ttft_p
                } else {
                    c.latency_p
                },
                None,
            ),
            Some((by, key)) => {
                let Some(g) = c.groups.iter().find(|g| g.by == *by && &g.key == key) else {
                    verdict.unchecked.push(format!(
                        "{}: neither side has a span {}",
                        rule.text,
                        group_label(*by, key)
                    ));
                    continue;
                };
                (
                    figures((&g.baseline).into(), (&g.candidate).into(), rule.metric),
                    if rule.metric == Metric::TtftP50 {
                        g.ttft_p
                    } else {
                        g.latency_p
                    },
                    Some(group_label(*by, key)),
                )
            }
        };
        let Some((baseline, candidate)) = figures else {
            verdict.unchecked.push(format!(
                "{}: a side has no {} to compare",
                rule.text,
                rule.metric.noun()
            ));
            continue;
        };
        let increase = match rule.allowance {
            Allowance::Percent(_) => match relative(baseline, candidate) {
                Some(r) => r * 100.0,
                None if candidate > 0.0 => f64::INFINITY,
                None => 0.0,
            },
            Allowance::Points(_) => (candidate - baseline) * 100.0,
        };
        let allowed = match rule.allowance {
            Allowance::Percent(v) | Allowance::Points(v) => v,
        };
        let real = strict || !rule.metric.is_latency() || p_value.is_some_and(|p| p < SIGNIFICANCE);
        if increase > allowed && real {
            verdict.regressions.push(Regression {
                rule: rule.text.clone(),
                group,
                baseline,
                candidate,
                increase,
                p_value: p_value.filter(|_| rule.metric.is_latency()),
            });
        }
    }
    verdict
}

/// `name=retrieve`, as rules write a group.
fn group_label(by: LatencyKey, key: &str) -> String {
    format!("{}={key}", by.id())
}

fn percentile_of(s: &Option<Summary>, p: u8) -> Option<f64> {
    let s = s.as_ref()?;
    Some(match p {
        50 => s.p50,
        90 => s.p90,
        95 => s.p95,
        _ => s.p99,
    } as f64)
}

/// The figures a rule reads, from the totals or from a group.
struct Figures<'f> {
    cost_per_trace: Option<f64>,
    tokens_per_trace: f64,
    error_rate: f64,
    latency: &'f Option<Summary>,
    ttft_p50: Option<i64>,
}

impl<'f> From<&'f Totals> for Figures<'f> {
    fn from(t: &'f Totals) -> Self {
        Figures {
            cost_per_trace: t.cost_per_trace,
            tokens_per_trace: t.tokens_per_trace,
            error_rate: t.error_rate,
            latency: &t.latency,
            ttft_p50: t.ttft_p50,
        }
    }
}

impl<'f> From<&'f GroupSide> for Figures<'f> {
    fn from(g: &'f GroupSide) -> Self {
        Figures {
            cost_per_trace: g.cost_per_trace,
            tokens_per_trace: g.tokens_per_trace,
            error_rate: g.error_rate,
            latency: &g.latency,
            ttft_p50: g.ttft_p50,
        }
    }
}

/// What `metric` reads on each side, where both have it (a side whose calls have no cost has
/// none to compare: it is not free).
fn figures(a: Figures, b: Figures, metric: Metric) -> Option<(f64, f64)> {
    match metric {
        Metric::CostPerTrace => Some((a.cost_per_trace?, b.cost_per_trace?)),
        Metric::TokensPerTrace => Some((a.tokens_per_trace, b.tokens_per_trace)),
        Metric::ErrorRate => Some((a.error_rate, b.error_rate)),
        Metric::Latency(p) => Some((percentile_of(a.latency, p)?, percentile_of(b.latency, p)?)),
        Metric::TtftP50 => Some((a.ttft_p50? as f64, b.ttft_p50? as f64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_their_metric_group_and_allowance() {
        let rules = parse_rules(
            "cost_per_trace+10%, p95 + 20%,error_rate+1pt, tokens_per_trace+15%,ttft_p50+25%,\
             p95[name=retrieve, rerank]+30%",
        )
        .unwrap();
        assert_eq!(rules.len(), 6);
        assert_eq!(rules[0].metric, Metric::CostPerTrace);
        assert_eq!(rules[0].allowance, Allowance::Percent(10.0));
        assert_eq!(rules[1].allowance, Allowance::Percent(20.0));
        assert_eq!(rules[2].allowance, Allowance::Points(1.0));
        assert_eq!(rules[4].metric, Metric::TtftP50);
        assert_eq!(rules[5].metric, Metric::Latency(95));
        assert_eq!(
            rules[5].group,
            Some((LatencyKey::Name, "retrieve, rerank".to_string()))
        );
        assert_eq!(rules[5].text, "p95[name=retrieve, rerank]+30%");
    }

    #[test]
    fn bad_rules_say_what_is_wrong() {
        let why = |r: &str| parse_rules(r).unwrap_err().to_string();
        assert_eq!(
            why("p97+10%"),
            "rule 'p97+10%': unknown metric 'p97'; the metrics are cost_per_trace, \
             tokens_per_trace, error_rate, p50, p90, p95, p99, ttft_p50"
        );
        assert_eq!(
            why("p95+20"),
            "rule 'p95+20': '20' needs a unit: % (relative) or pt (percentage points of a rate)"
        );
        assert_eq!(
            why("cost_per_trace+1pt"),
            "rule 'cost_per_trace+1pt': pt applies to error_rate only; use %"
        );
        assert_eq!(
            why("p95[span=x]+1%"),
            "rule 'p95[span=x]+1%': unknown group 'span'; groups are name, model and kind"
        );
        assert_eq!(
            why("p95[name=x+1%"),
            "rule 'p95[name=x+1%': the group's '[' is not closed"
        );
        assert_eq!(
            why("p95-5%"),
            "rule 'p95-5%': expected METRIC+N% or METRIC+Npt, as in p95+20%"
        );
        assert_eq!(
            why("p95+x%"),
            "rule 'p95+x%': 'x' is not a number of 0 or more"
        );
        assert!(parse_rules("").unwrap().is_empty());
    }
}
