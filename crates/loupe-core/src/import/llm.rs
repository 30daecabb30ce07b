//! Reading LLM facts (kind, model, token usage, recorded cost) from span attributes, across the
//! OpenTelemetry GenAI and OpenInference conventions.
//!
//! Precedence for the kind: the format's native kind, then `openinference.span.kind`, then
//! `gen_ai.operation.name`, then `traceloop.span.kind`/`llm.request.type` (OpenLLMetry), then the
//! Vercel AI SDK's `ai.operationId`.
//! Model: `gen_ai.response.model`, then `gen_ai.request.model`, then `llm.model_name`, …, and
//! OpenInference's `embedding.model_name` and `reranker.model_name`.
//! Tokens: `gen_ai.usage.input_tokens`/`output_tokens`, then the deprecated
//! `gen_ai.usage.prompt_tokens`/`completion_tokens`, then `llm.token_count.prompt`/`completion`,
//! then the Vercel AI SDK's `ai.usage.*`.
//! Both conventions count cached input tokens inside the input total; so does Codex's
//! `codex.turn.token_usage.*`. Langfuse's usage classes and Anthropic's raw `input_tokens` do
//! not: [`TokenCounts`] turns either kind into the normalized [`Usage`] and remembers which it
//! was, so the numbers can be shown as the source reported them.
//! Provider: `gen_ai.provider.name`, then the deprecated `gen_ai.system`, then `llm.provider`,
//! `llm.system`, the Vercel AI SDK's `ai.model.provider`, and `mlflow.llm.provider`.
//! When no convention names a kind, a span with a model and token counts is an LLM call (the
//! model-presence heuristic).

use crate::model::clock::parse_rfc3339;
use crate::model::strings::{Interner, StrId};
use crate::model::usage::{LlmFacts, TokenCounts, Usage};
use crate::model::{AttrValue, Nanos, SpanKind};
use serde::Deserialize;

/// A JSON attribute value (an object written as JSON text) parsed as `T`.
fn json_of<T: serde::de::DeserializeOwned>(value: AttrValue, strings: &Interner) -> Option<T> {
    match value {
        AttrValue::Json(s) | AttrValue::Str(s) => serde_json::from_str(strings.resolve(s)).ok(),
        _ => None,
    }
}

/// MLflow's `mlflow.chat.tokenUsage`.
#[derive(Deserialize, Default)]
struct MlflowTokenUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    total_tokens: Option<u64>,
}

impl MlflowTokenUsage {
    /// The usage, its convention (cache inside the input or not) settled by the total.
    fn usage(&self) -> Usage {
        TokenCounts {
            input: self.input_tokens,
            output: self.output_tokens,
            cache_read: self.cache_read_input_tokens,
            cache_write: self.cache_creation_input_tokens,
            reasoning: None,
            total: self.total_tokens,
        }
        .by_total()
    }
}

/// MLflow's token usage object (`mlflow.chat.tokenUsage`, `mlflow.trace.tokenUsage`) written
/// as JSON.
pub(crate) fn mlflow_token_usage(json: &str) -> Option<Usage> {
    serde_json::from_str::<MlflowTokenUsage>(json)
        .ok()
        .map(|u| u.usage())
}

/// MLflow's `mlflow.llm.cost`.
#[derive(Deserialize)]
struct MlflowCost {
    #[serde(default)]
    total_cost: Option<f64>,
}

/// The kind named by MLflow's `mlflow.spanType` (`UNKNOWN` and types of its own name none).
pub fn kind_from_mlflow(span_type: &str) -> Option<SpanKind> {
    Some(match span_type.to_ascii_uppercase().as_str() {
        "LLM" | "CHAT_MODEL" => SpanKind::Llm,
        "EMBEDDING" => SpanKind::Embedding,
        "RETRIEVER" => SpanKind::Retriever,
        "RERANKER" => SpanKind::Reranker,
        "TOOL" => SpanKind::Tool,
        "AGENT" => SpanKind::Agent,
        "CHAIN" => SpanKind::Chain,
        "GUARDRAIL" => SpanKind::Guardrail,
        "EVALUATOR" => SpanKind::Evaluator,
        "PARSER" | "MEMORY" => SpanKind::Other,
        _ => return None,
    })
}

