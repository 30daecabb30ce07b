//! Saving bytes the page made (a bundle, price overrides) as a file, through a download link.
//! Nothing leaves the machine: the link points at a `blob:` URL of this page.

use gloo_file::{Blob, ObjectUrl};
use wasm_bindgen::JsCast;

/// Offers `bytes` as a download named `name`.
pub fn save(name: &str, bytes: &[u8]) {
    let url = ObjectUrl::from(Blob::new(bytes));
    let a = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = a {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // The URL is revoked as it drops: the download holds the bytes by now.
}
