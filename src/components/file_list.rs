//! The loaded files: each with its format, its figures (the same as `loupe summary --json`
//! gives per file), its warnings, or its error, a button that removes it, and A and B buttons
//! that compare files as the baseline and the candidate.

use crate::analysis::{Analysis, compare_sets};
use crate::format;
use crate::state::{AppState, FileStatus};
use leptos::prelude::*;
use loupe_core::engine::Figures;
use loupe_core::query::file_term;

/// A file's figures, as `loupe summary --json` gives them per file.
fn figures(t: Figures) -> impl IntoView + use<> {
    let text = t.line();
    let (cost, source) = (t.cost_usd, t.cost_source);
    view! {
        <span class="file-figures" data-testid="file-figures"
            data-traces=t.traces data-spans=t.spans data-errors=t.errors data-llm-calls=t.llm_calls
            data-embedding-calls=t.embedding_calls
            data-input-tokens=t.input_tokens data-output-tokens=t.output_tokens
            data-cost=cost.map(|c| c.to_string()) data-cost-source=source>
            {text}
        </span>
    }
}

/// The button that removes row `row`'s file (disabled while files load).
fn remove_button(state: AppState, row: usize, name: &str) -> impl IntoView + use<> {
    let label = format!("Remove {name}");
    view! {
        <button class="file-remove" data-testid="file-remove" title=label.clone() aria-label=label
            disabled=move || state.progress.with(Option::is_some)
            on:click=move |_| leptos::task::spawn_local(state.remove(row))>
            "×"
        </button>
    }
}

/// Buttons that make file `name` the baseline (A) or the candidate (B) of a comparison; once
/// both sides are files, the Compare tab opens on them.
fn side_buttons(analysis: Analysis, name: &str) -> impl IntoView + use<> {
    let filter = file_term(name);
    let is_file = |s: &str| s.starts_with("file:");
    let pick = move |first: bool| {
        let filter = filter.clone();
        move |_| {
            let (mut a, mut b) = analysis.sides.get_untracked();
            if first {
                a = filter.clone();
            } else {
                b = filter.clone();
            }
            if is_file(&a) && is_file(&b) {
                compare_sets(analysis, a, b);
            } else {
                analysis.sides.set((a, b));
            }
        }
    };
    let chosen = move |first: bool, f: String| {
        move || {
            analysis
                .sides
                .with(|s| if first { s.0 == f } else { s.1 == f })
        }
    };
    let f = file_term(name);
    view! {
        <span class="file-sides">
            <button class="side" data-testid="file-baseline" title="Compare this file, as the baseline"
                class:chosen=chosen(true, f.clone()) on:click=pick(true)>"A"</button>
            <button class="side" data-testid="file-candidate" title="Compare this file, as the candidate"
                class:chosen=chosen(false, f) on:click=pick(false)>"B"</button>
        </span>
    }
}

fn file_row(state: AppState, row: usize, f: FileStatus, totals: Option<Figures>) -> impl IntoView {
    let size = format::bytes(f.bytes);
    let remove = remove_button(state, row, &f.name);
    let analysis = expect_context::<Analysis>();
    match f.outcome {
        Ok(loaded) => {
            // The engine's warnings as they stand now, else those of the load.
            let list = totals
                .as_ref()
                .map_or(loaded.warnings.clone(), |t| t.warnings.clone());
            let warnings = list.len();
            view! {
                <li class="file ok" data-testid="file-ok">
                    {remove}
                    <span class="file-name">{loupe_core::shown(&f.name)}</span>
                    <span class="file-meta">
                        {format!("{} · {} spans · {size}", loaded.format, format::count(loaded.spans as u64))}
                    </span>
                    {totals.map(figures)}
                    {side_buttons(analysis, &f.name)}
                    {(warnings > 0).then(|| view! {
                        <details class="file-warnings">
                            <summary>{format::plural(warnings as u64, "warning")}</summary>
                            <ul>{list.into_iter().map(|w| view! { <li>{loupe_core::shown(&w)}</li> }).collect_view()}</ul>
                        </details>
                    })}
                </li>
            }
            .into_any()
        }
        Err(error) => view! {
            <li class="file failed" data-testid="file-error">
                {remove}
                <span class="file-name">{loupe_core::shown(&f.name)}</span>
                <span class="file-meta">{size}</span>
                <span class="file-error-text">{loupe_core::shown(&error)}</span>
            </li>
        }
        .into_any(),
    }
}

/// The list of dropped files and their outcomes.
#[component]
pub fn FileList() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || state.files.with(|f| !f.is_empty())>
            <section class="files" aria-label="Loaded files">
                <ul>
                    {move || {
                        let by_source = state.figures.with(|f| f.by_source.clone());
                        state.files.get().into_iter().enumerate().map(|(row, f)| {
                            let totals = f.outcome.as_ref().ok()
                                .and_then(|l| by_source.get(l.source as usize).cloned());
                            file_row(state, row, f, totals)
                        }).collect_view()
                    }}
                    {move || state.last_load.get().map(|last| view! {
                        <li class="load-time muted" data-testid="load-time" data-ms=format!("{:.0}", last.ms)
                            data-parser=if last.in_worker { "worker" } else { "page" }>
                            {format!("loaded in {}", format::duration((last.ms * 1e6) as i64))}
                        </li>
                    })}
                </ul>
            </section>
        </Show>
    }
}
