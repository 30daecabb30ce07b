//! Figures and texts written for people, as the views show them: durations in a readable unit,
//! counts with thousands separators (and nouns in the plural), costs that keep two significant
//! digits however small, byte sizes, JSON re-indented, a message's text (pretty JSON or as it
//! is), and where a long text folds.

/// A duration in nanoseconds, in the largest unit that keeps three significant digits.
pub fn duration(ns: i64) -> String {
    let a = ns.unsigned_abs() as f64;
    let sign = if ns < 0 { "-" } else { "" };
    let (value, unit) = if a < 1e3 {
        return format!("{ns} ns");
    } else if a < 1e6 {
        (a / 1e3, "µs")
    } else if a < 1e9 {
        (a / 1e6, "ms")
    } else if a < 60e9 {
        (a / 1e9, "s")
    } else {
        let total_s = (a / 1e9).round() as u64;
        let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
        return if h > 0 {
            format!("{sign}{h}h {m:02}m")
        } else {
            format!("{sign}{m}m {s:02}s")
        };
    };
    let digits = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{sign}{value:.digits$} {unit}")
}

/// A count with thousands separators.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count and a noun, pluralized: "1 error", "2 errors".
pub fn plural(n: u64, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", count(n))
}

/// A cost in US dollars, or a dash when the data records none. Costs under a cent keep two
/// significant digits, however small: never cut to `$0.000`.
pub fn cost(usd: Option<f64>) -> String {
    usd.map_or_else(|| "—".to_string(), |c| dollars_to(c, 2))
}

/// A cost in US dollars to four decimals, as tables of sums write it (`$0.0463`); smaller
/// costs keep two significant digits, never cut to `$0.0000`.
pub fn dollars(usd: f64) -> String {
    dollars_to(usd, 4)
}

/// `usd` with `decimals` decimals, or with two significant digits where those would show none
/// of it.
fn dollars_to(usd: f64, decimals: usize) -> String {
    let smallest = 10f64.powi(-(decimals as i32));
    if usd != 0.0 && usd.abs() < smallest {
        let significant = (1.0 - usd.abs().log10().floor()).clamp(decimals as f64 + 1.0, 20.0);
        let significant = significant as usize;
        format!("${usd:.significant$}")
    } else {
        format!("${usd:.decimals$}")
    }
}

/// A byte size.
pub fn bytes(n: usize) -> String {
    let n = n as f64;
    if n < 1024.0 {
        format!("{n} B")
    } else if n < 1024.0 * 1024.0 {
        format!("{:.1} KB", n / 1024.0)
    } else {
        format!("{:.1} MB", n / (1024.0 * 1024.0))
    }
}

/// Re-indents JSON text with two spaces per level, leaving strings untouched. Text that is
/// not JSON comes back re-indented as far as its brackets go, never lost.
pub fn pretty_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// A message's text as shown: JSON pretty-printed, anything else (`[system prompt]`) as it is.
pub fn message_text(text: &str) -> String {
    let t = text.trim_start();
    let is_json = (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok();
    if is_json {
        pretty_json(text)
    } else {
        text.to_string()
    }
}

/// Texts longer than this many characters are folded.
const FOLD_CHARS: usize = 1200;
/// Texts of more lines than this are folded.
const FOLD_LINES: usize = 16;
/// A fold shows at most this many lines…
const HEAD_LINES: usize = 6;
/// …and this many characters before it.
const HEAD_CHARS: usize = 400;

/// A long text folded behind its first lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    /// What stays visible: the first lines, cut to a few hundred characters.
    pub head: String,
    /// What opens the rest: `Show all (1,234 characters, 20 lines)`.
    pub summary: String,
}

/// How a text is folded: `None` when it is short enough to show whole.
pub fn fold(text: &str) -> Option<Fold> {
    let (chars, lines) = (text.chars().count(), text.lines().count());
    if chars <= FOLD_CHARS && lines <= FOLD_LINES {
        return None;
    }
    let head: String = text
        .lines()
        .take(HEAD_LINES)
        .collect::<Vec<_>>()
        .join("\n")
        .chars()
        .take(HEAD_CHARS)
        .collect();
    Some(Fold {
        head,
        summary: format!(
            "Show all ({}, {})",
            plural(chars as u64, "character"),
            plural(lines as u64, "line")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_show_json_pretty_and_other_text_as_it_is() {
        assert_eq!(message_text(r#" {"a":1}"#), "{\n  \"a\": 1\n}");
        assert_eq!(message_text("[system prompt]"), "[system prompt]");
        assert_eq!(message_text("{not json"), "{not json");
        assert_eq!(message_text("plain"), "plain");
    }

    #[test]
    fn long_texts_fold_behind_their_first_lines() {
        assert_eq!(fold("short"), None);
        assert_eq!(fold(&"x".repeat(1200)), None, "at the limit");
        assert_eq!(fold(&"line\n".repeat(16)), None);
        let many = (1..=17)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let f = fold(&many).unwrap();
        assert_eq!(f.head, "line 1\nline 2\nline 3\nline 4\nline 5\nline 6");
        assert_eq!(f.summary, "Show all (126 characters, 17 lines)");
        let wide = "é".repeat(5000);
        let f = fold(&wide).unwrap();
        assert_eq!(f.head.chars().count(), 400, "cut by characters, not bytes");
        assert_eq!(f.summary, "Show all (5,000 characters, 1 line)");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration(999), "999 ns");
        assert_eq!(duration(1_500), "1.50 µs");
        assert_eq!(duration(12_340_000), "12.3 ms");
        assert_eq!(duration(1_250_000_000), "1.25 s");
        assert_eq!(duration(123_000_000_000), "2m 03s");
        assert_eq!(duration(7_380_000_000_000), "2h 03m");
    }

    #[test]
    fn counts_costs_and_sizes() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(cost(None), "—");
        assert_eq!(cost(Some(0.00123)), "$0.0012");
        assert_eq!(cost(Some(0.0000103)), "$0.000010");
        assert_eq!(cost(Some(2.5e-15)), "$0.0000000000000025");
        assert_eq!(cost(Some(0.0)), "$0.00");
        assert_eq!(cost(Some(12.5)), "$12.50");
        assert_eq!(cost(Some(-0.004)), "$-0.0040", "a refund keeps its sign");
        assert_eq!(dollars(0.04631), "$0.0463");
        assert_eq!(dollars(0.0000213), "$0.000021");
        assert_eq!(dollars(0.00005), "$0.000050");
        assert_eq!(dollars(0.0001), "$0.0001");
        assert_eq!(dollars(0.0), "$0.0000");
        assert_eq!(dollars(3.70251), "$3.7025");
        assert_eq!(bytes(2048), "2.0 KB");
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(1200, "span"), "1,200 spans");
    }

    #[test]
    fn json_is_reindented_without_touching_strings() {
        assert_eq!(
            pretty_json(r#"{"a":[1,2],"b":"x,{y}","c":{}}"#),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x,{y}\",\n  \"c\": {}\n}"
        );
    }
}
