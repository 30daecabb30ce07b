//! Problems that lose or alter part of the data without failing the whole file: skipped spans
//! and lines, orphans, cycles, duplicate ids. Repeated problems of one kind are counted, and
//! only the first few are kept in full.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// The kinds of problem the importers and the tree builder report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DiagnosticKind {
    /// A span could not be read and was skipped.
    SkippedSpan,
    /// A line of a JSON Lines file could not be read and was skipped.
    SkippedLine,
    /// Lines carrying other signals (metrics, logs) were skipped.
    OtherSignal,
    /// A span's parent is not in the data; it is shown as a root.
    Orphan,
    /// A parent link closed a cycle and was cut.
    Cycle,
    /// Two spans of one trace share an id.
    DuplicateId,
    /// An empty or all-zero id was replaced.
    SyntheticId,
    /// A span has no timestamps.
    MissingTimestamps,
    /// An attribute value had an unknown encoding and was read leniently.
    UnknownValueType,
    /// A span's recorded token totals disagree with the sum of the LLM calls below it.
    AggregateMismatch,
    /// A server span's clock disagreed with its client's and its times were corrected.
    ClockSkew,
    /// A value or a span reached one of Loupe's limits (see [`crate::model::limits`]) and was cut.
    OverLimit,
    /// A span arrived after a stream had handed its trace on: it makes a trace of its own.
    LateSpan,
}

impl DiagnosticKind {
    /// A plural noun for "and N more …" lines.
    fn plural(self) -> &'static str {
        match self {
            DiagnosticKind::SkippedSpan => "skipped spans",
            DiagnosticKind::SkippedLine => "skipped lines",
            DiagnosticKind::OtherSignal => "lines of other signals",
            DiagnosticKind::Orphan => "orphan spans",
            DiagnosticKind::Cycle => "cycles",
            DiagnosticKind::DuplicateId => "duplicate ids",
            DiagnosticKind::SyntheticId => "replaced ids",
            DiagnosticKind::MissingTimestamps => "spans without timestamps",
            DiagnosticKind::UnknownValueType => "values of unknown type",
            DiagnosticKind::AggregateMismatch => "totals that disagree with their calls",
            DiagnosticKind::ClockSkew => "clock skew corrections",
            DiagnosticKind::OverLimit => "values cut at Loupe's limits",
            DiagnosticKind::LateSpan => "late spans",
        }
    }
}

/// One reported problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Index of the source file it concerns, when it concerns one.
    pub source: Option<u32>,
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// What is wrong and where.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How many messages of one kind, per source, are kept in full.
const KEEP_PER_KIND: usize = 20;

/// A capped list of diagnostics with full counts.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Diagnostics {
    kept: Vec<Diagnostic>,
    counts: HashMap<(Option<u32>, DiagnosticKind), usize>,
}

impl Diagnostics {
    /// Records a problem; the message is built only if it will be kept.
    pub fn report(
        &mut self,
        source: Option<u32>,
        kind: DiagnosticKind,
        message: impl FnOnce() -> String,
    ) {
        let count = self.counts.entry((source, kind)).or_default();
        *count += 1;
        if *count <= KEEP_PER_KIND {
            self.kept.push(Diagnostic {
                source,
                kind,
                message: message(),
            });
        }
    }

    /// How many problems of `kind` were reported in all.
    pub fn count(&self, kind: DiagnosticKind) -> usize {
        self.counts
            .iter()
            .filter(|((_, k), _)| *k == kind)
            .map(|(_, n)| n)
            .sum()
    }

    /// The kept diagnostics, in the order reported.
    pub fn kept(&self) -> &[Diagnostic] {
        &self.kept
    }

    /// Readable lines: each kept message, then "and N more …" where messages were dropped.
    pub fn lines(&self, source: Option<u32>) -> Vec<String> {
        let mut lines: Vec<String> = self
            .kept
            .iter()
            .filter(|d| source.is_none() || d.source == source)
            .map(|d| d.message.clone())
            .collect();
        let mut dropped: Vec<(DiagnosticKind, usize)> = self
            .counts
            .iter()
            .filter(|((s, _), n)| (source.is_none() || *s == source) && **n > KEEP_PER_KIND)
            .map(|((_, k), n)| (*k, n - KEEP_PER_KIND))
            .collect();
        dropped.sort();
        for (kind, n) in dropped {
            lines.push(format!("… and {n} more {}", kind.plural()));
        }
        lines
    }

    /// Drops the problems of source `source`.
    pub fn forget(&mut self, source: u32) {
        self.kept.retain(|d| d.source != Some(source));
        self.counts.retain(|(s, _), _| *s != Some(source));
    }

    /// Takes in what was reported of one file read in parts (part `other`, whose problems
    /// are now those of `source`): the counts add up, and the first few of each kind are kept.
    pub(crate) fn absorb(&mut self, other: Diagnostics, source: u32) {
        for d in other.kept {
            let key = (Some(source), d.kind);
            let kept = self
                .kept
                .iter()
                .filter(|k| (k.source, k.kind) == key)
                .count();
            if kept < KEEP_PER_KIND {
                self.kept.push(Diagnostic {
                    source: Some(source),
                    ..d
                });
            }
        }
        for ((_, kind), n) in other.counts {
            *self.counts.entry((Some(source), kind)).or_default() += n;
        }
    }

    /// Moves another list's problems into this one, keeping the first few of each kind.
    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.kept {
            let key = (d.source, d.kind);
            let kept = self.kept.iter().filter(|k| (k.source, k.kind) == key);
            if kept.count() < KEEP_PER_KIND {
                self.kept.push(d);
            }
        }
        for (k, n) in other.counts {
            *self.counts.entry(k).or_default() += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_problems_are_counted_but_capped() {
        let mut d = Diagnostics::default();
        for i in 0..25 {
            d.report(Some(0), DiagnosticKind::Orphan, || format!("orphan {i}"));
        }
        assert_eq!(d.count(DiagnosticKind::Orphan), 25);
        let lines = d.lines(Some(0));
        assert_eq!(lines.len(), KEEP_PER_KIND + 1);
        assert_eq!(
            lines.last().map(String::as_str),
            Some("… and 5 more orphan spans")
        );
    }
}
