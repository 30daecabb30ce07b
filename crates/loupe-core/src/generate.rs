//! A generator of realistic OTLP/JSON agent traces with GenAI attributes: an agent that calls
//! models, retrieves documents and runs tools (some in parallel, some failing). Used for the
//! page's built-in demo, for benchmarks, and for scale tests. Deterministic for a given seed.

use std::fmt::Write as _;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenOptions {
    /// Total spans (at least one per trace).
    pub spans: usize,
    /// Number of traces.
    pub traces: usize,
    /// Seed for the pseudo-random choices.
    pub seed: u64,
    /// Start of the first trace, in Unix nanoseconds.
    pub start_ns: i64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            spans: 1000,
            traces: 10,
            seed: 42,
            start_ns: 1_763_800_000_000_000_000,
        }
    }
}

/// The built-in demo: one agent run with model calls, a retriever, tools and a failed tool call.
pub fn demo() -> String {
    otlp_json(&GenOptions {
        spans: 16,
        traces: 1,
        seed: 7,
        ..GenOptions::default()
    })
}

/// SplitMix64: small, fast, good enough for plausible data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo).max(1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const MODELS: [&str; 3] = [
    "gpt-4o-2024-08-06",
    "claude-3-5-sonnet-20241022",
    "gpt-4o-mini",
];
const TOOLS: [&str; 5] = [
    "web_search",
    "read_file",
    "run_sql",
    "get_weather",
    "calculator",
];
const QUESTIONS: [&str; 4] = [
    "Summarize the open incidents for the payments service.",
    "What was the revenue growth in Q3 compared to Q2?",
    "Find the config change that broke the nightly build.",
    "Draft a reply to the customer about the delayed refund.",
];

/// One span being written.
struct SpanOut<'a> {
    trace: u128,
    id: u64,
    parent: Option<u64>,
    name: &'a str,
    kind: u8,
    start: i64,
    end: i64,
    attrs: Vec<(&'a str, Value)>,
    error: Option<&'a str>,
}

enum Value {
    Str(String),
    Int(i64),
}

fn write_span(out: &mut String, s: &SpanOut) {
    let _ = write!(
        out,
        "{{\"traceId\":\"{:032x}\",\"spanId\":\"{:016x}\",\"parentSpanId\":\"{}\",\"name\":{},\"kind\":{},\
         \"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\",\"attributes\":[",
        s.trace,
        s.id,
        s.parent.map(|p| format!("{p:016x}")).unwrap_or_default(),
        json_str(s.name),
        s.kind,
        s.start,
        s.end
    );
    for (n, (k, v)) in s.attrs.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let _ = match v {
            Value::Str(x) => write!(
                out,
                "{{\"key\":\"{k}\",\"value\":{{\"stringValue\":{}}}}}",
                json_str(x)
            ),
            Value::Int(i) => write!(
                out,
                "{{\"key\":\"{k}\",\"value\":{{\"intValue\":\"{i}\"}}}}"
            ),
        };
    }
    out.push(']');
    match s.error {
        Some(msg) => {
            let _ = write!(
                out,
                ",\"events\":[{{\"timeUnixNano\":\"{}\",\"name\":\"exception\",\"attributes\":[\
                 {{\"key\":\"exception.type\",\"value\":{{\"stringValue\":\"ToolError\"}}}},\
                 {{\"key\":\"exception.message\",\"value\":{{\"stringValue\":{}}}}}]}}],\
                 \"status\":{{\"code\":2,\"message\":{}}}}}",
                s.end,
                json_str(msg),
                json_str(msg)
            );
        }
        None => out.push_str(",\"status\":{\"code\":1}}"),
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Writes one trace's spans; returns how many were written.
struct TraceWriter<'o> {
    rng: Rng,
    out: &'o mut String,
    trace: u128,
    next_id: u64,
    written: usize,
    budget: usize,
    tool_calls: usize,
    trace_index: usize,
}

