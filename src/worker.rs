//! The parsing Web Worker: receives files from the page, parses them and reports progress, so
//! the page never freezes on a big file. A browser file is read as a stream and parsed part by
//! part as it arrives ([`loupe::parse`]): OTLP/JSON and Chrome traces are never whole in
//! memory, and a span's raw JSON is read again from the file when it is opened. The worker
//! keeps the set in the engine that answers the page's requests ([`loupe_core::engine`]): a new
//! drop is parsed alone and added to it (an engine request removes a file). The set's binary
//! form (which carries no file text) goes out only when asked, to the share worker (see
//! [`loupe::worker_client`]); the page only ever gets answers.
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
use loupe::parse::{FileReader, InOnePart, add_files};
use loupe_core::RawRef;
use std::cell::RefCell;
use std::future::Ready;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent, ReadableStreamByobReader,
};

thread_local! {
    /// The engine over the set loaded, with the texts of the files read whole.
    static HOST: RefCell<EngineHost> = RefCell::new(EngineHost::default());
    /// The browser files of the set's sources (by source index), to read a span's JSON again.
    static FILES: RefCell<Vec<Option<Blob>>> = const { RefCell::new(Vec::new()) };
}

/// How much of a browser file is read at a time.
const CHUNK: u32 = 1 << 20;

/// Reads a browser file part by part: a byte stream read into one scratch buffer of ours,
/// reused (so no trail of discarded chunks is left to JavaScript's collector), or, where the
/// browser's file stream takes no buffer of ours, slices read one at a time.
struct BlobReader {
    blob: Blob,
    stream: Option<ReadableStreamByobReader>,
    scratch: Option<ArrayBuffer>,
    /// Bytes read so far (for slices).
    at: f64,
}

impl BlobReader {
    fn new(blob: Blob) -> BlobReader {
        BlobReader {
            stream: ReadableStreamByobReader::new(&blob.stream()).ok(),
            blob,
            scratch: Some(ArrayBuffer::new(CHUNK)),
            at: 0.0,
        }
    }

    /// The next slice, read with `FileReaderSync`.
    fn next_slice(&mut self, part: &mut Vec<u8>) -> Result<bool, String> {
        let size = self.blob.size();
        if self.at >= size {
            return Ok(false);
        }
        let end = (self.at + f64::from(CHUNK)).min(size);
        *part = read_slice(&self.blob, self.at, end)
            .map_err(|e| format!("the browser could not read the file: {e:?}"))?;
        self.at = end;
        Ok(!part.is_empty())
    }
}

/// Reads bytes `start..end` of a browser file, synchronously (as a worker may).
fn read_slice(blob: &Blob, start: f64, end: f64) -> Result<Vec<u8>, JsValue> {
    let slice = blob.slice_with_f64_and_f64(start, end)?;
    let bytes = FileReaderSync::new()?.read_as_array_buffer(&slice)?;
    Ok(Uint8Array::new(&bytes).to_vec())
}

/// The largest file a tab can hold: spans keep their place in the file as 32-bit offsets.
const LARGEST: f64 = 4_294_967_295.0;

impl FileReader for BlobReader {
    async fn next_part<'a>(&'a mut self, part: &'a mut Vec<u8>) -> Result<bool, String> {
        let size = self.blob.size();
        if size > LARGEST {
            return Err(format!(
                "at {:.1} GB the file is larger than a tab can hold (4 GB); open it with the \
                 loupe command line, or split it",
                size / 1e9
            ));
        }
        let Some(stream) = &self.stream else {
            return self.next_slice(part);
        };
        let scratch = self
            .scratch
            .take()
            .unwrap_or_else(|| ArrayBuffer::new(CHUNK));
        let view = Uint8Array::new(&scratch);
        let read = JsFuture::from(stream.read_with_array_buffer_view(&view))
            .await
            .map_err(|e| format!("the browser could not read the file: {e:?}"))?;
        if field(&read, "done").as_bool() == Some(true) {
            return Ok(false);
        }
        // The part is a view of the scratch buffer, handed back (`Uint8Array::new` would copy).
        let chunk: Uint8Array = field(&read, "value").unchecked_into();
        part.resize(chunk.length() as usize, 0);
        chunk.copy_to(part);
        self.scratch = Some(chunk.buffer());
        Ok(true)
    }
}

/// How a sent file is read: a browser file part by part; bytes (pasted text, a demo) whole.
enum SentReader {
    Blob(BlobReader),
    Bytes(InOnePart<Ready<Result<Vec<u8>, String>>>),
}

impl FileReader for SentReader {
    async fn next_part<'a>(&'a mut self, part: &'a mut Vec<u8>) -> Result<bool, String> {
        match self {
            SentReader::Blob(r) => r.next_part(part).await,
            SentReader::Bytes(r) => r.next_part(part).await,
        }
    }

    fn in_one_part(&self) -> bool {
        matches!(self, SentReader::Bytes(_))
    }
}

/// A file to add: its name and contents as the page sent them.
struct Sent {
    name: String,
    contents: JsValue,
    /// Whether it is newly dropped (not loaded before and sent again).
    fresh: bool,
}

impl Sent {
    fn reader(&self) -> SentReader {
        match self.contents.clone().dyn_into::<Blob>() {
            Ok(blob) => SentReader::Blob(BlobReader::new(blob)),
            Err(bytes) => {
                let bytes = Uint8Array::new(&bytes).to_vec();
                SentReader::Bytes(InOnePart(Some(std::future::ready(Ok(bytes)))))
            }
        }
    }
}

/// Reads the bytes at `place` in the browser file of its source, if the worker has that file.
fn read_again(place: RawRef) -> Option<String> {
    let blob = FILES.with_borrow(|files| files.get(place.source as usize).cloned().flatten())?;
    let bytes = read_slice(&blob, f64::from(place.start), f64::from(place.end)).ok()?;
    String::from_utf8(bytes).ok()
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
    let sent = files_of(&data);
    let files = sent
        .iter()
        .map(|file| (file.name.clone(), file.fresh, file.reader()));
    let (set, statuses) = add_files(set, files, progress).await;
    FILES.with_borrow_mut(|files| {
        for (file, status) in sent.iter().zip(&statuses) {
            if let (Ok(loaded), Ok(blob)) = (&status.outcome, file.contents.clone().dyn_into()) {
                let at = loaded.source as usize;
                if files.len() <= at {
                    files.resize(at + 1, None);
                }
                files[at] = Some(blob);
            }
        }
    });
    HOST.with_borrow_mut(|h| {
        h.hold(set);
        h.read_raw_with(Box::new(read_again));
    });
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
            FILES.with_borrow_mut(Vec::clear);
            let _ = scope.post_message(&message(&[("kind", "cleared".into())]));
        }
        _ => wasm_bindgen_futures::spawn_local(load(scope.clone(), data)),
    }
}

fn main() {
    serve(handle);
}
