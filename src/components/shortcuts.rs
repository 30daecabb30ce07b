//! Keys that work anywhere on the page, and the sheet that lists every key: `?` opens it, `/`
//! goes to the filter, `Esc` closes the sheet, then (on the Traces tab) the span's detail, then
//! the open trace (a dialog closes itself on `Esc`, and the key is then not the page's). In a text field the keys are the field's, but for `Esc`,
//! which leaves it.

use crate::analysis::{Analysis, Tab};
use crate::state::AppState;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Every key the page knows: where it works, the key, and what it does.
pub const KEYS: &[(&str, &str, &str)] = &[
    ("Anywhere", "?", "show or hide this list"),
    ("Anywhere", "/", "go to the filter"),
    (
        "Anywhere",
        "Esc",
        "close a dialog, then the span's detail, then the open trace",
    ),
    (
        "Anywhere",
        "Ctrl+V",
        "load traces pasted as files or JSON text",
    ),
    ("Filter", "Enter", "apply the filter"),
    ("Filter", "Esc", "clear the filter and leave it"),
    ("Waterfall", "↑ ↓", "move between spans"),
    ("Waterfall", "← →", "collapse or expand a span"),
    ("Waterfall", "Enter", "open the span's detail"),
    (
        "Waterfall",
        "drag",
        "zoom into the range dragged across the bars",
    ),
    ("Waterfall", "0", "show the whole trace"),
    ("Flame graph", "drag", "zoom into the range dragged across"),
    ("Flame graph", "Shift+drag", "pan"),
    ("Flame graph", "+ −", "zoom in or out"),
    ("Flame graph", "← →", "pan"),
    ("Flame graph", "0", "show the whole trace"),
    ("Compare", "Enter", "compare the two filters"),
];

/// Whether a key belongs to the element it was typed in: a text field, or a list box (whose
/// letters pick its options).
fn keys_are_its_own(ev: &web_sys::KeyboardEvent) -> bool {
    crate::app::in_text_field(ev.target())
        || ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.tag_name() == "SELECT")
}

/// Whether a dialog other than the sheet is open (it closes itself on `Esc`).
fn other_dialog_open() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("[role=dialog]:not([data-testid=shortcuts])")
                .ok()
                .flatten()
        })
        .is_some()
}

/// Moves the focus to the filter.
fn focus_filter() {
    let filter = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid=filter]").ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(filter) = filter {
        let _ = filter.focus();
    }
}

/// The page's keys, and the sheet listing them.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let open = RwSignal::new(false);
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        // A key a dialog took (it closed on `Esc`), or a chord, is not the page's.
        if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        if key == "Escape" {
            if open.get_untracked() {
                open.set(false);
            } else if keys_are_its_own(&ev) {
                if let Some(el) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.blur();
                }
            } else if other_dialog_open() || analysis.tab.get_untracked() != Tab::Traces {
                // A dialog closes itself; a trace is closed only where it shows.
                return;
            } else if state.span.get_untracked().is_some() {
                state.span.set(None);
            } else if state.trace.get_untracked().is_some() {
                state.trace.set(None);
            } else {
                return;
            }
            ev.prevent_default();
            return;
        }
        if keys_are_its_own(&ev) {
            return;
        }
        match key.as_str() {
            // Over another dialog, `?` waits: one `Esc` must close one thing.
            "?" if other_dialog_open() => return,
            "?" => open.update(|o| *o = !*o),
            "/" => {
                open.set(false);
                focus_filter();
            }
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || keys.remove());
    let rows = move || {
        KEYS.iter()
            .map(|(place, key, what)| {
                view! { <tr><td class="muted">{*place}</td><td><kbd>{*key}</kbd></td><td>{*what}</td></tr> }
            })
            .collect_view()
    };
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| open.set(false)></div>
            <div class="modal shortcuts" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts">
                <h2>"Keyboard shortcuts"</h2>
                <table><tbody>{rows}</tbody></table>
                <p class="actions"><button on:click=move |_| open.set(false)>"Close"</button></p>
            </div>
        </Show>
    }
}