/// The kind named by a Langfuse observation type (`GENERATION`, `generation`, …).
pub fn kind_from_langfuse(ty: &str) -> SpanKind {
    match ty.to_ascii_uppercase().as_str() {
        "GENERATION" => SpanKind::Llm,
        "EMBEDDING" => SpanKind::Embedding,
        "RETRIEVER" => SpanKind::Retriever,
        "TOOL" => SpanKind::Tool,
        "AGENT" => SpanKind::Agent,
        "CHAIN" => SpanKind::Chain,
        "GUARDRAIL" => SpanKind::Guardrail,
        "EVALUATOR" => SpanKind::Evaluator,
        _ => SpanKind::Other,
    }
}

/// The kind named by a LangSmith run type (`run_type`, `langsmith.span.kind`).
pub fn kind_from_langsmith(run_type: &str) -> SpanKind {
    match run_type.to_ascii_lowercase().as_str() {
        "llm" => SpanKind::Llm,
        "embedding" => SpanKind::Embedding,
        "retriever" => SpanKind::Retriever,
        "tool" => SpanKind::Tool,
        "chain" | "prompt" => SpanKind::Chain,
        _ => SpanKind::Other,
    }
}

/// Token counts from Langfuse's disjoint usage classes (`input`, `input_cached_tokens`,
/// `input_cache_creation`, `output`, `output_reasoning_tokens`, `prompt_tokens`, …; a `total`
/// is their sum and is not added), in its download and in its SDKs' `usage_details` alike.
pub(crate) fn langfuse_usage<'k>(
    details: impl IntoIterator<Item = (&'k str, Option<f64>)>,
) -> Usage {
    let mut c = TokenCounts::default();
    let add = |slot: &mut Option<u64>, n: u64| *slot = Some(slot.unwrap_or(0) + n);
    for (k, v) in details {
        let Some(v) = v.filter(|v| v.is_finite() && *v >= 0.0) else {
            continue;
        };
        let n = v as u64;
        let k = k.to_ascii_lowercase();
        if k.contains("cache_read") || k.contains("cached") {
            add(&mut c.cache_read, n);
        } else if k.contains("cache_creation") || k.contains("cache_write") {
            add(&mut c.cache_write, n);
        } else if k.contains("reasoning") {
            add(&mut c.reasoning, n);
        } else if k.starts_with("input") || k.starts_with("prompt") {
            add(&mut c.input, n);
        } else if k.starts_with("output") || k.starts_with("completion") {
            add(&mut c.output, n);
        }
    }
    c.disjoint()
}

/// A map of numbers written as JSON (Langfuse's usage and cost details).
type Numbers = std::collections::BTreeMap<String, Option<f64>>;

