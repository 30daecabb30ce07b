//! What this browser keeps for the page (notes, price overrides, the theme): `gloo-storage`'s
//! localStorage, asked only where the browser gives the page one. Where it blocks site data
//! (blocked cookies, a sandboxed frame), reading `localStorage` throws, which gloo turns into
//! a panic: there, nothing is kept and what was chosen lasts until the tab closes.

use gloo_storage::{LocalStorage, Storage};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Whether this browser lets the page keep anything.
fn available() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .is_some()
}

/// What is kept under `key`, if it is there and still reads as a `T`.
pub fn get<T: DeserializeOwned>(key: &str) -> Option<T> {
    available().then(|| LocalStorage::get(key).ok()).flatten()
}

/// Keeps `value` under `key`, where the browser lets the page keep anything (and has room).
pub fn set<T: Serialize>(key: &str, value: &T) {
    if available() {
        let _ = LocalStorage::set(key, value);
    }
}
