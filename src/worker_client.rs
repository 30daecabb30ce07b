//! The page's side of the parsing Web Worker: start it, hand it the files (their buffers are
//! transferred, not copied), relay its progress, and decode the set it sends back; ask it for
//! redacted bundles of that set.

use crate::export_job::{ExportRequest, ExportSummary};
use crate::parse::FileStatus;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use loupe_core::TraceSet;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// The worker's loader, beside the page (trunk writes it with `data-loader-shim`).
const WORKER_URL: &str = "./loupe-worker_loader.js";

/// A file's bytes, held by JavaScript until they are handed over.
pub struct FileBytes {
    /// The file's name.
    pub name: String,
    /// Its bytes.
    pub data: Uint8Array,
    /// Whether it is newly dropped.
    pub fresh: bool,
}

fn field(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A promise and the functions that settle it.
fn promise() -> (Promise, Function, Function) {
    let mut settle = None;
    let p = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let (resolve, reject) =
        settle.unwrap_or_else(|| (Function::new_no_args(""), Function::new_no_args("")));
    (p, resolve, reject)
}

thread_local! {
    /// The started worker, kept between loads so each load does not pay for its start-up.
    static WORKER: std::cell::RefCell<Option<Worker>> = const { std::cell::RefCell::new(None) };
}

/// The parsing worker: the one already started, or a new one. `None` where no worker can
/// start (its script is missing, or workers are unavailable).
pub async fn worker() -> Option<Worker> {
    if let Some(w) = WORKER.with_borrow(Clone::clone) {
        return Some(w);
    }
    let w = start().await?;
    WORKER.with_borrow_mut(|slot| *slot = Some(w.clone()));
    Some(w)
}

/// Forgets the kept worker, after it failed.
pub fn discard() {
    if let Some(w) = WORKER.with_borrow_mut(Option::take) {
        w.terminate();
    }
}

/// Starts a worker and waits until it says it is ready.
async fn start() -> Option<Worker> {
    // A report is one file: its policy allows no worker script, so it parses on the page.
    if crate::report::is_report() {
        return None;
    }
    let worker = Worker::new(WORKER_URL).ok()?;
    let (p, resolve, reject) = promise();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let _ = resolve.call1(&JsValue::NULL, &ev.data());
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        let _ = reject.call0(&JsValue::NULL);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let ready = JsFuture::from(p).await;
    worker.set_onmessage(None);
    worker.set_onerror(None);
    match ready {
        Ok(msg) if field(&msg, "kind").as_string().as_deref() == Some("ready") => Some(worker),
        _ => {
            worker.terminate();
            None
        }
    }
}

/// Sends `message` to `worker` (handing over `transfer`) and waits for its answer, calling
/// `progress(done, label)` as it reports. One request at a time: a second waits for the first.
async fn request(
    worker: &Worker,
    message: &js_sys::Object,
    transfer: &Array,
    progress: impl Fn(usize, String) + 'static,
) -> Result<JsValue, String> {
    let _turn = Turn::take().await;
    let (p, resolve, reject) = promise();
    let reject_on_error = reject.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        match field(&data, "kind").as_string().as_deref() {
            Some("progress") => progress(
                field(&data, "done").as_f64().unwrap_or(0.0) as usize,
                field(&data, "label").as_string().unwrap_or_default(),
            ),
            Some("done" | "exported") => {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
            _ => {
                let _ = reject.call1(&JsValue::NULL, &field(&data, "error"));
            }
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
        let _ = reject_on_error.call1(&JsValue::NULL, &e.message().into());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    worker
        .post_message_with_transfer(message, transfer)
        .map_err(|e| format!("could not reach the background parser: {e:?}"))?;
    let answer = JsFuture::from(p).await.map_err(|e| {
        e.as_string()
            .unwrap_or_else(|| "the background parser stopped".to_string())
    });
    worker.set_onmessage(None);
    worker.set_onerror(None);
    answer
}

thread_local! {
    /// Whether a request is with the worker.
    static BUSY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The worker's attention, held by one request at a time.
struct Turn;

impl Turn {
    async fn take() -> Turn {
        while BUSY.get() {
            crate::state::next_paint().await;
        }
        BUSY.set(true);
        Turn
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        BUSY.set(false);
    }
}

/// Parses `files` in `worker`, calling `progress(done, label)` as it reports.
pub async fn parse(
    worker: &Worker,
    files: Vec<FileBytes>,
    progress: impl Fn(usize, String) + 'static,
) -> Result<(TraceSet, Vec<FileStatus>), String> {
    let list = Array::new();
    let transfer = Array::new();
    for f in files {
        let buffer = f.data.buffer();
        list.push(&Array::of3(&f.name.into(), &f.data, &f.fresh.into()));
        transfer.push(&buffer);
    }
    let message = js_sys::Object::new();
    let _ = Reflect::set(&message, &"files".into(), &list);
    let done = request(worker, &message, &transfer, progress).await?;
    let statuses: Vec<FileStatus> =
        serde_json::from_str(&field(&done, "files").as_string().unwrap_or_default())
            .map_err(|e| format!("the parser's report could not be read: {e}"))?;
    let bytes = Uint8Array::new(&field(&done, "set")).to_vec();
    let set = loupe_core::wire::decode(&bytes).map_err(|e| e.to_string())?;
    Ok((set, statuses))
}

/// Has the worker write the bundle `req` asks for, from the set it parsed last.
pub async fn export(req: &ExportRequest) -> Result<(ExportSummary, Option<Vec<u8>>), String> {
    let worker = worker().await.ok_or(
        "sharing runs in Loupe's background parser, which could not start here \
         (a standalone report has none: share the report itself)",
    )?;
    let json = serde_json::to_string(req).map_err(|e| e.to_string())?;
    let message = js_sys::Object::new();
    let _ = Reflect::set(&message, &"kind".into(), &"export".into());
    let _ = Reflect::set(&message, &"request".into(), &json.into());
    let answer = request(&worker, &message, &Array::new(), |_, _| {}).await?;
    let summary = serde_json::from_str(&field(&answer, "summary").as_string().unwrap_or_default())
        .map_err(|e| format!("the parser's summary could not be read: {e}"))?;
    let bundle = field(&answer, "bundle");
    let bytes = (!bundle.is_undefined()).then(|| Uint8Array::new(&bundle).to_vec());
    Ok((summary, bytes))
}
