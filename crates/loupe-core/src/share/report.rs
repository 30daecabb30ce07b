//! Standalone reports: one self-contained `.html` file holding Loupe's page (its script, its
//! styles and its Wasm) and a session bundle. It opens offline from disk, where `file://`
//! forbids fetching anything, so the Wasm and the bundle are embedded as base64 text in data
//! blocks (`<script type="application/octet-stream">`, which a browser never runs). The file's
//! own Content-Security-Policy allows exactly the one inline script and the one inline style it
//! carries, by their SHA-256 hashes, and nothing else: no request of any kind.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// Id of the element holding the embedded bundle; the page loads it on start.
pub const BUNDLE_ELEMENT: &str = "loupe-report-bundle";

/// Id of the element holding the embedded Wasm.
const WASM_ELEMENT: &str = "loupe-report-wasm";

/// The page's built files a report embeds.
#[derive(Clone, Copy, Debug)]
pub struct PageAssets<'a> {
    /// The wasm-bindgen glue: an ES module exporting its init function as `default`.
    pub script: &'a str,
    /// The page's Wasm.
    pub wasm: &'a [u8],
    /// The page's style sheet.
    pub style: &'a str,
}

/// Why a report cannot be written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    /// The glue does not export an init function as `default`.
    #[error("the page's script does not export its init function as `default`")]
    NoInit,
    /// A file would end its inline element early (or, for a script, hide its end).
    #[error("the page's {0} contains `</{1}` or `<!--`, which would break its inline element")]
    ClosingTag(&'static str, &'static str),
}

/// The local name the glue exports as `default` (`export { initSync, __wbg_init as default }`).
fn default_export(script: &str) -> Option<&str> {
    let start = script.rfind("export {")? + "export {".len();
    let list = &script[start..start + script[start..].find('}')?];
    list.split(',').find_map(|item| {
        let (local, exported) = item.split_once(" as ")?;
        (exported.trim() == "default").then(|| local.trim())
    })
}

/// The CSP source for `text`'s SHA-256 hash.
fn hash_source(text: &str) -> String {
    format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

/// Escapes text for an HTML element's content or attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes the report: the page's `assets` with `bundle` (a `*.loupe.json.gz`'s bytes) inside,
/// titled `title`.
pub fn standalone_html(
    assets: &PageAssets,
    bundle: &[u8],
    title: &str,
) -> Result<String, ReportError> {
    let init = default_export(assets.script).ok_or(ReportError::NoInit)?;
    // `</script` would end the element early, `<!--` can make the parser skip past its end.
    let script_lower = assets.script.to_ascii_lowercase();
    if script_lower.contains("</script") || script_lower.contains("<!--") {
        return Err(ReportError::ClosingTag("script", "script"));
    }
    if assets.style.to_ascii_lowercase().contains("</style") {
        return Err(ReportError::ClosingTag("style sheet", "style"));
    }
    let script = format!(
        "{}\n// Loupe report: start the page on its embedded Wasm.\n\
         {{\n  const text = document.getElementById('{WASM_ELEMENT}').textContent;\n  \
         const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));\n  \
         await {init}({{ module_or_path: bytes }});\n}}\n",
        assets.script
    );
    let csp = format!(
        "default-src 'none'; script-src {} 'wasm-unsafe-eval'; style-src {}; img-src data:; \
         base-uri 'none'; form-action 'none'",
        hash_source(&script),
        hash_source(assets.style)
    );
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{title}</title>\n\
         <style>{style}</style>\n\
         <script type=\"application/octet-stream\" id=\"{BUNDLE_ELEMENT}\">{bundle}</script>\n\
         <script type=\"application/octet-stream\" id=\"{WASM_ELEMENT}\">{wasm}</script>\n\
         <script type=\"module\">{script}</script>\n</head>\n<body></body>\n</html>\n",
        title = escape(title),
        style = assets.style,
        bundle = STANDARD.encode(bundle),
        wasm = STANDARD.encode(assets.wasm),
    ))
}

/// Decodes the bundle a report embeds (the text of its [`BUNDLE_ELEMENT`]).
pub fn embedded_bundle(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    STANDARD.decode(text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "function initSync(m) {}\nasync function __wbg_init(m) {}\n\
                        export { initSync, __wbg_init as default };\n";

    fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
        let start = html.find(open).map_or(0, |i| i + open.len());
        let end = html[start..].find(close).map_or(html.len(), |i| start + i);
        &html[start..end]
    }

    #[test]
    fn the_policy_allows_exactly_the_inline_script_and_style_it_carries() {
        let assets = PageAssets {
            script: GLUE,
            wasm: b"\0asm\x01\0\0\0",
            style: "body { color: red }",
        };
        let html = standalone_html(&assets, b"bundle bytes", "Loupe <report>")
            .unwrap_or_else(|e| panic!("{e}"));
        let script = between(&html, "<script type=\"module\">", "</script>");
        let csp = between(&html, "Content-Security-Policy\" content=\"", "\"");
        assert!(csp.contains(&hash_source(script)), "{csp}");
        assert!(csp.contains(&hash_source("body { color: red }")));
        assert!(csp.starts_with("default-src 'none'"));
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'self'"));
        assert!(script.contains("await __wbg_init({ module_or_path: bytes })"));
        assert!(html.contains("<title>Loupe &lt;report&gt;</title>"));
        let embedded = between(&html, &format!("id=\"{BUNDLE_ELEMENT}\">"), "</script>");
        assert_eq!(embedded_bundle(embedded), Ok(b"bundle bytes".to_vec()));
        assert!(
            !html.contains("src=") && !html.contains("href="),
            "nothing is fetched"
        );
    }

    #[test]
    fn a_page_that_cannot_be_inlined_is_refused_with_the_reason() {
        let style = PageAssets {
            script: GLUE,
            wasm: b"",
            style: "a::after { content: '</style>' }",
        };
        assert_eq!(
            standalone_html(&style, b"", "r"),
            Err(ReportError::ClosingTag("style sheet", "style"))
        );
        let no_init = PageAssets {
            script: "export { initSync };",
            wasm: b"",
            style: "",
        };
        assert_eq!(
            standalone_html(&no_init, b"", "r"),
            Err(ReportError::NoInit)
        );
    }
}
