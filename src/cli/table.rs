//! `optout senders` and `optout brands`: tables for people (coloured as
//! `--color` says: by default on a terminal unless `NO_COLOR` is set) and
//! stable JSON for scripts.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};

use jiff::tz::TimeZone;
use unicode_width::UnicodeWidthStr;

use super::columns::{self, Column, Give};
use super::{CliError, ListArgs};
use crate::text;
use crate::track::{Report, SenderKind, SenderReport, Status};

/// A status as a word, a symbol (so it reads without colour) and an ANSI colour.
pub fn badge(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Violating => ("✗ violating", "\x1b[1;31m"),
        Status::Subscribed => ("● not opted out", "\x1b[33m"),
        Status::OptedOut => ("✓ opted out", "\x1b[32m"),
        Status::Confirmed => ("✓✓ confirmed", "\x1b[1;32m"),
        Status::Resubscribed => ("↺ resubscribed", "\x1b[34m"),
        Status::None => ("· none", "\x1b[2m"),
        Status::Ignored => ("– ignored", "\x1b[2m"),
    }
}

/// `Settings::colour`, or, when neither the flag nor the environment
/// decided it, whether standard output is a terminal.
fn use_colour(colour: Option<bool>) -> bool {
    colour.unwrap_or_else(|| std::io::stdout().is_terminal())
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

pub fn print_senders(
    report: &Report,
    args: &ListArgs,
    zone: &TimeZone,
    colour: Option<bool>,
    notes: &HashMap<(i64, String), String>,
) -> Result<(), CliError> {
    let f = filter(args)?;
    let mut rows: Vec<&SenderReport> = report
        .senders
        .iter()
        .filter(|s| keep(&f, s.status, s.brand.as_deref(), s.kind))
        .collect();
    sort_senders(&mut rows, &args.sort)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let json: Vec<_> = rows
            .iter()
            .map(|s| {
                let mut j = s.to_json(zone);
                j.send = notes.get(&(s.line_id, s.key.clone())).cloned();
                j
            })
            .collect();
        crate::text::write_json_pretty(&mut out, &json)?;
        writeln!(out)?;
        return Ok(());
    }
    if !args.all && f.kind.is_none() && f.statuses.is_empty() {
        rows.retain(|s| {
            matches!(s.kind, SenderKind::Marketing | SenderKind::Suspicious)
                || s.status != Status::None
        });
    }
    let several_lines = report
        .senders
        .first()
        .is_some_and(|first| report.senders.iter().any(|s| s.line != first.line));
    let mut status = Column::new("STATUS", Give::Never);
    let mut line = Column::new("LINE", Give::Shrink(4));
    let mut brand = Column::new("BRAND", Give::Shrink(6));
    let mut sender = Column::new("SENDER", Give::Never);
    let mut kind = Column::new("KIND", Give::Drop(3));
    let mut mkt = Column::new("MKT", Give::Never).right();
    let mut keyword = Column::new("KEYWORD→TARGET", Give::Never);
    let mut opted = Column::new("OPTED OUT", Give::Drop(2));
    let mut confirmed = Column::new("CONFIRMED", Give::Drop(0));
    let mut after = Column::new("AFTER", Give::Never).right();
    let mut seen = Column::new("LAST SEEN", Give::Drop(1));
    for s in &rows {
        status.cells.push(badge(s.status).0.to_string());
        line.cells.push(text::sanitize(&s.line));
        brand
            .cells
            .push(text::sanitize(s.brand.as_deref().unwrap_or("-")));
        sender.cells.push(text::sanitize(&s.key));
        kind.cells.push(s.kind.as_str().to_string());
        mkt.cells.push(s.marketing.to_string());
        keyword
            .cells
            .push(text::sanitize(&match (&s.keyword, &s.target) {
                (Some(k), Some(t)) => format!("{k}→{t}"),
                (Some(k), None) => k.clone(),
                _ => "-".into(),
            }));
        opted.cells.push(match &s.findings.optout {
            Some(o) if notes.contains_key(&(s.line_id, s.key.clone())) => format!(
                "{} (sent via {})",
                date(Some(o.moment()), zone),
                text::sanitize(o.manual.as_deref().unwrap_or_default())
            ),
            Some(o) if o.manual.is_some() => format!("{} (manual)", date(Some(o.moment()), zone)),
            Some(o) => date(Some(o.moment()), zone),
            None => "-".into(),
        });
        confirmed.cells.push(date(s.findings.confirmed, zone));
        after.cells.push(s.after_optout().to_string());
        seen.cells.push(date(s.last_seen, zone));
    }
    let mut columns = vec![status];
    if several_lines {
        columns.push(line);
    }
    columns.extend([
        brand, sender, kind, mkt, keyword, opted, confirmed, after, seen,
    ]);
    let statuses: Vec<Status> = rows.iter().map(|s| s.status).collect();
    print_table(&mut out, &columns, &statuses, use_colour(colour))?;
    if rows.is_empty() {
        writeln!(out, "(no senders match)")?;
    }
    for s in &rows {
        if let Some(note) = notes.get(&(s.line_id, s.key.clone())) {
            writeln!(out, "{}: {note}", text::sanitize(&s.key))?;
        }
    }
    Ok(())
}

