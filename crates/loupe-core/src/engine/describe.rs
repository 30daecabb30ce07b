//! What the page writes of the engine's answers about one span and one trace: a span's facts
//! (its LLM facts with the token classes as the source reported them where its convention
//! differs), its exceptions, events, links and scores as lines, its attributes and raw JSON as
//! shown, a trace's context line, and the cost audit's lines.

use super::{AttributeText, CostView, Figures, RAW_SHOWN, SpanDetail, TraceHeader};
use crate::analysis::display::{cost, count, duration, plural, pretty_json};
use crate::model::clock::utc_millis;

/// An exception recorded on a span: its type, message and stack trace (each may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionText {
    /// `exception.type`.
    pub kind: String,
    /// `exception.message`.
    pub message: String,
    /// `exception.stacktrace`.
    pub stack: String,
}

/// An event as shown: when (relative to the trace), its name, and its attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventText {
    /// `+12.3 ms` from the trace's start, or `—`.
    pub time: String,
    /// Its name.
    pub name: String,
    /// Its attributes as shown.
    pub attributes: Vec<(String, String)>,
}

impl SpanDetail {
    /// Every fact the panel lists, label and value: kind, service, status, start, duration,
    /// self time and share of the trace, the LLM facts, the ids, the file and the notes.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let status = if self.status_message.is_empty() {
            self.status.clone()
        } else {
            format!("{}: {}", self.status, self.status_message)
        };
        let mut facts = vec![
            (
                "Kind",
                format!("{} ({})", self.kind.label(), self.otel_kind),
            ),
            ("Service", self.service.clone()),
            ("Status", status),
            (
                "Start",
                format!(
                    "{} (+{})",
                    utc_millis(self.start),
                    duration(self.start - self.trace_start)
                ),
            ),
            ("Duration", duration(self.duration)),
            ("Self time", duration(self.self_time)),
            (
                "Share of trace",
                format!("{:.1}%", self.share_of_trace * 100.0),
            ),
        ];
        facts.extend(self.llm_facts());
        facts.push(("Span id", self.span_id.clone()));
        if let Some(p) = &self.parent_id {
            facts.push(("Parent id", p.clone()));
        }
        facts.push(("Trace id", self.trace_id.clone()));
        facts.push(("File", self.file.clone()));
        facts.extend(self.notes.iter().map(|n| ("Note", n.clone())));
        facts
    }

    /// The exceptions its `exception` events record.
    pub fn exceptions(&self) -> Vec<ExceptionText> {
        self.events
            .iter()
            .filter(|e| e.name == "exception")
            .map(|e| {
                let get = |k: &str| {
                    e.attributes
                        .iter()
                        .find(|(key, _, _)| key == k)
                        .map(|(_, v, _)| v.clone())
                        .unwrap_or_default()
                };
                ExceptionText {
                    kind: get("exception.type"),
                    message: get("exception.message"),
                    stack: get("exception.stacktrace"),
                }
            })
            .collect()
    }

    /// Its events as shown.
    pub fn events_shown(&self) -> Vec<EventText> {
        self.events
            .iter()
            .map(|e| EventText {
                time: e.time.map_or("—".into(), |t| {
                    format!("+{}", duration(t - self.trace_start))
                }),
                name: e.name.clone(),
                attributes: attributes_shown(e.attributes.clone()),
            })
            .collect()
    }

    /// Its links, a line each.
    pub fn link_lines(&self) -> Vec<String> {
        self.links
            .iter()
            .map(|(trace, span)| format!("trace {trace} span {span}"))
            .collect()
    }

    /// Its raw JSON as shown, and whether it is cut: whole JSON is pretty-printed, a cut start
    /// is shown as it is.
    pub fn raw_shown(&self) -> (String, bool) {
        let cut = self.raw_bytes > RAW_SHOWN;
        let raw = if cut {
            self.raw.clone()
        } else {
            pretty_json(&self.raw)
        };
        (raw, cut)
    }

    /// The LLM facts, label and value: model, provider, session, user, tags, the token
    /// classes, recorded cost, time to first token and output rate; only those it has.
    pub fn llm_facts(&self) -> Vec<(&'static str, String)> {
        let mut facts = Vec::new();
        for (label, value) in [
            ("Model", self.model.clone()),
            ("Provider", self.provider.clone()),
            ("Session", self.session.clone()),
            ("User", self.user.clone()),
            ("Tags", self.tags.join(", ")),
        ] {
            if !value.is_empty() {
                facts.push((label, value));
            }
        }
        let Some(u) = self.usage else { return facts };
        let tok = |t: Option<u64>| t.map_or("—".to_string(), count);
        if u.has_tokens() {
            let mut input = tok(u.input);
            if u.reported_input() != u.input {
                input.push_str(&format!(
                    " (reported {} + {} cached)",
                    tok(u.reported_input()),
                    count(u.cache_read.unwrap_or(0) + u.cache_write.unwrap_or(0))
                ));
            }
            let mut output = tok(u.output);
            if u.reported_output() != u.output {
                output.push_str(&format!(
                    " (reported {} + {} reasoning)",
                    tok(u.reported_output()),
                    tok(u.reasoning)
                ));
            }
            facts.push(("Input tokens", input));
            facts.push(("Output tokens", output));
        }
        for (label, value) in [
            ("Cache read", u.cache_read),
            ("Cache write", u.cache_write),
            ("Reasoning", u.reasoning),
        ] {
            if value.is_some() {
                facts.push((label, tok(value)));
            }
        }
        if u.cost_usd.is_some() {
            facts.push(("Recorded cost", cost(u.cost_usd)));
        }
        if let Some(t) = u.first_token {
            facts.push(("First token", duration(t)));
        }
        if let Some(rate) = u.output_rate(self.duration) {
            facts.push(("Output rate", format!("{rate:.1} tokens/s")));
        }
        facts
    }

    /// The scores and feedback on the span, a line each: `name: value (source) — comment`.
    pub fn score_lines(&self) -> Vec<String> {
        self.scores
            .iter()
            .map(|(name, value, source, comment)| {
                let mut line = format!("{name}: {value}");
                if !source.is_empty() {
                    line.push_str(&format!(" ({source})"));
                }
                if !comment.is_empty() {
                    line.push_str(&format!(" — {comment}"));
                }
                line
            })
            .collect()
    }
}

