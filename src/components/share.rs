//! Sharing: the Share dialog writes a redacted session bundle (`*.loupe.json.gz`) of what is
//! loaded, with a preview of what each option removes; a dropped bundle restores its view,
//! prices and notes.

use crate::analysis::Analysis;
use crate::answer::answer;
use crate::export_job::{ExportRequest, ExportSummary};
use crate::notes::Notes;
use crate::state::AppState;
use crate::worker_client;
use leptos::prelude::*;
use loupe_core::bundle::Extras;
use loupe_core::engine::{Request, Response};
use loupe_core::redact::{RedactOptions, key_list};

/// Which traces go into the bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    All,
    Filtered,
    Open,
}

/// What to do with a written bundle: given its bytes, its summary, the dialog's open flag and
/// its error line.
type Written = fn(Vec<u8>, ExportSummary, RwSignal<bool>, RwSignal<Option<String>>);

/// Applies what dropped bundles bring: their view (tab, filter, trace, span, zoom, flame
/// weight and focus), their prices and their notes.
pub fn restore_bundles(state: AppState, analysis: Analysis, notes: Notes) {
    let applied = StoredValue::new(0usize);
    Effect::new(move |_| {
        if state.figures.with(|f| f.traces == 0) {
            applied.set_value(0);
            return;
        }
        leptos::task::spawn_local(async move {
            let Ok(Response::BundleExtras(json)) = worker_client::ask(Request::BundleExtras).await
            else {
                return;
            };
            let extras: Vec<Extras> = serde_json::from_str(&json).unwrap_or_default();
            if extras.len() <= applied.get_value() {
                return;
            }
            let fresh = extras[applied.get_value()..].to_vec();
            applied.set_value(extras.len());
            for e in &fresh {
                notes.add(e.notes.iter().cloned());
            }
            let Some(last) = fresh.last().cloned() else {
                return;
            };
            if !last.prices.is_empty() {
                analysis.edit_prices(|t| {
                    for (model, price) in &last.prices {
                        t.set_override(model, *price);
                    }
                });
            }
            crate::url_state::apply(state, analysis, last.view).await;
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
    // `Esc` closes the dialog (and only it: the page's keys leave an open dialog alone).
    let esc = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() && !ev.default_prevented() {
            open.set(false);
            ev.prevent_default();
        }
    });
    on_cleanup(move || esc.remove());
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
        allow_keys: allow.with(|a| (!a.trim().is_empty()).then(|| key_list(a))),
        deny_keys: deny.with(|d| key_list(d)),
    };
    // The traces the filter selects, from the engine, while they are the scope.
    let (filtered, _) = answer(
        move || (scope.get() == Scope::Filtered).then(|| Request::Select(analysis.query.get())),
        |r| match r {
            Response::Traces(t) => Some(t),
            _ => None,
        },
    );
    let traces = move || -> Option<Vec<u32>> {
        match scope.get() {
            Scope::All => None,
            Scope::Filtered => Some(filtered.get().unwrap_or_default()),
            Scope::Open => Some(state.trace.get().into_iter().collect()),
        }
    };
    // What to ask the share worker for: the chosen traces with the chosen redaction.
    let request = move |salt: [u8; 16], extras: Extras, bytes: bool| ExportRequest {
        options: options(),
        traces: traces(),
        salt,
        extras,
        bytes,
    };
    // The preview is counted by the worker, which holds the set: only the newest answer shows.
    let preview = RwSignal::new(String::new());
    let asked = StoredValue::new(0u64);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if !open.get() {
            return;
        }
        state.figures.track();
        let req = request(
            [0; 16],
            Extras {
                notes: chosen_notes(),
                ..Extras::default()
            },
            false,
        );
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        preview.set("Counting what the options remove…".into());
        error.set(None);
        leptos::task::spawn_local(async move {
            let answer = crate::worker_client::export(&req, state.loads.get_value()).await;
            if asked.get_value() != this {
                return;
            }
            match answer {
                Ok((summary, _)) => preview.set(summary.preview()),
                Err(e) => {
                    preview.set(String::new());
                    error.set(Some(e));
                }
            }
        });
    });
    // Has the worker write the redacted bundle of the chosen traces, with the view, prices and
    // notes; then `then(bytes, summary, open, error)`.
    let write = move |then: Written| {
        let req = untrack(|| {
            let extras = Extras {
                view: crate::url_state::capture(state, analysis),
                prices: analysis.prices.with(|p| p.overrides().clone()),
                notes: chosen_notes(),
                created: Some(js_sys::Date::new_0().to_iso_string().into()),
            };
            loupe_core::redact::fresh_salt().map(|salt| request(salt, extras, true))
        });
        let req = match req {
            Ok(req) => req,
            Err(e) => return error.set(Some(e)),
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            match crate::worker_client::export(&req, state.loads.get_value()).await {
                Ok((summary, Some(bytes))) => then(bytes, summary, open, error),
                Ok((_, None)) => error.set(Some("the share worker wrote no bundle".into())),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let do_export = move |_| {
        write(|bytes, _, open, _| {
            crate::download::save("loupe-session.loupe.json.gz", &bytes);
            open.set(false);
        })
    };
    let do_report = move |_| {
        write(|bytes, summary, open, error| {
            let title = format!(
                "Loupe report — {} traces, {} spans",
                summary.traces, summary.spans
            );
            leptos::task::spawn_local(async move {
                match crate::report::write(&bytes, &title).await {
                    Ok(html) => {
                        crate::download::save("loupe-report.html", &html);
                        open.set(false);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
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
