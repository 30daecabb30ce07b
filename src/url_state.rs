//! The view state: what is shown (tab, filter, open trace and span, how the trace is drawn and
//! zoomed, the aggregated flame graph's weight and focus), as a session bundle records it and
//! as the URL fragment carries it: `#tab=flame&q=model%3Agpt-4o*&trace=<id>&span=<id>&mode=flame
//! &zoom=0-5000000&weight=self&focus=agent&focus=llm`, and what the Compare tab compares:
//! `compare=traces&base=<id>&cand=<id>` or `compare=sets&base=tag%3Av1&cand=tag%3Av2`. The
//! fragment never reaches a server; a colleague who opens the same link and drops the same files
//! sees the same view, the traces and span being found again by their ids once the files are
//! loaded.

use crate::analysis::{Analysis, Tab, TraceMode};
use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::bundle::{Comparing, View};
use loupe_core::engine::{Named, Request, Response};
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
    let (mut compare, mut base, mut cand) = (None, None, None);
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
            "compare" => compare = Some(value),
            "base" => base = Some(value),
            "cand" => cand = Some(value),
            _ => {}
        }
    }
    v.compare = match (compare.as_deref(), base, cand) {
        (Some("traces"), Some(baseline), Some(candidate))
            if !baseline.is_empty() && !candidate.is_empty() =>
        {
            Some(Comparing::Traces {
                baseline,
                candidate,
            })
        }
        (Some("sets"), baseline, candidate) => Some(Comparing::Sets {
            baseline: baseline.unwrap_or_default(),
            candidate: candidate.unwrap_or_default(),
        }),
        _ => None,
    };
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
    if let Some(c) = &v.compare {
        let (kind, base, cand) = match c {
            Comparing::Traces {
                baseline,
                candidate,
            } => ("traces", baseline, candidate),
            Comparing::Sets {
                baseline,
                candidate,
            } => ("sets", baseline, candidate),
        };
        put("compare", kind);
        put("base", base);
        put("cand", cand);
    }
    format!("#{}", parts.join("&"))
}

/// The ids of the open trace and span, when the engine has named the ones open now.
fn open_ids(state: AppState) -> Option<Named> {
    let (trace, span) = (state.trace.get(), state.span.get());
    state
        .named
        .get()
        .filter(|n| Some(n.trace) == trace && n.span == span)
}

/// The view shown now (read with tracking, so an effect reruns when it changes). Defaults are
/// left out, so a fresh page has an empty fragment. The open trace and span are named by their
/// ids once the engine has given them.
pub fn capture(state: AppState, analysis: Analysis) -> View {
    let named = open_ids(state);
    let trace_id = named.as_ref().map(|n| n.trace_id.clone());
    let span_id = named.and_then(|n| n.span_key).map(|(key, _)| key);
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
        compare: analysis.compared.get(),
    }
}

/// Shows `view`'s tab, filter, modes and focus.
fn apply_settings(analysis: Analysis, view: &View) {
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
    analysis.sides.set(match &view.compare {
        Some(Comparing::Sets {
            baseline,
            candidate,
        }) => (baseline.clone(), candidate.clone()),
        _ => (String::new(), String::new()),
    });
    analysis.compared.set(view.compare.clone());
}

/// Opens the trace, span and zoom `view` names, if the engine finds the trace.
async fn apply_trace(state: AppState, analysis: Analysis, view: &View) {
    let Some(trace_id) = view.trace.clone() else {
        return;
    };
    let request = Request::Locate {
        trace_id: trace_id.clone(),
        span_keys: view.span.iter().cloned().collect(),
    };
    let Ok(Response::Located(Some(found))) = worker_client::ask(request).await else {
        return;
    };
    state.trace.set(Some(found.trace));
    state
        .span
        .set(found.spans.first().cloned().flatten().map(|(i, _)| i));
    analysis.zoom.set(view.zoom.map(|w| (trace_id, w)));
}

/// Shows `view`: its tab, filter, modes and focus at once; its trace, span and zoom once the
/// engine finds the trace among those loaded.
pub async fn apply(state: AppState, analysis: Analysis, view: View) {
    apply_settings(analysis, &view);
    apply_trace(state, analysis, &view).await;
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
    apply_settings(analysis, &initial);
    // The trace the fragment names is looked for once, in the first files loaded: after that
    // the view is the user's (or a dropped bundle's), never overwritten by the fragment again.
    let pending = RwSignal::new(initial.trace.is_some().then_some(initial));
    let looking = StoredValue::new(false);
    Effect::new(move |_| {
        if state.figures.with(|f| f.traces == 0) || looking.get_value() {
            return;
        }
        let Some(view) = pending.get_untracked() else {
            return;
        };
        looking.set_value(true);
        leptos::task::spawn_local(async move {
            apply_trace(state, analysis, &view).await;
            pending.set(None);
        });
    });

    // The engine names the open trace and span (their ids, as links and notes name them).
    Effect::new(move |_| {
        state.figures.track();
        let (trace, span) = (state.trace.get(), state.span.get());
        let Some(trace) = trace else {
            state.named.set(None);
            return;
        };
        leptos::task::spawn_local(async move {
            let answer = worker_client::ask(Request::Name { trace, span }).await;
            if (state.trace.get_untracked(), state.span.get_untracked()) == (Some(trace), span) {
                state.named.try_set(match answer {
                    Ok(Response::Named(n)) => Some(n),
                    _ => None,
                });
            }
        });
    });

    Effect::new(move |_| {
        // A trace just opened is written once the engine has named it.
        if state.trace.get().is_some() && open_ids(state).is_none() {
            return;
        }
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
