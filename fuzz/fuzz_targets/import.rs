//! Detection and every importer: any bytes give a set whose structure holds, or an error.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(set) = loupe_core::import(data, "fuzz.json") {
        loupe_fuzz::check(&set);
    }
});
