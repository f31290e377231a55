//! `optout import`: reads export files into the database, with a progress bar and a summary.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use super::{CliError, Settings, classifier, ensure_classified};
use crate::classify::{Classifier, Region};
use crate::import::android_xml::sims::SimCounts;
use crate::import::{self, Format, ImportOptions, Position, Sim, SimPart};
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
    line_per_sim: bool,
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
        sim: None,
        sim_counts: None,
    };
    let mut store = Store::open(&settings.db)?;
    ensure_classified(&mut store, &classifier)?;
    let mut failed = false;
    for file in files {
        let result = if line_per_sim {
            import_per_sim(
                &mut store,
                line.unwrap_or(DEFAULT_LINE),
                file,
                &options,
                &classifier,
                &settings.region,
                None,
            )
        } else {
            import_into(
                &mut store,
                line,
                file,
                &options,
                &classifier,
                &settings.region,
            )
            .map(|_| ())
        };
        if let Err(err) = result {
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
    // Where the export records whose phone it is, offer that line; never
    // chosen without the user saying so, and asked again for each file.
    let offered = if line.is_none() && options.sim.is_none() {
        offer_line(file, format)
    } else {
        Offer::Nothing
    };
    let counted = matches!(offered, Offer::CountSims).then(|| Arc::new(Mutex::default()));
    let counting;
    let options = if counted.is_some() {
        counting = ImportOptions {
            sim_counts: counted.clone(),
            ..options.clone()
        };
        &counting
    } else {
        options
    };
    let offered = match offered {
        Offer::PerSim(counts) => {
            import_per_sim(
                store,
                DEFAULT_LINE,
                file,
                options,
                classifier,
                region,
                Some(counts),
            )?;
            return Ok(ImportReport::default());
        }
        Offer::Line(l) => Some(l),
        Offer::Nothing | Offer::CountSims => None,
    };
    let line = line.or(offered.as_deref());
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
        // The command line never asks to stop (Ctrl-C ends the process).
        Err(e @ ImportFailure::Cancelled) => {
            return Err(CliError(format!("{}: {e}", file.display())));
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
    if let Some(counts) = counted.as_ref().and_then(|c| c.lock().ok())
        && counts.sims.len() > 1
    {
        eprintln!("optout: note: {}", several_sims(file, &counts.sims, "went"));
    }
    Ok(report)
}

/// `--line-per-sim`: an Android database's or SMS Backup & Restore
/// export's messages, each SIM's on a line of its own (`BASE-sim<sub_id>`,
/// and `BASE-nosim` for messages that record no SIM), one import per SIM
/// (for the XML, one read of the file per SIM). The file may then be on
/// each of those lines and on no other. `counts` are the file's SIMs when
/// the caller has already counted them.
fn import_per_sim(
    store: &mut Store,
    base: &str,
    file: &Path,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
    counts: Option<SimCounts>,
) -> Result<(), CliError> {
    let format = match options.format {
        Some(f) => f,
        None => import::detect_with(file, options)?,
    };
    let counts = match counts {
        Some(c) => c,
        None => sim_counts(file, format).unwrap_or_else(|| {
            Err(import::ImportError::new(
                file,
                format!(
                    "--line-per-sim: this is {}; only an Android mmssms.db or an SMS Backup & Restore XML records the SIM of each message",
                    format.description()
                ),
            ))
        })?,
    };
    let SimCounts { sims, unrecorded } = counts;
    let mut parts: Vec<(Sim, String)> = sims
        .iter()
        .map(|&(id, _)| (Sim::Id(id), sim_line(base, Sim::Id(id))))
        .collect();
    if unrecorded > 0 || parts.is_empty() {
        parts.push((Sim::Unrecorded, sim_line(base, Sim::Unrecorded)));
    }
    let lines: Vec<String> = parts.iter().map(|(_, l)| l.clone()).collect();
    let mut failed = None;
    for (sim, line) in parts {
        let what = match sim {
            Sim::Id(id) => format!("the messages of SIM sub_id {id}"),
            Sim::Unrecorded => "the messages that record no SIM".to_string(),
        };
        eprintln!("optout: {what} go on the line '{}'", text::sanitize(&line));
        let part = ImportOptions {
            format: Some(format),
            sim: Some(SimPart {
                sim,
                lines: lines.clone(),
            }),
            ..options.clone()
        };
        if let Err(e) = import_into(store, Some(&line), file, &part, classifier, region) {
            // A refusal (the file on another line) comes at the first part,
            // before anything is written; later parts still go in.
            if failed.is_none() && lines.first() == Some(&line) {
                return Err(e);
            }
            eprintln!("optout: error: {}", text::sanitize(&e.to_string()));
            failed = Some(e);
        }
    }
    failed.map_or(Ok(()), Err)
}

/// The line a SIM's messages go on with `--line-per-sim`.
fn sim_line(base: &str, sim: Sim) -> String {
    match sim {
        Sim::Id(id) => format!("{base}-sim{id}"),
        Sim::Unrecorded => format!("{base}-nosim"),
    }
}

/// What the export says of its owner's phone, for a file imported without
/// `--line`: an iPhone's or Mac's own number is offered as the line (on a
/// terminal, imported there if the user says yes; otherwise a note and the
/// line `me`); several numbers, or an Android database or SMS Backup &
/// Restore export with messages of several SIMs, get a note that one line
/// will hold them all (on a terminal, the SIMs are offered a line each).
fn offer_line(file: &Path, format: Format) -> Offer {
    let asked = |question: &str| {
        eprint!("{question} [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        matches!(answer.trim(), "y" | "Y" | "yes")
    };
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    match format {
        Format::IosDb => {
            let numbers = import::ios_db::own_numbers(file);
            match numbers.as_slice() {
                [] => Offer::Nothing,
                [one] => {
                    let one = text::sanitize(one);
                    let question =
                        format!("this export belongs to {one}; import with --line {one} ?");
                    if terminal {
                        if asked(&question) {
                            return Offer::Line(one);
                        }
                    } else {
                        eprintln!(
                            "optout: note: {question} (this time it goes on the line '{DEFAULT_LINE}')"
                        );
                    }
                    Offer::Nothing
                }
                many => {
                    let list: Vec<String> = many.iter().map(|n| text::sanitize(n)).collect();
                    eprintln!(
                        "optout: note: this export records {} own numbers ({}); it goes on one line, '{DEFAULT_LINE}' (--line NAME names it)",
                        many.len(),
                        list.join(", ")
                    );
                    Offer::Nothing
                }
            }
        }
        // Off a terminal nothing is asked: an XML's SIMs are counted while it
        // imports, and said after (see `import::android_xml::sims`).
        Format::AndroidXml if !terminal => Offer::CountSims,
        Format::AndroidDb | Format::AndroidXml => {
            // The pre-pass reads a whole XML: say why a big one keeps the
            // question waiting (about 5 s per GB).
            if format == Format::AndroidXml
                && std::fs::metadata(file).is_ok_and(|m| m.len() > 256 * 1024 * 1024)
            {
                eprintln!("optout: reading which SIMs the messages came through…");
            }
            // An XML the count cannot read is refused by the import itself.
            let Some(Ok(counts)) = sim_counts(file, format) else {
                return Offer::Nothing;
            };
            if counts.sims.len() > 1 {
                if terminal {
                    let lines = sim_lines(DEFAULT_LINE, &counts.sims);
                    if asked(&format!(
                        "{}; put each SIM on its own line ({})?",
                        holds_sims(&counts.sims),
                        lines.join(", ")
                    )) {
                        return Offer::PerSim(counts);
                    }
                } else {
                    eprintln!("optout: note: {}", several_sims(file, &counts.sims, "go"));
                }
            }
            Offer::Nothing
        }
        _ => Offer::Nothing,
    }
}

/// What `offer_line` found to offer, and the user took.
enum Offer {
    Nothing,
    /// Import onto this line (the owner's own number).
    Line(String),
    /// Import each SIM's messages onto a line of its own.
    PerSim(SimCounts),
    /// Import onto one line, counting the messages of each SIM, and say
    /// after it when there were several.
    CountSims,
}

/// `this export holds messages of 2 SIMs (sub_id 1, 2)`
fn holds_sims(sims: &[(i64, u64)]) -> String {
    let list: Vec<String> = sims.iter().map(|(id, _)| id.to_string()).collect();
    format!(
        "this export holds messages of {} SIMs (sub_id {})",
        sims.len(),
        list.join(", ")
    )
}

/// The lines `--line-per-sim` would give these SIMs.
fn sim_lines(base: &str, sims: &[(i64, u64)]) -> Vec<String> {
    sims.iter()
        .map(|&(id, _)| sim_line(base, Sim::Id(id)))
        .collect()
}

/// The note for a file of several SIMs imported on one line: they `go`
/// (before the import) or `went` (after it) on one line, and the command
/// that splits the file.
fn several_sims(file: &Path, sims: &[(i64, u64)], verb: &str) -> String {
    format!(
        "{}; they {verb} on one line, '{DEFAULT_LINE}', so an opt-out sent from one SIM counts for the other's messages too. To give each SIM its own line ({}), import the file with: optout import --line-per-sim {} (in a database that does not hold it yet: a file imported whole is not split later)",
        holds_sims(sims),
        sim_lines(DEFAULT_LINE, sims).join(", "),
        text::sanitize(&file.display().to_string())
    )
}

/// The SIMs the messages of `file` came through, for the formats that
/// record them (`None` for the others): for an XML, a pre-pass over the
/// whole file (see `import::android_xml::sims` for why it is worth it).
fn sim_counts(file: &Path, format: Format) -> Option<Result<SimCounts, import::ImportError>> {
    match format {
        Format::AndroidDb => {
            let (sims, unrecorded) = import::android_db::sim_counts(file);
            Some(Ok(SimCounts { sims, unrecorded }))
        }
        Format::AndroidXml => Some(import::android_xml::sims::sim_counts(file)),
        _ => None,
    }
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

/// The import's progress on the terminal: bytes read, then the messages
/// written to the database and indexed for search (the merge: on a large
/// file, a good part of the time).
struct Bar(
    indicatif::ProgressBar,
    std::cell::Cell<Option<import::MergePhase>>,
);

impl import::Progress for Bar {
    fn set_position(&self, bytes: u64) {
        self.0.set_position(bytes);
    }

    fn merging(&self, phase: import::MergePhase, done: u64, total: u64) {
        if phase == import::MergePhase::Sorting {
            // One statement with no count to show: a spinner that turns on
            // its own until the phase ends.
            if self.1.get() != Some(phase) {
                self.1.set(Some(phase));
                self.0.set_style(
                    indicatif::ProgressStyle::with_template("{msg} {spinner} ({elapsed})")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                );
                self.0.set_message("indexing by sender");
                self.0.reset();
                self.0
                    .enable_steady_tick(std::time::Duration::from_millis(100));
            }
            return;
        }
        if self.1.get() != Some(phase) {
            self.1.set(Some(phase));
            self.0.disable_steady_tick();
            self.0.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {human_pos}/{human_len} messages ({eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            self.0.set_message(match phase {
                import::MergePhase::Indexing => "indexing for search",
                import::MergePhase::Writing | import::MergePhase::Sorting => {
                    "writing to the database"
                }
            });
            self.0.reset();
            self.0.set_length(total);
        }
        self.0.set_position(done);
    }
}

fn progress_bar(size: u64, file: &Path) -> Bar {
    if !std::io::stderr().is_terminal() {
        return Bar(indicatif::ProgressBar::hidden(), std::cell::Cell::new(None));
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
    Bar(bar, std::cell::Cell::new(None))
}
