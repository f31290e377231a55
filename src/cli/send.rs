//! `optout send`: the plan, one confirmation, then the opt-outs one at a
//! time through the user's own phone, each recorded before and after.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use super::lines::resolve_line;
use super::{CliError, Settings, classifier, open_existing, resolve_target};
use crate::findings;
use crate::send::{self, Choice, Driver, Job, Plan, PlanOptions, Step, StoreJournal, SystemClock};
use crate::store::Store;
use crate::text;

#[derive(Debug, Clone, clap::Args)]
#[allow(clippy::struct_excessive_bools)] // clap flags, each independent
pub struct SendArgs {
    /// Only these senders (keys or numbers) or brands; repeatable. Naming a
    /// sender also allows a transactional sender's stated instruction and
    /// a suggested keyword (after the confirmation).
    #[arg(long = "sender", value_name = "KEY")]
    pub senders: Vec<String>,
    /// The driver: kdeconnect, termux, messages, adb or print (default: the
    /// first available of kdeconnect, termux, messages, else print).
    #[arg(long, value_name = "DRIVER", value_parser = send::DRIVERS)]
    pub via: Option<String>,
    /// The KDE Connect device id (or the adb serial) when several are reachable.
    #[arg(long, value_name = "ID")]
    pub device: Option<String>,
    /// Send without asking (needed when standard input is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Show the plan and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the plan and the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Send again where an opt-out is already in force.
    #[arg(long)]
    pub again: bool,
    /// The line (phone) to send from; needed when there are several.
    #[arg(long, value_name = "NAME")]
    pub line: Option<String>,
    /// Seconds between two messages.
    #[arg(long, value_name = "SECS", default_value_t = 3.0)]
    pub pause: f64,
}

/// The keys and brands `--sender` names, each checked to exist.
pub(super) fn named(
    store: &Store,
    settings: &Settings,
    raw: &[String],
) -> Result<Vec<String>, CliError> {
    raw.iter()
        .map(|r| {
            if store.brand_exists(r)? && !store.sender_exists(r)? {
                return Ok(r.clone());
            }
            resolve_target(store, Some(r), None, &settings.region).map(|(_, k)| k)
        })
        .collect()
}

/// Asks `question` on standard error, reads one line: yes or not.
pub(super) fn ask(question: &str) -> bool {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// The one confirmation before anything is sent: `--yes`, or a `y` typed
/// at a terminal.
pub(super) fn confirm(yes: bool, question: &str) -> Result<bool, CliError> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError(
            "refusing to send without a terminal to confirm on: pass --yes (or --dry-run to see the plan)"
                .into(),
        ));
    }
    Ok(ask(question))
}

pub(super) fn pause_of(secs: f64) -> Result<Duration, CliError> {
    Duration::try_from_secs_f64(secs)
        .map_err(|_| CliError(format!("--pause: '{secs}' is not a number of seconds")))
}

