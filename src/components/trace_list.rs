//! The trace list: one row per trace, sortable by each column, filtered by the filter bar's
//! query; its rows in view are the engine's answer.

use super::virtual_list::VirtualList;
use crate::analysis::Analysis;
use crate::answer::answer;
use crate::format;
use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::browse::{TraceColumn, TraceSort};
use loupe_core::bundle::Comparing;
use loupe_core::engine::{Request, Response};

const ROW_HEIGHT: f64 = 30.0;

const COLUMNS: [(TraceColumn, &str, &str); 11] = [
    (TraceColumn::Name, "Root span", "col-name"),
    (TraceColumn::Service, "Service / models", "col-service"),
    (TraceColumn::Session, "Session", "col-service"),
    (TraceColumn::User, "User", "col-service"),
    (TraceColumn::Start, "Start (UTC)", "col-start"),
    (TraceColumn::Duration, "Duration", "col-num"),
    (TraceColumn::Spans, "Spans", "col-num"),
    (TraceColumn::Errors, "Errors", "col-num"),
    (TraceColumn::LlmCalls, "LLM calls", "col-num"),
    (TraceColumn::Tokens, "Tokens", "col-num"),
    (TraceColumn::Cost, "Cost", "col-num"),
];

/// A sortable column header.
#[component]
fn Header(
    sort: RwSignal<TraceSort>,
    column: TraceColumn,
    label: &'static str,
    class: &'static str,
) -> impl IntoView {
    let arrow = move || {
        let s = sort.get();
        match (s.column == column, s.descending) {
            (false, _) => "",
            (true, false) => " ▲",
            (true, true) => " ▼",
        }
    };
    let on_click = move |_| sort.update(|s| *s = s.clicked(column));
    view! {
        <button class=format!("th {class}") data-testid=format!("sort-{label}") on:click=on_click>
            {label}{arrow}
        </button>
    }
}

/// The list of traces: the engine gives the rows in view, for the filter and order chosen.
#[component]
pub fn TraceList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let sort = RwSignal::new(TraceSort::default());
    let window = RwSignal::new((0usize, 0usize));
    let (shown, _) = answer(
        move || {
            Some(Request::TraceRows {
                query: analysis.query.get(),
                sort: sort.get(),
                start: window.get().0 as u32,
                end: window.get().1 as u32,
            })
        },
        |r| match r {
            Response::TraceRows(w) => Some(w),
            _ => None,
        },
    );
    let row = move |pos: usize| {
        let r = shown.with(|w| w.as_ref()?.row(pos).cloned())?;
        let t = r.trace;
        let models = r.models.join(", ");
        let service = match (r.service.as_str(), models.as_str()) {
            ("", m) => m.to_string(),
            (s, "") => s.to_string(),
            (s, m) => format!("{s} · {m}"),
        };
        let extra_roots = (r.extra_roots > 0).then(|| format!(" +{} roots", r.extra_roots));
        let tokens_title = format!(
            "{} input + {} output tokens",
            format::count(r.input_tokens),
            format::count(r.output_tokens)
        );
        let (session_title, user_title, title) =
            (r.session.clone(), r.user.clone(), r.name.clone());
        let has_errors = r.errors > 0;
        let picked = analysis.picked;
        let pick = move |ev: web_sys::MouseEvent| {
            ev.stop_propagation();
            picked.update(|p| match p.iter().position(|&x| x == t) {
                Some(i) => {
                    p.remove(i);
                }
                // The last two ticked are compared.
                None => {
                    p.push(t);
                    if p.len() > 2 {
                        p.remove(0);
                    }
                }
            });
        };
        Some(view! {
            <div class="tr" class:has-errors=has_errors data-testid="trace-row"
                on:click=move |_| { state.span.set(None); state.trace.set(Some(t)); }>
                <span class="td col-name" title=title>
                    <input type="checkbox" class="pick" data-testid="trace-pick" title="Tick two traces to compare them"
                        prop:checked=move || picked.with(|p| p.contains(&t)) on:click=pick />
                    {r.name}<small>{extra_roots}</small>
                </span>
                <span class="td col-service">{service}</span>
                <span class="td col-service" title=session_title>{r.session}</span>
                <span class="td col-service" title=user_title>{r.user}</span>
                <span class="td col-start">{format::timestamp(r.start)}</span>
                <span class="td col-num">{format::duration(r.duration)}</span>
                <span class="td col-num">{format::count(u64::from(r.spans))}</span>
                <span class="td col-num errors">{format::count(u64::from(r.errors))}</span>
                <span class="td col-num">{format::count(u64::from(r.llm_calls))}</span>
                <span class="td col-num" title=tokens_title>{format::count(r.input_tokens + r.output_tokens)}</span>
                <span class="td col-num">{format::cost(r.cost_usd)}</span>
            </div>
        })
    };
    let count = Signal::derive(move || shown.with(|w| w.as_ref().map_or(0, |w| w.total as usize)));
    // The comparison names the traces by id, as links and bundles do.
    let compare = move |_| {
        let [a, b] = analysis.picked.get_untracked()[..] else {
            return;
        };
        leptos::task::spawn_local(async move {
            let id = |trace| async move {
                match worker_client::ask(Request::Name { trace, span: None }).await {
                    Ok(Response::Named(n)) => Some(n.trace_id),
                    _ => None,
                }
            };
            if let (Some(baseline), Some(candidate)) = (id(a).await, id(b).await) {
                analysis.compared.set(Some(Comparing::Traces {
                    baseline,
                    candidate,
                }));
                analysis.tab.set(crate::analysis::Tab::Compare);
            }
        });
    };
    view! {
        <Show when=move || analysis.picked.with(|p| p.len() == 2)>
            <div class="compare-bar">
                "Two traces ticked: the first is the baseline. "
                <button data-testid="compare-traces" on:click=compare>"Compare"</button>
            </div>
        </Show>
        <section class="trace-list" aria-label="Traces">
            <div class="thead">
                {COLUMNS.map(|(column, label, class)| view! { <Header sort column label class /> }).into_iter().collect_view()}
            </div>
            <VirtualList count row_height=ROW_HEIGHT row window class="tbody" testid="trace-rows" />
        </section>
    }
}