impl TraceWriter<'_> {
    fn emit(&mut self, span: SpanOut) {
        if self.written > 0 {
            self.out.push(',');
        }
        write_span(self.out, &span);
        self.written += 1;
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn llm(&mut self, parent: u64, t: i64) -> i64 {
        let model = self.rng.pick(&MODELS);
        let input = self.rng.range(400, 6000);
        let cached = if self.rng.chance(40) { input / 2 } else { 0 };
        let output = self.rng.range(20, 900);
        let dur = 300_000_000 + output * 12_000_000;
        let id = self.id();
        let question = self.rng.pick(&QUESTIONS);
        let messages = format!(
            "[{{\"role\":\"user\",\"parts\":[{{\"type\":\"text\",\"content\":{}}}]}}]",
            json_str(question)
        );
        let name = format!("chat {model}");
        self.emit(SpanOut {
            trace: self.trace,
            id,
            parent: Some(parent),
            name: &name,
            kind: 3,
            start: t,
            end: t + dur,
            attrs: vec![
                ("gen_ai.operation.name", Value::Str("chat".into())),
                ("gen_ai.provider.name", Value::Str(provider(model).into())),
                ("gen_ai.request.model", Value::Str(model.into())),
                ("gen_ai.response.model", Value::Str(model.into())),
                ("gen_ai.usage.input_tokens", Value::Int(input)),
                ("gen_ai.usage.cache_read.input_tokens", Value::Int(cached)),
                ("gen_ai.usage.output_tokens", Value::Int(output)),
                ("gen_ai.input.messages", Value::Str(messages)),
            ],
            error: None,
        });
        t + dur
    }

    fn tool(&mut self, parent: u64, t: i64) -> i64 {
        let tool = self.rng.pick(&TOOLS);
        let dur = self.rng.range(5_000_000, 900_000_000);
        self.tool_calls += 1;
        // Every third trace fails its second tool call; other traces fail now and then.
        let fails = if self.trace_index.is_multiple_of(3) {
            self.tool_calls == 2
        } else {
            self.rng.chance(5)
        };
        let id = self.id();
        let name = format!("execute_tool {tool}");
        let call_id = format!("call_{:x}", self.rng.next() >> 16);
        self.emit(SpanOut {
            trace: self.trace,
            id,
            parent: Some(parent),
            name: &name,
            kind: 1,
            start: t,
            end: t + dur,
            attrs: vec![
                ("gen_ai.operation.name", Value::Str("execute_tool".into())),
                ("gen_ai.tool.name", Value::Str(tool.into())),
                ("gen_ai.tool.call.id", Value::Str(call_id)),
            ],
            error: fails.then_some("tool call timed out after 30s"),
        });
        t + dur
    }

    fn retriever(&mut self, parent: u64, t: i64) -> i64 {
        let id = self.id();
        let dur = self.rng.range(40_000_000, 300_000_000);
        let budget_left = self.budget - self.written;
        self.emit(SpanOut {
            trace: self.trace,
            id,
            parent: Some(parent),
            name: "retrieval knowledge-base",
            kind: 1,
            start: t,
            end: t + dur,
            attrs: vec![
                ("gen_ai.operation.name", Value::Str("retrieval".into())),
                ("gen_ai.data_source.id", Value::Str("knowledge-base".into())),
            ],
            error: None,
        });
        if budget_left > 1 {
            let eid = self.id();
            let edur = dur / 3;
            let tokens = self.rng.range(8, 60);
            self.emit(SpanOut {
                trace: self.trace,
                id: eid,
                parent: Some(id),
                name: "embeddings text-embedding-3-small",
                kind: 3,
                start: t + 1_000_000,
                end: t + 1_000_000 + edur,
                attrs: vec![
                    ("gen_ai.operation.name", Value::Str("embeddings".into())),
                    (
                        "gen_ai.request.model",
                        Value::Str("text-embedding-3-small".into()),
                    ),
                    ("gen_ai.usage.input_tokens", Value::Int(tokens)),
                ],
                error: None,
            });
        }
        t + dur
    }

    /// An agent step loop under `parent` until the budget is spent.
    fn agent_body(&mut self, root: u64, mut t: i64) -> i64 {
        let mut step = 0;
        while self.written < self.budget {
            let left = self.budget - self.written;
            t += self.rng.range(1_000_000, 20_000_000);
            if step == 0 && left >= 2 {
                t = self.retriever(root, t);
            } else if step % 2 == 1 && left >= 2 {
                let parallel = if self.rng.chance(30) { 2 } else { 1 };
                let mut end = t;
                for _ in 0..parallel.min(left) {
                    let jitter = self.rng.range(0, 3_000_000);
                    end = end.max(self.tool(root, t + jitter));
                }
                t = end;
            } else {
                t = self.llm(root, t);
            }
            step += 1;
        }
        t
    }
}

