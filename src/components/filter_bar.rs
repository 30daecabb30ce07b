//! The filter bar: a query (see `loupe_core::query`) that drives every view, with completion of
//! keys and values found in the data and a clear message for a malformed query.

use crate::analysis::Analysis;
use crate::format;
use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::engine::{Request, Response};
use loupe_core::query::Query;

/// The filter bar.
#[component]
pub fn FilterBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let draft = RwSignal::new(analysis.query.get_untracked());
    // The fragment may set the query after this bar was made.
    Effect::new(move |_| draft.set(analysis.query.get()));
    let focused = RwSignal::new(false);
    let apply = move || analysis.query.set(draft.get_untracked().trim().to_string());
    // Completions from the engine, for the text as it stands.
    let suggestions = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        if !focused.get() {
            suggestions.set(Vec::new());
            return;
        }
        let text = draft.get();
        leptos::task::spawn_local(async move {
            if let Ok(Response::Completions(c)) =
                worker_client::ask(Request::Complete(text.clone())).await
                && draft.get_untracked() == text
                // An answer that comes after the bar lost focus opens nothing.
                && focused.get_untracked()
            {
                suggestions.try_set(c);
            }
        });
    });
    // How many traces the query selects, from the engine.
    let selected = RwSignal::new(0u32);
    Effect::new(move |_| {
        state.figures.track();
        let query = analysis.query.get();
        leptos::task::spawn_local(async move {
            if let Ok(Response::Count(n)) = worker_client::ask(Request::Count(query.clone())).await
                && analysis.query.get_untracked() == query
            {
                selected.try_set(n);
            }
        });
    });
    let error = Memo::new(move |_| draft.with(|d| Query::parse(d).err()));
    let pick = move |s: String| {
        draft.update(|d| {
            let keep = d.len() - d.rsplit(char::is_whitespace).next().unwrap_or("").len();
            d.truncate(keep);
            d.push_str(&s);
            if !s.ends_with(':') && !s.ends_with('.') && !s.ends_with('=') {
                d.push(' ');
            }
        });
        if !draft.with_untracked(|d| d.ends_with(':') || d.ends_with('.') || d.ends_with('=')) {
            apply();
        }
    };
    let count = move || {
        format!(
            "{} of {} traces",
            format::count(u64::from(selected.get())),
            format::count(state.figures.with(|f| f.traces))
        )
    };
    view! {
        <div class="filter-bar">
            <div class="filter-input-wrap">
                <input type="search" class="filter" data-testid="filter" aria-label="Filter"
                    placeholder="Filter: model:gpt-4o* kind:llm status:error duration>2s tokens>1000 cost>0.01 name~retriev user:alice tag:prod"
                    prop:value=draft
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:focus=move |_| focused.set(true)
                    on:blur=move |_| { focused.set(false); apply(); }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" { apply(); }
                        if ev.key() == "Escape" { draft.set(String::new()); apply(); }
                    } />
                <Show when=move || suggestions.with(|s| !s.is_empty())>
                    <ul class="suggestions">
                        {move || suggestions.get().into_iter().map(|s| {
                            let label = s.clone();
                            view! {
                                <li data-testid="filter-suggestion"
                                    on:mousedown=move |ev| { ev.prevent_default(); pick(s.clone()); }>{label}</li>
                            }
                        }).collect_view()}
                    </ul>
                </Show>
            </div>
            <span class="muted" data-testid="filter-count">{count}</span>
            {move || error.get().map(|e| view! {
                <span class="filter-error" data-testid="filter-error" role="alert">{e.to_string()}</span>
            })}
        </div>
    }
}
