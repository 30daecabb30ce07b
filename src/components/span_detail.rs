//! A span's detail panel (the selected span's, or each side's of a comparison): name, kind,
//! timing, status and exceptions, attributes, events, links and the raw JSON it came from.

use crate::components::chat_view::chat_view;
use crate::format;
use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::engine::{Request, Response, SpanDetail, attributes_shown};

fn attr_table(rows: Vec<(String, String)>, testid: &'static str) -> impl IntoView + use<> {
    view! {
        <table class="attrs" data-testid=testid>
            <tbody>
                {rows.into_iter().map(|(k, v)| view! {
                    <tr><th>{k}</th><td><pre>{v}</pre></td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn detail(d: SpanDetail) -> impl IntoView + use<> {
    let facts = d.facts();
    let scores = d.score_lines();
    let exceptions = d.exceptions();
    let event_rows = d.events_shown();
    let links = d.link_lines();
    let (raw, cut) = d.raw_shown();
    let attributes = attributes_shown(d.attributes);
    let resource = attributes_shown(d.resource);
    let parameters = d.parameters;
    // A long span's JSON comes cut: it is shown as it is, and saved whole on demand.
    let raw_note = cut.then(|| raw_cut_note(d.span, raw.len(), d.raw_bytes as usize));
    // Parquet keeps a span's columns, not its JSON.
    let no_raw = raw.is_empty().then(|| {
        view! { <p class="muted" data-testid="span-raw-none">"The file holds no JSON of this span (Parquet keeps its columns)."</p> }
    });
    view! {
        <h2 class="detail-title">{d.name}</h2>
        <dl class="facts" data-testid="span-facts">
            {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
        {(!scores.is_empty()).then(|| view! {
            <h3>"Scores"</h3>
            <ul class="scores" data-testid="span-scores">
                {scores.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        })}
        {(!parameters.is_empty()).then(|| view! {
            <h3>"Model parameters"</h3>
            {attr_table(parameters, "span-parameters")}
        })}
        {chat_view(d.chat)}
        {exceptions.into_iter().map(|e| view! {
            <div class="exception" data-testid="span-exception">
                <strong>{e.kind}</strong>" "{e.message}
                {(!e.stack.is_empty()).then(|| view! { <pre>{e.stack}</pre> })}
            </div>
        }).collect_view()}
        <h3>{format!("Attributes ({})", attributes.len())}</h3>
        {attr_table(attributes, "span-attributes")}
        {(!event_rows.is_empty()).then(|| view! {
            <h3>{format!("Events ({})", event_rows.len())}</h3>
            <ul class="events">
                {event_rows.into_iter().map(|e| view! {
                    <li>
                        <span class="muted">{e.time}</span>" "<strong>{e.name}</strong>
                        {(!e.attributes.is_empty()).then(|| attr_table(e.attributes, "event-attributes"))}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(!links.is_empty()).then(|| view! {
            <h3>"Links"</h3>
            <ul>{links.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
        })}
        {(!resource.is_empty()).then(|| view! {
            <h3>"Resource"</h3>
            {attr_table(resource, "span-resource")}
        })}
        <details class="raw">
            <summary>"Raw span JSON"</summary>
            {raw_note}
            {no_raw}
            <pre data-testid="span-raw">{raw}</pre>
        </details>
    }
}

/// Says that only the start of span `span`'s JSON is shown, with a button that saves it whole.
fn raw_cut_note(span: u32, shown: usize, whole: usize) -> impl IntoView + use<> {
    let save = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(Response::SpanJson(json)) = worker_client::ask(Request::SpanJson(span)).await
            {
                crate::download::save("loupe-span.json", json.as_bytes());
            }
        });
    };
    view! {
        <p class="muted" data-testid="span-raw-cut">
            {format!("The first {} of {} are shown. ", format::bytes(shown), format::bytes(whole))}
            <button class="link" data-testid="span-raw-save" on:click=save>"Save the whole JSON"</button>
        </p>
    }
}

/// The detail panel of span `span`: the engine's answer for it.
#[component]
pub fn SpanPanel(
    /// The span shown, if any.
    #[prop(into)]
    span: Signal<Option<u32>>,
    /// The panel's test id.
    testid: &'static str,
    /// The panel's accessible name.
    label: &'static str,
    /// What the panel says while there is no span.
    #[prop(default = "Select a span to see its attributes, events and raw JSON.")]
    empty: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let shown = RwSignal::new(None::<loupe_core::engine::SpanDetail>);
    Effect::new(move |_| {
        state.figures.track();
        let Some(i) = span.get() else {
            shown.set(None);
            return;
        };
        leptos::task::spawn_local(async move {
            let answer = worker_client::ask(Request::SpanDetail(i)).await;
            // Only the answer for the span still selected is drawn.
            if span.try_get_untracked() == Some(Some(i)) {
                shown.try_set(match answer {
                    Ok(Response::SpanDetail(d)) => Some(*d),
                    _ => None,
                });
            }
        });
    });
    view! {
        <aside class="detail" data-testid=testid aria-label=label>
            {move || match shown.get() {
                Some(d) => detail(d).into_any(),
                None => view! { <p class="muted">{empty}</p> }.into_any(),
            }}
        </aside>
    }
}

/// The detail panel for the selected span.
#[component]
pub fn SpanDetail() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! { <SpanPanel span=state.span testid="span-detail" label="Span detail" /> }
}
