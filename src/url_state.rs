//! The view state in the URL fragment: `#tab=cost&q=model%3Agpt-4o*&trace=<id>&span=<id>`.
//! The fragment never reaches a server. Reloading the page and dropping the same files shows
//! the same view: the trace and span are found again by their ids once the files are loaded.

use crate::analysis::{Analysis, Tab};
use crate::state::AppState;
use leptos::prelude::*;

/// The fragment's fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewState {
    /// The open tab.
    pub tab: Option<Tab>,
    /// The filter.
    pub query: String,
    /// The open trace's id.
    pub trace: Option<String>,
    /// The selected span's id.
    pub span: Option<String>,
}

fn decode(s: &str) -> String {
    js_sys::decode_uri_component(&s.replace('+', " "))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| s.to_string())
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

impl ViewState {
    /// Reads a fragment (with or without its `#`).
    pub fn parse(fragment: &str) -> ViewState {
        let mut v = ViewState::default();
        for pair in fragment.trim_start_matches('#').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "tab" => v.tab = Tab::from_id(&value),
                "q" => v.query = value,
                "trace" if !value.is_empty() => v.trace = Some(value),
                "span" if !value.is_empty() => v.span = Some(value),
                _ => {}
            }
        }
        v
    }

    /// Writes the fragment, `#` included.
    pub fn to_fragment(&self) -> String {
        let mut parts = Vec::new();
        if let Some(tab) = self.tab {
            parts.push(format!("tab={}", tab.id()));
        }
        if !self.query.is_empty() {
            parts.push(format!("q={}", encode(&self.query)));
        }
        if let Some(t) = &self.trace {
            parts.push(format!("trace={}", encode(t)));
        }
        if let Some(s) = &self.span {
            parts.push(format!("span={}", encode(s)));
        }
        format!("#{}", parts.join("&"))
    }
}

/// Finds the trace with id `trace_id` and, in it, the span with id `span_id` (as shown, or hex).
pub fn locate(
    set: &loupe_core::TraceSet,
    trace_id: &str,
    span_id: Option<&str>,
) -> Option<(u32, Option<u32>)> {
    let t = set
        .traces()
        .iter()
        .position(|t| t.id.to_string() == trace_id)? as u32;
    let r = set.traces()[t as usize].spans;
    let span = span_id.and_then(|id| {
        (r.start..r.end).find(|&i| {
            let s = set.span(i);
            s.span_id_text() == id || s.span_id().to_string() == id
        })
    });
    Some((t, span))
}

fn current_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn write_fragment(fragment: &str) {
    let Some(w) = web_sys::window() else { return };
    if current_fragment() == fragment || (fragment == "#" && current_fragment().is_empty()) {
        return;
    }
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment));
    }
}

/// Restores the view from the fragment, and keeps the fragment in step with the view.
pub fn sync(state: AppState, analysis: Analysis) {
    let initial = ViewState::parse(&current_fragment());
    if let Some(tab) = initial.tab {
        analysis.tab.set(tab);
    }
    analysis.query.set(initial.query.clone());
    let pending = RwSignal::new((initial.trace.is_some()).then_some((initial.trace, initial.span)));

    // Once data is loaded, open the trace and span the fragment names.
    Effect::new(move |_| {
        let Some((Some(trace_id), span_id)) = pending.get() else {
            return;
        };
        let found = state
            .data
            .with(|d| locate(d.as_ref()?, &trace_id, span_id.as_deref()));
        if let Some((t, span)) = found {
            pending.set(None);
            state.trace.set(Some(t));
            state.span.set(span);
        }
    });

    // Keep the fragment in step.
    Effect::new(move |_| {
        let tab = analysis.tab.get();
        let query = analysis.query.get();
        let (trace, span) = (state.trace.get(), state.span.get());
        let ids = state.data.with(|d| {
            let set = d.as_ref()?;
            let t = trace?;
            let tr = set.traces().get(t as usize)?;
            let s = span
                .filter(|&s| (s as usize) < set.span_count())
                .map(|s| set.span(s).span_id_text());
            Some((tr.id.to_string(), s))
        });
        // While the files named in the fragment are not loaded yet, keep their ids.
        let (trace, span) = match (ids, pending.get_untracked()) {
            (Some((t, s)), _) => (Some(t), s),
            (None, Some((t, s))) => (t, s),
            (None, None) => (None, None),
        };
        let view = ViewState {
            tab: (tab != Tab::default()).then_some(tab),
            query,
            trace,
            span,
        };
        write_fragment(&view.to_fragment());
    });
}
