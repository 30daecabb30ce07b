//! One set of traces against another (two filters, or two loaded files): the totals side by
//! side, then each span name, model and kind on both sides with the changes and whether the
//! latency change is likely real, by impact; a group's two latency histograms drawn one over
//! the other. The engine computes every figure, test and bin.

use super::canvas::surface;
use crate::answer::answer;
use crate::format;
use leptos::html::Canvas;
use leptos::prelude::*;
use loupe_core::compare::describe::{total_lines, verdict};
use loupe_core::compare::histogram::PairBin;
use loupe_core::compare::sets::{Group, Totals};
use loupe_core::engine::{Request, Response};

/// The overlaid histogram's height in CSS pixels.
const HISTOGRAM_HEIGHT: f64 = 200.0;
/// The baseline's bars (outlined) and the candidate's (filled).
const BASELINE: &str = "rgba(37, 99, 235, 0.9)";
const CANDIDATE: &str = "rgba(234, 88, 12, 0.45)";

/// The two sides' totals, with the trace latency's verdict.
fn totals_view(a: &Totals, b: &Totals, latency_p: Option<f64>) -> impl IntoView + use<> {
    let (text, likely) = verdict(latency_p);
    view! {
        <table class="compare-totals" data-testid="compare-totals">
            <thead><tr><th></th><th class="num">"Baseline"</th><th class="num">"Candidate"</th><th class="num">"Change"</th></tr></thead>
            <tbody>
                {total_lines(a, b).into_iter().map(|(label, a, b, delta)| view! {
                    <tr>
                        <th>{label}</th><td class="num">{a}</td><td class="num">{b}</td><td class="num">{delta}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class=format!("verdict {}", likely.id()) data-testid="compare-verdict">{format!("Trace latency: {text}")}</p>
    }
}

/// A group's row of the table.
fn group_row(g: &Group, i: usize, chosen: RwSignal<usize>) -> impl IntoView + use<> {
    let (text, likely) = verdict(g.latency_p);
    let cells = g.cells();
    let [p50, p90, p99] = cells.percentiles;
    view! {
        <tr class="clickable" data-testid="compare-group" class:selected=move || chosen.get() == i
            on:click=move |_| chosen.set(i)>
            <td class="key" title=g.key.clone()><small class="muted">{g.by.id()}" "</small>{g.key.clone()}</td>
            <td class="num">{cells.count}</td>
            <td class=format!("verdict {}", likely.id())>{text}</td>
            <td class="num">{p50}</td>
            <td class="num">{p90}</td>
            <td class="num">{p99}</td>
            <td class="num">{cells.error_rate}</td>
            <td class="num">{cells.tokens}</td>
            <td class="num">{cells.cost}</td>
            <td class="num">{cells.ttft}</td>
        </tr>
    }
}

/// Draws `bins`: the baseline's bars outlined, the candidate's filled, on one count axis.
fn draw_overlay(canvas: &NodeRef<Canvas>, bins: &[PairBin]) {
    let Some(s) = surface(canvas, HISTOGRAM_HEIGHT) else {
        return;
    };
    let (left, bottom, top) = (8.0, 22.0, 8.0);
    let plot_h = s.height - bottom - top;
    let peak = bins
        .iter()
        .map(|b| b.baseline.max(b.candidate))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let step = (s.width - 2.0 * left) / bins.len().max(1) as f64;
    let height = |n: u32| f64::from(n) / peak * plot_h;
    s.ctx.set_font("11px system-ui, sans-serif");
    for (i, b) in bins.iter().enumerate() {
        let x = left + i as f64 * step;
        s.ctx.set_fill_style_str(CANDIDATE);
        let h = height(b.candidate);
        s.ctx
            .fill_rect(x + 1.0, top + plot_h - h, (step - 2.0).max(1.0), h);
        s.ctx.set_stroke_style_str(BASELINE);
        s.ctx.set_line_width(2.0);
        let h = height(b.baseline);
        if b.baseline > 0 {
            s.ctx
                .stroke_rect(x + 2.0, top + plot_h - h, (step - 4.0).max(1.0), h);
        }
    }
    // Labels at a few bin edges, spaced so they do not overlap.
    s.fill_with(|p| p.muted);
    let every = ((70.0 / step).ceil() as usize).max(1);
    for (i, b) in bins.iter().enumerate().step_by(every) {
        let _ = s.ctx.fill_text(
            &format::duration(b.lo),
            left + i as f64 * step,
            s.height - 6.0,
        );
    }
}

/// The chosen group's overlaid histogram.
#[component]
fn Overlay(bins: Signal<Option<Vec<PairBin>>>) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        bins.with(|b| {
            if let Some(b) = b {
                draw_overlay(&canvas, b);
                if let Some(el) = canvas.get_untracked() {
                    let total: u32 = b.iter().map(|x| x.baseline + x.candidate).sum();
                    let _ = el.set_attribute("data-spans", &total.to_string());
                }
            }
        });
    });
    view! {
        <canvas class="histogram" data-testid="diff-histogram" node_ref=canvas></canvas>
        <p class="muted">
            <span class="legend-baseline">"▭ baseline"</span>" "<span class="legend-candidate">"■ candidate"</span>
            " · spans per duration bin (log scale)"
        </p>
    }
}

