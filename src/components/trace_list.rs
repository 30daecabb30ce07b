//! The trace list: one row per trace, sortable by each column, filtered by span names.

use super::virtual_list::VirtualList;
use crate::analysis::Analysis;
use crate::format;
use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::browse::{TraceColumn, TraceSort, sort_traces, trace_models};

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
    let on_click = move |_| {
        sort.update(|s| {
            if s.column == column {
                s.descending = !s.descending;
            } else {
                *s = TraceSort {
                    column,
                    descending: !matches!(
                        column,
                        TraceColumn::Name
                            | TraceColumn::Service
                            | TraceColumn::Session
                            | TraceColumn::User
                    ),
                };
            }
        })
    };
    view! {
        <button class=format!("th {class}") data-testid=format!("sort-{label}") on:click=on_click>
            {label}{arrow}
        </button>
    }
}

/// The list of traces.
#[component]
pub fn TraceList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let sort = RwSignal::new(TraceSort::default());
    let cost_of = Memo::new(move |_| {
        state.data.with(|d| {
            d.as_ref()
                .map(|set| analysis.costs.with(|c| c.by_trace(set)))
                .unwrap_or_default()
        })
    });
    let rows = Memo::new(move |_| {
        let s = sort.get();
        let filtered = analysis.filtered.get();
        state.data.with(|d| {
            d.as_ref()
                .map(|set| cost_of.with(|c| sort_traces(set, filtered.to_vec(), s, c)))
                .unwrap_or_default()
        })
    });
    let row = move |t: u32, _pos: usize| {
        state.data.with_untracked(|d| {
            let set = d.as_ref()?;
            let tr = set.traces().get(t as usize)?;
            let root = set.span(tr.root());
            let name = root.name().to_string();
            let models = trace_models(set, t).join(", ");
            let service = match (root.service(), models.as_str()) {
                ("", m) => m.to_string(),
                (s, "") => s.to_string(),
                (s, m) => format!("{s} · {m}"),
            };
            let extra_roots = (tr.root_count > 1).then(|| format!(" +{} roots", tr.root_count - 1));
            let has_errors = tr.error_count > 0;
            let session = set.str(tr.session).to_string();
            let user = set.str(tr.user).to_string();
            let (session_title, user_title) = (session.clone(), user.clone());
            let tokens_title = format!(
                "{} input + {} output tokens",
                format::count(tr.input_tokens),
                format::count(tr.output_tokens)
            );
            let title = name.clone();
            Some(view! {
                <div class="tr" class:has-errors=has_errors data-testid="trace-row"
                    on:click=move |_| { state.span.set(None); state.trace.set(Some(t)); }>
                    <span class="td col-name" title=title>{name}<small>{extra_roots}</small></span>
                    <span class="td col-service">{service}</span>
                    <span class="td col-service" title=session_title>{session}</span>
                    <span class="td col-service" title=user_title>{user}</span>
                    <span class="td col-start">{format::timestamp(tr.start)}</span>
                    <span class="td col-num">{format::duration(tr.duration())}</span>
                    <span class="td col-num">{format::count(u64::from(tr.span_count()))}</span>
                    <span class="td col-num errors">{format::count(u64::from(tr.error_count))}</span>
                    <span class="td col-num">{format::count(u64::from(tr.llm_calls))}</span>
                    <span class="td col-num" title=tokens_title>{format::count(tr.input_tokens + tr.output_tokens)}</span>
                    <span class="td col-num">{format::cost(cost_of.with_untracked(|c| c.get(t as usize).copied().flatten()))}</span>
                </div>
            })
        })
    };
    view! {
        <section class="trace-list" aria-label="Traces">
            <div class="thead">
                {COLUMNS.map(|(column, label, class)| view! { <Header sort column label class /> }).into_iter().collect_view()}
            </div>
            <VirtualList items=rows row_height=ROW_HEIGHT row=row class="tbody" testid="trace-rows" />
        </section>
    }
}