/// Prints `columns` laid out in the terminal's width, colouring each row's
/// status (the first column) when colour is on.
fn print_table(
    out: &mut impl Write,
    columns: &[Column],
    statuses: &[Status],
    colour: bool,
) -> Result<(), CliError> {
    let lines = columns::render(columns, columns::available_width());
    let status_width = lines.first().map_or(0, |_| {
        columns[0]
            .cells
            .iter()
            .map(|c| c.width())
            .chain([6])
            .max()
            .unwrap_or(6)
    });
    for (i, l) in lines.iter().enumerate() {
        match i.checked_sub(1).and_then(|r| statuses.get(r)) {
            Some(&st) if colour => {
                let (_, ansi) = badge(st);
                let cut = l
                    .char_indices()
                    .scan(0, |w, (b, c)| {
                        *w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                        Some((b + c.len_utf8(), *w))
                    })
                    .find(|&(_, w)| w >= status_width)
                    .map_or(l.len(), |(b, _)| b);
                let (head, tail) = l.split_at(cut);
                writeln!(out, "{ansi}{head}\x1b[0m{tail}")?;
            }
            _ => writeln!(out, "{l}")?,
        }
    }
    Ok(())
}

pub fn print_brands(
    report: &Report,
    args: &ListArgs,
    zone: &TimeZone,
    colour: Option<bool>,
) -> Result<(), CliError> {
    let f = filter(args)?;
    if let Some(b) = &f.brand
        && !report.brands.iter().any(|x| &x.brand == b)
    {
        return Err(CliError(format!(
            "no brand '{}' in your messages: see `optout brands`",
            text::sanitize(b)
        )));
    }
    let rows: Vec<_> = report
        .brands
        .iter()
        .filter(|b| keep(&f, b.status, Some(&b.brand), b.kind))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let json: Vec<_> = rows.iter().map(|b| b.to_json(zone)).collect();
        crate::text::write_json_pretty(&mut out, &json)?;
        writeln!(out)?;
        return Ok(());
    }
    let several_lines = report
        .brands
        .first()
        .is_some_and(|first| report.brands.iter().any(|b| b.line != first.line));
    let mut status = Column::new("STATUS", Give::Never);
    let mut line = Column::new("LINE", Give::Shrink(4));
    let mut brand = Column::new("BRAND", Give::Shrink(6));
    let mut numbers = Column::new("NUMBERS", Give::Never).right();
    let mut mkt = Column::new("MKT", Give::Never).right();
    let mut keyword = Column::new("KEYWORD", Give::Never);
    let mut opted = Column::new("OPTED OUT", Give::Drop(1));
    let mut after = Column::new("AFTER", Give::Never).right();
    let mut senders = Column::new("SENDERS", Give::Drop(0));
    for b in &rows {
        status.cells.push(badge(b.status).0.to_string());
        line.cells.push(text::sanitize(&b.line));
        brand.cells.push(text::sanitize(&b.brand));
        numbers.cells.push(b.senders.len().to_string());
        mkt.cells.push(b.marketing.to_string());
        keyword
            .cells
            .push(text::sanitize(b.keyword.as_deref().unwrap_or("-")));
        opted.cells.push(date(
            b.optout.as_ref().map(crate::track::OptOut::moment),
            zone,
        ));
        after.cells.push(b.after_optout.to_string());
        senders.cells.push(text::sanitize(&b.senders.join(", ")));
    }
    let mut columns = vec![status];
    if several_lines {
        columns.push(line);
    }
    columns.extend([brand, numbers, mkt, keyword, opted, after, senders]);
    let statuses: Vec<Status> = rows.iter().map(|b| b.status).collect();
    print_table(&mut out, &columns, &statuses, use_colour(colour))?;
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
