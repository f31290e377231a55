//! HTML: one self-contained page (inline CSS from `assets/evidence.css`, no
//! JavaScript, no external requests, a Content-Security-Policy that forbids
//! both), printable on A4 and Letter, with one section per offender.
//! Every piece of text goes through [`escape`].

mod offender;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use super::strings::Strings;
use super::{Evidence, EvidenceMessage, Lang, Offender, TimeRecord, complaint, visible_controls};

const CSS: &str = include_str!("../../assets/evidence.css");

/// The start of a self-contained page, up to `<body>`: the language, a
/// Content-Security-Policy that allows no script, no request and only the
/// inline style, the generator, the title, and the evidence CSS followed
/// by `extra_css`.
pub(super) fn page_head(out: &mut String, lang: Lang, version: &str, title: &str, extra_css: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"optout {}\">\n<title>{}</title>\n<style>\n{CSS}{extra_css}</style>\n</head>\n<body>\n",
        lang.html_lang(),
        escape(version),
        escape(title)
    );
}

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

/// The evidence as one HTML page. Each list shows its first and last
/// `inline` messages (all with `None`), with the exact count and where the
/// rest are, so the page grows with the offenders, not with the messages.
pub fn render(evidence: &Evidence, lang: Lang, inline: Option<usize>) -> String {
    let mut out = Vec::with_capacity(64 * 1024);
    let written: std::io::Result<()> = write(&mut out, evidence, lang, inline, |i| {
        Ok(Cow::Borrowed(&evidence.offenders[i]))
    });
    written.expect("writing to memory does not fail");
    String::from_utf8(out).expect("the page is built from strings")
}

/// [`render`], written to `w` a part at a time (the head, each offender's
/// section, each complaint text …), so the page is never whole in memory.
/// `offender(i)` gives `evidence.offenders[i]` with the messages its lists
/// show: a streamed export reads them from the store when they are needed.
pub(super) fn write<'o, E, F>(
    w: &mut dyn Write,
    evidence: &Evidence,
    lang: Lang,
    inline: Option<usize>,
    mut offender: F,
) -> Result<(), E>
where
    E: From<std::io::Error>,
    F: FnMut(usize) -> Result<Cow<'o, Offender>, E>,
{
    let t = lang.strings();
    let mut out = String::with_capacity(64 * 1024);
    let mut flush = |out: &mut String| -> Result<(), E> {
        w.write_all(out.as_bytes())?;
        out.clear();
        Ok(())
    };
    page_head(&mut out, lang, &evidence.optout_version, t.title, "");
    let order = display_order(evidence);
    header(&mut out, evidence, t);
    summary(&mut out, evidence, &order, t);
    flush(&mut out)?;
    for (n, &i) in order.iter().enumerate() {
        offender::section(&mut out, evidence, &*offender(i)?, n + 1, inline, t);
        flush(&mut out)?;
    }
    complaints_head(&mut out, t);
    for (n, &i) in order.iter().enumerate() {
        complaint_text(&mut out, &*offender(i)?, n + 1, inline, t);
        flush(&mut out)?;
    }
    out.push_str("</section>\n");
    provenance(&mut out, evidence, t);
    let _ = write!(
        out,
        "<footer><span>{}</span> <code class=\"hash\">{}</code></footer>\n</body>\n</html>\n",
        escape(t.integrity),
        escape(evidence.sha256())
    );
    flush(&mut out)
}

/// The order the page shows the offenders in: grouped by brand, the groups
/// with the most violations first, and so the senders inside a group.
fn display_order(ev: &Evidence) -> Vec<usize> {
    let count = |i: usize| ev.offenders[i].counts.marketing_after_optout;
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, o) in ev.offenders.iter().enumerate() {
        match o
            .brand
            .as_ref()
            .and_then(|b| groups.iter_mut().find(|g| g.0 == *b))
        {
            Some(g) => g.1.push(i),
            None => groups.push((o.brand.clone().unwrap_or_else(|| o.name.clone()), vec![i])),
        }
    }
    for g in &mut groups {
        g.1.sort_by(|&a, &b| {
            count(b)
                .cmp(&count(a))
                .then(ev.offenders[a].name.cmp(&ev.offenders[b].name))
        });
    }
    let total = |g: &(String, Vec<usize>)| g.1.iter().map(|&i| count(i)).sum::<u64>();
    groups.sort_by(|a, b| total(b).cmp(&total(a)).then(a.0.cmp(&b.0)));
    groups.into_iter().flat_map(|g| g.1).collect()
}

pub(super) fn row(out: &mut String, label: &str, value_html: &str) {
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

fn summary(out: &mut String, ev: &Evidence, order: &[usize], t: &Strings) {
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
    let mut brand_shown: Option<&str> = None;
    for (n, &i) in order.iter().enumerate() {
        let off = &ev.offenders[i];
        // One heading row per brand of several numbers, with their total.
        let members: Vec<&Offender> = off
            .brand
            .as_deref()
            .filter(|b| brand_shown != Some(*b))
            .map(|b| {
                order
                    .iter()
                    .map(|&j| &ev.offenders[j])
                    .filter(|o| o.brand.as_deref() == Some(b))
                    .collect()
            })
            .unwrap_or_default();
        if let (Some(b), true) = (off.brand.as_deref(), members.len() > 1) {
            brand_shown = Some(b);
            let total: u64 = members
                .iter()
                .map(|o| o.counts.marketing_after_optout)
                .sum();
            let _ = writeln!(
                out,
                "<tr class=\"group\"><th colspan=\"4\" scope=\"rowgroup\">{}: {}</th><td class=\"num\">{total}</td><td></td></tr>",
                escape(t.brand),
                escape(b)
            );
        } else if off.brand.as_deref() != brand_shown {
            brand_shown = None;
        }
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

pub(super) fn title(off: &Offender) -> String {
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

pub(super) fn status_badge(status: &str, t: &Strings) -> String {
    format!(
        "<span class=\"status status-{}\">{}</span>",
        escape(status),
        escape(t.status(status))
    )
}

/// Local time with its offset, then UTC on its own line.
pub(super) fn time(tr: &TimeRecord) -> String {
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

pub(super) fn message_ref(m: &EvidenceMessage) -> String {
    format!(
        "<blockquote class=\"text\">{}</blockquote><div class=\"when\">{}</div>",
        escape(&m.text),
        time(&m.time)
    )
}

fn complaints_head(out: &mut String, t: &Strings) {
    let _ = writeln!(
        out,
        "<section class=\"complaint\">\n<h2>{}</h2>\n<p class=\"muted\">{}</p>",
        escape(t.complaint),
        escape(t.complaint_note)
    );
}

/// Offender number `n`'s complaint text, in the complaints section.
fn complaint_text(out: &mut String, off: &Offender, n: usize, inline: Option<usize>, t: &Strings) {
    let _ = writeln!(
        out,
        "<h3><span class=\"n\">{n}</span> {}</h3>\n<pre class=\"complaint-text\">{}</pre>",
        title(off),
        escape(&complaint::offender_text(off, t, inline))
    );
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
