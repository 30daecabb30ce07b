//! Typed import errors. Each says what is wrong and where.

/// The formats Loupe reads, listed in errors for files it does not recognize.
pub const SUPPORTED_FORMATS: &str = "OTLP/JSON (one request, an array of requests, or JSON Lines), \
Jaeger JSON, Zipkin v2 JSON, OpenTelemetry Python span dumps, Phoenix span JSON, Langfuse trace \
downloads, MLflow traces, LangSmith runs, Helicone request exports, OpenTelemetry JS span dumps, \
Chrome traces, Tracetest traces, single spans' attribute maps and Loupe session bundles, optionally \
gzipped, and Parquet with Loupe's span columns";

/// Why a file could not be imported at all. Problems that lose only part of a file (one bad
/// span, one bad line) are [`crate::Diagnostic`]s instead, and the rest of the file loads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file has no content.
    #[error("the file is empty")]
    Empty,
    /// The file starts like gzip but does not decompress.
    #[error("the file looks gzipped but does not decompress: {0}")]
    Gzip(String),
    /// The (decompressed) content is not UTF-8 text.
    #[error("the file is not UTF-8 text: invalid byte at offset {offset}")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The content is too large for the model's 32-bit offsets.
    #[error("the file is larger than 4 GiB, which Loupe cannot hold")]
    TooLarge,
    /// A gzipped file expands beyond what is believable for its size (a decompression bomb).
    #[error(
        "the file expands beyond {limit_mb} MB when decompressed (more than {ratio} times its \
         size), which Loupe refuses as a likely decompression bomb; decompress it yourself to \
         check it, or split it"
    )]
    Expands {
        /// The ceiling, in MB.
        limit_mb: u64,
        /// How many times its size a file may expand.
        ratio: u64,
    },
    /// A Parquet file that does not read.
    #[error("the Parquet file does not read: {0}")]
    Parquet(String),
    /// A Parquet file without the columns of a span.
    #[error(
        "a Parquet file without Loupe's span columns: it lacks {missing} (its columns are \
         {found}). Write it with `loupe convert --to parquet`, and keep those columns in a query \
         over it"
    )]
    ParquetColumns {
        /// The needed columns it lacks.
        missing: String,
        /// The columns it has.
        found: String,
    },
    /// The content is not a format Loupe reads.
    #[error("not a trace format Loupe reads: {found}. Loupe reads {SUPPORTED_FORMATS}")]
    UnknownFormat {
        /// What the content looked like.
        found: String,
    },
    /// The content is not valid JSON, or not the JSON the format requires.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column (in bytes).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The file parsed, but every span in it was unreadable.
    #[error("no span in the file could be read ({count} skipped); the first: {first}")]
    NoValidSpans {
        /// The first span's problem, with its location.
        first: String,
        /// How many spans were skipped.
        count: usize,
    },
}

/// 1-based line and column (in bytes) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line, before.len() - line_start + 1)
}

/// Position of a serde_json error that occurred while parsing `text[base..]`, in `text`
/// coordinates.
pub(crate) fn json_error_at(text: &str, base: usize, err: &serde_json::Error) -> ImportError {
    json_error_from(line_col(text, base), err)
}

/// Line and column (from 1, in bytes) of byte `offset` of `text`, a part of a file that starts
/// at line and column `origin`.
pub(crate) fn line_col_from(origin: (usize, usize), text: &str, offset: usize) -> (usize, usize) {
    match line_col(text, offset) {
        (1, column) => (origin.0, origin.1 + column - 1),
        (line, column) => (origin.0 + line - 1, column),
    }
}

/// A serde_json error that occurred while parsing from line and column `base` of a file, placed
/// in the file.
pub(crate) fn json_error_from(base: (usize, usize), err: &serde_json::Error) -> ImportError {
    let (base_line, base_col) = base;
    let (line, column) = if err.line() <= 1 {
        (base_line, base_col + err.column().saturating_sub(1))
    } else {
        (base_line + err.line() - 1, err.column())
    };
    ImportError::Json {
        line,
        column,
        message: strip_serde_position(&err.to_string()),
    }
}

/// serde_json's message without the " at line X column Y" it appends (we report our own
/// position), and with its depth limit named as Loupe's.
fn strip_serde_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(p) => &message[..p],
        None => message,
    };
    if message == "recursion limit exceeded" {
        return format!(
            "JSON nested more than {} levels deep, Loupe's nesting limit",
            crate::model::limits::MAX_NESTING
        );
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncd\nef";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 4), (2, 2));
        assert_eq!(line_col(t, 6), (3, 1));
    }

    #[test]
    fn json_errors_are_placed_relative_to_the_whole_text() {
        let text = "{\n  \"a\": [1, 2,\n  oops]\n}";
        let base = text.find('[').unwrap_or(0);
        let err = serde_json::from_str::<Vec<i32>>(&text[base..]).unwrap_err();
        let ImportError::Json { line, column, .. } = json_error_at(text, base, &err) else {
            panic!("expected a JSON error");
        };
        assert_eq!((line, column), (3, 3));
    }

    #[test]
    fn nesting_past_the_parser_limit_is_named_as_loupes_limit() {
        let depth = crate::model::limits::MAX_NESTING + 1;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let err = serde_json::from_str::<serde_json::Value>(&text).unwrap_err();
        let message = json_error_at(&text, 0, &err).to_string();
        assert!(
            message.ends_with("JSON nested more than 127 levels deep, Loupe's nesting limit"),
            "{message}"
        );
        let fits = format!("{}{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
        assert!(serde_json::from_str::<serde_json::Value>(&fits).is_ok());
    }
}
