//! The app's state: what is loaded, what each dropped file became, and what is selected.
//! Loading hands the files to the parsing worker (or parses them on the page where no worker
//! can start), reports progress, and takes the engine's figures.

use crate::parse::{InOnePart, add_files};
use crate::worker_client::{self, FileBytes, Payload};
use js_sys::Uint8Array;
use leptos::prelude::*;
use loupe_core::TraceSet;
use loupe_core::engine::{Figures, Named, Request};

pub use crate::parse::{FileStatus, Loaded};

/// Where a load stands.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Steps done.
    pub done: usize,
    /// Steps in all (files, plus building the trees).
    pub total: usize,
    /// What is happening now.
    pub label: String,
}

/// Something to load: a dropped or picked file, or text (pasted, or the demo).
#[derive(Clone)]
pub enum Input {
    /// A browser file.
    File(web_sys::File),
    /// Text with a name.
    Text(String, String),
    /// Bytes with a name (a report's embedded session).
    Bytes(String, Vec<u8>),
    /// Something that could not be read, and why.
    Failed(String, String),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::File(f) => f.name(),
            Input::Text(name, _) | Input::Bytes(name, _) | Input::Failed(name, _) => name.clone(),
        }
    }

    /// The contents, as the parser takes them: a browser file stays a handle (never read on
    /// the page).
    fn payload(&self) -> Result<Payload, String> {
        match self {
            Input::Text(_, text) => Ok(Payload::Bytes(Uint8Array::from(text.as_bytes()))),
            Input::Bytes(_, bytes) => Ok(Payload::Bytes(Uint8Array::from(bytes.as_slice()))),
            Input::Failed(_, error) => Err(error.clone()),
            Input::File(f) => Ok(Payload::Blob(f.clone().into())),
        }
    }
}

/// Memory taken by files that failed (see [`FileStatus::grown`]) after which the parsing worker
/// is replaced by a fresh one.
const RENEW_AFTER: u64 = 32 << 20;

/// The app's shared state, passed down by context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Each dropped file's outcome, in drop order.
    pub files: RwSignal<Vec<FileStatus>>,
    /// The load under way, if any.
    pub progress: RwSignal<Option<Progress>>,
    /// The open trace.
    pub trace: RwSignal<Option<u32>>,
    /// The selected span.
    pub span: RwSignal<Option<u32>>,
    /// How the last load went.
    pub last_load: RwSignal<Option<LastLoad>>,
    /// The figures of everything loaded, as the engine gives them.
    pub figures: RwSignal<Figures>,
    /// The ids of the open trace and span, as the engine names them (see [`crate::url_state`]).
    pub named: RwSignal<Option<Named>>,
    /// The price overrides the engine prices calls with (JSON; see [`crate::analysis`]).
    pub price_overrides: StoredValue<String>,
    /// How many sets have been loaded (a removal counts): names the engine's set for the
    /// workers.
    pub loads: StoredValue<u64>,
    /// The inputs that loaded, in load order, each with its index among the engine's sources:
    /// a browser file is a handle, not its bytes. They are read again only when the parsing
    /// worker no longer holds them (it was replaced).
    loaded: StoredValue<Vec<(u32, Input)>>,
}

/// How the last load went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LastLoad {
    /// How long it took, in milliseconds, from the first byte read to the trees.
    pub ms: f64,
    /// Whether the files were parsed in the Web Worker (else on the page itself).
    pub in_worker: bool,
}

impl AppState {
    /// Empty state.
    pub fn new() -> Self {
        AppState {
            files: RwSignal::new(Vec::new()),
            progress: RwSignal::new(None),
            trace: RwSignal::new(None),
            span: RwSignal::new(None),
            last_load: RwSignal::new(None),
            figures: RwSignal::new(Figures::default()),
            named: RwSignal::new(None),
            price_overrides: StoredValue::new(String::new()),
            loads: StoredValue::new(0),
            loaded: StoredValue::new(Vec::new()),
        }
    }

