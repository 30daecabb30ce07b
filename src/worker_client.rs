//! The page's side of its two Web Workers.
//!
//! - The parser (`loupe-worker`), started with the page: it gets the dropped files (browser
//!   files as handles it reads itself, other bytes transferred, not copied) and reports
//!   progress. It keeps the set with the files' texts, adds new files to it, and its engine
//!   answers the page's requests ([`ask`]): the page never holds the set.
//! - The sharer (`loupe-share-worker`), started when the Share dialog first opens: it holds the
//!   redaction's pattern matching, which neither the page nor the parser carries. It gets the
//!   set's binary form from the parser (relayed, never decoded on the page) and writes redacted
//!   bundles of it.

use crate::export_job::{ExportRequest, ExportSummary};
use crate::messages::{data_of, field, message};
use crate::parse::FileStatus;
use gloo_events::EventListener;
use js_sys::{Array, Function, Object, Promise, Uint8Array};
use loupe_core::TraceSet;
use loupe_core::engine::{Engine, Figures, Request, Response};
use std::cell::{Cell, RefCell};
use std::thread::LocalKey;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Worker;

/// A file to hand to the parser.
pub struct FileBytes {
    /// The file's name.
    pub name: String,
    /// Its contents.
    pub data: Payload,
    /// Whether it is newly dropped.
    pub fresh: bool,
}

/// A file's contents as the page has them.
pub enum Payload {
    /// A browser file (a handle: the worker reads it in chunks, the page never does).
    Blob(web_sys::Blob),
    /// Bytes held by JavaScript (pasted text, the demo, a report's session).
    Bytes(Uint8Array),
}

impl Payload {
    /// The bytes, read here (for parsing on the page itself).
    pub async fn read(self) -> Result<Vec<u8>, String> {
        match self {
            Payload::Bytes(bytes) => Ok(bytes.to_vec()),
            Payload::Blob(blob) => {
                let buf = JsFuture::from(blob.array_buffer())
                    .await
                    .map_err(|e| format!("the browser could not read the file: {e:?}"))?;
                Ok(Uint8Array::new(&buf).to_vec())
            }
        }
    }
}

/// One worker: its loader (beside the page; trunk writes it with `data-loader-shim`), the
/// started worker, and whether a request is with it.
struct Channel {
    url: &'static str,
    worker: RefCell<Option<Worker>>,
    /// Whether the worker is being started: a second caller waits for it rather than starting
    /// another worker, which would hold nothing.
    starting: Cell<bool>,
    busy: Cell<bool>,
    /// Requests waiting for their turn: each one's wake-up, in order.
    waiting: RefCell<Vec<Function>>,
}

impl Channel {
    const fn new(url: &'static str) -> Channel {
        Channel {
            url,
            worker: RefCell::new(None),
            starting: Cell::new(false),
            busy: Cell::new(false),
            waiting: RefCell::new(Vec::new()),
        }
    }
}

