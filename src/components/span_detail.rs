//! A span's detail panel (the selected span's, or each side's of a comparison): name, kind,
//! timing, status and exceptions, attributes, events, links and the raw JSON it came from.

use crate::components::chat_view::chat_view;
use crate::format;
use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::engine::{AttributeText, Request, Response, SpanDetail};

/// Attributes as display text: key, and value (JSON pretty-printed).
fn attr_text(rows: Vec<AttributeText>) -> Vec<(String, String)> {
    rows.into_iter()
        .map(|(k, v, json)| (k, if json { format::pretty_json(&v) } else { v }))
        .collect()
}

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

/// The LLM facts: model, provider, token classes (with the numbers as the source reported
/// them where its convention differs), cost, time to first token, session, user and tags.
fn llm_facts(d: &SpanDetail) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    let mut text = |label: &'static str, value: &str| {
        if !value.is_empty() {
            facts.push((label, value.to_string()));
        }
    };
    text("Model", &d.model);
    text("Provider", &d.provider);
    text("Session", &d.session);
    text("User", &d.user);
    text("Tags", &d.tags.join(", "));
    let Some(u) = d.usage else { return facts };
    let tok = |t: Option<u64>| t.map_or("—".to_string(), format::count);
    let mut input = tok(u.input);
    if u.reported_input() != u.input {
        input.push_str(&format!(
            " (reported {} + {} cached)",
            tok(u.reported_input()),
            format::count(u.cache_read.unwrap_or(0) + u.cache_write.unwrap_or(0))
        ));
    }
    let mut output = tok(u.output);
    if u.reported_output() != u.output {
        output.push_str(&format!(
            " (reported {} + {} reasoning)",
            tok(u.reported_output()),
            tok(u.reasoning)
        ));
    }
    if u.has_tokens() {
        facts.push(("Input tokens", input));
        facts.push(("Output tokens", output));
    }
    for (label, value) in [
        ("Cache read", u.cache_read),
        ("Cache write", u.cache_write),
        ("Reasoning", u.reasoning),
    ] {
        if value.is_some() {
            facts.push((label, tok(value)));
        }
    }
    if u.cost_usd.is_some() {
        facts.push(("Recorded cost", format::cost(u.cost_usd)));
    }
    if let Some(t) = u.first_token {
        facts.push(("First token", format::duration(t)));
    }
    if let Some(rate) = u.output_rate(d.duration) {
        facts.push(("Output rate", format!("{rate:.1} tokens/s")));
    }
    facts
}

/// The scores and feedback on a span, as lines.
fn score_lines(d: &SpanDetail) -> Vec<String> {
    d.scores
        .iter()
        .map(|(name, value, source, comment)| {
            let mut line = format!("{name}: {value}");
            if !source.is_empty() {
                line.push_str(&format!(" ({source})"));
            }
            if !comment.is_empty() {
                line.push_str(&format!(" — {comment}"));
            }
            line
        })
        .collect()
}

/// An event as shown: when (relative to the trace), its name, and its attributes.
struct EventRow {
    time: String,
    name: String,
    attrs: Vec<(String, String)>,
}

fn detail(d: SpanDetail) -> impl IntoView + use<> {
    let mut facts: Vec<(&'static str, String)> = vec![
        ("Kind", format!("{} ({})", d.kind.label(), d.otel_kind)),
        ("Service", d.service.clone()),
        ("Status", {
            if d.status_message.is_empty() {
                d.status.clone()
            } else {
                format!("{}: {}", d.status, d.status_message)
            }
        }),
        (
            "Start",
            format!(
                "{} (+{})",
                format::timestamp(d.start),
                format::duration(d.start - d.trace_start)
            ),
        ),
        ("Duration", format::duration(d.duration)),
        ("Self time", format::duration(d.self_time)),
        (
            "Share of trace",
            format!("{:.1}%", d.share_of_trace * 100.0),
        ),
    ];
    facts.extend(llm_facts(&d));
    facts.push(("Span id", d.span_id.clone()));
    if let Some(p) = &d.parent_id {
        facts.push(("Parent id", p.clone()));
    }
    facts.push(("Trace id", d.trace_id.clone()));
    facts.push(("File", d.file.clone()));
    facts.extend(d.notes.iter().map(|n| ("Note", n.clone())));
    let scores = score_lines(&d);
    let exceptions: Vec<(String, String, String)> = d
        .events
        .iter()
        .filter(|e| e.name == "exception")
        .map(|e| {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|(key, _, _)| key == k)
                    .map(|(_, v, _)| v.clone())
                    .unwrap_or_default()
            };
            (
                get("exception.type"),
                get("exception.message"),
                get("exception.stacktrace"),
            )
        })
        .collect();
    let trace_start = d.trace_start;
    let event_rows: Vec<EventRow> = d
        .events
        .into_iter()
        .map(|e| EventRow {
            time: e.time.map_or("—".into(), |t| {
                format!("+{}", format::duration(t - trace_start))
            }),
            name: e.name,
            attrs: attr_text(e.attributes),
        })
        .collect();
    let links: Vec<String> = d
        .links
        .into_iter()
        .map(|(trace, span)| format!("trace {trace} span {span}"))
        .collect();
    let attributes = attr_text(d.attributes);
    let resource = attr_text(d.resource);
    let parameters = d.parameters;
    // A long span's JSON comes cut: it is shown as it is, and saved whole on demand.
    let cut = d.raw_bytes > loupe_core::engine::RAW_SHOWN;
    let raw = if cut {
        d.raw
    } else {
        format::pretty_json(&d.raw)
    };
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
        {exceptions.into_iter().map(|(ty, msg, stack)| view! {
            <div class="exception" data-testid="span-exception">
                <strong>{ty}</strong>" "{msg}
                {(!stack.is_empty()).then(|| view! { <pre>{stack}</pre> })}
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
                        {(!e.attrs.is_empty()).then(|| attr_table(e.attrs, "event-attributes"))}
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
