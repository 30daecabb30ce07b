//! Flame graphs on canvas: one trace's spans over time ([`TraceFlame`]), and all filtered traces
//! merged by path of names ([`AggregateFlameView`]). Only what is visible is drawn; the last
//! frame's draw time is kept on the canvas (`data-draw-ms`) for the benchmark.

use crate::analysis::Analysis;
use crate::components::canvas::{kind_color, mouse_at, surface};
use crate::format;
use crate::state::AppState;
use leptos::html::Canvas;
use leptos::prelude::*;
use loupe_core::TraceSet;
use loupe_core::flame::{AggregateFlame, FlameRect, Weight, trace_flame};
use std::sync::Arc;

/// Height of one row in CSS pixels.
const ROW: f64 = 18.0;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

fn record_draw_time(canvas: &NodeRef<Canvas>, started: f64) {
    if let Some(el) = canvas.get() {
        let _ = el.set_attribute("data-draw-ms", &format!("{:.2}", now_ms() - started));
    }
}

/// A colour for a name: a stable hue from its hash.
fn name_color(name: &str) -> String {
    let h = name.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    format!("hsl({}, 62%, {}%)", h % 360, 58 + (h >> 9) % 12)
}

fn draw_label(ctx: &web_sys::CanvasRenderingContext2d, text: &str, x: f64, y: f64, w: f64) {
    if w < 28.0 {
        return;
    }
    let max_chars = ((w - 6.0) / 6.4) as usize;
    let shown: String = if text.chars().count() > max_chars {
        let mut s: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        s.push('…');
        s
    } else {
        text.to_string()
    };
    let _ = ctx.fill_text(&shown, x + 3.0, y + ROW - 5.0);
}

/// The visible time window of a trace flame graph, in nanoseconds from the trace's start.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Window {
    from: f64,
    to: f64,
}

