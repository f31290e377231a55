//! `optout export --offenders`: the cross-line repeat-offender report an
//! advocacy group publishes, as HTML (`offenders_html.rs`), CSV (one row per
//! offender, with the columns of regulators' open complaint data) or JSON.
//!
//! The ranking is the one `optout offenders` prints
//! (`findings::offenders_with`, with each offender's violations per month
//! for the chart: counted while the cache's rows stream, so memory grows
//! with offenders and months, not with violations).
//! Lines appear by their pseudonymous reporter id (the one the line's own
//! evidence bundles carry, recorded at its first export) unless the caller
//! asks for their names: a published report must not name the people who
//! gave their messages.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;

use super::csv::{BOM, write_row};
use super::offenders_html;
use super::plan::fresh_reporter_id;
use super::write::{RenderError, write_atomically_with};
use super::{ExportError, ExportFormat, Lang};
use crate::store::Store;
use crate::track::{Offender, OffenderJson, month_of};

/// The `report` field of the JSON: what this document is.
pub const REPORT_KIND: &str = "optout-offenders";
/// The version of the document's shape; bumped when a field changes.
pub const REPORT_VERSION: u32 = 1;

/// How to export the ranking.
#[derive(Debug, Clone)]
pub struct OffendersOptions {
    /// Html, Csv or Json (the complaint text has no offenders form).
    pub format: ExportFormat,
    pub lang: Lang,
    /// Name the lines (`--name-lines`) instead of their pseudonymous ids.
    pub name_lines: bool,
    /// Count only violations at or after this time.
    pub since_ms: Option<i64>,
    /// Hide offenders with violations on fewer lines than this.
    pub min_lines: u64,
    pub zone: TimeZone,
    pub now_ms: i64,
    pub force: bool,
}

/// The whole report: a stable interface, like `offenders --json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OffendersReport {
    pub report: &'static str,
    pub report_version: u32,
    pub optout_version: String,
    pub generated_at: String,
    /// Count only violations on or after this time.
    pub since: Option<String>,
    pub min_lines: u64,
    /// `true`: `lines` hold line names; `false`: pseudonymous reporter ids.
    pub lines_named: bool,
    /// Lines in the database (every line the ranking looked at).
    pub lines_total: u64,
    pub offenders: Vec<OffenderRow>,
}

/// One offender of the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OffenderRow {
    pub rank: u64,
    #[serde(flatten)]
    pub ranking: OffenderJson,
    /// What complaint data calls the type of call or message: always "text".
    pub message_type: &'static str,
    pub lines: LineIds,
    /// Violations per calendar month (`2026-03`), oldest first.
    pub violations_per_month: Vec<MonthCount>,
}

/// The lines behind an offender's counts, as ids or names.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LineIds {
    pub violating: Vec<String>,
    pub opted_out: Vec<String>,
    pub affected: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MonthCount {
    pub month: String,
    pub violations: u64,
}

/// What an offenders export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffendersWritten {
    pub path: PathBuf,
    pub offenders: u64,
}

