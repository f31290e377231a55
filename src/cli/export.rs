//! `optout export`: turns the flags into a selection and writes the evidence file.

use std::path::PathBuf;
use std::process::ExitCode;

use super::working::Working;
use super::{BROKEN_PIPE, CliError, ExportArgs, Settings, classifier, open_existing};
use crate::export::{
    self, ExportError, ExportFormat, ExportOptions, FindingsSource, Lang, Selection,
};
use crate::findings;
use crate::text;
use crate::track::Status;

pub(super) fn run(settings: &Settings, args: &ExportArgs) -> Result<ExitCode, CliError> {
    let ExportArgs {
        senders,
        brands,
        statuses,
        since,
        format,
        out,
        redact,
        lang,
        force,
        line,
        all_messages,
        offenders,
        name_lines,
        min_lines,
    } = args;
    if *offenders {
        return run_offenders(settings, args, *name_lines, *min_lines);
    }
    let format = &format.unwrap_or(ExportFormat::Html);
    let store = open_existing(settings, &classifier(&settings.region))?;
    // One document is one line's evidence: with several lines, say which.
    let (line_id, line_name) = super::lines::resolve_line(&store, line.as_deref())?;
    // The export reads inside the outline's read transaction, where the
    // line's reporter id could not be stored: it is given first. Should that
    // fail (a read-only file), the export says why where it needs the id.
    let _ = export::reporter_id(&store, line_id);
    // From the findings cache (equal to a full computation, see
    // tests/findings_cache.rs), only this line's rows, without their lists
    // of violations: each offender's are read when its part is written, so
    // memory does not grow with the violations. Where the cache cannot be
    // read, the full computation (holding every sender's lists).
    let outline = Working::updating(&store, &settings.policy, || {
        findings::Outline::open(&store, &settings.policy, Some(line_id))
    });
    let computed;
    let source = if let Some(outline) = &outline {
        FindingsSource::Cached(outline)
    } else {
        let mut report = findings::report_of(&store, &settings.policy, Some(line_id))?;
        report.retain_line(&line_name);
        computed = report;
        FindingsSource::Held(&computed)
    };
    let report = source.report();
    let statuses = statuses
        .iter()
        .map(|s| {
            Status::parse(s.trim()).ok_or_else(|| {
                CliError(format!(
                    "--status: '{}' is not one of violating, subscribed, opted_out, confirmed, resubscribed, none, ignored",
                    text::sanitize(s)
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // A raw number as the user typed it, or the key it normalises to.
    let senders = senders
        .iter()
        .map(|raw| {
            let known = report
                .senders
                .iter()
                .any(|s| s.key == *raw || s.aliases.contains(raw));
            if known {
                raw.clone()
            } else {
                crate::classify::normalize_sender(raw, &settings.region).key
            }
        })
        .collect();
    let since_ms = since
        .as_deref()
        .map(|s| text::parse_user_time(s, &settings.zone).map(|t| t.0))
        .transpose()
        .map_err(|e| CliError(format!("--since: {e}")))?;
    let lang = lang
        .or_else(|| settings.lang.as_deref().and_then(Lang::parse))
        .unwrap_or_default();
    let now_ms = crate::model::now_ms();
    let selection = Selection {
        senders,
        brands: brands.clone(),
        statuses,
        since_ms,
    };
    let out = out.clone().unwrap_or_else(|| {
        PathBuf::from(export::default_file_name(
            &selection,
            *format,
            export::today(now_ms, &settings.zone),
        ))
    });
    let options = ExportOptions {
        lang,
        redact: *redact,
        force: *force,
        zone: settings.zone.clone(),
        now_ms,
        policy: settings.policy.clone(),
        all_messages: *all_messages,
    };
    let written = match export::export_from(&store, source, &selection, *format, &out, &options) {
        Err(ExportError::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            return Err(CliError(BROKEN_PIPE.into()));
        }
        result => result?,
    };
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    eprintln!(
        "wrote {} ({} sender{}, {} message{})",
        text::sanitize(&written.path.display().to_string()),
        written.senders,
        plural(written.senders),
        written.messages,
        plural(written.messages)
    );
    eprintln!("evidence SHA-256: {}", written.sha256);
    Ok(ExitCode::SUCCESS)
}

/// `export --offenders`: the cross-line ranking as HTML, CSV or JSON.
fn run_offenders(
    settings: &Settings,
    args: &ExportArgs,
    name_lines: bool,
    min_lines: u64,
) -> Result<ExitCode, CliError> {
    use crate::export::offenders::{default_offenders_file_name, format_of_path};
    let format = args
        .format
        .or_else(|| args.out.as_deref().and_then(format_of_path))
        .unwrap_or(ExportFormat::Html);
    if format == ExportFormat::Complaint {
        return Err(CliError(
            "--offenders is written as html, csv or json, not as complaint text".into(),
        ));
    }
    let store = open_existing(settings, &classifier(&settings.region))?;
    let since_ms = args
        .since
        .as_deref()
        .map(|s| text::parse_user_time(s, &settings.zone).map(|t| t.0))
        .transpose()
        .map_err(|e| CliError(format!("--since: {e}")))?;
    let months = crate::track::Detail::Months(settings.zone.clone());
    let ranking = Working::updating(&store, &settings.policy, || {
        findings::offenders_with(&store, &settings.policy, since_ms, min_lines, &months)
    })?;
    let now_ms = crate::model::now_ms();
    let options = export::OffendersOptions {
        format,
        lang: args
            .lang
            .or_else(|| settings.lang.as_deref().and_then(Lang::parse))
            .unwrap_or_default(),
        name_lines,
        since_ms,
        min_lines,
        zone: settings.zone.clone(),
        now_ms,
        force: args.force,
    };
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(default_offenders_file_name(
            format,
            export::today(now_ms, &settings.zone),
        ))
    });
    let written = match export::export_offenders(&store, &ranking, &out, &options) {
        Err(ExportError::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            return Err(CliError(BROKEN_PIPE.into()));
        }
        result => result?,
    };
    eprintln!(
        "wrote {} ({} offender{}{})",
        text::sanitize(&written.path.display().to_string()),
        written.offenders,
        if written.offenders == 1 { "" } else { "s" },
        if name_lines {
            ", lines named: do not publish this copy"
        } else {
            ", lines as pseudonymous ids"
        }
    );
    Ok(ExitCode::SUCCESS)
}
