//! The parsing Web Worker: receives files from the page, parses them and reports progress, so
//! the page never freezes on a big file. A browser file is read as a stream and parsed part by
//! part as it arrives ([`loupe::parse`]): OTLP/JSON, Chrome traces, arrays of span JSON and
//! Jaeger and Zipkin files of many traces are walked record by record, their text never held
//! past the record being read, and a span's raw JSON is read again from the file when it is
//! opened. The worker keeps the set in the engine that answers the page's requests ([`loupe_core::engine`]): a new
//! drop is parsed alone and added to it (an engine request removes a file). The set's binary
//! form (which carries no file text) goes out only when asked, to the share worker (see
//! [`loupe::worker_client`]); the page only ever gets answers.
//!
//! A big OTLP/JSON file is split among parsers (one per core but the page's, or the page's
//! `?parsers=N`): this worker starts its own script again as helpers, kept ready, each of which
//! reads a part of the file and sends it back to be joined.
//!
//! Messages in: `{files: [[name, File or Uint8Array, fresh], …]}` (fresh files, and, when
//! the worker holds nothing, the files loaded before; a `File` is read here, as a stream), `{kind: "wire"}`, `{kind: "ask", request: Uint8Array}` (an engine request),
//! `{kind: "clear"}`, or, to a helper, `{kind: "part", file, split, at, end}`.
//! Out: `{kind: "ready"}` once started; for files `{kind: "progress", done, label}`, then
//! `{kind: "done", files: JSON}` (a status per file sent); for `wire`, `{kind: "wire", set:
//! ArrayBuffer}`; for `ask`, `{kind: "answer", response: ArrayBuffer}`; for `clear`, `{kind:
//! "cleared"}`; for `part`, `{kind: "part", part: ArrayBuffer}` (no `part` if it failed); or
//! `{kind: "failed", error}`.

use gloo_events::EventListener;
use js_sys::{Array, ArrayBuffer, Promise, Uint8Array};
use loupe::engine_host::{EngineHost, NOTHING_HELD};
use loupe::messages::{data_of, failed, field, message, post_buffer, serve};
use loupe::parse::{Decoder, FileReader, InOnePart, SplitFile, add_files, feed_all};
use loupe_core::{Part, RawRef, SplitKind, TraceSetBuilder};
use std::cell::RefCell;
use std::future::{Future, Ready};
use std::pin::Pin;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent, ReadableStreamByobReader,
    Worker, WorkerGlobalScope, WorkerOptions,
};

thread_local! {
    /// The engine over the set loaded, with the texts of the files read whole.
    static HOST: RefCell<EngineHost> = RefCell::new(EngineHost::default());
    /// The browser files of the set's sources (by source index), to read a span's JSON again.
    static FILES: RefCell<Vec<Option<Blob>>> = const { RefCell::new(Vec::new()) };
    /// Helper workers ready to read a part of a big file.
    static HELPERS: RefCell<Vec<Helper>> = const { RefCell::new(Vec::new()) };
}

/// How much of a browser file is read at a time.
const CHUNK: u32 = 1 << 20;

/// Reads a browser file part by part: a byte stream read into one scratch buffer of ours,
/// reused (so no trail of discarded chunks is left to JavaScript's collector), or, where the
/// browser's file stream takes no buffer of ours, slices read one at a time. Written over
/// `web-sys`, not `gloo-file`: gloo reads a blob whole (a `FileReader` into one buffer or
/// string), where a file here must stream in parts that are never whole in memory.
struct BlobReader {
    /// The file, or why its bytes could not be reached.
    blob: Result<Blob, String>,
    stream: Option<ReadableStreamByobReader>,
    scratch: Option<ArrayBuffer>,
    /// Bytes read so far (for slices).
    at: f64,
}

impl BlobReader {
    fn new(blob: Result<Blob, String>) -> BlobReader {
        BlobReader {
            stream: blob
                .as_ref()
                .ok()
                .and_then(|b| ReadableStreamByobReader::new(&b.stream()).ok()),
            blob,
            scratch: Some(ArrayBuffer::new(CHUNK)),
            at: 0.0,
        }
    }

