//! The open trace's notes: each pinned to the trace or to one of its spans, with a box to pin
//! another to the selected span (or to the trace when none is selected).

use crate::notes::Notes;
use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::bundle::Note;

/// The notes of trace `trace` and the box to add one.
#[component]
pub fn NotesPanel(
    /// Index of the open trace.
    trace: u32,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let notes = expect_context::<Notes>();
    let draft = RwSignal::new(String::new());
    let trace_id = move || {
        state.data.with(|d| {
            d.as_ref()
                .and_then(|set| set.traces().get(trace as usize))
                .map(|t| t.id.to_string())
        })
    };
    // The selected span's id and name, when it is in this trace.
    let selected = move || {
        let span = state.span.get()?;
        state.data.with(|d| {
            let set = d.as_ref()?;
            let range = set.traces().get(trace as usize)?.spans;
            (range.start..range.end)
                .contains(&span)
                .then(|| (set.span(span).key(), set.span(span).name().to_string()))
        })
    };
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
    let span_name = move |id: &str| {
        state.data.with(|d| {
            let set = d.as_ref()?;
            let found = crate::url_state::locate(set, &trace_id()?, Some(id))?;
            found.1.map(|i| (i, set.span(i).name().to_string()))
        })
    };
    let list = move || {
        let Some(id) = trace_id() else {
            return Vec::new();
        };
        notes.of_trace(&id)
    };
    view! {
        <section class="notes" data-testid="notes" aria-label="Notes">
            <For each=list key=|n| (n.span.clone(), n.text.clone()) let:note>
                {
                    let target = note.span.as_deref().map(|id| span_name(id).ok_or(id.to_string()));
                    let pinned_to = match target {
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