/// Attributes as shown: key, and value (JSON pretty-printed).
pub fn attributes_shown(rows: Vec<AttributeText>) -> Vec<(String, String)> {
    rows.into_iter()
        .map(|(k, v, json)| (k, if json { pretty_json(&v) } else { v }))
        .collect()
}

impl Figures {
    /// The share of spans with an error, in percent (0 without spans).
    pub fn error_percent(&self) -> f64 {
        if self.spans == 0 {
            0.0
        } else {
            self.errors as f64 / self.spans as f64 * 100.0
        }
    }

    /// The figures in one line, as the file list gives each file's.
    pub fn line(&self) -> String {
        let embeddings = if self.embedding_calls > 0 {
            format!(" · {}", plural(self.embedding_calls, "embedding"))
        } else {
            String::new()
        };
        format!(
            "{} · {} · {} · {}{embeddings} · {} in / {} out tokens · {}",
            plural(self.traces, "trace"),
            plural(self.spans, "span"),
            plural(self.errors, "error"),
            plural(self.llm_calls, "LLM call"),
            count(self.input_tokens),
            count(self.output_tokens),
            cost(self.cost_usd)
        )
    }

    /// Where the cost comes from, in words.
    pub fn cost_source_text(&self) -> &'static str {
        match self.cost_source.as_str() {
            "recorded" => "as the files record it",
            "computed" => "computed from the price table",
            "mixed" => "recorded where the files record it, else computed from the price table",
            _ => "no LLM call has a recorded cost or a known price",
        }
    }
}

impl CostView {
    /// The audit's line on models with no price: each with its calls, or that all have one.
    pub fn unpriced_line(&self) -> String {
        if self.unpriced.is_empty() {
            return "Every model has a price.".into();
        }
        let models: Vec<String> = self
            .unpriced
            .iter()
            .map(|(m, n)| {
                let m = if m.is_empty() { "(no model name)" } else { m };
                format!("{m} ({})", plural(u64::from(*n), "call"))
            })
            .collect();
        format!("Models with no price: {}", models.join(", "))
    }

