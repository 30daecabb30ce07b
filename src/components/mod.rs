//! The page's components: thin views over the engine's pure functions.

pub mod canvas;
pub mod chat_view;
pub mod compare_sets;
pub mod compare_view;
pub mod cost_view;
pub mod figures;
pub mod file_list;
pub mod filter_bar;
pub mod flame_view;
pub mod latency_view;
pub mod link_button;
pub mod notes_panel;
pub mod overview;
pub mod progress;
pub mod share;
pub mod shortcuts;
pub mod span_detail;
pub mod trace_list;
pub mod trace_view;
pub mod virtual_list;
