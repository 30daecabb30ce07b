//! Importers, one file per format. Each reads its format into the builder's columns.

pub(crate) mod anyvalue;
pub(crate) mod jaeger;
pub(crate) mod otlp_json;
pub(crate) mod span_json;
pub(crate) mod zipkin;

use crate::builder::TraceSetBuilder;
use crate::diagnostics::Diagnostics;

/// What an importer works with: the builder, the file's text, and where to report problems.
pub(crate) struct Context<'b, 't> {
    pub builder: &'b mut TraceSetBuilder,
    pub text: &'t str,
    pub source: u32,
    pub diags: &'b mut Diagnostics,
}
