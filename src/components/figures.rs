//! The overall figures of everything loaded: traces, spans, errors, LLM calls, tokens, and cost
//! (recorded where the files record it, else computed from the price table).

use crate::analysis::Analysis;
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
    let analysis = expect_context::<Analysis>();
    let cost_title = move || {
        analysis.costs.with(|c| match c.source() {
            "recorded" => "as the files record it",
            "computed" => "computed from the price table",
            "mixed" => "recorded where the files record it, else computed from the price table",
            _ => "no LLM call has a recorded cost or a known price",
        })
    };
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
            <div class="figure" title=cost_title>
                <span class="figure-value" data-testid="total-cost"
                    data-usd=move || analysis.costs.with(|c| c.total().map(|x| x.to_string()))>{move || format::cost(analysis.costs.with(|c| c.total()))}</span>
                <span class="figure-label">"cost"</span>
            </div>
        </div>
    }
}
