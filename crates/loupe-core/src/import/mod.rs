//! Reading files into the model: input and gzip ([`input`]), format detection ([`detect`]),
//! one importer per format (each reads its format into the [`builder`]'s columns), the LLM
//! facts found in attributes ([`llm`]), tree building ([`tree`]), joining files
//! ([`merge`]), files read as they arrive ([`feed`], [`split`]) and streams cut between
//! records ([`stream`], [`cut`], [`carry`]). It reads and writes the [`crate::model`] only.

pub(crate) mod anyvalue;
pub(crate) mod builder;
pub(crate) mod bundle;
pub(crate) mod bundle_format;
pub(crate) mod carry;
pub(crate) mod chrome;
pub(crate) mod cursor;
pub(crate) mod cut;
pub(crate) mod detect;
pub(crate) mod error;
pub(crate) mod feed;
pub(crate) mod helicone;
pub(crate) mod input;
pub(crate) mod jaeger;
pub(crate) mod langfuse;
pub(crate) mod langsmith;
pub(crate) mod llm;
pub(crate) mod merge;
pub(crate) mod mlflow;
pub(crate) mod otlp_json;
#[cfg(feature = "parquet")]
pub(crate) mod parquet;
pub(crate) mod span_attributes;
pub(crate) mod span_json;
pub(crate) mod split;
pub mod stream;
pub(crate) mod tracetest;
pub(crate) mod tree;
pub(crate) mod zipkin;

use crate::import::builder::TraceSetBuilder;
use crate::model::diagnostics::Diagnostics;

/// What an importer works with: the builder, the file's text (or the part of it being read),
/// and where to report problems.
pub(crate) struct Context<'b, 't> {
    pub builder: &'b mut TraceSetBuilder,
    pub text: &'t str,
    pub source: u32,
    pub diags: &'b mut Diagnostics,
    /// Byte offset in the file of `text`'s first byte.
    pub base: usize,
    /// Line and column (from 1) of `text`'s first byte.
    pub origin: (usize, usize),
}

impl<'b, 't> Context<'b, 't> {
    /// A context over a whole file's text.
    pub fn whole(
        builder: &'b mut TraceSetBuilder,
        text: &'t str,
        source: u32,
        diags: &'b mut Diagnostics,
    ) -> Self {
        Context {
            builder,
            text,
            source,
            diags,
            base: 0,
            origin: (1, 1),
        }
    }

    /// Parses one span's JSON. On failure the span is reported as skipped, with the position of
    /// the problem, and `None` comes back: the rest of the file still loads.
    pub fn parse_span<'a, T: serde::Deserialize<'a>>(
        &mut self,
        raw: &'a serde_json::value::RawValue,
    ) -> Option<T> {
        match serde_json::from_str(raw.get()) {
            Ok(span) => Some(span),
            Err(e) => {
                let (text, origin) = (self.text, self.origin);
                let at = crate::model::json::offset_in(text, raw.get());
                // Placed only if kept: counting lines for each of a million bad spans would
                // read the text a million times.
                self.diags.report(
                    Some(self.source),
                    crate::model::diagnostics::DiagnosticKind::SkippedSpan,
                    || {
                        let place = crate::import::error::line_col_from(origin, text, at);
                        let err = crate::import::error::json_error_from(place, &e);
                        format!("span skipped at {err}")
                    },
                );
                None
            }
        }
    }

    /// Reports a span that is JSON but not a span of the format: skipped, with where and why.
    pub fn report_bad_span(&mut self, cur: &cursor::Cursor, bad: &cursor::BadRecord) {
        self.diags.report(
            Some(self.source),
            crate::model::diagnostics::DiagnosticKind::SkippedSpan,
            || format!("span skipped at {}", cur.describe(bad)),
        );
    }

    /// Parses the record at the cursor as `T`: with its JSON, or `None` if it is not a `T`
    /// (reported as a skipped span, with its position; the cursor then stands past it).
    pub fn record<'r, T: serde::Deserialize<'r>>(
        &mut self,
        cur: &mut cursor::Cursor<'r>,
    ) -> Result<Option<(T, &'r str)>, cursor::Stop> {
        Ok(match cur.record::<T>()? {
            (Ok(record), raw) => Some((record, raw)),
            (Err(bad), _) => {
                self.report_bad_span(cur, &bad);
                None
            }
        })
    }

    /// Parses the array at the cursor (or `null`) as records `T`, each with its JSON. An
    /// element that is not a `T` is reported as a skipped span, with its position.
    pub fn records<'r, T: serde::Deserialize<'r>>(
        &mut self,
        cur: &mut cursor::Cursor<'r>,
    ) -> Result<Vec<(T, &'r str)>, cursor::Stop> {
        let mut out = Vec::new();
        if cur.null()? {
            return Ok(out);
        }
        let mut items = cur.array()?;
        while cur.item(&mut items)? {
            out.extend(self.record::<T>(cur)?);
        }
        Ok(out)
    }

