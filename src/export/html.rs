//! HTML: one self-contained page (inline CSS from `assets/evidence.css`, no
//! JavaScript, no external requests, a Content-Security-Policy that forbids
//! both), printable on A4 and Letter, with one section per offender.
//! Every piece of text goes through [`escape`].

use std::fmt::Write as _;

use super::strings::Strings;
use super::{Evidence, EvidenceMessage, Lang, Offender, TimeRecord, complaint, visible_controls};

const CSS: &str = include_str!("../../assets/evidence.css");

/// The escaping function for HTML text and attribute values: `& < > " '`
/// become entities, and control characters become visible symbols.
///
/// Written out rather than taken from a crate: it is five replacements,
/// tested below, and the output must never depend on a dependency's idea
/// of which characters need escaping.
pub fn escape(s: &str) -> String {
    let s = visible_controls(s);
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The evidence as one HTML page.
pub fn render(evidence: &Evidence, lang: Lang) -> String {
    let t = lang.strings();
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"optout {}\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        lang.html_lang(),
        escape(&evidence.optout_version),
        escape(t.title)
    );
    header(&mut out, evidence, t);
    summary(&mut out, evidence, t);
    for (n, off) in evidence.offenders.iter().enumerate() {
        offender_section(&mut out, evidence, off, n + 1, t);
    }
    complaints(&mut out, evidence, t);
    provenance(&mut out, evidence, t);
    let _ = write!(
        out,
        "<footer><span>{}</span> <code class=\"hash\">{}</code></footer>\n</body>\n</html>\n",
        escape(t.integrity),
        escape(evidence.sha256())
    );
    out
}

fn row(out: &mut String, label: &str, value_html: &str) {
    let _ = writeln!(
        out,
        "<tr><th scope=\"row\">{}</th><td>{value_html}</td></tr>",
        escape(label)
    );
}

fn header(out: &mut String, ev: &Evidence, t: &Strings) {
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"lede\">{}</p>\n<table class=\"facts\">",
        escape(t.title),
        escape(t.lede)
    );
    if let Some(i) = &ev.integrity {
        row(out, t.generated, &time(&i.generated_at));
    }
    let mut selection: Vec<String> = Vec::new();
    if !ev.selection.brands.is_empty() {
        selection.push(format!(
            "{}: {}",
            escape(t.brand),
            escape(&ev.selection.brands.join(", "))
        ));
    }
    if !ev.selection.senders.is_empty() {
        selection.push(format!(
            "{}: {}",
            escape(t.sender),
            escape(&ev.selection.senders.join(", "))
        ));
    }
    if !ev.selection.statuses.is_empty() {
        let statuses: Vec<&str> = ev.selection.statuses.iter().map(|s| t.status(s)).collect();
        selection.push(format!(
            "{}: {}",
            escape(t.status),
            escape(&statuses.join(", "))
        ));
    }
    if selection.is_empty() {
        selection.push(escape(t.selection_default));
    }
    if let Some(since) = &ev.selection.since {
        selection.push(format!("{}: {}", escape(t.since), time(since)));
    }
    row(out, t.selection, &selection.join("<br>"));
    row(
        out,
        t.grace,
        &format!(
            "{} · {}: {}",
            escape(&ev.policy.grace),
            escape(t.grace_us),
            escape(&ev.policy.grace_us)
        ),
    );
    row(out, t.zone, &escape(&ev.zone));
    row(
        out,
        t.optout_version,
        &format!(
            "{} · {}: {}",
            escape(&ev.optout_version),
            escape(t.rules_version),
            escape(ev.rules_version.as_deref().unwrap_or("—"))
        ),
    );
    row(
        out,
        t.redacted,
        &escape(if ev.redacted {
            t.redacted_yes
        } else {
            t.redacted_no
        }),
    );
    row(
        out,
        t.integrity,
        &format!(
            "<code class=\"hash\">{}</code><br><small>{}</small>",
            escape(ev.sha256()),
            escape(t.integrity_note)
        ),
    );
    out.push_str("</table>\n</header>\n");
}

