//! The progress bar shown while files load.

use crate::state::AppState;
use leptos::prelude::*;

/// A progress bar with what is happening now.
#[component]
pub fn ProgressBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.progress.get().map(|p| {
            let pct = 100.0 * p.done as f64 / p.total.max(1) as f64;
            view! {
                <div class="progress" role="progressbar" data-testid="progress"
                    aria-valuenow=format!("{pct:.0}") aria-valuemin="0" aria-valuemax="100">
                    <div class="progress-fill" style:width=format!("{pct}%")></div>
                    <span class="progress-label">{format!("{}… ({} of {})", p.label, p.done + 1, p.total)}</span>
                </div>
            }
        })
    }
}
