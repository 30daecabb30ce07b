//! `loupe redact`: writes a redacted session bundle of trace files, with the share dialog's
//! defaults (messages dropped, personal data masked, ids hashed), so a CI job can attach a
//! bundle to a failing run; with `--to parquet`, the same redacted spans as Parquet for a
//! shared warehouse. The inputs are streamed and redacted a set of done traces at a time,
//! each hashed with the run's one salt, so the output is never whole in memory.

use crate::args;
use crate::convert::{Target, stream_into};
use crate::streamed::{self, Streamed, stream_files};
use loupe_core::TraceSet;
use loupe_core::bundle::{Bundle, BundleWriter, Extras, export};
use loupe_core::redact::{RedactOptions, RedactionCounts, fresh_salt, key_list};
use loupe_core::stream::StreamOptions;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// Runs `loupe redact`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(
        argv,
        &["--keep-messages", "--keep-pii", "--keep-ids"],
        &["--out", "--allow", "--deny", "--to", "--idle"],
    )?;
    let parquet = match a.text("--to") {
        None | Some("bundle") => false,
        Some("parquet") => true,
        Some(other) => return Err(format!("redact writes a bundle or parquet, not '{other}'")),
    };
    let out = a
        .text("--out")
        .ok_or("redact needs --out OUT.loupe.json.gz")?;
    if a.positional.is_empty() {
        return Err("redact needs at least one INPUT file".into());
    }
    let options = RedactOptions {
        keep_messages: a.flag("--keep-messages"),
        mask_pii: !a.flag("--keep-pii"),
        hash_ids: !a.flag("--keep-ids"),
        allow_keys: a.text("--allow").map(key_list),
        deny_keys: a.text("--deny").map(key_list).unwrap_or_default(),
    };
    let stream = streamed::options(a.number("--idle")?)?;
    let salt = fresh_salt()?;
    let mut counts = RedactionCounts::default();
    let mut redacted = |set: &TraceSet| {
        let (bundle, removed) = export(set, None, options.clone(), salt, Extras::default());
        counts.add(&removed);
        bundle
    };
    let (streamed, traces, spans) = if parquet {
        // The bundle read back is exactly what was kept: that is what the warehouse gets.
        let back = |set: TraceSet| {
            let bundle = redacted(&set);
            loupe_core::import(bundle.to_json().as_bytes(), out)
                .map_err(|e| format!("the redacted spans do not read back: {e}"))
        };
        let (streamed, written) = stream_into(Target::Parquet, out, &a.positional, stream, back)?;
        (streamed, written.traces, written.spans)
    } else {
        write_bundle(out, &a.positional, stream, |set| redacted(&set))?
    };
    let failed = streamed.report_failures();
    let removed = counts.phrases().join(", ");
    eprintln!(
        "wrote {out}: {traces} traces, {spans} spans{}",
        if removed.is_empty() {
            String::new()
        } else {
            format!("; removed {removed}")
        }
    );
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Streams `inputs` into a gzipped bundle at `path`, each set of done traces made a bundle's
/// worth by `part`. Returns what the stream read, and the traces and spans written.
fn write_bundle(
    path: &str,
    inputs: &[String],
    options: StreamOptions,
    mut part: impl FnMut(TraceSet) -> Bundle,
) -> Result<(Streamed, u64, u64), String> {
    let cannot = |e: std::io::Error| format!("cannot write {path}: {e}");
    let file = std::fs::File::create(path).map_err(cannot)?;
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(BufWriter::new(file), flate2::Compression::default());
    let mut writer = BundleWriter::new(gz).map_err(cannot)?;
    let mut traces = 0;
    let streamed = stream_files(inputs, options, |set| {
        traces += set.traces().len() as u64;
        writer.add(part(set)).map_err(cannot)
    })?;
    let (gz, spans) = writer.finish().map_err(cannot)?;
    gz.finish().and_then(|mut w| w.flush()).map_err(cannot)?;
    Ok((streamed, traces, spans))
}
