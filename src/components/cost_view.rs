//! Tokens and cost: a breakdown by model, provider, name, parent kind, trace, session, user or
//! tag (stacked token classes drawn with plotters, cost shares in a table), the most expensive
//! calls, an audit of what could not be priced, price overrides, and a what-if. The engine
//! computes the report; the prices are edited here and sent to it.

use crate::analysis::{Analysis, open_span};
use crate::answer::answer;
use crate::format;
use crate::state::AppState;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use loupe_core::cost::{Group, GroupBy};
use loupe_core::engine::{CostView as Report, Request, Response};
use loupe_core::pricing::override_from_form;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

/// Groups shown in the chart.
const CHART_GROUPS: usize = 12;

/// The token classes drawn, in stacking order, with their colours.
const CLASSES: [(&str, RGBColor); 5] = [
    ("input (uncached)", RGBColor(59, 130, 246)),
    ("cache read", RGBColor(147, 197, 253)),
    ("cache write", RGBColor(30, 64, 175)),
    ("output", RGBColor(22, 163, 74)),
    ("reasoning", RGBColor(134, 239, 172)),
];

fn draw_chart(canvas: &web_sys::HtmlCanvasElement, groups: &[Group]) -> Option<()> {
    let shown = &groups[..groups.len().min(CHART_GROUPS)];
    let width = canvas.client_width().max(300) as u32;
    let height = (shown.len() as u32 * 26 + 50).max(120);
    canvas.set_width(width);
    canvas.set_height(height);
    let root = CanvasBackend::with_canvas_object(canvas.clone())?.into_drawing_area();
    let p = crate::theme::palette();
    let [panel, ink, line] = [p.panel, p.ink, p.line].map(|(r, g, b)| RGBColor(r, g, b));
    root.fill(&panel).ok()?;
    let peak = shown
        .iter()
        .map(|g| g.classes().iter().sum::<u64>())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let n = shown.len().max(1);
    let names: Vec<String> = shown
        .iter()
        .map(|g| {
            let k: String = g.key.chars().take(28).collect();
            if g.key.chars().count() > 28 {
                format!("{k}…")
            } else {
                k
            }
        })
        .collect();
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(190)
        .build_cartesian_2d(0f64..peak * 1.05, 0f64..n as f64)
        .ok()?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .y_labels(0)
        .x_label_formatter(&|x| format::count(*x as u64))
        .x_desc("tokens")
        .label_style(("sans-serif", 11).into_font().color(&ink))
        .axis_desc_style(("sans-serif", 11).into_font().color(&ink))
        .axis_style(line)
        .bold_line_style(line)
        .light_line_style(line)
        .draw()
        .ok()?;
    let style = ("sans-serif", 11).into_font().color(&ink);
    for (i, name) in names.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, (n - 1 - i) as f64 + 0.5));
        root.draw(&Text::new(name.clone(), (x - 184, y - 6), style.clone()))
            .ok()?;
    }
    for (i, g) in shown.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let mut x = 0.0;
        for (part, (_, color)) in g.classes().iter().zip(CLASSES) {
            let w = *part as f64;
            if w > 0.0 {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y + 0.15), (x + w, y + 0.85)],
                        color.filled(),
                    )))
                    .ok()?;
            }
            x += w;
        }
    }
    root.present().ok()
}