fn summary(out: &mut String, ev: &Evidence, t: &Strings) {
    let _ = write!(
        out,
        "<section class=\"summary\">\n<h2>{}</h2>\n<table class=\"list\">\n<colgroup><col class=\"c-n\"><col><col class=\"c-status\"><col class=\"c-time\"><col class=\"c-count\"><col class=\"c-time\"></colgroup>\n\
         <thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        escape(t.summary),
        escape(t.sender),
        escape(t.status),
        escape(t.opted_out),
        escape(t.after_optout),
        escape(t.last_violation)
    );
    for (n, off) in ev.offenders.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#offender-{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            n + 1,
            n + 1,
            title(off),
            status_badge(off.status, t),
            off.optout
                .as_ref()
                .map_or_else(|| escape(t.none), |x| time(&x.at)),
            off.counts.marketing_after_optout,
            off.counts
                .last_violation
                .as_ref()
                .map_or_else(|| escape(t.none), time)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn title(off: &Offender) -> String {
    let keys: Vec<String> = off.senders.iter().map(|s| escape(&s.key)).collect();
    match (&off.brand, off.scope) {
        (Some(b), "brand") => format!(
            "<strong>{}</strong> <span class=\"muted\">({})</span>",
            escape(b),
            keys.join(", ")
        ),
        (Some(b), _) => format!(
            "<strong>{}</strong> <span class=\"muted\">{}</span>",
            keys.join(", "),
            escape(b)
        ),
        (None, _) => format!("<strong>{}</strong>", keys.join(", ")),
    }
}

fn status_badge(status: &str, t: &Strings) -> String {
    format!(
        "<span class=\"status status-{}\">{}</span>",
        escape(status),
        escape(t.status(status))
    )
}

/// Local time with its offset, then UTC on its own line.
fn time(tr: &TimeRecord) -> String {
    let utc: String = tr
        .utc
        .chars()
        .take(19)
        .collect::<String>()
        .replacen('T', " ", 1);
    format!(
        "<span class=\"local\">{}</span><br><span class=\"utc\">{} UTC</span>",
        escape(&complaint::human(tr)),
        escape(&utc)
    )
}

fn message_ref(m: &EvidenceMessage) -> String {
    format!(
        "<blockquote class=\"text\">{}</blockquote><div class=\"when\">{}</div>",
        escape(&m.text),
        time(&m.time)
    )
}

fn offender_section(out: &mut String, ev: &Evidence, off: &Offender, n: usize, t: &Strings) {
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
                " <span class=\"muted\">· {}: {} · {}: {}</span>",
                escape(t.class),
                escape(s.class),
                escape(t.jurisdiction),
                escape(&s.jurisdiction.to_uppercase())
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
                escape(rec.channel.as_deref().unwrap_or_default())
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

    // Timeline: instruction, opt-out, confirmation, violations.
    let mut timeline: Vec<&EvidenceMessage> = off
        .instruction
        .as_ref()
        .and_then(|i| i.message.as_ref())
        .into_iter()
        .chain(off.optout.as_ref().and_then(|rec| rec.message.as_ref()))
        .chain(off.confirmation.as_ref())
        .chain(off.violations.iter())
        .collect();
    timeline.sort_by_key(|m| (m.time.ts_ms, m.message_id));
    let _ = writeln!(out, "<h3>{}</h3>", escape(t.timeline));
    let manual = off.optout.as_ref().filter(|rec| rec.manual);
    timeline_table(out, ev, off, &timeline, manual, t);

    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<p class=\"muted\">{}</p>",
        escape(t.in_flight),
        escape(t.in_flight_note)
    );
    if off.in_flight.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(t.no_in_flight));
    } else {
        let in_flight: Vec<&EvidenceMessage> = off.in_flight.iter().collect();
        timeline_table(out, ev, off, &in_flight, None, t);
    }
    out.push_str("</section>\n");
}

