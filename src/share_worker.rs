//! The share Web Worker, started when the Share dialog first opens: it holds a copy of the
//! loaded set (handed over in binary form from the parsing worker) and writes redacted bundles
//! of it, so neither the page nor the parser carries the redaction's pattern matching, and the
//! page never freezes while a big session is redacted.
//!
//! Messages in: `{kind: "load", set: ArrayBuffer}` or `{kind: "export", request: JSON}` (an
//! [`ExportRequest`]). Out: `{kind: "ready"}` once started, `{kind: "loaded"}`, `{kind:
//! "exported", summary: JSON, bundle?: ArrayBuffer}`, or `{kind: "failed", error}`.

use js_sys::Uint8Array;
use loupe::export_job::{ExportRequest, run};
use loupe::messages::{failed, field, message, post_buffer, serve};
use loupe_core::TraceSet;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    /// The set bundles are written from.
    static SET: RefCell<Option<TraceSet>> = const { RefCell::new(None) };
}

fn load(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    SET.with_borrow_mut(|s| *s = None);
    let bytes = Uint8Array::new(&field(data, "set")).to_vec();
    match loupe_core::wire::decode(&bytes) {
        Ok(set) => {
            SET.with_borrow_mut(|s| *s = Some(set));
            let _ = scope.post_message(&message(&[("kind", "loaded".into())]));
        }
        Err(e) => failed(scope, format!("the loaded set could not be read: {e}")),
    }
}

fn export(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let request: ExportRequest =
        match serde_json::from_str(&field(data, "request").as_string().unwrap_or_default()) {
            Ok(r) => r,
            Err(e) => return failed(scope, format!("unreadable export request: {e}")),
        };
    let Some((summary, bytes)) = SET.with_borrow(|s| s.as_ref().map(|set| run(set, request)))
    else {
        return failed(scope, "no set was handed to the share worker".into());
    };
    let fields = [
        ("kind", "exported".into()),
        (
            "summary",
            serde_json::to_string(&summary).unwrap_or_default().into(),
        ),
    ];
    match bytes {
        Some(bytes) => post_buffer(scope, &fields, "bundle", &bytes),
        None => {
            let _ = scope.post_message(&message(&fields));
        }
    }
}

fn handle(scope: &DedicatedWorkerGlobalScope, ev: MessageEvent) {
    let data = ev.data();
    match field(&data, "kind").as_string().as_deref() {
        Some("load") => load(scope, &data),
        Some("export") => export(scope, &data),
        other => failed(scope, format!("unknown request {other:?}")),
    }
}

fn main() {
    serve(handle);
}
