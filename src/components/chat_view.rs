//! A span's messages as a chat: role-coloured bubbles, tool calls with their arguments
//! pretty-printed, and long texts folded (where, the engine's [`loupe_core::display::fold`]
//! says).

use leptos::prelude::*;
use loupe_core::display::{fold, message_text};
use loupe_core::{Chat, Message};

/// A text, folded when long: the first lines stay visible, the rest opens on a click.
fn folded(text: String) -> AnyView {
    let Some(fold) = fold(&text) else {
        return view! { <pre class="msg-text">{text}</pre> }.into_any();
    };
    view! {
        <pre class="msg-text">{fold.head}</pre>
        <details class="msg-fold" data-testid="chat-fold">
            <summary>{fold.summary}</summary>
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
    let text = (!m.text.is_empty()).then(|| folded(message_text(&m.text)));
    view! {
        <div class=class data-testid="chat-message" data-role=m.role.clone()>
            <div class="msg-role">{m.role.clone()}{answers}</div>
            {text}
            {m.tool_calls.into_iter().map(|c| {
                let id = (!c.id.is_empty()).then(|| view! { <span class="muted">{format!(" {}", c.id)}</span> });
                view! {
                    <div class="tool-call" data-testid="tool-call">
                        <div><span class="tool-icon">"ƒ "</span><code>{c.name}</code>{id}</div>
                        {(!c.arguments.is_empty()).then(|| folded(message_text(&c.arguments)))}
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
