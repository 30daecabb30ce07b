//! A compact binary form of a loaded [`TraceSet`], to hand it between threads (the page parses
//! in a Web Worker and sends the result to the main thread), and of a [`Part`] of a file read
//! by a helper worker, and of a file read by a decoder worker. Not a file format: both sides run
//! the same build. The files' texts stay behind: a decoded set answers everything but a span's
//! raw JSON, which the side that parsed the file reads from its own copy.

use crate::import::builder::TraceSetBuilder;
use crate::import::split::Part;
use crate::model::set::TraceSet;

/// Why bytes could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("could not read a loaded trace set back: {0}")]
pub struct WireError(String);

/// Encodes a set.
pub fn encode(set: &TraceSet) -> Result<Vec<u8>, WireError> {
    bincode::serialize(set).map_err(|e| WireError(e.to_string()))
}

/// Decodes what [`encode`] wrote.
pub fn decode(bytes: &[u8]) -> Result<TraceSet, WireError> {
    bincode::deserialize(bytes).map_err(|e| WireError(e.to_string()))
}

/// Encodes a part of a file read by a parser of its own, for the parser that joins it.
pub fn encode_part(part: &Part) -> Result<Vec<u8>, WireError> {
    bincode::serialize(part).map_err(|e| WireError(e.to_string()))
}

/// Decodes what [`encode_part`] wrote.
pub fn decode_part(bytes: &[u8]) -> Result<Part, WireError> {
    bincode::deserialize(bytes).map_err(|e| WireError(e.to_string()))
}

/// Encodes a file read by a worker of its own (a Parquet decoder's), for the parser that adds
/// it ([`TraceSetBuilder::add_read`]).
pub fn encode_read(read: &TraceSetBuilder) -> Result<Vec<u8>, WireError> {
    bincode::serialize(read).map_err(|e| WireError(e.to_string()))
}

/// Decodes what [`encode_read`] wrote.
pub fn decode_read(bytes: &[u8]) -> Result<TraceSetBuilder, WireError> {
    bincode::deserialize(bytes).map_err(|e| WireError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GenOptions, otlp_json};
    use crate::share::dump::text_dump;

    #[test]
    fn a_set_survives_the_round_trip() {
        let text = otlp_json(&GenOptions {
            spans: 300,
            traces: 4,
            ..GenOptions::default()
        });
        let set = crate::import(text.as_bytes(), "gen.json").unwrap();
        let back = decode(&encode(&set).unwrap()).unwrap();
        assert_eq!(text_dump(&back), text_dump(&set));
        assert!(set.span(5).raw_json().starts_with('{'));
        assert_eq!(back.span(5).raw_json(), "", "the files' texts stay behind");
        assert!(
            encode(&set).unwrap().len() < text.len() / 2,
            "the binary form carries no copy of the file"
        );
        assert_eq!(back.totals(), set.totals());
        assert!(decode(&[1, 2, 3]).is_err());
    }
}
