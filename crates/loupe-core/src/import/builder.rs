//! Collecting spans from one or more files, then building traces and trees.

use crate::import as importers;
use crate::import::detect::{self, Detected};
use crate::import::error::ImportError;
use crate::import::input;
use crate::import::llm::LlmProbe;
use crate::import::tree;
use crate::model::Format;
use crate::model::diagnostics::{DiagnosticKind, Diagnostics};
use crate::model::ids::{SpanId, TraceId};
use crate::model::limits;
use crate::model::scores::{Score, TraceFacts};
use crate::model::set::{AttrTable, EventTable, LinkTable, NO_SPAN, Source, SpanColumns, TraceSet};
use crate::model::strings::{Interner, StrId};
use crate::model::usage::LlmFacts;
use crate::model::{AttrValue, Nanos, OtelKind, RawRef, Rows, SpanFlags, StatusCode};

/// One span as an importer hands it over. Attribute, event and link rows were pushed first.
pub(crate) struct SpanDraft {
    pub trace_id: Option<TraceId>,
    pub span_id: Option<SpanId>,
    /// The id's own text when it was opaque; else empty.
    pub id_text: StrId,
    pub parent_id: Option<SpanId>,
    pub name: StrId,
    pub service: StrId,
    pub scope: StrId,
    pub resource: u32,
    pub otel_kind: OtelKind,
    pub status: StatusCode,
    pub status_message: StrId,
    pub start: Option<Nanos>,
    pub end: Option<Nanos>,
    pub attrs: Rows,
    pub events: Rows,
    pub links: Rows,
    pub raw: RawRef,
    pub facts: LlmFacts,
}

impl Default for SpanDraft {
    /// A span with nothing known: no ids, no resource, no rows.
    fn default() -> Self {
        SpanDraft {
            trace_id: None,
            span_id: None,
            id_text: StrId::EMPTY,
            parent_id: None,
            name: StrId::EMPTY,
            service: StrId::EMPTY,
            scope: StrId::EMPTY,
            resource: NO_RESOURCE,
            otel_kind: OtelKind::Unspecified,
            status: StatusCode::Unset,
            status_message: StrId::EMPTY,
            start: None,
            end: None,
            attrs: Rows::default(),
            events: Rows::default(),
            links: Rows::default(),
            raw: RawRef::default(),
            facts: LlmFacts::default(),
        }
    }
}

/// The resource index of a span that has none.
pub(crate) const NO_RESOURCE: u32 = u32::MAX;

impl SpanDraft {
    /// Marks the span's usage as its own call's (see [`SpanFlags::OWN_USAGE`]).
    pub fn own_usage(mut self) -> Self {
        self.facts.own_usage = true;
        self
    }
}

/// What importing one file produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// Index of the file among the builder's sources.
    pub source: u32,
    /// The detected format.
    pub format: Format,
    /// Spans read from it.
    pub spans: usize,
    /// Problems that lost or altered part of it.
    pub warnings: Vec<String>,
}

/// Table lengths before a file, so a failed file leaves nothing behind.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Mark {
    pub(crate) spans: usize,
    /// Spans of the file read before the mark and cut off by a stream (see
    /// [`TraceSetBuilder::cut`]): they count among the file's spans.
    #[serde(default)]
    pub(crate) earlier: usize,
    usages: usize,
    tags: usize,
    scores: usize,
    bundle_extras: usize,
    trace_facts: usize,
    attrs: usize,
    events: usize,
    links: usize,
    resources: usize,
}

/// Accumulates files; [`TraceSetBuilder::finish`] builds the [`TraceSet`]. One that read a
/// part of a file travels to the parser that joins it (see [`crate::Part`]).
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct TraceSetBuilder {
    pub(crate) strings: Interner,
    pub(crate) spans: SpanColumns,
    pub(crate) usages: Vec<crate::model::usage::Usage>,
    pub(crate) tags: Vec<StrId>,
    pub(crate) scores: Vec<Score>,
    pub(crate) bundle_extras: Vec<(u32, String)>,
    pub(crate) trace_facts: Vec<TraceFacts>,
    pub(crate) attrs: AttrTable,
    pub(crate) events: EventTable,
    pub(crate) links: LinkTable,
    pub(crate) resources: Vec<Rows>,
    sources: Vec<Source>,
    diagnostics: Diagnostics,
    pub(crate) next_synthetic: u64,
    /// The trees of the set this builder was reopened from.
    #[serde(skip)]
    built: Option<tree::Built>,
}

