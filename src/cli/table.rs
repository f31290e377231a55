//! `optout senders` and `optout brands`: tables for people (coloured on a
//! terminal unless `NO_COLOR` is set) and stable JSON for scripts.

use std::io::{IsTerminal, Write};

use jiff::tz::TimeZone;
use unicode_width::UnicodeWidthStr;

use super::{CliError, ListArgs};
use crate::text;
use crate::track::{Report, SenderKind, SenderReport, Status};

/// A status as a word, a symbol (so it reads without colour) and an ANSI colour.
pub fn badge(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Violating => ("✗ violating", "\x1b[1;31m"),
        Status::Subscribed => ("● subscribed", "\x1b[33m"),
        Status::OptedOut => ("✓ opted out", "\x1b[32m"),
        Status::Confirmed => ("✓ confirmed", "\x1b[1;32m"),
        Status::Resubscribed => ("↺ resubscribed", "\x1b[34m"),
        Status::None => ("· none", "\x1b[2m"),
        Status::Ignored => ("– ignored", "\x1b[2m"),
    }
}

fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

struct Filter {
    statuses: Vec<Status>,
    brand: Option<String>,
    kind: Option<SenderKind>,
}

fn filter(args: &ListArgs) -> Result<Filter, CliError> {
    let statuses = args
        .status
        .iter()
        .map(|s| {
            Status::parse(s.trim()).ok_or_else(|| {
                CliError(format!(
                    "--status: '{s}' is not one of violating, subscribed, opted_out, confirmed, resubscribed, none, ignored"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let kind = match &args.kind {
        Some(k) => Some(SenderKind::parse(k).ok_or_else(|| {
            CliError(format!(
                "--kind: '{k}' is not one of marketing, suspicious, transactional, personal"
            ))
        })?),
        None => None,
    };
    Ok(Filter {
        statuses,
        brand: args.brand.clone(),
        kind,
    })
}

fn keep(f: &Filter, status: Status, brand: Option<&str>, kind: SenderKind) -> bool {
    (f.statuses.is_empty() || f.statuses.contains(&status))
        && f.brand.as_deref().is_none_or(|b| brand == Some(b))
        && f.kind.is_none_or(|k| k == kind)
}

fn sort_senders(rows: &mut [&SenderReport], key: &str) -> Result<(), CliError> {
    match key {
        "last-seen" => {} // compute() already sorts by last seen
        "status" => rows.sort_by_key(|s| s.status),
        "marketing" => rows.sort_by_key(|s| std::cmp::Reverse(s.marketing)),
        "after" => rows.sort_by_key(|s| std::cmp::Reverse(s.after_optout())),
        "sender" => rows.sort_by(|a, b| a.key.cmp(&b.key)),
        other => {
            return Err(CliError(format!(
                "--sort: '{other}' is not one of last-seen, status, marketing, after, sender"
            )));
        }
    }
    Ok(())
}

/// Pads `s` to `width` terminal columns (CJK counts double), cutting with … when longer.
pub fn pad(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    if s.width() <= width {
        out.push_str(s);
        used = s.width();
    } else {
        for c in s.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

fn date(m: Option<crate::track::Moment>, zone: &TimeZone) -> String {
    m.map_or_else(
        || "-".into(),
        |m| text::short(m.ts_ms, m.utc_offset_s, zone),
    )
}

pub fn print_senders(report: &Report, args: &ListArgs, zone: &TimeZone) -> Result<(), CliError> {
    let f = filter(args)?;
    let mut rows: Vec<&SenderReport> = report
        .senders
        .iter()
        .filter(|s| keep(&f, s.status, s.brand.as_deref(), s.kind))
        .collect();
    sort_senders(&mut rows, &args.sort)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let json: Vec<_> = rows.iter().map(|s| s.to_json(zone)).collect();
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
        return Ok(());
    }
    if !args.all && f.kind.is_none() && f.statuses.is_empty() {
        rows.retain(|s| {
            matches!(s.kind, SenderKind::Marketing | SenderKind::Suspicious)
                || s.status != Status::None
        });
    }
    let colour = use_colour();
    writeln!(
        out,
        "{} {} {} {} {:>5} {} {} {} {:>5} LAST SEEN",
        pad("STATUS", 14),
        pad("BRAND", 14),
        pad("SENDER", 18),
        pad("KIND", 13),
        "MKT",
        pad("KEYWORD→TARGET", 22),
        pad("OPTED OUT", 16),
        pad("CONFIRMED", 16),
        "AFTER",
    )?;
    for s in &rows {
        let (label, ansi) = badge(s.status);
        let status = pad(label, 14);
        let status = if colour {
            format!("{ansi}{status}\x1b[0m")
        } else {
            status
        };
        let kw = match (&s.keyword, &s.target) {
            (Some(k), Some(t)) => format!("{k}→{t}"),
            (Some(k), None) => k.clone(),
            _ => "-".into(),
        };
        let opted = match &s.findings.optout {
            Some(o) if o.manual.is_some() => format!("{} (manual)", date(Some(o.moment()), zone)),
            Some(o) => date(Some(o.moment()), zone),
            None => "-".into(),
        };
        writeln!(
            out,
            "{} {} {} {} {:>5} {} {} {} {:>5} {}",
            status,
            pad(&text::sanitize(s.brand.as_deref().unwrap_or("-")), 14),
            pad(&text::sanitize(&s.key), 18),
            pad(s.kind.as_str(), 13),
            s.marketing,
            pad(&text::sanitize(&kw), 22),
            pad(&opted, 16),
            pad(&date(s.findings.confirmed, zone), 16),
            s.after_optout(),
            date(s.last_seen, zone),
        )?;
    }
    if rows.is_empty() {
        writeln!(out, "(no senders match)")?;
    }
    Ok(())
}

pub fn print_brands(report: &Report, args: &ListArgs, zone: &TimeZone) -> Result<(), CliError> {
    let f = filter(args)?;
    let rows: Vec<_> = report
        .brands
        .iter()
        .filter(|b| keep(&f, b.status, Some(&b.brand), b.kind))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let json: Vec<_> = rows.iter().map(|b| b.to_json(zone)).collect();
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
        return Ok(());
    }
    let colour = use_colour();
    writeln!(
        out,
        "{} {} {:>7} {:>5} {} {} {:>5} SENDERS",
        pad("STATUS", 14),
        pad("BRAND", 16),
        "NUMBERS",
        "MKT",
        pad("KEYWORD", 8),
        pad("OPTED OUT", 16),
        "AFTER"
    )?;
    for b in &rows {
        let (label, ansi) = badge(b.status);
        let status = pad(label, 14);
        let status = if colour {
            format!("{ansi}{status}\x1b[0m")
        } else {
            status
        };
        writeln!(
            out,
            "{} {} {:>7} {:>5} {} {} {:>5} {}",
            status,
            pad(&text::sanitize(&b.brand), 16),
            b.senders.len(),
            b.marketing,
            pad(b.keyword.as_deref().unwrap_or("-"), 8),
            pad(
                &date(b.optout.as_ref().map(crate::track::OptOut::moment), zone),
                16
            ),
            b.after_optout,
            text::sanitize(&b.senders.join(", "))
        )?;
    }
    if rows.is_empty() {
        writeln!(out, "(no brands match)")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::pad;

    #[test]
    fn pad_counts_terminal_columns() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("浦发", 6), "浦发  ");
        assert_eq!(pad("浦发银行信用卡", 7), "浦发银…");
        assert_eq!(pad("浦发银行信用卡", 8), "浦发银… ");
        assert_eq!(pad("abcdef", 4), "abc…");
    }
}
