//! `optout report`: the complaint a user can file by text message, for
//! violating and suspicious senders. China's 12321 takes
//! `被举报号码*短信原文`; the GSMA spam service (7726) takes the offending
//! text forwarded, then the sender's number when it asks for it. Nothing
//! is ever sent anywhere else.

use std::collections::HashMap;

use super::run::Job;
use crate::model::{SenderKind, Status, StoredMessage};
use crate::track::SenderReport;

/// The only numbers a report goes to.
pub const REPORT_NUMBERS: [&str; 2] = ["12321", "7726"];

/// At most one report per sender in this long.
pub const REPORT_EVERY_MS: i64 = 24 * 3_600_000;

/// One sender's report: its route and its texts, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub sender: String,
    /// `12321` or `7726`.
    pub route: &'static str,
    /// The offending message the report quotes.
    pub message_id: i64,
    pub jobs: Vec<Job>,
    /// 7726 asks for the number in a second text: sent only with `--yes`.
    pub second_part_held: bool,
}

/// Why a sender gets no report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoReport {
    pub sender: String,
    pub reason: String,
}

/// The 12321 text: the number, `*`, the unaltered text.
pub fn text_12321(number: &str, body: &str) -> String {
    let number = number.strip_prefix("+86").unwrap_or(number);
    format!("{number}*{body}")
}

/// The message a report quotes: the latest violation, or for a
/// suspicious sender its latest suspicious message.
pub fn offending_message(s: &SenderReport) -> Option<i64> {
    if s.status == Status::Violating {
        s.findings
            .violations
            .span()
            .latest
            .and_then(|m| m.message_id)
    } else if s.kind == SenderKind::Suspicious {
        s.kind_message
    } else {
        None
    }
}

/// The reports for `senders` (one line's findings): `messages` holds the
/// offending messages by id, `last_report` the time of each sender's last
/// report sent; `second_part`: send 7726's second text (`--yes`).
#[allow(clippy::implicit_hasher)]
pub fn complaints(
    senders: &[&SenderReport],
    messages: &HashMap<i64, StoredMessage>,
    last_report: &HashMap<String, i64>,
    now_ms: i64,
    second_part: bool,
) -> (Vec<Complaint>, Vec<NoReport>) {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for s in senders {
        let no = |reason: String| NoReport {
            sender: s.key.clone(),
            reason,
        };
        if s.ignored {
            refused.push(no("ignored".into()));
            continue;
        }
        let Some(id) = offending_message(s) else {
            refused.push(no("neither violating nor suspicious".into()));
            continue;
        };
        if let Some(at) = last_report.get(&s.key)
            && now_ms - at < REPORT_EVERY_MS
        {
            refused.push(no("already reported in the last 24 hours".into()));
            continue;
        }
        let Some(m) = messages.get(&id) else {
            refused.push(no("its offending message is not in the database".into()));
            continue;
        };
        let route = match crate::export::complaint_to(s) {
            "12321" => "12321",
            "7726" | "fcc_ftc" => "7726",
            _ => {
                refused.push(no(
                    "no SMS report route for its country: use the evidence export".into(),
                ));
                continue;
            }
        };
        let job = |target: &str, body: String| Job {
            purpose: "report",
            sender: s.key.clone(),
            brand: None,
            target: target.to_string(),
            body,
            scopes: Vec::new(),
        };
        let jobs = if route == "12321" {
            vec![job("12321", text_12321(&s.key, &m.body))]
        } else {
            let mut v = vec![job("7726", m.body.clone())];
            if second_part {
                v.push(job("7726", s.key.clone()));
            }
            v
        };
        debug_assert!(
            jobs.iter()
                .all(|j| REPORT_NUMBERS.contains(&j.target.as_str()))
        );
        out.push(Complaint {
            sender: s.key.clone(),
            route,
            message_id: id,
            jobs,
            second_part_held: route == "7726" && !second_part,
        });
    }
    (out, refused)
}
