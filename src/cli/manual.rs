//! `optout manual`: lists the manual opt-out records, or removes one.

use std::process::ExitCode;

use unicode_width::UnicodeWidthStr;

use super::table::pad;
use super::{CliError, Settings, classifier, open_existing};
use crate::text;

pub(super) fn run(settings: &Settings, remove: Option<i64>) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    if let Some(id) = remove {
        if !store.remove_manual_optout(id)? {
            return Err(CliError(format!(
                "no manual opt-out #{id}: see `optout manual`"
            )));
        }
        println!("removed manual opt-out #{id}");
        return Ok(ExitCode::SUCCESS);
    }
    let records = store.manual_optouts()?;
    if records.is_empty() {
        println!("no manual opt-outs recorded (add one with `optout record-optout SENDER`)");
    }
    // Widths are terminal columns (a CJK brand takes two per character), and
    // the name column is as wide as the widest name, so no name is cut.
    let names: Vec<String> = records.iter().map(|m| text::sanitize(&m.name)).collect();
    let name_w = names.iter().map(|n| n.width()).max().unwrap_or(0);
    let id_w = records
        .iter()
        .map(|m| m.id.to_string().len())
        .max()
        .unwrap_or(0)
        + 1;
    let lines = store.lines()?;
    let line_of = |id: i64| {
        lines
            .iter()
            .find(|l| l.id == id)
            .map_or_else(|| format!("#{id}"), |l| text::sanitize(&l.name))
    };
    let line_w = (lines.len() > 1).then(|| {
        records
            .iter()
            .map(|m| line_of(m.line_id).width())
            .max()
            .unwrap_or(0)
    });
    for (m, name) in records.iter().zip(&names) {
        let line = line_w.map_or_else(String::new, |w| {
            format!("{}  ", pad(&line_of(m.line_id), w))
        });
        println!(
            "{}  {line}{}  {}  {}  {}{}",
            pad(&format!("#{}", m.id), id_w),
            pad(if m.scope_brand { "brand" } else { "sender" }, 6),
            pad(name, name_w),
            text::rfc3339(m.at_ms, m.utc_offset_s, &settings.zone),
            text::sanitize(&m.channel),
            m.note
                .as_ref()
                .map(|n| format!("  ({})", text::sanitize(n)))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
