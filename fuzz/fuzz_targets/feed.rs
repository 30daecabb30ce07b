//! A file read as it arrives, in parts (as the page and the CLI read it): the first byte says
//! where the first part ends.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut).min(rest.len());
    let mut b = loupe_core::TraceSetBuilder::new();
    let mut feed = b.start_feed("fuzz.json");
    b.feed(&mut feed, &rest[..cut]);
    b.feed(&mut feed, &rest[cut..]);
    if b.finish_feed(feed).is_ok() {
        loupe_fuzz::check(&b.finish());
    }
});
