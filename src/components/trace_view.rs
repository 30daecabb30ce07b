//! One trace: a collapsible span tree beside a waterfall of timing bars, with keyboard
//! navigation (up/down to move, left/right to collapse/expand, Enter to select).

use super::flame_view::TraceFlame;
use super::notes_panel::NotesPanel;
use super::span_detail::SpanDetail;
use super::virtual_list::VirtualList;
use crate::analysis::{Analysis, TraceMode};
use crate::format;
use crate::notes::Notes;
use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::browse::tree_rows;
use loupe_core::{SpanFlags, TraceSet};
use std::collections::HashSet;

const ROW_HEIGHT: f64 = 26.0;
const INDENT_PX: usize = 14;
/// Ticks on the time axis.
const TICKS: usize = 5;

/// Where a span's bar sits in the waterfall, as percentages of the trace.
fn bar_geometry(set: &TraceSet, t: u32, i: u32) -> (f64, f64) {
    let tr = &set.traces()[t as usize];
    let total = tr.duration().max(1) as f64;
    let s = set.span(i);
    let left = (s.start() - tr.start) as f64 / total * 100.0;
    let width = s.duration() as f64 / total * 100.0;
    (
        left.clamp(0.0, 100.0),
        width.clamp(0.0, 100.0 - left.clamp(0.0, 100.0)),
    )
}

