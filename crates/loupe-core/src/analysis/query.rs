//! The filter bar's query language.
//!
//! A query is a list of terms, all of which must hold:
//!
//! ```text
//! model:gpt-4o* kind:llm status:error duration>2s tokens>1000 cost>0.01 name~retriev
//! user:alice session:s-1 tag:prod service:api provider:openai attr.http.status_code=500
//! file:run-42.jsonl -kind:tool "free text" model:gpt-4o|gpt-4o-mini
//! ```
//!
//! - `key:value` matches exactly, case-insensitively, with `*` as a wildcard and `|` between
//!   alternatives; `key~text` matches a substring; `key=value` is `key:value`; `>`, `>=`, `<`, `<=` compare numbers, durations
//!   (`500ms`, `2s`, `1.5m`, `10us`) and costs (`0.01`, `$0.01`).
//! - A bare word (or a quoted phrase) matches span names, like `name~word`.
//! - `-` before a term negates it.
//! - `user`, `session` and `tag` are facts of the trace; the other keys are facts of a span, and
//!   a trace matches when one of its spans meets all the span terms together.

use crate::analysis::cost::CostReport;
use crate::model::SpanKind;
use crate::model::clock;
use crate::model::set::{SpanView, TraceSet, ValueRef};
use std::collections::{BTreeSet, HashMap};

/// The keys of the language.
pub const KEYS: [&str; 14] = [
    "model", "kind", "status", "duration", "tokens", "cost", "name", "service", "provider", "user",
    "session", "tag", "file", "attr.",
];

/// A malformed query: what is wrong and where (a character offset).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct QueryError {
    /// Where, counted in characters from 0.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Is,
    Contains,
    Gt,
    Ge,
    Lt,
    Le,
}

/// One term.
#[derive(Clone, Debug, PartialEq)]
struct Term {
    negated: bool,
    key: String,
    op: Op,
    /// The value, lower-cased for text keys.
    text: String,
    /// The value as a number (nanoseconds for durations), for comparisons.
    number: Option<f64>,
}

/// A parsed query.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    terms: Vec<Term>,
}

/// A duration (`500ms`, `2s`, `1.5m`, `1h`, `10us`, `7ns`; a bare number is seconds) in ns,
/// read by the [clock](crate::model::clock).
fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    match s.parse::<f64>() {
        Ok(seconds) if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') => Some(seconds * 1e9),
        _ => clock::parse_duration(s).map(|ns| ns as f64),
    }
}

/// A number, with an optional `$` and `k`/`m` suffix (`1.5k` tokens).
fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim().trim_start_matches('$');
    let (num, scale) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1e3),
        'm' | 'M' => (&s[..s.len() - 1], 1e6),
        _ => (s, 1.0),
    };
    num.parse::<f64>().ok().map(|n| n * scale)
}

/// Whether `text` matches `pattern` (lower case), with `*` matching any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Splits a query into words, keeping quoted phrases whole; each with its character offset.
fn words(input: &str) -> Result<Vec<(usize, String)>, QueryError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    let char_pos = |byte: usize| input[..byte].chars().count();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        let mut quote_open: Option<usize> = None;
        while let Some(&(i, c)) = chars.peek() {
            if quote_open.is_none() && c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '"' {
                quote_open = match quote_open {
                    Some(_) => None,
                    None => Some(i),
                };
                continue;
            }
            word.push(c);
        }
        if let Some(q) = quote_open {
            return Err(QueryError {
                position: char_pos(q),
                message: "this quote is never closed".to_string(),
            });
        }
        out.push((char_pos(start), word));
    }
    Ok(out)
}

