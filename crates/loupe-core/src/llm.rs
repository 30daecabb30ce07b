//! Reading LLM facts (kind, model, token usage, recorded cost) from span attributes, across the
//! OpenTelemetry GenAI and OpenInference conventions.
//!
//! Precedence for the kind: the format's native kind, then `openinference.span.kind`, then
//! `gen_ai.operation.name`, then `traceloop.span.kind`/`llm.request.type` (OpenLLMetry), then the
//! Vercel AI SDK's `ai.operationId`.
//! Model: `gen_ai.response.model`, then `gen_ai.request.model`, then `llm.model_name`.
//! Tokens: `gen_ai.usage.input_tokens`/`output_tokens`, then the deprecated
//! `gen_ai.usage.prompt_tokens`/`completion_tokens`, then `llm.token_count.prompt`/`completion`,
//! then the Vercel AI SDK's `ai.usage.*`.
//! Both conventions count cached input tokens inside the input total.

use crate::model::{AttrValue, SpanKind};
use crate::strings::{Interner, StrId};
use serde::{Deserialize, Serialize};

/// Token usage and recorded cost of one span, as the file reported them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Input (prompt) tokens, cached ones included.
    pub input: Option<u64>,
    /// Output (completion) tokens, reasoning ones included.
    pub output: Option<u64>,
    /// Cached input tokens read (a part of `input`).
    pub cache_read: Option<u64>,
    /// Input tokens written to the cache (a part of `input`).
    pub cache_write: Option<u64>,
    /// Reasoning tokens (a part of `output`).
    pub reasoning: Option<u64>,
    /// Cost in US dollars recorded by the file.
    pub cost_usd: Option<f64>,
}

impl Usage {
    /// Whether any token count is present.
    pub fn has_tokens(&self) -> bool {
        self.input.is_some() || self.output.is_some()
    }
}

/// Collects the LLM-related attributes of one span, then resolves precedence.
#[derive(Default)]
pub(crate) struct LlmProbe {
    kind_native: Option<SpanKind>,
    kind_openinference: Option<SpanKind>,
    kind_genai: Option<SpanKind>,
    kind_traceloop: Option<SpanKind>,
    kind_vercel: Option<SpanKind>,
    model_response: Option<StrId>,
    model_request: Option<StrId>,
    model_openinference: Option<StrId>,
    model_vercel: [Option<StrId>; 2],
    input: [Option<u64>; 5],
    output: [Option<u64>; 5],
    cache_read: [Option<u64>; 3],
    cache_write: [Option<u64>; 3],
    reasoning: [Option<u64>; 3],
    cost: Option<f64>,
}

/// What the probe concluded for a span.
#[derive(Default)]
pub(crate) struct LlmFacts {
    pub kind: SpanKind,
    pub model: StrId,
    pub usage: Usage,
    /// The usage is this call's own, never an aggregate of calls below.
    pub own_usage: bool,
}

fn as_u64(value: AttrValue, strings: &Interner) -> Option<u64> {
    match value {
        AttrValue::Int(i) => u64::try_from(i).ok(),
        AttrValue::Float(f) if f >= 0.0 && f.fract() == 0.0 && f < 1e18 => Some(f as u64),
        AttrValue::Str(s) => strings.resolve(s).trim().parse().ok(),
        _ => None,
    }
}

fn as_f64(value: AttrValue, strings: &Interner) -> Option<f64> {
    match value {
        AttrValue::Int(i) => Some(i as f64),
        AttrValue::Float(f) if f.is_finite() => Some(f),
        AttrValue::Str(s) => strings.resolve(s).trim().parse().ok(),
        _ => None,
    }
}

