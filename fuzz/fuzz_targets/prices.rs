//! The pricing-override import.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut table = loupe_core::pricing::PriceTable::default();
        let _ = table.load_overrides(text);
    }
});