/// Builds the report from the findings (a ranking with its violations per
/// month in `options.zone`, or with their times). Without `name_lines`, each line
/// appears as its reporter id, recorded now for a line that has none yet
/// (the same id its evidence exports carry).
pub fn build_offenders(
    store: &Store,
    ranking: &[Offender],
    options: &OffendersOptions,
) -> Result<OffendersReport, ExportError> {
    let lines = store.lines()?;
    let used: BTreeSet<i64> = ranking
        .iter()
        .flat_map(|o| o.line_ids.affected.iter().chain(&o.line_ids.opted_out))
        .copied()
        .collect();
    let mut label: BTreeMap<i64, String> = BTreeMap::new();
    for l in &lines {
        if !used.contains(&l.id) {
            continue;
        }
        let name = if options.name_lines {
            l.name.clone()
        } else {
            store.reporter_id_of(l.id, fresh_reporter_id)?
        };
        label.insert(l.id, name);
    }
    let names = |ids: &[i64]| -> Vec<String> {
        let mut v: Vec<String> = ids
            .iter()
            .map(|id| label.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect();
        // Sorted by what is shown, so the order says nothing of the line ids.
        v.sort();
        v
    };
    let zone = &options.zone;
    let offenders = ranking
        .iter()
        .enumerate()
        .map(|(i, o)| OffenderRow {
            rank: i as u64 + 1,
            ranking: o.to_json(zone),
            message_type: "text",
            lines: LineIds {
                violating: names(&o.line_ids.violating),
                opted_out: names(&o.line_ids.opted_out),
                affected: names(&o.line_ids.affected),
            },
            violations_per_month: per_month(o, zone),
        })
        .collect();
    Ok(OffendersReport {
        report: REPORT_KIND,
        report_version: REPORT_VERSION,
        optout_version: env!("CARGO_PKG_VERSION").to_string(),
        generated_at: crate::text::rfc3339(options.now_ms, None, zone),
        since: options
            .since_ms
            .map(|ms| crate::text::rfc3339(ms, None, zone)),
        min_lines: options.min_lines,
        lines_named: options.name_lines,
        lines_total: lines.len() as u64,
        offenders,
    })
}

/// Violations per month, in the offset each message was received in: as
/// the ranking counted them (`Detail::Months`, in the export's zone), or
/// from its violation times (`Detail::Times`).
fn per_month(o: &Offender, zone: &TimeZone) -> Vec<MonthCount> {
    let mut months: BTreeMap<String, u64> = o.violations_per_month.iter().cloned().collect();
    for m in &o.violation_times {
        *months.entry(month_of(m, zone)).or_default() += 1;
    }
    months
        .into_iter()
        .map(|(month, violations)| MonthCount { month, violations })
        .collect()
}

/// The CSV header: named after the fields of the FCC's and FTC's open
/// complaint data (caller id number, advertiser, dates, type of message).
pub const CSV_HEADER: [&str; 14] = [
    "rank",
    "caller_id_number",
    "advertiser",
    "scope",
    "first_violation_date",
    "last_violation_date",
    "violations",
    "type_of_message",
    "lines_violating",
    "lines_affected",
    "lines_opted_out",
    "optout_keyword",
    "median_days_past_grace",
    "lines",
];

/// The date part of an RFC 3339 time.
fn date(t: Option<&String>) -> &str {
    t.map_or("", |t| t.get(..10).unwrap_or(t))
}

/// One row per offender, UTF-8 with a BOM; every cell through the CSV
/// writer's formula neutralisation.
pub fn write_csv(w: &mut dyn Write, doc: &OffendersReport) -> std::io::Result<()> {
    w.write_all(BOM.as_bytes())?;
    write_row(w, CSV_HEADER)?;
    for o in &doc.offenders {
        let r = &o.ranking;
        let cells = [
            o.rank.to_string(),
            r.numbers.join("; "),
            if r.scope == "brand" {
                r.offender.clone()
            } else {
                String::new()
            },
            r.scope.to_string(),
            date(r.first_violation.as_ref()).to_string(),
            date(r.last_violation.as_ref()).to_string(),
            r.violations.to_string(),
            o.message_type.to_string(),
            r.lines_violating.to_string(),
            r.lines_affected.to_string(),
            r.lines_opted_out.to_string(),
            r.optout_keyword.clone().unwrap_or_default(),
            r.median_days_past_grace
                .map(|d| format!("{d:.1}"))
                .unwrap_or_default(),
            o.lines.violating.join("; "),
        ];
        write_row(w, cells.iter().map(String::as_str))?;
    }
    Ok(())
}

/// `optout-offenders-2026-11-29.html`.
pub fn default_offenders_file_name(format: ExportFormat, today: jiff::civil::Date) -> String {
    format!(
        "optout-offenders-{}.{}",
        today.strftime("%Y-%m-%d"),
        format.extension()
    )
}

/// The format a file name asks for by its extension (`.html`, `.htm`,
/// `.csv`, `.json`).
pub fn format_of_path(path: &Path) -> Option<ExportFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => Some(ExportFormat::Html),
        "csv" => Some(ExportFormat::Csv),
        "json" => Some(ExportFormat::Json),
        _ => None,
    }
}

fn render(
    doc: &OffendersReport,
    options: &OffendersOptions,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    match options.format {
        ExportFormat::Html => offenders_html::write(doc, options.lang, w),
        ExportFormat::Csv => write_csv(w, doc),
        ExportFormat::Json | ExportFormat::Complaint => {
            crate::text::write_json_pretty(&mut *w, doc)?;
            w.write_all(b"\n")
        }
    }
}

/// Builds and writes the report to `out` (a file, a directory, or `-` for
/// standard output, which the HTML refuses), atomically, owner-only, never
/// over an existing file without `force`.
pub fn export_offenders(
    store: &Store,
    ranking: &[Offender],
    out: &Path,
    options: &OffendersOptions,
) -> Result<OffendersWritten, ExportError> {
    let to_stdout = out == Path::new("-");
    if to_stdout && options.format == ExportFormat::Html {
        return Err(ExportError::HtmlToStdout);
    }
    let doc = build_offenders(store, ranking, options)?;
    let path = if to_stdout {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        render(&doc, options, &mut stdout)
            .and_then(|()| stdout.flush())
            .map_err(|source| ExportError::Io {
                path: out.to_path_buf(),
                source,
            })?;
        out.to_path_buf()
    } else {
        let path = if out.is_dir() {
            out.join(default_offenders_file_name(
                options.format,
                super::today(options.now_ms, &options.zone),
            ))
        } else {
            out.to_path_buf()
        };
        write_atomically_with(&path, options.force, |w| {
            render(&doc, options, w).map_err(RenderError::from)
        })?;
        path
    };
    Ok(OffendersWritten {
        path,
        offenders: doc.offenders.len() as u64,
    })
}
