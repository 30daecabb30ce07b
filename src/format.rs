//! Formatting figures for display: durations, counts, timestamps, costs, and JSON.

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
    match usd {
        None => "—".to_string(),
        Some(c) if c != 0.0 && c.abs() < 0.01 => {
            let decimals = (1.0 - c.abs().log10().floor()).clamp(3.0, 20.0) as usize;
            format!("${c:.decimals$}")
        }
        Some(c) => format!("${c:.2}"),
    }
}

/// A Unix time in nanoseconds as a UTC date and time with milliseconds (the engine's clock).
pub use loupe_core::clock::utc_millis as timestamp;

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

#[cfg(test)]
mod tests {
    use super::*;

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