    /// The audit's line on token classes priced at another class's rate (reasoning at the
    /// output rate, cache at the input rate), or that every class has a rate.
    pub fn missing_rates_line(&self) -> String {
        if self.missing_rates.is_empty() {
            return "Every token class has a rate.".into();
        }
        let lines: Vec<String> = self
            .missing_rates
            .iter()
            .map(|(m, class, n)| {
                let instead = if class == "reasoning" {
                    "output"
                } else {
                    "input"
                };
                format!(
                    "{m}: no {class} rate, priced at its {instead} rate ({})",
                    plural(u64::from(*n), "call")
                )
            })
            .collect();
        lines.join("; ")
    }
}

impl TraceHeader {
    /// The trace's session, user and tags as one line, empty when it has none.
    pub fn context(&self) -> String {
        let mut context: Vec<String> = Vec::new();
        for (label, value) in [("session", &self.session), ("user", &self.user)] {
            if !value.is_empty() {
                context.push(format!("{label} {value}"));
            }
        }
        if !self.tags.is_empty() {
            context.push(format!("tags {}", self.tags.join(", ")));
        }
        context.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::usage::{Reported, Usage};

    #[test]
    fn llm_facts_give_the_source_s_numbers_where_its_convention_differs() {
        let detail = SpanDetail {
            model: "gpt-4o".into(),
            tags: vec!["a".into(), "b".into()],
            duration: 2_000_000_000,
            usage: Some(Usage {
                input: Some(1_500),
                output: Some(300),
                cache_read: Some(1_000),
                reasoning: Some(100),
                cost_usd: Some(0.00123),
                first_token: Some(500_000_000),
                reported: Reported {
                    input_excludes_cache: true,
                    output_excludes_reasoning: false,
                },
                ..Usage::default()
            }),
            ..SpanDetail::default()
        };
        assert_eq!(
            detail.llm_facts(),
            [
                ("Model", "gpt-4o".to_string()),
                ("Tags", "a, b".into()),
                ("Input tokens", "1,500 (reported 500 + 1,000 cached)".into()),
                ("Output tokens", "300".into()),
                ("Cache read", "1,000".into()),
                ("Reasoning", "100".into()),
                ("Recorded cost", "$0.0012".into()),
                ("First token", "500 ms".into()),
                ("Output rate", "200.0 tokens/s".into()),
            ]
        );
        let bare = SpanDetail {
            provider: "openai".into(),
            ..SpanDetail::default()
        };
        assert_eq!(bare.llm_facts(), [("Provider", "openai".to_string())]);
    }

    #[test]
    fn a_spans_facts_exceptions_events_and_links_read_as_text() {
        use super::super::EventDetail;
        let detail = SpanDetail {
            kind: crate::model::SpanKind::Tool,
            otel_kind: "internal".into(),
            service: "agent".into(),
            status: "error".into(),
            status_message: "timeout".into(),
            start: 1_700_000_000_250_000_000,
            trace_start: 1_700_000_000_000_000_000,
            duration: 1_500_000,
            self_time: 500_000,
            share_of_trace: 0.125,
            span_id: "eee19b7ec3c1b174".into(),
            parent_id: Some("a000000000000001".into()),
            trace_id: "5b8e".into(),
            file: "run.json".into(),
            notes: vec!["retried".into()],
            events: vec![
                EventDetail {
                    time: Some(1_700_000_000_260_000_000),
                    name: "exception".into(),
                    attributes: vec![
                        ("exception.type".into(), "TimeoutError".into(), false),
                        ("exception.message".into(), "no answer".into(), false),
                    ],
                },
                EventDetail {
                    time: None,
                    name: "log".into(),
                    attributes: vec![("body".into(), "[1,2]".into(), true)],
                },
            ],
            links: vec![("t1".into(), "s1".into())],
            raw: r#"{"a":1}"#.into(),
            raw_bytes: 7,
            ..SpanDetail::default()
        };
        let facts = detail.facts();
        let fact = |label: &str| {
            facts
                .iter()
                .filter(|f| f.0 == label)
                .map(|f| f.1.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(fact("Kind"), ["tool (internal)"]);
        assert_eq!(fact("Status"), ["error: timeout"]);
        assert_eq!(fact("Start"), ["2023-11-14 22:13:20.250 (+250 ms)"]);
        assert_eq!(fact("Share of trace"), ["12.5%"]);
        assert_eq!(fact("Parent id"), ["a000000000000001"]);
        assert_eq!(fact("Note"), ["retried"]);
        assert!(fact("Model").is_empty(), "no LLM facts without them");
        assert_eq!(
            detail.exceptions(),
            [ExceptionText {
                kind: "TimeoutError".into(),
                message: "no answer".into(),
                stack: String::new(),
            }]
        );
        let events = detail.events_shown();
        assert_eq!(
            (events[0].time.as_str(), events[0].name.as_str()),
            ("+260 ms", "exception")
        );
        assert_eq!(events[1].time, "—");
        assert_eq!(
            events[1].attributes,
            [("body".to_string(), "[\n  1,\n  2\n]".to_string())]
        );
        assert_eq!(detail.link_lines(), ["trace t1 span s1"]);
        assert_eq!(detail.raw_shown(), ("{\n  \"a\": 1\n}".to_string(), false));
        let long = SpanDetail {
            raw: "{\"a\":".into(),
            raw_bytes: RAW_SHOWN + 1,
            ..SpanDetail::default()
        };
        assert_eq!(
            long.raw_shown(),
            ("{\"a\":".to_string(), true),
            "a cut start is shown as it is"
        );
    }

    #[test]
    fn figures_read_as_one_line_with_their_error_rate_and_cost_source() {
        let mut f = Figures {
            traces: 1,
            spans: 16,
            errors: 1,
            llm_calls: 5,
            input_tokens: 16_910,
            output_tokens: 2_807,
            cost_usd: Some(0.0039),
            cost_source: "computed".into(),
            ..Figures::default()
        };
        assert_eq!(
            f.line(),
            "1 trace · 16 spans · 1 error · 5 LLM calls · 16,910 in / 2,807 out tokens · $0.0039"
        );
        assert_eq!(f.error_percent(), 6.25);
        assert_eq!(f.cost_source_text(), "computed from the price table");
        f.embedding_calls = 1;
        assert!(f.line().contains("5 LLM calls · 1 embedding · 16,910 in"));
        assert_eq!(Figures::default().error_percent(), 0.0);
        assert_eq!(
            Figures::default().cost_source_text(),
            "no LLM call has a recorded cost or a known price"
        );
    }

    #[test]
    fn the_cost_audit_names_what_could_not_be_priced() {
        let mut report = CostView::default();
        assert_eq!(report.unpriced_line(), "Every model has a price.");
        assert_eq!(report.missing_rates_line(), "Every token class has a rate.");
        report.unpriced = vec![("my-model".into(), 2), (String::new(), 1)];
        report.missing_rates = vec![
            ("o3".into(), "reasoning".into(), 1),
            ("claude".into(), "cache write".into(), 3),
        ];
        assert_eq!(
            report.unpriced_line(),
            "Models with no price: my-model (2 calls), (no model name) (1 call)"
        );
        assert_eq!(
            report.missing_rates_line(),
            "o3: no reasoning rate, priced at its output rate (1 call); \
             claude: no cache write rate, priced at its input rate (3 calls)"
        );
    }

    #[test]
    fn scores_attributes_and_context_read_as_lines() {
        let detail = SpanDetail {
            scores: vec![
                (
                    "helpful".into(),
                    "0.9".into(),
                    "llm-judge".into(),
                    "cites it".into(),
                ),
                ("thumbs".into(), "down".into(), String::new(), String::new()),
            ],
            ..SpanDetail::default()
        };
        assert_eq!(
            detail.score_lines(),
            ["helpful: 0.9 (llm-judge) — cites it", "thumbs: down"]
        );
        assert_eq!(
            attributes_shown(vec![
                ("k".into(), r#"{"a":1}"#.into(), true),
                ("s".into(), r#"{"a":1}"#.into(), false),
            ]),
            [
                ("k".to_string(), "{\n  \"a\": 1\n}".to_string()),
                ("s".into(), r#"{"a":1}"#.into())
            ]
        );
        let head = TraceHeader {
            user: "u-7".into(),
            tags: vec!["v2".into()],
            ..TraceHeader::default()
        };
        assert_eq!(head.context(), "user u-7 · tags v2");
        assert_eq!(TraceHeader::default().context(), "");
    }
}
