//! The view state: what is shown (tab, filter, open trace and span, how the trace is drawn and
//! zoomed, the aggregated flame graph's weight and focus), as a session bundle records it and
//! as the URL fragment carries it: `#tab=flame&q=model%3Agpt-4o*&trace=<id>&span=<id>&mode=flame
//! &zoom=0-5000000&weight=self&focus=agent&focus=llm`. The fragment never reaches a server; a
//! colleague who opens the same link and drops the same files sees the same view, the trace and
//! span being found again by their ids once the files are loaded.

use crate::analysis::{Analysis, Tab, TraceMode};
use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::bundle::View;
use loupe_core::flame::Weight;

fn decode(s: &str) -> String {
    js_sys::decode_uri_component(&s.replace('+', " "))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| s.to_string())
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// Reads a fragment (with or without its `#`). Unknown keys and malformed values are skipped.
pub fn parse_fragment(fragment: &str) -> View {
    let mut v = View::default();
    for pair in fragment.trim_start_matches('#').split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match key {
            "tab" if Tab::from_id(&value).is_some() => v.tab = Some(value),
            "q" => v.query = value,
            "trace" if !value.is_empty() => v.trace = Some(value),
            "span" if !value.is_empty() => v.span = Some(value),
            "mode" if TraceMode::from_id(&value).is_some() => v.mode = Some(value),
            "zoom" => {
                v.zoom = value
                    .split_once('-')
                    .and_then(|(a, b)| Some([a.parse().ok()?, b.parse().ok()?]))
                    .filter(|[a, b]| a < b);
            }
            "weight" if Weight::from_id(&value).is_some() => v.weight = Some(value),
            "focus" => v.focus.push(value),
            _ => {}
        }
    }
    v
}

/// Writes the fragment, `#` included.
pub fn to_fragment(v: &View) -> String {
    let mut parts = Vec::new();
    let mut put = |key: &str, value: &str| parts.push(format!("{key}={}", encode(value)));
    if let Some(tab) = &v.tab {
        put("tab", tab);
    }
    if !v.query.is_empty() {
        put("q", &v.query);
    }
    if let Some(t) = &v.trace {
        put("trace", t);
    }
    if let Some(s) = &v.span {
        put("span", s);
    }
    if let Some(m) = &v.mode {
        put("mode", m);
    }
    if let Some([a, b]) = v.zoom {
        put("zoom", &format!("{a}-{b}"));
    }
    if let Some(w) = &v.weight {
        put("weight", w);
    }
    for name in &v.focus {
        put("focus", name);
    }
    format!("#{}", parts.join("&"))
}

/// Finds the trace with id `trace_id` and, in it, the span with key `span_id`.
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
    // By key; else by the id as shown or in hex, as links written before keys named spans.
    let span = span_id.and_then(|id| {
        (r.start..r.end)
            .find(|&i| set.span(i).key() == id)
            .or_else(|| {
                (r.start..r.end).find(|&i| {
                    let s = set.span(i);
                    s.span_id_text() == id || s.span_id().to_string() == id
                })
            })
    });
    Some((t, span))
}

/// The view shown now (read with tracking, so an effect reruns when it changes). Defaults are
/// left out, so a fresh page has an empty fragment.
pub fn capture(state: AppState, analysis: Analysis) -> View {
    let (trace, span) = (state.trace.get(), state.span.get());
    let (trace_id, span_id) = state
        .data
        .with(|d| {
            let set = d.as_ref()?;
            let tr = set.traces().get(trace? as usize)?;
            let s = span
                .filter(|&s| (s as usize) < set.span_count())
                .map(|s| set.span(s).key());
            Some((Some(tr.id.to_string()), s))
        })
        .unwrap_or_default();
    let tab = analysis.tab.get();
    let mode = analysis.mode.get();
    let weight = analysis.weight.get();
    View {
        tab: (tab != Tab::default()).then(|| tab.id().to_string()),
        query: analysis.query.get(),
        zoom: analysis
            .zoom
            .get()
            .filter(|(t, _)| trace_id.as_ref() == Some(t))
            .map(|(_, w)| w),
        trace: trace_id,
        span: span_id,
        mode: (mode != TraceMode::default()).then(|| mode.id().to_string()),
        weight: (weight != Weight::default()).then(|| weight.id().to_string()),
        focus: analysis.focus.get(),
    }
}

/// Shows `view`: its tab, filter, modes and focus at once; its trace, span and zoom if the
/// trace is loaded. Returns whether everything it names was found.
pub fn apply(state: AppState, analysis: Analysis, view: &View) -> bool {
    analysis.tab.set(
        view.tab
            .as_deref()
            .and_then(Tab::from_id)
            .unwrap_or_default(),
    );
    analysis.query.set(view.query.clone());
    analysis.mode.set(
        view.mode
            .as_deref()
            .and_then(TraceMode::from_id)
            .unwrap_or_default(),
    );
    analysis.weight.set(
        view.weight
            .as_deref()
            .and_then(Weight::from_id)
            .unwrap_or_default(),
    );
    analysis.focus.set(view.focus.clone());
    let Some(trace_id) = view.trace.as_deref() else {
        return true;
    };
    let found = state
        .data
        .with_untracked(|d| locate(d.as_ref()?, trace_id, view.span.as_deref()));
    let Some((t, span)) = found else {
        return false;
    };
    state.trace.set(Some(t));
    state.span.set(span);
    analysis
        .zoom
        .set(view.zoom.map(|w| (trace_id.to_string(), w)));
    true
}

fn current_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page's address with `view` as its fragment: a link that shares the view, not the data.
pub fn link(view: &View) -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let base = href.split('#').next().unwrap_or_default();
    Some(format!("{base}{}", to_fragment(view)))
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
    let initial = parse_fragment(&current_fragment());
    let found = apply(state, analysis, &initial);
    // The trace the fragment names is looked for once, in the first files loaded: after that
    // the view is the user's (or a dropped bundle's), never overwritten by the fragment again.
    let pending = RwSignal::new((!found).then_some(initial));
    Effect::new(move |_| {
        if state.data.with(Option::is_some)
            && let Some(view) = pending.get_untracked()
        {
            pending.set(None);
            apply(state, analysis, &view);
        }
    });

    Effect::new(move |_| {
        let mut view = capture(state, analysis);
        // While the files named in the fragment are not loaded yet, keep their ids.
        if view.trace.is_none()
            && let Some(waiting) = pending.get()
        {
            view.trace = waiting.trace;
            view.span = waiting.span;
            view.zoom = waiting.zoom;
        }
        write_fragment(&to_fragment(&view));
    });
}
