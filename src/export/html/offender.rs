//! One offender's section of the HTML page: its facts, counts, timeline
//! and the messages inside the grace period, each list cut to its first and
//! last messages when long.

use std::fmt::Write as _;

use super::super::strings::Strings;
use super::super::{Evidence, EvidenceMessage, Offender, OptOutRecord, window};
use super::{escape, message_ref, row, status_badge, time, title};

pub(super) fn section(
    out: &mut String,
    ev: &Evidence,
    off: &Offender,
    n: usize,
    inline: Option<usize>,
    t: &Strings,
) {
    let _ = writeln!(
        out,
        "<section class=\"offender\" id=\"offender-{n}\">\n<h2><span class=\"n\">{n}</span> {} {}</h2>\n<table class=\"facts\">",
        title(off),
        status_badge(off.status, t)
    );
    let senders: Vec<String> = off
        .senders
        .iter()
        .map(|s| {
            let aliases: Vec<&str> = s
                .aliases
                .iter()
                .map(String::as_str)
                .filter(|a| *a != s.key)
                .collect();
            let mut line = format!("<code>{}</code>", escape(&s.key));
            if !aliases.is_empty() {
                let _ = write!(
                    line,
                    " <span class=\"muted\">{}: {}</span>",
                    escape(t.aliases),
                    escape(&aliases.join(", "))
                );
            }
            let _ = write!(
                line,
                " <span class=\"muted\">· {}: {} · {}: {} · {}: {}</span>",
                escape(t.class),
                escape(t.sender_class(s.class)),
                escape(t.jurisdiction),
                escape(t.jurisdiction_name(s.jurisdiction)),
                escape(t.complaint_to),
                escape(t.authority(s.complaint_to))
            );
            line
        })
        .collect();
    row(out, t.senders, &senders.join("<br>"));
    row(
        out,
        t.brand,
        &off.brand.as_deref().map_or_else(|| escape(t.none), escape),
    );
    row(out, t.category, &escape(t.category(off.category)));
    match &off.instruction {
        Some(i) => {
            let mut v = format!(
                "{} <strong class=\"kw\">{}</strong> {} <code>{}</code>",
                escape(t.advertised),
                escape(&i.keyword),
                escape(t.optout_to),
                escape(&i.target)
            );
            if let Some(m) = &i.message {
                v.push_str(&message_ref(m));
            }
            row(out, t.instruction, &v);
        }
        None => row(out, t.instruction, &escape(t.none)),
    }
    match &off.optout {
        Some(rec) if rec.manual => {
            let mut v = format!(
                "<strong class=\"manual\">{}</strong> · {}: {}",
                escape(t.manual_record),
                escape(t.channel),
                escape(t.manual_channel(rec.channel.as_deref().unwrap_or_default()))
            );
            if let Some(note) = &rec.note {
                let _ = write!(v, " · {}: {}", escape(t.note), escape(note));
            }
            let _ = write!(v, "<div class=\"when\">{}</div>", time(&rec.at));
            row(out, t.optout, &v);
        }
        Some(rec) => {
            let mut v = format!(
                "{} <strong class=\"kw\">{}</strong> {} <code>{}</code>",
                escape(t.optout_reply),
                escape(rec.keyword.as_deref().unwrap_or_default()),
                escape(t.optout_to),
                escape(&rec.to)
            );
            match &rec.message {
                Some(m) => v.push_str(&message_ref(m)),
                None => {
                    let _ = write!(v, "<div class=\"when\">{}</div>", time(&rec.at));
                }
            }
            row(out, t.optout, &v);
        }
        None => row(out, t.optout, &escape(t.none)),
    }
    row(
        out,
        t.confirmation,
        &off.confirmation
            .as_ref()
            .map_or_else(|| escape(t.none), message_ref),
    );
    if let Some(rec) = &off.optout {
        row(
            out,
            t.grace_ends,
            &format!(
                "{} <span class=\"muted\">({})</span>",
                time(&rec.grace_ends),
                escape(&rec.grace)
            ),
        );
    }
    if let Some(r) = &off.resubscribed {
        row(out, t.resubscribed, &time(r));
    }
    out.push_str("</table>\n");

    // Counts.
    let counts = &off.counts;
    let _ = write!(
        out,
        "<h3>{}</h3>\n<table class=\"counts\"><tr>\
         <th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n\
         <tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num bad\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr></table>\n",
        escape(t.counts),
        escape(t.marketing_total),
        escape(t.before_optout),
        escape(t.after_optout),
        escape(t.in_flight_count),
        escape(t.first_violation),
        escape(t.last_violation),
        counts.marketing_received,
        counts.marketing_before_optout,
        counts.marketing_after_optout,
        counts.in_flight,
        counts
            .first_violation
            .as_ref()
            .map_or_else(|| escape(t.none), time),
        counts
            .last_violation
            .as_ref()
            .map_or_else(|| escape(t.none), time),
    );

    // Timeline: instruction, opt-out, confirmation, violations (the first
    // and last of them when there are many).
    let (first, omitted, last) = window(&off.violations, off.listed.violations, inline);
    let mut timeline: Vec<&EvidenceMessage> = off
        .instruction
        .as_ref()
        .and_then(|i| i.message.as_ref())
        .into_iter()
        .chain(off.optout.as_ref().and_then(|rec| rec.message.as_ref()))
        .chain(off.confirmation.as_ref())
        .chain(first.iter())
        .chain(last.iter())
        .collect();
    timeline.sort_by_key(|m| (m.time.ts_ms, m.message_id));
    let _ = writeln!(out, "<h3>{}</h3>", escape(t.timeline));
    let manual = off.optout.as_ref().filter(|rec| rec.manual);
    let gap = Gap::after(first, omitted, off.listed.violations, t.omitted_violations);
    timeline_table(out, ev, off, &timeline, manual, gap, t);

    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<p class=\"muted\">{}</p>",
        escape(t.in_flight),
        escape(t.in_flight_note)
    );
    if off.in_flight.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(t.no_in_flight));
    } else {
        let (first, omitted, last) = window(&off.in_flight, off.listed.in_flight, inline);
        let in_flight: Vec<&EvidenceMessage> = first.iter().chain(last).collect();
        let gap = Gap::after(first, omitted, off.listed.in_flight, t.omitted_in_flight);
        timeline_table(out, ev, off, &in_flight, None, gap, t);
    }
    out.push_str("</section>\n");
}

