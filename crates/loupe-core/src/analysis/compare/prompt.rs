//! What changed in the prompt between two aligned LLM calls: a line-level diff of their
//! messages (system instructions among them), the output, the tool definitions and the model
//! parameters — "did my prompt change break things?".

use crate::analysis::messages::Message;
use crate::model::set::SpanView;
use serde::{Deserialize, Serialize};

/// How a line differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineChange {
    /// On both sides.
    Same,
    /// Only the candidate has it.
    Added,
    /// Only the baseline has it.
    Removed,
}

/// One line of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    /// How it differs.
    pub change: LineChange,
    /// The line.
    pub text: String,
}

/// One part of the prompt diffed: `Messages`, `Output`, `Tools` or `Parameters`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Which part.
    pub title: String,
    /// Its lines, both sides merged.
    pub lines: Vec<DiffLine>,
}

impl Section {
    /// Whether anything in it differs.
    pub fn changed(&self) -> bool {
        self.lines.iter().any(|l| l.change != LineChange::Same)
    }
}

/// The prompt of call `a` (baseline) against that of call `b` (candidate), part by part; a part
/// neither call has is left out.
pub fn prompt_diff(a: &SpanView, b: &SpanView) -> Vec<Section> {
    let (ca, cb) = (a.chat(), b.chat());
    let parts: [(&str, Vec<String>, Vec<String>); 4] = [
        (
            "Messages",
            message_lines(&ca.input),
            message_lines(&cb.input),
        ),
        (
            "Output",
            message_lines(&ca.output),
            message_lines(&cb.output),
        ),
        ("Tools", tool_lines(a), tool_lines(b)),
        ("Parameters", parameter_lines(a), parameter_lines(b)),
    ];
    parts
        .into_iter()
        .filter(|(_, x, y)| !x.is_empty() || !y.is_empty())
        .map(|(title, x, y)| Section {
            title: title.to_string(),
            lines: diff_lines(&x, &y),
        })
        .collect()
}

/// Messages as lines: a `[role]` line, then the text's lines and the tool calls asked for.
fn message_lines(messages: &[Message]) -> Vec<String> {
    let mut lines = Vec::new();
    for m in messages {
        lines.push(format!("[{}]", crate::shown(&m.role)));
        lines.extend(m.text.lines().map(crate::shown));
        for call in &m.tool_calls {
            lines.push(format!(
                "→ {}({})",
                crate::shown(&call.name),
                crate::shown(&call.arguments)
            ));
        }
    }
    lines
}

/// The tool definitions the call was given: OpenInference's `llm.tools.*` and GenAI's
/// `gen_ai.tool.definitions`, as `key: value` lines.
fn tool_lines(s: &SpanView) -> Vec<String> {
    s.attributes()
        .into_iter()
        .filter(|(k, _)| k.starts_with("llm.tools.") || *k == "gen_ai.tool.definitions")
        .flat_map(|(k, v)| {
            let value = v.to_string();
            let mut lines = vec![format!("{}:", crate::shown(k))];
            lines.extend(value.lines().map(|l| format!("  {}", crate::shown(l))));
            lines
        })
        .collect()
}

/// The model parameters, as `name = value` lines.
fn parameter_lines(s: &SpanView) -> Vec<String> {
    crate::analysis::params::model_parameters(s)
        .into_iter()
        .map(|(k, v)| format!("{} = {}", crate::shown(&k), crate::shown(&v)))
        .collect()
}

/// Past this many cells (lines × lines), the middle of two texts is shown as replaced rather
/// than diffed line by line.
const MOST_CELLS: usize = 4_000_000;

/// A line diff of `a` and `b` (longest common subsequence, common ends first).
pub fn diff_lines(a: &[String], b: &[String]) -> Vec<DiffLine> {
    let line = |change, text: &String| DiffLine {
        change,
        text: text.clone(),
    };
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (x, y) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut out: Vec<DiffLine> = a[..head]
        .iter()
        .map(|t| line(LineChange::Same, t))
        .collect();
    if x.len().saturating_mul(y.len()) > MOST_CELLS {
        out.extend(x.iter().map(|t| line(LineChange::Removed, t)));
        out.extend(y.iter().map(|t| line(LineChange::Added, t)));
    } else {
        // lcs[i][j]: the longest common subsequence of x[i..] and y[j..].
        let w = y.len() + 1;
        let mut lcs = vec![0u32; (x.len() + 1) * w];
        for i in (0..x.len()).rev() {
            for j in (0..y.len()).rev() {
                lcs[i * w + j] = if x[i] == y[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < x.len() || j < y.len() {
            if i < x.len() && j < y.len() && x[i] == y[j] {
                out.push(line(LineChange::Same, &x[i]));
                (i, j) = (i + 1, j + 1);
            } else if i < x.len() && (j == y.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                // What goes comes before what replaces it.
                out.push(line(LineChange::Removed, &x[i]));
                i += 1;
            } else {
                out.push(line(LineChange::Added, &y[j]));
                j += 1;
            }
        }
    }
    out.extend(
        a[a.len() - tail..]
            .iter()
            .map(|t| line(LineChange::Same, t)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    fn show(diff: &[DiffLine]) -> String {
        diff.iter()
            .map(|l| {
                let mark = match l.change {
                    LineChange::Same => ' ',
                    LineChange::Added => '+',
                    LineChange::Removed => '-',
                };
                format!("{mark}{}", l.text)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_changed_line_shows_as_removed_then_added_among_the_same() {
        let a = lines("[system]\nBe brief.\n[user]\nWhat is 2+2?\ntemperature = 0.2");
        let b = lines("[system]\nBe brief and exact.\n[user]\nWhat is 2+2?\ntemperature = 0.2");
        assert_eq!(
            show(&diff_lines(&a, &b)),
            " [system]\n-Be brief.\n+Be brief and exact.\n [user]\n What is 2+2?\n temperature = 0.2"
        );
    }

    #[test]
    fn lines_only_one_side_has_are_added_or_removed() {
        let a = lines("a\nb\nc");
        let b = lines("a\nc\nd");
        assert_eq!(show(&diff_lines(&a, &b)), " a\n-b\n c\n+d");
        assert_eq!(show(&diff_lines(&[], &a)), "+a\n+b\n+c");
        assert_eq!(show(&diff_lines(&a, &[])), "-a\n-b\n-c");
        assert_eq!(show(&diff_lines(&a, &a)), " a\n b\n c");
    }
}
