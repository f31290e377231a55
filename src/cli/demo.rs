//! `optout demo`: imports the bundled sample into a temporary database and shows it.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{CliError, ListArgs, Settings, classifier, table};
use crate::findings;
use crate::import::{Format, ImportOptions};
use crate::ingest;
use crate::store::Store;
use crate::text::group_digits;

pub(super) fn run(settings: Settings, no_tui: bool) -> Result<ExitCode, CliError> {
    // The sample is a phone in Shanghai: show its times there unless told otherwise.
    let mut settings = settings;
    if !settings.zone_explicit
        && let Ok(shanghai) = jiff::tz::TimeZone::get("Asia/Shanghai")
    {
        settings.zone = shanghai.clone();
        settings.policy.zone = shanghai;
    }
    let classifier = classifier(&settings.region);
    let mut store = Store::open_in_memory()?;
    let sample = demo_sample_file()?;
    let report = ingest::import_file(
        &mut store,
        sample.path(),
        Format::AndroidXml,
        &ImportOptions::default(),
        &classifier,
        &settings.region,
        &(),
    )
    .map_err(|e| CliError(format!("the bundled sample: {e}")))?;
    eprintln!(
        "demo: imported {} messages from the bundled sample (assets/demo-sms.xml) into a temporary database",
        group_digits(report.new)
    );
    if !no_tui && std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        crate::tui::open_store(store, &settings)?;
        return Ok(ExitCode::SUCCESS);
    }
    let report = findings::compute(&store, &settings.policy)?;
    // A fresh database: nothing was sent, so no sender has a note.
    table::print_senders(
        &store,
        &table::SenderRows::Report(&report),
        &ListArgs {
            json: false,
            status: Vec::new(),
            brand: None,
            kind: None,
            all: false,
            sort: "last-seen".into(),
            line: None,
        },
        &settings.zone,
        settings.colour,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The bundled sample export, written to a private temporary file so the
/// normal importer reads it.
fn demo_sample_file() -> Result<DemoFile, CliError> {
    let dir = std::env::temp_dir().join(format!("optout-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("optout-demo-sms.xml");
    std::fs::write(&path, crate::DEMO_EXPORT)?;
    Ok(DemoFile { dir, path })
}

struct DemoFile {
    dir: PathBuf,
    path: PathBuf,
}

impl DemoFile {
    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DemoFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
