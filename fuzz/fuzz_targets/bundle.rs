//! The bundle importer: bytes after a bundle's first key.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut bytes = b"{\"loupe_bundle\": 1, ".to_vec();
    bytes.extend_from_slice(data);
    if let Ok(set) = loupe_core::import(&bytes, "fuzz.loupe.json") {
        loupe_fuzz::check(&set);
    }
});