/// Messages a table leaves out: after which one, how many, of how many.
struct Gap<'s> {
    after: (i64, i64),
    omitted: u64,
    listed: u64,
    what: &'s str,
}

impl<'s> Gap<'s> {
    fn after(
        first: &[EvidenceMessage],
        omitted: u64,
        listed: u64,
        what: &'s str,
    ) -> Option<Gap<'s>> {
        let m = first.last()?;
        (omitted > 0).then_some(Gap {
            after: (m.time.ts_ms, m.message_id),
            omitted,
            listed,
            what,
        })
    }
}

fn timeline_table(
    out: &mut String,
    ev: &Evidence,
    off: &Offender,
    messages: &[&EvidenceMessage],
    manual: Option<&OptOutRecord>,
    gap: Option<Gap<'_>>,
    t: &Strings,
) {
    let many = off.senders.len() > 1;
    let _ = write!(
        out,
        "<table class=\"timeline\">\n<colgroup><col class=\"c-n\"><col class=\"c-time\"><col class=\"c-role\"><col class=\"c-days\">{}<col><col class=\"c-src\"></colgroup>\n\
         <thead><tr><th>#</th><th>{} / {}</th><th>{}</th><th>{}</th>{}<th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        if many { "<col class=\"c-sender\">" } else { "" },
        escape(t.received_local),
        escape(t.received_utc),
        escape(t.role),
        escape(t.days_since),
        if many {
            format!("<th>{}</th>", escape(t.sender))
        } else {
            String::new()
        },
        escape(t.text),
        escape(t.source)
    );
    // Sorted by time, then message id (a manual record after the messages
    // of its millisecond), then a gap after the message it follows.
    let mut rows: Vec<((i64, i64, u8), String)> = Vec::new();
    for m in messages {
        let days = match (m.days_since_optout, m.business_days_since_optout) {
            (Some(d), Some(bd)) => {
                format!("{d}<br><small>{bd} {}</small>", escape(t.business_days))
            }
            (Some(d), None) => d.to_string(),
            _ => String::new(),
        };
        let source = ev
            .imports
            .iter()
            .find(|i| i.import_id == m.import_id)
            .map_or_else(String::new, |i| {
                let short: String = i.sha256.chars().take(12).collect();
                format!(
                    "{} #{}<br><code title=\"{}\">{}…</code>",
                    escape(t.import_id),
                    i.import_id,
                    escape(&i.sha256),
                    escape(&short)
                )
            });
        rows.push((
            (m.time.ts_ms, m.message_id, 0),
            format!(
                "<tr class=\"role-{}\"><td class=\"num\">{}</td><td>{}</td><td class=\"role\">{}</td><td class=\"num\">{days}</td>{}<td class=\"text\">{}{}</td><td class=\"src\">{source}</td></tr>\n",
                escape(m.role),
                m.message_id,
                time(&m.time),
                escape(t.role(m.role)),
                if many {
                    format!("<td><code>{}</code></td>", escape(&m.sender))
                } else {
                    String::new()
                },
                escape(&m.text),
                reason_line(t, m)
            ),
        ));
    }
    if let Some(x) = manual {
        rows.push((
            (x.at.ts_ms, i64::MAX, 0),
            format!(
                "<tr class=\"role-opt_out\"><td class=\"num\">—</td><td>{}</td><td class=\"role\">{}</td><td></td>{}<td class=\"text\"><strong class=\"manual\">{}</strong> · {}: {}</td><td></td></tr>\n",
                time(&x.at),
                escape(t.role("opt_out")),
                if many {
                    format!("<td><code>{}</code></td>", escape(&x.to))
                } else {
                    String::new()
                },
                escape(t.manual_record),
                escape(t.channel),
                escape(t.manual_channel(x.channel.as_deref().unwrap_or_default()))
            ),
        ));
    }
    if let Some(g) = gap {
        rows.push((
            (g.after.0, g.after.1, 1),
            format!(
                "<tr class=\"gap\"><td colspan=\"{}\">{}</td></tr>\n",
                if many { 7 } else { 6 },
                escape(&t.omitted_note(g.omitted, g.listed, g.what))
            ),
        ));
    }
    rows.sort_by_key(|(key, _)| *key);
    for (_, r) in rows {
        out.push_str(&r);
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The small line under a violating (or in-flight) message naming why it is
/// marketing: the rule and the words that fired. Empty for other roles.
fn reason_line(t: &Strings, m: &EvidenceMessage) -> String {
    let Some(r) = m
        .reason
        .as_ref()
        .filter(|_| matches!(m.role, "violation" | "in_flight"))
    else {
        return String::new();
    };
    let words = r
        .text
        .as_deref()
        .map_or_else(String::new, |w| format!(" «{}»", escape(w)));
    format!(
        "<br><small class=\"reason\">{}: <code>{}</code>{words}</small>",
        escape(t.reason),
        escape(&r.rule)
    )
}
