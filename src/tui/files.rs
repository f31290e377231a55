//! The disk side of the interface's effects: writing the evidence export,
//! completing a typed path, `~` for the home folder; and the clipboard
//! (OSC 52). Sends through the phone run on their own thread
//! (`tui/sending.rs`).

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;

use super::strings::Lang;
use ratatui::Terminal;
use ratatui::backend::Backend;

use super::{Session, TuiError, term_err, terminal};
use crate::model::now_ms;
use crate::store::Store;
use crate::track::{Policy, Report};

impl Session {
    /// [`perform_export`] on a thread with its own connection (a large
    /// export takes seconds: about 22 s for every violating sender at
    /// 10,000,000 messages), while this one watches for `q` or Ctrl-C.
    /// On a quit the unfinished file is removed and nothing is written
    /// (`Ok(None)`); a database in memory is exported on this thread.
    pub(super) fn export_off_thread<B: Backend>(
        &mut self,
        line: Option<i64>,
        sender_keys: Vec<String>,
        file: &Path,
        choice: ExportChoice,
        terminal: &mut Terminal<B>,
    ) -> Result<Option<Result<PathBuf, String>>, TuiError> {
        let (zone, policy) = (self.options.zone.clone(), self.options.policy.clone());
        let Some(db) = self
            .store
            .as_ref()
            .and_then(Store::path)
            .map(Path::to_path_buf)
        else {
            let Some(store) = self.store.as_ref() else {
                return Ok(None);
            };
            let written = perform_export(store, line, &sender_keys, file, (&zone, &policy), choice);
            return Ok(Some(written));
        };
        let target = file.to_path_buf();
        let writing = std::thread::spawn(move || {
            let store = Store::open_existing(&db)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{}: the database is gone", db.display()))?;
            perform_export(
                &store,
                line,
                &sender_keys,
                &target,
                (&zone, &policy),
                choice,
            )
        });
        let Some(written) =
            terminal::join_unless_quit(writing, || self.draw(terminal)).map_err(term_err)?
        else {
            self.app.quit = true;
            let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
            crate::export::abandon_own_temp_files(dir.unwrap_or(Path::new(".")));
            return Ok(None);
        };
        Ok(Some(written.unwrap_or_else(|_| {
            Err("the export thread panicked".to_string())
        })))
    }
}

/// What the export prompt chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportChoice {
    pub redact: bool,
    pub lang: Lang,
    /// The user said yes to replacing the file.
    pub overwrite: bool,
}

/// Writes the evidence export for `sender_keys` of `line` (every line:
/// `None`) to `path` (the format follows the extension: `.csv`, `.json`,
/// `.txt` for complaint text, HTML otherwise). Overwrites a file only when
/// `choice.overwrite`.
///
/// The findings are read again, as `optout export` reads them: the
/// interface's report leaves its lists of violations in the findings
/// cache, and the export reads each offender's from the same cached rows
/// its counts come from, inside one read transaction (`findings::Outline`),
/// or from a full computation where the cache cannot be read.
pub fn perform_export(
    store: &Store,
    line: Option<i64>,
    sender_keys: &[String],
    path: &Path,
    (zone, policy): (&TimeZone, &Policy),
    choice: ExportChoice,
) -> Result<PathBuf, String> {
    use crate::export::{self, ExportFormat, ExportOptions, FindingsSource, Selection};
    use crate::findings;
    let format = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
    {
        Some(e) if e == "csv" => ExportFormat::Csv,
        Some(e) if e == "json" => ExportFormat::Json,
        Some(e) if e == "txt" => ExportFormat::Complaint,
        _ => ExportFormat::Html,
    };
    let selection = Selection {
        senders: sender_keys.to_vec(),
        ..Selection::default()
    };
    let export_options = ExportOptions {
        lang: match choice.lang {
            Lang::En => export::Lang::En,
            Lang::Zh => export::Lang::Zh,
        },
        redact: choice.redact,
        force: choice.overwrite,
        zone: zone.clone(),
        now_ms: now_ms(),
        policy: policy.clone(),
        all_messages: false,
    };
    let outline = findings::Outline::open(store, policy, line);
    let computed: Report;
    let source = if let Some(outline) = &outline {
        FindingsSource::Cached(outline)
    } else {
        computed = findings::report_of(store, policy, line).map_err(|e| e.to_string())?;
        FindingsSource::Held(&computed)
    };
    export::export_from(store, source, &selection, format, path, &export_options)
        .map(|w| w.path)
        .map_err(|e| e.to_string())
}

/// The paths that start with `typed` (a folder's entries after a `/`),
/// sorted, folders ending in `/`; at most 200.
pub fn complete_path(typed: &str) -> Vec<String> {
    let full = expand_home(typed);
    let (dir, prefix) = if typed.is_empty() || typed.ends_with('/') {
        (full.clone(), String::new())
    } else {
        (
            full.parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            full.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
    };
    let read_dir = if dir.as_os_str().is_empty() {
        std::fs::read_dir(".")
    } else {
        std::fs::read_dir(&dir)
    };
    let Ok(entries) = read_dir else {
        return Vec::new();
    };
    // Keep what was typed before the name (`~/`, a relative folder).
    let head = typed.rfind('/').map_or("", |i| typed.split_at(i + 1).0);
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(&prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let slash = if e.path().is_dir() { "/" } else { "" };
            Some(format!("{head}{name}{slash}"))
        })
        .take(200)
        .collect();
    out.sort();
    out
}

/// `~/x` → `$HOME/x`.
pub fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map_or_else(|| PathBuf::from(path), |h| PathBuf::from(h).join(rest)),
        None => PathBuf::from(path),
    }
}

/// The column names and first row of a CSV whose header optout does not
/// recognise (`None` for anything else), for the mapping prompt.
pub fn csv_columns(path: &Path) -> Option<(Vec<String>, Vec<String>)> {
    use crate::import::csv::{HeaderGuess, first_row, guess_header};
    use std::io::Read;
    let (file, _) = crate::import::open_input(path).ok()?;
    let mut head = Vec::with_capacity(64 * 1024);
    file.take(64 * 1024).read_to_end(&mut head).ok()?;
    let HeaderGuess::Unrecognised(header) = guess_header(&head, None) else {
        return None;
    };
    Some((header, first_row(&head)))
}

/// Puts `text` on the clipboard with an OSC 52 sequence optout writes
/// itself (nothing of the text reaches the terminal raw), when standard
/// output is the terminal.
pub fn write_clipboard(text: &str) -> super::app::Action {
    super::app::Action::Outcome(clipboard(text))
}

fn clipboard(text: &str) -> super::app::Outcome {
    use super::app::Outcome;
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout();
    if !out.is_terminal() {
        return Outcome::Failed("no terminal to copy with".into());
    }
    match out
        .write_all(super::app::osc52(text).as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => Outcome::Done(format!(
            "copied {} (where the terminal allows OSC 52)",
            crate::text::sanitize(text)
        )),
        Err(e) => Outcome::Failed(format!("could not copy: {e}")),
    }
}