/// One trace's flame graph over time: wheel or +/- to zoom, drag or arrows to pan, hover for
/// figures, click to open a span; the search box highlights matching spans.
#[component]
pub fn TraceFlame(
    /// The trace, an index into the loaded traces.
    trace: u32,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    state.want_data();
    let analysis = expect_context::<Analysis>();
    let canvas = NodeRef::<Canvas>::new();
    let search = RwSignal::new(String::new());
    let layout = Memo::new(move |_| {
        state.data.with(|d| {
            d.as_ref().map(|set| {
                let rects = trace_flame(set, trace);
                let rows = rects.iter().map(|r| r.row).max().map_or(1, |m| m + 1);
                let tr = &set.traces()[trace as usize];
                let id = tr.id.to_string();
                (Arc::new(rects), rows, tr.start, tr.duration().max(1), id)
            })
        })
    });
    let total = move || layout.with(|l| l.as_ref().map_or(1, |l| l.3)) as f64;
    let trace_id = move || layout.with(|l| l.as_ref().map(|l| l.4.clone()).unwrap_or_default());
    // The zoom lives in the shared view state, so links and bundles carry it.
    let window = Memo::new(move |_| {
        let total = total();
        analysis
            .zoom
            .get()
            .filter(|(t, _)| *t == trace_id())
            .map(|(_, [a, b])| Window {
                from: (a as f64).clamp(0.0, total),
                to: (b as f64).clamp(0.0, total),
            })
            .filter(|w| w.to > w.from)
            .unwrap_or(Window {
                from: 0.0,
                to: total,
            })
    });
    let set_window = move |w: Window| {
        analysis.zoom.set(Some((
            untrack(trace_id),
            [w.from.round() as i64, w.to.round() as i64],
        )))
    };
    let cost_of = Memo::new(move |_| {
        analysis.costs.with(|c| {
            c.calls
                .iter()
                .filter_map(|call| call.cost().map(|x| (call.span, x)))
                .collect::<std::collections::HashMap<u32, f64>>()
        })
    });
    let hover = RwSignal::new(None::<(f64, f64, u32)>);
    let drag = RwSignal::new(None::<(f64, Window)>);

    let redraw = move || {
        let started = now_ms();
        let w = window.get();
        let needle = search.get().to_lowercase();
        let selected = state.span.get();
        layout.with(|l| {
            let Some((rects, rows, start, _, _)) = l.as_ref() else {
                return;
            };
            let height = (f64::from(*rows) * ROW).clamp(ROW * 4.0, 4000.0);
            let Some(s) = surface(&canvas, height) else {
                return;
            };
            let scale = s.width / (w.to - w.from).max(1.0);
            s.ctx.set_font("11px system-ui, sans-serif");
            state.data.with_untracked(|d| {
                let Some(set) = d.as_ref() else { return };
                // Spans narrower than half a pixel in a column already drawn are skipped.
                let mut filled_to: Vec<f64> = vec![f64::MIN; *rows as usize];
                for r in rects.iter() {
                    let x0 = ((r.start - start) as f64 - w.from) * scale;
                    let x1 = ((r.end - start) as f64 - w.from) * scale;
                    if x1 < 0.0 || x0 > s.width {
                        continue;
                    }
                    let y = f64::from(r.row) * ROW;
                    if y > height {
                        continue;
                    }
                    let (x0, x1) = (x0.max(0.0), x1.min(s.width));
                    let width = (x1 - x0).max(0.5);
                    let row_fill = &mut filled_to[r.row as usize];
                    if width < 1.0 && x0 < *row_fill {
                        continue;
                    }
                    *row_fill = x0 + width;
                    let span = set.span(r.span);
                    let dim = !needle.is_empty() && !span.name().to_lowercase().contains(&needle);
                    s.ctx.set_global_alpha(if dim { 0.18 } else { 1.0 });
                    s.ctx.set_fill_style_str(if span.is_error() {
                        "#dc2626"
                    } else {
                        kind_color(span.kind())
                    });
                    s.ctx.fill_rect(x0, y + 1.0, width, ROW - 2.0);
                    if selected == Some(r.span) {
                        s.ctx.set_stroke_style_str("#111827");
                        s.ctx.set_line_width(2.0);
                        s.ctx.stroke_rect(x0, y + 1.0, width, ROW - 2.0);
                    }
                    s.ctx.set_fill_style_str("#ffffff");
                    draw_label(&s.ctx, span.name(), x0, y, width);
                }
                s.ctx.set_global_alpha(1.0);
            });
        });
        record_draw_time(&canvas, started);
    };
    Effect::new(move |_| {
        let _ = canvas.get();
        redraw();
    });

    let at = move |x: f64, y: f64| -> Option<u32> {
        let w = window.get_untracked();
        let width = canvas.get_untracked()?.client_width() as f64;
        let t = w.from + x / width * (w.to - w.from);
        let row = (y / ROW) as u32;
        layout.with_untracked(|l| {
            let (rects, _, start, _, _) = l.as_ref()?;
            rects
                .iter()
                .filter(|r| r.row == row)
                .find(|r| {
                    ((r.start - start) as f64) <= t
                        && t < ((r.end - start) as f64)
                            .max((r.start - start) as f64 + (w.to - w.from) / width)
                })
                .map(|r: &FlameRect| r.span)
        })
    };
    let zoom = move |factor: f64, at_fraction: f64| {
        let w = window.get_untracked();
        let span = (w.to - w.from).max(1.0);
        let pivot = w.from + span * at_fraction;
        let new_span = (span * factor).clamp(1000.0_f64.min(total()), total());
        let from = (pivot - new_span * at_fraction).clamp(0.0, (total() - new_span).max(0.0));
        set_window(Window {
            from,
            to: from + new_span,
        });
    };
    let pan = move |fraction: f64| {
        let w = window.get_untracked();
        let span = w.to - w.from;
        let from = (w.from + span * fraction).clamp(0.0, (total() - span).max(0.0));
        set_window(Window {
            from,
            to: from + span,
        });
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let Some((x, _)) = mouse_at(&canvas, &ev) else {
            return;
        };
        let width = canvas
            .get_untracked()
            .map_or(1.0, |c| f64::from(c.client_width()));
        if ev.shift_key() || ev.delta_x().abs() > ev.delta_y().abs() {
            pan((ev.delta_x() + if ev.shift_key() { ev.delta_y() } else { 0.0 }) / width);
        } else {
            zoom(if ev.delta_y() > 0.0 { 1.25 } else { 0.8 }, x / width);
        }
    };
    let on_down = move |ev: web_sys::MouseEvent| {
        if let Some((x, _)) = mouse_at(&canvas, &ev) {
            drag.set(Some((x, window.get_untracked())));
        }
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some((x, y)) = mouse_at(&canvas, &ev) else {
            return;
        };
        if let Some((x_down, w0)) = drag.get_untracked()
            && (x - x_down).abs() > 3.0
        {
            let width = canvas
                .get_untracked()
                .map_or(1.0, |c| f64::from(c.client_width()));
            let dt = (x_down - x) / width * (w0.to - w0.from);
            let from = (w0.from + dt).clamp(0.0, (total() - (w0.to - w0.from)).max(0.0));
            set_window(Window {
                from,
                to: from + (w0.to - w0.from),
            });
            hover.set(None);
            return;
        }
        hover.set(at(x, y).map(|s| (x, y, s)));
    };
    let on_up = move |ev: web_sys::MouseEvent| {
        let moved = match (drag.get_untracked(), mouse_at(&canvas, &ev)) {
            (Some((x_down, _)), Some((x, _))) => (x - x_down).abs() > 3.0,
            _ => false,
        };
        drag.set(None);
        if !moved
            && let Some((x, y)) = mouse_at(&canvas, &ev)
            && let Some(span) = at(x, y)
        {
            state.span.set(Some(span));
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "+" | "=" => zoom(0.8, 0.5),
        "-" | "_" => zoom(1.25, 0.5),
        "ArrowLeft" => pan(-0.1),
        "ArrowRight" => pan(0.1),
        "0" => analysis.zoom.set(None),
        _ => {}
    };
    let tooltip = move || {
        let (x, y, span) = hover.get()?;
        state.data.with(|d| {
            let set: &TraceSet = d.as_ref()?;
            let s = set.span(span);
            let mut lines = vec![
                s.name().to_string(),
                format!("{} · self {}", format::duration(s.duration()), format::duration(s.self_time())),
            ];
            if let Some(u) = s.usage().filter(|u| u.has_tokens()) {
                lines.push(format!(
                    "{} in / {} out tokens",
                    format::count(u.input.unwrap_or(0)),
                    format::count(u.output.unwrap_or(0))
                ));
            }
            if let Some(c) = cost_of.with(|m| m.get(&span).copied()) {
                lines.push(format::cost(Some(c)));
            }
            Some(view! {
                <div class="flame-tip" data-testid="flame-tooltip" style:left=format!("{}px", x + 12.0) style:top=format!("{}px", y + 12.0)>
                    {lines.into_iter().map(|l| view! { <div>{l}</div> }).collect_view()}
                </div>
            })
        })
    };
    view! {
        <div class="flame-tools">
            <input type="search" placeholder="Highlight spans named…" data-testid="flame-search"
                prop:value=search on:input=move |ev| search.set(event_target_value(&ev)) />
            <span class="muted">"wheel or +/− to zoom · drag or ←→ to pan · 0 to reset · click opens a span"</span>
        </div>
        <div class="flame-wrap" tabindex="0" on:keydown=on_key>
            <canvas class="flame" data-testid="trace-flame-canvas" node_ref=canvas
                on:wheel=on_wheel on:mousedown=on_down on:mousemove=on_move on:mouseup=on_up
                on:mouseleave=move |_| { hover.set(None); drag.set(None); }></canvas>
            {tooltip}
        </div>
    }
}

/// A weight's name in the menu.
fn option_label(w: Weight) -> &'static str {
    match w {
        Weight::TotalTime => "total time",
        Weight::SelfTime => "self time",
        Weight::Tokens => "tokens",
        Weight::Cost => "cost (US$)",
    }
}

