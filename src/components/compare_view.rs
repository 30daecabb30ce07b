//! The Compare tab: two filters to compare as sets ([`super::compare_sets`]), or one trace
//! against another: the differential flame graph (the candidate's width, coloured by the change
//! from the baseline), the merged tree with both sides' figures, and for the pair of spans
//! clicked the prompt diff and both spans' details. All of them are the engine's answers.

use super::canvas::{mouse_at, surface};
use super::compare_sets::SetComparison;
use super::flame_view::{ROW, TALLEST, now_ms, paint_node, record_draw_time, width_of};
use super::span_detail::SpanPanel;
use super::virtual_list::VirtualList;
use crate::analysis::{Analysis, compare_sets};
use crate::answer::answer;
use crate::worker_client;
use leptos::html::Canvas;
use leptos::prelude::*;
use loupe_core::bundle::Comparing;
use loupe_core::compare::align::{AlignedRow, Presence, SpanFigures};
use loupe_core::compare::describe::Shade;
use loupe_core::compare::flame::DiffBox;
use loupe_core::compare::prompt::{LineChange, Section};
use loupe_core::engine::{Request, Response};
use loupe_core::flame::Weight;

const ROW_HEIGHT: f64 = 26.0;

/// A box's colour for its shade: red for more than the baseline, blue for less, grey for
/// about the same.
fn shade_color(shade: Shade) -> String {
    match shade {
        Shade::Same => "rgba(156, 163, 175, 0.45)".into(),
        Shade::More(strength) => format!("rgba(220, 38, 38, {strength:.2})"),
        Shade::Less(strength) => format!("rgba(37, 99, 235, {strength:.2})"),
    }
}

/// The differential flame graph of the two traces.
#[component]
fn DiffFlame(
    a: u32,
    b: u32,
    chosen: RwSignal<Option<(usize, AlignedRow)>>,
    clicks: StoredValue<u64>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let weight = RwSignal::new(Weight::TotalTime);
    let (boxes, _) = answer(
        move || {
            Some(Request::DiffFlame {
                a,
                b,
                weight: weight.get(),
                width: width_of(&canvas)?,
            })
        },
        |r| match r {
            Response::DiffFlame(v) => Some(v),
            _ => None,
        },
    );
    Effect::new(move |_| {
        let started = now_ms();
        boxes.with(|v| {
            let Some(v) = v else { return };
            let depth = v.iter().map(|b| b.candidate.row + 1).max().unwrap_or(1);
            let Some(s) = surface(&canvas, (f64::from(depth) * ROW).clamp(ROW * 3.0, TALLEST))
            else {
                return;
            };
            s.ctx.set_font("11px system-ui, sans-serif");
            for d in v {
                let c = &d.candidate;
                let name = if c.node == 0 {
                    "whole trace"
                } else {
                    c.name.as_str()
                };
                paint_node(&s.ctx, c, &shade_color(d.shade()), name);
            }
        });
        record_draw_time(&canvas, started);
    });
    let at = move |x: f64, y: f64| -> Option<DiffBox> {
        let row = (y / ROW) as u32;
        boxes.with_untracked(|v| {
            v.as_ref()?
                .iter()
                .find(|d| d.candidate.contains(x, row))
                .cloned()
        })
    };
    let hover = RwSignal::new(None::<(f64, f64, DiffBox)>);
    let tooltip = move || {
        let (x, y, b) = hover.get()?;
        let lines = b.lines(weight.get());
        Some(view! {
            <div class="flame-tip" data-testid="diff-flame-tooltip" style:left=format!("{}px", x + 12.0) style:top=format!("{}px", y + 12.0)>
                {lines.into_iter().map(|l| view! { <div>{l}</div> }).collect_view()}
            </div>
        })
    };
    // A click opens the first aligned pair of spans with the box's name at its depth, which
    // the engine finds in the merged tree.
    let open = move |d: DiffBox| {
        let request = Request::FindAligned {
            a,
            b,
            depth: d.candidate.row.saturating_sub(1),
            name: d.candidate.name,
        };
        // A row clicked while the engine looks wins over this box.
        let click = clicks.get_value() + 1;
        clicks.set_value(click);
        leptos::task::spawn_local(async move {
            if let Ok(Response::AlignedAt(Some((pos, row)))) = worker_client::ask(request).await
                && clicks.try_get_value() == Some(click)
            {
                chosen.try_set(Some((pos as usize, row)));
            }
        });
    };
    view! {
        <div class="flame-tools">
            <label>"Weight "
                <select data-testid="diff-flame-weight" on:change=move |ev| {
                    weight.set(Weight::from_id(&event_target_value(&ev)).unwrap_or_default())
                }>
                    {[Weight::TotalTime, Weight::Tokens, Weight::Cost].map(|w| view! {
                        <option value=w.id() selected=move || weight.get() == w>{w.label()}</option>
                    }).into_iter().collect_view()}
                </select>
            </label>
            <span class="muted">"width: the candidate · "</span>
            <span class="legend-more">"■ more"</span>
            <span class="legend-less">"■ less"</span>
            <span class="muted">" than the baseline"</span>
        </div>
        <div class="flame-wrap">
            <canvas class="flame" data-testid="diff-flame-canvas" node_ref=canvas
                on:mousemove=move |ev| {
                    if let Some((x, y)) = mouse_at(&canvas, &ev) {
                        hover.set(at(x, y).map(|b| (x, y, b)));
                    }
                }
                on:mouseleave=move |_| hover.set(None)
                on:click=move |ev| {
                    if let Some((x, y)) = mouse_at(&canvas, &ev) && let Some(d) = at(x, y) { open(d); }
                }></canvas>
            {tooltip}
        </div>
    }
}

