//! The Web Worker: receives files from the page, parses them with the engine, reports progress,
//! and sends back the loaded set in its binary form, so the page never freezes on a big file.
//!
//! Messages in: `{files: [[name, ArrayBuffer, fresh], …]}`. Out: `{kind: "ready"}` once
//! started, `{kind: "progress", done, label}`, then `{kind: "done", files: JSON, set:
//! ArrayBuffer}` or `{kind: "failed", error}`.

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use loupe::parse::{Job, parse_files};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn message(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn jobs_of(data: &JsValue) -> Vec<Job> {
    let files = Reflect::get(data, &JsValue::from_str("files")).unwrap_or(JsValue::UNDEFINED);
    Array::from(&files)
        .iter()
        .map(|entry| {
            let entry = Array::from(&entry);
            Job {
                name: entry.get(0).as_string().unwrap_or_default(),
                bytes: Uint8Array::new(&entry.get(1)).to_vec(),
                fresh: entry.get(2).as_bool().unwrap_or(true),
            }
        })
        .collect()
}

fn handle(scope: &DedicatedWorkerGlobalScope, ev: MessageEvent) {
    let jobs = jobs_of(&ev.data());
    let (set, statuses) = parse_files(jobs, |done, label| {
        let _ = scope.post_message(&message(&[
            ("kind", "progress".into()),
            ("done", JsValue::from(done as u32)),
            ("label", label.into()),
        ]));
    });
    let encoded = loupe_core::wire::encode(&set)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            serde_json::to_string(&statuses)
                .map(|files| (bytes, files))
                .map_err(|e| e.to_string())
        });
    drop(set);
    let _ = match encoded {
        Ok((bytes, files)) => {
            let buffer: ArrayBuffer = Uint8Array::from(bytes.as_slice()).buffer();
            drop(bytes);
            scope.post_message_with_transfer(
                &message(&[
                    ("kind", "done".into()),
                    ("files", files.into()),
                    ("set", buffer.clone().into()),
                ]),
                &Array::of1(&buffer),
            )
        }
        Err(error) => scope.post_message(&message(&[
            ("kind", "failed".into()),
            ("error", error.into()),
        ])),
    };
}

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler_scope = scope.clone();
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| handle(&handler_scope, ev));
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&message(&[("kind", "ready".into())]));
}
