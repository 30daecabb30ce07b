//! Latency by span name, model or kind: a sortable table with a small histogram per row, and
//! the selected row's histogram (log-scaled bins, percentiles marked) drawn with plotters.
//! Selecting a bin lists its spans. The engine computes the table, the bins and a bin's spans.

use crate::analysis::{Analysis, open_span};
use crate::answer::answer;
use crate::format;
use crate::state::AppState;
use crate::worker_client;
use leptos::html::Canvas;
use leptos::prelude::*;
use loupe_core::engine::{BinSpans, LatencyLine, Request, Response};
use loupe_core::stats::{Bin, LatencyKey, LatencySort as SortBy, bin_at, bin_position};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// Draws `bins` with p50, p90 and p99 marked; returns the plot area's x pixel range.
fn draw_histogram(
    canvas: &web_sys::HtmlCanvasElement,
    bins: &[Bin],
    row: &LatencyLine,
) -> Option<(i32, i32)> {
    let width = canvas.client_width().max(300) as u32;
    canvas.set_width(width);
    canvas.set_height(240);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())?;
    let root = backend.into_drawing_area();
    let p = crate::theme::palette();
    let [panel, ink, line] = [p.panel, p.ink, p.line].map(|(r, g, b)| RGBColor(r, g, b));
    root.fill(&panel).ok()?;
    let peak = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as u32;
    let n = bins.len();
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(44)
        .build_cartesian_2d(0f64..n as f64, 0u32..peak + peak / 8 + 1)
        .ok()?;
    let labels: Vec<String> = bins.iter().map(|b| format::duration(b.lo)).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(8))
        .x_label_formatter(&|x| {
            let i = (*x as usize).min(n.saturating_sub(1));
            labels.get(i).cloned().unwrap_or_default()
        })
        .y_desc("spans")
        .label_style(("sans-serif", 11).into_font().color(&ink))
        .axis_desc_style(("sans-serif", 11).into_font().color(&ink))
        .axis_style(line)
        .bold_line_style(line)
        .light_line_style(line)
        .draw()
        .ok()?;
    let bar = RGBColor(99, 102, 241);
    chart
        .draw_series(bins.iter().enumerate().map(|(i, b)| {
            Rectangle::new(
                [(i as f64 + 0.06, 0u32), (i as f64 + 0.94, b.count as u32)],
                bar.filled(),
            )
        }))
        .ok()?;
    for (label, v, color) in [
        ("p50", row.total.p50, RGBColor(22, 163, 74)),
        ("p90", row.total.p90, RGBColor(217, 119, 6)),
        ("p99", row.total.p99, RGBColor(220, 38, 38)),
    ] {
        let x = bin_position(bins, v)?;
        let top = peak + peak / 8;
        chart
            .draw_series(LineSeries::new(
                vec![(x, 0u32), (x, top)],
                color.stroke_width(2),
            ))
            .ok()?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{label} {}", format::duration(v)),
                (x, top),
                ("sans-serif", 11).into_font().color(&color),
            )))
            .ok()?;
    }
    root.present().ok()?;
    let (xs, _) = chart.plotting_area().get_pixel_range();
    Some((xs.start, xs.end))
}

/// A row's small histogram, as CSS bars.
fn mini_histogram(bins: &[Bin]) -> impl IntoView + use<> {
    let peak = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
    view! {
        <span class="mini-hist" aria-hidden="true">
            {bins.iter().map(|b| view! {
                <span style:height=format!("{:.0}%", (b.count as f64 / peak * 100.0).max(if b.count > 0 { 8.0 } else { 0.0 }))></span>
            }).collect_view()}
        </span>
    }
}

