//! The gzip path: bytes after the gzip magic number.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut bytes = vec![0x1f, 0x8b];
    bytes.extend_from_slice(data);
    if let Ok(set) = loupe_core::import(&bytes, "fuzz.json.gz") {
        loupe_fuzz::check(&set);
    }
});