    /// Forgets everything loaded.
    pub fn clear(&self) {
        self.files.set(Vec::new());
        self.trace.set(None);
        self.span.set(None);
        self.last_load.set(None);
        self.figures.set(Figures::default());
        self.loaded.set_value(Vec::new());
        wasm_bindgen_futures::spawn_local(worker_client::clear());
    }

    /// Loads `inputs` beside what is already loaded. Parsing runs in a Web Worker so the page
    /// stays responsive (on the page itself where no worker can start). A failed file is listed
    /// with its error; the others still load.
    pub async fn load(self, inputs: Vec<Input>) {
        if inputs.is_empty() || self.progress.get_untracked().is_some() {
            return;
        }
        let started = js_sys::Date::now();
        let total = inputs.len() + 1;
        let report = move |done: usize, label: String| {
            self.progress.set(Some(Progress { done, total, label }));
        };
        report(0, "Reading files".into());
        next_paint().await;

        let worker = worker_client::worker().await;
        let in_worker = worker.is_some();
        let load = self.loads.get_value() + 1;
        // The files loaded before go along unless the worker still holds them.
        let holds = in_worker && worker_client::parser_holds(load - 1);
        let mut files: Vec<FileBytes> = Vec::new();
        let mut unreadable = Vec::new();
        if !holds {
            files.extend(self.loaded_again());
        }
        let again = files.len();
        let mut fresh = Vec::new();
        for input in inputs {
            match input.payload() {
                Ok(data) => {
                    files.push(FileBytes {
                        name: input.name(),
                        data,
                        fresh: true,
                    });
                    fresh.push(input);
                }
                Err(error) => unreadable.push(FileStatus {
                    name: input.name(),
                    bytes: 0,
                    grown: 0,
                    outcome: Err(error),
                }),
            }
        }

        // The engine holds the set: the worker's, or the page's own where no worker starts.
        let parsed = match worker {
            Some(worker) => {
                let result = worker_client::parse(&worker, load, files, report).await;
                if result.is_err() {
                    worker_client::discard();
                }
                result
            }
            None => {
                // Everything is parsed again here: the page keeps no set between loads.
                let files = files
                    .into_iter()
                    .map(|f| (f.name, f.fresh, InOnePart(Some(f.data.read()))));
                let (set, statuses) =
                    add_files(TraceSet::default(), files, (1, None), |done, label| {
                        report(done, label.to_string())
                    })
                    .await;
                worker_client::use_local(set);
                Ok(statuses)
            }
        };
        match parsed {
            Ok(mut statuses) => {
                let again: Vec<FileStatus> = statuses.drain(..again.min(statuses.len())).collect();
                // A file that failed after the worker's memory grew for it (a big file that
                // failed part way, a gzip bomb stopped at its ceiling) left that memory taken
                // (wasm memory never shrinks): a fresh worker then reads the files loaded again.
                let wasted: u64 = statuses
                    .iter()
                    .filter(|s| s.outcome.is_err())
                    .map(|s| s.grown)
                    .sum();
                self.renumber(&again);
                self.loaded.update_value(|kept| {
                    kept.extend(
                        fresh
                            .into_iter()
                            .zip(&statuses)
                            .filter_map(|(input, status)| {
                                Some((status.outcome.as_ref().ok()?.source, input))
                            }),
                    )
                });
                self.files.update(|f| {
                    f.extend(statuses);
                    f.extend(unreadable);
                });
                self.loads.set_value(load);
                if in_worker && wasted > RENEW_AFTER {
                    worker_client::discard();
                    self.reload_loaded().await;
                }
                self.refresh_figures().await;
                self.span.set(None);
                self.trace
                    .set(self.figures.with_untracked(|f| f.traces == 1).then_some(0));
            }
            Err(error) => {
                // The parser stopped: a file too big for the tab's memory is the likely cause.
                let names: Vec<String> = fresh.iter().map(Input::name).collect();
                self.files.update(|f| {
                    f.push(FileStatus {
                        name: names.join(", "),
                        bytes: 0,
                        grown: 0,
                        outcome: Err(format!(
                            "the background parser stopped while reading this (most likely it \
                             does not fit in this tab's memory; open it with the loupe command \
                             line, or split it): {error}"
                        )),
                    })
                });
                // The worker that failed is gone with the files it held: a fresh one reads
                // the files loaded before again, so the views keep answering.
                if in_worker && !self.loaded.with_value(Vec::is_empty) {
                    let restore = self.reload_loaded();
                    self.progress.set(None);
                    restore.await;
                }
            }
        }
        self.last_load.set(Some(LastLoad {
            ms: js_sys::Date::now() - started,
            in_worker,
        }));
        self.progress.set(None);
    }

