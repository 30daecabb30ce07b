//! Sharing: the Share dialog writes a redacted session bundle (`*.loupe.json.gz`) of what is
//! loaded, with a preview of what each option removes; a dropped bundle restores its view,
//! prices and notes.

use crate::analysis::Analysis;
use crate::notes::Notes;
use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::bundle::{Extras, export};
use loupe_core::redact::RedactOptions;

/// Which traces go into the bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    All,
    Filtered,
    Open,
}

/// A salt of this bundle's own.
fn salt() -> [u8; 16] {
    std::array::from_fn(|_| (js_sys::Math::random() * 256.0) as u8)
}

fn keys(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(String::from)
        .collect()
}

/// Applies what dropped bundles bring: their view (tab, filter, trace, span, zoom, flame
/// weight and focus), their prices and their notes.
pub fn restore_bundles(state: AppState, analysis: Analysis, notes: Notes) {
    let applied = StoredValue::new(0usize);
    Effect::new(move |_| {
        state.data.with(|d| {
            let Some(set) = d.as_ref() else {
                applied.set_value(0);
                return;
            };
            let extras = set.bundle_extras();
            if extras.len() <= applied.get_value() {
                return;
            }
            let fresh = extras[applied.get_value()..].to_vec();
            applied.set_value(extras.len());
            for e in &fresh {
                notes.add(e.notes.iter().cloned());
            }
            let Some(last) = fresh.last() else { return };
            if !last.prices.is_empty() {
                analysis.edit_prices(|t| {
                    for (model, price) in &last.prices {
                        t.set_override(model, *price);
                    }
                });
            }
            // The set is already in place, so the trace is found at once.
            untrack(|| crate::url_state::apply(state, analysis, &last.view));
        });
    });
}

