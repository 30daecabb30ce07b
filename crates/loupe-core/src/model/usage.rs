//! What a span used and what it costs per token: its token counts by class, normalized
//! ([`Usage`]) from what the source reported ([`TokenCounts`], [`Reported`]); the LLM facts an
//! import finds on a span ([`LlmFacts`]); and one model's price per token class ([`Price`]).

use crate::model::strings::StrId;
use crate::model::{AttrValue, Nanos, SpanKind};
use serde::{Deserialize, Serialize};

/// How a source counted its totals, so that its own numbers can be shown beside the normalized
/// ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    /// The source's input count left out cache reads and writes (Anthropic, Langfuse).
    pub input_excludes_cache: bool,
    /// The source's output count left out reasoning tokens (Langfuse, Gemini).
    pub output_excludes_reasoning: bool,
}

/// Token usage, recorded cost and time to first token of one span, normalized: input includes
/// cached tokens and output includes reasoning, whatever the source's convention.
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
    /// Time from the span's start to the first streamed token, where recorded.
    pub first_token: Option<Nanos>,
    /// How the source counted input and output.
    pub reported: Reported,
}

impl Usage {
    /// Whether any token count is present.
    pub fn has_tokens(&self) -> bool {
        self.input.is_some() || self.output.is_some()
    }

    /// Whether there is anything to keep: tokens, a cost or a time to first token.
    pub fn is_known(&self) -> bool {
        self.has_tokens() || self.cost_usd.is_some() || self.first_token.is_some()
    }

    /// The input count as the source reported it (without cached tokens where the source left
    /// them out).
    pub fn reported_input(&self) -> Option<u64> {
        let cached = self.cache_read.unwrap_or(0) + self.cache_write.unwrap_or(0);
        self.input.map(|i| {
            if self.reported.input_excludes_cache {
                i.saturating_sub(cached)
            } else {
                i
            }
        })
    }

    /// The output count as the source reported it (without reasoning tokens where the source
    /// left them out).
    pub fn reported_output(&self) -> Option<u64> {
        self.output.map(|o| {
            if self.reported.output_excludes_reasoning {
                o.saturating_sub(self.reasoning.unwrap_or(0))
            } else {
                o
            }
        })
    }

    /// Output tokens per second of generation (after the first token where that is recorded).
    pub fn output_rate(&self, duration: Nanos) -> Option<f64> {
        let out = self.output.filter(|&o| o > 0)?;
        let generating = duration - self.first_token.unwrap_or(0);
        (generating > 0).then(|| out as f64 / (generating as f64 / 1e9))
    }
}

/// Token counts as a source gives them, before its convention is applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenCounts {
    /// The input (prompt) count.
    pub input: Option<u64>,
    /// The output (completion) count.
    pub output: Option<u64>,
    /// Cached input tokens read.
    pub cache_read: Option<u64>,
    /// Input tokens written to the cache.
    pub cache_write: Option<u64>,
    /// Reasoning tokens.
    pub reasoning: Option<u64>,
    /// The total, where the source gives one.
    pub total: Option<u64>,
}

impl TokenCounts {
    /// Counts whose input and output already include cached and reasoning tokens (OpenTelemetry,
    /// OpenInference, OpenAI, LangChain, Codex).
    pub fn inclusive(self) -> Usage {
        Usage {
            input: self.input,
            output: self.output,
            cache_read: self.cache_read,
            cache_write: self.cache_write,
            reasoning: self.reasoning,
            ..Usage::default()
        }
    }

    /// Disjoint classes whose input leaves out cache reads and writes, and whose output leaves
    /// out reasoning (Langfuse's usage details): the totals are their sums.
    pub fn disjoint(self) -> Usage {
        let sum = |xs: &[Option<u64>]| {
            xs.iter()
                .flatten()
                .copied()
                .reduce(|a, b| a.saturating_add(b))
        };
        Usage {
            input: sum(&[self.input, self.cache_read, self.cache_write]),
            output: sum(&[self.output, self.reasoning]),
            cache_read: self.cache_read,
            cache_write: self.cache_write,
            reasoning: self.reasoning,
            reported: Reported {
                input_excludes_cache: self.cache_read.is_some() || self.cache_write.is_some(),
                output_excludes_reasoning: self.reasoning.is_some(),
            },
            ..Usage::default()
        }
    }

    /// Counts whose convention the total settles: when input + output + cache reads and writes
    /// make the total (Anthropic's raw `input_tokens` leaves cached tokens out), the input is
    /// taken as excluding the cache; otherwise as including it.
    pub fn by_total(self) -> Usage {
        let cached = self.cache_read.unwrap_or(0) + self.cache_write.unwrap_or(0);
        let excludes = cached > 0
            && self.total.is_some()
            && self.total == Some(self.input.unwrap_or(0) + self.output.unwrap_or(0) + cached);
        if excludes {
            TokenCounts {
                reasoning: None,
                ..self
            }
            .disjoint()
            .with_reasoning(self.reasoning)
        } else {
            self.inclusive()
        }
    }
}

impl Usage {
    fn with_reasoning(mut self, reasoning: Option<u64>) -> Usage {
        self.reasoning = reasoning;
        self
    }
}

/// What the probe concluded for a span.
#[derive(Default)]
pub(crate) struct LlmFacts {
    pub kind: SpanKind,
    pub model: StrId,
    pub provider: StrId,
    pub usage: Usage,
    /// When the first token came, as a time of day (resolved against the span's start).
    pub first_token_at: Option<Nanos>,
    /// The usage is this call's own, never an aggregate of calls below.
    pub own_usage: bool,
    /// The session (conversation, thread) the span belongs to, or empty.
    pub session: StrId,
    /// The end user, or empty.
    pub user: StrId,
    /// Tags: each a string, or a JSON array of strings.
    pub tags: Vec<AttrValue>,
    /// A failure the span's own attributes state (Langfuse's `level: ERROR`), with its message
    /// (or empty), though its status may not say so.
    pub failure: Option<StrId>,
}

/// Prices of one model in US dollars per token. Classes without a rate of their own are priced
/// at the input rate (cache read and write) or the output rate (reasoning).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// Uncached input tokens.
    pub input: f64,
    /// Output tokens.
    pub output: f64,
    /// Cached input tokens read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    /// Input tokens written to the cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    /// Reasoning tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<f64>,
}
