//! Canvas helpers: a 2D context sized to the element's box at the device's pixel ratio, with
//! the theme's colours for text and lines.

use crate::theme::{Palette, palette};
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A canvas ready to draw on in CSS pixels.
pub struct Surface {
    /// The context, scaled so one unit is one CSS pixel.
    pub ctx: web_sys::CanvasRenderingContext2d,
    /// Width in CSS pixels.
    pub width: f64,
    /// Height in CSS pixels.
    pub height: f64,
    /// The theme's colours (read as the surface is made, so a drawing effect runs again when
    /// the theme changes).
    pub palette: Palette,
}

impl Surface {
    /// Sets the fill to the theme's colour `pick` (text, secondary text, lines).
    pub fn fill_with(&self, pick: fn(&Palette) -> (u8, u8, u8)) {
        self.ctx
            .set_fill_style_str(&Palette::css(pick(&self.palette)));
    }
}

/// Sizes `canvas` to its box (`height` CSS pixels tall) and returns its context, cleared.
pub fn surface(canvas: &NodeRef<Canvas>, height: f64) -> Option<Surface> {
    let palette = palette();
    let el: web_sys::HtmlCanvasElement = canvas.get()?;
    let width = f64::from(el.client_width()).max(100.0);
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    el.set_width((width * ratio) as u32);
    el.set_height((height * ratio) as u32);
    let ctx: web_sys::CanvasRenderingContext2d = el.get_context("2d").ok()??.dyn_into().ok()?;
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, width, height);
    Some(Surface {
        ctx,
        width,
        height,
        palette,
    })
}

/// The position of a mouse event inside `canvas`, in CSS pixels.
pub fn mouse_at(canvas: &NodeRef<Canvas>, ev: &web_sys::MouseEvent) -> Option<(f64, f64)> {
    let el: web_sys::HtmlCanvasElement = canvas.get()?;
    let rect = el.get_bounding_client_rect();
    Some((
        f64::from(ev.client_x()) - rect.left(),
        f64::from(ev.client_y()) - rect.top(),
    ))
}

/// The fill colour of a span kind (as in the waterfall).
pub fn kind_color(kind: loupe_core::SpanKind) -> &'static str {
    use loupe_core::SpanKind as K;
    match kind {
        K::Llm => "#7c3aed",
        K::Embedding => "#0891b2",
        K::Retriever => "#0d9488",
        K::Reranker => "#0f766e",
        K::Tool => "#d97706",
        K::Agent => "#2563eb",
        K::Chain => "#4f46e5",
        K::Guardrail => "#be185d",
        K::Evaluator => "#9333ea",
        K::Other => "#94a3b8",
    }
}
