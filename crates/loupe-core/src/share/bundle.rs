//! Session bundles (`*.loupe.json.gz`): Loupe's own file for sharing a debugging session. It
//! holds the (redacted) traces in Loupe's normalized form, the view state, price overrides and
//! notes. The bundle is rebuilt from the kept parts only, so nothing a redaction removes survives
//! in it: there are no string tables and no raw span JSON.
//!
//! The format is versioned (`loupe_bundle`); `docs/bundle.schema.json` describes it, and every
//! version ever written keeps opening. Exporting the same data with the same options gives the
//! same bytes, apart from `created`.

use crate::analysis::pricing::Price;
pub use crate::import::bundle_format::{
    Attribute, BUNDLE_VERSION, Comparing, Event, Extras, Link, Note, Score, ScoreVal, Span, Trace,
    Value, View,
};
use crate::model::ids::SpanId;
use crate::model::scores::ScoreValue;
use crate::model::set::{NO_SPAN, TraceSet, ValueRef};
use crate::share::redact::{RedactOptions, RedactionCounts, Redactor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// What a bundle records of its redaction: the options applied (what they removed is shown
/// before export, and not kept, so that exporting a bundle again gives the same bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    /// The options applied.
    pub options: RedactOptions,
}

/// A session bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// The format version.
    pub loupe_bundle: u32,
    /// When it was written (RFC 3339); the one field that differs between exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The redaction applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction: Option<Redaction>,
    /// The view to open on.
    #[serde(default)]
    pub view: View,
    /// Price overrides, USD per token.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prices: BTreeMap<String, Price>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Resources' attributes, shared by spans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Vec<Attribute>>,
    /// Trace-level facts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traces: Vec<Trace>,
    /// The spans, trace by trace in tree order.
    pub spans: Vec<Span>,
    /// Scores and feedback.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<Score>,
}

/// Carries redaction through an export, keeping ids consistent.
struct Writer {
    r: Redactor,
    ids: HashMap<String, String>,
}

/// A span's id as a bundle writes it: its key (unique within its trace), and the text shown
/// for it where that differs.
fn span_key(set: &TraceSet, i: u32) -> (String, Option<String>) {
    let s = set.span(i);
    let (key, text) = (s.key(), s.span_id_text());
    let shown = (key != text).then_some(text);
    (key, shown)
}

impl Writer {
    /// A span id or opaque id text: kept when masking leaves it alone, else hashed.
    fn id(&mut self, text: &str) -> String {
        if let Some(done) = self.ids.get(text) {
            return done.clone();
        }
        let masked = self.r.text(text);
        let out = if masked == text {
            masked
        } else {
            self.r.id(text)
        };
        self.ids.insert(text.to_string(), out.clone());
        out
    }

    fn value(&mut self, key: &str, v: ValueRef) -> Value {
        match v {
            ValueRef::Str(s) if crate::share::redact::is_id_key(key) => Value::Text(self.r.id(s)),
            ValueRef::Str(s) => Value::Text(self.r.text(s)),
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Float(f) => Value::Float(f),
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Json(j) => Value::Json {
                json: self.r.text(j),
            },
            ValueRef::Bytes(b) => Value::Bytes {
                bytes: self.r.text(b),
            },
            ValueRef::Empty => Value::Empty(None),
        }
    }

    fn attributes(&mut self, rows: &[(&str, ValueRef)]) -> Vec<Attribute> {
        let mut out = Vec::new();
        for (k, v) in rows {
            if self.r.keep_attribute(k) {
                let value = self.value(k, *v);
                // A key can carry personal data too (`user.alice@example.com.plan`).
                out.push((self.r.text(k), value));
            }
        }
        out
    }
}

