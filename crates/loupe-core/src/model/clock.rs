//! Reading the time texts trace files use into integer nanoseconds: RFC 3339 / ISO 8601
//! timestamps (with or without zone, any fraction length) and Go-style durations.

use crate::model::Nanos;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
}

/// Parses `2017-01-26T16:46:31.639875-05:00`, `2024-05-01 12:00:00Z`, `2024-05-01T12:00:00`
/// (read as UTC). Returns nanoseconds since the Unix epoch.
pub fn parse_rfc3339(text: &str) -> Option<Nanos> {
    let b = text.trim().as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (h, mi, s) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_ns = 0i64;
    if i < b.len() && (b[i] == b'.' || b[i] == b',') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let f = &b[start..i];
        if f.is_empty() {
            return None;
        }
        let kept = &f[..f.len().min(9)];
        frac_ns = digits(kept)? * 10i64.pow(9 - kept.len() as u32);
    }
    let offset_s = match &b[i..] {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2]
        | [sign @ (b'+' | b'-'), oh1, oh2, om1, om2] => {
            let v = digits(&[*oh1, *oh2])? * 3600 + digits(&[*om1, *om2])? * 60;
            if *sign == b'+' { v } else { -v }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset_s;
    secs.checked_mul(1_000_000_000)?.checked_add(frac_ns)
}

/// Parses a Go-style duration (`22938000ns`, `1.5s`, `300ms`, `2m3.5s`, `15us`, `15µs`).
pub fn parse_duration(text: &str) -> Option<Nanos> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let (neg, mut rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let mut total: f64 = 0.0;
    let mut exact: i64 = 0;
    let mut all_integral = true;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, after) = rest.split_at(num_end);
        let unit_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        let scale: i64 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        if num.contains('.') {
            all_integral = false;
            total += num.parse::<f64>().ok()? * scale as f64;
        } else {
            let n: i64 = num.parse().ok()?;
            exact = exact.checked_add(n.checked_mul(scale)?)?;
            total += (n as f64) * scale as f64;
        }
        rest = next;
    }
    let ns = if all_integral {
        exact
    } else {
        total.round() as i64
    };
    Some(if neg { -ns } else { ns })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_with_zones_and_fractions() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2017-01-26T16:46:31.639875-05:00"),
            Some(1_485_467_191_639_875_000)
        );
        assert_eq!(
            parse_rfc3339("2017-01-26 21:46:31.639875123456"),
            Some(1_485_467_191_639_875_123)
        );
        assert_eq!(parse_rfc3339("2017-13-26T16:46:31Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("22938000ns"), Some(22_938_000));
        assert_eq!(parse_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration("2m3s"), Some(123_000_000_000));
        assert_eq!(parse_duration("15µs"), Some(15_000));
        assert_eq!(parse_duration("5 parsecs"), None);
    }
}