/// The trace view for the open trace.
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
    let trace_id = move || {
        state.data.with(|d| {
            d.as_ref()
                .and_then(|set| set.traces().get(trace as usize))
                .map(|t| t.id.to_string())
                .unwrap_or_default()
        })
    };
    // Ids of this trace's spans that carry notes, marked in the tree.
    let noted = Memo::new(move |_| {
        notes
            .of_trace(&trace_id())
            .into_iter()
            .filter_map(|n| n.span)
            .collect::<HashSet<String>>()
    });
    // The critical path: the spans that set the trace's end, highlighted in the waterfall.
    let critical = Memo::new(move |_| {
        state.data.with(|d| {
            d.as_ref()
                .map(|set| {
                    loupe_core::flame::critical_path(set, trace)
                        .into_iter()
                        .map(|seg| seg.span)
                        .collect::<HashSet<u32>>()
                })
                .unwrap_or_default()
        })
    });
    let cursor = RwSignal::new(Some(0usize));
    let rows = Memo::new(move |_| {
        collapsed.with(|c| {
            state.data.with(|d| {
                d.as_ref()
                    .map(|set| tree_rows(set, trace, c))
                    .unwrap_or_default()
            })
        })
    });
    let toggle = move |i: u32| {
        collapsed.update(|c| {
            if !c.remove(&i) {
                c.insert(i);
            }
        })
    };

    let on_key = move |ev: web_sys::KeyboardEvent| {
        let n = rows.with(Vec::len);
        if n == 0 {
            return;
        }
        let pos = cursor.get_untracked().unwrap_or(0).min(n - 1);
        let span_at = |p: usize| rows.with_untracked(|r| r[p]);
        let info = |i: u32| {
            state.data.with_untracked(|d| {
                d.as_ref().map(|set| {
                    let s = set.span(i);
                    (s.has_children(), s.parent())
                })
            })
        };
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
                let i = span_at(pos);
                match info(i) {
                    Some((true, _)) if !collapsed.with_untracked(|c| c.contains(&i)) => toggle(i),
                    Some((_, Some(parent))) => {
                        if let Some(p) =
                            rows.with_untracked(|r| r.iter().position(|&x| x == parent))
                        {
                            cursor.set(Some(p));
                        }
                    }
                    _ => {}
                }
                true
            }
            "ArrowRight" => {
                let i = span_at(pos);
                if collapsed.with_untracked(|c| c.contains(&i)) {
                    toggle(i);
                } else if matches!(info(i), Some((true, _))) {
                    cursor.set(Some((pos + 1).min(n - 1)));
                }
                true
            }
            "Enter" => {
                state.span.set(Some(span_at(pos)));
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };

    let row = move |i: u32, pos: usize| {
        state.data.with_untracked(|d| {
            let set = d.as_ref()?;
            let s = set.span(i);
            let depth = s.depth() as usize;
            let has_children = s.has_children();
            let kind = s.kind().label();
            let (left, width) = bar_geometry(set, trace, i);
            let flags = s.flags();
            let problem = [
                (SpanFlags::ORPHAN, "parent not loaded"),
                (SpanFlags::CYCLE_BROKEN, "cycle cut here"),
                (SpanFlags::DUPLICATE_ID, "duplicate span id"),
                (SpanFlags::NO_TIMESTAMPS, "no timestamps"),
            ]
            .iter()
            .filter(|(f, _)| flags.has(*f))
            .map(|(_, t)| *t)
            .collect::<Vec<_>>()
            .join(", ");
            let label_left = left + width > 70.0;
            let name = s.name().to_string();
            let title = name.clone();
            let is_error = s.is_error();
            let on_path = critical.with_untracked(|c| c.contains(&i));
            let dur = format::duration(s.duration());
            let key = s.key();
            let has_note = move || noted.with(|n| n.contains(&key));
            Some(view! {
                <div class="span-row" data-testid="span-row"
                    class:selected=move || state.span.get() == Some(i)
                    class:cursor=move || cursor.get() == Some(pos)
                    class:error=is_error
                    on:click=move |_| { cursor.set(Some(pos)); state.span.set(Some(i)); }>
                    <div class="tree-cell" style:padding-left=format!("{}px", depth * INDENT_PX + 4)>
                        {if has_children {
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
                        <span class="span-name" title=title>{name}</span>
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
        })
    };

    let header = move || {
        state.data.with(|d| {
            let set = d.as_ref()?;
            let tr = set.traces().get(trace as usize)?;
            let root = set.span(tr.root());
            let mut context: Vec<String> = Vec::new();
            for (label, id) in [("session", tr.session), ("user", tr.user)] {
                if !id.is_empty() {
                    context.push(format!("{label} {}", set.str(id)));
                }
            }
            if !tr.tags.is_empty() {
                let tags: Vec<&str> = tr.tags.iter().map(|t| set.str(*t)).collect();
                context.push(format!("tags {}", tags.join(", ")));
            }
            let scores: Vec<(String, String)> = set
                .trace_scores(trace)
                .iter()
                .map(|s| {
                    let title = [s.source, s.comment].iter().filter(|t| !t.is_empty()).copied().collect::<Vec<_>>().join(": ");
                    (format!("{} {}", s.name, s.value), title)
                })
                .collect();
            Some(view! {
                <div class="trace-head">
                    <h2>{root.name().to_string()}</h2>
                    <span class="muted">
                        {format!("{} · {} · {} spans · {} · trace {}",
                            format::timestamp(tr.start), format::duration(tr.duration()),
                            format::count(u64::from(tr.span_count())), format::plural(u64::from(tr.error_count), "error"), tr.id)}
                    </span>
                    {(!context.is_empty()).then(|| view! {
                        <div class="trace-context" data-testid="trace-context">{context.join(" · ")}</div>
                    })}
                    {(!scores.is_empty()).then(|| view! {
                        <div class="trace-scores" data-testid="trace-scores">
                            {scores.into_iter().map(|(text, title)| view! { <span class="score" title=title>{text}</span> }).collect_view()}
                        </div>
                    })}
                </div>
            })
        })
    };
    // The waterfall's time axis.
    let axis = move || {
        state.data.with(|d| {
            let tr = d.as_ref()?.traces().get(trace as usize)?;
            let ticks = (0..=TICKS)
                .map(|k| {
                    let pct = k as f64 * 100.0 / TICKS as f64;
                    let label = format::duration(tr.duration() * k as i64 / TICKS as i64);
                    view! { <span class="tick" style:left=format!("{pct}%")>{label}</span> }
                })
                .collect_view();
            Some(view! {
                <div class="wf-head" class:hidden=move || flame_mode()>
                    <div class="tree-cell">"Span"</div>
                    <div class="bar-cell axis">{ticks}</div>
                </div>
            })
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
                        <VirtualList count=Signal::derive(move || rows.with(Vec::len)) row_height=ROW_HEIGHT
                            row=move |pos| rows.with(|r| r.get(pos).copied()).and_then(|i| row(i, pos))
                            class="waterfall" testid="waterfall"
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
