//! The open trace's notes: each pinned to the trace or to one of its spans, with a box to pin
//! another to the selected span (or to the trace when none is selected).

use crate::notes::Notes;
use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::bundle::Note;
use loupe_core::engine::{Request, Response};
use std::collections::HashMap;

/// The notes of trace `trace` and the box to add one.
#[component]
pub fn NotesPanel(
    /// Index of the open trace.
    trace: u32,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let notes = expect_context::<Notes>();
    let draft = RwSignal::new(String::new());
    // The engine's names of this trace and of the selected span, when it is in this trace.
    let named = move || state.named.get().filter(|n| n.trace == trace);
    let trace_id = move || named().map(|n| n.trace_id);
    let selected = move || named().and_then(|n| n.span_key);
    let pin = move || {
        let text = draft.get_untracked().trim().to_string();
        let Some(trace) = untrack(trace_id) else {
            return;
        };
        if text.is_empty() {
            return;
        }
        let span = untrack(selected).map(|(id, _)| id);
        notes.add([Note { trace, span, text }]);
        draft.set(String::new());
    };
    let list = move || {
        let Some(id) = trace_id() else {
            return Vec::new();
        };
        notes.of_trace(&id)
    };
    // The spans the notes are pinned to, found by the engine: key → (span, name).
    let targets = RwSignal::new(HashMap::<String, (u32, String)>::new());
    Effect::new(move |_| {
        let Some(id) = trace_id() else {
            return;
        };
        let keys: Vec<String> = list().into_iter().filter_map(|n| n.span).collect();
        leptos::task::spawn_local(async move {
            let request = Request::Locate {
                trace_id: id,
                span_keys: keys.clone(),
            };
            if let Ok(Response::Located(Some(found))) = worker_client::ask(request).await {
                let map = keys
                    .into_iter()
                    .zip(found.spans)
                    .filter_map(|(key, span)| Some((key, span?)))
                    .collect();
                targets.try_set(map);
            }
        });
    });
    let span_name = move |id: &str| targets.with(|t| t.get(id).cloned());
    view! {
        <section class="notes" data-testid="notes" aria-label="Notes">
            <For each=list key=|n| (n.span.clone(), n.text.clone()) let:note>
                {
                    let key = note.span.clone();
                    let pinned_to = move || match key.as_deref().map(|id| span_name(id).ok_or(id)) {
                        None => view! { <span class="muted">"trace"</span> }.into_any(),
                        Some(Ok((i, name))) => view! {
                            <button class="link" on:click=move |_| state.span.set(Some(i))>{name}</button>
                        }.into_any(),
                        Some(Err(id)) => view! { <span class="muted">{format!("span {id} (not loaded)")}</span> }.into_any(),
                    };
                    let removed = note.clone();
                    view! {
                        <div class="note" data-testid="note" data-span=note.span.clone().unwrap_or_default()>
                            <span class="note-target">"✎ " {pinned_to}</span>
                            <span class="note-text">{note.text.clone()}</span>
                            <button class="link" title="Remove this note" aria-label="Remove this note"
                                on:click=move |_| notes.remove(&removed)>"×"</button>
                        </div>
                    }
                }
            </For>
            <form class="note-form" on:submit=move |ev| { ev.prevent_default(); pin(); }>
                <input type="text" data-testid="note-text" prop:value=draft
                    placeholder=move || match selected() {
                        Some((_, name)) => format!("Pin a note to {name}…"),
                        None => "Pin a note to this trace…".to_string(),
                    }
                    on:input=move |ev| draft.set(event_target_value(&ev)) />
                <button type="submit" data-testid="note-add">"Pin note"</button>
            </form>
        </section>
    }
}