/// Writes the traces `traces` of `set` (all when `None`) as a bundle, redacted by `options`
/// with this bundle's `salt`; also says what the redaction removed.
pub fn export(
    set: &TraceSet,
    traces: Option<&[u32]>,
    options: RedactOptions,
    salt: [u8; 16],
    extras: Extras,
) -> (Bundle, RedactionCounts) {
    let all: Vec<u32> = (0..set.traces().len() as u32).collect();
    let traces = traces.unwrap_or(&all);
    let mut w = Writer {
        r: Redactor::new(options, salt),
        ids: HashMap::new(),
    };
    let mut resources: Vec<Vec<Attribute>> = Vec::new();
    let mut resource_index: HashMap<u32, u32> = HashMap::new();
    let mut spans = Vec::new();
    let mut trace_facts = Vec::new();
    let mut scores = Vec::new();
    for &t in traces {
        let Some(tr) = set.traces().get(t as usize) else {
            continue;
        };
        let trace_id = tr.id.to_string();
        if !(tr.session.is_empty() && tr.user.is_empty() && tr.tags.is_empty()) {
            let session = w.r.id(set.str(tr.session));
            let user = w.r.id(set.str(tr.user));
            let tags = tr.tags.iter().map(|id| w.r.text(set.str(*id))).collect();
            trace_facts.push(Trace {
                id: trace_id.clone(),
                session,
                user,
                tags,
            });
        }
        for i in tr.spans.start..tr.spans.end {
            let s = set.span(i);
            let resource = set.spans.resource[i as usize];
            let resource = (resource != crate::import::builder::NO_RESOURCE).then(|| {
                *resource_index.entry(resource).or_insert_with(|| {
                    let rows = s.resource_attributes();
                    resources.push(w.attributes(&rows));
                    (resources.len() - 1) as u32
                })
            });
            let parent_id = match s.parent() {
                Some(p) => Some(w.id(&span_key(set, p).0)),
                None => s.parent_id().map(|p: SpanId| p.to_string()),
            };
            let no_times = s.flags().has(crate::model::SpanFlags::NO_TIMESTAMPS);
            let mut events = Vec::new();
            for e in s.events() {
                if w.r.keep_event(e.name) {
                    let attributes = w.attributes(&e.attributes);
                    events.push(Event {
                        time: e.time,
                        name: w.r.text(e.name),
                        attributes,
                    });
                }
            }
            let mut links = Vec::new();
            for l in s.links() {
                let attributes = w.attributes(&l.attributes);
                links.push(Link {
                    trace_id: l.trace_id.map(|t| t.to_string()),
                    span_id: l.span_id.map(|x| x.to_string()),
                    attributes,
                });
            }
            let (key, shown) = span_key(set, i);
            let span_id = w.id(&key);
            let shown_id = shown.map(|t| w.id(&t));
            let name = w.r.text(s.name());
            let status_message = w.r.text(s.status_message());
            let session = w.r.id(s.session());
            let user = w.r.id(s.user());
            let tags = s.tags().map(|t| w.r.text(t)).collect::<Vec<_>>();
            let attributes = w.attributes(&s.attributes());
            spans.push(Span {
                trace_id: trace_id.clone(),
                span_id,
                shown_id,
                parent_id,
                name,
                service: s.service().to_string(),
                kind: s.kind().label().to_string(),
                otel_kind: s.otel_kind().label().to_string(),
                status: s.status().label().to_string(),
                status_message,
                start: (!no_times).then(|| s.start()),
                end: (!no_times).then(|| s.end()),
                model: s.model().to_string(),
                provider: s.provider().to_string(),
                session,
                user,
                tags,
                usage: s.usage(),
                own_usage: s.flags().has(crate::model::SpanFlags::OWN_USAGE),
                resource,
                attributes,
                events,
                links,
            });
        }
        for sc in set.scores.iter().filter(|sc| sc.trace == t) {
            let span = (sc.span != NO_SPAN).then(|| w.id(&span_key(set, sc.span).0));
            let value = match sc.value {
                ScoreValue::Number(x) => ScoreVal::Number(x),
                ScoreValue::Label(l) => ScoreVal::Label(w.r.text(set.str(l))),
            };
            scores.push(Score {
                trace: trace_id.clone(),
                span,
                name: set.str(sc.name).to_string(),
                value,
                comment: w.r.text(set.str(sc.comment)),
                source: set.str(sc.source).to_string(),
            });
        }
    }
    let exported: std::collections::HashSet<String> = traces
        .iter()
        .filter_map(|&t| set.traces().get(t as usize))
        .map(|t| t.id.to_string())
        .collect();
    let view_exported = extras
        .view
        .trace
        .as_deref()
        .is_some_and(|t| exported.contains(t));
    // Notes go with the traces they are pinned to; their span ids are written as the spans' are.
    let notes = extras
        .notes
        .into_iter()
        .filter(|n| exported.contains(n.trace.as_str()))
        .map(|n| Note {
            span: n.span.as_deref().map(|id| w.id(id)),
            text: w.r.text(&n.text),
            trace: n.trace,
        })
        .collect();
    let bundle = Bundle {
        loupe_bundle: BUNDLE_VERSION,
        created: extras.created,
        redaction: Some(Redaction {
            options: w.r.options().clone(),
        }),
        view: View {
            query: masked_filter(&mut w, &extras.view.query),
            // The open trace, its span and zoom only when that trace is in the bundle.
            span: extras
                .view
                .span
                .as_deref()
                .filter(|_| view_exported)
                .map(|id| w.id(id)),
            trace: extras.view.trace.filter(|_| view_exported),
            zoom: extras.view.zoom.filter(|_| view_exported),
            focus: extras.view.focus.iter().map(|n| w.r.text(n)).collect(),
            // A comparison of traces only when both are in the bundle; its filters masked as
            // the query is.
            compare: match extras.view.compare {
                Some(Comparing::Traces {
                    baseline,
                    candidate,
                }) if exported.contains(baseline.as_str())
                    && exported.contains(candidate.as_str()) =>
                {
                    Some(Comparing::Traces {
                        baseline,
                        candidate,
                    })
                }
                Some(Comparing::Sets {
                    baseline,
                    candidate,
                }) => Some(Comparing::Sets {
                    baseline: masked_filter(&mut w, &baseline),
                    candidate: masked_filter(&mut w, &candidate),
                }),
                _ => None,
            },
            ..extras.view
        },
        prices: extras.prices,
        notes,
        resources,
        traces: trace_facts,
        spans,
        scores,
    };
    (bundle, w.r.counts)
}

