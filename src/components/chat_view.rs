//! A span's messages as a chat: role-coloured bubbles, tool calls with their arguments
//! pretty-printed, and long texts folded.

use crate::format;
use leptos::prelude::*;
use loupe_core::{Chat, Message};

/// Texts longer than this (in characters or lines) are folded behind their first lines.
const FOLD_CHARS: usize = 1200;
const FOLD_LINES: usize = 16;

/// Shown text: JSON pretty-printed, anything else (`[system prompt]`) as it is.
fn shown(text: &str) -> String {
    let t = text.trim_start();
    let is_json = (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok();
    if is_json {
        format::pretty_json(text)
    } else {
        text.to_string()
    }
}

/// A text, folded when long: the first lines stay visible, the rest opens on a click.
fn folded(text: String) -> AnyView {
    let lines = text.lines().count();
    if text.chars().count() <= FOLD_CHARS && lines <= FOLD_LINES {
        return view! { <pre class="msg-text">{text}</pre> }.into_any();
    }
    let head: String = text
        .lines()
        .take(6)
        .collect::<Vec<_>>()
        .join("\n")
        .chars()
        .take(400)
        .collect();
    let summary = format!(
        "Show all ({} characters, {} lines)",
        format::count(text.chars().count() as u64),
        format::count(lines as u64)
    );
    view! {
        <pre class="msg-text">{head}</pre>
        <details class="msg-fold" data-testid="chat-fold">
            <summary>{summary}</summary>
            <pre class="msg-text">{text}</pre>
        </details>
    }
    .into_any()
}

fn message(m: Message) -> impl IntoView {
    let class = format!("msg role-{}", css_role(&m.role));
    let answers = (!m.tool_call_id.is_empty()).then(
        || view! { <span class="msg-call-id">{format!(" · result of {}", m.tool_call_id)}</span> },
    );
    let text = (!m.text.is_empty()).then(|| folded(shown(&m.text)));
    view! {
        <div class=class data-testid="chat-message" data-role=m.role.clone()>
            <div class="msg-role">{m.role.clone()}{answers}</div>
            {text}
            {m.tool_calls.into_iter().map(|c| {
                let id = (!c.id.is_empty()).then(|| view! { <span class="muted">{format!(" {}", c.id)}</span> });
                view! {
                    <div class="tool-call" data-testid="tool-call">
                        <div><span class="tool-icon">"ƒ "</span><code>{c.name}</code>{id}</div>
                        {(!c.arguments.is_empty()).then(|| folded(shown(&c.arguments)))}
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// A role as a CSS class suffix: the four known roles, else `other`.
fn css_role(role: &str) -> &'static str {
    match role {
        "system" => "system",
        "user" => "user",
        "assistant" => "assistant",
        "tool" => "tool",
        _ => "other",
    }
}

fn side(title: &'static str, messages: Vec<Message>) -> impl IntoView {
    (!messages.is_empty()).then(|| {
        view! {
            <h4 class="chat-side">{format!("{title} ({})", messages.len())}</h4>
            {messages.into_iter().map(message).collect_view()}
        }
    })
}

/// The chat of a span, or nothing when it has no messages.
pub fn chat_view(chat: Chat) -> impl IntoView {
    (!chat.is_empty()).then(|| {
        view! {
            <section class="chat" data-testid="span-chat">
                <h3>"Messages " <span class="chat-source">{format!("from {}", chat.source)}</span></h3>
                {side("Input", chat.input)}
                {side("Output", chat.output)}
            </section>
        }
    })
}