impl Query {
    /// Parses `input`; an empty query matches everything.
    pub fn parse(input: &str) -> Result<Query, QueryError> {
        let mut terms = Vec::new();
        for (position, word) in words(input)? {
            let (negated, body) = match word.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, word.as_str()),
            };
            let at = position + usize::from(negated);
            let op_at = body.find([':', '~', '=', '>', '<']);
            let Some(op_at) = op_at.filter(|&i| i > 0) else {
                terms.push(Term {
                    negated,
                    key: "name".to_string(),
                    op: Op::Contains,
                    text: body.to_lowercase(),
                    number: None,
                });
                continue;
            };
            let key = body[..op_at].to_lowercase();
            let rest = &body[op_at..];
            let (op, value) = if let Some(v) = rest.strip_prefix(">=") {
                (Op::Ge, v)
            } else if let Some(v) = rest.strip_prefix("<=") {
                (Op::Le, v)
            } else if let Some(v) = rest.strip_prefix('>') {
                (Op::Gt, v)
            } else if let Some(v) = rest.strip_prefix('<') {
                (Op::Lt, v)
            } else if let Some(v) = rest.strip_prefix('~') {
                (Op::Contains, v)
            } else {
                (Op::Is, &rest[1..])
            };
            let known = KEYS.contains(&key.as_str()) || key.starts_with("attr.") && key.len() > 5;
            if !known {
                return Err(QueryError {
                    position: at,
                    message: format!(
                        "unknown key '{key}'; the keys are {}",
                        KEYS.map(|k| if k == "attr." { "attr.<name>" } else { k })
                            .join(", ")
                    ),
                });
            }
            let value_at =
                at + body[..op_at].chars().count() + (rest.chars().count() - value.chars().count());
            if value.is_empty() {
                return Err(QueryError {
                    position: value_at,
                    message: format!("'{key}' needs a value after its operator"),
                });
            }
            let comparing = matches!(op, Op::Gt | Op::Ge | Op::Lt | Op::Le);
            let number = match key.as_str() {
                "duration" => {
                    let d = parse_duration(value);
                    if d.is_none() {
                        return Err(QueryError {
                            position: value_at,
                            message: format!(
                                "'{value}' is not a duration; write it like 500ms, 2s or 1.5m"
                            ),
                        });
                    }
                    d
                }
                "tokens" | "cost" => {
                    let n = parse_number(value);
                    if n.is_none() {
                        return Err(QueryError {
                            position: value_at,
                            message: format!("'{value}' is not a number"),
                        });
                    }
                    n
                }
                _ => parse_number(value),
            };
            if comparing && number.is_none() {
                return Err(QueryError {
                    position: value_at,
                    message: format!("'{key}' compares numbers, but '{value}' is none"),
                });
            }
            if !comparing && matches!(key.as_str(), "duration" | "tokens" | "cost") {
                return Err(QueryError {
                    position: at,
                    message: format!("'{key}' takes >, >=, < or <=, as in {key}>{value}"),
                });
            }
            let alternatives = || value.split('|').map(str::to_lowercase);
            if op == Op::Is && alternatives().any(|v| v.is_empty()) {
                return Err(QueryError {
                    position: value_at,
                    message: format!("'{value}' has an empty alternative around a |"),
                });
            }
            if key == "kind" && op == Op::Is {
                let known = SpanKind::ALL;
                if !alternatives().all(|v| v.contains('*') || known.iter().any(|k| k.label() == v))
                {
                    return Err(QueryError {
                        position: value_at,
                        message: format!(
                            "'{value}' is no kind; the kinds are {}",
                            known.map(|k| k.label()).join(", ")
                        ),
                    });
                }
            }
            if key == "status"
                && !alternatives().all(|v| ["ok", "error", "unset", "*"].contains(&v.as_str()))
            {
                return Err(QueryError {
                    position: value_at,
                    message: format!(
                        "'{value}' is no status; the statuses are ok, error and unset"
                    ),
                });
            }
            terms.push(Term {
                negated,
                key,
                op,
                text: value.to_lowercase(),
                number,
            });
        }
        Ok(Query { terms })
    }

    /// Whether the query has no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether it needs costs (a `cost` term).
    pub fn uses_cost(&self) -> bool {
        self.terms.iter().any(|t| t.key == "cost")
    }

    /// The indices of the traces that match, in order. `costs` gives the calls' costs for `cost`
    /// terms.
    pub fn filter(&self, set: &TraceSet, costs: Option<&CostReport>) -> Vec<u32> {
        let cost_of: HashMap<u32, f64> = costs
            .map(|r| {
                r.calls
                    .iter()
                    .filter_map(|c| c.cost().map(|x| (c.span, x)))
                    .collect()
            })
            .unwrap_or_default();
        (0..set.traces().len() as u32)
            .filter(|&t| self.matches_trace(set, t, &cost_of))
            .collect()
    }

    fn matches_trace(&self, set: &TraceSet, t: u32, cost_of: &HashMap<u32, f64>) -> bool {
        let trace = &set.traces()[t as usize];
        let (trace_terms, span_terms): (Vec<&Term>, Vec<&Term>) = self
            .terms
            .iter()
            .partition(|t| matches!(t.key.as_str(), "user" | "session" | "tag"));
        for term in trace_terms {
            let holds = match term.key.as_str() {
                "user" => text_matches(term, set.str(trace.user)),
                "session" => text_matches(term, set.str(trace.session)),
                _ => trace
                    .tags
                    .iter()
                    .any(|tag| text_matches(term, set.str(*tag))),
            };
            if holds == term.negated {
                return false;
            }
        }
        if span_terms.is_empty() {
            return true;
        }
        (trace.spans.start..trace.spans.end).any(|i| {
            let s = set.span(i);
            span_terms
                .iter()
                .all(|term| span_matches(term, &s, cost_of.get(&i).copied()) != term.negated)
        })
    }
}

