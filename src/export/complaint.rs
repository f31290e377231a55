//! Complaint text, ready to paste, for the authority of each offender's
//! numbers (`complaint_to`): for a Chinese number the fields of China's
//! 12321 report form (被举报号码, 短信内容, 接收时间, 举报类型) with a Chinese
//! summary; for a US number an English summary fit for an FCC/FTC
//! complaint, and the messages to forward to 7726 (US carriers take them
//! too); for a UK number the messages to forward to 7726 and the English
//! summary for the ICO. The 12321 part is always Chinese and the English
//! parts always English (that is what those forms take); `lang` chooses the
//! headings. [`plain`] and [`plain_line`] are this target's escaping
//! functions.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::strings::Strings;
use super::{Evidence, EvidenceMessage, Lang, Offender, TimeRecord, visible_controls};

/// The escaping function for plain text: control characters made visible
/// (the text may be printed to a terminal), line breaks kept, and a bare
/// carriage return made a line break: printed, it would send the cursor
/// back and let the rest of a message overwrite the line.
pub fn plain(s: &str) -> String {
    let v = visible_controls(s);
    if v.contains('\r') {
        v.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        v.into_owned()
    }
}

/// [`plain`] on one line: for numbers, names and keywords, which must not
/// start a line of their own (a fake "被举报号码：" line, say).
pub fn plain_line(s: &str) -> String {
    one_line(&plain(s))
}

/// The whole complaint document; each list shows its first and last
/// `inline` messages (all with `None`).
pub fn render(evidence: &Evidence, lang: Lang, inline: Option<usize>) -> String {
    let mut out = Vec::new();
    let written: std::io::Result<()> = write(&mut out, evidence, lang, inline, |i| {
        Ok(Cow::Borrowed(&evidence.offenders[i]))
    });
    written.expect("writing to memory does not fail");
    String::from_utf8(out).expect("the text is built from strings")
}

/// [`render`], written to `w` one offender at a time; `offender(i)` gives
/// `evidence.offenders[i]` with the messages its lists show (see
/// `html::write`).
pub(super) fn write<'o, E, F>(
    w: &mut dyn std::io::Write,
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
    let mut out = String::new();
    let mut flush = |out: &mut String| -> Result<(), E> {
        w.write_all(out.as_bytes())?;
        out.clear();
        Ok(())
    };
    let n = evidence.offenders.len();
    let _ = writeln!(
        out,
        "{} — {n} {}",
        t.complaint_header,
        if n == 1 { t.offender } else { t.offenders }
    );
    let _ = writeln!(out, "{}: {}", t.evidence_sha256, evidence.sha256());
    if let Some(i) = &evidence.integrity {
        let _ = writeln!(out, "{}: {}", t.generated, human(&i.generated_at));
    }
    for (n, o) in evidence.offenders.iter().enumerate() {
        out.push('\n');
        let _ = writeln!(out, "==== {}. {} ====", n + 1, plain_line(&title(o)));
        out.push('\n');
        out.push_str(&offender_text(&*offender(n)?, t, inline));
        flush(&mut out)?;
    }
    let by_sms = evidence
        .offenders
        .iter()
        .flat_map(authorities)
        .any(|a| matches!(a, "12321" | "7726" | "fcc_ftc"));
    if by_sms {
        out.push('\n');
        let _ = writeln!(out, "{}", t.complaint_by_sms);
    }
    flush(&mut out)
}

fn title(o: &Offender) -> String {
    match &o.brand {
        Some(b) if o.scope == "sender" => format!("{} ({b})", o.name),
        _ => o.name.clone(),
    }
}

/// Where complaints about `o` go, each once: `12321`, `fcc_ftc`, `7726`, `unknown`.
pub fn authorities(o: &Offender) -> Vec<&'static str> {
    ["12321", "fcc_ftc", "7726", "unknown"]
        .into_iter()
        .filter(|a| o.senders.iter().any(|s| s.complaint_to == *a))
        .collect()
}