/// The Share button and its dialog.
#[component]
pub fn Share() -> impl IntoView {
    let state = expect_context::<AppState>();
    let analysis = expect_context::<Analysis>();
    let notes = expect_context::<Notes>();
    let open = RwSignal::new(false);
    let keep_messages = RwSignal::new(false);
    let keep_pii = RwSignal::new(false);
    let keep_ids = RwSignal::new(false);
    let with_notes = RwSignal::new(true);
    let chosen_notes = move || {
        if with_notes.get() {
            notes.all()
        } else {
            Vec::new()
        }
    };
    let allow = RwSignal::new(String::new());
    let deny = RwSignal::new(String::new());
    let scope = RwSignal::new(Scope::All);
    let options = move || RedactOptions {
        keep_messages: keep_messages.get(),
        mask_pii: !keep_pii.get(),
        hash_ids: !keep_ids.get(),
        allow_keys: allow.with(|a| (!a.trim().is_empty()).then(|| keys(a))),
        deny_keys: deny.with(|d| keys(d)),
    };
    let traces = move || -> Option<Vec<u32>> {
        match scope.get() {
            Scope::All => None,
            Scope::Filtered => Some(analysis.filtered.with(|f| f.to_vec())),
            Scope::Open => Some(state.trace.get().into_iter().collect()),
        }
    };
    let preview = Memo::new(move |_| {
        if !open.get() {
            return String::new();
        }
        let opts = options();
        let chosen = traces();
        state.data.with(|d| {
            let Some(set) = d.as_ref() else {
                return String::new();
            };
            let extras = Extras {
                notes: chosen_notes(),
                ..Extras::default()
            };
            let (bundle, counts) = export(set, chosen.as_deref(), opts, [0; 16], extras);
            let removed = counts.phrases();
            let notes = match bundle.notes.len() {
                0 => String::new(),
                1 => ", 1 note".to_string(),
                n => format!(", {n} notes"),
            };
            format!(
                "{} traces, {} spans{notes}. Removes: {}.",
                bundle
                    .spans
                    .iter()
                    .map(|s| s.trace_id.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .len(),
                bundle.spans.len(),
                if removed.is_empty() {
                    "nothing".to_string()
                } else {
                    removed.join(", ")
                }
            )
        })
    });
    let error = RwSignal::new(None::<String>);
    // The redacted bundle of the chosen traces, with the view, prices and notes.
    let bundle = move || {
        let extras = Extras {
            view: untrack(|| crate::url_state::capture(state, analysis)),
            prices: analysis.prices.with_untracked(|p| p.overrides().clone()),
            notes: untrack(chosen_notes),
            created: Some(js_sys::Date::new_0().to_iso_string().into()),
        };
        let (opts, chosen) = untrack(|| (options(), traces()));
        state.data.with_untracked(|d| {
            d.as_ref().map(|set| {
                export(set, chosen.as_deref(), opts, salt(), extras)
                    .0
                    .to_gzip()
            })
        })
    };
    let do_export = move |_| {
        if let Some(bytes) = bundle() {
            crate::download::save("loupe-session.loupe.json.gz", &bytes);
        }
        open.set(false);
    };
    let do_report = move |_| {
        let Some(bytes) = bundle() else { return };
        let summary = preview.get_untracked();
        let title = format!(
            "Loupe report — {}",
            summary.split('.').next().unwrap_or_default()
        );
        error.set(None);
        leptos::task::spawn_local(async move {
            match crate::report::write(&bytes, &title).await {
                Ok(html) => {
                    crate::download::save("loupe-report.html", &html);
                    open.set(false);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let check = move |sig: RwSignal<bool>, label: &'static str, testid: &'static str| {
        view! {
            <label class="share-option">
                <input type="checkbox" data-testid=testid prop:checked=sig on:change=move |ev| sig.set(event_target_checked(&ev)) />
                " " {label}
            </label>
        }
    };
    view! {
        <button data-testid="share-button" on:click=move |_| open.set(true)>"Share…"</button>
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| open.set(false)></div>
            <div class="modal" role="dialog" aria-label="Share a redacted session" data-testid="share-dialog">
                <h2>"Share a redacted session"</h2>
                <p class="muted">"Writes a bundle anyone can open in their own copy of Loupe. What is unticked is left out or disguised."</p>
                <label>"Traces "
                    <select data-testid="share-scope" on:change=move |ev| scope.set(match event_target_value(&ev).as_str() {
                        "filtered" => Scope::Filtered,
                        "open" => Scope::Open,
                        _ => Scope::All,
                    })>
                        <option value="all">"everything loaded"</option>
                        <option value="filtered">"those the filter selects"</option>
                        <option value="open">"the open trace"</option>
                    </select>
                </label>
                {check(keep_messages, "Include message contents (prompts, completions, tool arguments and results, documents)", "share-keep-messages")}
                {check(keep_pii, "Include personal data and secrets (e-mails, phones, IPs, card numbers, keys, URL queries, path user names)", "share-keep-pii")}
                {check(keep_ids, "Include user, session and other ids as they are (else hashed)", "share-keep-ids")}
                {check(with_notes, "Include my notes on these traces (masked as above)", "share-notes")}
                <label class="share-option">"Keep only attributes "
                    <input type="text" placeholder="keys, comma-separated (a key ending in . is a prefix)" prop:value=allow on:input=move |ev| allow.set(event_target_value(&ev)) />
                </label>
                <label class="share-option">"Drop attributes "
                    <input type="text" placeholder="keys, comma-separated" prop:value=deny on:input=move |ev| deny.set(event_target_value(&ev)) />
                </label>
                <p class="share-preview" data-testid="share-preview">{preview}</p>
                {move || error.get().map(|e| view! { <p class="error" data-testid="share-error">{e}</p> })}
                <p class="actions">
                    <button class="primary" data-testid="share-export" on:click=do_export>"Export bundle"</button>
                    <button data-testid="share-report" title="One .html file that opens offline, with this session inside"
                        on:click=do_report>"Download HTML report"</button>
                    <button on:click=move |_| open.set(false)>"Cancel"</button>
                </p>
            </div>
        </Show>
    }
}
