//! The loaded files: each with its format and span count, its warnings, or its error.

use crate::format;
use crate::state::{AppState, FileStatus};
use leptos::prelude::*;

fn file_row(f: FileStatus) -> impl IntoView {
    let size = format::bytes(f.bytes);
    match f.outcome {
        Ok(loaded) => {
            let warnings = loaded.warnings.len();
            view! {
                <li class="file ok" data-testid="file-ok">
                    <span class="file-name">{f.name}</span>
                    <span class="file-meta">
                        {format!("{} · {} spans · {size}", loaded.format, format::count(loaded.spans as u64))}
                    </span>
                    {(warnings > 0).then(|| view! {
                        <details class="file-warnings">
                            <summary>{format::plural(warnings as u64, "warning")}</summary>
                            <ul>{loaded.warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                        </details>
                    })}
                </li>
            }
            .into_any()
        }
        Err(error) => view! {
            <li class="file failed" data-testid="file-error">
                <span class="file-name">{f.name}</span>
                <span class="file-meta">{size}</span>
                <span class="file-error-text">{error}</span>
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
                    {move || state.files.get().into_iter().map(file_row).collect_view()}
                    {move || state.last_load_ms.get().map(|ms| view! {
                        <li class="load-time muted" data-testid="load-time" data-ms=format!("{ms:.0}")>
                            {format!("loaded in {}", format::duration((ms * 1e6) as i64))}
                        </li>
                    })}
                </ul>
            </section>
        </Show>
    }
}