fn timeline_table(
    out: &mut String,
    ev: &Evidence,
    off: &Offender,
    messages: &[&EvidenceMessage],
    manual: Option<&super::OptOutRecord>,
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
    let mut rows: Vec<(i64, String)> = Vec::new();
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
            m.time.ts_ms,
            format!(
                "<tr class=\"role-{}\"><td class=\"num\">{}</td><td>{}</td><td class=\"role\">{}</td><td class=\"num\">{days}</td>{}<td class=\"text\">{}</td><td class=\"src\">{source}</td></tr>\n",
                escape(m.role),
                m.message_id,
                time(&m.time),
                escape(t.role(m.role)),
                if many {
                    format!("<td><code>{}</code></td>", escape(&m.sender))
                } else {
                    String::new()
                },
                escape(&m.text)
            ),
        ));
    }
    if let Some(x) = manual {
        rows.push((
            x.at.ts_ms,
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
                escape(x.channel.as_deref().unwrap_or_default())
            ),
        ));
        rows.sort_by_key(|(ts, _)| *ts);
    }
    for (_, r) in rows {
        out.push_str(&r);
    }
    out.push_str("</tbody>\n</table>\n");
}

fn complaints(out: &mut String, ev: &Evidence, t: &Strings) {
    let _ = writeln!(
        out,
        "<section class=\"complaint\">\n<h2>{}</h2>\n<p class=\"muted\">{}</p>",
        escape(t.complaint),
        escape(t.complaint_note)
    );
    for (n, off) in ev.offenders.iter().enumerate() {
        let _ = writeln!(
            out,
            "<h3><span class=\"n\">{}</span> {}</h3>\n<pre class=\"complaint-text\">{}</pre>",
            n + 1,
            title(off),
            escape(&complaint::offender_text(off, t))
        );
    }
    out.push_str("</section>\n");
}

fn provenance(out: &mut String, ev: &Evidence, t: &Strings) {
    let _ = write!(
        out,
        "<section class=\"provenance\">\n<h2>{}</h2>\n<p class=\"muted\">{}</p>\n<table class=\"list\">\n\
         <colgroup><col class=\"c-n\"><col class=\"c-file\"><col><col class=\"c-size\"><col class=\"c-format\"><col class=\"c-time\"></colgroup>\n\
         <thead><tr><th>{}</th><th>{}</th><th>SHA-256</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        escape(t.provenance),
        escape(t.provenance_note),
        escape(t.import_id),
        escape(t.file_name),
        escape(t.size),
        escape(t.format),
        escape(t.imported_at)
    );
    for i in &ev.imports {
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{}</td><td>{}</td><td><code class=\"hash\">{}</code></td><td class=\"num\">{} {}</td><td>{}</td><td>{}</td></tr>",
            i.import_id,
            escape(&i.file_name),
            escape(&i.sha256),
            i.size,
            escape(t.bytes),
            escape(&i.format),
            time(&i.imported_at)
        );
    }
    let _ = writeln!(
        out,
        "</tbody>\n</table>\n<h3>{}</h3>\n<p>{}</p>\n<p><code class=\"hash\">{}</code></p>\n</section>",
        escape(t.verify),
        escape(t.verify_note),
        escape(ev.sha256())
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape("\"'&<>"), "&quot;&#39;&amp;&lt;&gt;");
        assert_eq!(escape("【浦发银行】回TD退订\n"), "【浦发银行】回TD退订\n");
        assert_eq!(escape("a\u{1b}[31mb"), "a␛[31mb");
    }

    #[test]
    fn the_stylesheet_prints_on_a4_and_letter_and_loads_nothing() {
        assert!(CSS.contains("@page"));
        assert!(!CSS.contains("url("), "no external resources");
        assert!(!CSS.contains("@import"));
    }
}