impl TraceSetBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder holding a built set, to add files to it: [`TraceSetBuilder::finish`] then
    /// groups only the new spans and the traces they join. Nothing is copied.
    pub fn reopen(mut set: TraceSet) -> Self {
        let built = tree::Built::take(&mut set);
        TraceSetBuilder {
            strings: set.strings,
            spans: set.spans,
            usages: set.usages,
            tags: set.tags,
            scores: set.scores,
            bundle_extras: set.bundle_extras,
            trace_facts: set.trace_facts,
            attrs: set.attrs,
            events: set.events,
            links: set.links,
            resources: set.resources,
            sources: set.sources,
            diagnostics: set.import_diagnostics,
            next_synthetic: set.next_synthetic,
            built: Some(built),
        }
    }

    /// Spans collected so far.
    pub fn span_count(&self) -> usize {
        self.spans.name.len()
    }

    /// Imports one file. On error nothing of the file is kept, and other files are unaffected.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Result<FileReport, ImportError> {
        if input::is_parquet(bytes) {
            return self.add_parquet(name, bytes.to_vec());
        }
        self.add_text(name, input::to_text(bytes)?)
    }

    /// Imports a Parquet file: binary, so no text of it is held.
    #[cfg(feature = "parquet")]
    fn add_parquet(&mut self, name: &str, bytes: Vec<u8>) -> Result<FileReport, ImportError> {
        let source = self.next_source()?;
        let mark = self.mark();
        let mut diags = Diagnostics::default();
        let mut ctx = importers::Context::whole(self, "", source, &mut diags);
        let result = importers::parquet::import(&mut ctx, bytes);
        self.settle(name, Format::Parquet, Box::default(), &mark, diags, result)
    }

    /// Without the Parquet reader (the page's engines, which leave Parquet to a decoder of its
    /// own, see [`TraceSetBuilder::add_read`]): says so.
    #[cfg(not(feature = "parquet"))]
    fn add_parquet(&mut self, _name: &str, _bytes: Vec<u8>) -> Result<FileReport, ImportError> {
        Err(ImportError::Parquet(
            "Parquet is decoded by a worker of its own, which could not start here".into(),
        ))
    }

    /// Like [`TraceSetBuilder::add_file`], but takes the bytes, so plain text is not copied.
    pub fn add_file_owned(
        &mut self,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<FileReport, ImportError> {
        if input::is_parquet(&bytes) {
            return self.add_parquet(name, bytes);
        }
        self.add_text(name, input::into_text_owned(bytes)?)
    }

    fn add_text(&mut self, name: &str, text: String) -> Result<FileReport, ImportError> {
        let source = self.next_source()?;
        let mark = self.mark();
        let mut diags = Diagnostics::default();
        let detected = detect::detect(&text)?;
        let format = detected.format();
        let mut ctx = importers::Context::whole(self, &text, source, &mut diags);
        let result = match detected {
            Detected::Records(format) => import_whole(&mut ctx, format),
            Detected::Lines(Format::Helicone) => importers::helicone::import_lines(&mut ctx),
            Detected::Lines(Format::OtlpJsonLines | Format::OtlpJson) => {
                importers::otlp_json::import_lines(&mut ctx)
            }
            Detected::Lines(Format::OtelPython | Format::Phoenix) => {
                importers::span_json::import_stream(&mut ctx)
            }
            Detected::Lines(
                format @ (Format::Jaeger
                | Format::Zipkin
                | Format::Langfuse
                | Format::Mlflow
                | Format::LangSmith
                | Format::OtelJs
                | Format::ChromeTrace
                | Format::SpanAttributes
                | Format::Tracetest
                | Format::LoupeBundle
                | Format::Parquet),
            ) => Err(ImportError::UnknownFormat {
                found: format!("{} spans one per line", format.label()),
            }),
        };
        self.settle(name, format, text.into_boxed_str(), &mark, diags, result)
    }

    /// Ends a file's import: on an error, or where every span was unreadable, nothing of it is
    /// kept; else its problems are kept and it joins the sources (with `text`, the file's text
    /// if it is held).
    pub(crate) fn settle(
        &mut self,
        name: &str,
        format: Format,
        text: Box<str>,
        mark: &Mark,
        diags: Diagnostics,
        result: Result<(), ImportError>,
    ) -> Result<FileReport, ImportError> {
        let source = self.sources.len() as u32;
        let spans = self.span_count() - mark.spans + mark.earlier;
        if let Err(e) = result {
            self.rollback(mark);
            return Err(e);
        }
        if spans == 0 && diags.count(DiagnosticKind::SkippedSpan) > 0 {
            self.rollback(mark);
            let first = diags
                .kept()
                .iter()
                .find(|d| d.kind == DiagnosticKind::SkippedSpan)
                .map(|d| d.message.clone())
                .unwrap_or_default();
            return Err(ImportError::NoValidSpans {
                first,
                count: diags.count(DiagnosticKind::SkippedSpan),
            });
        }
        let warnings = diags.lines(Some(source));
        self.diagnostics.extend(diags);
        self.sources.push(Source {
            name: name.to_string(),
            format,
            text,
            removed: false,
        });
        Ok(FileReport {
            source,
            format,
            spans,
            warnings,
        })
    }

    /// Takes the problems found in the files read so far.
    pub(crate) fn take_diagnostics(&mut self) -> Diagnostics {
        std::mem::take(&mut self.diagnostics)
    }

    /// The files read so far.
    pub(crate) fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Takes the list of files `from` knows, without their texts (their spans stay there).
    pub(crate) fn copy_sources(&mut self, from: &TraceSetBuilder) {
        self.sources = from
            .sources
            .iter()
            .map(|s| Source {
                name: s.name.clone(),
                format: s.format,
                text: Box::default(),
                removed: s.removed,
            })
            .collect();
    }

    /// Marks a file read: its spans name it, whether or not it was read to its end.
    pub(crate) fn name_source(&mut self, name: &str, format: Format, removed: bool) {
        self.sources.push(Source {
            name: name.to_string(),
            format,
            text: Box::default(),
            removed,
        });
    }

    /// Whether this builder adds to a built set (it was reopened).
    pub(crate) fn is_reopened(&self) -> bool {
        self.built.is_some()
    }

    /// The index the next file will have among the sources, if there is room for one.
    pub(crate) fn next_source(&self) -> Result<u32, ImportError> {
        u32::try_from(self.sources.len()).map_err(|_| ImportError::TooLarge)
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            spans: self.span_count(),
            earlier: 0,
            usages: self.usages.len(),
            tags: self.tags.len(),
            scores: self.scores.len(),
            bundle_extras: self.bundle_extras.len(),
            trace_facts: self.trace_facts.len(),
            attrs: self.attrs.key.len(),
            events: self.events.name.len(),
            links: self.links.span_id.len(),
            resources: self.resources.len(),
        }
    }

    pub(crate) fn rollback(&mut self, m: &Mark) {
        self.spans.truncate(m.spans);
        self.usages.truncate(m.usages);
        self.tags.truncate(m.tags);
        self.scores.truncate(m.scores);
        self.bundle_extras.truncate(m.bundle_extras);
        self.trace_facts.truncate(m.trace_facts);
        self.attrs.key.truncate(m.attrs);
        self.attrs.value.truncate(m.attrs);
        self.events.time.truncate(m.events);
        self.events.name.truncate(m.events);
        self.events.attrs.truncate(m.events);
        self.links.trace_id.truncate(m.links);
        self.links.span_id.truncate(m.links);
        self.links.attrs.truncate(m.links);
        self.resources.truncate(m.resources);
        // Strings cut for what was rolled back are not the next span's.
        self.strings.take_cut_count();
    }

    /// Interns a string.
    pub(crate) fn intern(&mut self, s: &str) -> StrId {
        self.strings.intern(s)
    }

    /// Number of attribute rows, to open a [`Rows`] range.
    pub(crate) fn attr_len(&self) -> u32 {
        self.attrs.key.len() as u32
    }

    /// Converts one JSON value (well-formed) to an attribute value: strings, integers, floats
    /// and booleans as themselves, arrays and objects as their JSON text.
    pub(crate) fn json_value(&mut self, json: &str) -> AttrValue {
        let t = json.trim();
        match t.as_bytes().first() {
            // Well-formed JSON already: a string without escapes is its own text.
            Some(b'"') if !t.contains('\\') => AttrValue::Str(self.intern(&t[1..t.len() - 1])),
            Some(b'"') => match serde_json::from_str::<crate::model::json::Text>(t) {
                Ok(s) => AttrValue::Str(self.intern(&s)),
                Err(_) => AttrValue::Json(self.intern(t)),
            },
            Some(b't') => AttrValue::Bool(true),
            Some(b'f') => AttrValue::Bool(false),
            Some(b'n') | None => AttrValue::Empty,
            Some(b'[' | b'{') => AttrValue::Json(self.intern(t)),
            Some(_) => t.parse::<i64>().map_or_else(
                |_| t.parse::<f64>().map_or(AttrValue::Empty, AttrValue::Float),
                AttrValue::Int,
            ),
        }
    }

    /// Appends an attribute row, letting `probe` see it. MLflow writes the values of its
    /// `mlflow.*` attributes as JSON inside strings (in its own export and over OTLP alike):
    /// such a value is decoded once here, wherever it comes from.
    pub(crate) fn push_attr(
        &mut self,
        key: StrId,
        mut value: AttrValue,
        probe: Option<&mut LlmProbe>,
    ) {
        if let AttrValue::Str(s) = value
            && self.strings.resolve(key).starts_with("mlflow.")
        {
            value = self.json_in_string(s).unwrap_or(value);
        }
        if let Some(probe) = probe {
            probe.observe(self.strings.resolve(key), value, &self.strings);
        }
        self.attrs.key.push(key);
        self.attrs.value.push(value);
    }

    /// The value of string `s` read as JSON, if it is JSON.
    fn json_in_string(&mut self, s: StrId) -> Option<AttrValue> {
        let text = self.strings.resolve(s);
        let start = text.trim_start().as_bytes().first()?;
        if !matches!(
            start,
            b'"' | b'{' | b'[' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
        ) {
            return None;
        }
        let json = serde_json::from_str::<Box<serde_json::value::RawValue>>(text).ok()?;
        Some(self.json_value(json.get()))
    }

    /// Sets the value of attribute row `row` (one pushed as a placeholder).
    pub(crate) fn set_attr_value(&mut self, row: u32, value: AttrValue) {
        if let Some(v) = self.attrs.value.get_mut(row as usize) {
            *v = value;
        }
    }

    /// Appends an event row.
    pub(crate) fn push_event(&mut self, time: Option<Nanos>, name: StrId, attrs: Rows) {
        self.events.time.push(time);
        self.events.name.push(name);
        self.events.attrs.push(attrs);
    }

    /// Number of event rows.
    pub(crate) fn event_len(&self) -> u32 {
        self.events.name.len() as u32
    }

    /// Appends a link row.
    pub(crate) fn push_link(
        &mut self,
        trace_id: Option<TraceId>,
        span_id: Option<SpanId>,
        attrs: Rows,
    ) {
        self.links.trace_id.push(trace_id);
        self.links.span_id.push(span_id);
        self.links.attrs.push(attrs);
    }

    /// Number of link rows.
    pub(crate) fn link_len(&self) -> u32 {
        self.links.span_id.len() as u32
    }

    /// Registers a resource's attribute rows and returns its index.
    pub(crate) fn push_resource(&mut self, attrs: Rows) -> u32 {
        self.resources.push(attrs);
        (self.resources.len() - 1) as u32
    }

    /// Appends a span, replacing missing ids and noting missing timestamps.
    pub(crate) fn push_span(&mut self, d: SpanDraft, diags: &mut Diagnostics) {
        let mut flags = if d.facts.own_usage {
            SpanFlags::OWN_USAGE
        } else {
            0
        };
        let name = d.name;
        let describe = |s: &Interner| format!("span '{}'", s.resolve(name));
        let span_id = match d.span_id {
            Some(id) => id,
            None => {
                flags |= SpanFlags::SYNTHETIC_ID;
                self.next_synthetic += 1;
                let what = describe(&self.strings);
                diags.report(Some(d.raw.source), DiagnosticKind::SyntheticId, || {
                    format!(
                        "{what} has an empty or all-zero span id; Loupe gave it a synthetic one"
                    )
                });
                SpanId(u64::MAX - self.next_synthetic)
            }
        };
        let trace_id = d.trace_id.unwrap_or_else(|| {
            let what = describe(&self.strings);
            diags.report(Some(d.raw.source), DiagnosticKind::SyntheticId, || {
                format!("{what} has an empty or all-zero trace id; it is grouped under trace 0")
            });
            TraceId(0)
        });
        let (start, end) = match (d.start, d.end) {
            (Some(s), Some(e)) => (s, e),
            (s, e) => {
                flags |= SpanFlags::NO_TIMESTAMPS;
                let what = describe(&self.strings);
                diags.report(
                    Some(d.raw.source),
                    DiagnosticKind::MissingTimestamps,
                    || format!("{what} has no start or end time"),
                );
                let t = s.or(e).unwrap_or(0);
                (t, t)
            }
        };
        let attrs = self.keep_attribute_limit(d.attrs, &describe, d.raw.source, diags);
        if self.strings.take_cut_count() > 0 {
            let what = describe(&self.strings);
            diags.report(Some(d.raw.source), DiagnosticKind::OverLimit, || {
                format!(
                    "{what} holds a value longer than {} MB, Loupe's string limit; it is cut \
                     there (ending in …), and the raw span keeps it whole",
                    limits::megabytes(limits::MAX_STRING)
                )
            });
        }
        let mut facts = d.facts;
        if facts.usage.first_token.is_none() && flags & SpanFlags::NO_TIMESTAMPS == 0 {
            facts.usage.first_token = facts
                .first_token_at
                .map(|t| t - start)
                .filter(|t| (0..=end - start).contains(t));
        }
        let usage = if facts.usage.is_known() {
            self.usages.push(facts.usage);
            (self.usages.len() - 1) as u32
        } else {
            NO_SPAN
        };
        let c = &mut self.spans;
        c.trace_id.push(trace_id);
        c.span_id.push(span_id);
        c.id_text.push(d.id_text);
        c.parent_id.push(d.parent_id);
        c.name.push(d.name);
        c.service.push(d.service);
        c.scope.push(d.scope);
        c.resource.push(d.resource);
        c.otel_kind.push(d.otel_kind);
        c.kind.push(facts.kind);
        // A failure the span's attributes state (Langfuse's level) makes it an error.
        let (status, status_message) = match facts.failure {
            Some(message) if d.status != StatusCode::Error => (
                StatusCode::Error,
                if d.status_message.is_empty() {
                    message
                } else {
                    d.status_message
                },
            ),
            _ => (d.status, d.status_message),
        };
        c.status.push(status);
        c.status_message.push(status_message);
        c.start.push(start);
        c.end.push(end);
        c.attrs.push(attrs);
        c.events.push(d.events);
        c.links.push(d.links);
        c.raw.push(d.raw);
        c.flags.push(SpanFlags(flags));
        c.model.push(facts.model);
        c.provider.push(facts.provider);
        c.session.push(facts.session);
        c.user.push(facts.user);
        let tags = self.push_tags(&facts.tags);
        self.spans.tags.push(tags);
        self.spans.usage.push(usage);
    }

    /// A span's attribute rows, cut to [`limits::MAX_SPAN_ATTRIBUTES`] (the rows past it are
    /// freed when they are the last in the table).
    fn keep_attribute_limit(
        &mut self,
        mut rows: Rows,
        describe: &dyn Fn(&Interner) -> String,
        source: u32,
        diags: &mut Diagnostics,
    ) -> Rows {
        let count = rows.end.saturating_sub(rows.start);
        if count <= limits::MAX_SPAN_ATTRIBUTES {
            return rows;
        }
        let old_end = rows.end;
        rows.end = rows.start + limits::MAX_SPAN_ATTRIBUTES;
        if old_end as usize == self.attrs.key.len() {
            self.attrs.key.truncate(rows.end as usize);
            self.attrs.value.truncate(rows.end as usize);
        }
        let what = describe(&self.strings);
        diags.report(Some(source), DiagnosticKind::OverLimit, || {
            format!(
                "{what} has {count} attributes, more than Loupe's limit of {} per span; the \
                 first {} are kept, and the raw span has them all",
                limits::MAX_SPAN_ATTRIBUTES,
                limits::MAX_SPAN_ATTRIBUTES
            )
        });
        rows
    }

    /// Records a score or piece of feedback.
    pub(crate) fn push_score(&mut self, score: Score) {
        self.scores.push(score);
    }

    /// Keeps what a session bundle brings besides its traces (view, prices, notes).
    pub(crate) fn push_bundle_extras(
        &mut self,
        source: u32,
        extras: crate::import::bundle_format::Extras,
    ) {
        self.bundle_extras
            .push((source, serde_json::to_string(&extras).unwrap_or_default()));
    }

    /// Records what a format says about a whole trace.
    pub(crate) fn push_trace_facts(&mut self, facts: TraceFacts) {
        self.trace_facts.push(facts);
    }

    /// Appends a span's tags (strings, or JSON arrays of strings), each once.
    fn push_tags(&mut self, values: &[AttrValue]) -> Rows {
        let start = self.tags.len() as u32;
        for v in values {
            let found: Vec<String> = match *v {
                AttrValue::Str(s) => vec![self.strings.resolve(s).to_string()],
                AttrValue::Json(j) => {
                    serde_json::from_str::<Vec<crate::model::json::Text>>(self.strings.resolve(j))
                        .map(|tags| tags.into_iter().map(|t| t.0.into_owned()).collect())
                        .unwrap_or_default()
                }
                _ => Vec::new(),
            };
            for tag in found.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                let id = self.strings.intern(tag);
                if !self.tags[start as usize..].contains(&id) {
                    self.tags.push(id);
                }
            }
        }
        Rows {
            start,
            end: self.tags.len() as u32,
        }
    }

    /// Builds traces and trees over everything added (over the new spans only, and the traces
    /// they join, when reopened).
    pub fn finish(self) -> TraceSet {
        let plan = match self.built {
            None => tree::Plan::fresh(self.spans.name.len()),
            Some(built) => tree::Plan::adding(built, &self.spans.trace_id, &self.spans.flags),
        };
        let mut set = TraceSet {
            strings: self.strings,
            spans: self.spans,
            usages: self.usages,
            tags: self.tags,
            scores: self.scores,
            bundle_extras: self.bundle_extras,
            trace_facts: self.trace_facts,
            attrs: self.attrs,
            events: self.events,
            links: self.links,
            resources: self.resources,
            sources: self.sources,
            import_diagnostics: self.diagnostics,
            next_synthetic: self.next_synthetic,
            ..TraceSet::default()
        };
        tree::build(&mut set, plan);
        set
    }
}

