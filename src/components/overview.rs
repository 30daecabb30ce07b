//! The overview of everything the filter selects: figures, root-span latency percentiles, a
//! timeline of traces over wall-clock time, and the top spans by self time and by cost, as the
//! engine gives them.

use crate::analysis::{Analysis, open_span};
use crate::answer::answer;
use crate::components::canvas::surface;
use crate::format;
use crate::state::AppState;
use leptos::html::Canvas;
use leptos::prelude::*;
use loupe_core::engine::{Request, Response, Timeline, TopSpan};

/// Buckets of the timeline.
const BUCKETS: u32 = 60;

fn top_list(
    title: &'static str,
    testid: &'static str,
    rows: Vec<TopSpan>,
    value: fn(&TopSpan) -> String,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    view! {
        <section class="panel">
            <h3>{title}</h3>
            <table class="top-list" data-testid=testid>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let (trace, span, shown) = (r.trace, r.span, value(&r));
                        view! {
                            <tr class="clickable" on:click=move |_| open_span(state, analysis, trace, Some(span))>
                                <td>{r.name}</td><td class="muted">{r.detail}</td><td class="num">{shown}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Draws trace starts over wall-clock time: one bar per bucket, its height the number of
/// traces, failed ones in red.
fn draw_timeline(canvas: &NodeRef<Canvas>, t: &Timeline) {
    let Some(s) = surface(canvas, 120.0) else {
        return;
    };
    let buckets = t.ok.len();
    if buckets == 0 {
        return;
    }
    let peak =
        t.ok.iter()
            .zip(&t.failed)
            .map(|(a, b)| a + b)
            .max()
            .unwrap_or(1)
            .max(1);
    let (left, bottom) = (4.0, s.height - 18.0);
    let w = (s.width - 8.0) / buckets as f64;
    for b in 0..buckets {
        let x = left + b as f64 * w;
        let h_ok = f64::from(t.ok[b]) / f64::from(peak) * (bottom - 6.0);
        let h_err = f64::from(t.failed[b]) / f64::from(peak) * (bottom - 6.0);
        s.ctx.set_fill_style_str("#6366f1");
        s.ctx.fill_rect(x, bottom - h_ok, (w - 1.0).max(1.0), h_ok);
        s.ctx.set_fill_style_str("#dc2626");
        s.ctx
            .fill_rect(x, bottom - h_ok - h_err, (w - 1.0).max(1.0), h_err);
    }
    s.fill_with(|p| p.muted);
    s.ctx.set_font("11px system-ui, sans-serif");
    let _ = s
        .ctx
        .fill_text(&format::timestamp(t.start), left, s.height - 4.0);
    let end = format::timestamp(t.end);
    let _ = s
        .ctx
        .fill_text(&end, s.width - 8.0 - 7.0 * end.len() as f64, s.height - 4.0);
}

/// The overview tab.
#[component]
pub fn Overview() -> impl IntoView {
    let analysis = expect_context::<Analysis>();
    let (overview, _) = answer(
        move || {
            Some(Request::Overview {
                query: analysis.query.get(),
                buckets: BUCKETS,
            })
        },
        |r| match r {
            Response::Overview(v) => Some(*v),
            _ => None,
        },
    );
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let _ = canvas.get();
        overview.with(|o| {
            if let Some(o) = o {
                draw_timeline(&canvas, &o.timeline);
            }
        });
    });
    view! {
        <div class="overview">
            {move || overview.get().map(|o| {
                let f = o.figures;
                let error_rate = f.error_percent();
                let fig = |label: &'static str, testid: &'static str, value: String| view! {
                    <div class="figure"><span class="figure-value" data-testid=testid>{value}</span><span class="figure-label">{label}</span></div>
                };
                view! {
                    <section class="panel overview-figures">
                        {fig("traces", "overview-traces", format::count(f.traces))}
                        {fig("spans", "overview-spans", format::count(f.spans))}
                        {fig("errors", "overview-errors", format::count(f.errors))}
                        {fig("error rate", "overview-error-rate", format!("{error_rate:.1}%"))}
                        {fig("LLM calls", "overview-llm-calls", format::count(f.llm_calls))}
                        {(f.embedding_calls > 0).then(|| fig("embeddings", "overview-embedding-calls", format::count(f.embedding_calls)))}
                        {fig("input tokens", "overview-input-tokens", format::count(f.input_tokens))}
                        {fig("output tokens", "overview-output-tokens", format::count(f.output_tokens))}
                        <div class="figure" title=f.cost_source.clone()><span class="figure-value" data-testid="overview-cost"
                            data-usd=f.cost_usd.map(|x| x.to_string())>{format::cost(f.cost_usd)}</span><span class="figure-label">"cost"</span></div>
                    </section>
                    <section class="panel">
                        <h3>"Trace latency"</h3>
                        {match o.latency {
                            Some(l) => view! {
                                <div class="percentiles" data-testid="overview-latency">
                                    {[("min", l.min), ("p50", l.p50), ("p90", l.p90), ("p95", l.p95), ("p99", l.p99), ("max", l.max)]
                                        .into_iter().map(|(k, v)| view! { <span><b>{k}</b>" "{format::duration(v)}</span> }).collect_view()}
                                </div>
                            }.into_any(),
                            None => view! { <p class="muted">"No traces match the filter."</p> }.into_any(),
                        }}
                    </section>
                    <div class="two-col">
                        {top_list("Top spans by self time", "top-self-time", o.top_self_time, |r| format::duration(r.self_time))}
                        {top_list("Top LLM calls by cost", "top-cost", o.top_cost, |r| format::cost(r.cost))}
                    </div>
                }
            })}
            <section class="panel">
                <h3>"Traces over time"</h3>
                <canvas class="timeline" data-testid="timeline" node_ref=canvas></canvas>
            </section>
        </div>
    }
}