    /// Reports that span `name`, whose JSON is `raw`, is skipped, and why.
    pub fn skip_span(&mut self, raw: &str, name: &str, why: &str) {
        let (text, origin) = (self.text, self.origin);
        let at = crate::model::json::offset_in(text, raw);
        self.diags.report(
            Some(self.source),
            crate::model::diagnostics::DiagnosticKind::SkippedSpan,
            || {
                let (line, column) = crate::import::error::line_col_from(origin, text, at);
                format!("span '{name}' skipped at line {line}, column {column}: {why}")
            },
        );
    }

    /// Converts one plain JSON value to an attribute value (see
    /// [`TraceSetBuilder::json_value`]).
    pub fn plain_value(&mut self, raw: &serde_json::value::RawValue) -> crate::model::AttrValue {
        self.builder.json_value(raw.get())
    }

    /// Appends a plain JSON map's members as attribute rows (letting `probe` see them), except
    /// the keys in `skip`.
    pub fn push_plain_members(
        &mut self,
        map: Option<&str>,
        skip: &[&str],
        probe: Option<&mut crate::import::llm::LlmProbe>,
    ) -> crate::model::Rows {
        let members = map
            .and_then(|m| crate::model::json::object_members(m).ok())
            .unwrap_or_default();
        self.push_members(&members, skip, probe)
    }

    /// Appends an object's members, already apart, as attribute rows (letting `probe` see
    /// them), except the keys in `skip`.
    pub fn push_members(
        &mut self,
        members: &[(crate::model::json::Text, &serde_json::value::RawValue)],
        skip: &[&str],
        mut probe: Option<&mut crate::import::llm::LlmProbe>,
    ) -> crate::model::Rows {
        let start = self.builder.attr_len();
        for (k, v) in members {
            if skip.contains(&&**k) {
                continue;
            }
            let value = self.plain_value(v);
            let key = self.builder.intern(k);
            self.builder.push_attr(key, value, probe.as_deref_mut());
        }
        crate::model::Rows {
            start,
            end: self.builder.attr_len(),
        }
    }

    /// Appends a plain JSON map's members as attribute rows.
    pub fn push_plain_map(
        &mut self,
        map: Option<&serde_json::value::RawValue>,
        probe: Option<&mut crate::import::llm::LlmProbe>,
    ) -> crate::model::Rows {
        self.push_plain_members(map.map(serde_json::value::RawValue::get), &[], probe)
    }

    /// Appends events whose attributes are plain JSON maps: (time, name, attributes) each.
    /// `probe` sees each event's attributes (Monocle keeps token counts on an event).
    pub fn push_plain_events<'e>(
        &mut self,
        events: impl IntoIterator<
            Item = (
                Option<crate::model::Nanos>,
                &'e str,
                Option<&'e serde_json::value::RawValue>,
            ),
        >,
        mut probe: Option<&mut crate::import::llm::LlmProbe>,
    ) -> crate::model::Rows {
        let start = self.builder.event_len();
        for (time, name, attributes) in events {
            let rows = self.push_plain_map(attributes, None);
            if let Some(probe) = probe.as_deref_mut() {
                let b = &self.builder;
                for r in rows.range() {
                    let key = b.strings.resolve(b.attrs.key[r]);
                    probe.observe_event(name, key, b.attrs.value[r], &b.strings);
                }
            }
            let name = self.builder.intern(name);
            self.builder.push_event(time, name, rows);
        }
        crate::model::Rows {
            start,
            end: self.builder.event_len(),
        }
    }

    /// A span id from its text: hex or base64 as is, or derived from an opaque id (a UUID, `s01`),
    /// whose text is then kept for display (else the empty string).
    pub fn span_id(
        &mut self,
        text: &str,
    ) -> (
        Option<crate::model::ids::SpanId>,
        crate::model::strings::StrId,
    ) {
        match crate::model::ids::SpanId::parse_or_derive(text) {
            (id, true) => (id, self.builder.intern(text)),
            (id, false) => (id, crate::model::strings::StrId::EMPTY),
        }
    }

    /// Where `raw` lies in the file, for the span's raw JSON.
    pub fn raw_ref(&self, raw: &str) -> crate::model::RawRef {
        let start = self.base + crate::model::json::offset_in(self.text, raw);
        crate::model::RawRef {
            source: self.source,
            start: start as u32,
            end: (start + raw.len()) as u32,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    /// Checks that a span of `set` was reported skipped on line `line`.
    pub(crate) fn assert_skipped_on_line(set: &crate::TraceSet, line: usize) {
        let lines = set.diagnostics().lines(None);
        let at = format!("span skipped at line {line}, column");
        assert!(lines.iter().any(|l| l.starts_with(&at)), "{lines:?}");
    }
}