fn as_str(value: AttrValue) -> Option<StrId> {
    match value {
        AttrValue::Str(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// The kind named by an `openinference.span.kind` value.
pub fn kind_from_openinference(value: &str) -> Option<SpanKind> {
    Some(match value.trim().to_ascii_uppercase().as_str() {
        "LLM" => SpanKind::Llm,
        "EMBEDDING" => SpanKind::Embedding,
        "RETRIEVER" => SpanKind::Retriever,
        "RERANKER" => SpanKind::Reranker,
        "TOOL" => SpanKind::Tool,
        "AGENT" => SpanKind::Agent,
        "CHAIN" | "PROMPT" => SpanKind::Chain,
        "GUARDRAIL" => SpanKind::Guardrail,
        "EVALUATOR" => SpanKind::Evaluator,
        "UNKNOWN" => SpanKind::Other,
        _ => return None,
    })
}

/// The kind named by a `traceloop.span.kind` or OpenLLMetry `llm.request.type` value.
pub fn kind_from_traceloop(value: &str) -> Option<SpanKind> {
    Some(match value.trim() {
        "chat" | "completion" => SpanKind::Llm,
        "embedding" => SpanKind::Embedding,
        "rerank" => SpanKind::Reranker,
        "workflow" | "task" => SpanKind::Chain,
        "agent" => SpanKind::Agent,
        "tool" => SpanKind::Tool,
        _ => return None,
    })
}

/// The kind named by a Vercel AI SDK `ai.operationId`. The provider calls (`….doGenerate`,
/// `….doStream`, `….doEmbed`) are the model calls; the functions around them
/// (`ai.generateText`, …) orchestrate steps and repeat their totals.
pub fn kind_from_vercel_operation(value: &str) -> Option<SpanKind> {
    let v = value.trim();
    Some(if v.ends_with(".doGenerate") || v.ends_with(".doStream") {
        SpanKind::Llm
    } else if v.ends_with(".doEmbed") {
        SpanKind::Embedding
    } else if v == "ai.toolCall" {
        SpanKind::Tool
    } else if v.starts_with("ai.") {
        SpanKind::Chain
    } else {
        return None;
    })
}

/// The kind named by a `gen_ai.operation.name` value.
pub fn kind_from_genai_operation(value: &str) -> Option<SpanKind> {
    Some(match value.trim() {
        "chat" | "text_completion" | "generate_content" | "completion" | "generate" => {
            SpanKind::Llm
        }
        "embeddings" | "embedding" => SpanKind::Embedding,
        "retrieval" => SpanKind::Retriever,
        "execute_tool" => SpanKind::Tool,
        "invoke_agent" | "create_agent" => SpanKind::Agent,
        "invoke_workflow" => SpanKind::Chain,
        _ => return None,
    })
}

impl LlmProbe {
    /// Sets the kind a format states natively (Phoenix `span_kind`, Langfuse types, …), which
    /// takes precedence over attributes.
    pub fn set_native_kind(&mut self, kind: Option<SpanKind>) {
        self.kind_native = kind;
    }

    /// Looks at one attribute.
    pub fn observe(&mut self, key: &str, value: AttrValue, strings: &Interner) {
        match key {
            "openinference.span.kind" => {
                if let AttrValue::Str(s) = value {
                    self.kind_openinference = kind_from_openinference(strings.resolve(s));
                }
            }
            "gen_ai.operation.name" => {
                if let AttrValue::Str(s) = value {
                    self.kind_genai = kind_from_genai_operation(strings.resolve(s));
                }
            }
            "traceloop.span.kind" | "llm.request.type" => {
                if let AttrValue::Str(s) = value {
                    self.kind_traceloop = self
                        .kind_traceloop
                        .or_else(|| kind_from_traceloop(strings.resolve(s)));
                }
            }
            "ai.operationId" => {
                if let AttrValue::Str(s) = value {
                    self.kind_vercel = kind_from_vercel_operation(strings.resolve(s));
                }
            }
            "ai.response.model" => self.model_vercel[0] = as_str(value),
            "ai.model.id" => self.model_vercel[1] = as_str(value),
            "ai.usage.inputTokens" => self.input[3] = as_u64(value, strings),
            "ai.usage.promptTokens" | "ai.usage.tokens" => self.input[4] = as_u64(value, strings),
            "ai.usage.outputTokens" => self.output[3] = as_u64(value, strings),
            "ai.usage.completionTokens" => self.output[4] = as_u64(value, strings),
            "ai.usage.cachedInputTokens" => self.cache_read[2] = as_u64(value, strings),
            "gen_ai.usage.cache_creation.input_tokens" => {
                self.cache_write[0] = as_u64(value, strings)
            }
            "llm.token_count.prompt_details.cache_write" => {
                self.cache_write[1] = as_u64(value, strings)
            }
            "ai.usage.inputTokenDetails.cacheWriteTokens" => {
                self.cache_write[2] = as_u64(value, strings)
            }
            "gen_ai.usage.reasoning.output_tokens" => self.reasoning[0] = as_u64(value, strings),
            "llm.token_count.completion_details.reasoning" => {
                self.reasoning[1] = as_u64(value, strings)
            }
            "ai.usage.reasoningTokens" => self.reasoning[2] = as_u64(value, strings),
            "gen_ai.response.model" => self.model_response = as_str(value),
            "gen_ai.request.model" => self.model_request = as_str(value),
            "llm.model_name" => self.model_openinference = as_str(value),
            "gen_ai.usage.input_tokens" => self.input[0] = as_u64(value, strings),
            "gen_ai.usage.prompt_tokens" => self.input[1] = as_u64(value, strings),
            "llm.token_count.prompt" => self.input[2] = as_u64(value, strings),
            "gen_ai.usage.output_tokens" => self.output[0] = as_u64(value, strings),
            "gen_ai.usage.completion_tokens" => self.output[1] = as_u64(value, strings),
            "llm.token_count.completion" => self.output[2] = as_u64(value, strings),
            "gen_ai.usage.cache_read.input_tokens" => self.cache_read[0] = as_u64(value, strings),
            "llm.token_count.prompt_details.cache_read" => {
                self.cache_read[1] = as_u64(value, strings)
            }
            "llm.cost.total" | "gen_ai.usage.cost" => self.cost = as_f64(value, strings),
            _ => {}
        }
    }

    /// Resolves precedence into the span's facts.
    pub fn finish(self) -> LlmFacts {
        let first = |xs: &[Option<u64>]| xs.iter().find_map(|x| *x);
        LlmFacts {
            kind: self
                .kind_native
                .or(self.kind_openinference)
                .or(self.kind_genai)
                .or(self.kind_traceloop)
                .or(self.kind_vercel)
                .unwrap_or_default(),
            model: self
                .model_response
                .or(self.model_request)
                .or(self.model_openinference)
                .or(self.model_vercel[0])
                .or(self.model_vercel[1])
                .unwrap_or_default(),
            usage: Usage {
                input: first(&self.input),
                output: first(&self.output),
                cache_read: first(&self.cache_read),
                cache_write: first(&self.cache_write),
                reasoning: first(&self.reasoning),
                cost_usd: self.cost,
            },
            own_usage: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(pairs: &[(&str, AttrValue)], strings: &Interner) -> LlmFacts {
        let mut p = LlmProbe::default();
        for (k, v) in pairs {
            p.observe(k, *v, strings);
        }
        p.finish()
    }

    #[test]
    fn openinference_kind_wins_over_genai_operation() {
        let mut s = Interner::default();
        let tool = AttrValue::Str(s.intern("TOOL"));
        let chat = AttrValue::Str(s.intern("chat"));
        let f = probe(
            &[
                ("gen_ai.operation.name", chat),
                ("openinference.span.kind", tool),
            ],
            &s,
        );
        assert_eq!(f.kind, SpanKind::Tool);
        assert_eq!(
            probe(&[("gen_ai.operation.name", chat)], &s).kind,
            SpanKind::Llm
        );
    }

    #[test]
    fn response_model_and_current_token_names_take_precedence() {
        let mut s = Interner::default();
        let req = AttrValue::Str(s.intern("gpt-4o"));
        let resp = AttrValue::Str(s.intern("gpt-4o-2024-08-06"));
        let f = probe(
            &[
                ("gen_ai.request.model", req),
                ("gen_ai.response.model", resp),
                ("gen_ai.usage.prompt_tokens", AttrValue::Int(5)),
                ("gen_ai.usage.input_tokens", AttrValue::Int(7)),
                ("llm.token_count.completion", AttrValue::Str(s.intern("12"))),
            ],
            &s,
        );
        assert_eq!(s.resolve(f.model), "gpt-4o-2024-08-06");
        assert_eq!(f.usage.input, Some(7));
        assert_eq!(f.usage.output, Some(12));
    }

    #[test]
    fn cache_writes_and_reasoning_are_read_as_parts_of_their_totals() {
        let s = Interner::default();
        let f = probe(
            &[
                ("gen_ai.usage.input_tokens", AttrValue::Int(1000)),
                ("gen_ai.usage.cache_read.input_tokens", AttrValue::Int(600)),
                (
                    "gen_ai.usage.cache_creation.input_tokens",
                    AttrValue::Int(300),
                ),
                ("gen_ai.usage.output_tokens", AttrValue::Int(50)),
                ("gen_ai.usage.reasoning.output_tokens", AttrValue::Int(40)),
            ],
            &s,
        );
        let u = f.usage;
        assert_eq!(
            (u.input, u.cache_read, u.cache_write),
            (Some(1000), Some(600), Some(300))
        );
        assert_eq!((u.output, u.reasoning), (Some(50), Some(40)));
        let f = probe(
            &[
                (
                    "llm.token_count.prompt_details.cache_write",
                    AttrValue::Int(7),
                ),
                (
                    "llm.token_count.completion_details.reasoning",
                    AttrValue::Int(9),
                ),
            ],
            &s,
        );
        assert_eq!((f.usage.cache_write, f.usage.reasoning), (Some(7), Some(9)));
    }

    #[test]
    fn vercel_provider_calls_are_the_llm_calls() {
        let mut s = Interner::default();
        let op = |s: &mut Interner, v: &str| AttrValue::Str(s.intern(v));
        let call = op(&mut s, "ai.generateText.doGenerate");
        let wrapper = op(&mut s, "ai.generateText");
        let f = probe(
            &[
                ("ai.operationId", call),
                ("ai.usage.promptTokens", AttrValue::Int(14)),
            ],
            &s,
        );
        assert_eq!((f.kind, f.usage.input), (SpanKind::Llm, Some(14)));
        assert_eq!(
            probe(&[("ai.operationId", wrapper)], &s).kind,
            SpanKind::Chain
        );
        let tl = op(&mut s, "workflow");
        assert_eq!(
            probe(&[("traceloop.span.kind", tl)], &s).kind,
            SpanKind::Chain
        );
    }

    #[test]
    fn negative_or_fractional_counts_are_ignored() {
        let s = Interner::default();
        let f = probe(
            &[
                ("gen_ai.usage.input_tokens", AttrValue::Int(-3)),
                ("gen_ai.usage.output_tokens", AttrValue::Float(1.5)),
            ],
            &s,
        );
        assert_eq!(f.usage.input, None);
        assert_eq!(f.usage.output, None);
    }
}