pub(super) fn run(settings: &Settings, args: &SendArgs) -> Result<ExitCode, CliError> {
    let pause = pause_of(args.pause)?;
    let store = open_existing(settings, &classifier(&settings.region))?;
    let (line_id, line) = resolve_line(&store, args.line.as_deref())?;
    let mut report = super::working::Working::updating(&store, &settings.policy, || {
        findings::report(&store, &settings.policy)
    })?;
    report.retain_line(&line);
    let opts = PlanOptions {
        named: named(&store, settings, &args.senders)?,
        again: args.again,
    };
    let pending = send::pending(&store, line_id)?;
    let plan = send::plan(&report.senders, &opts, &settings.region, &pending);
    let chosen = send::choose(
        &Choice {
            via: args.via.as_deref(),
            device: args.device.as_deref(),
        },
        Box::new(ask),
    );
    let mut out = std::io::stdout().lock();
    if args.dry_run || plan.sends.is_empty() {
        let name = chosen
            .as_ref()
            .map(|d| d.name())
            .map_err(ToString::to_string);
        if args.json {
            print_json(&mut out, &line, name.ok(), args.dry_run, &plan, &[])?;
        } else {
            print_plan(&mut out, &line, &name, args.via.is_none(), &plan)?;
            if plan.sends.is_empty() {
                writeln!(out, "nothing to send")?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut driver = chosen.map_err(|e| CliError(e.to_string()))?;
    if !args.json {
        print_plan(
            &mut out,
            &line,
            &Ok(driver.name()),
            args.via.is_none(),
            &plan,
        )?;
    }
    out.flush()?;
    let jobs = send::jobs_of(&plan);
    if driver.sends() {
        let suggested = plan.sends.iter().filter(|p| p.suggested).count();
        let question = format!(
            "send {} message(s) from your phone via {}{}? [y/N] ",
            jobs.len(),
            driver.name(),
            if suggested > 0 {
                format!(" ({suggested} with a suggested keyword, not stated by the sender)")
            } else {
                String::new()
            }
        );
        if !confirm(args.yes, &question)? {
            writeln!(out, "nothing sent")?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    let steps = execute(
        &store,
        line_id,
        settings,
        &jobs,
        driver.as_mut(),
        pause,
        !args.json,
    );
    if args.json {
        print_json(&mut out, &line, Some(driver.name()), false, &plan, &steps)?;
    }
    finish(&jobs, &steps)
}

/// Runs `jobs`, printing each result as it comes when `show`.
pub(super) fn execute(
    store: &Store,
    line_id: i64,
    settings: &Settings,
    jobs: &[Job],
    driver: &mut dyn Driver,
    pause: Duration,
    show: bool,
) -> Vec<Step> {
    let mut journal = StoreJournal { store, line_id };
    let mut clock = SystemClock {
        zone: settings.zone.clone(),
    };
    let mut progress = |i: usize, step: &Step| {
        if show {
            println!("{}", step_line(&jobs[i], step));
        }
    };
    send::run(jobs, driver, &mut journal, &mut clock, pause, &mut progress)
}

fn step_line(job: &Job, step: &Step) -> String {
    let what = format!(
        "{} → {}",
        text::sanitize(&job.body),
        text::sanitize(&job.target)
    );
    match step {
        Step::Sent { id } => format!("sent       {what} (send #{id})"),
        Step::Shown(line) => line.clone(),
        Step::Failed { error, .. } => format!("FAILED     {what}: {}", text::sanitize(error)),
        Step::NotSent => format!("not sent   {what}"),
        Step::Duplicate => format!("skipped    {what} (already sent in this run)"),
    }
}

/// The exit: an error line naming what was sent and what was not when one failed.
pub(super) fn finish(jobs: &[Job], steps: &[Step]) -> Result<ExitCode, CliError> {
    let sent = steps
        .iter()
        .filter(|s| matches!(s, Step::Sent { .. }))
        .count();
    let Some((i, error)) = steps.iter().enumerate().find_map(|(i, s)| match s {
        Step::Failed { error, .. } => Some((i, error)),
        _ => None,
    }) else {
        return Ok(ExitCode::SUCCESS);
    };
    let not_sent = steps.iter().filter(|s| matches!(s, Step::NotSent)).count();
    Err(CliError(format!(
        "sending {} to {} failed: {error}; sent {sent}, not sent {} (this one and {not_sent} after it)",
        jobs[i].body,
        jobs[i].target,
        1 + not_sent
    )))
}

fn print_plan(
    out: &mut dyn Write,
    line: &str,
    driver: &Result<&str, String>,
    auto: bool,
    plan: &Plan,
) -> Result<(), CliError> {
    match driver {
        Ok(name) => writeln!(
            out,
            "from line '{}' via {name}{}",
            text::sanitize(line),
            if auto { " (the first available)" } else { "" }
        )?,
        Err(e) => writeln!(
            out,
            "from line '{}': {}",
            text::sanitize(line),
            text::sanitize(e)
        )?,
    }
    writeln!(out, "plan: {} opt-out(s)", plan.sends.len())?;
    for (i, p) in plan.sends.iter().enumerate() {
        let covers = p
            .covers
            .iter()
            .map(|k| text::sanitize(k))
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "  {}. {} → {}   {}({covers}){}",
            i + 1,
            text::sanitize(&p.keyword),
            text::sanitize(&p.target),
            p.brand
                .as_deref()
                .map(|b| format!("{} ", text::sanitize(b)))
                .unwrap_or_default(),
            if p.suggested {
                "  suggested: the sender states no keyword"
            } else {
                ""
            }
        )?;
    }
    if !plan.refused.is_empty() {
        writeln!(out, "not sent ({}):", plan.refused.len())?;
        for r in &plan.refused {
            writeln!(
                out,
                "  {}{}   {}",
                text::sanitize(&r.sender),
                r.brand
                    .as_deref()
                    .map(|b| format!(" ({})", text::sanitize(b)))
                    .unwrap_or_default(),
                text::sanitize(&r.refusal.reason())
            )?;
        }
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct PlanJson<'a> {
    line: &'a str,
    driver: Option<&'a str>,
    dry_run: bool,
    sends: Vec<SendJson<'a>>,
    refused: Vec<RefusedJson<'a>>,
}

#[derive(serde::Serialize)]
struct SendJson<'a> {
    #[serde(flatten)]
    plan: &'a send::PlannedSend,
    result: Option<&'static str>,
    send_id: Option<i64>,
    error: Option<&'a str>,
    /// `sms:NUMBER?body=TEXT`, for sending by hand.
    link: String,
}

#[derive(serde::Serialize)]
struct RefusedJson<'a> {
    sender: &'a str,
    brand: Option<&'a str>,
    reason: &'static str,
    detail: String,
}

fn print_json(
    out: &mut dyn Write,
    line: &str,
    driver: Option<&str>,
    dry_run: bool,
    plan: &Plan,
    steps: &[Step],
) -> Result<(), CliError> {
    let json = PlanJson {
        line,
        driver,
        dry_run,
        sends: plan
            .sends
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (result, send_id, error) = match steps.get(i) {
                    None => (None, None, None),
                    Some(Step::Sent { id }) => (Some("sent"), Some(*id), None),
                    Some(Step::Shown(_)) => (Some("printed"), None, None),
                    Some(Step::Failed { id, error, .. }) => {
                        (Some("failed"), *id, Some(error.as_str()))
                    }
                    Some(Step::NotSent) => (Some("not_sent"), None, None),
                    Some(Step::Duplicate) => (Some("duplicate"), None, None),
                };
                SendJson {
                    plan: p,
                    result,
                    send_id,
                    error,
                    link: send::sms_link(&p.target, &p.keyword),
                }
            })
            .collect(),
        refused: plan
            .refused
            .iter()
            .map(|r| RefusedJson {
                sender: &r.sender,
                brand: r.brand.as_deref(),
                reason: r.refusal.code(),
                detail: r.refusal.reason(),
            })
            .collect(),
    };
    text::write_json_pretty(&mut *out, &json)?;
    writeln!(out)?;
    Ok(())
}
