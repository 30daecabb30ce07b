//! The page: header with figures and actions, a drop zone over the whole window, the file
//! list, and the trace list or the open trace.

use crate::analysis::{Analysis, Tab};
use crate::components::compare_view::CompareView;
use crate::components::cost_view::CostView;
use crate::components::figures::Figures;
use crate::components::file_list::FileList;
use crate::components::filter_bar::FilterBar;
use crate::components::flame_view::AggregateFlameView;
use crate::components::latency_view::LatencyView;
use crate::components::link_button::CopyLink;
use crate::components::overview::Overview;
use crate::components::progress::ProgressBar;
use crate::components::share::Share;
use crate::components::shortcuts::Shortcuts;
use crate::components::trace_list::TraceList;
use crate::components::trace_view::TraceView;
use crate::state::{AppState, Input};
use crate::theme::{ThemeChoice, ThemeToggle};
use leptos::html::Input as InputElement;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// Name under which the built-in demo loads.
pub const DEMO_NAME: &str = "demo-agent-run.json";

fn files_of(list: Option<web_sys::FileList>) -> Vec<Input> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(Input::File)
        .collect()
}

/// Whether an event happened in a text field (where paste and keys belong to the field).
pub(crate) fn in_text_field(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"))
}

/// Window-wide drag and drop and paste. Returns whether a drag is over the window.
fn window_inputs(state: AppState) -> RwSignal<bool> {
    let dragging = RwSignal::new(false);
    let over = window_event_listener(leptos::ev::dragover, move |ev| {
        ev.prevent_default();
        dragging.set(true);
    });
    let leave = window_event_listener(leptos::ev::dragleave, move |ev| {
        // Leaving to outside the window reports no related target.
        if ev.related_target().is_none() {
            dragging.set(false);
        }
    });
    let drop = window_event_listener(leptos::ev::drop, move |ev| {
        ev.prevent_default();
        dragging.set(false);
        let inputs = files_of(ev.data_transfer().and_then(|dt| dt.files()));
        spawn_local(state.load(inputs));
    });
    let paste = window_event_listener(leptos::ev::paste, move |ev| {
        if in_text_field(ev.target()) {
            return;
        }
        let Some(dt) = ev.clipboard_data() else {
            return;
        };
        let files = files_of(dt.files());
        let inputs = if !files.is_empty() {
            files
        } else {
            match dt.get_data("text") {
                Ok(text) if !text.trim().is_empty() => {
                    vec![Input::Text("pasted.json".into(), text)]
                }
                _ => return,
            }
        };
        ev.prevent_default();
        spawn_local(state.load(inputs));
    });
    on_cleanup(move || {
        over.remove();
        leave.remove();
        drop.remove();
        paste.remove();
    });
    dragging
}

/// The empty page: what Loupe is and how to start.
#[component]
fn Welcome(open_picker: Callback<()>, open_demo: Callback<()>) -> impl IntoView {
    view! {
        <section class="welcome">
            <h2>"Drop trace files anywhere on this page"</h2>
            <p>"OpenTelemetry, Phoenix, Langfuse, LangSmith, MLflow, Helicone, Jaeger, Zipkin, Chrome traces and Loupe bundles, gzipped or not — several at once. Or paste JSON."</p>
            <p class="actions">
                <button class="primary" on:click=move |_| open_picker.run(())>"Open files…"</button>
                <button data-testid="open-demo" on:click=move |_| open_demo.run(())>"Open the demo trace"</button>
            </p>
            <p class="privacy">"Everything stays in this tab: Loupe makes no network requests, and the page's security policy forbids them."</p>
        </section>
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    provide_context(ThemeChoice::start());
    let analysis = Analysis::new(state);
    provide_context(analysis);
    let notes = crate::notes::Notes::load();
    provide_context(notes);
    crate::url_state::sync(state, analysis);
    crate::components::share::restore_bundles(state, analysis, notes);
    let dragging = window_inputs(state);
    crate::report::load_embedded(state);
    // Start the parsing worker now, so the first drop does not wait for it.
    spawn_local(async {
        crate::worker_client::worker().await;
    });
    let picker = NodeRef::<InputElement>::new();
    let open_picker = Callback::new(move |()| {
        if let Some(input) = picker.get() {
            input.click();
        }
    });
    let open_demo = Callback::new(move |()| {
        spawn_local(state.load(vec![Input::Text(
            DEMO_NAME.into(),
            loupe_core::generate::demo(),
        )]));
    });
    let on_pick = move |_| {
        let Some(input) = picker.get() else { return };
        let inputs = files_of(input.files());
        input.set_value("");
        spawn_local(state.load(inputs));
    };
    let has_data =
        move || state.figures.with(|f| f.traces > 0) || state.files.with(|f| !f.is_empty());

    view! {
        <header class="top">
            <h1 class="logo">"Loupe"</h1>
            <Figures />
            <div class="top-actions">
                <input type="file" multiple accept=".json,.jsonl,.gz,.txt,application/json"
                    class="hidden" node_ref=picker on:change=on_pick data-testid="file-input" />
                <button on:click=move |_| open_picker.run(())>"Open files…"</button>
                <button data-testid="demo-button" on:click=move |_| open_demo.run(())>"Demo"</button>
                <ThemeToggle />
                <Show when=has_data>
                    <CopyLink />
                    <Share />
                    <button disabled=move || state.progress.with(Option::is_some)
                        on:click=move |_| state.clear()>"Clear"</button>
                </Show>
            </div>
        </header>
        <ProgressBar />
        <main>
            <FileList />
            <Show when=has_data>
                <FilterBar />
                <nav class="tabs" role="tablist">
                    {Tab::ALL.map(|tab| view! {
                        <button role="tab" class="tab" class:active=move || analysis.tab.get() == tab
                            data-testid=format!("tab-{}", tab.id())
                            on:click=move |_| analysis.tab.set(tab)>{tab.label()}</button>
                    }).into_iter().collect_view()}
                </nav>
            </Show>
            {move || match (has_data(), analysis.tab.get(), state.trace.get()) {
                (false, _, _) => view! { <Welcome open_picker open_demo /> }.into_any(),
                (true, Tab::Overview, _) => view! { <Overview /> }.into_any(),
                (true, Tab::Traces, None) => view! { <TraceList /> }.into_any(),
                (true, Tab::Traces, Some(t)) => view! { <TraceView trace=t /> }.into_any(),
                (true, Tab::Flame, _) => view! { <AggregateFlameView /> }.into_any(),
                (true, Tab::Latency, _) => view! { <LatencyView /> }.into_any(),
                (true, Tab::Cost, _) => view! { <CostView /> }.into_any(),
                (true, Tab::Compare, _) => view! { <CompareView /> }.into_any(),
            }}
        </main>
        <Shortcuts />
        <Show when=move || dragging.get()>
            <div class="drop-overlay"><div>"Drop to load — nothing leaves this machine"</div></div>
        </Show>
    }
}
