//! Scores and feedback on traces and spans (Langfuse scores, MLflow assessments, Helicone
//! ratings), and the facts some formats record per trace rather than per span (session, user,
//! tags, token totals).

use crate::model::ids::{SpanId, TraceId};
use crate::model::strings::StrId;
use crate::model::usage::Usage;
use serde::{Deserialize, Serialize};

/// A score's value: a number, or a label (categorical, boolean or free-text scores).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum ScoreValue {
    Number(f64),
    Label(StrId),
}

/// A score as stored: what it is attached to, and where that was found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Score {
    pub trace_id: TraceId,
    /// The span it is attached to; `None` for the whole trace.
    pub span_id: Option<SpanId>,
    pub name: StrId,
    pub value: ScoreValue,
    pub comment: StrId,
    /// Who gave it (`EVAL`, `API`, `HUMAN`, an evaluator's name …), or empty.
    pub source: StrId,
    /// The file it came from.
    pub file: u32,
    /// Index of its trace once trees are built, else `NO_SPAN`.
    pub trace: u32,
    /// Index of its span once trees are built, else `NO_SPAN`.
    pub span: u32,
}

/// A score's value as shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScoreValueRef<'a> {
    /// A number.
    Number(f64),
    /// A label.
    Label(&'a str),
}

impl std::fmt::Display for ScoreValueRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScoreValueRef::Number(x) => write!(f, "{x}"),
            ScoreValueRef::Label(s) => f.write_str(s),
        }
    }
}

/// A score or piece of feedback as shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRef<'a> {
    /// What was scored (`correctness`, `user-feedback` …).
    pub name: &'a str,
    /// The value.
    pub value: ScoreValueRef<'a>,
    /// The comment or rationale, or "".
    pub comment: &'a str,
    /// Who gave it, or "".
    pub source: &'a str,
    /// The span it is attached to, or `None` for the whole trace.
    pub span: Option<u32>,
}

/// Facts a format records for a whole trace.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct TraceFacts {
    pub trace_id: Option<TraceId>,
    pub file: u32,
    pub session: StrId,
    pub user: StrId,
    pub tags: Vec<StrId>,
    /// Token totals recorded for the trace (MLflow's `mlflow.trace.tokenUsage`), checked against
    /// the sum over its LLM calls.
    pub recorded: Option<Usage>,
}
