//! `optout report`: the SMS complaint for violating and suspicious
//! senders, to 12321 (China) or 7726 (the GSMA spam service), through
//! the same drivers as `optout send`, recorded like a send.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use super::lines::resolve_line;
use super::send::{confirm, execute, finish, named, pause_of};
use super::{CliError, Settings, classifier, open_existing};
use crate::findings;
use crate::send::{self, Choice, Job};
use crate::text;
use crate::track::{SenderKind, Status};

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Only these senders (keys or numbers); repeatable.
    #[arg(long = "sender", value_name = "KEY")]
    pub senders: Vec<String>,
    /// The driver, as for `optout send`.
    #[arg(long, value_name = "DRIVER", value_parser = send::DRIVERS)]
    pub via: Option<String>,
    /// The KDE Connect device id (or the adb serial).
    #[arg(long, value_name = "ID")]
    pub device: Option<String>,
    /// Show the reports and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking; for 7726 also send the second text (the number).
    #[arg(long)]
    pub yes: bool,
    /// The line (phone) to send from; needed when there are several.
    #[arg(long, value_name = "NAME")]
    pub line: Option<String>,
    /// Seconds between two messages.
    #[arg(long, value_name = "SECS", default_value_t = 3.0)]
    pub pause: f64,
}

pub(super) fn run(settings: &Settings, args: &ReportArgs) -> Result<ExitCode, CliError> {
    let pause = pause_of(args.pause)?;
    let store = open_existing(settings, &classifier(&settings.region))?;
    let (line_id, line) = resolve_line(&store, args.line.as_deref())?;
    let mut report = super::working::Working::updating(&store, &settings.policy, || {
        findings::report(&store, &settings.policy)
    })?;
    report.retain_line(&line);
    let wanted = named(&store, settings, &args.senders)?;
    let senders: Vec<_> = report
        .senders
        .iter()
        .filter(|s| {
            if wanted.is_empty() {
                s.status == Status::Violating || s.kind == SenderKind::Suspicious
            } else {
                wanted.contains(&s.key)
            }
        })
        .collect();
    let ids: Vec<i64> = senders
        .iter()
        .filter_map(|s| send::offending_message(s))
        .collect();
    let messages: HashMap<i64, _> = store
        .messages_by_id(&ids)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let now = jiff::Timestamp::now().as_millisecond();
    let last = send::last_reports(&store, line_id)?;
    let (complaints, refused) = send::complaints(&senders, &messages, &last, now, args.yes);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "reports from line '{}': {}",
        text::sanitize(&line),
        complaints.len()
    )?;
    for c in &complaints {
        writeln!(out, "  {} → {}", text::sanitize(&c.sender), c.route)?;
        for j in &c.jobs {
            writeln!(
                out,
                "      text to {}: {}",
                j.target,
                text::sanitize(&j.body)
            )?;
        }
        if c.second_part_held {
            writeln!(
                out,
                "      7726 then asks for the number: with --yes optout sends {} as a second text once the first is sent",
                text::sanitize(&c.sender)
            )?;
        }
    }
    for r in &refused {
        writeln!(
            out,
            "  no report for {}: {}",
            text::sanitize(&r.sender),
            r.reason
        )?;
    }
    if args.dry_run || complaints.is_empty() {
        if complaints.is_empty() {
            writeln!(out, "nothing to report")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut driver = send::choose(
        &Choice {
            via: args.via.as_deref(),
            device: args.device.as_deref(),
        },
        Box::new(super::send::ask),
    )
    .map_err(|e| CliError(e.to_string()))?;
    let jobs: Vec<Job> = complaints.into_iter().flat_map(|c| c.jobs).collect();
    // Never anywhere but the official short numbers.
    if let Some(j) = jobs
        .iter()
        .find(|j| !send::REPORT_NUMBERS.contains(&j.target.as_str()))
    {
        return Err(CliError(format!(
            "refusing to send a report to {}",
            j.target
        )));
    }
    writeln!(out, "via {}", driver.name())?;
    out.flush()?;
    if driver.sends()
        && !confirm(
            args.yes,
            &format!(
                "send {} report text(s) via {}? [y/N] ",
                jobs.len(),
                driver.name()
            ),
        )?
    {
        writeln!(out, "nothing sent")?;
        return Ok(ExitCode::SUCCESS);
    }
    let steps = execute(
        &store,
        line_id,
        settings,
        &jobs,
        driver.as_mut(),
        pause,
        true,
    );
    finish(&jobs, &steps)
}
