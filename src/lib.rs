//! Loupe's web app: a Leptos (CSR) page over the `loupe-core` engine. Components are thin
//! views over the engine's answers: they lay out, label and draw; every computation, and the
//! text of figures, table cells, tooltips and changes, is a pure, unit-tested engine function.

pub mod analysis;
pub mod answer;
pub mod app;
pub mod components;
pub mod download;
pub mod engine_host;
pub mod export_job;
pub mod format;
pub mod kept;
pub mod messages;
pub mod notes;
pub mod parse;
pub mod report;
pub mod state;
pub mod theme;
pub mod url_state;
pub mod worker_client;

pub use app::App;