/// The price overrides editor: add, remove, export and import.
#[component]
fn PriceOverrides() -> impl IntoView {
    let analysis = expect_context::<Analysis>();
    let fields: [RwSignal<String>; 5] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let [model, input, output, read, write] = fields;
    let message = RwSignal::new(None::<String>);
    let add = move |_| {
        let rates = [input, output, read, write].map(|f| f.get_untracked());
        match override_from_form(&model.get_untracked(), rates.each_ref().map(String::as_str)) {
            Ok((name, price)) => {
                analysis.edit_prices(|t| t.set_override(&name, price));
                message.set(Some(format!("{name} is now priced by your override")));
            }
            Err(why) => message.set(Some(why.into())),
        }
    };
    let on_import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            let Some(text) = text else {
                message.set(Some("The file could not be read".into()));
                return;
            };
            let mut outcome = Ok(());
            analysis.edit_prices(|t| outcome = t.load_overrides(&text));
            message.set(Some(match outcome {
                Ok(()) => format!(
                    "Imported {}",
                    format::plural(
                        analysis.prices.with_untracked(|p| p.overrides().len()) as u64,
                        "price"
                    )
                ),
                Err(e) => e.to_string(),
            }));
        });
    };
    let field = move |sig: RwSignal<String>, placeholder: &'static str, testid: &'static str| {
        view! { <input type="text" placeholder=placeholder data-testid=testid prop:value=sig on:input=move |ev| sig.set(event_target_value(&ev)) /> }
    };
    view! {
        <section class="panel">
            <h3>"Your prices"</h3>
            <p class="muted">{move || analysis.prices.with(|p| format!("Built-in: {} models from {}. Yours are kept in this browser only.", format::count(p.len() as u64), p.source()))}</p>
            <div class="price-form">
                {field(model, "model (e.g. gpt-4o or my-finetune)", "price-model")}
                {field(input, "input $/1M", "price-input")}
                {field(output, "output $/1M", "price-output")}
                {field(read, "cache read $/1M", "price-cache-read")}
                {field(write, "cache write $/1M", "price-cache-write")}
                <button data-testid="price-add" on:click=add>"Set price"</button>
            </div>
            {move || message.get().map(|m| view! { <p class="muted" data-testid="price-message">{m}</p> })}
            <table class="top-list" data-testid="price-overrides"><tbody>
                {move || analysis.prices.with(|p| p.overrides().iter().map(|(name, price)| {
                    let name = name.clone();
                    let remove = name.clone();
                    let rate = |r: Option<f64>| r.map_or("—".to_string(), |r| format!("${:.4}", r * 1e6));
                    view! {
                        <tr>
                            <td>{name}</td>
                            <td class="num">{rate(Some(price.input))}" in"</td>
                            <td class="num">{rate(Some(price.output))}" out"</td>
                            <td class="num">{rate(price.cache_read)}" cache read"</td>
                            <td class="num">{rate(price.cache_write)}" cache write"</td>
                            <td><button class="link" on:click=move |_| analysis.edit_prices(|t| t.remove_override(&remove))>"remove"</button></td>
                        </tr>
                    }
                }).collect_view())}
            </tbody></table>
            <p class="actions">
                <button data-testid="price-export" on:click=move |_| crate::download::save("loupe-prices.json", analysis.prices.with_untracked(|p| p.overrides_json()).as_bytes())>"Export prices"</button>
                <label class="button">"Import prices…"<input type="file" accept=".json,application/json" class="hidden" data-testid="price-import" on:change=on_import /></label>
            </p>
        </section>
    }
}

