//! The parsing Web Worker: receives files from the page, parses them and reports progress, so
//! the page never freezes on a big file. It keeps the set, files' texts included, in the engine
//! that answers the page's requests ([`loupe_core::engine`]; a span's raw JSON is read from the
//! texts): a new drop is parsed alone and added to the set it holds (an engine request removes
//! a file). The set's binary form (which carries
//! no file text) goes out only when asked: to the share worker, and to the page's analysis tabs
//! (see [`loupe::worker_client`]).
//!
//! Messages in: `{files: [[name, File or Uint8Array, fresh], …]}` (fresh files, and, when the
//! worker holds nothing, the files loaded before; a `File` is read here, in chunks), `{kind:
//! "wire"}`, `{kind: "ask", request: Uint8Array}` (an engine request) or `{kind: "clear"}`.
//! Out: `{kind: "ready"}` once started; for files `{kind: "progress", done, label}`, then
//! `{kind: "done", files: JSON}` (a status per file sent); for `wire`, `{kind: "wire", set:
//! ArrayBuffer}`; for `ask`, `{kind: "answer", response: ArrayBuffer}`; for `clear`, `{kind:
//! "cleared"}`; or `{kind: "failed", error}`.

use js_sys::{Array, Uint8Array};
use loupe::engine_host::{EngineHost, NOTHING_HELD};
use loupe::messages::{failed, field, message, post_buffer, serve};
use loupe::parse::{Job, ReadBytes, add_files};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

thread_local! {
    /// The engine over the set last sent to the page, with the files' texts.
    static HOST: RefCell<EngineHost> = RefCell::new(EngineHost::default());
}

/// How much of a browser file is read at a time.
const CHUNK: f64 = 16.0 * 1024.0 * 1024.0;

/// Reads a browser file in chunks straight into one buffer of its size: the page never reads
/// it, and no second copy of the whole file is ever held.
fn read_blob(blob: &Blob) -> Result<Vec<u8>, String> {
    let size = blob.size();
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(size as usize).map_err(|_| {
        format!(
            "at {:.1} GB the file does not fit in this tab's memory; open it with the loupe \
             command line, or split it",
            size / 1e9
        )
    })?;
    let reader = FileReaderSync::new().map_err(|e| format!("cannot read files here: {e:?}"))?;
    let mut at = 0.0;
    while at < size {
        let part = blob
            .slice_with_f64_and_f64(at, (at + CHUNK).min(size))
            .and_then(|part| reader.read_as_array_buffer(&part))
            .map_err(|e| format!("the browser could not read the file: {e:?}"))?;
        let chunk = Uint8Array::new(&part);
        let start = bytes.len();
        bytes.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes[start..]);
        if chunk.length() == 0 {
            break;
        }
        at += f64::from(chunk.length());
    }
    Ok(bytes)
}

fn jobs_of(data: &JsValue) -> Vec<Job> {
    Array::from(&field(data, "files"))
        .iter()
        .map(|entry| {
            let entry = Array::from(&entry);
            let contents = entry.get(1);
            let bytes: ReadBytes = match contents.dyn_into::<Blob>() {
                Ok(blob) => Box::new(move || read_blob(&blob)),
                Err(bytes) => {
                    let bytes = Uint8Array::new(&bytes).to_vec();
                    Box::new(move || Ok(bytes))
                }
            };
            Job {
                name: entry.get(0).as_string().unwrap_or_default(),
                bytes,
                fresh: entry.get(2).as_bool().unwrap_or(true),
            }
        })
        .collect()
}

/// Sends the set's binary form to the sharer (through the page).
fn send_wire(scope: &DedicatedWorkerGlobalScope) {
    let encoded = HOST.with_borrow(|h| h.set().map(loupe_core::wire::encode));
    match encoded {
        Some(Ok(bytes)) => post_buffer(scope, &[("kind", "wire".into())], "set", &bytes),
        Some(Err(e)) => failed(scope, e.to_string()),
        None => failed(scope, NOTHING_HELD.into()),
    }
}

/// Adds the files to the set held (parsing only them), keeps the set for the engine, and sends
/// what became of each file.
fn load(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let mut set = HOST
        .with_borrow_mut(EngineHost::release)
        .unwrap_or_default();
    let statuses = add_files(&mut set, jobs_of(data), |done, label| {
        let _ = scope.post_message(&message(&[
            ("kind", "progress".into()),
            ("done", JsValue::from(done as u32)),
            ("label", label.into()),
        ]));
    });
    HOST.with_borrow_mut(|h| h.hold(set));
    match serde_json::to_string(&statuses) {
        Ok(files) => {
            let _ = scope.post_message(&message(&[
                ("kind", "done".into()),
                ("files", files.into()),
            ]));
        }
        Err(error) => failed(scope, error.to_string()),
    }
}

/// Answers an engine request.
fn answer(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let request = Uint8Array::new(&field(data, "request")).to_vec();
    let response = HOST.with_borrow_mut(|h| h.answer(&request));
    post_buffer(scope, &[("kind", "answer".into())], "response", &response);
}

fn handle(scope: &DedicatedWorkerGlobalScope, ev: MessageEvent) {
    let data = ev.data();
    match field(&data, "kind").as_string().as_deref() {
        Some("wire") => send_wire(scope),
        Some("ask") => answer(scope, &data),
        Some("clear") => {
            HOST.with_borrow_mut(EngineHost::release);
            let _ = scope.post_message(&message(&[("kind", "cleared".into())]));
        }
        _ => load(scope, &data),
    }
}

fn main() {
    serve(handle);
}
