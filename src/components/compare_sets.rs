//! One set of traces against another (two filters, or two loaded files): the totals side by
//! side, then each span name, model and kind on both sides with the changes and whether the
//! latency change is likely real, by impact; a group's two latency histograms drawn one over
//! the other. The engine computes every figure, test and bin.

use super::canvas::surface;
use crate::answer::answer;
use crate::format;
use leptos::html::Canvas;
use leptos::prelude::*;
use loupe_core::compare::histogram::PairBin;
use loupe_core::compare::relative;
use loupe_core::compare::sets::{Group, GroupSide, SIGNIFICANCE, Totals};
use loupe_core::engine::{Request, Response};

/// The overlaid histogram's height in CSS pixels.
const HISTOGRAM_HEIGHT: f64 = 200.0;
/// The baseline's bars (outlined) and the candidate's (filled).
const BASELINE: &str = "rgba(37, 99, 235, 0.9)";
const CANDIDATE: &str = "rgba(234, 88, 12, 0.45)";

/// The change from `a` to `b` as text: `+12%`, `-5%`, `new` from nothing, empty when both are
/// nothing.
pub(super) fn change(a: f64, b: f64) -> String {
    match relative(a, b) {
        Some(r) => format!("{:+.0}%", r * 100.0),
        None if b == 0.0 => String::new(),
        None => "new".into(),
    }
}

/// A p-value as the verdict it supports.
fn verdict(p: Option<f64>) -> (String, &'static str) {
    match p {
        None => ("—".into(), ""),
        Some(p) if p < 0.001 => ("likely real (p < 0.001)".into(), "real"),
        Some(p) if p < SIGNIFICANCE => (format!("likely real (p = {p:.3})"), "real"),
        Some(p) => (format!("may be noise (p = {p:.2})"), "noise"),
    }
}

/// One line of the totals: a figure on both sides and its change.
fn total_line(label: &'static str, a: String, b: String, delta: String) -> impl IntoView {
    view! {
        <tr>
            <th>{label}</th><td class="num">{a}</td><td class="num">{b}</td><td class="num">{delta}</td>
        </tr>
    }
}

/// The two sides' totals, with the trace latency's verdict.
fn totals_view(a: &Totals, b: &Totals, latency_p: Option<f64>) -> impl IntoView + use<> {
    let n = |v: u64| format::count(v);
    let f = |v: u64| v as f64;
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let per = |v: f64| format::count(v.round() as u64);
    let d = |t: &Totals, pick: fn(&loupe_core::stats::Summary) -> i64| {
        t.latency
            .as_ref()
            .map_or("—".into(), |s| format::duration(pick(s)))
    };
    let dv = |t: &Totals, pick: fn(&loupe_core::stats::Summary) -> i64| {
        t.latency.as_ref().map_or(0.0, |s| pick(s) as f64)
    };
    let latency = |label, pick: fn(&loupe_core::stats::Summary) -> i64| {
        total_line(
            label,
            d(a, pick),
            d(b, pick),
            change(dv(a, pick), dv(b, pick)),
        )
    };
    let (text, class) = verdict(latency_p);
    view! {
        <table class="compare-totals" data-testid="compare-totals">
            <thead><tr><th></th><th class="num">"Baseline"</th><th class="num">"Candidate"</th><th class="num">"Change"</th></tr></thead>
            <tbody>
                {total_line("Traces", n(a.traces), n(b.traces), change(f(a.traces), f(b.traces)))}
                {total_line("Errors", n(a.errors), n(b.errors), change(f(a.errors), f(b.errors)))}
                {total_line("Traces with an error", pct(a.error_rate), pct(b.error_rate),
                    format!("{:+.1} pt", (b.error_rate - a.error_rate) * 100.0))}
                {total_line("LLM calls", n(a.llm_calls), n(b.llm_calls), change(f(a.llm_calls), f(b.llm_calls)))}
                {total_line("Tokens", n(a.tokens), n(b.tokens), change(f(a.tokens), f(b.tokens)))}
                {total_line("Tokens per trace", per(a.tokens_per_trace), per(b.tokens_per_trace),
                    change(a.tokens_per_trace, b.tokens_per_trace))}
                {total_line("Cost", format::cost(a.cost_usd), format::cost(b.cost_usd),
                    change(a.cost_usd.unwrap_or(0.0), b.cost_usd.unwrap_or(0.0)))}
                {total_line("Cost per trace", format::cost(a.cost_per_trace), format::cost(b.cost_per_trace),
                    change(a.cost_per_trace.unwrap_or(0.0), b.cost_per_trace.unwrap_or(0.0)))}
                {latency("Trace p50", |s| s.p50)}
                {latency("Trace p90", |s| s.p90)}
                {latency("Trace p99", |s| s.p99)}
                {total_line("First token p50",
                    a.ttft_p50.map_or("—".into(), format::duration), b.ttft_p50.map_or("—".into(), format::duration),
                    change(a.ttft_p50.unwrap_or(0) as f64, b.ttft_p50.unwrap_or(0) as f64))}
            </tbody>
        </table>
        <p class=format!("verdict {class}") data-testid="compare-verdict">{format!("Trace latency: {text}")}</p>
    }
}

/// A latency percentile of a group on both sides, with its change.
fn percentile_cell(g: &Group, pick: fn(&loupe_core::stats::Summary) -> i64) -> String {
    let side = |s: &GroupSide| s.latency.as_ref().map(pick);
    match (side(&g.baseline), side(&g.candidate)) {
        (Some(a), Some(b)) => format!(
            "{} → {} {}",
            format::duration(a),
            format::duration(b),
            change(a as f64, b as f64)
        ),
        (a, b) => format!(
            "{} → {}",
            a.map_or("—".into(), format::duration),
            b.map_or("—".into(), format::duration)
        ),
    }
}

/// A group's row of the table.
fn group_row(g: &Group, i: usize, chosen: RwSignal<usize>) -> impl IntoView + use<> {
    let (a, b) = (&g.baseline, &g.candidate);
    let (text, class) = verdict(g.latency_p);
    let cost = |s: &GroupSide| format::cost(s.cost_per_trace);
    let tokens = |s: &GroupSide| format::count(s.tokens_per_trace.round() as u64);
    let ttft = |s: &GroupSide| s.ttft_p50.map_or("—".into(), format::duration);
    view! {
        <tr class="clickable" data-testid="compare-group" class:selected=move || chosen.get() == i
            on:click=move |_| chosen.set(i)>
            <td class="key" title=g.key.clone()><small class="muted">{g.by.id()}" "</small>{g.key.clone()}</td>
            <td class="num">{format!("{} → {}", format::count(a.count), format::count(b.count))}</td>
            <td class=format!("verdict {class}")>{text}</td>
            <td class="num">{percentile_cell(g, |s| s.p50)}</td>
            <td class="num">{percentile_cell(g, |s| s.p90)}</td>
            <td class="num">{percentile_cell(g, |s| s.p99)}</td>
            <td class="num">{format!("{:.1}% → {:.1}%", a.error_rate * 100.0, b.error_rate * 100.0)}</td>
            <td class="num">{format!("{} → {}", tokens(a), tokens(b))}</td>
            <td class="num">{format!("{} → {}", cost(a), cost(b))}</td>
            <td class="num">{format!("{} → {}", ttft(a), ttft(b))}</td>
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
