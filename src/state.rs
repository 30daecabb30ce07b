//! The app's state: what is loaded, what each dropped file became, and what is selected.
//! Loading reads files, feeds the engine one file at a time, and reports progress.

use leptos::prelude::*;
use loupe_core::{TraceSet, TraceSetBuilder};
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// What became of one dropped file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileStatus {
    /// The file's name.
    pub name: String,
    /// Its size in bytes, as dropped.
    pub bytes: usize,
    /// Its format and span count, or why it failed.
    pub outcome: Result<Loaded, String>,
}

/// A file that loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The detected format.
    pub format: &'static str,
    /// Spans read.
    pub spans: usize,
    /// Problems that lost or altered part of it.
    pub warnings: Vec<String>,
}

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
pub enum Input {
    /// A browser file.
    File(web_sys::File),
    /// Text with a name.
    Text(String, String),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::File(f) => f.name(),
            Input::Text(name, _) => name.clone(),
        }
    }

    async fn bytes(self) -> Result<Vec<u8>, String> {
        match self {
            Input::Text(_, text) => Ok(text.into_bytes()),
            Input::File(f) => {
                let buf = JsFuture::from(f.array_buffer())
                    .await
                    .map_err(|e| format!("the browser could not read the file: {e:?}"))?;
                Ok(js_sys::Uint8Array::new(&buf).to_vec())
            }
        }
    }
}

/// The app's shared state, passed down by context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Everything loaded.
    pub data: RwSignal<Option<Arc<TraceSet>>>,
    /// Each dropped file's outcome, in drop order.
    pub files: RwSignal<Vec<FileStatus>>,
    /// The load under way, if any.
    pub progress: RwSignal<Option<Progress>>,
    /// The open trace.
    pub trace: RwSignal<Option<u32>>,
    /// The selected span.
    pub span: RwSignal<Option<u32>>,
    /// How long the last load took, in milliseconds, from the first byte read to the trees.
    pub last_load_ms: RwSignal<Option<f64>>,
}

impl AppState {
    /// Empty state.
    pub fn new() -> Self {
        AppState {
            data: RwSignal::new(None),
            files: RwSignal::new(Vec::new()),
            progress: RwSignal::new(None),
            trace: RwSignal::new(None),
            span: RwSignal::new(None),
            last_load_ms: RwSignal::new(None),
        }
    }

    /// Forgets everything loaded.
    pub fn clear(&self) {
        self.data.set(None);
        self.files.set(Vec::new());
        self.trace.set(None);
        self.span.set(None);
        self.last_load_ms.set(None);
    }

    /// Loads `inputs` beside what is already loaded, one file at a time, letting the page
    /// repaint between files. A failed file is listed with its error; the others still load.
    pub async fn load(self, inputs: Vec<Input>) {
        if inputs.is_empty() || self.progress.get_untracked().is_some() {
            return;
        }
        let started = js_sys::Date::now();
        let total = inputs.len() + 1;
        let mut builder = TraceSetBuilder::new();
        // What is loaded is read again beside the new files. Taking it out of the signal first
        // lets its text move into the builder instead of being copied.
        if let Some(current) = self.data.try_update(Option::take).flatten() {
            let sources = Arc::try_unwrap(current)
                .map(TraceSet::into_sources)
                .unwrap_or_else(|shared| shared.sources().to_vec());
            for source in sources {
                // These loaded before, so they load again.
                let _ =
                    builder.add_file_owned(&source.name, source.text.into_string().into_bytes());
            }
        }
        let mut statuses = Vec::new();
        for (done, input) in inputs.into_iter().enumerate() {
            let name = input.name();
            self.progress.set(Some(Progress {
                done,
                total,
                label: format!("Reading {name}"),
            }));
            next_paint().await;
            let (bytes, outcome) = match input.bytes().await {
                Ok(bytes) => {
                    let size = bytes.len();
                    let outcome = builder
                        .add_file_owned(&name, bytes)
                        .map(|r| Loaded {
                            format: r.format.label(),
                            spans: r.spans,
                            warnings: r.warnings,
                        })
                        .map_err(|e| e.to_string());
                    (size, outcome)
                }
                Err(e) => (0, Err(e)),
            };
            statuses.push(FileStatus {
                name,
                bytes,
                outcome,
            });
        }
        self.progress.set(Some(Progress {
            done: total - 1,
            total,
            label: "Building span trees".into(),
        }));
        next_paint().await;
        let set = builder.finish();
        let single = (set.traces().len() == 1).then_some(0);
        self.files.update(|f| f.extend(statuses));
        self.span.set(None);
        self.trace.set(single);
        self.data.set(Some(Arc::new(set)));
        self.last_load_ms.set(Some(js_sys::Date::now() - started));
        self.progress.set(None);
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// Resolves after the browser has had a chance to paint.
pub async fn next_paint() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scheduled = web_sys::window().is_some_and(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), 16)
                .is_ok()
        });
        if !scheduled {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
