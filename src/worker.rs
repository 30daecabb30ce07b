//! The parsing Web Worker: receives files from the page, parses them and reports progress, so
//! the page never freezes on a big file. It keeps the set, files' texts included, in the engine
//! that answers the page's requests ([`loupe_core::engine`]; a span's raw JSON is read from the
//! texts): a new drop is parsed alone and added to the set it holds (an engine request removes
//! a file). The set's binary form (which carries no file text) goes out only when asked, to the
//! share worker (see [`loupe::worker_client`]); the page only ever gets answers.
//!
//! Messages in: `{files: [[name, File or Uint8Array, fresh], …]}` (fresh files, and, when the
//! worker holds nothing, the files loaded before; a `File` is read here, as a stream), `{kind:
//! "wire"}`, `{kind: "ask", request: Uint8Array}` (an engine request) or `{kind: "clear"}`.
//! Out: `{kind: "ready"}` once started; for files `{kind: "progress", done, label}`, then
//! `{kind: "done", files: JSON}` (a status per file sent); for `wire`, `{kind: "wire", set:
//! ArrayBuffer}`; for `ask`, `{kind: "answer", response: ArrayBuffer}`; for `clear`, `{kind:
//! "cleared"}`; or `{kind: "failed", error}`.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use loupe::engine_host::{EngineHost, NOTHING_HELD};
use loupe::messages::{failed, field, message, post_buffer, serve};
use loupe::parse::add_files;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent, ReadableStreamByobReader,
};

thread_local! {
    /// The engine over the set last sent to the page, with the files' texts.
    static HOST: RefCell<EngineHost> = RefCell::new(EngineHost::default());
}

/// How much of a browser file is read at a time.
const CHUNK: u32 = 1 << 20;

/// Room for a file of `size` bytes, or why there is none.
fn room_for(size: f64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(size as usize).map_err(|_| {
        format!(
            "at {:.1} GB the file does not fit in this tab's memory; open it with the loupe \
             command line, or split it",
            size / 1e9
        )
    })?;
    Ok(bytes)
}

/// Appends a chunk read from JavaScript, unless the file grew past the room made for it.
fn append(bytes: &mut Vec<u8>, chunk: &Uint8Array) -> Result<(), String> {
    let start = bytes.len();
    let end = start + chunk.length() as usize;
    if end > bytes.capacity() {
        return Err("the file changed while it was read".into());
    }
    bytes.resize(end, 0);
    chunk.copy_to(&mut bytes[start..]);
    Ok(())
}

/// Reads a browser file straight into one buffer of its size, in chunks through one scratch
/// buffer that is reused (a byte stream read into a buffer of our own), so neither a second
/// copy of the file nor a trail of discarded chunks is ever held. Where the browser's file
/// stream takes no buffer of ours, the file is read in slices instead.
async fn read_blob(blob: &Blob) -> Result<Vec<u8>, String> {
    let mut bytes = room_for(blob.size())?;
    let unreadable = |e: JsValue| format!("the browser could not read the file: {e:?}");
    let Ok(reader) = ReadableStreamByobReader::new(&blob.stream()) else {
        return read_slices(blob, bytes);
    };
    let mut scratch = ArrayBuffer::new(CHUNK);
    loop {
        let view = Uint8Array::new(&scratch);
        let read = JsFuture::from(reader.read_with_array_buffer_view(&view))
            .await
            .map_err(unreadable)?;
        if field(&read, "done").as_bool() == Some(true) {
            break;
        }
        // The chunk is a view of the scratch buffer, handed back (`Uint8Array::new` would copy).
        let chunk: Uint8Array = field(&read, "value").unchecked_into();
        append(&mut bytes, &chunk)?;
        scratch = chunk.buffer();
    }
    Ok(bytes)
}

/// Reads a browser file in slices (where its stream cannot be read into a buffer of ours).
fn read_slices(blob: &Blob, mut bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let reader = FileReaderSync::new().map_err(|e| format!("cannot read files here: {e:?}"))?;
    let size = blob.size();
    while (bytes.len() as f64) < size {
        let at = bytes.len() as f64;
        let part = blob
            .slice_with_f64_and_f64(at, (at + f64::from(CHUNK)).min(size))
            .and_then(|part| reader.read_as_array_buffer(&part))
            .map_err(|e| format!("the browser could not read the file: {e:?}"))?;
        let chunk = Uint8Array::new(&part);
        if chunk.length() == 0 {
            break;
        }
        append(&mut bytes, &chunk)?;
    }
    Ok(bytes)
}

/// A file to add: its name and contents as the page sent them.
struct Sent {
    name: String,
    contents: JsValue,
    /// Whether it is newly dropped (not loaded before and sent again).
    fresh: bool,
}

impl Sent {
    async fn read(self) -> Result<Vec<u8>, String> {
        match self.contents.dyn_into::<Blob>() {
            Ok(blob) => read_blob(&blob).await,
            Err(bytes) => Ok(Uint8Array::new(&bytes).to_vec()),
        }
    }
}

/// The files of a `files` message.
fn files_of(data: &JsValue) -> Vec<Sent> {
    Array::from(&field(data, "files"))
        .iter()
        .map(|entry| {
            let entry = Array::from(&entry);
            Sent {
                name: entry.get(0).as_string().unwrap_or_default(),
                contents: entry.get(1),
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

/// Adds the files to the set held (parsing only them, each read when its turn comes), keeps
/// the set for the engine, and sends what became of each file.
async fn load(scope: DedicatedWorkerGlobalScope, data: JsValue) {
    let set = HOST
        .with_borrow_mut(EngineHost::release)
        .unwrap_or_default();
    let progress = |done: usize, label: &str| {
        let _ = scope.post_message(&message(&[
            ("kind", "progress".into()),
            ("done", JsValue::from(done as u32)),
            ("label", label.into()),
        ]));
    };
    let files = files_of(&data)
        .into_iter()
        .map(|file| (file.name.clone(), file.fresh, file.read()));
    let (set, statuses) = add_files(set, files, progress).await;
    HOST.with_borrow_mut(|h| h.hold(set));
    match serde_json::to_string(&statuses) {
        Ok(files) => {
            let _ = scope.post_message(&message(&[
                ("kind", "done".into()),
                ("files", files.into()),
            ]));
        }
        Err(error) => failed(&scope, error.to_string()),
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
        _ => wasm_bindgen_futures::spawn_local(load(scope.clone(), data)),
    }
}

fn main() {
    serve(handle);
}
