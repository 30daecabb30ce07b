//! The overview of everything the filter selects: figures, root-span latency percentiles, a
//! timeline of traces over wall-clock time, and the top spans by self time and by cost.

use crate::analysis::{Analysis, open_span};
use crate::components::canvas::surface;
use crate::format;
use crate::state::AppState;
use leptos::html::Canvas;
use leptos::prelude::*;
use loupe_core::TraceSet;
use loupe_core::stats::Summary;

/// A row of a top-N list: what, how much, and where it opens.
#[derive(Clone, Debug, PartialEq)]
struct TopRow {
    name: String,
    detail: String,
    value: String,
    trace: u32,
    span: u32,
}

fn top_self_time(set: &TraceSet, traces: &[u32], n: usize) -> Vec<TopRow> {
    let mut spans: Vec<u32> = traces
        .iter()
        .flat_map(|&t| {
            let r = set.traces()[t as usize].spans;
            r.start..r.end
        })
        .collect();
    let k = n.min(spans.len());
    if k == 0 {
        return Vec::new();
    }
    spans.select_nth_unstable_by_key(k - 1, |&i| std::cmp::Reverse(set.span(i).self_time()));
    spans.truncate(k);
    spans.sort_by_key(|&i| std::cmp::Reverse(set.span(i).self_time()));
    spans
        .into_iter()
        .map(|i| {
            let s = set.span(i);
            TopRow {
                name: s.name().to_string(),
                detail: s.kind().label().to_string(),
                value: format::duration(s.self_time()),
                trace: s.trace(),
                span: i,
            }
        })
        .collect()
}

fn top_list(title: &'static str, testid: &'static str, rows: Vec<TopRow>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    view! {
        <section class="panel">
            <h3>{title}</h3>
            <table class="top-list" data-testid=testid>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let (trace, span) = (r.trace, r.span);
                        view! {
                            <tr class="clickable" on:click=move |_| open_span(state, analysis, trace, Some(span))>
                                <td>{r.name}</td><td class="muted">{r.detail}</td><td class="num">{r.value}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Draws trace starts over wall-clock time: one bar per time bucket, its height the number of
/// traces, failed ones in red.
fn draw_timeline(canvas: &NodeRef<Canvas>, set: &TraceSet, traces: &[u32]) {
    let Some(s) = surface(canvas, 120.0) else {
        return;
    };
    let starts: Vec<(i64, bool)> = traces
        .iter()
        .map(|&t| {
            let tr = &set.traces()[t as usize];
            (tr.start, tr.error_count > 0)
        })
        .collect();
    let (Some(lo), Some(hi)) = (
        starts.iter().map(|s| s.0).min(),
        starts.iter().map(|s| s.0).max(),
    ) else {
        return;
    };
    let buckets = 60usize;
    let span = (hi - lo).max(1) as f64;
    let mut ok = vec![0u32; buckets];
    let mut failed = vec![0u32; buckets];
    for (t, err) in starts {
        let b = (((t - lo) as f64 / span) * (buckets - 1) as f64).round() as usize;
        if err {
            failed[b.min(buckets - 1)] += 1;
        } else {
            ok[b.min(buckets - 1)] += 1;
        }
    }
    let peak = ok
        .iter()
        .zip(&failed)
        .map(|(a, b)| a + b)
        .max()
        .unwrap_or(1)
        .max(1);
    let (left, bottom) = (4.0, s.height - 18.0);
    let w = (s.width - 8.0) / buckets as f64;
    for b in 0..buckets {
        let x = left + b as f64 * w;
        let h_ok = f64::from(ok[b]) / f64::from(peak) * (bottom - 6.0);
        let h_err = f64::from(failed[b]) / f64::from(peak) * (bottom - 6.0);
        s.ctx.set_fill_style_str("#6366f1");
        s.ctx.fill_rect(x, bottom - h_ok, (w - 1.0).max(1.0), h_ok);
        s.ctx.set_fill_style_str("#dc2626");
        s.ctx
            .fill_rect(x, bottom - h_ok - h_err, (w - 1.0).max(1.0), h_err);
    }
    s.ctx.set_fill_style_str("#6b6b80");
    s.ctx.set_font("11px system-ui, sans-serif");
    let _ = s
        .ctx
        .fill_text(&format::timestamp(lo), left, s.height - 4.0);
    let end = format::timestamp(hi);
    let _ = s
        .ctx
        .fill_text(&end, s.width - 8.0 - 7.0 * end.len() as f64, s.height - 4.0);
}

/// The overview tab.
#[component]
pub fn Overview() -> impl IntoView {
    let state = expect_context::<AppState>();
    state.want_data();
    let analysis = expect_context::<Analysis>();
    let data = Memo::new(move |_| {
        state.data.with(|d| {
            d.as_ref().map(|set| {
                analysis.filtered.with(|f| {
                    let figs = set.totals_of(f);
                    let mut durations: Vec<i64> = f
                        .iter()
                        .map(|&t| set.traces()[t as usize].duration())
                        .collect();
                    let latency = Summary::of(&mut durations);
                    (figs, latency, top_self_time(set, f, 10))
                })
            })
        })
    });
    let top_cost = Memo::new(move |_| {
        state.data.with(|d| {
            let Some(set) = d.as_ref() else {
                return Vec::new();
            };
            analysis.filtered_costs.with(|report| {
                let mut calls: Vec<_> =
                    report.calls.iter().filter(|c| c.cost().is_some()).collect();
                calls.sort_by(|a, b| b.cost().unwrap_or(0.0).total_cmp(&a.cost().unwrap_or(0.0)));
                calls
                    .into_iter()
                    .take(10)
                    .map(|c| {
                        let s = set.span(c.span);
                        TopRow {
                            name: s.name().to_string(),
                            detail: s.model().to_string(),
                            value: format::cost(c.cost()),
                            trace: s.trace(),
                            span: c.span,
                        }
                    })
                    .collect()
            })
        })
    });
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let _ = canvas.get();
        state.data.with(|d| {
            if let Some(set) = d.as_ref() {
                analysis.filtered.with(|f| draw_timeline(&canvas, set, f));
            }
        });
    });
    let cost = move || format::cost(analysis.filtered_costs.with(|c| c.total()));
    let cost_source = move || analysis.filtered_costs.with(|c| c.source());
    view! {
        <div class="overview">
            {move || data.get().map(|(f, latency, top_self)| {
                let error_rate = if f.spans == 0 { 0.0 } else { f.errors as f64 / f.spans as f64 * 100.0 };
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
                        {fig("input tokens", "overview-input-tokens", format::count(f.input_tokens))}
                        {fig("output tokens", "overview-output-tokens", format::count(f.output_tokens))}
                        <div class="figure" title=cost_source><span class="figure-value" data-testid="overview-cost"
                            data-usd=move || analysis.filtered_costs.with(|c| c.total().map(|x| x.to_string()))>{cost}</span><span class="figure-label">"cost"</span></div>
                    </section>
                    <section class="panel">
                        <h3>"Trace latency"</h3>
                        {match latency {
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
                        {top_list("Top spans by self time", "top-self-time", top_self)}
                        {move || top_list("Top LLM calls by cost", "top-cost", top_cost.get())}
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
