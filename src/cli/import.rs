//! `optout import`: reads export files into the database, with a progress bar and a summary.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{CliError, Settings, classifier, ensure_classified};
use crate::classify::{Classifier, Region};
use crate::import::{self, Format, ImportOptions, Position};
use crate::ingest::{self, ImportFailure, ImportReport};
use crate::model::DEFAULT_LINE;
use crate::store::Store;
use crate::text;
use crate::text::group_digits;

pub(super) fn run(
    settings: &Settings,
    files: &[PathBuf],
    format: Option<Format>,
    map: Option<&str>,
    line: Option<&str>,
) -> Result<ExitCode, CliError> {
    let line = line.map(str::trim);
    if line.is_some_and(str::is_empty) {
        return Err(CliError("--line: a line needs a name".into()));
    }
    let classifier = classifier(&settings.region);
    let options = ImportOptions {
        format,
        csv_map: map.map(str::to_owned),
        zone: settings.zone.clone(),
    };
    let mut store = Store::open(&settings.db)?;
    ensure_classified(&mut store, &classifier)?;
    let mut failed = false;
    for file in files {
        if let Err(err) = import_into(
            &mut store,
            line,
            file,
            &options,
            &classifier,
            &settings.region,
        ) {
            let _ = writeln!(
                std::io::stderr(),
                "optout: error: {}",
                text::sanitize(&err.to_string())
            );
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Imports one file on the default line with a progress bar on a terminal
/// and prints the summary.
pub fn import_one(
    store: &mut Store,
    file: &Path,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
) -> Result<ImportReport, CliError> {
    import_to_line(store, DEFAULT_LINE, file, options, classifier, region)
}

/// Imports one file on `line` with a progress bar on a terminal and prints
/// the summary.
pub fn import_to_line(
    store: &mut Store,
    line: &str,
    file: &Path,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
) -> Result<ImportReport, CliError> {
    import_into(store, Some(line), file, options, classifier, region)
}

/// Imports one file on `line`: by default `me`, or for an evidence bundle
/// the line of its reporter.
fn import_into(
    store: &mut Store,
    line: Option<&str>,
    file: &Path,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
) -> Result<ImportReport, CliError> {
    let format = match options.format {
        Some(f) => f,
        None => import::detect_with(file, options)?,
    };
    let size = std::fs::metadata(file).map_or(0, |m| m.len());
    let bar = progress_bar(size, file);
    let result = if format == Format::EvidenceBundle {
        ingest::import_bundle(store, line, file, classifier, region)
    } else {
        let line = line.unwrap_or(DEFAULT_LINE);
        ingest::import_file_to_line(store, line, file, format, options, classifier, region, &bar)
    };
    bar.0.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(ImportFailure::File(e)) => return Err(CliError(format!("{e}"))),
        Err(ImportFailure::Store(e)) => {
            return Err(CliError(format!(
                "{}: {e}; nothing was imported",
                file.display()
            )));
        }
    };
    for (pos, reason) in &report.rejected_samples {
        let pos = match pos {
            Some(Position::Byte(b)) => format!(": {}", import::line_column(file, *b)),
            Some(p) => format!(": {p}"),
            None => String::new(),
        };
        eprintln!(
            "optout: warning: {}{pos}: skipped {}",
            text::sanitize(&file.display().to_string()),
            text::sanitize(reason)
        );
    }
    let hidden = report.rejected - report.rejected_samples.len() as u64;
    if hidden > 0 {
        eprintln!("optout: warning: … and {hidden} more records skipped");
    }
    eprintln!("{}", text::sanitize(&summary_line(&report, file, format)));
    Ok(report)
}

/// `imported 12,345 new messages (0 already stored, 3 skipped drafts) from FILE in 1.2 s`
pub fn summary_line(report: &ImportReport, file: &Path, format: Format) -> String {
    let mut extras = vec![format!(
        "{} already stored",
        group_digits(report.duplicates)
    )];
    if report.skipped_undelivered > 0 {
        extras.push(format!(
            "{} skipped drafts",
            group_digits(report.skipped_undelivered)
        ));
    }
    if report.rejected > 0 {
        extras.push(format!(
            "{} unreadable records skipped",
            group_digits(report.rejected)
        ));
    }
    if let Some((declared, found)) = report.declared
        && found < declared
    {
        extras.push(format!(
            "the export says it holds {} messages but the file has {}: it may be incomplete",
            group_digits(declared),
            group_digits(found)
        ));
    }
    if report.manual_new > 0 {
        extras.push(format!(
            "{} manual opt-out record{}",
            group_digits(report.manual_new),
            if report.manual_new == 1 { "" } else { "s" }
        ));
    }
    let onto = if format == Format::EvidenceBundle {
        format!(" onto the line '{}'", report.line)
    } else {
        String::new()
    };
    format!(
        "imported {} new message{} ({}) from {} ({}){onto} in {:.1} s",
        group_digits(report.new),
        if report.new == 1 { "" } else { "s" },
        extras.join(", "),
        file.display(),
        format.description(),
        report.seconds
    )
}

struct Bar(indicatif::ProgressBar);

impl import::Progress for Bar {
    fn set_position(&self, bytes: u64) {
        self.0.set_position(bytes);
    }
}

fn progress_bar(size: u64, file: &Path) -> Bar {
    if !std::io::stderr().is_terminal() {
        return Bar(indicatif::ProgressBar::hidden());
    }
    // At most 10 redraws a second: the bar must never slow the import.
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(size),
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    bar.set_message(format!("importing {}", crate::text::sanitize(&name)));
    Bar(bar)
}