/// The latency tab.
#[component]
pub fn LatencyView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let group = RwSignal::new(LatencyKey::Name);
    let sort = RwSignal::new(SortBy::Count);
    let selected = RwSignal::new(0usize);
    let bin = RwSignal::new(None::<usize>);
    let (table, _) = answer(
        move || {
            Some(Request::Latency {
                query: analysis.query.get(),
                by: group.get(),
                sort: sort.get(),
            })
        },
        |r| match r {
            Response::Latency(v) => Some(v),
            _ => None,
        },
    );
    Effect::new(move |_| {
        table.track();
        selected.set(0);
        bin.set(None);
    });
    let chosen = Memo::new(move |_| {
        let i = selected.get();
        table.with(|t| t.as_ref()?.rows.get(i).cloned())
    });
    let canvas = NodeRef::<Canvas>::new();
    let plot_x = RwSignal::new(None::<(i32, i32)>);
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        chosen.with(|row| {
            if let Some(row) = row {
                plot_x.set(draw_histogram(&el, &row.bins, row));
            }
        });
    });
    let on_click = move |ev: web_sys::MouseEvent| {
        let (Some((x0, x1)), Some(n)) = (
            plot_x.get_untracked(),
            chosen.with_untracked(|r| r.as_ref().map(|r| r.bins.len())),
        ) else {
            return;
        };
        let across = (f64::from(ev.offset_x()) - f64::from(x0)) / f64::from((x1 - x0).max(1));
        if let Some(i) = bin_at(across, n) {
            bin.set(Some(i));
        }
    };
    // The chosen bin's spans, from the engine.
    let in_bin = RwSignal::new(None::<BinSpans>);
    Effect::new(move |_| {
        let Some(b) = bin.get() else {
            in_bin.set(None);
            return;
        };
        let request = Request::LatencyBin {
            query: analysis.query.get_untracked(),
            by: group.get_untracked(),
            sort: sort.get_untracked(),
            row: selected.get() as u32,
            bin: b as u32,
        };
        leptos::task::spawn_local(async move {
            if let Ok(Response::BinSpans(spans)) = worker_client::ask(request).await
                && bin.get_untracked() == Some(b)
            {
                in_bin.try_set(Some(spans));
            }
        });
    });
    let bin_spans = move || {
        let spans = in_bin.get()?;
        let chosen = spans.bin?;
        Some(view! {
            <h3>{format!("{} spans from {} to {}", format::count(u64::from(spans.count)), format::duration(chosen.lo), format::duration(chosen.hi))}</h3>
            <table class="top-list" data-testid="latency-bin-spans"><tbody>
                {spans.spans.into_iter().map(|(t, i, name, dur)| view! {
                    <tr class="clickable" on:click=move |_| open_span(state, analysis, t, Some(i))>
                        <td>{name}</td><td class="num">{format::duration(dur)}</td>
                    </tr>
                }).collect_view()}
            </tbody></table>
        })
    };
    let header = move |label: &'static str, by: SortBy| {
        view! {
            <th class="clickable" class:sorted=move || sort.get() == by on:click=move |_| sort.set(by)>{label}</th>
        }
    };
    view! {
        <section class="panel">
            <div class="flame-tools">
                <label>"Group by "
                    <select data-testid="latency-group" on:change=move |ev| group.set(match event_target_value(&ev).as_str() {
                        "model" => LatencyKey::Model,
                        "kind" => LatencyKey::Kind,
                        _ => LatencyKey::Name,
                    })>
                        <option value="name">"span name"</option>
                        <option value="model">"model"</option>
                        <option value="kind">"kind"</option>
                    </select>
                </label>
                <span class="muted">"Percentiles are exact (nearest rank). Click a row for its histogram, a bin for its spans."</span>
            </div>
            <div class="table-scroll">
                <table class="latency" data-testid="latency-table">
                    <thead><tr>
                        {header("Name", SortBy::Key)}{header("Count", SortBy::Count)}{header("Errors", SortBy::Errors)}
                        <th>"Min"</th><th>"Mean"</th>
                        {header("p50", SortBy::P50)}{header("p90", SortBy::P90)}<th>"p95"</th>{header("p99", SortBy::P99)}{header("Max", SortBy::Max)}
                        {header("Self p50", SortBy::SelfP50)}<th>"First token p50"</th><th>"Output tok/s"</th><th>"Histogram"</th>
                    </tr></thead>
                    <tbody>
                        {move || table.get().map(|t| t.rows).unwrap_or_default().into_iter().enumerate().map(|(i, r)| {
                            let d = format::duration;
                            view! {
                                <tr class="clickable" class:selected=move || selected.get() == i data-testid="latency-row"
                                    on:click=move |_| { selected.set(i); bin.set(None); }>
                                    <td class="key" title=r.key.clone()>{r.key.clone()}</td>
                                    <td class="num">{format::count(r.total.count as u64)}</td>
                                    <td class="num">{format!("{:.1}%", r.error_rate * 100.0)}</td>
                                    <td class="num">{d(r.total.min)}</td>
                                    <td class="num">{d(r.total.mean.round() as i64)}</td>
                                    <td class="num">{d(r.total.p50)}</td>
                                    <td class="num">{d(r.total.p90)}</td>
                                    <td class="num">{d(r.total.p95)}</td>
                                    <td class="num">{d(r.total.p99)}</td>
                                    <td class="num">{d(r.total.max)}</td>
                                    <td class="num">{d(r.self_time.p50)}</td>
                                    <td class="num">{r.first_token.map_or("—".to_string(), |s| d(s.p50))}</td>
                                    <td class="num">{r.tokens_per_second.map_or("—".to_string(), |t| format!("{t:.1}"))}</td>
                                    <td>{mini_histogram(&r.bins)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="panel">
            <h3>{move || chosen.with(|r| r.as_ref().map(|r| format!("Durations of {} ({} spans)", r.key, format::count(r.total.count as u64))))}</h3>
            <canvas class="histogram" data-testid="latency-histogram" node_ref=canvas on:click=on_click></canvas>
            {bin_spans}
        </section>
    }
}
