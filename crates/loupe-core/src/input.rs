//! Turning dropped bytes into text: gzip detected by its magic bytes (never by file name),
//! UTF-8 checked, a byte-order mark removed.

use crate::error::ImportError;
use std::io::Read;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
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

fn gunzip_text(bytes: &[u8]) -> Result<String, ImportError> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(8));
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| ImportError::Gzip(e.to_string()))?;
    into_text(out)
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
}
