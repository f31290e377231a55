//! Writing the evidence: render a format, name the file, write it atomically (or to stdout).

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::store::Store;
use crate::track::Report;

use super::{
    Evidence, ExportError, ExportFormat, ExportOptions, Lang, Selection, build_evidence, complaint,
    csv, html, json,
};

/// The bytes of `evidence` in `format`.
pub fn render(evidence: &Evidence, format: ExportFormat, lang: Lang) -> Vec<u8> {
    match format {
        ExportFormat::Html => html::render(evidence, lang).into_bytes(),
        ExportFormat::Csv => csv::render(evidence),
        ExportFormat::Json => json::render(evidence).into_bytes(),
        ExportFormat::Complaint => complaint::render(evidence, lang).into_bytes(),
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file written, or `-` for standard output.
    pub path: PathBuf,
    pub offenders: u64,
    pub senders: u64,
    pub messages: u64,
    pub sha256: String,
}

/// Builds, renders and writes the evidence; returns the path written.
///
/// `out` is a file path, a directory (the file inside it is named by
/// [`default_file_name`]), or `-` for standard output (refused for HTML).
/// An existing file is never overwritten unless `options.force`; the file
/// appears whole or not at all.
pub fn write_evidence(
    store: &Store,
    report: &Report,
    selection: &Selection,
    format: ExportFormat,
    out: &Path,
    options: &ExportOptions,
) -> Result<PathBuf, ExportError> {
    export(store, report, selection, format, out, options).map(|w| w.path)
}

/// [`write_evidence`], also saying how much it wrote.
pub fn export(
    store: &Store,
    report: &Report,
    selection: &Selection,
    format: ExportFormat,
    out: &Path,
    options: &ExportOptions,
) -> Result<Written, ExportError> {
    let to_stdout = out == Path::new("-");
    if to_stdout && format == ExportFormat::Html {
        return Err(ExportError::HtmlToStdout);
    }
    let evidence = build_evidence(store, report, selection, options)?;
    let bytes = render(&evidence, format, options.lang);
    let path = if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&bytes)
            .and_then(|()| stdout.flush())
            .map_err(|source| ExportError::Io {
                path: out.to_path_buf(),
                source,
            })?;
        out.to_path_buf()
    } else {
        let path = if out.is_dir() {
            out.join(default_file_name(
                selection,
                format,
                today(options.now_ms, &options.zone),
            ))
        } else {
            out.to_path_buf()
        };
        write_atomically(&path, &bytes, options.force)?;
        path
    };
    Ok(Written {
        path,
        offenders: evidence.summary.offenders,
        senders: evidence.summary.senders,
        messages: evidence.summary.messages,
        sha256: evidence.sha256().to_string(),
    })
}

/// The civil date of `now_ms` in `zone`.
pub fn today(now_ms: i64, zone: &TimeZone) -> jiff::civil::Date {
    Timestamp::from_millisecond(now_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(zone.clone())
        .date()
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into
/// place: a failed write leaves nothing, and without `force` an existing
/// file (even one created meanwhile) is never replaced.
pub fn write_atomically(path: &Path, bytes: &[u8], force: bool) -> Result<(), ExportError> {
    let io_err = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !force && path.exists() {
        return Err(ExportError::Exists(path.to_path_buf()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".optout-export-")
        .tempfile_in(dir)
        .map_err(io_err)?;
    tmp.write_all(bytes).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    if force {
        tmp.persist(path).map_err(|e| io_err(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                ExportError::Exists(path.to_path_buf())
            } else {
                io_err(e.error)
            }
        })?;
    }
    Ok(())
}

/// `optout-evidence-violating-2026-11-29.html`: named after the selection,
/// the date and the format (complaint text is `optout-complaint-….txt`).
pub fn default_file_name(
    selection: &Selection,
    format: ExportFormat,
    today: jiff::civil::Date,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    match selection.brands.as_slice() {
        [] => {}
        [one] => parts.push(format!("brand-{}", slug(one))),
        many => parts.push(format!("{}-brands", many.len())),
    }
    match selection.senders.as_slice() {
        [] => {}
        [one] => parts.push(format!("sender-{}", slug(one))),
        many => parts.push(format!("{}-senders", many.len())),
    }
    if selection.statuses.is_empty() {
        if parts.is_empty() {
            parts.push("violating".into());
        }
    } else {
        parts.extend(
            selection
                .statuses
                .iter()
                .map(|s| s.as_str().replace('_', "-")),
        );
    }
    let what = if format == ExportFormat::Complaint {
        "complaint"
    } else {
        "evidence"
    };
    format!(
        "optout-{what}-{}-{}.{}",
        parts.join("-"),
        today.strftime("%Y-%m-%d"),
        format.extension()
    )
}

/// A file-name-safe form of a sender key or brand: letters (any script),
/// digits and `+`; everything else becomes `-`; at most 40 characters.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = if c.is_alphanumeric() || c == '+' {
            c
        } else {
            '-'
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
        if out.chars().count() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "x".into() } else { out }
}
