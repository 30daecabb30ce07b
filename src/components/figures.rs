//! The overall figures of everything loaded: traces, spans, errors, LLM calls, tokens, and cost
//! (recorded where the files record it, else computed from the price table).

use crate::format;
use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::engine::Figures;

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

/// The figures over everything loaded, as the engine gives them.
#[component]
pub fn Figures() -> impl IntoView {
    let state = expect_context::<AppState>();
    let figures = state.figures;
    let cost_title = move || figures.with(Figures::cost_source_text);
    let n = move |f: fn(&Figures) -> u64| Signal::derive(move || format::count(figures.with(f)));
    view! {
        <div class="figures">
            <Figure label="traces" testid="trace-count" value=n(|t| t.traces) />
            <Figure label="spans" testid="span-count" value=n(|t| t.spans) />
            <Figure label="errors" testid="error-count" value=n(|t| t.errors) />
            <Figure label="LLM calls" testid="llm-call-count" value=n(|t| t.llm_calls) />
            <Show when=move || figures.with(|f| f.embedding_calls > 0)>
                <Figure label="embeddings" testid="embedding-call-count" value=n(|t| t.embedding_calls) />
            </Show>
            <Figure label="input tokens" testid="input-tokens" value=n(|t| t.input_tokens) />
            <Figure label="output tokens" testid="output-tokens" value=n(|t| t.output_tokens) />
            <div class="figure" title=cost_title>
                <span class="figure-value" data-testid="total-cost"
                    data-usd=move || figures.with(|f| f.cost_usd.map(|x| x.to_string()))>{move || format::cost(figures.with(|f| f.cost_usd))}</span>
                <span class="figure-label">"cost"</span>
            </div>
        </div>
    }
}