/// The parts for one offender's authorities (also shown in the HTML).
pub fn offender_text(o: &Offender, t: &Strings, inline: Option<usize>) -> String {
    let mut out = String::new();
    let authorities = authorities(o);
    for (i, a) in authorities.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match *a {
            "12321" => {
                let _ = writeln!(out, "{}", t.complaint_12321);
                out.push_str(&report_12321(o, t, inline));
            }
            "fcc_ftc" => {
                let _ = writeln!(out, "{}", t.complaint_fcc);
                let _ = writeln!(out, "{}", fcc_summary(o));
                out.push('\n');
                forward_7726(&mut out, o, t, t.complaint_7726_note_us, inline);
            }
            "7726" => {
                forward_7726(&mut out, o, t, t.complaint_7726_note, inline);
                out.push('\n');
                let _ = writeln!(out, "{}", t.complaint_ico);
                let _ = writeln!(out, "{}", fcc_summary(o));
            }
            _ => {
                let _ = writeln!(out, "{}", t.complaint_other);
                let _ = writeln!(out, "{}", fcc_summary(o));
            }
        }
    }
    out
}

fn forward_7726(out: &mut String, o: &Offender, t: &Strings, note: &str, inline: Option<usize>) {
    let _ = writeln!(out, "{}", t.complaint_7726);
    let _ = writeln!(out, "{note}");
    if o.violations.is_empty() {
        let _ = writeln!(out, "  —");
    }
    each_violation(out, o, t, inline, |out, i, m| {
        let _ = writeln!(
            out,
            "  {i}. {}  {}  {}",
            human(&m.time),
            plain_line(&m.sender),
            plain_line(&m.text)
        );
    });
}

/// Calls `f` with each shown violation and its number in the whole list,
/// and writes a line for the ones left out.
fn each_violation(
    out: &mut String,
    o: &Offender,
    t: &Strings,
    inline: Option<usize>,
    mut f: impl FnMut(&mut String, u64, &EvidenceMessage),
) {
    let (first, omitted, last) = super::window(&o.violations, o.listed.violations, inline);
    for (i, m) in first.iter().enumerate() {
        f(out, i as u64 + 1, m);
    }
    if omitted > 0 {
        let note = t.omitted_note(omitted, o.listed.violations, t.omitted_violations);
        let _ = writeln!(out, "  {note}");
    }
    let start = first.len() as u64 + omitted;
    for (i, m) in last.iter().enumerate() {
        f(out, start + i as u64 + 1, m);
    }
}

fn numbers(o: &Offender) -> String {
    o.senders
        .iter()
        .map(|s| plain_line(&s.key))
        .collect::<Vec<_>>()
        .join("、")
}

fn report_12321(o: &Offender, t: &Strings, inline: Option<usize>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "被举报号码：{}", numbers(o));
    let kind = if o.category == "financial_marketing" {
        "金融营销"
    } else {
        "商业广告"
    };
    let _ = writeln!(out, "举报类型：{kind}");
    let _ = writeln!(out, "情况说明：{}", summary_zh(o));
    let many = o.senders.len() > 1;
    each_violation(&mut out, o, t, inline, |out, i, m| {
        let _ = writeln!(out, "短信 {i}");
        if many {
            let _ = writeln!(out, "  发送号码：{}", plain_line(&m.sender));
        }
        let _ = writeln!(out, "  接收时间：{}", human(&m.time));
        let _ = writeln!(
            out,
            "  短信内容：{}",
            indent(&plain(&m.text), "            ")
        );
    });
    out
}

