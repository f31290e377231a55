//! Acting on the findings: sending the opt-outs (and SMS reports) through
//! the user's own phone. optout opens no socket: it runs the user's own
//! programs (KDE Connect, Termux:API, macOS Messages, adb), each a small
//! driver behind [`Driver`], or prints the texts for sending by hand.
//!
//! - `plan.rs`: [`plan`], pure: which senders get which keyword at which
//!   number, and which are refused (suspicious, personal, transactional,
//!   suggested-only, premium or unknown target, already opted out, ignored).
//! - `driver.rs`: the [`Driver`] trait, [`Invocation`] (a program and its
//!   arguments, never a shell) and [`choose`]; one file per driver:
//!   `kdeconnect.rs`, `termux.rs`, `messages.rs`, `adb.rs`, `print.rs`.
//! - `run.rs`: [`run`], one job at a time with a pause ([`Clock`] is
//!   injected), each attempt journalled before and after, the first
//!   failure stops the run; [`run_until`] also reports each move
//!   ([`Progress`]) and stops between two sends when asked (the
//!   interface's progress view).
//! - `report.rs`: [`complaints`], the 12321 and 7726 reports.
//!
//! A successful opt-out is recorded as a manual opt-out (channel = the
//! driver) in the same transaction that marks the send done, so the
//! findings treat it like any manual record until the phone's own
//! outgoing message is imported; then the two are one opt-out.

mod adb;
mod driver;
mod kdeconnect;
mod messages;
mod plan;
mod print;
mod report;
mod run;
mod termux;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

pub use driver::{
    Choice, DRIVERS, Delivery, Driver, DriverError, Invocation, choose, on_path, set_search_path,
};
pub use plan::{Plan, PlanOptions, PlannedSend, Refusal, Refused, plan, report_route};
pub use print::{percent_encode, sms_link};
pub use report::{
    Complaint, NoReport, REPORT_EVERY_MS, REPORT_NUMBERS, complaints, offending_message, text_12321,
};
pub use run::{Clock, Job, Journal, Progress, Step, SystemClock, run, run_until};

use crate::store::{NewSend, SendStatus, Store, StoreError};
use crate::track::{Report, SEND_SEEN_BEFORE_MS};

/// The command lines the drivers run, for tests and `--dry-run`.
pub mod commands {
    pub use super::adb::{command as adb, shell_quote};
    pub use super::kdeconnect::command as kdeconnect;
    pub use super::messages::command as messages;
    pub use super::termux::command as termux;
}

/// The jobs of a plan, in its order.
pub fn jobs_of(plan: &Plan) -> Vec<Job> {
    plan.sends
        .iter()
        .map(|p| Job {
            purpose: "optout",
            sender: p.sender.clone(),
            brand: p.brand.clone(),
            target: p.target.clone(),
            body: p.keyword.clone(),
            scopes: p.record_scopes(),
        })
        .collect()
}

/// Opt-out sends an earlier run left pending on `line_id`:
/// (target, keyword) → send id.
pub fn pending(store: &Store, line_id: i64) -> Result<BTreeMap<(String, String), i64>, StoreError> {
    Ok(store
        .sends()?
        .into_iter()
        .filter(|s| {
            s.line_id == line_id && s.purpose == "optout" && s.status == SendStatus::Pending
        })
        .map(|s| ((s.target, s.body), s.id))
        .collect())
}

/// The time of each sender's last report sent from `line_id`.
pub fn last_reports(store: &Store, line_id: i64) -> Result<HashMap<String, i64>, StoreError> {
    let mut out: HashMap<String, i64> = HashMap::new();
    for s in store.sends()? {
        if s.line_id == line_id && s.purpose == "report" && s.status != SendStatus::Failed {
            let at = out.entry(s.sender).or_insert(s.started_at_ms);
            *at = (*at).max(s.started_at_ms);
        }
    }
    Ok(out)
}

/// Writes attempts into the database's `sends` table, on one line.
pub struct StoreJournal<'a> {
    pub store: &'a Store,
    pub line_id: i64,
}

impl Journal for StoreJournal<'_> {
    fn begin(&mut self, job: &Job, driver: &str, at: (i64, Option<i32>)) -> Result<i64, String> {
        self.store
            .begin_send(&NewSend {
                line_id: self.line_id,
                purpose: job.purpose,
                sender: &job.sender,
                brand: job.brand.as_deref(),
                target: &job.target,
                body: &job.body,
                driver,
                started_at_ms: at.0,
                utc_offset_s: at.1,
            })
            .map_err(|e| e.to_string())
    }

    fn sent(&mut self, id: i64, job: &Job, at: (i64, Option<i32>)) -> Result<(), String> {
        self.store
            .finish_send(id, at.0, at.1, &job.scopes)
            .map_err(|e| e.to_string())
    }

    fn failed(&mut self, id: i64, at: (i64, Option<i32>), error: &str) -> Result<(), String> {
        self.store
            .fail_send(id, at.0, error)
            .map_err(|e| e.to_string())
    }
}

/// What `senders` says about an opt-out optout sent, by (line id, sender
/// key): "sent via DRIVER, awaiting confirmation" (or confirmed), or
/// "send not seen in your export" when an import covers the time after
/// the send and the phone's outgoing message is not in it.
pub fn notes(store: &Store, report: &Report) -> Result<HashMap<(i64, String), String>, StoreError> {
    let mut latest: HashMap<i64, Option<i64>> = HashMap::new();
    let mut out = HashMap::new();
    for s in &report.senders {
        let Some(o) = &s.findings.optout else {
            continue;
        };
        let Some(driver) = o
            .manual
            .as_deref()
            .filter(|c| crate::model::SEND_CHANNELS.contains(c))
        else {
            continue;
        };
        let last = if let Some(l) = latest.get(&s.line_id) {
            *l
        } else {
            let l = store.latest_message_ms(s.line_id)?;
            latest.insert(s.line_id, l);
            l
        };
        let note = if last.is_some_and(|l| l > o.ts_ms + SEND_SEEN_BEFORE_MS) {
            format!("sent via {driver}; send not seen in your export")
        } else if s.findings.confirmed.is_some() {
            format!("sent via {driver}, confirmed")
        } else if s.status == crate::track::Status::OptedOut {
            format!("sent via {driver}, awaiting confirmation")
        } else {
            format!("sent via {driver}")
        };
        out.insert((s.line_id, s.key.clone()), note);
    }
    Ok(out)
}
