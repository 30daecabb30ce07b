//! Flame graphs on canvas: one trace's spans over time ([`TraceFlame`]), and all filtered traces
//! merged by path of names ([`AggregateFlameView`]). The engine lays out what the viewport
//! shows (culled to what a pixel can show) and answers where the pointer is; these draw its
//! boxes. The last frame's draw time is kept on the canvas (`data-draw-ms`) for the benchmark.

use crate::analysis::Analysis;
use crate::answer::answer;
use crate::components::canvas::{kind_color, mouse_at, surface};
use crate::state::AppState;
use crate::theme::Palette;
use leptos::html::Canvas;
use leptos::prelude::*;
use loupe_core::engine::{Request, Response};
use loupe_core::flame::{AggBox, FlameBox, TimeWindow, Weight, box_at};
use loupe_core::flame_text::{fit_label, name_hue};

/// Height of one row in CSS pixels.
pub(crate) const ROW: f64 = 18.0;
/// The tallest a flame graph is drawn, in CSS pixels.
pub(crate) const TALLEST: f64 = 4000.0;

pub(crate) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

pub(crate) fn record_draw_time(canvas: &NodeRef<Canvas>, started: f64) {
    if let Some(el) = canvas.get() {
        let _ = el.set_attribute("data-draw-ms", &format!("{:.2}", now_ms() - started));
    }
}

/// A colour for a name: a stable hue from its hash.
fn name_color(name: &str) -> String {
    let (hue, light) = name_hue(name);
    format!("hsl({hue}, 62%, {light}%)")
}

/// Draws `text` in the box at `x`, `y`, `w` pixels wide, cut to fit (or not at all).
pub(crate) fn draw_label(
    ctx: &web_sys::CanvasRenderingContext2d,
    text: &str,
    x: f64,
    y: f64,
    w: f64,
) {
    if let Some(shown) = fit_label(text, w) {
        let _ = ctx.fill_text(&shown, x + 3.0, y + ROW - 5.0);
    }
}

/// The width of `canvas` in CSS pixels, once it is in the page.
pub(crate) fn width_of(canvas: &NodeRef<Canvas>) -> Option<f64> {
    let w = f64::from(canvas.get()?.client_width());
    (w > 0.0).then_some(w)
}