/// One paragraph in Chinese: the opt-out, and what kept coming.
pub fn summary_zh(o: &Offender) -> String {
    let mut s = String::new();
    let who = if o.senders.len() > 1 {
        format!("该品牌（{}）旗下号码", plain_line(&o.name))
    } else {
        "该号码".to_string()
    };
    if let Some(first) = &o.counts.first_marketing {
        let _ = write!(s, "{who}自{}起向本人发送营销短信。", human(first));
    }
    match &o.optout {
        Some(x) if x.manual => {
            let _ = write!(
                s,
                "本人已于{}通过{}办理退订（手动记录，不在短信导出文件中）。",
                human(&x.at),
                plain_line(
                    x.channel
                        .as_deref()
                        .map_or("其他方式", |c| Lang::Zh.strings().manual_channel(c))
                )
            );
        }
        Some(x) => {
            let kw = plain_line(&reply_text(x));
            if let Some(i) = &o.instruction {
                let whose = if o.counts.first_marketing.is_some() {
                    "其".to_string()
                } else {
                    format!("{who}的")
                };
                let _ = write!(
                    s,
                    "{whose}营销短信提示回复“{}”退订。",
                    plain_line(&i.keyword)
                );
            }
            let _ = write!(
                s,
                "本人已于{}向{}回复“{kw}”退订。",
                human(&x.at),
                plain_line(&x.to)
            );
        }
        None => {
            let _ = write!(s, "本人未找到退订记录。");
        }
    }
    if let Some(c) = &o.confirmation {
        let _ = write!(s, "对方已于{}回复确认退订。", human(&c.time));
    }
    let n = o.counts.marketing_after_optout;
    match (
        &o.counts.first_violation,
        &o.counts.last_violation,
        &o.optout,
    ) {
        (Some(first), Some(last), Some(x)) if n > 0 => {
            let _ = write!(
                s,
                "但在退订及{}宽限期之后，{who}仍继续发送营销短信共{n}条，首条于{}，最近一条于{}。",
                grace_zh(&x.grace),
                human(first),
                human(last)
            );
        }
        (_, _, Some(_)) => {
            let _ = write!(s, "退订之后未再收到营销短信。");
        }
        (_, _, None) => {}
    }
    if n > 0 {
        s.push_str("本人从未同意继续接收，请依法处理。");
    }
    s
}

fn grace_zh(grace: &str) -> String {
    let digits: String = grace.chars().filter(char::is_ascii_digit).collect();
    let unit: String = grace.chars().filter(|c| !c.is_ascii_digit()).collect();
    match unit.as_str() {
        "bd" => format!("{digits}个工作日"),
        "d" => format!("{digits}天"),
        "h" => format!("{digits}小时"),
        _ => format!("{digits}分钟"),
    }
}

fn grace_en(grace: &str) -> String {
    let digits: String = grace.chars().filter(char::is_ascii_digit).collect();
    let unit: String = grace.chars().filter(|c| !c.is_ascii_digit()).collect();
    let plural = if digits == "1" { "" } else { "s" };
    match unit.as_str() {
        "bd" => format!("{digits} business day{plural}"),
        "d" => format!("{digits} day{plural}"),
        "h" => format!("{digits} hour{plural}"),
        _ => format!("{digits} minute{plural}"),
    }
}

