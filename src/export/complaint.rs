//! Complaint text, ready to paste: per offender, the fields of China's
//! 12321 report form (被举报号码, 短信内容, 接收时间, 举报类型) with a Chinese
//! summary; an English summary fit for an FCC/FTC complaint; and the
//! messages to forward to 7726. The 12321 part is always Chinese and the
//! FCC/FTC part always English (that is what those forms take); `lang`
//! chooses the headings. [`plain`] is this target's escaping function.

use std::fmt::Write as _;

use super::strings::Strings;
use super::{Evidence, EvidenceMessage, Lang, Offender, TimeRecord, visible_controls};

/// The escaping function for plain text: control characters made visible
/// (the text may be printed to a terminal), line breaks kept.
pub fn plain(s: &str) -> String {
    visible_controls(s).into_owned()
}

/// The whole complaint document.
pub fn render(evidence: &Evidence, lang: Lang) -> String {
    let t = lang.strings();
    let mut out = String::new();
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
        let _ = writeln!(out, "==== {}. {} ====", n + 1, plain(&title(o)));
        out.push('\n');
        out.push_str(&offender_text(o, t));
    }
    out
}

fn title(o: &Offender) -> String {
    match &o.brand {
        Some(b) if o.scope == "sender" => format!("{} ({b})", o.name),
        _ => o.name.clone(),
    }
}

/// The three parts for one offender (also shown in the HTML).
pub fn offender_text(o: &Offender, t: &Strings) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", t.complaint_12321);
    out.push_str(&report_12321(o));
    out.push('\n');
    let _ = writeln!(out, "{}", t.complaint_fcc);
    let _ = writeln!(out, "{}", fcc_summary(o));
    out.push('\n');
    let _ = writeln!(out, "{}", t.complaint_7726);
    let _ = writeln!(out, "{}", t.complaint_7726_note);
    if o.violations.is_empty() {
        let _ = writeln!(out, "  —");
    }
    for (i, m) in o.violations.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {}  {}  {}",
            i + 1,
            human(&m.time),
            plain(&m.sender),
            plain(&one_line(&m.text))
        );
    }
    out
}

fn numbers(o: &Offender) -> String {
    o.senders
        .iter()
        .map(|s| plain(&s.key))
        .collect::<Vec<_>>()
        .join("、")
}

fn report_12321(o: &Offender) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "被举报号码：{}", numbers(o));
    let kind = if o.category == "financial_marketing" {
        "金融营销"
    } else {
        "商业广告"
    };
    let _ = writeln!(out, "举报类型：{kind}");
    let _ = writeln!(out, "情况说明：{}", summary_zh(o));
    for (i, m) in o.violations.iter().enumerate() {
        let _ = writeln!(out, "短信 {}", i + 1);
        if o.senders.len() > 1 {
            let _ = writeln!(out, "  发送号码：{}", plain(&m.sender));
        }
        let _ = writeln!(out, "  接收时间：{}", human(&m.time));
        let _ = writeln!(
            out,
            "  短信内容：{}",
            indent(&plain(&m.text), "            ")
        );
    }
    out
}

/// One paragraph in Chinese: the opt-out, and what kept coming.
pub fn summary_zh(o: &Offender) -> String {
    let mut s = String::new();
    let who = if o.senders.len() > 1 {
        format!("该品牌（{}）旗下号码", plain(&o.name))
    } else {
        "该号码".to_string()
    };
    match &o.optout {
        Some(x) if x.manual => {
            let _ = write!(
                s,
                "本人已于{}通过{}办理退订（手动记录，不在短信导出文件中）。",
                human(&x.at),
                plain(x.channel.as_deref().unwrap_or("其他方式"))
            );
        }
        Some(x) => {
            let kw = plain(&reply_text(x));
            if let Some(i) = &o.instruction {
                let _ = write!(s, "{who}的营销短信提示回复“{}”退订。", plain(&i.keyword));
            }
            let _ = write!(
                s,
                "本人已于{}向{}回复“{kw}”退订。",
                human(&x.at),
                plain(&x.to)
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
    let keys: Vec<String> = o.senders.iter().map(|x| plain(&x.key)).collect();
    let mut aliases: Vec<String> = o
        .senders
        .iter()
        .flat_map(|x| x.aliases.iter())
        .filter(|a| !o.senders.iter().any(|x| x.key == **a))
        .map(|a| plain(a))
        .collect();
    aliases.dedup();
    let _ = write!(
        s,
        "Sender: {}",
        if keys.len() > 1 {
            format!("{} (numbers of {})", keys.join(", "), plain(&o.name))
        } else {
            keys.join(", ")
        }
    );
    if !aliases.is_empty() {
        let _ = write!(s, " (also shown as {})", aliases.join(", "));
    }
    if let Some(b) = &o.brand {
        let _ = write!(s, "; brand: {}", plain(b));
    }
    s.push_str(". ");
    let them = if o.senders.len() > 1 {
        "these numbers"
    } else {
        "this sender"
    };
    let first_seen = o
        .instruction
        .as_ref()
        .and_then(|i| i.message.as_ref())
        .map(|m| &m.time)
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
            plain(&snippet(&ad.text, 120))
        );
    }
    match &o.optout {
        Some(x) if x.manual => {
            let _ = write!(
                s,
                "I revoked consent on {} by {} (my own record; it is not a text message in the export)",
                date(&x.at),
                plain(x.channel.as_deref().unwrap_or("other means"))
            );
        }
        Some(x) => {
            let _ = write!(
                s,
                "I revoked consent on {} by replying \"{}\" to {}",
                date(&x.at),
                plain(&reply_text(x)),
                plain(&x.to)
            );
            if let Some(i) = &o.instruction {
                let _ = write!(
                    s,
                    ", the opt-out keyword the messages advertised (\"{}\")",
                    plain(&i.keyword)
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
