//! The Web Worker: receives files from the page, parses them with the engine, reports progress,
//! and sends back the loaded set in its binary form, so the page never freezes on a big file.
//! It keeps the set, and writes redacted bundles of it for the Share dialog.
//!
//! Messages in: `{files: [[name, ArrayBuffer, fresh], …]}`, or `{kind: "export", request:
//! JSON}` (an [`ExportRequest`]). Out: `{kind: "ready"}` once started; for files `{kind:
//! "progress", done, label}`, then `{kind: "done", files: JSON, set: ArrayBuffer}`; for an
//! export `{kind: "exported", summary: JSON, bundle?: ArrayBuffer}`; or `{kind: "failed", error}`.

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use loupe::export_job::{ExportRequest, run};
use loupe::parse::{Job, parse_files};
use loupe_core::TraceSet;
use std::cell::RefCell;
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
    let files = field(data, "files");
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

thread_local! {
    /// The set last parsed: the page holds the same one, decoded from what was sent.
    static SET: RefCell<Option<TraceSet>> = const { RefCell::new(None) };
}

fn field(data: &JsValue, key: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn failed(scope: &DedicatedWorkerGlobalScope, error: String) {
    let _ = scope.post_message(&message(&[
        ("kind", "failed".into()),
        ("error", error.into()),
    ]));
}

fn handle(scope: &DedicatedWorkerGlobalScope, ev: MessageEvent) {
    if field(&ev.data(), "kind").as_string().as_deref() == Some("export") {
        handle_export(scope, &ev.data());
    } else {
        handle_files(scope, &ev.data());
    }
}

fn handle_export(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let request: ExportRequest =
        match serde_json::from_str(&field(data, "request").as_string().unwrap_or_default()) {
            Ok(r) => r,
            Err(e) => return failed(scope, format!("unreadable export request: {e}")),
        };
    let done = SET.with_borrow(|set| set.as_ref().map(|set| run(set, request)));
    let Some((summary, bytes)) = done else {
        return failed(
            scope,
            "the background parser no longer holds the loaded files: drop them again".into(),
        );
    };
    let summary = serde_json::to_string(&summary).unwrap_or_default();
    let _ = match bytes {
        Some(bytes) => {
            let buffer: ArrayBuffer = Uint8Array::from(bytes.as_slice()).buffer();
            scope.post_message_with_transfer(
                &message(&[
                    ("kind", "exported".into()),
                    ("summary", summary.into()),
                    ("bundle", buffer.clone().into()),
                ]),
                &Array::of1(&buffer),
            )
        }
        None => scope.post_message(&message(&[
            ("kind", "exported".into()),
            ("summary", summary.into()),
        ])),
    };
}

fn handle_files(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    SET.with_borrow_mut(|s| *s = None);
    let jobs = jobs_of(data);
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
    SET.with_borrow_mut(|s| *s = Some(set));
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
        Err(error) => {
            failed(scope, error);
            Ok(())
        }
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