thread_local! {
    static PARSER: Channel = const { Channel::new("./loupe-worker_loader.js") };
    static SHARER: Channel = const { Channel::new("./loupe-share-worker_loader.js") };
    /// Which load's set the parser holds.
    static PARSER_HOLDS: Cell<Option<u64>> = const { Cell::new(None) };
    /// Which load's set the sharer holds.
    static SHARER_HOLDS: Cell<Option<u64>> = const { Cell::new(None) };
    /// The engine on the page itself, where no worker can start (a standalone report).
    static LOCAL: RefCell<Option<Engine>> = const { RefCell::new(None) };
    /// The price overrides last sent to the engine.
    static PRICES_SENT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A promise and the functions that settle it.
fn promise() -> (Promise, Function, Function) {
    let mut settle = None;
    let p = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let (resolve, reject) =
        settle.unwrap_or_else(|| (Function::new_no_args(""), Function::new_no_args("")));
    (p, resolve, reject)
}

/// The channel's worker: the one already started, or a new one. `None` where no worker can
/// start (its script is missing, workers are unavailable, or this page is a report, whose
/// policy allows no worker script).
async fn started(channel: &'static LocalKey<Channel>) -> Option<Worker> {
    while channel.with(|c| c.starting.get()) {
        crate::state::next_paint().await;
    }
    if let Some(w) = channel.with(|c| c.worker.borrow().clone()) {
        return Some(w);
    }
    if crate::report::is_report() {
        return None;
    }
    channel.with(|c| c.starting.set(true));
    let w = start(channel.with(|c| c.url)).await;
    channel.with(|c| {
        c.starting.set(false);
        c.worker.borrow_mut().clone_from(&w);
    });
    w
}

/// Starts a worker and waits until it says it is ready. The page's query (`?parsers=N`) is
/// passed on to it.
async fn start(url: &str) -> Option<Worker> {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let worker = Worker::new(&format!("{url}{query}")).ok()?;
    let (p, resolve, reject) = promise();
    let on_message = EventListener::new(&worker, "message", move |ev| {
        let _ = resolve.call1(&JsValue::NULL, &data_of(ev));
    });
    let on_error = EventListener::new(&worker, "error", move |_| {
        let _ = reject.call0(&JsValue::NULL);
    });
    let ready = JsFuture::from(p).await;
    drop((on_message, on_error));
    match ready {
        Ok(msg) if field(&msg, "kind").as_string().as_deref() == Some("ready") => Some(worker),
        _ => {
            worker.terminate();
            None
        }
    }
}

/// The parsing worker, started if need be.
pub async fn worker() -> Option<Worker> {
    started(&PARSER).await
}

/// Forgets the parsing worker, after it failed, and with it the set it held.
pub fn discard() {
    PARSER_HOLDS.set(None);
    PRICES_SENT.set(None);
    if let Some(w) = PARSER.with(|c| c.worker.borrow_mut().take()) {
        w.terminate();
    }
}

/// Whether the parsing worker holds the set of load `load` (see
/// [`crate::state::AppState::loads`]): if not, the files loaded before must be sent again.
pub fn parser_holds(load: u64) -> bool {
    PARSER_HOLDS.get() == Some(load)
}

/// The channel's attention, held by one request at a time.
struct Turn(&'static LocalKey<Channel>);

impl Turn {
    /// Waits until the request before is answered: woken as soon as it is, not a frame later,
    /// so queued requests follow each other at once.
    async fn take(channel: &'static LocalKey<Channel>) -> Turn {
        while channel.with(|c| c.busy.get()) {
            let (p, wake, _) = promise();
            channel.with(|c| c.waiting.borrow_mut().push(wake));
            let _ = JsFuture::from(p).await;
        }
        channel.with(|c| c.busy.set(true));
        Turn(channel)
    }
}

impl Drop for Turn {
    /// Wakes every waiting request (one takes the turn, the others wait again), so that one
    /// given up while it waited holds up no other.
    fn drop(&mut self) {
        let waiting = self.0.with(|c| {
            c.busy.set(false);
            std::mem::take(&mut *c.waiting.borrow_mut())
        });
        for wake in waiting {
            let _ = wake.call0(&JsValue::NULL);
        }
    }
}

/// Sends `message` to the channel's `worker` (handing over `transfer`) and waits for its answer,
/// calling `progress(done, label)` as it reports. A second request waits for the first.
async fn request(
    channel: &'static LocalKey<Channel>,
    worker: &Worker,
    message: &Object,
    transfer: &Array,
    progress: impl Fn(usize, String) + 'static,
) -> Result<JsValue, String> {
    let _turn = Turn::take(channel).await;
    let (p, resolve, reject) = promise();
    let reject_on_error = reject.clone();
    let on_message = EventListener::new(worker, "message", move |ev| {
        let data = data_of(ev);
        match field(&data, "kind").as_string().as_deref() {
            Some("progress") => progress(
                field(&data, "done").as_f64().unwrap_or(0.0) as usize,
                field(&data, "label").as_string().unwrap_or_default(),
            ),
            Some("failed") | None => {
                let _ = reject.call1(&JsValue::NULL, &field(&data, "error"));
            }
            Some(_) => {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        }
    });
    let on_error = EventListener::new(worker, "error", move |e| {
        let message = e
            .dyn_ref::<web_sys::ErrorEvent>()
            .map_or_else(|| "a background worker failed".to_string(), |e| e.message());
        let _ = reject_on_error.call1(&JsValue::NULL, &message.into());
    });
    worker
        .post_message_with_transfer(message, transfer)
        .map_err(|e| format!("could not reach a background worker: {e:?}"))?;
    let answer = JsFuture::from(p).await.map_err(|e| {
        e.as_string()
            .unwrap_or_else(|| "a background worker stopped".to_string())
    });
    drop((on_message, on_error));
    answer
}

/// Parses `files` in `worker` beside the files it holds, as load number `load`, calling
/// `progress(done, label)` as it reports.
pub async fn parse(
    worker: &Worker,
    load: u64,
    files: Vec<FileBytes>,
    progress: impl Fn(usize, String) + 'static,
) -> Result<Vec<FileStatus>, String> {
    // The worker gives up what it held as it reads the files: until it answers, it holds no
    // known load.
    PARSER_HOLDS.set(None);
    let list = Array::new();
    let transfer = Array::new();
    for f in files {
        let data: JsValue = match f.data {
            Payload::Blob(blob) => blob.into(),
            Payload::Bytes(bytes) => {
                transfer.push(&bytes.buffer());
                bytes.into()
            }
        };
        list.push(&Array::of3(&f.name.into(), &data, &f.fresh.into()));
    }
    let done = request(
        &PARSER,
        worker,
        &message(&[("files", list.into())]),
        &transfer,
        progress,
    )
    .await?;
    let statuses: Vec<FileStatus> =
        serde_json::from_str(&field(&done, "files").as_string().unwrap_or_default())
            .map_err(|e| format!("the parser's report could not be read: {e}"))?;
    PARSER_HOLDS.set(Some(load));
    // From now on the worker's engine answers, not one left on the page by an earlier load.
    LOCAL.set(None);
    Ok(statuses)
}

/// Sends `message` to the parsing worker (started if need be) and waits for its answer.
async fn to_parser(message: &Object, transfer: &Array) -> Result<JsValue, String> {
    let parser = started(&PARSER)
        .await
        .ok_or("the background parser is not running")?;
    request(&PARSER, &parser, message, transfer, |_, _| {}).await
}

/// Says that the parser's set changed in place (a file was removed): it holds load `load` now
/// if it held the one before.
pub fn changed_in_place(load: u64) {
    if PARSER_HOLDS.get() == Some(load - 1) {
        PARSER_HOLDS.set(Some(load));
    }
}

/// The binary form of the set the parsing worker holds (a buffer, still in JavaScript).
async fn parser_wire() -> Result<JsValue, String> {
    let wire = to_parser(&message(&[("kind", "wire".into())]), &Array::new()).await?;
    Ok(field(&wire, "set"))
}

/// Has the parsing worker forget its set.
pub async fn clear() {
    PARSER_HOLDS.set(None);
    LOCAL.set(None);
    if PARSER.with(|c| c.worker.borrow().is_some()) {
        let _ = to_parser(&message(&[("kind", "clear".into())]), &Array::new()).await;
    }
}

/// Has the sharer write the bundle `req` asks for from the set of load `load` (see
/// [`crate::state::AppState::loads`]), handing it that set first if it holds another.
pub async fn export(
    req: &ExportRequest,
    load: u64,
) -> Result<(ExportSummary, Option<Vec<u8>>), String> {
    let unavailable = "sharing runs in a background worker, which cannot start here \
                       (a standalone report has none: share the report itself)";
    let sharer = started(&SHARER).await.ok_or(unavailable)?;
    if SHARER_HOLDS.get() != Some(load) {
        let set = parser_wire().await?;
        request(
            &SHARER,
            &sharer,
            &message(&[("kind", "load".into()), ("set", set.clone())]),
            &Array::of1(&set),
            |_, _| {},
        )
        .await?;
        SHARER_HOLDS.set(Some(load));
    }
    let json = serde_json::to_string(req).map_err(|e| e.to_string())?;
    let answer = request(
        &SHARER,
        &sharer,
        &message(&[("kind", "export".into()), ("request", json.into())]),
        &Array::new(),
        |_, _| {},
    )
    .await?;
    let summary = serde_json::from_str(&field(&answer, "summary").as_string().unwrap_or_default())
        .map_err(|e| format!("the sharer's summary could not be read: {e}"))?;
    let bundle = field(&answer, "bundle");
    let bytes = (!bundle.is_undefined()).then(|| Uint8Array::new(&bundle).to_vec());
    Ok((summary, bytes))
}

/// Has the engine answer `request`: the parsing worker's, or the page's own where no worker can
/// start (see [`use_local`]).
pub async fn ask(asked: Request) -> Result<Response, String> {
    let local = LOCAL.with_borrow_mut(|e| {
        e.as_mut()
            .map(|engine| engine.handle(asked.clone()).encode())
    });
    let bytes = match local {
        Some(bytes) => bytes,
        None => {
            let bytes = Uint8Array::from(asked.encode().as_slice());
            let answer = to_parser(
                &message(&[("kind", "ask".into()), ("request", bytes.clone().into())]),
                &Array::of1(&bytes.buffer()),
            )
            .await?;
            Uint8Array::new(&field(&answer, "response")).to_vec()
        }
    };
    match Response::decode(&bytes).map_err(|e| e.to_string())? {
        Response::Failed(why) => Err(why),
        response => Ok(response),
    }
}

/// Answers requests on the page itself, over `set` (where no worker can start).
pub fn use_local(set: TraceSet) {
    PRICES_SENT.set(None);
    LOCAL.set(Some(Engine::new(set)));
}

/// Sends the price overrides `json` to the engine unless it has them; says whether it sent them.
pub async fn sync_prices(json: String) -> bool {
    if PRICES_SENT.with_borrow(|sent| sent.as_ref() == Some(&json)) {
        return false;
    }
    let sent = ask(Request::Prices(json.clone())).await.is_ok();
    if sent {
        PRICES_SENT.set(Some(json));
    }
    sent
}

/// The figures of everything loaded, from the engine (zero when nothing is).
pub async fn figures() -> Figures {
    match ask(Request::Figures).await {
        Ok(Response::Figures(f)) => f,
        _ => Figures::default(),
    }
}
