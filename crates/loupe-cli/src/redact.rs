//! `loupe redact`: writes a redacted session bundle of trace files, with the share dialog's
//! defaults (messages dropped, personal data masked, ids hashed), so a CI job can attach a
//! bundle to a failing run; with `--to parquet`, the same redacted spans as Parquet for a
//! shared warehouse.

use crate::args;
use crate::files::load_all;
use loupe_core::bundle::{Extras, export};
use loupe_core::redact::RedactOptions;
use std::process::ExitCode;

/// A salt of this run's own: the time and the process id, hashed into the bundle's ids.
fn salt() -> [u8; 16] {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut s = [0u8; 16];
    s[..12].copy_from_slice(&nanos.to_le_bytes()[..12]);
    s[12..].copy_from_slice(&std::process::id().to_le_bytes());
    s
}

fn keys(list: Option<&str>) -> Vec<String> {
    list.map(|l| {
        l.split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(String::from)
            .collect()
    })
    .unwrap_or_default()
}

/// Runs `loupe redact`.
pub fn run(argv: &[String]) -> Result<ExitCode, String> {
    let a = args::parse(
        argv,
        &["--keep-messages", "--keep-pii", "--keep-ids"],
        &["--out", "--allow", "--deny", "--to"],
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
        allow_keys: a.text("--allow").map(|l| keys(Some(l))),
        deny_keys: keys(a.text("--deny")),
    };
    let (set, failed) = load_all(&a.positional);
    let (bundle, counts) = export(&set, None, options, salt(), Extras::default());
    if parquet {
        // The bundle read back is exactly what was kept: that is what the warehouse gets.
        let kept = loupe_core::import(&bundle.to_gzip(), out)
            .map_err(|e| format!("the redacted spans do not read back: {e}"))?;
        crate::convert::write_parquet_file(&kept, out)?;
    } else {
        std::fs::write(out, bundle.to_gzip()).map_err(|e| format!("cannot write {out}: {e}"))?;
    }
    let removed = counts.phrases().join(", ");
    eprintln!(
        "wrote {out}: {} traces, {} spans{}",
        set.traces().len(),
        bundle.spans.len(),
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