/// Adds a file to a built set: only its bytes are parsed, and only the traces its spans join
/// are grouped again. On error the set is as it was.
pub fn add_file(set: &mut TraceSet, name: &str, bytes: Vec<u8>) -> Result<FileReport, ImportError> {
    let mut builder = TraceSetBuilder::reopen(std::mem::take(set));
    let report = builder.add_file_owned(name, bytes);
    *set = builder.finish();
    report
}

/// Removes file `source` from a built set, without reading any file again: its spans, scores
/// and what it recorded per trace go, and only the traces it had spans in are grouped again.
/// Its place among the sources stays, marked removed, so the other files keep their indices.
pub fn remove_file(set: &mut TraceSet, source: u32) {
    let Some(removed) = set.sources.get_mut(source as usize) else {
        return;
    };
    removed.removed = true;
    removed.text = Box::default();
    set.scores.retain(|s| s.file != source);
    set.trace_facts.retain(|f| f.file != source);
    set.bundle_extras.retain(|(file, _)| *file != source);
    set.import_diagnostics.forget(source);
    let plan = tree::Plan::removing(set, source);
    tree::build(set, plan);
}

/// Imports one file on its own.
pub fn import(bytes: &[u8], file_name_hint: &str) -> Result<TraceSet, ImportError> {
    let mut b = TraceSetBuilder::new();
    b.add_file(file_name_hint, bytes)?;
    Ok(b.finish())
}

