//! One trace: a collapsible span tree beside a waterfall of timing bars, with keyboard
//! navigation (up/down to move, left/right to collapse/expand, Enter to select). A drag across
//! the bars zooms into that time range; the zoom is the one the trace's flame graph shows.

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
use loupe_core::flame::TimeWindow;
use std::collections::HashSet;
use wasm_bindgen::JsCast;

const ROW_HEIGHT: f64 = 26.0;
const INDENT_PX: usize = 14;
/// Ticks on the time axis.
const TICKS: u32 = 5;
/// How far (in CSS pixels) the pointer moves before a press becomes a drag.
const DRAG_PX: f64 = 3.0;

/// The bars' column under a pointer event, with its left edge and width in CSS pixels.
fn bar_column(ev: &web_sys::MouseEvent) -> Option<(f64, f64)> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let rect = target
        .closest(".bar-cell")
        .ok()??
        .get_bounding_client_rect();
    (rect.width() > 0.0).then(|| (rect.left(), rect.width()))
}

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
    // The time the bars show: the zoom's window when it is of this trace, else all of it.
    let time = move || {
        let zoom = analysis.zoom.get();
        head.with(|h| {
            let h = h.as_ref()?;
            Some(TimeWindow::of_zoom(
                zoom.as_ref(),
                &h.id,
                h.duration.max(1) as f64,
            ))
        })
    };
    let zoomed = move || {
        let (Some(w), Some(total)) = (time(), head.with(|h| h.as_ref().map(|h| h.duration))) else {
            return false;
        };
        w != TimeWindow::whole(total.max(1) as f64)
    };
    // A drag across the bars: where it began (client x), the column's left and width, and the
    // window then; the band it selects; whether the press that ends became a drag (then it
    // opens no span).
    let drag = RwSignal::new(None::<(f64, f64, f64, TimeWindow)>);
    let band = RwSignal::new(None::<(f64, f64)>);
    let dragged = StoredValue::new(false);
    let wrap = NodeRef::<leptos::html::Div>::new();
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
                zoom: analysis.zoom.get(),
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
            "0" => {
                analysis.zoom.set(None);
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
                on:click=move |_| {
                    if !dragged.get_value() { cursor.set(Some(pos)); state.span.set(Some(i)); }
                }>
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
                    {(!r.outside).then(|| view! {
                        <div class=format!("bar kind-{kind}") class:bar-error=is_error class:critical=on_path
                            style:left=format!("{left}%") style:width=format!("max({width}%, 1px)")></div>
                        <span class="bar-label" class:label-left=label_left
                            style:left=if label_left { format!("calc({left}% - 4px)") } else { format!("calc({}% + 4px)", left + width) }>
                            {dur}
                        </span>
                    })}
                </div>
            </div>
        })
    };

    let header = move || {
        let h = head.get()?;
        let context = h.context();
        Some(view! {
            <div class="trace-head">
                <h2>{h.name}</h2>
                <span class="muted">
                    {format!("{} · {} · {} spans · {} · trace {}",
                        format::timestamp(h.start), format::duration(h.duration),
                        format::count(u64::from(h.spans)), format::plural(u64::from(h.errors), "error"), h.id)}
                </span>
                {(!context.is_empty()).then(|| view! {
                    <div class="trace-context" data-testid="trace-context">{context}</div>
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
        let ticks = time()?
            .ticks(TICKS)
            .into_iter()
            .map(|(pct, at)| {
                view! { <span class="tick" style:left=format!("{pct}%")>{format::duration(at)}</span> }
            })
            .collect_view();
        Some(view! {
            <div class="wf-head" class:hidden=move || flame_mode()>
                <div class="tree-cell">"Span"</div>
                <div class="bar-cell axis">{ticks}</div>
            </div>
        })
    };

    // The pointer's x in the wrap, for the band.
    let in_wrap = move |client_x: f64| {
        wrap.get_untracked()
            .map_or(client_x, |w| client_x - w.get_bounding_client_rect().left())
    };
    let on_down = move |ev: web_sys::MouseEvent| {
        dragged.set_value(false);
        let (Some((left, width)), Some(w)) = (bar_column(&ev), time()) else {
            return;
        };
        if ev.button() == 0 {
            // No text selection while dragging; the keys still go to the waterfall.
            ev.prevent_default();
            if let Some(wrap) = wrap.get_untracked() {
                let _ = wrap.focus();
            }
            drag.set(Some((f64::from(ev.client_x()), left, width, w)));
        }
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        if let Some((x_down, ..)) = drag.get_untracked() {
            let x = f64::from(ev.client_x());
            if (x - x_down).abs() > DRAG_PX {
                // Once a drag, the press opens no span, wherever it ends.
                dragged.set_value(true);
                band.set(Some((in_wrap(x_down), in_wrap(x))));
            }
        }
    };
    // Ends a drag where the pointer is released, or leaves the waterfall (a window reaches
    // no further than the trace's ends).
    let on_up = move |ev: web_sys::MouseEvent| {
        let Some((x_down, left, width, w0)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        band.set(None);
        let x = f64::from(ev.client_x());
        let total = head.with_untracked(|h| h.as_ref().map(|h| (h.id.clone(), h.duration)));
        if dragged.get_value()
            && (x - x_down).abs() > DRAG_PX
            && let Some((id, total)) = total
        {
            let w = w0.between(
                (x_down - left) / width,
                (x - left) / width,
                total.max(1) as f64,
            );
            analysis
                .zoom
                .set(Some((id, [w.from.round() as i64, w.to.round() as i64])));
        }
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
                    {move || zoomed().then(|| view! {
                        <button class="link" data-testid="zoom-reset" on:click=move |_| analysis.zoom.set(None)>"Whole trace"</button>
                    })}
                    <span class="muted">{move || if flame_mode() { "" } else { "↑↓ move · ←→ collapse/expand · Enter select · drag across the bars to zoom, 0 to reset · critical path outlined" }}</span>
                </div>
                {header}
                <NotesPanel trace=trace />
                {axis}
                <Show when=move || flame_mode() fallback=move || view! {
                    <div class="waterfall-wrap" tabindex="0" node_ref=wrap on:keydown=on_key
                        on:mousedown=on_down on:mousemove=on_move on:mouseup=on_up on:mouseleave=on_up>
                        <VirtualList count=Signal::derive(move || shown.with(|w| w.as_ref().map_or(0, |w| w.total as usize)))
                            row_height=ROW_HEIGHT row window class="waterfall" testid="waterfall"
                            cursor=Signal::derive(move || cursor.get()) />
                        {move || band.get().map(|(a, b)| view! {
                            <div class="drag-band" data-testid="waterfall-drag-band"
                                style:left=format!("{}px", a.min(b)) style:width=format!("{}px", (a - b).abs())></div>
                        })}
                    </div>
                }>
                    <TraceFlame trace=trace />
                </Show>
            </section>
            <SpanDetail />
        </div>
    }
}
