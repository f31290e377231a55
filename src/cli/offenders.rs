//! `optout offenders`: the repeat-offender ranking across lines, for
//! advocates who collect many people's exports.

use std::io::Write;
use std::process::ExitCode;

use super::columns::{self, Column, Give};
use super::{CliError, Settings, classifier, open_existing};
use crate::findings;
use crate::text::{self, group_digits};

pub(super) fn run(
    settings: &Settings,
    json: bool,
    min_lines: u64,
    since: Option<&str>,
) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    let since_ms = since
        .map(|d| {
            text::parse_user_time(d, &settings.zone)
                .map(|(ms, _)| ms)
                .map_err(|e| CliError(format!("--since: {e}")))
        })
        .transpose()?;
    let ranking = super::working::Working::updating(&store, &settings.policy, || {
        findings::offenders(&store, &settings.policy, since_ms, min_lines, false)
    })?;
    let mut out = std::io::stdout().lock();
    if json {
        let rows: Vec<_> = ranking.iter().map(|o| o.to_json(&settings.zone)).collect();
        text::write_json_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if ranking.is_empty() {
        writeln!(
            out,
            "no offender has violations{}",
            if min_lines > 1 {
                format!(" on {min_lines} or more lines")
            } else {
                String::new()
            }
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let date = |m: Option<crate::model::Moment>| {
        m.map_or_else(
            || "-".into(),
            |m| text::short(m.ts_ms, m.utc_offset_s, &settings.zone),
        )
    };
    let mut rank = Column::new("#", Give::Never).right();
    let mut name = Column::new("OFFENDER", Give::Shrink(6));
    let mut lines = Column::new("LINES V/O/A", Give::Never);
    let mut violations = Column::new("VIOLATIONS", Give::Never).right();
    let mut first = Column::new("FIRST", Give::Drop(1));
    let mut last = Column::new("LAST", Give::Drop(2));
    let mut median = Column::new("DAYS PAST GRACE", Give::Drop(3)).right();
    let mut keyword = Column::new("KEYWORD", Give::Drop(4));
    let mut numbers = Column::new("NUMBERS", Give::Drop(0));
    for (i, o) in ranking.iter().enumerate() {
        rank.cells.push((i + 1).to_string());
        name.cells.push(text::sanitize(&o.name));
        lines.cells.push(format!(
            "{}/{}/{}",
            o.lines_violating, o.lines_opted_out, o.lines_affected
        ));
        violations.cells.push(group_digits(o.violations));
        first.cells.push(date(o.first_violation));
        last.cells.push(date(o.last_violation));
        median.cells.push(
            o.median_days_past_grace
                .map_or_else(|| "-".into(), |d| format!("{d:.1}")),
        );
        keyword
            .cells
            .push(text::sanitize(o.optout_keyword.as_deref().unwrap_or("-")));
        numbers.cells.push(text::sanitize(&o.numbers.join(", ")));
    }
    let table = [
        rank, name, lines, violations, first, last, median, keyword, numbers,
    ];
    for l in columns::render(&table, columns::available_width()) {
        writeln!(out, "{l}")?;
    }
    writeln!(
        out,
        "LINES V/O/A: lines with violations / lines that opted out / lines that received its marketing"
    )?;
    Ok(ExitCode::SUCCESS)
}