/// A filter as the bundle keeps it: users and sessions hashed as the spans' are (so the
/// filter still selects them), terms on attributes the bundle drops and on the files it was
/// made from (it is one file) left out, and every other value masked like any text.
fn masked_filter(w: &mut Writer, query: &str) -> String {
    crate::analysis::query::rewrite_terms(query, |key, value| match key {
        "user" | "session" => Some(w.r.id(value)),
        "file" => None,
        k if k.starts_with("attr.") && !w.r.keeps_attribute(&k["attr.".len()..]) => None,
        _ => Some(w.r.text(value)),
    })
}

/// A bundle written part by part, as a stream hands traces on: each part's spans as they
/// come, then what the parts share (resources, each once), their trace facts and scores.
/// The bundle is never whole in memory; its members are in another order than
/// [`Bundle::to_json`] writes them, which readers allow.
pub struct BundleWriter<W: Write> {
    out: W,
    head: Option<Bundle>,
    resources: Vec<Vec<Attribute>>,
    resource_index: HashMap<String, u32>,
    traces: Vec<Trace>,
    scores: Vec<Score>,
    spans: u64,
}

/// What a bundle holds besides its spans, as [`BundleWriter`] writes it after them.
#[derive(Serialize)]
struct Rest {
    loupe_bundle: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redaction: Option<Redaction>,
    view: View,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    prices: BTreeMap<String, Price>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<Note>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resources: Vec<Vec<Attribute>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    traces: Vec<Trace>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scores: Vec<Score>,
}

impl<W: Write> BundleWriter<W> {
    /// Starts a bundle in `out`.
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all(b"{\"spans\":[")?;
        Ok(BundleWriter {
            out,
            head: None,
            resources: Vec::new(),
            resource_index: HashMap::new(),
            traces: Vec::new(),
            scores: Vec::new(),
            spans: 0,
        })
    }

    /// Writes the spans of `part`, one bundle's worth of traces (its version, redaction and
    /// view are the first part's), and keeps what it shares with the others.
    pub fn add(&mut self, mut part: Bundle) -> std::io::Result<()> {
        let mut resource_of = Vec::with_capacity(part.resources.len());
        for r in std::mem::take(&mut part.resources) {
            let key = serde_json::to_string(&r).map_err(std::io::Error::other)?;
            let next = self.resources.len() as u32;
            let at = *self.resource_index.entry(key).or_insert(next);
            if at == next {
                self.resources.push(r);
            }
            resource_of.push(at);
        }
        for mut span in std::mem::take(&mut part.spans) {
            span.resource = span
                .resource
                .and_then(|r| resource_of.get(r as usize).copied());
            if self.spans > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.out, &span).map_err(std::io::Error::other)?;
            self.spans += 1;
        }
        self.traces.append(&mut part.traces);
        self.scores.append(&mut part.scores);
        self.head.get_or_insert(part);
        Ok(())
    }

    /// Ends the bundle; returns where it was written and how many spans it holds.
    pub fn finish(mut self) -> std::io::Result<(W, u64)> {
        let head = self.head.take().unwrap_or_else(|| Bundle {
            loupe_bundle: BUNDLE_VERSION,
            created: None,
            redaction: None,
            view: View::default(),
            prices: BTreeMap::new(),
            notes: Vec::new(),
            resources: Vec::new(),
            traces: Vec::new(),
            spans: Vec::new(),
            scores: Vec::new(),
        });
        let rest = Rest {
            loupe_bundle: head.loupe_bundle,
            created: head.created,
            redaction: head.redaction,
            view: head.view,
            prices: head.prices,
            notes: head.notes,
            resources: std::mem::take(&mut self.resources),
            traces: std::mem::take(&mut self.traces),
            scores: std::mem::take(&mut self.scores),
        };
        let rest = serde_json::to_string(&rest).map_err(std::io::Error::other)?;
        self.out.write_all(b"],")?;
        // The rest is an object: its members follow the spans in this one.
        self.out
            .write_all(rest.get(1..).unwrap_or("}").as_bytes())?;
        self.out.flush()?;
        Ok((self.out, self.spans))
    }
}

impl Bundle {
    /// The bundle as gzipped JSON (`*.loupe.json.gz`), the same bytes for the same bundle.
    pub fn to_gzip(&self) -> Vec<u8> {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let mut enc = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::best());
        if enc.write_all(&json).is_err() {
            return Vec::new();
        }
        enc.finish().unwrap_or_default()
    }

    /// The bundle as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