fn text_matches(term: &Term, value: &str) -> bool {
    let v = value.to_lowercase();
    match term.op {
        Op::Contains => v.contains(&term.text),
        Op::Is => term.text.split('|').any(|alt| glob(alt, &v)),
        _ => compare(term, parse_number(&v)),
    }
}

fn compare(term: &Term, value: Option<f64>) -> bool {
    let (Some(v), Some(n)) = (value, term.number) else {
        return false;
    };
    match term.op {
        Op::Gt => v > n,
        Op::Ge => v >= n,
        Op::Lt => v < n,
        Op::Le => v <= n,
        Op::Is | Op::Contains => v == n,
    }
}

fn span_matches(term: &Term, s: &SpanView, cost: Option<f64>) -> bool {
    match term.key.as_str() {
        "model" => text_matches(term, s.model()),
        "kind" => text_matches(term, s.kind().label()),
        "status" => text_matches(term, s.status().label()),
        "name" => text_matches(term, s.name()),
        "service" => text_matches(term, s.service()),
        "provider" => text_matches(term, s.provider()),
        "file" => text_matches(term, s.source_name()),
        "duration" => compare(term, Some(s.duration() as f64)),
        "tokens" => compare(
            term,
            s.usage()
                .filter(|u| u.has_tokens())
                .map(|u| (u.input.unwrap_or(0) + u.output.unwrap_or(0)) as f64),
        ),
        "cost" => compare(term, cost),
        key => {
            let name = &key["attr.".len()..];
            s.attributes()
                .iter()
                .chain(s.resource_attributes().iter())
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .any(|(_, v)| match v {
                    ValueRef::Int(i) if term.number.is_some() => compare_or_eq(term, *i as f64),
                    ValueRef::Float(f) if term.number.is_some() => compare_or_eq(term, *f),
                    other => text_matches(term, &other.to_string()),
                })
        }
    }
}

fn compare_or_eq(term: &Term, v: f64) -> bool {
    compare(term, Some(v))
}

/// A term that selects the traces of file `name`. The filter language has no escape: a quote,
/// `|` or `*` in the name becomes a `*`, which still matches it.
pub fn file_term(name: &str) -> String {
    let literal: String = name
        .chars()
        .map(|c| if matches!(c, '"' | '|' | '*') { '*' } else { c })
        .collect();
    format!("file:\"{literal}\"")
}

/// `input` with each term's value rewritten by `rewrite(key, value)`, or the term left out
/// where it gives `None` (a bare word's key is `name`). A query that does not split into terms
/// (an open quote) is given to `rewrite` whole, under the key `""`.
pub fn rewrite_terms(input: &str, mut rewrite: impl FnMut(&str, &str) -> Option<String>) -> String {
    let Ok(words) = words(input) else {
        return rewrite("", input).unwrap_or_default();
    };
    let mut out: Vec<String> = Vec::new();
    for (_, word) in words {
        let (neg, body) = match word.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => ("-", rest),
            _ => ("", word.as_str()),
        };
        let op_at = body.find([':', '~', '=', '>', '<']).filter(|&i| i > 0);
        let (key, op, value) = match op_at {
            Some(i) => {
                let rest = &body[i..];
                let op_len = if rest.starts_with(">=") || rest.starts_with("<=") {
                    2
                } else {
                    1
                };
                (&body[..i], &rest[..op_len], &rest[op_len..])
            }
            None => ("", "", body),
        };
        let lookup = if key.is_empty() { "name" } else { key };
        let Some(value) = rewrite(&lookup.to_lowercase(), value) else {
            continue;
        };
        let value = if value.contains(char::is_whitespace) {
            format!("\"{value}\"")
        } else {
            value
        };
        out.push(format!("{neg}{key}{op}{value}"));
    }
    out.join(" ")
}

