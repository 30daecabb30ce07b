//! The page's components: thin views over the engine's pure functions.

pub mod chat_view;
pub mod figures;
pub mod file_list;
pub mod progress;
pub mod span_detail;
pub mod trace_list;
pub mod trace_view;
pub mod virtual_list;
