//! Messages between the page and its workers: plain JavaScript objects, whose binary parts
//! (files, the engine's requests and answers, sets and bundles) travel as transferred
//! buffers. Listeners are `gloo-events`'. `gloo-worker` does not fit: it owns the worker's
//! start (its own loader and bincode framing over structured clone) and copies every message,
//! where Loupe's workers are trunk-built binaries that hand buffers over without a copy and
//! stream a file's parts, and the engine's requests already have their binary form.

use gloo_events::EventListener;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// An object with the given fields.
pub fn message(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// A message's field, or `undefined`.
pub fn field(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A message event's data (`undefined` for another event).
pub fn data_of(ev: &web_sys::Event) -> JsValue {
    ev.dyn_ref::<MessageEvent>()
        .map_or(JsValue::UNDEFINED, MessageEvent::data)
}

/// From a worker: `{kind: "failed", error}`.
pub fn failed(scope: &DedicatedWorkerGlobalScope, error: String) {
    let _ = scope.post_message(&message(&[
        ("kind", "failed".into()),
        ("error", error.into()),
    ]));
}

/// From a worker: a message with `fields` and `bytes` under `key`, as a transferred buffer.
pub fn post_buffer(
    scope: &DedicatedWorkerGlobalScope,
    fields: &[(&str, JsValue)],
    key: &str,
    bytes: &[u8],
) {
    let buffer: ArrayBuffer = Uint8Array::from(bytes).buffer();
    let mut all = fields.to_vec();
    all.push((key, buffer.clone().into()));
    let _ = scope.post_message_with_transfer(&message(&all), &Array::of1(&buffer));
}

/// A worker's start: answers every message with `handle`, then tells the page it is ready.
pub fn serve(handle: fn(&DedicatedWorkerGlobalScope, MessageEvent)) {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler_scope = scope.clone();
    // The worker answers as long as it lives: the listener is never removed.
    EventListener::new(&scope, "message", move |ev| {
        if let Some(ev) = ev.dyn_ref::<MessageEvent>() {
            handle(&handler_scope, ev.clone());
        }
    })
    .forget();
    let _ = scope.post_message(&message(&[("kind", "ready".into())]));
}