/// Completions for the last word of `input`: keys while it has no operator, else values of that
/// key found in the data (at most `limit`).
pub fn completions(set: &TraceSet, input: &str, limit: usize) -> Vec<String> {
    let last = input.rsplit(char::is_whitespace).next().unwrap_or("");
    let (neg, word) = match last.strip_prefix('-') {
        Some(w) => ("-", w),
        None => ("", last),
    };
    let Some(op_at) = word.find([':', '~', '=']) else {
        let lower = word.to_lowercase();
        return KEYS
            .iter()
            .filter(|k| k.starts_with(&lower))
            .map(|k| {
                if k.ends_with('.') {
                    format!("{neg}{k}")
                } else {
                    format!("{neg}{k}:")
                }
            })
            .take(limit)
            .collect();
    };
    let (key, typed) = (
        word[..op_at].to_lowercase(),
        word[op_at + 1..].to_lowercase(),
    );
    let op = &word[op_at..=op_at];
    let mut values: BTreeSet<String> = BTreeSet::new();
    match key.as_str() {
        "kind" => {
            for i in 0..set.span_count() as u32 {
                values.insert(set.span(i).kind().label().to_string());
            }
        }
        "status" => {
            values.extend(["ok", "error", "unset"].map(String::from));
        }
        "file" => {
            values.extend(set.sources().iter().map(|s| s.name.clone()));
        }
        "user" | "session" | "tag" => {
            for t in set.traces() {
                match key.as_str() {
                    "user" => values.insert(set.str(t.user).to_string()),
                    "session" => values.insert(set.str(t.session).to_string()),
                    _ => {
                        values.extend(t.tags.iter().map(|id| set.str(*id).to_string()));
                        false
                    }
                };
            }
        }
        k if k.starts_with("attr.") => {
            for i in 0..set.span_count().min(20_000) as u32 {
                for (name, _) in set.span(i).attributes() {
                    values.insert(format!("attr.{name}"));
                }
            }
            let prefix = word[..op_at].to_lowercase();
            return values
                .into_iter()
                .filter(|v| v.to_lowercase().starts_with(&prefix))
                .map(|v| format!("{neg}{v}="))
                .take(limit)
                .collect();
        }
        _ => {
            for i in 0..set.span_count() as u32 {
                let s = set.span(i);
                let v = match key.as_str() {
                    "model" => s.model(),
                    "name" => s.name(),
                    "service" => s.service(),
                    "provider" => s.provider(),
                    _ => "",
                };
                values.insert(v.to_string());
                if values.len() > 5000 {
                    break;
                }
            }
        }
    }
    values
        .into_iter()
        .filter(|v| !v.is_empty() && v.to_lowercase().starts_with(&typed))
        .map(|v| {
            if v.contains(char::is_whitespace) {
                format!("{neg}{key}{op}\"{v}\"")
            } else {
                format!("{neg}{key}{op}{v}")
            }
        })
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_numbers_and_globs() {
        assert_eq!(parse_duration("2s"), Some(2e9));
        assert_eq!(parse_duration("500ms"), Some(5e8));
        assert_eq!(parse_duration("1.5m"), Some(90e9));
        assert_eq!(parse_duration("2 weeks"), None);
        assert_eq!(parse_duration("3"), Some(3e9));
        assert_eq!(parse_duration("-2s"), Some(-2e9));
        assert_eq!(parse_number("$0.01"), Some(0.01));
        assert_eq!(parse_number("1.5k"), Some(1500.0));
        assert!(glob("gpt-4o*", "gpt-4o-mini"));
        assert!(glob("*mini", "gpt-4o-mini"));
        assert!(glob("gpt*mini", "gpt-4o-mini"));
        assert!(!glob("gpt-4o", "gpt-4o-mini"));
    }

    #[test]
    fn terms_are_rewritten_one_by_one() {
        let q = r#"-user:Bob duration>=2s "free text" attr.k=v file:"a b.json" model:gpt*"#;
        let out = rewrite_terms(q, |key, value| match key {
            "user" => Some(format!("<{value}>")),
            "file" => None,
            "name" => Some(value.to_uppercase()),
            _ => Some(value.to_string()),
        });
        assert_eq!(
            out,
            r#"-user:<Bob> duration>=2s "FREE TEXT" attr.k=v model:gpt*"#
        );
        assert!(Query::parse(&out).is_ok());
        assert_eq!(
            rewrite_terms(r#"name:"open"#, |_, v| Some(v.len().to_string())),
            "10"
        );
    }

    #[test]
    fn malformed_queries_say_what_and_where() {
        let e = Query::parse("kind:llm modle:gpt").unwrap_err();
        assert_eq!(e.position, 9);
        assert!(e.message.contains("unknown key 'modle'"), "{e}");
        let e = Query::parse("duration>fast").unwrap_err();
        assert_eq!(e.position, 9);
        assert!(e.message.contains("not a duration"), "{e}");
        let e = Query::parse("cost>").unwrap_err();
        assert!(e.message.contains("needs a value"), "{e}");
        let e = Query::parse("name~\"open quote").unwrap_err();
        assert_eq!(e.position, 5);
        let e = Query::parse("kind:robot").unwrap_err();
        assert!(e.message.contains("the kinds are llm"), "{e}");
        let e = Query::parse("tokens:5").unwrap_err();
        assert!(e.message.contains("takes >"), "{e}");
        assert!(Query::parse("").unwrap().is_empty());
    }

    #[test]
    fn terms_parse_with_negation_and_quotes() {
        let q = Query::parse(r#"-kind:tool "answer question" attr.http.status_code=500"#).unwrap();
        assert_eq!(q.terms.len(), 3);
        assert!(q.terms[0].negated);
        assert_eq!(
            (q.terms[1].key.as_str(), q.terms[1].text.as_str()),
            ("name", "answer question")
        );
        assert_eq!(q.terms[2].number, Some(500.0));
    }
}