    /// The files loaded before, to hand to a parser that does not hold them.
    fn loaded_again(&self) -> Vec<FileBytes> {
        self.loaded.with_value(|inputs| {
            inputs
                .iter()
                .filter_map(|(_, input)| {
                    Some(FileBytes {
                        name: input.name(),
                        data: input.payload().ok()?,
                        fresh: false,
                    })
                })
                .collect()
        })
    }

    /// Reads the files loaded before into a fresh parsing worker, listing nothing new.
    async fn reload_loaded(self) {
        let Some(worker) = worker_client::worker().await else {
            return;
        };
        let load = self.loads.get_value();
        match worker_client::parse(&worker, load, self.loaded_again(), |_, _| {}).await {
            Ok(statuses) => self.renumber(&statuses),
            Err(_) => worker_client::discard(),
        }
    }

    /// After the files loaded before were read again (`again`, a status each, in order): their
    /// rows take their new places among the sources, and a file that could not be read again
    /// says why.
    fn renumber(&self, again: &[FileStatus]) {
        let moves: Vec<(u32, Result<u32, String>)> = self.loaded.with_value(|kept| {
            kept.iter()
                .zip(again)
                .map(|((old, _), status)| {
                    let now = status
                        .outcome
                        .as_ref()
                        .map(|l| l.source)
                        .map_err(Clone::clone);
                    (*old, now)
                })
                .collect()
        });
        if moves.iter().all(|(old, now)| now.as_ref() == Ok(old)) {
            return;
        }
        self.files.update(|rows| {
            for row in rows.iter_mut() {
                let Ok(loaded) = &mut row.outcome else {
                    continue;
                };
                match moves.iter().find(|(old, _)| *old == loaded.source) {
                    Some((_, Ok(now))) => loaded.source = *now,
                    Some((_, Err(why))) => row.outcome = Err(why.clone()),
                    None => {}
                }
            }
        });
        self.loaded.update_value(|kept| {
            let mut moves = moves.into_iter();
            kept.retain_mut(|(source, _)| match moves.next() {
                Some((_, Ok(now))) => {
                    *source = now;
                    true
                }
                _ => false,
            });
        });
    }

    /// Removes the file in row `row` of the file list: the engine drops its spans without
    /// reading any other file again, and the figures and views follow.
    pub async fn remove(self, row: usize) {
        if self.progress.get_untracked().is_some() {
            return;
        }
        let Some(status) = self.files.with_untracked(|f| f.get(row).cloned()) else {
            return;
        };
        if let Ok(loaded) = &status.outcome {
            if let Err(error) = worker_client::ask(Request::Remove(loaded.source)).await {
                self.files.update(|f| {
                    if let Some(row) = f.get_mut(row) {
                        row.outcome = Err(format!("could not be removed: {error}"));
                    }
                });
                return;
            }
            let load = self.loads.get_value() + 1;
            worker_client::changed_in_place(load);
            self.loads.set_value(load);
            self.loaded
                .update_value(|kept| kept.retain(|(source, _)| *source != loaded.source));
            self.span.set(None);
            self.trace.set(None);
        }
        self.files.update(|f| {
            if row < f.len() {
                f.remove(row);
            }
        });
        self.refresh_figures().await;
    }
}

impl AppState {
    /// Has the engine price calls with the current overrides, then shows its figures.
    pub async fn refresh_figures(self) {
        worker_client::sync_prices(self.price_overrides.get_value()).await;
        self.figures.set(worker_client::figures().await);
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// Resolves after the browser has had a chance to paint.
pub async fn next_paint() {
    gloo_timers::future::TimeoutFuture::new(16).await;
}