    /// The next slice, read with `FileReaderSync`.
    fn next_slice(&mut self, blob: &Blob, part: &mut Vec<u8>) -> Result<bool, String> {
        let size = blob.size();
        if self.at >= size {
            return Ok(false);
        }
        let end = (self.at + f64::from(CHUNK)).min(size);
        *part = read_slice(blob, self.at, end)
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
        let blob = self.blob.clone()?;
        let size = blob.size();
        if size > LARGEST {
            return Err(format!(
                "at {:.1} GB the file is larger than a tab can hold (4 GB); open it with the \
                 loupe command line, or split it",
                size / 1e9
            ));
        }
        let Some(stream) = &self.stream else {
            return self.next_slice(&blob, part);
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

/// A browser file: read from any place, and parts of it read by helper workers (this worker's
/// script started again, which answers a `part` message).
struct BlobFile(Blob);

impl SplitFile for BlobFile {
    type Reader = BlobReader;

    fn size(&self) -> usize {
        self.0.size() as usize
    }

    fn reader(&self, from: usize, to: usize) -> BlobReader {
        let slice = self
            .0
            .slice_with_f64_and_f64(from as f64, to as f64)
            .map_err(|e| format!("the browser could not read the file: {e:?}"));
        BlobReader::new(slice)
    }

    fn window(&self, from: usize, len: usize) -> Option<Vec<u8>> {
        let end = (from + len).min(self.size());
        read_slice(&self.0, from as f64, end as f64).ok()
    }

    fn parse_part(
        &self,
        kind: SplitKind,
        at: usize,
        end: usize,
    ) -> impl Future<Output = Option<Part>> + 'static {
        let answer = helper_part(&self.0, kind, at, end);
        async move {
            let (answer, _stop) = answer?;
            let data = JsFuture::from(answer).await.ok()?;
            let bytes = Uint8Array::new(&field(&data, "part")).to_vec();
            loupe_core::wire::decode_part(&bytes).ok()
        }
    }
}

/// The names of the ways to split a file, in `part` messages.
const SPLIT_KINDS: [(SplitKind, &str); 2] = [
    (SplitKind::Lines, "lines"),
    (SplitKind::OtlpSpans, "otlp-spans"),
];

/// The name helper workers are started with (they start no helpers of their own).
const HELPER: &str = "loupe-helper";

/// The most helpers kept ready: a big file is read by at most one more parser than this.
const MAX_HELPERS: usize = 3;

/// A helper worker, started ahead so that it is ready when a big file comes.
struct Helper {
    worker: Worker,
    /// Resolves with its first message once it is ready (`null` if it could not start).
    ready: Promise,
}

/// Stops a helper once its answer is in, or no longer wanted (its memory grew with the part).
struct Stop(Worker);

impl Drop for Stop {
    fn drop(&mut self) {
        self.0.terminate();
    }
}

/// Starts a helper worker: this worker's script again, under the helpers' name.
fn start_helper() -> Option<Helper> {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let options = WorkerOptions::new();
    options.set_name(HELPER);
    let worker = Worker::new_with_options(&scope.location().href(), &options).ok()?;
    let first = next_message(&worker);
    let ready = wasm_bindgen_futures::future_to_promise(async move { Ok(first.await) });
    Some(Helper { worker, ready })
}

/// `worker`'s next message (`null` if it fails first). Listens from now on; the listeners
/// are removed and freed once it comes.
fn next_message(worker: &Worker) -> impl std::future::Future<Output = JsValue> + use<> {
    let mut resolved = None;
    let promise = Promise::new(&mut |resolve, _| resolved = Some(resolve));
    let listeners = resolved.map(|resolve| {
        let failed = resolve.clone();
        (
            EventListener::new(worker, "message", move |ev| {
                let _ = resolve.call1(&JsValue::NULL, &data_of(ev));
            }),
            EventListener::new(worker, "error", move |_| {
                let _ = failed.call1(&JsValue::NULL, &JsValue::NULL);
            }),
        )
    });
    async move {
        let Some(listeners) = listeners else {
            return JsValue::NULL;
        };
        let answer = JsFuture::from(promise).await.unwrap_or(JsValue::NULL);
        drop(listeners);
        answer
    }
}

/// How many parsers read a big file: `parsers=N` in the page's address (passed on to this
/// worker's), else one per core but one (the page's own), at most one more than
/// [`MAX_HELPERS`].
fn parsers() -> usize {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let query = scope.location().search();
    let asked = query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("parsers=")?.parse::<usize>().ok());
    let cores = scope.navigator().hardware_concurrency() as usize;
    asked
        .unwrap_or(cores.saturating_sub(1))
        .clamp(1, MAX_HELPERS + 1)
}

/// Keeps a helper ready for each parser of a big file but this one.
fn keep_helpers_ready() {
    let wanted = parsers() - 1;
    HELPERS.with_borrow_mut(|helpers| {
        while helpers.len() < wanted {
            match start_helper() {
                Some(helper) => helpers.push(helper),
                None => break,
            }
        }
    });
}

/// The Parquet decoder's script, beside this worker's.
const DECODER: &str = "./loupe-parquet_loader.js";

/// Has a decoder worker read the Parquet file `name`: started for it (its wasm is fetched when
/// the first Parquet file comes), and stopped once it answered.
fn decode_parquet(
    name: String,
    bytes: Vec<u8>,
) -> Pin<Box<dyn Future<Output = Result<Vec<u8>, String>>>> {
    Box::pin(async move {
        let cannot = "the Parquet decoder could not start".to_string();
        let Ok(worker) = Worker::new(DECODER) else {
            return Err(cannot);
        };
        let _stop = Stop(worker.clone());
        if next_message(&worker).await.is_null() {
            return Err(cannot);
        }
        let answer = next_message(&worker);
        let buffer: ArrayBuffer = Uint8Array::from(&bytes[..]).buffer();
        drop(bytes);
        let request = message(&[
            ("kind", "decode".into()),
            ("name", name.into()),
            ("bytes", buffer.clone().into()),
        ]);
        worker
            .post_message_with_transfer(&request, &Array::of1(&buffer))
            .map_err(|_| "the Parquet file could not be sent to its decoder".to_string())?;
        let answer = answer.await;
        match field(&answer, "kind").as_string().as_deref() {
            Some("decoded") => Ok(Uint8Array::new(&field(&answer, "read")).to_vec()),
            Some("failed") => Err(field(&answer, "error").as_string().unwrap_or_default()),
            _ => Err("the Parquet decoder stopped before it answered (out of memory?)".into()),
        }
    })
}

/// Has a helper read bytes `at..end` of `blob` as a part of it: its answer (`{kind: "part",
/// part}`, without `part` if it failed; `null` if the helper failed, `undefined` if it took
/// too long), and the helper, which stops when dropped.
fn helper_part(blob: &Blob, kind: SplitKind, at: usize, end: usize) -> Option<(Promise, Stop)> {
    let helper = HELPERS.with_borrow_mut(Vec::pop).or_else(start_helper)?;
    let stop = Stop(helper.worker.clone());
    let name = SPLIT_KINDS.iter().find(|k| k.0 == kind)?.1;
    let request = message(&[
        ("kind", "part".into()),
        ("file", blob.into()),
        ("split", name.into()),
        ("at", (at as f64).into()),
        ("end", (end as f64).into()),
    ]);
    let worker = helper.worker.clone();
    // Runs now, not when awaited: the request goes as soon as the helper is ready.
    let answer = wasm_bindgen_futures::future_to_promise(async move {
        if JsFuture::from(helper.ready).await?.is_null() {
            return Ok(JsValue::NULL);
        }
        let answer = next_message(&worker);
        worker.post_message(&request)?;
        Ok(answer.await)
    });
    // A helper that stops without a word (out of memory) must not hold the load: past a
    // generous time for its share (10 s, and 1 s per 10 MB), the worker reads it itself.
    let limit_ms = u32::try_from(10_000 + (end - at) / 10_000).unwrap_or(u32::MAX);
    let limit = wasm_bindgen_futures::future_to_promise(async move {
        gloo_timers::future::TimeoutFuture::new(limit_ms).await;
        Ok(JsValue::UNDEFINED)
    });
    Some((Promise::race(&Array::of2(&answer, &limit)), stop))
}

/// As a helper: reads the part of a file a `part` message asks for, and sends it back.
async fn read_part(scope: DedicatedWorkerGlobalScope, data: JsValue) {
    let part = async {
        let file = BlobFile(field(&data, "file").dyn_into().ok()?);
        let name = field(&data, "split").as_string()?;
        let kind = SPLIT_KINDS.iter().find(|k| k.1 == name)?.0;
        let at = field(&data, "at").as_f64()? as usize;
        let end = field(&data, "end").as_f64()? as usize;
        let mut builder = TraceSetBuilder::new();
        let mut feed = builder.start_part("part", kind, at);
        feed_all(&mut builder, &mut feed, file.reader(at, end))
            .await
            .ok()?;
        let part = builder.end_part(feed, end >= file.size()).ok()?;
        loupe_core::wire::encode_part(&part).ok()
    }
    .await;
    match part {
        Some(bytes) => post_buffer(&scope, &[("kind", "part".into())], "part", &bytes),
        None => {
            let _ = scope.post_message(&message(&[("kind", "part".into())]));
        }
    }
}

/// How a sent file is read: a browser file part by part; bytes (pasted text, a demo) whole.
enum SentReader {
    Blob(BlobFile, BlobReader),
    Bytes(InOnePart<Ready<Result<Vec<u8>, String>>>),
}

impl FileReader for SentReader {
    async fn next_part<'a>(&'a mut self, part: &'a mut Vec<u8>) -> Result<bool, String> {
        match self {
            SentReader::Blob(_, r) => r.next_part(part).await,
            SentReader::Bytes(r) => r.next_part(part).await,
        }
    }

    fn in_one_part(&self) -> bool {
        matches!(self, SentReader::Bytes(_))
    }

    fn split_file(&self) -> Option<&impl SplitFile> {
        match self {
            SentReader::Blob(file, _) => Some(file),
            SentReader::Bytes(_) => None,
        }
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
            Ok(blob) => SentReader::Blob(BlobFile(blob.clone()), BlobReader::new(Ok(blob))),
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
    // A place cut short (the head of a long span) may end inside a character.
    String::from_utf8(bytes)
        .or_else(|e| {
            let whole = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(whole);
            String::from_utf8(bytes)
        })
        .ok()
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
    let readers = (parsers(), Some(decode_parquet as Decoder));
    let (set, statuses) = add_files(set, files, readers, progress).await;
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
    // Helpers that read parts stopped: others start, once the page has shown the files.
    gloo_timers::callback::Timeout::new(2000, keep_helpers_ready).forget();
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
        Some("part") => wasm_bindgen_futures::spawn_local(read_part(scope.clone(), data)),
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
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if scope.name() != HELPER {
        keep_helpers_ready();
    }
}
