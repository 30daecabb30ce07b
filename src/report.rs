//! Standalone reports from the page: the page fetches its own built files (script, Wasm, style
//! sheet — GETs of its own origin, as when it loaded) and wraps them with a session bundle into
//! one `.html` file ([`loupe_core::report`]). A report, opened from disk, loads the bundle it
//! embeds on start.

use crate::state::{AppState, Input};
use js_sys::Uint8Array;
use leptos::task::spawn_local;
use loupe_core::report::{BUNDLE_ELEMENT, PageAssets, embedded_bundle, standalone_html};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The name under which an embedded bundle loads.
const EMBEDDED_NAME: &str = "report.loupe.json.gz";

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The `href` of the page's first `<link>` matching `selector`.
fn link(selector: &str) -> Result<String, String> {
    document()
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|el| el.get_attribute("href"))
        .ok_or_else(|| {
            "this copy of Loupe cannot write a report: its own files are not at hand \
             (open Loupe from its web page, not from a report)"
                .to_string()
        })
}

/// GETs one of the page's own files.
async fn fetch(url: &str) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .and_then(|r| r.dyn_into())
        .map_err(|_| format!("could not read the page's own file {url}"))?;
    if !response.ok() {
        return Err(format!(
            "could not read the page's own file {url}: HTTP {}",
            response.status()
        ));
    }
    Ok(response)
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let promise = fetch(url).await?.text().map_err(|_| "unreadable")?;
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| format!("could not read the page's own file {url}"))
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let promise = fetch(url).await?.array_buffer().map_err(|_| "unreadable")?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|_| format!("could not read the page's own file {url}"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A report holding `bundle` (gzipped bundle bytes), titled `title`.
pub async fn write(bundle: &[u8], title: &str) -> Result<Vec<u8>, String> {
    let script = fetch_text(&link("link[rel=modulepreload]")?).await?;
    let wasm = fetch_bytes(&link("link[rel=preload][type='application/wasm']")?).await?;
    let style = fetch_text(&link("link[rel=stylesheet]")?).await?;
    let assets = PageAssets {
        script: &script,
        wasm: &wasm,
        style: &style,
    };
    standalone_html(&assets, bundle, title)
        .map(String::into_bytes)
        .map_err(|e| e.to_string())
}

/// Whether this page is a report (which has no worker script beside it).
pub fn is_report() -> bool {
    document().is_some_and(|d| d.get_element_by_id(BUNDLE_ELEMENT).is_some())
}

/// Loads the bundle this page embeds, when it is a report.
pub fn load_embedded(state: AppState) {
    let Some(el) = document().and_then(|d| d.get_element_by_id(BUNDLE_ELEMENT)) else {
        return;
    };
    let input = match embedded_bundle(&el.text_content().unwrap_or_default()) {
        Ok(bytes) => Input::Bytes(EMBEDDED_NAME.into(), bytes),
        Err(e) => Input::Failed(
            EMBEDDED_NAME.into(),
            format!("the report's embedded session is damaged: {e}"),
        ),
    };
    spawn_local(state.load(vec![input]));
}