/// The tokens and cost tab.
#[component]
pub fn CostView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let by = RwSignal::new(GroupBy::Model);
    let what_if_model = RwSignal::new(String::new());
    let (report, _) = answer(
        // Edited prices reach the engine, then the figures change and the report is asked again
        // (see `Analysis::edit_prices`).
        move || {
            Some(Request::Costs {
                query: analysis.query.get(),
                by: by.get(),
                what_if: what_if_model.get(),
            })
        },
        |r| match r {
            Response::Costs(v) => Some(*v),
            _ => None,
        },
    );
    let with_report = move |f: &dyn Fn(&Report) -> AnyView| report.with(|r| r.as_ref().map(f));
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        report.with(|r| r.as_ref().map(|r| draw_chart(&el, &r.groups)));
    });
    let total = move || report.with(|r| r.as_ref().and_then(|r| r.total));
    let top_calls = move || {
        with_report(&|r| {
            r.top_calls.iter().map(|call| {
                let (t, i) = (call.trace, call.span);
                view! {
                    <tr class="clickable" on:click=move |_| open_span(state, analysis, t, Some(i))>
                        <td>{call.text.clone()}</td><td class="muted">{call.model.clone()}</td>
                        <td class="muted">{call.source.clone()}</td><td class="num">{format::cost(call.cost)}</td>
                    </tr>
                }
            }).collect_view().into_any()
        })
    };
    let audit = move || {
        with_report(&|r| {
            let (without, first_without) = r.without_usage;
            let (disagree, shown) = (r.disagreements.0, r.disagreements.1.clone());
            view! {
                <ul class="audit" data-testid="cost-audit">
                    <li>{r.unpriced_line()}</li>
                    <li>{r.missing_rates_line()}</li>
                    <li>{format!("LLM calls with no usage: {without}")}
                        {first_without.map(|(t, i)| view! { " " <button class="link" on:click=move |_| open_span(state, analysis, t, Some(i))>"open the first"</button> })}
                    </li>
                    <li>{format!("Recorded and computed costs differing by more than 1%: {disagree}")}</li>
                    {shown.into_iter().map(|call| {
                        let (t, i) = (call.trace, call.span);
                        view! { <li class="clickable" on:click=move |_| open_span(state, analysis, t, Some(i))>{call.text}</li> }
                    }).collect_view()}
                </ul>
            }.into_any()
        })
    };
    let what_if_total = move || {
        let model = what_if_model.get();
        let answer = report.with(|r| r.as_ref().and_then(|r| r.what_if))?;
        let text = match answer {
            Some(x) => format!(
                "On {}: {} (now {})",
                model.trim(),
                format::cost(Some(x)),
                format::cost(total())
            ),
            None => format!("No price for {}", model.trim()),
        };
        Some(view! { <span data-testid="what-if-total">{text}</span> })
    };
    let model_names = move || {
        analysis.prices.with(|p| {
            p.model_names()
                .filter(|m| !m.contains('/') && !m.contains('.'))
                .map(|m| view! { <option value=m.to_string()></option> })
                .collect_view()
        })
    };
    view! {
        <section class="panel">
            <div class="flame-tools">
                <label>"Break down by "
                    <select data-testid="cost-group" on:change=move |ev| by.set(match event_target_value(&ev).as_str() {
                        "provider" => GroupBy::Provider,
                        "name" => GroupBy::Name,
                        "kind" => GroupBy::Kind,
                        "parent" => GroupBy::ParentKind,
                        "trace" => GroupBy::Trace,
                        "session" => GroupBy::Session,
                        "user" => GroupBy::User,
                        "tag" => GroupBy::Tag,
                        _ => GroupBy::Model,
                    })>
                        <option value="model">"model"</option>
                        <option value="provider">"provider"</option>
                        <option value="name">"span name"</option>
                        <option value="kind">"span kind"</option>
                        <option value="parent">"caller's kind"</option>
                        <option value="trace">"trace"</option>
                        <option value="session">"session"</option>
                        <option value="user">"user"</option>
                        <option value="tag">"tag"</option>
                    </select>
                </label>
                <strong data-testid="cost-total">{move || format!("Total {}", format::cost(total()))}</strong>
                <span class="muted">{move || report.with(|r| r.as_ref().map(|r| format!("({})", r.source)))}</span>
            </div>
            <canvas class="cost-chart" data-testid="cost-chart" node_ref=canvas></canvas>
            <div class="legend">
                {CLASSES.map(|(label, c)| view! {
                    <span><i style:background=format!("rgb({},{},{})", c.0, c.1, c.2)></i>{label}</span>
                }).into_iter().collect_view()}
            </div>
            <div class="table-scroll">
                <table class="latency" data-testid="cost-table">
                    <thead><tr><th>"Group"</th><th>"Calls"</th><th>"Input"</th><th>"Cache read"</th><th>"Cache write"</th><th>"Output"</th><th>"Reasoning"</th><th>"Cost"</th><th>"Share"</th></tr></thead>
                    <tbody>
                        {move || {
                            let groups = report.with(|r| r.as_ref().map(|r| r.groups.clone()).unwrap_or_default());
                            let sum: f64 = groups.iter().map(|g| g.cost).sum();
                            groups.into_iter().map(|g| {
                                let share = if sum > 0.0 { g.cost / sum * 100.0 } else { 0.0 };
                                let trace = g.trace;
                                let n = |v: u64| format::count(v);
                                view! {
                                    <tr data-testid="cost-row" class:clickable=trace.is_some()
                                        on:click=move |_| if let Some(t) = trace { open_span(state, analysis, t, None) }>
                                        <td class="key" title=g.key.clone()>{g.key.clone()}</td>
                                        <td class="num">{g.calls}</td><td class="num">{n(g.input)}</td><td class="num">{n(g.cache_read)}</td>
                                        <td class="num">{n(g.cache_write)}</td><td class="num">{n(g.output)}</td><td class="num">{n(g.reasoning)}</td>
                                        <td class="num">{format::cost((g.costed_calls > 0).then_some(g.cost))}</td><td class="num">{format!("{share:.1}%")}</td>
                                    </tr>
                                }
                            }).collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
        <div class="two-col">
            <section class="panel">
                <h3>"Most expensive calls"</h3>
                <table class="top-list" data-testid="top-calls"><tbody>{top_calls}</tbody></table>
            </section>
            <section class="panel">
                <h3>"Audit"</h3>
                {audit}
                <h3>"What if"</h3>
                <input type="text" list="loupe-models" placeholder="price every call as… (e.g. gpt-4o-mini)" data-testid="what-if-model"
                    prop:value=what_if_model on:change=move |ev| what_if_model.set(event_target_value(&ev)) />
                <datalist id="loupe-models">{model_names}</datalist>
                " " {what_if_total}
            </section>
        </div>
        <PriceOverrides />
    }
}