/// All filtered traces merged by path of names, weighted by time, tokens or cost. Click a node
/// to focus it; the breadcrumb leads back.
#[component]
pub fn AggregateFlameView() -> impl IntoView {
    let state = expect_context::<AppState>();
    state.want_data();
    let analysis = expect_context::<Analysis>();
    let canvas = NodeRef::<Canvas>::new();
    let weight = analysis.weight;
    let flame = Memo::new(move |_| {
        let f = state.data.with(|d| {
            d.as_ref().map(|set| {
                analysis.filtered.with(|traces| {
                    analysis
                        .filtered_costs
                        .with(|c| AggregateFlame::build(set, traces, c))
                })
            })
        });
        crate::analysis::Shared(Arc::new(f))
    });
    // The focused node, found by its path of names (the top when the path is not in the data).
    let focus = Memo::new(move |_| {
        analysis.focus.with(|names| {
            flame.with(|fl| {
                Option::as_ref(&fl.0)
                    .and_then(|fl| fl.find(names))
                    .unwrap_or(0)
            })
        })
    });
    let set_focus = move |n: u32| {
        let names = flame.with_untracked(|fl| {
            Option::as_ref(&fl.0)
                .map(|fl| fl.names(n))
                .unwrap_or_default()
        });
        analysis.focus.set(names);
    };
    let rects = Memo::new(move |_| {
        let w = weight.get();
        let f = focus.get();
        flame.with(|fl| {
            Option::as_ref(&fl.0)
                .map(|fl| fl.layout(f, w))
                .unwrap_or_default()
        })
    });
    let hover = RwSignal::new(None::<(f64, f64, u32)>);
    Effect::new(move |_| {
        let _ = canvas.get();
        let started = now_ms();
        rects.with(|rects| {
            flame.with(|fl| {
                let Some(fl) = Option::as_ref(&fl.0) else {
                    return;
                };
                let rows = rects.iter().map(|r| r.row).max().map_or(1, |m| m + 1);
                let Some(s) = surface(&canvas, (f64::from(rows) * ROW).clamp(ROW * 4.0, 4000.0))
                else {
                    return;
                };
                s.ctx.set_font("11px system-ui, sans-serif");
                for r in rects {
                    let (x0, w) = (r.x0 * s.width, (r.x1 - r.x0) * s.width);
                    if w < 0.3 {
                        continue;
                    }
                    let y = f64::from(r.row) * ROW;
                    let node = &fl.nodes[r.node as usize];
                    let name = if r.node == 0 {
                        "all traces"
                    } else {
                        node.name.as_str()
                    };
                    s.ctx.set_fill_style_str(&name_color(name));
                    s.ctx.fill_rect(x0, y + 1.0, (w - 0.5).max(0.5), ROW - 2.0);
                    s.ctx.set_fill_style_str("#111827");
                    draw_label(&s.ctx, name, x0, y, w);
                }
            });
        });
        record_draw_time(&canvas, started);
    });
    let at = move |x: f64, y: f64| -> Option<u32> {
        let width = f64::from(canvas.get_untracked()?.client_width());
        let (fx, row) = (x / width, (y / ROW) as u32);
        rects.with_untracked(|rs| {
            rs.iter()
                .find(|r| r.row == row && r.x0 <= fx && fx < r.x1)
                .map(|r| r.node)
        })
    };
    let label = move |w: Weight| match w {
        Weight::TotalTime => "total time",
        Weight::SelfTime => "self time",
        Weight::Tokens => "tokens",
        Weight::Cost => "cost",
    };
    let value = move |fl: &AggregateFlame, n: u32, w: Weight| {
        let v = fl.weight(n, w);
        match w {
            Weight::TotalTime | Weight::SelfTime => format::duration(v as i64),
            Weight::Tokens => format::count(v as u64),
            Weight::Cost => format::cost(Some(v)),
        }
    };
    let tooltip = move || {
        let (x, y, n) = hover.get()?;
        flame.with(|fl| {
            let fl = Option::as_ref(&fl.0)?;
            let node = &fl.nodes[n as usize];
            let lines = vec![
                if n == 0 { "all traces".to_string() } else { node.name.clone() },
                format!("{} spans", format::count(u64::from(node.count))),
                format!("total {} · self {}", value(fl, n, Weight::TotalTime), value(fl, n, Weight::SelfTime)),
                format!("{} tokens · {}", value(fl, n, Weight::Tokens), value(fl, n, Weight::Cost)),
            ];
            Some(view! {
                <div class="flame-tip" style:left=format!("{}px", x + 12.0) style:top=format!("{}px", y + 12.0)>
                    {lines.into_iter().map(|l| view! { <div>{l}</div> }).collect_view()}
                </div>
            })
        })
    };
    let breadcrumb = move || {
        let f = focus.get();
        flame.with(|fl| {
            let fl = Option::as_ref(&fl.0)?;
            Some(fl.path(f).into_iter().map(|n| {
                let name = if n == 0 { "all traces".to_string() } else { fl.nodes[n as usize].name.clone() };
                view! { <button class="link" on:click=move |_| set_focus(n)>{name}</button><span class="muted">" › "</span> }
            }).collect_view())
        })
    };
    view! {
        <section class="panel">
            <div class="flame-tools">
                <label>"Weight "
                    <select data-testid="flame-weight" prop:value=move || weight.get().id() on:change=move |ev| {
                        weight.set(Weight::from_id(&event_target_value(&ev)).unwrap_or_default())
                    }>
                        {Weight::ALL.map(|w| view! {
                            <option value=w.id() selected=move || weight.get() == w>{option_label(w)}</option>
                        }).into_iter().collect_view()}
                    </select>
                </label>
                <span class="breadcrumb" data-testid="flame-breadcrumb">{breadcrumb}</span>
                <span class="muted">{move || format!("spans merged by their path of names, heaviest first, by {}", label(weight.get()))}</span>
            </div>
            <div class="flame-wrap">
                <canvas class="flame" data-testid="flame-canvas" node_ref=canvas
                    on:mousemove=move |ev| {
                        if let Some((x, y)) = mouse_at(&canvas, &ev) {
                            hover.set(at(x, y).map(|n| (x, y, n)));
                        }
                    }
                    on:mouseleave=move |_| hover.set(None)
                    on:click=move |ev| {
                        if let Some((x, y)) = mouse_at(&canvas, &ev)
                            && let Some(n) = at(x, y) { set_focus(n); }
                    }></canvas>
                {tooltip}
            </div>
        </section>
    }
}
