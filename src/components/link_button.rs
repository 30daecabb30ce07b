//! "Copy link": the page's address with the view in its fragment. The link shares the view (tab,
//! filter text, the open trace's and span's ids, zoom, the merged flame graph's focus by span
//! names), not the traces; a colleague who drops the same files sees the same view, and the
//! fragment never reaches a server. It is not redacted: masking would stop it naming the same
//! spans, so the popup says what is in it.

use crate::analysis::Analysis;
use crate::state::AppState;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The Copy link button, and the link it copied.
#[component]
pub fn CopyLink() -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let shown = RwSignal::new(None::<(String, bool)>);
    let copy = move |_| {
        let view = untrack(|| crate::url_state::capture(state, analysis));
        let Some(link) = crate::url_state::link(&view) else {
            return;
        };
        shown.set(Some((link.clone(), false)));
        let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
            return;
        };
        spawn_local(async move {
            let copied = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&link))
                .await
                .is_ok();
            shown.update(|s| {
                if let Some((l, c)) = s.as_mut()
                    && *l == link
                {
                    *c = copied;
                }
            });
        });
    };
    view! {
        <button data-testid="copy-link" title="A link to this view, without the traces" on:click=copy>"Copy link"</button>
        {move || shown.get().map(|(link, copied)| view! {
            <div class="link-popup" data-testid="link-popup" role="status">
                <p>{if copied { "Link copied. " } else { "Copy this link. " }}
                    "It holds the view, not the traces: the tab, your filter text, the open trace's and span's ids, the zoom and the flame graph's focus (span names). Whoever opens it drops the same files to see the same view."</p>
                <input type="text" readonly data-testid="share-link" prop:value=link
                    on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    } />
                <button class="link" on:click=move |_| shown.set(None)>"Close"</button>
            </div>
        })}
    }
}