/// One paragraph in English for the FCC/FTC: sender, dates, what was
/// advertised, when and how consent was revoked, and how many came since.
pub fn fcc_summary(o: &Offender) -> String {
    let mut s = String::new();
    let keys: Vec<String> = o.senders.iter().map(|x| plain_line(&x.key)).collect();
    let mut aliases: Vec<String> = o
        .senders
        .iter()
        .flat_map(|x| x.aliases.iter())
        .filter(|a| !o.senders.iter().any(|x| x.key == **a))
        .map(|a| plain_line(a))
        .collect();
    aliases.dedup();
    let _ = write!(
        s,
        "Sender: {}",
        if keys.len() > 1 {
            format!("{} (numbers of {})", keys.join(", "), plain_line(&o.name))
        } else {
            keys.join(", ")
        }
    );
    if !aliases.is_empty() {
        let _ = write!(s, " (also shown as {})", aliases.join(", "));
    }
    if let Some(b) = &o.brand {
        let _ = write!(s, "; brand: {}", plain_line(b));
    }
    s.push_str(". ");
    let them = if o.senders.len() > 1 {
        "these numbers"
    } else {
        "this sender"
    };
    // From the first marketing message to the last violation.
    let first_seen = o
        .counts
        .first_marketing
        .as_ref()
        .or_else(|| {
            o.instruction
                .as_ref()
                .and_then(|i| i.message.as_ref())
                .map(|m| &m.time)
        })
        .or(o.counts.first_violation.as_ref());
    let advertised: Option<&EvidenceMessage> = o
        .violations
        .first()
        .or_else(|| o.instruction.as_ref().and_then(|i| i.message.as_ref()));
    if let (Some(from), Some(to), Some(ad)) =
        (first_seen, o.counts.last_violation.as_ref(), advertised)
    {
        let _ = write!(
            s,
            "Between {} and {} I received marketing text messages from {}, advertising: \"{}\". ",
            date(from),
            date(to),
            them,
            plain_line(&snippet(&ad.text, 120))
        );
    }
    match &o.optout {
        Some(x) if x.manual => {
            let _ = write!(
                s,
                "I revoked consent on {} by {} (my own record; it is not a text message in the export)",
                date(&x.at),
                plain_line(
                    x.channel
                        .as_deref()
                        .map_or("other means", |c| Lang::En.strings().manual_channel(c))
                )
            );
        }
        Some(x) => {
            let _ = write!(
                s,
                "I revoked consent on {} by replying \"{}\" to {}",
                date(&x.at),
                plain_line(&reply_text(x)),
                plain_line(&x.to)
            );
            if let Some(i) = &o.instruction {
                let _ = write!(
                    s,
                    ", the opt-out keyword the messages advertised (\"{}\")",
                    plain_line(&i.keyword)
                );
            }
        }
        None => s.push_str("I have no record of revoking consent"),
    }
    match &o.confirmation {
        Some(c) => {
            let _ = write!(
                s,
                "; the sender confirmed the opt-out on {}. ",
                date(&c.time)
            );
        }
        None => s.push_str(". "),
    }
    let n = o.counts.marketing_after_optout;
    match (
        &o.optout,
        &o.counts.first_violation,
        &o.counts.last_violation,
    ) {
        (Some(x), Some(first), Some(last)) if n > 0 => {
            let business = o
                .violations
                .first()
                .and_then(|m| m.business_days_since_optout)
                .map(|bd| {
                    format!(
                        " ({bd} business day{} after I opted out)",
                        if bd == 1 { "" } else { "s" }
                    )
                })
                .unwrap_or_default();
            let _ = write!(
                s,
                "Since then, after allowing {} for the opt-out to take effect, I have received {n} more marketing message{} from {them}, the first on {}{business} and the last on {}",
                grace_en(&x.grace),
                if n == 1 { "" } else { "s" },
                date(first),
                date(last)
            );
            s.push_str(". I did not consent to these messages.");
        }
        (Some(_), _, _) => {
            let _ = write!(
                s,
                "I have received no marketing messages from {them} since then."
            );
        }
        (None, _, _) => {}
    }
    s.trim_end().to_string()
}

/// What the user sent: the reply as stored, else the folded keyword.
fn reply_text(x: &super::OptOutRecord) -> String {
    x.message.as_ref().map_or_else(
        || x.keyword.clone().unwrap_or_default(),
        |m| one_line(&m.text),
    )
}

/// `2026-03-05 10:30:00 +08:00`: local time with its offset.
pub fn human(t: &TimeRecord) -> String {
    let dt: String = t.local.chars().take(19).collect();
    let offset: String = t.local.chars().skip(19).collect();
    format!("{} {offset}", dt.replacen('T', " ", 1))
}

/// `2026-03-05`: the local date.
fn date(t: &TimeRecord) -> String {
    t.local.chars().take(10).collect()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `max` characters of `s` on one line, with `…` when cut.
fn snippet(s: &str, max: usize) -> String {
    let line = one_line(s);
    if line.chars().count() <= max {
        line
    } else {
        let mut cut: String = line.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

fn indent(s: &str, pad: &str) -> String {
    s.lines().collect::<Vec<_>>().join(&format!("\n{pad}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_cut_on_characters_not_bytes() {
        assert_eq!(snippet("【浦发银行】分期\n购车", 6), "【浦发银行】…");
        assert_eq!(snippet("short", 10), "short");
    }

    #[test]
    fn grace_reads_naturally() {
        assert_eq!(grace_zh("24h"), "24小时");
        assert_eq!(grace_zh("10bd"), "10个工作日");
        assert_eq!(grace_en("1d"), "1 day");
        assert_eq!(grace_en("10bd"), "10 business days");
    }

    #[test]
    fn times_read_as_local_with_offset() {
        let t =
            super::super::time_record(1_772_677_800_000, Some(8 * 3600), &jiff::tz::TimeZone::UTC);
        assert_eq!(human(&t), "2026-03-05 10:30:00 +08:00");
        assert_eq!(date(&t), "2026-03-05");
    }
}
