//! The filter bar's query parser.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = loupe_core::query::Query::parse(text);
    }
});
