//! The Parquet decoder, a Web Worker of its own: the parsing worker starts it when the first
//! Parquet file arrives, so neither the page nor the parser carries a Parquet reader until a
//! user drops one. It reads the file into a builder of its own and sends that back in binary
//! form, for the parser to add as the file ([`loupe_core::TraceSetBuilder::add_read`]).
//!
//! In: `{kind: "decode", name, bytes: ArrayBuffer}`. Out: `{kind: "ready"}` once started, then
//! `{kind: "decoded", read: ArrayBuffer}` or `{kind: "failed", error}` for each file.

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use loupe_core::TraceSetBuilder;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// A message of `pairs`.
fn message(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// A message's field, or `undefined`.
fn field(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Reads the Parquet file `name` of `bytes`: its builder in binary form, or why it failed.
fn decode(name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut read = TraceSetBuilder::new();
    read.add_file_owned(name, bytes)
        .map_err(|e| e.to_string())?;
    loupe_core::wire::encode_read(&read).map_err(|e| e.to_string())
}

fn handle(scope: &DedicatedWorkerGlobalScope, ev: &MessageEvent) {
    let data = ev.data();
    let name = field(&data, "name").as_string().unwrap_or_default();
    let bytes = Uint8Array::new(&field(&data, "bytes")).to_vec();
    let sent = match decode(&name, bytes) {
        Ok(read) => {
            let buffer: ArrayBuffer = Uint8Array::from(&read[..]).buffer();
            let answer = message(&[("kind", "decoded".into()), ("read", buffer.clone().into())]);
            scope.post_message_with_transfer(&answer, &Array::of1(&buffer))
        }
        Err(error) => scope.post_message(&message(&[
            ("kind", "failed".into()),
            ("error", error.into()),
        ])),
    };
    // A page that went away takes no answer.
    drop(sent);
}

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        handle(&handler_scope, &ev);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&message(&[("kind", "ready".into())]));
}
