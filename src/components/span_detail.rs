//! The selected span: name, kind, timing, status and exceptions, attributes, events, links and
//! the raw JSON it came from.

use crate::components::chat_view::chat_view;
use crate::format;
use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::{SpanFlags, SpanView, TraceSet, ValueRef};

fn value_text(v: &ValueRef) -> String {
    match v {
        ValueRef::Json(s) => format::pretty_json(s),
        other => other.to_string(),
    }
}

/// Attributes as display text: key, and value (JSON pretty-printed).
fn attr_text(rows: &[(&str, ValueRef)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(k, v)| (k.to_string(), value_text(v)))
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
fn llm_facts(s: &SpanView) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    let mut text = |label: &'static str, value: &str| {
        if !value.is_empty() {
            facts.push((label, value.to_string()));
        }
    };
    text("Model", s.model());
    text("Provider", s.provider());
    text("Session", s.session());
    text("User", s.user());
    text("Tags", &s.tags().collect::<Vec<_>>().join(", "));
    let Some(u) = s.usage() else { return facts };
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
    if let Some(rate) = u.output_rate(s.duration()) {
        facts.push(("Output rate", format!("{rate:.1} tokens/s")));
    }
    facts
}

/// The scores and feedback on a span, as lines.
fn score_lines(s: &SpanView) -> Vec<String> {
    s.scores()
        .iter()
        .map(|sc| {
            let mut line = format!("{}: {}", sc.name, sc.value);
            if !sc.source.is_empty() {
                line.push_str(&format!(" ({})", sc.source));
            }
            if !sc.comment.is_empty() {
                line.push_str(&format!(" — {}", sc.comment));
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

fn detail(set: &TraceSet, s: SpanView, trace_start: i64) -> impl IntoView + use<> {
    let mut facts: Vec<(&'static str, String)> = vec![
        (
            "Kind",
            format!("{} ({})", s.kind().label(), s.otel_kind().label()),
        ),
        ("Service", s.service().to_string()),
        ("Status", {
            let m = s.status_message();
            if m.is_empty() {
                s.status().label().to_string()
            } else {
                format!("{}: {m}", s.status().label())
            }
        }),
        (
            "Start",
            format!(
                "{} (+{})",
                format::timestamp(s.start()),
                format::duration(s.start() - trace_start)
            ),
        ),
        ("Duration", format::duration(s.duration())),
        ("Self time", format::duration(s.self_time())),
        (
            "Share of trace",
            format!("{:.1}%", s.share_of_trace() * 100.0),
        ),
    ];
    facts.extend(llm_facts(&s));
    facts.push(("Span id", s.span_id_text()));
    if let Some(p) = s.parent_id() {
        // A loaded parent shows its id as its file wrote it (opaque ids are hashed inside).
        let shown = match s.parent() {
            Some(parent) => set.span(parent).span_id_text(),
            None => format!("{p} (not loaded)"),
        };
        facts.push(("Parent id", shown));
    }
    facts.push(("Trace id", s.trace_id().to_string()));
    facts.push(("File", s.source_name().to_string()));
    let flags = s.flags();
    for (flag, text) in [
        (
            SpanFlags::ORPHAN,
            "its parent is not in the loaded files; shown as a root",
        ),
        (
            SpanFlags::CYCLE_BROKEN,
            "its parent link closed a cycle and was cut",
        ),
        (
            SpanFlags::DUPLICATE_ID,
            "another span of this trace has the same id",
        ),
        (
            SpanFlags::NO_TIMESTAMPS,
            "the file gives no start or end time",
        ),
        (
            SpanFlags::SYNTHETIC_ID,
            "its id was empty or zero; Loupe assigned one",
        ),
    ] {
        if flags.has(flag) {
            facts.push(("Note", text.to_string()));
        }
    }
    let events = s.events();
    let exceptions: Vec<(String, String, String)> = events
        .iter()
        .filter(|e| e.name == "exception")
        .map(|e| {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            };
            (
                get("exception.type"),
                get("exception.message"),
                get("exception.stacktrace"),
            )
        })
        .collect();
    let event_rows: Vec<EventRow> = events
        .iter()
        .map(|e| EventRow {
            time: e.time.map_or("—".into(), |t| {
                format!("+{}", format::duration(t - trace_start))
            }),
            name: e.name.to_string(),
            attrs: attr_text(&e.attributes),
        })
        .collect();
    let links: Vec<String> = s
        .links()
        .iter()
        .map(|l| {
            format!(
                "trace {} span {}",
                l.trace_id.map_or("—".into(), |t| t.to_string()),
                l.span_id.map_or("—".into(), |x| x.to_string())
            )
        })
        .collect();
    let attributes = attr_text(&s.attributes());
    let resource = attr_text(&s.resource_attributes());
    let raw = raw_json(s.index(), s.raw_json());
    let scores = score_lines(&s);
    let chat = s.chat();
    view! {
        <h2 class="detail-title">{s.name().to_string()}</h2>
        <dl class="facts" data-testid="span-facts">
            {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
        {(!scores.is_empty()).then(|| view! {
            <h3>"Scores"</h3>
            <ul class="scores" data-testid="span-scores">
                {scores.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        })}
        {chat_view(chat)}
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
            <pre data-testid="span-raw">{raw}</pre>
        </details>
    }
}

/// Span `span`'s JSON, pretty-printed: `local` where this page parsed the file (a report), else
/// asked of the parsing worker, which keeps the files' texts.
fn raw_json(span: u32, local: &str) -> RwSignal<String> {
    let text = RwSignal::new(format::pretty_json(local));
    if local.is_empty() {
        text.set("Reading…".into());
        leptos::task::spawn_local(async move {
            let shown = match crate::worker_client::raw_json(span).await {
                Ok(json) => format::pretty_json(&json),
                Err(e) => format!("The raw JSON could not be read: {e}"),
            };
            text.try_set(shown);
        });
    }
    text
}

/// The detail panel for the selected span.
#[component]
pub fn SpanDetail() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <aside class="detail" data-testid="span-detail" aria-label="Span detail">
            {move || {
                let i = state.span.get();
                state.data.with(|d| match (d.as_ref(), i) {
                    (Some(set), Some(i)) if (i as usize) < set.span_count() => {
                        let s = set.span(i);
                        let start = set.traces()[s.trace() as usize].start;
                        detail(set, s, start).into_any()
                    }
                    _ => view! { <p class="muted">"Select a span to see its attributes, events and raw JSON."</p> }.into_any(),
                })
            }}
        </aside>
    }
}
