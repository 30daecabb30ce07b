//! The parsing Web Worker: receives files from the page, parses them with the engine, reports
//! progress, and sends back the loaded set in its binary form, so the page never freezes on a
//! big file. It keeps that binary form for the share worker (see [`loupe::worker_client`]).
//!
//! Messages in: `{files: [[name, ArrayBuffer, fresh], …]}` or `{kind: "wire"}`. Out: `{kind:
//! "ready"}` once started; for files `{kind: "progress", done, label}`, then `{kind: "done",
//! files: JSON, set: ArrayBuffer}`; for `wire`, `{kind: "wire", set: ArrayBuffer}` (a copy of
//! the last set sent); or `{kind: "failed", error}`.

use js_sys::{Array, Uint8Array};
use loupe::messages::{failed, field, message, post_buffer, serve};
use loupe::parse::{Job, parse_files};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    /// The binary form of the set last sent: the page holds the same set, decoded.
    static WIRE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

fn jobs_of(data: &JsValue) -> Vec<Job> {
    Array::from(&field(data, "files"))
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
    let data = ev.data();
    if field(&data, "kind").as_string().as_deref() == Some("wire") {
        let sent = WIRE.with_borrow(|w| {
            w.as_ref()
                .map(|bytes| post_buffer(scope, &[("kind", "wire".into())], "set", bytes))
        });
        if sent.is_none() {
            failed(
                scope,
                "the background parser no longer holds the loaded files: drop them again".into(),
            );
        }
        return;
    }
    WIRE.with_borrow_mut(|w| *w = None);
    let (set, statuses) = parse_files(jobs_of(&data), |done, label| {
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
    match encoded {
        Ok((bytes, files)) => {
            post_buffer(
                scope,
                &[("kind", "done".into()), ("files", files.into())],
                "set",
                &bytes,
            );
            WIRE.with_borrow_mut(|w| *w = Some(bytes));
        }
        Err(error) => failed(scope, error),
    }
}

fn main() {
    serve(handle);
}
