//! Writing the evidence: render a format, name the file, write it atomically (or to stdout).

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::store::Store;
use crate::track::Report;

use super::plan::{build_plan, integrity};
use super::stream::{FindingsSource, INLINE_MESSAGES, Plan, Stop, Streamed};
use super::{
    Evidence, ExportError, ExportFormat, ExportOptions, Lang, Selection, complaint, csv, html, json,
};

/// Why writing a format stopped.
pub(super) type RenderError = Stop<std::io::Error>;

impl RenderError {
    fn into_export_error(self, path: &Path) -> ExportError {
        match self {
            Stop::Store(e) => ExportError::Store(e),
            Stop::Other(source) => ExportError::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        Stop::Other(e)
    }
}

/// The integrity hash, from the canonical JSON streamed into SHA-256.
fn streamed_sha256(plan: &Plan<'_>) -> Result<String, ExportError> {
    debug_assert!(
        plan.evidence.integrity.is_none(),
        "hashed with integrity null"
    );
    let streamed = Streamed::new(plan);
    crate::text::canonical::canonical_sha256(&streamed).map_err(|e| {
        // Hashing writes to memory: only the store can fail.
        let store = streamed.take_error();
        ExportError::Store(
            store.unwrap_or_else(|| panic!("the evidence model always serialises: {e}")),
        )
    })
}

/// Writes `plan` in `format`, reading its messages from the store as it goes.
fn render_plan(
    plan: &Plan<'_>,
    format: ExportFormat,
    lang: Lang,
    inline: Option<usize>,
    w: &mut dyn Write,
) -> Result<(), RenderError> {
    match format {
        // Each offender's part is written as it is made, its messages read
        // back from the store: the page is never whole in memory.
        ExportFormat::Html => html::write(w, &plan.evidence, lang, inline, |i| {
            plan.offender(i).map_err(Stop::Store)
        })?,
        ExportFormat::Complaint => complaint::write(w, &plan.evidence, lang, inline, |i| {
            plan.offender(i).map_err(Stop::Store)
        })?,
        ExportFormat::Csv => csv::write_plan(w, plan)?,
        ExportFormat::Json => {
            let streamed = Streamed::new(plan);
            if let Err(e) = crate::text::write_json_pretty(&mut *w, &streamed) {
                return Err(match streamed.take_error() {
                    Some(store) => Stop::Store(store),
                    None => Stop::Other(e.into()),
                });
            }
            w.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// The bytes of `evidence` in `format`; the HTML and complaint text show
/// the first and last [`INLINE_MESSAGES`] of each list.
pub fn render(evidence: &Evidence, format: ExportFormat, lang: Lang) -> Vec<u8> {
    let inline = Some(INLINE_MESSAGES);
    match format {
        ExportFormat::Html => html::render(evidence, lang, inline).into_bytes(),
        ExportFormat::Csv => csv::render(evidence),
        ExportFormat::Json => json::render(evidence).into_bytes(),
        ExportFormat::Complaint => complaint::render(evidence, lang, inline).into_bytes(),
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
    let findings = FindingsSource::Held(report);
    export_from(store, findings, selection, format, out, options)
}

/// [`export`] from `findings`: with [`FindingsSource::Cached`], each
/// offender's lists are read from the findings cache when its part is
/// hashed or written, so the export does not hold every offender's.
pub fn export_from(
    store: &Store,
    findings: FindingsSource<'_>,
    selection: &Selection,
    format: ExportFormat,
    out: &Path,
    options: &ExportOptions,
) -> Result<Written, ExportError> {
    let to_stdout = out == Path::new("-");
    if to_stdout && format == ExportFormat::Html {
        return Err(ExportError::HtmlToStdout);
    }
    // The HTML and complaint text show windows; the CSV and JSON stream.
    let inline = match format {
        _ if options.all_messages => None,
        ExportFormat::Html | ExportFormat::Complaint => Some(INLINE_MESSAGES),
        ExportFormat::Csv | ExportFormat::Json => Some(0),
    };
    let mut plan = build_plan(store, findings, selection, options, inline, false)?;
    let sha256 = streamed_sha256(&plan)?;
    plan.evidence.integrity = Some(integrity(sha256, options));
    let render_to = |w: &mut dyn Write| render_plan(&plan, format, options.lang, inline, w);
    let path = if to_stdout {
        let io_err = |source| ExportError::Io {
            path: out.to_path_buf(),
            source,
        };
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        render_to(&mut stdout).map_err(|e| e.into_export_error(out))?;
        stdout.flush().map_err(io_err)?;
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
        write_atomically_with(&path, options.force, |w| render_to(w))?;
        path
    };
    let evidence = &plan.evidence;
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
    write_atomically_with(path, force, |w| Ok(w.write_all(bytes)?))
}

/// The prefix of the temporary file an export writes beside its output.
const TEMP_PREFIX: &str = ".optout-export-";

/// [`write_atomically`] with the bytes written by `fill` as it goes.
///
/// The temporary file is `.optout-export-PID-XXXXXX` in the output's
/// directory. It is removed when the write fails or panics (`tempfile`
/// deletes it on drop). A signal or a crash can still leave one, so each
/// export first removes the stale ones: those of a process that is gone.
pub(super) fn write_atomically_with<F>(path: &Path, force: bool, fill: F) -> Result<(), ExportError>
where
    F: FnOnce(&mut dyn Write) -> Result<(), RenderError>,
{
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
    remove_stale_temp_files(dir);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .tempfile_in(dir)
        .map_err(io_err)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp);
    fill(&mut w).map_err(|e| e.into_export_error(path))?;
    let tmp = w.into_inner().map_err(|e| io_err(e.into_error()))?;
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

/// Removes this process's own `.optout-export-PID-…` files in `dir`: an
/// export given up before it finished (the interface quit while its
/// export thread was still writing; the thread's file is unlinked and its
/// space freed when the process ends).
pub fn abandon_own_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mine = format!("{TEMP_PREFIX}{}-", std::process::id());
    for entry in entries.flatten() {
        let own = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(&mine));
        if own && entry.metadata().is_ok_and(|m| m.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes the `.optout-export-PID-…` files in `dir` left by an export that
/// was killed: the process that wrote one is gone (on systems with
/// `/proc`), or, where that cannot be told, it was last written over a day
/// ago. Files of running exports and anything else are left alone; errors
/// are ignored (the export itself does not depend on this).
pub(super) fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let proc_available = Path::new("/proc/self").exists();
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let pid: Option<u32> = rest.split_once('-').and_then(|(p, _)| p.parse().ok());
        let stale = match pid {
            Some(pid) if pid == me => false,
            Some(pid) if proc_available => !Path::new(&format!("/proc/{pid}")).exists(),
            // Older exports named no process, and without /proc its state is unknown.
            _ => meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(24 * 3600)),
        };
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
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
