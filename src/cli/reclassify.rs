//! `optout reclassify`: recomputes every stored message's classification with
//! the current rules, then rebuilds the findings cache from scratch.

use std::process::ExitCode;

use super::working::Working;
use super::{CliError, Settings, classifier};
use crate::store::Store;
use crate::text::group_digits;
use crate::{findings, ingest};

pub(super) fn run(settings: &Settings) -> Result<ExitCode, CliError> {
    let classifier = classifier(&settings.region);
    let Some(mut store) = Store::open_existing(&settings.db)? else {
        return Err(CliError(format!(
            "no database at {} yet",
            settings.db.display()
        )));
    };
    let relabelling = format!(
        "relabelling {} messages with the current rules…",
        group_digits(store.message_count()?)
    );
    let changed = Working::during(&relabelling, || ingest::reclassify(&mut store, &classifier))?;
    Working::during("rebuilding the findings…", || {
        findings::rebuild(&store, &settings.policy)
    })?;
    eprintln!(
        "reclassified {} messages ({changed} changed kind) with rules {}",
        group_digits(store.message_count()?),
        classifier.version()
    );
    Ok(ExitCode::SUCCESS)
}
