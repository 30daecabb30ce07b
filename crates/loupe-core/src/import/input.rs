//! Turning dropped bytes into text: gzip detected by its magic bytes (never by file name),
//! UTF-8 checked, a byte-order mark removed.

use crate::import::error::ImportError;
use crate::model::limits::{MAX_EXPANSION, MIN_CEILING};
use std::io::Read;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
}

/// Whether `bytes` are a Parquet file (its magic number at both ends).
pub fn is_parquet(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1")
}

/// Decompresses gzip (including concatenated members) when present and returns UTF-8 text.
pub fn to_text(bytes: &[u8]) -> Result<String, ImportError> {
    if is_gzip(bytes) {
        gunzip_text(bytes)
    } else {
        into_text(bytes.to_vec())
    }
}

/// Like [`to_text`], but takes the bytes, so plain text is not copied.
pub fn into_text_owned(bytes: Vec<u8>) -> Result<String, ImportError> {
    if is_gzip(&bytes) {
        gunzip_text(&bytes)
    } else {
        into_text(bytes)
    }
}

/// How much of the decompressed text is looked at before the rest is inflated.
const START: u64 = 64 << 10;

fn gunzip_text(bytes: &[u8]) -> Result<String, ImportError> {
    let gzip = |e: std::io::Error| ImportError::Gzip(e.to_string());
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes);
    // The start first: content that is not JSON is refused before the bulk is inflated.
    let mut out = Vec::new();
    (&mut decoder)
        .take(START)
        .read_to_end(&mut out)
        .map_err(gzip)?;
    check_json_start(&out)?;
    let ceiling = (bytes.len() as u64)
        .saturating_mul(MAX_EXPANSION)
        .clamp(MIN_CEILING, u64::from(u32::MAX));
    out.reserve(bytes.len().saturating_mul(8).min(ceiling as usize));
    (&mut decoder)
        .take(ceiling + 1 - out.len() as u64)
        .read_to_end(&mut out)
        .map_err(gzip)?;
    if out.len() as u64 > ceiling {
        return Err(ImportError::Expands {
            limit_mb: ceiling >> 20,
            ratio: MAX_EXPANSION,
        });
    }
    into_text(out)
}

/// Refuses a decompressed start that cannot open a JSON document (all of Loupe's formats are
/// JSON): the format error comes before any bulk inflation.
fn check_json_start(start: &[u8]) -> Result<(), ImportError> {
    let text = start.strip_prefix("\u{feff}".as_bytes()).unwrap_or(start);
    match text.iter().position(|b| !b.is_ascii_whitespace()) {
        Some(i) if matches!(text[i], b'{' | b'[') => Ok(()),
        Some(i) => {
            let head = String::from_utf8_lossy(&text[i..text.len().min(i + 24)]).into_owned();
            Err(ImportError::UnknownFormat {
                found: format!("not JSON once decompressed (starts with {head:?})"),
            })
        }
        None if (text.len() as u64) < START => Err(ImportError::Empty),
        None => Err(ImportError::UnknownFormat {
            found: format!(
                "not JSON once decompressed (its first {} KB are blank)",
                START >> 10
            ),
        }),
    }
}

fn into_text(raw: Vec<u8>) -> Result<String, ImportError> {
    if u32::try_from(raw.len()).is_err() {
        return Err(ImportError::TooLarge);
    }
    let mut text = String::from_utf8(raw).map_err(|e| ImportError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    #[test]
    fn gzip_is_detected_by_content() {
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(b"{\"resourceSpans\":[]}").unwrap();
        let gz = enc.finish().unwrap();
        assert!(is_gzip(&gz));
        assert_eq!(to_text(&gz).unwrap(), "{\"resourceSpans\":[]}");
    }

    #[test]
    fn broken_gzip_and_bad_utf8_are_reported() {
        assert!(matches!(
            to_text(&[0x1f, 0x8b, 0, 1, 2]),
            Err(ImportError::Gzip(_))
        ));
        assert_eq!(
            to_text(b"{\"a\":\xff}"),
            Err(ImportError::NotUtf8 { offset: 5 })
        );
        assert_eq!(to_text(b"  \n"), Err(ImportError::Empty));
        assert_eq!(to_text("\u{feff}{}".as_bytes()).unwrap(), "{}");
        assert_eq!(into_text_owned(b"{}".to_vec()).unwrap(), "{}");
    }

    /// A gzip stream of `n` zero bytes, or of `head` then `n` blanks.
    fn zeros(head: &[u8], n: usize) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(head).unwrap();
        let block = vec![b' '; 1 << 20];
        let zero = vec![0u8; 1 << 20];
        let fill = if head.is_empty() { &zero } else { &block };
        for _ in 0..n >> 20 {
            enc.write_all(fill).unwrap();
        }
        enc.finish().unwrap()
    }

    #[test]
    fn a_bomb_that_is_not_json_is_refused_from_its_start() {
        let bomb = zeros(b"", 64 << 20);
        let err = to_text(&bomb).unwrap_err();
        assert!(
            err.to_string().contains("not JSON once decompressed"),
            "{err}"
        );
    }

    #[test]
    fn a_file_that_expands_past_its_ceiling_says_so() {
        // A JSON start, then 400 MB of blanks from a file of a couple of MB.
        let bomb = zeros(b"{\"resourceSpans\": [", 400 << 20);
        let limit_mb = (bomb.len() as u64 * MAX_EXPANSION).max(MIN_CEILING) >> 20;
        assert!(
            limit_mb < 400,
            "the test's file must expand past its ceiling"
        );
        let err = to_text(&bomb).unwrap_err();
        assert_eq!(
            err,
            ImportError::Expands {
                limit_mb,
                ratio: MAX_EXPANSION
            }
        );
        let expected = format!("expands beyond {limit_mb} MB");
        assert!(err.to_string().contains(&expected), "{err}");
    }
}
