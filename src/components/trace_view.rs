//! One trace: a collapsible span tree beside a waterfall of timing bars, with keyboard
//! navigation (up/down to move, left/right to collapse/expand, Enter to select).

use super::flame_view::TraceFlame;
use super::notes_panel::NotesPanel;
use super::span_detail::SpanDetail;
use super::virtual_list::VirtualList;
use crate::analysis::{Analysis, TraceMode};
use crate::answer::answer;
use crate::format;
use crate::notes::Notes;
use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::engine::{Request, Response, TraceHeader};
use std::collections::HashSet;

const ROW_HEIGHT: f64 = 26.0;
const INDENT_PX: usize = 14;
/// Ticks on the time axis.
const TICKS: usize = 5;

/// The trace view for the open trace: its head and rows are the engine's answers.
#[component]
pub fn TraceView(
    /// Index of the trace to show.
    trace: u32,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let collapsed = RwSignal::new(HashSet::<u32>::new());
    let analysis = expect_context::<Analysis>();
    let notes = expect_context::<Notes>();
    let flame_mode = move || analysis.mode.get() == TraceMode::Flame;
    let head = RwSignal::new(None::<TraceHeader>);
    Effect::new(move |_| {
        state.figures.track();
        leptos::task::spawn_local(async move {
            if let Ok(Response::TraceHeader(h)) =
                worker_client::ask(Request::TraceHeader(trace)).await
            {
                head.try_set(Some(h));
            }
        });
    });
    let trace_id = move || head.with(|h| h.as_ref().map(|h| h.id.clone()).unwrap_or_default());
    // Keys of this trace's spans that carry notes, marked in the tree.
    let noted = Memo::new(move |_| {
        notes
            .of_trace(&trace_id())
            .into_iter()
            .filter_map(|n| n.span)
            .collect::<HashSet<String>>()
    });
    let cursor = RwSignal::new(Some(0usize));
    let window = RwSignal::new((0usize, 0usize));
    let (shown, _) = answer(
        move || {
            let (start, end) = window.get();
            Some(Request::TreeRows {
                trace,
                collapsed: collapsed.with(|c| c.iter().copied().collect()),
                start: start as u32,
                end: end as u32,
            })
        },
        |r| match r {
            Response::TreeRows(w) => Some(w),
            _ => None,
        },
    );
    let row_at = move |pos: usize| shown.with_untracked(|w| w.as_ref()?.row(pos).cloned());
    let toggle = move |i: u32| {
        collapsed.update(|c| {
            if !c.remove(&i) {
                c.insert(i);
            }
        })
    };

    let on_key = move |ev: web_sys::KeyboardEvent| {
        let n = shown.with_untracked(|w| w.as_ref().map_or(0, |w| w.total as usize));
        if n == 0 {
            return;
        }
        let pos = cursor.get_untracked().unwrap_or(0).min(n - 1);
        let handled = match ev.key().as_str() {
            "ArrowDown" => {
                cursor.set(Some((pos + 1).min(n - 1)));
                true
            }
            "ArrowUp" => {
                cursor.set(Some(pos.saturating_sub(1)));
                true
            }
            "ArrowLeft" => {
                if let Some(r) = row_at(pos) {
                    if r.has_children && !collapsed.with_untracked(|c| c.contains(&r.span)) {
                        toggle(r.span);
                    } else if let Some(p) = r.parent_row {
                        cursor.set(Some(p as usize));
                    }
                }
                true
            }
            "ArrowRight" => {
                if let Some(r) = row_at(pos) {
                    if collapsed.with_untracked(|c| c.contains(&r.span)) {
                        toggle(r.span);
                    } else if r.has_children {
                        cursor.set(Some((pos + 1).min(n - 1)));
                    }
                }
                true
            }
            "Enter" => {
                if let Some(r) = row_at(pos) {
                    state.span.set(Some(r.span));
                }
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };

    let row = move |pos: usize| {
        let r = shown.with(|w| w.as_ref()?.row(pos).cloned())?;
        let i = r.span;
        let kind = r.kind.label();
        let (left, width) = (r.left, r.width);
        let problem = r.problems.join(", ");
        let label_left = left + width > 70.0;
        let title = r.name.clone();
        let is_error = r.error;
        let on_path = r.critical;
        let dur = format::duration(r.duration);
        let key = r.key;
        let has_note = move || noted.with(|n| n.contains(&key));
        let indent = format!("{}px", r.depth as usize * INDENT_PX + 4);
        Some(view! {
            <div class="span-row" data-testid="span-row"
                class:selected=move || state.span.get() == Some(i)
                class:cursor=move || cursor.get() == Some(pos)
                class:error=is_error
                on:click=move |_| { cursor.set(Some(pos)); state.span.set(Some(i)); }>
                <div class="tree-cell" style:padding-left=indent>
                    {if r.has_children {
                        view! {
                            <button class="toggle" aria-label="collapse or expand"
                                on:click=move |ev| { ev.stop_propagation(); toggle(i); }>
                                {move || if collapsed.with(|c| c.contains(&i)) { "▸" } else { "▾" }}
                            </button>
                        }.into_any()
                    } else {
                        view! { <span class="toggle-space"></span> }.into_any()
                    }}
                    <span class=format!("kind-badge kind-{kind}")>{kind}</span>
                    <span class="span-name" title=title>{r.name}</span>
                    {is_error.then(|| view! { <span class="error-mark" title="status: error">"✖"</span> })}
                    {(!problem.is_empty()).then(|| view! { <span class="problem-mark" title=problem>"⚠"</span> })}
                    {move || has_note().then(|| view! { <span class="note-mark" data-testid="note-mark" title="has a note">"✎"</span> })}
                </div>
                <div class="bar-cell">
                    <div class=format!("bar kind-{kind}") class:bar-error=is_error class:critical=on_path
                        style:left=format!("{left}%") style:width=format!("max({width}%, 1px)")></div>
                    <span class="bar-label" class:label-left=label_left
                        style:left=if label_left { format!("calc({left}% - 4px)") } else { format!("calc({}% + 4px)", left + width) }>
                        {dur}
                    </span>
                </div>
            </div>
        })
    };

    let header = move || {
        let h = head.get()?;
        let mut context: Vec<String> = Vec::new();
        for (label, value) in [("session", &h.session), ("user", &h.user)] {
            if !value.is_empty() {
                context.push(format!("{label} {value}"));
            }
        }
        if !h.tags.is_empty() {
            context.push(format!("tags {}", h.tags.join(", ")));
        }
        Some(view! {
            <div class="trace-head">
                <h2>{h.name}</h2>
                <span class="muted">
                    {format!("{} · {} · {} spans · {} · trace {}",
                        format::timestamp(h.start), format::duration(h.duration),
                        format::count(u64::from(h.spans)), format::plural(u64::from(h.errors), "error"), h.id)}
                </span>
                {(!context.is_empty()).then(|| view! {
                    <div class="trace-context" data-testid="trace-context">{context.join(" · ")}</div>
                })}
                {(!h.scores.is_empty()).then(|| view! {
                    <div class="trace-scores" data-testid="trace-scores">
                        {h.scores.into_iter().map(|(text, title)| view! { <span class="score" title=title>{text}</span> }).collect_view()}
                    </div>
                })}
            </div>
        })
    };
    // The waterfall's time axis.
    let axis = move || {
        let duration = head.with(|h| h.as_ref().map(|h| h.duration))?;
        let ticks = (0..=TICKS)
            .map(|k| {
                let pct = k as f64 * 100.0 / TICKS as f64;
                let label = format::duration(duration * k as i64 / TICKS as i64);
                view! { <span class="tick" style:left=format!("{pct}%")>{label}</span> }
            })
            .collect_view();
        Some(view! {
            <div class="wf-head" class:hidden=move || flame_mode()>
                <div class="tree-cell">"Span"</div>
                <div class="bar-cell axis">{ticks}</div>
            </div>
        })
    };

    view! {
        <div class="trace-view">
            <section class="tree" aria-label="Span tree and waterfall">
                <div class="toolbar">
                    <button class="link" data-testid="back-to-traces"
                        on:click=move |_| { state.trace.set(None); state.span.set(None); }>"← All traces"</button>
                    <button class="link" on:click=move |_| collapsed.set(HashSet::new())>"Expand all"</button>
                    <span class="view-switch">
                        <button class="link" class:active=move || !flame_mode() data-testid="view-waterfall"
                            on:click=move |_| analysis.mode.set(TraceMode::Waterfall)>"Waterfall"</button>
                        <button class="link" class:active=move || flame_mode() data-testid="view-flame"
                            on:click=move |_| analysis.mode.set(TraceMode::Flame)>"Flame graph"</button>
                    </span>
                    <span class="muted">{move || if flame_mode() { "" } else { "↑↓ move · ←→ collapse/expand · Enter select · critical path outlined" }}</span>
                </div>
                {header}
                <NotesPanel trace=trace />
                {axis}
                <Show when=move || flame_mode() fallback=move || view! {
                    <div class="waterfall-wrap" tabindex="0" on:keydown=on_key>
                        <VirtualList count=Signal::derive(move || shown.with(|w| w.as_ref().map_or(0, |w| w.total as usize)))
                            row_height=ROW_HEIGHT row window class="waterfall" testid="waterfall"
                            cursor=Signal::derive(move || cursor.get()) />
                    </div>
                }>
                    <TraceFlame trace=trace />
                </Show>
            </section>
            <SpanDetail />
        </div>
    }
}