/// One trace's flame graph over time: a drag across a range, the wheel or +/- to zoom,
/// Shift+drag or arrows to pan, hover for figures, click to open a span; the search box
/// highlights matching spans.
#[component]
pub fn TraceFlame(
    /// The trace, an index into the loaded traces.
    trace: u32,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let canvas = NodeRef::<Canvas>::new();
    let search = RwSignal::new(String::new());
    // The zoom lives in the shared view state, so links and bundles carry it.
    let (view, _) = answer(
        move || {
            Some(Request::TraceFlame {
                trace,
                zoom: analysis.zoom.get(),
                width: width_of(&canvas)?,
                rows: (TALLEST / ROW) as u32,
                search: search.get(),
            })
        },
        |r| match r {
            Response::TraceFlame(v) => Some(v),
            _ => None,
        },
    );
    let hover = RwSignal::new(None::<(f64, f64, FlameBox)>);
    // A drag: where it began, the window then, and whether it pans (with Shift) or selects.
    let drag = RwSignal::new(None::<(f64, TimeWindow, bool)>);
    // The range a drag selects, as the two x it spans.
    let band = RwSignal::new(None::<(f64, f64)>);
    Effect::new(move |_| {
        let started = now_ms();
        let selected = state.span.get();
        view.with(|v| {
            let Some(v) = v else { return };
            let height = (f64::from(v.rows) * ROW).clamp(ROW * 4.0, TALLEST);
            let Some(s) = surface(&canvas, height) else {
                return;
            };
            s.ctx.set_font("11px system-ui, sans-serif");
            for b in &v.boxes {
                let (x0, width, y) = (
                    f64::from(b.x0),
                    f64::from(b.x1 - b.x0),
                    f64::from(b.row) * ROW,
                );
                s.ctx.set_global_alpha(if b.dim { 0.18 } else { 1.0 });
                s.ctx.set_fill_style_str(if b.error {
                    "#dc2626"
                } else {
                    kind_color(b.kind)
                });
                s.ctx.fill_rect(x0, y + 1.0, width, ROW - 2.0);
                if selected == Some(b.span) {
                    s.ctx.set_stroke_style_str(&Palette::css(s.palette.ink));
                    s.ctx.set_line_width(2.0);
                    s.ctx.stroke_rect(x0, y + 1.0, width, ROW - 2.0);
                }
                s.ctx.set_fill_style_str("#ffffff");
                draw_label(&s.ctx, &b.name, x0, y, width);
            }
            s.ctx.set_global_alpha(1.0);
        });
        record_draw_time(&canvas, started);
    });

    let at = move |x: f64, y: f64| -> Option<FlameBox> {
        view.with_untracked(|v| {
            let v = v.as_ref()?;
            let span = box_at(&v.boxes, x, (y / ROW) as u32)?;
            v.boxes.iter().find(|b| b.span == span).cloned()
        })
    };
    // The window and the trace's length, as last drawn.
    let shown = move || {
        view.with_untracked(|v| {
            let v = v.as_ref()?;
            Some((v.window?, v.duration as f64, v.trace_id.clone()))
        })
    };
    let show = move |change: &dyn Fn(TimeWindow, f64) -> TimeWindow| {
        if let Some((w, total, id)) = shown() {
            let w = change(w, total);
            analysis
                .zoom
                .set(Some((id, [w.from.round() as i64, w.to.round() as i64])));
        }
    };
    let width = move || width_of(&canvas).unwrap_or(1.0);
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let Some((x, _)) = mouse_at(&canvas, &ev) else {
            return;
        };
        if ev.shift_key() || ev.delta_x().abs() > ev.delta_y().abs() {
            let dx = ev.delta_x() + if ev.shift_key() { ev.delta_y() } else { 0.0 };
            show(&|w, total| w.pan(dx / width(), total));
        } else {
            let factor = if ev.delta_y() > 0.0 { 1.25 } else { 0.8 };
            show(&|w, total| w.zoom(factor, x / width(), total));
        }
    };
    let on_down = move |ev: web_sys::MouseEvent| {
        if let (Some((x, _)), Some((w, _, _))) = (mouse_at(&canvas, &ev), shown()) {
            drag.set(Some((x, w, ev.shift_key())));
        }
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some((x, y)) = mouse_at(&canvas, &ev) else {
            return;
        };
        if let Some((x_down, w0, pans)) = drag.get_untracked()
            && (x - x_down).abs() > 3.0
        {
            if pans {
                show(&|_, total| w0.pan((x_down - x) / width(), total));
            } else {
                band.set(Some((x_down, x)));
            }
            hover.set(None);
            return;
        }
        hover.set(at(x, y).map(|b| (x, y, b)));
    };
    let on_up = move |ev: web_sys::MouseEvent| {
        let moved = match (drag.get_untracked(), mouse_at(&canvas, &ev)) {
            (Some((x_down, w0, pans)), Some((x, _))) if (x - x_down).abs() > 3.0 => {
                if !pans {
                    show(&|_, total| w0.between(x_down / width(), x / width(), total));
                }
                true
            }
            _ => false,
        };
        drag.set(None);
        band.set(None);
        if !moved
            && let Some((x, y)) = mouse_at(&canvas, &ev)
            && let Some(b) = at(x, y)
        {
            state.span.set(Some(b.span));
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "+" | "=" => show(&|w, total| w.zoom(0.8, 0.5, total)),
        "-" | "_" => show(&|w, total| w.zoom(1.25, 0.5, total)),
        "ArrowLeft" => show(&|w, total| w.pan(-0.1, total)),
        "ArrowRight" => show(&|w, total| w.pan(0.1, total)),
        "0" => analysis.zoom.set(None),
        _ => {}
    };
    let tooltip = move || {
        let (x, y, b) = hover.get()?;
        Some(view! {
            <div class="flame-tip" data-testid="flame-tooltip" style:left=format!("{}px", x + 12.0) style:top=format!("{}px", y + 12.0)>
                {b.lines().into_iter().map(|l| view! { <div>{l}</div> }).collect_view()}
            </div>
        })
    };
    view! {
        <div class="flame-tools">
            <input type="search" placeholder="Highlight spans named…" data-testid="flame-search"
                prop:value=search on:input=move |ev| search.set(event_target_value(&ev)) />
            <span class="muted">"drag across a range, wheel or +/− to zoom · Shift+drag or ←→ to pan · 0 to reset · click opens a span"</span>
        </div>
        <div class="flame-wrap" tabindex="0" on:keydown=on_key>
            <canvas class="flame" data-testid="trace-flame-canvas" node_ref=canvas
                on:wheel=on_wheel on:mousedown=on_down on:mousemove=on_move on:mouseup=on_up
                on:mouseleave=move |_| { hover.set(None); drag.set(None); band.set(None); }></canvas>
            {move || band.get().map(|(a, b)| view! {
                <div class="drag-band" data-testid="drag-band"
                    style:left=format!("{}px", a.min(b)) style:width=format!("{}px", (a - b).abs())></div>
            })}
            {tooltip}
        </div>
    }
}