/// Imports a document whose importer reads the whole text itself, each record parsed once.
fn import_whole(ctx: &mut importers::Context, format: Format) -> Result<(), ImportError> {
    match format {
        Format::OtlpJson | Format::OtlpJsonLines => importers::otlp_json::import_document(ctx),
        Format::ChromeTrace => importers::chrome::import_document(ctx),
        Format::Jaeger => importers::jaeger::import_text(ctx),
        Format::Zipkin => importers::zipkin::import_elements(ctx),
        Format::OtelPython | Format::Phoenix => importers::span_json::import_elements(ctx),
        Format::OtelJs => importers::span_json::import_readable_elements(ctx),
        Format::Langfuse => importers::langfuse::import_text(ctx),
        Format::Mlflow => importers::mlflow::import_text(ctx),
        Format::LangSmith => importers::langsmith::import_text(ctx),
        Format::Helicone => importers::helicone::import_text(ctx),
        Format::Tracetest => importers::tracetest::import_text(ctx),
        Format::SpanAttributes => importers::span_attributes::import_text(ctx),
        Format::LoupeBundle => importers::bundle::import_document(ctx),
        // Parquet is binary: it never reaches the text importers.
        Format::Parquet => Err(ImportError::UnknownFormat {
            found: "Parquet read as text".into(),
        }),
    }
}
