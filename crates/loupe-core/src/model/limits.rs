//! The limits that keep a hostile or broken file from exhausting the engine, in one place. Each
//! is named in the message shown when a file reaches it, and what a limit cuts stays in the
//! file: a span's raw JSON keeps every value and attribute whole.

/// How many times its size a gzipped file may expand; more is refused as a decompression bomb.
/// Trace JSON compresses 10 to 30 times; 200 leaves room for very repetitive exports.
pub const MAX_EXPANSION: u64 = 200;

/// Any gzipped file may expand to this many bytes, whatever its size.
pub const MIN_CEILING: u64 = 256 << 20;

/// How deep a value read into the model may nest, in JSON arrays and objects (serde_json's
/// recursion limit, which every typed parse goes through; values only skipped over are not
/// limited). Trace formats nest a dozen levels; a span with a value nested deeper is skipped.
pub const MAX_NESTING: usize = 127;

/// The longest string the model holds, in bytes: a longer name or value is cut to this length
/// and ends in `…`. Prompts and documents of a few MB fit whole.
pub const MAX_STRING: usize = 16 << 20;

/// The most attributes one span keeps; those after are dropped from the model. Instrumentation
/// that flattens a long chat into attributes writes a few thousand.
pub const MAX_SPAN_ATTRIBUTES: u32 = 10_000;

/// `s` cut to at most [`MAX_STRING`] bytes (on a character boundary) and marked with `…`, or
/// `None` when it fits.
pub(crate) fn cut_string(s: &str) -> Option<String> {
    if s.len() <= MAX_STRING {
        return None;
    }
    let mut end = MAX_STRING - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!("{}…", &s[..end]))
}

/// Whole megabytes in `bytes`, for messages.
pub(crate) fn megabytes(bytes: usize) -> usize {
    bytes >> 20
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_over_the_limit_is_cut_on_a_character_boundary_and_marked() {
        assert_eq!(cut_string("short"), None);
        let long = "é".repeat(MAX_STRING / 2 + 1);
        let cut = cut_string(&long).unwrap();
        assert!(cut.len() <= MAX_STRING, "{}", cut.len());
        assert!(cut.ends_with("é…"));
        assert_eq!(megabytes(MAX_STRING), 16);
    }
}