/// Paints an aggregated node's box in `color`, labelled `name`.
pub(crate) fn paint_node(
    ctx: &web_sys::CanvasRenderingContext2d,
    b: &AggBox,
    color: &str,
    name: &str,
) {
    let (x0, w, y) = (
        f64::from(b.x0),
        f64::from(b.x1 - b.x0),
        f64::from(b.row) * ROW,
    );
    ctx.set_fill_style_str(color);
    ctx.fill_rect(x0, y + 1.0, (w - 0.5).max(0.5), ROW - 2.0);
    ctx.set_fill_style_str("#111827");
    draw_label(ctx, name, x0, y, w);
}

/// All filtered traces merged by path of names, weighted by time, tokens or cost. Click a node
/// to focus it; the breadcrumb leads back.
#[component]
pub fn AggregateFlameView() -> impl IntoView {
    let analysis = expect_context::<Analysis>();
    let canvas = NodeRef::<Canvas>::new();
    let weight = analysis.weight;
    let (view, _) = answer(
        move || {
            Some(Request::AggregateFlame {
                query: analysis.query.get(),
                weight: weight.get(),
                focus: analysis.focus.get(),
                width: width_of(&canvas)?,
            })
        },
        |r| match r {
            Response::AggregateFlame(v) => Some(v),
            _ => None,
        },
    );
    let hover = RwSignal::new(None::<(f64, f64, AggBox)>);
    Effect::new(move |_| {
        let started = now_ms();
        view.with(|v| {
            let Some(v) = v else { return };
            let rows = v.boxes.iter().map(|b| b.row + 1).max().unwrap_or(1);
            let Some(s) = surface(&canvas, (f64::from(rows) * ROW).clamp(ROW * 4.0, TALLEST))
            else {
                return;
            };
            s.ctx.set_font("11px system-ui, sans-serif");
            for b in &v.boxes {
                let name = if b.node == 0 {
                    "all traces"
                } else {
                    b.name.as_str()
                };
                paint_node(&s.ctx, b, &name_color(name), name);
            }
        });
        record_draw_time(&canvas, started);
    });
    let at = move |x: f64, y: f64| -> Option<AggBox> {
        view.with_untracked(|v| v.as_ref()?.at(x, (y / ROW) as u32).cloned())
    };
    let focus_on = move |node: u32| {
        if let Some(names) = view.with_untracked(|v| v.as_ref().map(|v| v.names(node))) {
            analysis.focus.set(names);
        }
    };
    let label = move |w: Weight| match w {
        Weight::TotalTime => "total time",
        Weight::SelfTime => "self time",
        Weight::Tokens => "tokens",
        Weight::Cost => "cost",
    };
    let tooltip = move || {
        let (x, y, b) = hover.get()?;
        Some(view! {
            <div class="flame-tip" style:left=format!("{}px", x + 12.0) style:top=format!("{}px", y + 12.0)>
                {b.lines().into_iter().map(|l| view! { <div>{l}</div> }).collect_view()}
            </div>
        })
    };
    let breadcrumb = move || {
        view.with(|v| {
            let v = v.as_ref()?;
            Some(v.path.iter().enumerate().map(|(k, (n, name))| {
                let name = if *n == 0 { "all traces".to_string() } else { name.clone() };
                let names: Vec<String> = v.path[1..=k].iter().map(|(_, n)| n.clone()).collect();
                view! { <button class="link" on:click=move |_| analysis.focus.set(names.clone())>{name}</button><span class="muted">" › "</span> }
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
                            <option value=w.id() selected=move || weight.get() == w>{w.label()}</option>
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
                            hover.set(at(x, y).map(|b| (x, y, b)));
                        }
                    }
                    on:mouseleave=move |_| hover.set(None)
                    on:click=move |ev| {
                        if let Some((x, y)) = mouse_at(&canvas, &ev)
                            && let Some(b) = at(x, y) { focus_on(b.node); }
                    }></canvas>
                {tooltip}
            </div>
        </section>
    }
}