/// The prompt diff of the chosen pair of spans.
fn prompt_view(sections: Vec<Section>) -> impl IntoView {
    if sections.is_empty() {
        return view! { <p class="muted">"These spans carry no prompt to compare."</p> }.into_any();
    }
    view! {
        <div data-testid="prompt-diff">
            {sections.into_iter().map(|s| view! {
                <h4>{s.title}</h4>
                <pre class="diff">{s.lines.into_iter().map(|l| {
                    let (class, mark) = match l.change {
                        LineChange::Same => ("same", "  "),
                        LineChange::Added => ("added", "+ "),
                        LineChange::Removed => ("removed", "- "),
                    };
                    view! { <div class=class>{mark}{l.text}</div> }
                }).collect_view()}</pre>
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// Two traces compared.
#[component]
fn TraceComparison(a: u32, b: u32) -> impl IntoView {
    // Only the rows in view cross from the engine.
    let window = RwSignal::new((0usize, 0usize));
    let (rows, _) = answer(
        move || {
            let (start, end) = window.get();
            Some(Request::CompareTraces {
                a,
                b,
                start: start as u32,
                end: end as u32,
            })
        },
        |r| match r {
            Response::Aligned(rows) => Some(rows),
            _ => None,
        },
    );
    let chosen = RwSignal::new(None::<(usize, AlignedRow)>);
    let clicks = StoredValue::new(0u64);
    let cursor = Signal::derive(move || chosen.with(|c| c.as_ref().map(|(pos, _)| *pos)));
    // The chosen row's spans, on each side that has one.
    let spans = Memo::new(move |_| {
        chosen.with(|c| {
            let (_, r) = c.as_ref()?;
            let span = |f: &Option<SpanFigures>| f.as_ref().map(|f| f.span);
            Some((span(&r.a), span(&r.b), r.name.clone()))
        })
    });
    let pair = move || match spans.get()? {
        (Some(a), Some(b), name) => Some((a, b, name)),
        _ => None,
    };
    let (prompt, _) = answer(
        move || pair().map(|(a, b, _)| Request::PromptDiff { a, b }),
        |r| match r {
            Response::PromptDiff(s) => Some(s),
            _ => None,
        },
    );
    let row = move |pos: usize| {
        let r = rows.with(|w| w.as_ref()?.row(pos).cloned())?;
        let presence = r.presence();
        let cells = r.cells();
        let picked = r.clone();
        Some(view! {
            <div class="tr compare-row" data-testid="compare-row"
                class:added=presence == Presence::Added class:removed=presence == Presence::Removed
                class:chosen=move || cursor.get() == Some(pos)
                on:click=move |_| {
                    clicks.update_value(|n| *n += 1);
                    chosen.set(Some((pos, picked.clone())));
                }>
                <span class="td col-name" style:padding-left=format!("{}px", 8 + 14 * r.depth)>{r.name.clone()}<small>" "{cells.mark}</small></span>
                <span class="td col-num">{cells.duration}</span>
                <span class="td col-num">{cells.change}</span>
                <span class="td col-num">{cells.self_time}</span>
                <span class="td col-num">{cells.tokens}</span>
                <span class="td col-num">{cells.cost}</span>
                <span class="td col-num">{cells.status}</span>
            </div>
        })
    };
    let count = Signal::derive(move || rows.with(|w| w.as_ref().map_or(0, |w| w.total as usize)));
    view! {
        <div class="trace-compare">
            <DiffFlame a b chosen clicks />
            <div class="thead compare-head">
                <span class="th col-name">"Span (baseline → candidate)"</span>
                <span class="th col-num">"Duration"</span>
                <span class="th col-num">"Change"</span>
                <span class="th col-num">"Self time"</span>
                <span class="th col-num">"Tokens"</span>
                <span class="th col-num">"Cost"</span>
                <span class="th col-num">"Status"</span>
            </div>
            <VirtualList count row_height=ROW_HEIGHT row window cursor class="tbody compare-rows" testid="compare-rows" />
            {move || pair().map(|(_, _, name)| view! {
                <h3>{format!("Prompt diff: {name}")}</h3>
                <p class="muted" data-testid="prompt-diff-figures">{chosen.with(|c| c.as_ref().map(|(_, r)| r.call_change()))}</p>
                {move || prompt.get().map(prompt_view)}
            })}
            <Show when=move || spans.with(Option::is_some)>
                <div class="compare-details">
                    <div><h3>"Baseline"</h3>
                        <SpanPanel span=Signal::derive(move || spans.get().and_then(|s| s.0)) testid="compare-detail-baseline" label="The baseline's span" empty="Not in the baseline." />
                    </div>
                    <div><h3>"Candidate"</h3>
                        <SpanPanel span=Signal::derive(move || spans.get().and_then(|s| s.1)) testid="compare-detail-candidate" label="The candidate's span" empty="Not in the candidate." />
                    </div>
                </div>
            </Show>
        </div>
    }
}

/// Where the two sides are chosen: two filters (`file:` for a loaded file), and how to compare
/// two traces instead.
#[component]
fn SidesBar() -> impl IntoView {
    let analysis = expect_context::<Analysis>();
    let sides = analysis.sides;
    let run = move || {
        let (a, b) = sides.get_untracked();
        compare_sets(analysis, a, b);
    };
    let input = move |testid: &'static str, placeholder: &'static str, first: bool| {
        view! {
            <input type="search" class="compare-filter" data-testid=testid placeholder=placeholder spellcheck="false"
                prop:value=move || sides.with(|s| if first { s.0.clone() } else { s.1.clone() })
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    sides.update(|s| if first { s.0 = v } else { s.1 = v });
                }
                on:keydown=move |ev| if ev.key() == "Enter" { run() } />
        }
    };
    view! {
        <div class="compare-sides">
            <label>"Baseline "{input("compare-baseline", "filter, e.g. tag:v1 or file:run-main.jsonl", true)}</label>
            <label>"Candidate "{input("compare-candidate", "filter, e.g. tag:v2 or model:gpt-4o-mini", false)}</label>
            <button data-testid="compare-sets" on:click=move |_| run()>"Compare sets"</button>
            <span class="muted">"An empty filter takes every trace. Or tick two traces in the trace list, or press A and B beside two loaded files."</span>
        </div>
    }
}

/// Two traces named by id, found among those loaded (again after each load).
#[component]
fn TracesById(baseline: String, candidate: String) -> impl IntoView {
    let locate = |id: String| {
        answer(
            move || {
                Some(Request::Locate {
                    trace_id: id.clone(),
                    span_keys: Vec::new(),
                })
            },
            |r| match r {
                Response::Located(found) => Some(found.map(|f| f.trace)),
                _ => None,
            },
        )
        .0
    };
    let (a, b) = (locate(baseline.clone()), locate(candidate.clone()));
    let pair = Memo::new(move |_| Some((a.get()?, b.get()?)));
    move || match pair.get() {
        Some((Some(a), Some(b))) => view! { <TraceComparison a b /> }.into_any(),
        Some((a, b)) => {
            let missing: Vec<&str> = [(a, &baseline), (b, &candidate)]
                .into_iter()
                .filter(|(found, _)| found.is_none())
                .map(|(_, id)| id.as_str())
                .collect();
            view! {
                <p class="muted" data-testid="compare-missing">
                    {format!("Trace {} is not among the loaded traces: drop the files that hold it.", missing.join(" and "))}
                </p>
            }
            .into_any()
        }
        None => ().into_any(),
    }
}

/// The Compare tab: where the sides are chosen, then two traces or two sets compared.
#[component]
pub fn CompareView() -> impl IntoView {
    let analysis = expect_context::<Analysis>();
    view! {
        <section class="panel compare">
            <SidesBar />
            {move || match analysis.compared.get() {
                Some(Comparing::Traces { baseline, candidate }) => {
                    view! { <TracesById baseline candidate /> }.into_any()
                }
                Some(Comparing::Sets { baseline, candidate }) => {
                    view! { <SetComparison a=baseline b=candidate /> }.into_any()
                }
                None => view! {
                    <p class="muted" data-testid="compare-empty">
                        "Nothing compared yet: the first side is the baseline, the second the candidate."
                    </p>
                }
                .into_any(),
            }}
        </section>
    }
}
