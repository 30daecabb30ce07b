//! The overall figures: traces, spans, errors, LLM calls, tokens and recorded cost.

use crate::format;
use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::Totals;

/// One labelled figure with a stable test id.
#[component]
fn Figure(label: &'static str, testid: &'static str, value: Signal<String>) -> impl IntoView {
    view! {
        <div class="figure">
            <span class="figure-value" data-testid=testid>{value}</span>
            <span class="figure-label">{label}</span>
        </div>
    }
}

/// The figures over everything loaded.
#[component]
pub fn Figures() -> impl IntoView {
    let state = expect_context::<AppState>();
    let totals = Memo::new(move |_| {
        state
            .data
            .with(|d| d.as_ref().map(|set| set.totals()).unwrap_or_default())
    });
    let n = move |f: fn(&Totals) -> u64| Signal::derive(move || format::count(totals.with(f)));
    view! {
        <div class="figures">
            <Figure label="traces" testid="trace-count" value=n(|t| t.traces) />
            <Figure label="spans" testid="span-count" value=n(|t| t.spans) />
            <Figure label="errors" testid="error-count" value=n(|t| t.errors) />
            <Figure label="LLM calls" testid="llm-call-count" value=n(|t| t.llm_calls) />
            <Figure label="input tokens" testid="input-tokens" value=n(|t| t.input_tokens) />
            <Figure label="output tokens" testid="output-tokens" value=n(|t| t.output_tokens) />
            <Figure
                label="recorded cost"
                testid="total-cost"
                value=Signal::derive(move || format::cost(totals.with(|t| t.cost_usd)))
            />
        </div>
    }
}