/// Collects the LLM-related attributes of one span, then resolves precedence.
#[derive(Default)]
pub(crate) struct LlmProbe {
    kind_native: Option<SpanKind>,
    /// The kind a format's own attribute states (`mlflow.spanType`).
    kind_format: Option<SpanKind>,
    /// The model a format's own attribute names (`mlflow.llm.model`).
    model_format: Option<StrId>,
    /// Usage a format records as one object (`mlflow.chat.tokenUsage`); it wins over the
    /// conventions' token keys.
    usage_format: Option<Usage>,
    /// Whether a format's own attribute states a failure (Langfuse's `level: ERROR`).
    level_error: bool,
    /// The message that goes with it.
    level_message: Option<StrId>,
    kind_openinference: Option<SpanKind>,
    kind_genai: Option<SpanKind>,
    kind_traceloop: Option<SpanKind>,
    kind_vercel: Option<SpanKind>,
    kind_monocle: Option<SpanKind>,
    model: [Option<StrId>; 9],
    provider: [Option<StrId>; 6],
    input: [Option<u64>; 7],
    output: [Option<u64>; 7],
    cache_read: [Option<u64>; 4],
    cache_write: [Option<u64>; 3],
    reasoning: [Option<u64>; 4],
    cost: Option<f64>,
    first_token: Option<Nanos>,
    first_token_at: Option<Nanos>,
    session: [Option<StrId>; 7],
    user: [Option<StrId>; 7],
    tags: Vec<AttrValue>,
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

/// The kind named by a Monocle `span.type`. An `inference.framework` span (LangChain's chat
/// model) records the model and tokens of its call; the `inference.modelapi` span inside it is
/// the bare HTTP request, with neither.
pub fn kind_from_monocle(value: &str) -> Option<SpanKind> {
    Some(match value.trim() {
        "inference" | "inference.framework" => SpanKind::Llm,
        "inference.modelapi" => SpanKind::Other,
        "workflow" => SpanKind::Chain,
        "retrieval" => SpanKind::Retriever,
        "embedding" | "embedding.modelapi" => SpanKind::Embedding,
        "agentic.tool.invocation" | "agentic.mcp.invocation" => SpanKind::Tool,
        "agentic.invocation" | "agentic.delegation" | "agentic.request" | "agentic.turn" => {
            SpanKind::Agent
        }
        _ => return None,
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
        let n = || as_u64(value, strings);
        let text = || as_str(value);
        let millis = || as_f64(value, strings).map(|ms| (ms * 1e6).round() as Nanos);
        match key {
            "mlflow.spanType" => {
                self.kind_format = text().and_then(|s| kind_from_mlflow(strings.resolve(s)));
            }
            "mlflow.llm.model" | "langfuse.observation.model.name" => self.model_format = text(),
            "langfuse.observation.type" => {
                self.kind_format = text().map(|s| kind_from_langfuse(strings.resolve(s)));
            }
            "langsmith.span.kind" => {
                self.kind_format = text().map(|s| kind_from_langsmith(strings.resolve(s)));
            }
            "langfuse.observation.usage_details" => {
                self.usage_format = json_of::<Numbers>(value, strings)
                    .map(|d| langfuse_usage(d.iter().map(|(k, v)| (k.as_str(), *v))));
            }
            "langfuse.observation.cost_details" => {
                let total =
                    json_of::<Numbers>(value, strings).and_then(|d| d.get("total").copied());
                self.cost = total.flatten().or(self.cost);
            }
            "langfuse.observation.level" => {
                self.level_error =
                    text().is_some_and(|s| strings.resolve(s).eq_ignore_ascii_case("ERROR"));
            }
            "langfuse.observation.status_message" => self.level_message = text(),
            "mlflow.chat.tokenUsage" => {
                self.usage_format = json_of::<MlflowTokenUsage>(value, strings).map(|u| u.usage());
            }
            "mlflow.llm.cost" => {
                self.cost = json_of::<MlflowCost>(value, strings)
                    .and_then(|c| c.total_cost)
                    .or(self.cost);
            }
            "openinference.span.kind" => {
                self.kind_openinference =
                    text().and_then(|s| kind_from_openinference(strings.resolve(s)));
            }
            "gen_ai.operation.name" => {
                self.kind_genai =
                    text().and_then(|s| kind_from_genai_operation(strings.resolve(s)));
            }
            "traceloop.span.kind" | "llm.request.type" => {
                self.kind_traceloop = self
                    .kind_traceloop
                    .or_else(|| text().and_then(|s| kind_from_traceloop(strings.resolve(s))));
            }
            "ai.operationId" => {
                self.kind_vercel =
                    text().and_then(|s| kind_from_vercel_operation(strings.resolve(s)));
            }
            "gen_ai.response.model" => self.model[0] = text(),
            "gen_ai.request.model" => self.model[1] = text(),
            "llm.model_name" => self.model[2] = text(),
            "ai.response.model" => self.model[3] = text(),
            "ai.model.id" => self.model[4] = text(),
            "model" => self.model[5] = text(),
            "entity.2.name" => self.model[6] = text(),
            "embedding.model_name" => self.model[7] = text(),
            "reranker.model_name" => self.model[8] = text(),
            "span.type" => {
                self.kind_monocle = text().and_then(|s| kind_from_monocle(strings.resolve(s)));
            }
            "gen_ai.provider.name" => self.provider[0] = text(),
            "gen_ai.system" => self.provider[1] = text(),
            "llm.provider" => self.provider[2] = text(),
            "llm.system" => self.provider[3] = text(),
            "ai.model.provider" => self.provider[4] = text(),
            "mlflow.llm.provider" => self.provider[5] = text(),
            "gen_ai.usage.input_tokens" => self.input[0] = n(),
            "gen_ai.usage.prompt_tokens" => self.input[1] = n(),
            "llm.token_count.prompt" => self.input[2] = n(),
            "ai.usage.inputTokens" => self.input[3] = n(),
            "ai.usage.promptTokens" | "ai.usage.tokens" => self.input[4] = n(),
            "codex.turn.token_usage.input_tokens" => self.input[5] = n(),
            "gen_ai.usage.output_tokens" => self.output[0] = n(),
            "gen_ai.usage.completion_tokens" => self.output[1] = n(),
            "llm.token_count.completion" => self.output[2] = n(),
            "ai.usage.outputTokens" => self.output[3] = n(),
            "ai.usage.completionTokens" => self.output[4] = n(),
            "codex.turn.token_usage.output_tokens" => self.output[5] = n(),
            "gen_ai.usage.cache_read.input_tokens" => self.cache_read[0] = n(),
            "llm.token_count.prompt_details.cache_read" => self.cache_read[1] = n(),
            "ai.usage.cachedInputTokens" => self.cache_read[2] = n(),
            "codex.turn.token_usage.cached_input_tokens" => self.cache_read[3] = n(),
            "gen_ai.usage.cache_creation.input_tokens" => self.cache_write[0] = n(),
            "llm.token_count.prompt_details.cache_write" => self.cache_write[1] = n(),
            "ai.usage.inputTokenDetails.cacheWriteTokens" => self.cache_write[2] = n(),
            "gen_ai.usage.reasoning.output_tokens" => self.reasoning[0] = n(),
            "llm.token_count.completion_details.reasoning" => self.reasoning[1] = n(),
            "ai.usage.reasoningTokens" => self.reasoning[2] = n(),
            "codex.turn.token_usage.reasoning_output_tokens" => self.reasoning[3] = n(),
            "llm.cost.total" | "gen_ai.usage.cost" => self.cost = as_f64(value, strings),
            "ai.response.msToFirstChunk" | "ai.stream.msToFirstChunk" => {
                self.first_token = millis();
            }
            "langfuse.observation.completion_start_time" => {
                // Its SDKs write the time as JSON inside the string, quotes included.
                self.first_token_at =
                    text().and_then(|s| parse_rfc3339(strings.resolve(s).trim_matches('"')));
            }
            "session.id" => self.session[0] = text(),
            "langsmith.metadata.session_id"
            | "langsmith.metadata.thread_id"
            | "langsmith.metadata.conversation_id" => {
                self.session[6] = self.session[6].or(text());
            }
            "langsmith.metadata.user_id" => self.user[6] = text(),
            "gen_ai.conversation.id" => self.session[1] = text(),
            "langfuse.session.id" => self.session[2] = text(),
            "ai.telemetry.metadata.sessionId" => self.session[3] = text(),
            "traceloop.association.properties.session_id" => self.session[4] = text(),
            "mlflow.trace.session" => self.session[5] = text(),
            "user.id" => self.user[0] = text(),
            "enduser.id" => self.user[1] = text(),
            "langfuse.user.id" => self.user[2] = text(),
            "ai.telemetry.metadata.userId" => self.user[3] = text(),
            "traceloop.association.properties.user_id" => self.user[4] = text(),
            "mlflow.trace.user" => self.user[5] = text(),
            "tag.tags"
            | "langfuse.trace.tags"
            | "ai.telemetry.metadata.tags"
            | "langsmith.span.tags" => {
                self.tags.push(value);
            }
            _ => {}
        }
    }

    /// Looks at one attribute of a span event: Monocle records token counts on its `metadata`
    /// event (`prompt_tokens` including cached ones, `completion_tokens`).
    pub fn observe_event(&mut self, event: &str, key: &str, value: AttrValue, strings: &Interner) {
        if event != "metadata" {
            return;
        }
        match key {
            "prompt_tokens" => self.input[6] = as_u64(value, strings),
            "completion_tokens" => self.output[6] = as_u64(value, strings),
            _ => {}
        }
    }

    /// Resolves precedence into the span's facts.
    pub fn finish(self) -> LlmFacts {
        let first = |xs: &[Option<u64>]| xs.iter().find_map(|x| *x);
        let first_str = |xs: &[Option<StrId>]| xs.iter().find_map(|x| *x).unwrap_or_default();
        let counts = self.usage_format.unwrap_or_else(|| {
            TokenCounts {
                input: first(&self.input),
                output: first(&self.output),
                cache_read: first(&self.cache_read),
                cache_write: first(&self.cache_write),
                reasoning: first(&self.reasoning),
                total: None,
            }
            .inclusive()
        });
        let usage = Usage {
            cost_usd: self.cost,
            first_token: self.first_token.filter(|t| *t >= 0),
            ..counts
        };
        let model = self.model_format.unwrap_or_else(|| first_str(&self.model));
        let kind = self
            .kind_native
            .or(self.kind_format)
            .or(self.kind_openinference)
            .or(self.kind_genai)
            .or(self.kind_traceloop)
            .or(self.kind_vercel)
            .or(self.kind_monocle)
            .unwrap_or(if !model.is_empty() && usage.has_tokens() {
                SpanKind::Llm
            } else {
                SpanKind::Other
            });
        LlmFacts {
            kind,
            model,
            provider: first_str(&self.provider),
            usage,
            first_token_at: self.first_token_at,
            own_usage: false,
            session: first_str(&self.session),
            user: first_str(&self.user),
            tags: self.tags,
            failure: self
                .level_error
                .then(|| self.level_message.unwrap_or_default()),
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