/// The traces filter `a` selects (the baseline) against those `b` selects.
#[component]
pub fn SetComparison(
    /// The baseline's filter.
    a: String,
    /// The candidate's filter.
    b: String,
) -> impl IntoView {
    let (view, error) = answer(
        move || {
            Some(Request::CompareSets {
                a: a.clone(),
                b: b.clone(),
            })
        },
        |r| match r {
            Response::SetComparison(v) => Some(v),
            _ => None,
        },
    );
    let chosen = RwSignal::new(0usize);
    let bins = Signal::derive(move || {
        let i = chosen.get();
        view.with(|v| v.as_ref()?.histograms.get(i).cloned())
    });
    let title = move || {
        view.with(|v| {
            let v = v.as_ref()?;
            let g = v.comparison.groups.get(chosen.get())?;
            let by = match g.by {
                loupe_core::stats::LatencyKey::Name => "span name",
                loupe_core::stats::LatencyKey::Model => "model",
                loupe_core::stats::LatencyKey::Kind => "kind",
            };
            Some(format!("Durations of {by} {}", g.key))
        })
    };
    let body = move || {
        if error.with(Option::is_some) {
            return None;
        }
        view.with(|v| {
            let v = v.as_ref()?;
            let c = &v.comparison;
            let shown = c.groups.len() as u32;
            Some(view! {
                {totals_view(&c.baseline, &c.candidate, c.latency_p)}
                <h3>"By span name, model and kind, by impact (change of the median × spans)"</h3>
                {(v.groups > shown).then(|| view! {
                    <p class="muted">{format!("The {shown} groups that weigh most of {}.", format::count(u64::from(v.groups)))}</p>
                })}
                <div class="table-scroll">
                    <table class="latency compare-groups" data-testid="compare-groups">
                        <thead><tr>
                            <th>"Group"</th><th>"Spans"</th><th>"Latency change"</th><th>"p50"</th><th>"p90"</th><th>"p99"</th>
                            <th>"Errors"</th><th>"Tokens / trace"</th><th>"Cost / trace"</th><th>"First token p50"</th>
                        </tr></thead>
                        <tbody>
                            {c.groups.iter().enumerate().map(|(i, g)| group_row(g, i, chosen)).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        })
    };
    view! {
        {move || error.get().map(|e| view! { <p class="error" data-testid="compare-error">{e}</p> })}
        {body}
        <Show when=move || bins.with(Option::is_some) && error.with(Option::is_none)>
            <h3>{title}</h3>
            <Overlay bins />
        </Show>
    }
}
