//! Messages between the page and its workers: plain JavaScript objects.

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
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| handle(&handler_scope, ev));
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&message(&[("kind", "ready".into())]));
}
