//! Loupe's one clock: times as integer nanoseconds since the Unix epoch, read from the texts
//! trace files and the filter bar use (RFC 3339 / ISO 8601 timestamps with or without zone and
//! any fraction length; Go-style durations) and written as UTC dates for display. Dates are
//! proleptic Gregorian on both sides of the epoch; fractions beyond the nanosecond are cut,
//! never rounded into the next second, and a time is shown with its millisecond floored.

use crate::model::Nanos;

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

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

/// The date (year, month, day) of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Whether `y` is a leap year of the Gregorian calendar.
fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// How many days month `m` (1–12) of year `y` has.
fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A time as a UTC date and time with milliseconds: `2024-05-01 12:00:00.250`.
pub fn utc_millis(ns: Nanos) -> String {
    let secs = ns.div_euclid(NANOS_PER_SECOND);
    let ms = ns.rem_euclid(NANOS_PER_SECOND) / 1_000_000;
    let (y, m, d) = civil_from_days(secs.div_euclid(SECONDS_PER_DAY));
    let sod = secs.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{ms:03}",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
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
    if !(1..=12).contains(&mo) || !(1..=days_in_month(y, mo)).contains(&d) {
        return None;
    }
    if h > 23 || mi > 59 || s > 60 {
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
    let secs = days_from_civil(y, mo, d) * SECONDS_PER_DAY + h * 3600 + mi * 60 + s - offset_s;
    secs.checked_mul(NANOS_PER_SECOND)?.checked_add(frac_ns)
}

/// Parses a Go-style duration (`22938000ns`, `1.5s`, `300ms`, `2m3.5s`, `15us`, `15µs`;
/// `min` for minutes too).
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
            "m" | "min" => 60_000_000_000,
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
        assert_eq!(parse_duration("-1.5min"), Some(-90_000_000_000));
        assert_eq!(parse_duration("1.0000000005s"), Some(1_000_000_001));
    }

    #[test]
    fn leap_years_have_their_29th_of_february_and_others_do_not() {
        for (date, leap) in [
            ("2024-02-29", true),
            ("2000-02-29", true),
            ("1900-02-29", false),
            ("2023-02-29", false),
            ("2100-02-29", false),
        ] {
            let t = parse_rfc3339(&format!("{date}T00:00:00Z"));
            assert_eq!(t.is_some(), leap, "{date}");
            if let Some(t) = t {
                assert_eq!(&utc_millis(t)[..10], date);
            }
        }
        assert_eq!(parse_rfc3339("2024-04-31T00:00:00Z"), None);
        // A real date, but before 1677: out of the nanoseconds' 64-bit range.
        assert_eq!(parse_rfc3339("1600-02-29T00:00:00Z"), None);
        assert!(is_leap(1600) && !is_leap(1700));
        assert_eq!(
            parse_rfc3339("2024-03-01T00:00:00Z").map(|t| t - 86_400_000_000_000),
            parse_rfc3339("2024-02-29T00:00:00Z")
        );
    }

    #[test]
    fn times_show_as_utc_dates() {
        assert_eq!(utc_millis(0), "1970-01-01 00:00:00.000");
        assert_eq!(
            utc_millis(1_544_712_660_123_000_000),
            "2018-12-13 14:51:00.123"
        );
    }

    #[test]
    fn times_before_the_epoch_count_back_and_show_floored() {
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59.999Z"), Some(-1_000_000));
        assert_eq!(utc_millis(-1), "1969-12-31 23:59:59.999");
        assert_eq!(utc_millis(-1_000_000_000), "1969-12-31 23:59:59.000");
        assert_eq!(
            parse_rfc3339("1900-01-01T00:00:00Z"),
            Some(-2_208_988_800 * 1_000_000_000)
        );
        assert_eq!(utc_millis(i64::MIN), "1677-09-21 00:12:43.145");
        assert_eq!(utc_millis(i64::MAX), "2262-04-11 23:47:16.854");
    }

    #[test]
    fn fractions_past_the_nanosecond_are_cut_not_rounded() {
        assert_eq!(
            parse_rfc3339("2024-01-01T23:59:59.9999999999Z"),
            parse_rfc3339("2024-01-01T23:59:59.999999999Z")
        );
        assert_eq!(
            utc_millis(parse_rfc3339("2024-01-01T23:59:59.9999Z").unwrap_or(0)),
            "2024-01-01 23:59:59.999"
        );
        assert_eq!(
            parse_rfc3339("2024-01-01T00:00:00.5+01:30"),
            Some(1_704_061_800_500_000_000)
        );
    }

    #[test]
    fn every_day_of_eight_centuries_goes_to_its_date_and_back() {
        for days in -146_097 * 2..146_097 * 2 {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && i64::from(d) <= days_in_month(y, i64::from(m)));
            assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }
    }
}
