//! What the share worker (`src/share_worker.rs`) is asked and answers when it writes a
//! redacted bundle: redaction runs over every string of the loaded traces (seconds at 100,000
//! spans), and its pattern matching is the largest part of the engine, so neither the page nor
//! the parsing worker carries it. The share worker holds a copy of the set; the page sends an
//! [`ExportRequest`] and gets an [`ExportSummary`] (and the bundle's bytes) back.

use loupe_core::TraceSet;
use loupe_core::bundle::{Extras, export};
use loupe_core::redact::RedactOptions;
use serde::{Deserialize, Serialize};

/// What to write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// The redaction.
    pub options: RedactOptions,
    /// The traces to write (indices into the loaded set), or all of them.
    pub traces: Option<Vec<u32>>,
    /// The bundle's salt for hashing ids.
    pub salt: [u8; 16],
    /// View, prices and notes.
    pub extras: Extras,
    /// Whether the bundle's bytes are wanted (else only the summary, for a preview).
    pub bytes: bool,
}

/// What a bundle holds and what its redaction removed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportSummary {
    /// Traces written.
    pub traces: usize,
    /// Spans written.
    pub spans: usize,
    /// Notes written.
    pub notes: usize,
    /// What the redaction removed, in words ("593 message texts").
    pub removed: Vec<String>,
}

impl ExportSummary {
    /// The preview line: "2 traces, 21 spans, 2 notes. Removes: 593 message texts.".
    pub fn preview(&self) -> String {
        let notes = match self.notes {
            0 => String::new(),
            1 => ", 1 note".to_string(),
            n => format!(", {n} notes"),
        };
        let removed = if self.removed.is_empty() {
            "nothing".to_string()
        } else {
            self.removed.join(", ")
        };
        format!(
            "{} traces, {} spans{notes}. Removes: {removed}.",
            self.traces, self.spans
        )
    }
}

/// Writes the bundle `request` asks for from `set` (in the worker).
pub fn run(set: &TraceSet, request: ExportRequest) -> (ExportSummary, Option<Vec<u8>>) {
    let (bundle, counts) = export(
        set,
        request.traces.as_deref(),
        request.options,
        request.salt,
        request.extras,
    );
    let summary = ExportSummary {
        traces: bundle
            .spans
            .iter()
            .map(|s| s.trace_id.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        spans: bundle.spans.len(),
        notes: bundle.notes.len(),
        removed: counts.phrases(),
    };
    let bytes = request.bytes.then(|| bundle.to_gzip());
    (summary, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_counts_what_the_worker_writes_and_the_bytes_are_a_bundle() {
        let demo = loupe_core::generate::demo();
        let set =
            loupe_core::import(demo.as_bytes(), "demo.json").unwrap_or_else(|e| panic!("{e}"));
        let request = |bytes| ExportRequest {
            options: RedactOptions::default(),
            traces: None,
            salt: [1; 16],
            extras: Extras::default(),
            bytes,
        };
        let (summary, none) = run(&set, request(false));
        assert!(none.is_none(), "a preview writes no bytes");
        assert_eq!(
            (summary.traces, summary.spans),
            (set.traces().len(), set.span_count())
        );
        assert!(
            summary.preview().starts_with(&format!(
                "{} traces, {} spans. Removes: ",
                summary.traces, summary.spans
            )),
            "{}",
            summary.preview()
        );
        let (_, bytes) = run(&set, request(true));
        let bytes = bytes.unwrap_or_default();
        let back =
            loupe_core::import(&bytes, "shared.loupe.json.gz").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.totals().spans, set.totals().spans);
    }
}
