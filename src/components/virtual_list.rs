//! A virtualized list: only the rows in view (plus a margin) exist in the DOM, so lists of
//! hundreds of thousands of rows scroll smoothly.

use leptos::html::Div;
use leptos::prelude::*;

/// Rows drawn beyond the viewport on each side.
const OVERSCAN: usize = 8;

/// A scrolling list of `count` rows, each drawn by `row` (given its position) at a fixed
/// `row_height` (pixels). When `cursor` points at a row out of view, the list scrolls to it.
/// `window` receives the positions in view (plus the margin), for lists whose rows are fetched.
#[component]
pub fn VirtualList<R, V>(
    /// How many rows there are.
    #[prop(into)]
    count: Signal<usize>,
    /// Height of each row, in pixels.
    row_height: f64,
    /// Draws the row at a position (`None` draws an empty row).
    row: R,
    /// Where to report the rows in view.
    #[prop(optional)]
    window: Option<RwSignal<(usize, usize)>>,
    /// A position to keep in view.
    #[prop(optional, into)]
    cursor: Option<Signal<Option<usize>>>,
    /// CSS class of the scrolling element.
    #[prop(optional, into)]
    class: String,
    /// Test id of the scrolling element.
    #[prop(optional, into)]
    testid: String,
) -> impl IntoView
where
    R: Fn(usize) -> Option<V> + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(800.0f64);
    let node = NodeRef::<Div>::new();

    let measure = move || {
        if let Some(el) = node.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            viewport.set(f64::from(el.client_height()).max(row_height));
        }
    };
    Effect::new(move |_| {
        if node.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    if let Some(cursor) = cursor {
        Effect::new(move |_| {
            let (Some(pos), Some(el)) = (cursor.get(), node.get_untracked()) else {
                return;
            };
            let top = pos as f64 * row_height;
            let view_top = f64::from(el.scroll_top());
            let view_h = f64::from(el.client_height());
            if top < view_top {
                el.set_scroll_top(top as i32);
            } else if top + row_height > view_top + view_h {
                el.set_scroll_top((top + row_height - view_h) as i32);
            }
        });
    }

    // Rows in view, plus the margin; the end may pass the last row before `count` is known.
    let wanted = Memo::new(move |_| {
        let first = (scroll_top.get() / row_height).floor() as usize;
        let shown = (viewport.get() / row_height).ceil() as usize;
        (first.saturating_sub(OVERSCAN), first + shown + OVERSCAN)
    });
    if let Some(window) = window {
        Effect::new(move |_| window.set(wanted.get()));
    }

    view! {
        <div class=format!("vlist {class}") data-testid=testid node_ref=node on:scroll=move |_| measure()>
            <div
                class="vlist-spacer"
                style:height=move || format!("{}px", count.get() as f64 * row_height)
            >
                {move || {
                    let n = count.get();
                    let (a, b) = wanted.get();
                    (a.min(n)..b.min(n))
                        .map(|pos| {
                            view! {
                                <div
                                    class="vrow"
                                    style:top=format!("{}px", pos as f64 * row_height)
                                    style:height=format!("{row_height}px")
                                >
                                    {row(pos)}
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </div>
    }
}