fn provider(model: &str) -> &'static str {
    if model.starts_with("claude") {
        "anthropic"
    } else {
        "openai"
    }
}

/// The start of an export request, up to its first span.
const REQUEST_HEAD: &str = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[\
     {\"key\":\"service.name\",\"value\":{\"stringValue\":\"research-agent\"}},\
     {\"key\":\"telemetry.sdk.language\",\"value\":{\"stringValue\":\"python\"}}]},\
     \"scopeSpans\":[{\"scope\":{\"name\":\"loupe.gen\",\"version\":\"1\"},\"spans\":[";

/// The end of an export request, after its last span.
const REQUEST_TAIL: &str = "]}]}]}";

/// Writes OTLP/JSON (one export request) with `opts.traces` agent traces and `opts.spans`
/// spans in all.
pub fn otlp_json(opts: &GenOptions) -> String {
    let mut out = Vec::with_capacity(opts.spans.max(1) * 900);
    // Writing to memory cannot fail, and every piece written is text.
    let _ = write_otlp_json(opts, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes what [`otlp_json`] returns to `out` as it is generated: the document is never whole
/// in memory. Returns the bytes written.
pub fn write_otlp_json(opts: &GenOptions, out: &mut impl std::io::Write) -> std::io::Result<usize> {
    let mut written = REQUEST_HEAD.len();
    let mut result = out.write_all(REQUEST_HEAD.as_bytes());
    let mut first = true;
    each_trace(opts, |spans| {
        if result.is_ok() {
            let comma = if first { "" } else { "," };
            first = false;
            result = write!(out, "{comma}{spans}");
            written += comma.len() + spans.len();
        }
    });
    result?;
    writeln!(out, "{REQUEST_TAIL}")?;
    Ok(written + REQUEST_TAIL.len() + 1)
}

/// Writes the same traces as [`otlp_json`] as OTLP/JSON Lines: one export request per trace,
/// one per line, as a Collector's file exporter writes them. Returns the bytes written.
pub fn write_otlp_json_lines(
    opts: &GenOptions,
    out: &mut impl std::io::Write,
) -> std::io::Result<usize> {
    let mut written = 0;
    let mut result = Ok(());
    each_trace(opts, |spans| {
        if result.is_ok() {
            result = writeln!(out, "{REQUEST_HEAD}{spans}{REQUEST_TAIL}");
            written += REQUEST_HEAD.len() + spans.len() + REQUEST_TAIL.len() + 1;
        }
    });
    result.map(|()| written)
}

/// Generates the traces, handing each trace's spans (OTLP/JSON objects, comma-separated) to
/// `emit` in order.
fn each_trace(opts: &GenOptions, mut emit: impl FnMut(&str)) {
    let traces = opts.traces.max(1);
    let spans = opts.spans.max(traces);
    let mut rng = Rng(opts.seed);
    let mut t0 = opts.start_ns;
    for ti in 0..traces {
        let budget = spans / traces + usize::from(ti < spans % traces);
        let mut body = String::new();
        let mut w = TraceWriter {
            rng: Rng(rng.next()),
            out: &mut body,
            trace: (u128::from(rng.next()) << 64) | u128::from(rng.next()),
            next_id: rng.next() >> 8,
            written: 1,
            budget,
            tool_calls: 0,
            trace_index: ti,
        };
        let root = w.id();
        let start = t0;
        let end = w.agent_body(root, start) + 2_000_000;
        let trace = w.trace;
        let question = w.rng.pick(&QUESTIONS);
        let mut root_json = String::new();
        write_span(
            &mut root_json,
            &SpanOut {
                trace,
                id: root,
                parent: None,
                name: "invoke_agent research-assistant",
                kind: 1,
                start,
                end,
                attrs: vec![
                    ("gen_ai.operation.name", Value::Str("invoke_agent".into())),
                    ("gen_ai.agent.name", Value::Str("research-assistant".into())),
                    (
                        "gen_ai.conversation.id",
                        Value::Str(format!("conv-{}", ti / 3)),
                    ),
                    ("user.query", Value::Str(question.into())),
                ],
                error: None,
            },
        );
        root_json.push_str(&body);
        emit(&root_json);
        t0 = end + rng.range(1_000_000_000, 60_000_000_000);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_have_the_requested_shape() {
        let text = otlp_json(&GenOptions {
            spans: 500,
            traces: 7,
            ..GenOptions::default()
        });
        let set = crate::import(text.as_bytes(), "gen.json").unwrap();
        let t = set.totals();
        assert_eq!((t.traces, t.spans), (7, 500));
        assert!(t.llm_calls > 0 && t.input_tokens > 0 && t.output_tokens > 0);
        assert!(t.errors > 0, "some tool calls fail");
        assert!(
            set.diagnostic_list().is_empty(),
            "{:?}",
            set.diagnostic_list()
        );
    }

    #[test]
    fn the_same_traces_as_json_lines_load_alike() {
        let opts = GenOptions {
            spans: 500,
            traces: 7,
            ..GenOptions::default()
        };
        let mut lines = Vec::new();
        let written = write_otlp_json_lines(&opts, &mut lines).unwrap();
        assert_eq!(written, lines.len());
        assert_eq!(
            lines.iter().filter(|&&b| b == b'\n').count(),
            7,
            "a line per trace"
        );
        let set = crate::import(&lines, "gen.jsonl").unwrap();
        assert_eq!(set.sources()[0].format, crate::Format::OtlpJsonLines);
        let document = crate::import(otlp_json(&opts).as_bytes(), "gen.json").unwrap();
        assert_eq!(set.totals(), document.totals());
    }

    #[test]
    fn the_demo_is_one_agent_run_with_every_step_kind() {
        use crate::{SpanKind, StatusCode};
        let set = crate::import(demo().as_bytes(), "demo").unwrap();
        assert_eq!(set.traces().len(), 1);
        let kinds: Vec<(SpanKind, StatusCode)> = (0..set.span_count() as u32)
            .map(|i| (set.span(i).kind(), set.span(i).status()))
            .collect();
        assert_eq!(kinds[0].0, SpanKind::Agent);
        for k in [
            SpanKind::Llm,
            SpanKind::Tool,
            SpanKind::Retriever,
            SpanKind::Embedding,
        ] {
            assert!(kinds.iter().any(|(kind, _)| *kind == k), "missing {k:?}");
        }
        assert_eq!(
            kinds
                .iter()
                .filter(|(k, s)| *k == SpanKind::Tool && *s == StatusCode::Error)
                .count(),
            1
        );
    }

    #[test]
    fn generation_is_deterministic() {
        let o = GenOptions {
            spans: 50,
            traces: 2,
            ..GenOptions::default()
        };
        assert_eq!(otlp_json(&o), otlp_json(&o));
    }
}
