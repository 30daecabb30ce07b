//! Trace and span identifiers, and their parsing from the encodings real files use:
//! hex in either case (optionally `0x`-prefixed) and base64 (the protobuf JSON mapping).

use base64::Engine;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A 128-bit trace id. 64-bit ids (Zipkin, Jaeger) are zero-extended.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct TraceId(pub u128);

/// A 64-bit span id.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct SpanId(pub u64);

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Why an id string could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a {bits}-bit id in hex or base64")]
pub struct BadId {
    /// The text as found (shortened when long).
    pub text: String,
    /// The expected width.
    pub bits: u32,
}

fn bad(text: &str, bits: u32) -> BadId {
    let text: String = text.chars().take(48).collect();
    BadId { text, bits }
}

/// Parses an id of at most `bytes` bytes. Returns `Ok(None)` for an empty or all-zero id, which
/// the spec calls invalid and which real files still carry.
fn parse_id(text: &str, bytes: usize) -> Result<Option<u128>, BadId> {
    let bits = (bytes * 8) as u32;
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    if t.is_empty() {
        return Ok(None);
    }
    // A UUID is 32 hex digits with dashes.
    let undashed: String;
    let t = if t.len() == 36 && [8, 13, 18, 23].iter().all(|&i| t.as_bytes()[i] == b'-') {
        undashed = t.replace('-', "");
        undashed.as_str()
    } else {
        t
    };
    let value = if let Some(v) = (t.len() <= bytes * 2).then(|| hex(t)).flatten() {
        v
    } else {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(t)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(t))
            .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(t))
            .map_err(|_| bad(text, bits))?;
        // Only whole ids: 8 bytes for a span, 16 (or a zero-extended 8) for a trace. A short
        // text that happens to decode ("s04") is an opaque id, not base64.
        if !(decoded.len() == bytes || (bytes == 16 && decoded.len() == 8)) {
            return Err(bad(text, bits));
        }
        decoded
            .iter()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b))
    };
    Ok((value != 0).then_some(value))
}

/// Up to 32 hex digits as a number, in one pass (`None` at the first other byte): the last 16
/// digits and those before them are read as two 64-bit halves.
fn hex(t: &str) -> Option<u128> {
    let digits = t.as_bytes();
    let (high, low) = digits.split_at(digits.len().saturating_sub(16));
    Some((u128::from(hex64(high)?) << 64) | u128::from(hex64(low)?))
}

/// Up to 16 hex digits as a number (`None` at the first other byte).
fn hex64(digits: &[u8]) -> Option<u64> {
    let mut acc = 0u64;
    for &b in digits {
        let nibble = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        acc = (acc << 4) | u64::from(nibble);
    }
    Some(acc)
}

/// FNV-1a over `text`, seeded: a stable hash for ids that are not hex or base64.
fn fnv1a(text: &str, seed: u64) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl TraceId {
    /// Parses a trace id; `Ok(None)` when empty or all zeros.
    pub fn parse(text: &str) -> Result<Option<TraceId>, BadId> {
        Ok(parse_id(text, 16)?.map(TraceId))
    }

    /// Parses a trace id, or, for an opaque id (`trace-123`, a UUID with dashes), derives a
    /// stable one from its text. The flag says whether the id was opaque.
    pub fn parse_or_derive(text: &str) -> (Option<TraceId>, bool) {
        match Self::parse(text) {
            Ok(id) => (id, false),
            Err(_) => {
                let id = (u128::from(fnv1a(text, 1)) << 64) | u128::from(fnv1a(text, 2));
                (Some(TraceId(id.max(1))), true)
            }
        }
    }
}

impl SpanId {
    /// Parses a span id; `Ok(None)` when empty or all zeros.
    pub fn parse(text: &str) -> Result<Option<SpanId>, BadId> {
        Ok(parse_id(text, 8)?.map(|v| SpanId(v as u64)))
    }

    /// Parses a span id, or derives a stable one from an opaque id's text (see
    /// [`TraceId::parse_or_derive`]).
    pub fn parse_or_derive(text: &str) -> (Option<SpanId>, bool) {
        match Self::parse(text) {
            Ok(id) => (id, false),
            Err(_) => (Some(SpanId(fnv1a(text, 3).max(1))), true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_in_either_case_and_with_prefix() {
        let a = TraceId::parse("5B8EFFF798038103D269B633813FC60C").unwrap();
        let b = TraceId::parse("5b8efff798038103d269b633813fc60c").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.unwrap().to_string(), "5b8efff798038103d269b633813fc60c");
        assert_eq!(
            SpanId::parse("0xeee19b7ec3c1b174").unwrap(),
            Some(SpanId(0xeee19b7ec3c1b174))
        );
    }

    #[test]
    fn base64_ids_decode_to_the_same_value_as_hex() {
        // 0x0102030405060708 in base64 is AQIDBAUGBwg=
        assert_eq!(
            SpanId::parse("AQIDBAUGBwg=").unwrap(),
            Some(SpanId(0x0102030405060708))
        );
        assert_eq!(
            TraceId::parse("AAAAAAAAAAAAAAAAAAAAAQ==").unwrap(),
            Some(TraceId(1))
        );
    }

    #[test]
    fn empty_and_zero_ids_are_absent() {
        assert_eq!(TraceId::parse("").unwrap(), None);
        assert_eq!(SpanId::parse("0000000000000000").unwrap(), None);
    }

    #[test]
    fn opaque_ids_derive_stable_distinct_values() {
        let (a, opaque) = SpanId::parse_or_derive("span-1");
        assert!(opaque);
        assert_eq!(a, SpanId::parse_or_derive("span-1").0);
        assert_ne!(a, SpanId::parse_or_derive("span-2").0);
        assert_eq!(
            SpanId::parse_or_derive("00f067aa0ba902b7"),
            (Some(SpanId(0x00f067aa0ba902b7)), false)
        );
        assert!(TraceId::parse_or_derive("trace-123").1);
        assert!(
            SpanId::parse_or_derive("s04").1,
            "decodes as base64, but is too short"
        );
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(SpanId::parse("not an id!").is_err());
        assert!(
            SpanId::parse("AQIDBAUGBwgJCgsM").is_err(),
            "12 bytes is too wide"
        );
    }
}
