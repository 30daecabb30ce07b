//! What every view shares beyond the loaded data: the open tab, the filter query, how the open
//! trace and the flame graphs are shown, what the Compare tab compares (and the two filters
//! typed there), and the prices (with the user's overrides, kept in
//! localStorage and sent to the engine, which computes every cost).

use crate::state::AppState;
use leptos::prelude::*;
use loupe_core::bundle::Comparing;
use loupe_core::flame::Weight;
use loupe_core::pricing::PriceTable;
use std::sync::Arc;

/// Where price overrides are kept in the browser.
const PRICES_KEY: &str = "loupe.price-overrides";

/// A shared value whose memo changes when it is recomputed (compared by pointer, not content).
#[derive(Debug, Default)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The views, each a tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    /// Figures, percentiles, a timeline and the top spans of everything filtered.
    Overview,
    /// The trace list, or the open trace.
    #[default]
    Traces,
    /// The aggregated flame graph.
    Flame,
    /// Latency by span name, model and kind.
    Latency,
    /// Tokens and cost.
    Cost,
    /// One trace, or one set of traces, against another.
    Compare,
}

impl Tab {
    /// All tabs, in order.
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Traces,
        Tab::Flame,
        Tab::Latency,
        Tab::Cost,
        Tab::Compare,
    ];

    /// The tab's name in the URL and its test id's suffix.
    pub fn id(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Traces => "traces",
            Tab::Flame => "flame",
            Tab::Latency => "latency",
            Tab::Cost => "cost",
            Tab::Compare => "compare",
        }
    }

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Traces => "Traces",
            Tab::Flame => "Flame graph",
            Tab::Latency => "Latency",
            Tab::Cost => "Tokens & cost",
            Tab::Compare => "Compare",
        }
    }

    /// The tab named `id`.
    pub fn from_id(id: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// How the open trace is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TraceMode {
    /// The span tree beside a waterfall of timing bars.
    #[default]
    Waterfall,
    /// A flame graph over time.
    Flame,
}

impl TraceMode {
    /// The mode's name in a shared view.
    pub fn id(self) -> &'static str {
        match self {
            TraceMode::Waterfall => "waterfall",
            TraceMode::Flame => "flame",
        }
    }

    /// The mode named `id`.
    pub fn from_id(id: &str) -> Option<TraceMode> {
        [TraceMode::Waterfall, TraceMode::Flame]
            .into_iter()
            .find(|m| m.id() == id)
    }
}

/// The shared analysis state.
#[derive(Clone, Copy)]
pub struct Analysis {
    /// The loaded data it analyses.
    state: AppState,
    /// The open tab.
    pub tab: RwSignal<Tab>,
    /// How the open trace is drawn.
    pub mode: RwSignal<TraceMode>,
    /// The trace flame graph's zoom: the id of the trace it applies to and its visible window,
    /// in nanoseconds from that trace's start. `None` (or another trace) shows the whole trace.
    pub zoom: RwSignal<Option<(String, [i64; 2])>>,
    /// What the aggregated flame graph is weighted by.
    pub weight: RwSignal<Weight>,
    /// The aggregated flame graph's focused node, as its path of span names.
    pub focus: RwSignal<Vec<String>>,
    /// The filter bar's text.
    pub query: RwSignal<String>,
    /// The traces ticked in the trace list, to compare, in the order ticked.
    pub picked: RwSignal<Vec<u32>>,
    /// What the Compare tab compares: two traces by id, or two filters.
    pub compared: RwSignal<Option<Comparing>>,
    /// The Compare tab's two filters as typed: the baseline's and the candidate's.
    pub sides: RwSignal<(String, String)>,
    /// The prices, with overrides.
    pub prices: RwSignal<Shared<PriceTable>>,
}

/// The built-in prices with the overrides saved in this browser.
fn load_prices() -> PriceTable {
    let mut table = PriceTable::builtin();
    // Saved overrides that no longer read are ignored rather than breaking the page.
    if let Some(saved) = crate::kept::get(PRICES_KEY) {
        let _ = table.set_overrides(saved);
    }
    table
}

impl Analysis {
    /// The analysis over `state`'s data.
    pub fn new(state: AppState) -> Analysis {
        let query = RwSignal::new(String::new());
        let table = load_prices();
        state.price_overrides.set_value(table.overrides_json());
        let prices = RwSignal::new(Shared(Arc::new(table)));
        Analysis {
            state,
            tab: RwSignal::new(Tab::default()),
            mode: RwSignal::new(TraceMode::default()),
            zoom: RwSignal::new(None),
            weight: RwSignal::new(Weight::default()),
            focus: RwSignal::new(Vec::new()),
            query,
            picked: RwSignal::new(Vec::new()),
            compared: RwSignal::new(None),
            sides: RwSignal::new((String::new(), String::new())),
            prices,
        }
    }

    /// Changes the prices with `edit` and saves the overrides in this browser.
    pub fn edit_prices(&self, edit: impl FnOnce(&mut PriceTable)) {
        let mut table = self.prices.with_untracked(|p| (*p.0).clone());
        edit(&mut table);
        let overrides = table.overrides_json();
        // Where this browser keeps nothing (private mode, full storage), the overrides last
        // until the tab closes.
        crate::kept::set(PRICES_KEY, table.overrides());
        self.prices.set(Shared(Arc::new(table)));
        self.state.price_overrides.set_value(overrides);
        leptos::task::spawn_local(self.state.refresh_figures());
    }
}

/// Opens trace `trace` (and span `span`) in the Traces tab.
pub fn open_span(state: AppState, analysis: Analysis, trace: u32, span: Option<u32>) {
    state.trace.set(Some(trace));
    state.span.set(span);
    analysis.tab.set(Tab::Traces);
}

/// Compares the traces `baseline` selects with those `candidate` selects, in the Compare tab.
pub fn compare_sets(analysis: Analysis, baseline: String, candidate: String) {
    analysis.sides.set((baseline.clone(), candidate.clone()));
    analysis.compared.set(Some(Comparing::Sets {
        baseline,
        candidate,
    }));
    analysis.tab.set(Tab::Compare);
}
