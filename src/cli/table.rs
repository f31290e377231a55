//! `optout senders` and `optout brands`: tables for people (coloured as
//! `--color` says: by default on a terminal unless `NO_COLOR` is set) and
//! stable JSON for scripts.

use std::io::{IsTerminal, Write};

use jiff::tz::TimeZone;
use unicode_width::UnicodeWidthStr;

use super::columns::{self, Column, Give};
use super::{CliError, ListArgs};
use crate::findings::{CacheOrder, Pages};
use crate::store::Store;
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

/// The `--sort` key as the order the rows are read in.
fn order(key: &str) -> Result<CacheOrder, CliError> {
    Ok(match key {
        "last-seen" => CacheOrder::LastSeen,
        "status" => CacheOrder::Status,
        "marketing" => CacheOrder::Marketing,
        "after" => CacheOrder::After,
        "sender" => CacheOrder::Sender,
        other => {
            return Err(CliError(format!(
                "--sort: '{other}' is not one of last-seen, status, marketing, after, sender"
            )));
        }
    })
}

/// `rows` (latest seen first, as a report is) in `order`: the order
/// [`Store::scan_cached_in_order`](crate::store::Store::scan_cached_in_order) reads.
fn sort_senders(rows: &mut [&SenderReport], order: CacheOrder) {
    match order {
        CacheOrder::LastSeen => {}
        CacheOrder::Status => rows.sort_by_key(|s| s.status),
        CacheOrder::Marketing => rows.sort_by_key(|s| std::cmp::Reverse(s.marketing)),
        CacheOrder::After => rows.sort_by_key(|s| std::cmp::Reverse(s.after_optout())),
        CacheOrder::Sender => rows.sort_by(|a, b| a.key.cmp(&b.key)),
    }
}

/// Where the listed senders come from: the findings cache, a row at a
/// time, or a report computed in memory when the cache cannot be used.
pub enum SenderRows<'a> {
    Cache(&'a Pages<'a>),
    Report(&'a Report),
}

impl SenderRows<'_> {
    /// Every row in `order`, lent to `f` one at a time.
    fn each(
        &self,
        order: CacheOrder,
        f: &mut dyn FnMut(&SenderReport) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        match self {
            SenderRows::Cache(pages) => pages.each(order, f),
            SenderRows::Report(report) => {
                let mut rows: Vec<&SenderReport> = report.senders.iter().collect();
                sort_senders(&mut rows, order);
                rows.into_iter().try_for_each(f)
            }
        }
    }
}

/// What `optout send` says about the opt-out it sent to `s`, if it sent one.
fn note(store: &Store, s: &SenderReport) -> Result<Option<String>, CliError> {
    let sent = s.findings.optout.as_ref().is_some_and(|o| {
        o.manual
            .as_deref()
            .is_some_and(|c| crate::model::SEND_CHANNELS.contains(&c))
    });
    if !sent {
        return Ok(None);
    }
    // The note reads the opt-out, the confirmation and the status, not the
    // lists of messages.
    let mut one = s.clone();
    one.findings.violations = crate::track::Moments::default();
    one.findings.in_flight = crate::track::Moments::default();
    let report = Report {
        senders: vec![one],
        brands: Vec::new(),
    };
    Ok(crate::send::notes(store, &report)?.remove(&(s.line_id, s.key.clone())))
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

/// The table's cells of one sender, in the order of [`sender_columns`].
fn sender_cells(s: &SenderReport, zone: &TimeZone, note: Option<&String>) -> [String; 11] {
    [
        badge(s.status).0.to_string(),
        text::sanitize(&s.line),
        text::sanitize(s.brand.as_deref().unwrap_or("-")),
        text::sanitize(&s.key),
        s.kind.as_str().to_string(),
        s.marketing.to_string(),
        text::sanitize(&match (&s.keyword, &s.target) {
            (Some(k), Some(t)) => format!("{k}→{t}"),
            (Some(k), None) => k.clone(),
            _ => "-".into(),
        }),
        match &s.findings.optout {
            Some(o) if note.is_some() => format!(
                "{} (sent via {})",
                date(Some(o.moment()), zone),
                text::sanitize(o.manual.as_deref().unwrap_or_default())
            ),
            Some(o) if o.manual.is_some() => format!("{} (manual)", date(Some(o.moment()), zone)),
            Some(o) => date(Some(o.moment()), zone),
            None => "-".into(),
        },
        date(s.findings.confirmed, zone),
        s.after_optout().to_string(),
        date(s.last_seen, zone),
    ]
}

fn sender_columns() -> [Column; 11] {
    [
        Column::new("STATUS", Give::Never),
        Column::new("LINE", Give::Shrink(4)),
        Column::new("BRAND", Give::Shrink(6)),
        Column::new("SENDER", Give::Never),
        Column::new("KIND", Give::Drop(3)),
        Column::new("MKT", Give::Never).right(),
        Column::new("KEYWORD→TARGET", Give::Never),
        Column::new("OPTED OUT", Give::Drop(2)),
        Column::new("CONFIRMED", Give::Drop(0)),
        Column::new("AFTER", Give::Never).right(),
        Column::new("LAST SEEN", Give::Drop(1)),
    ]
}

/// `optout senders`: the rows of `rows` that `args` keeps, as a table or
/// as JSON, printed as they are read. The table is laid out in a first
/// pass that measures every cell and keeps none.
pub fn print_senders(
    store: &Store,
    rows: &SenderRows<'_>,
    args: &ListArgs,
    zone: &TimeZone,
    colour: Option<bool>,
) -> Result<(), CliError> {
    let f = filter(args)?;
    let order = order(&args.sort)?;
    let wanted = |s: &SenderReport| keep(&f, s.status, s.brand.as_deref(), s.kind);
    let mut out = std::io::stdout().lock();
    if args.json {
        // A damaged cached row fails here, before anything is printed.
        rows.each(order, &mut |_| Ok(()))?;
        let json = JsonRows {
            rows,
            order,
            wanted: &wanted,
            store,
            zone,
            failed: std::cell::RefCell::new(None),
        };
        if let Err(e) = crate::text::write_json_pretty(&mut out, &json) {
            return Err(json.failed.into_inner().unwrap_or_else(|| e.into()));
        }
        writeln!(out)?;
        return Ok(());
    }
    let all = args.all || f.kind.is_some() || !f.statuses.is_empty();
    let shown = |s: &SenderReport| {
        wanted(s)
            && (all
                || matches!(s.kind, SenderKind::Marketing | SenderKind::Suspicious)
                || s.status != Status::None)
    };
    let mut columns = sender_columns();
    let mut first_line: Option<String> = None;
    let mut several_lines = false;
    let mut count = 0_u64;
    // Every row is read before anything is printed: a damaged cached row
    // fails here.
    rows.each(order, &mut |s| {
        match &first_line {
            None => first_line = Some(s.line.clone()),
            Some(l) => several_lines |= *l != s.line,
        }
        if shown(s) {
            let note = note(store, s)?;
            for (c, cell) in columns.iter_mut().zip(sender_cells(s, zone, note.as_ref())) {
                c.fit(&cell);
            }
            count += 1;
        }
        Ok(())
    })?;
    let keep_column: Vec<bool> = (0..columns.len())
        .map(|i| i != 1 || several_lines)
        .collect();
    let columns: Vec<Column> = columns
        .into_iter()
        .zip(&keep_column)
        .filter_map(|(c, &k)| k.then_some(c))
        .collect();
    let widths = columns::layout(&columns, columns::available_width());
    let status_width = columns[0].widest_cell().max(6);
    let colour = use_colour(colour);
    let headers: Vec<&str> = columns.iter().map(|c| c.header).collect();
    writeln!(out, "{}", columns::row(&columns, &widths, &headers))?;
    // Only the senders `optout send` wrote to have a note: a few.
    let mut notes = Vec::new();
    rows.each(order, &mut |s| {
        if !shown(s) {
            return Ok(());
        }
        let note = note(store, s)?;
        let cells = sender_cells(s, zone, note.as_ref());
        let cells: Vec<&str> = cells
            .iter()
            .zip(&keep_column)
            .filter_map(|(c, &k)| k.then_some(c.as_str()))
            .collect();
        let line = columns::row(&columns, &widths, &cells);
        write_row(&mut out, &line, Some(s.status), status_width, colour)?;
        if let Some(note) = note {
            notes.push(format!("{}: {note}", text::sanitize(&s.key)));
        }
        Ok(())
    })?;
    if count == 0 {
        writeln!(out, "(no senders match)")?;
    }
    for n in notes {
        writeln!(out, "{n}")?;
    }
    Ok(())
}

/// The rows `optout senders --json` prints, serialised as they are read.
struct JsonRows<'a> {
    rows: &'a SenderRows<'a>,
    order: CacheOrder,
    wanted: &'a dyn Fn(&SenderReport) -> bool,
    store: &'a Store,
    zone: &'a TimeZone,
    /// Why reading the rows stopped, when it was not the writing.
    failed: std::cell::RefCell<Option<CliError>>,
}

impl serde::Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = ser.serialize_seq(None)?;
        let mut written = None;
        let read = self.rows.each(self.order, &mut |s| {
            if !(self.wanted)(s) {
                return Ok(());
            }
            let mut j = s.to_json(self.zone);
            j.send = note(self.store, s)?;
            seq.serialize_element(&j).map_err(|e| {
                written = Some(e);
                CliError("stopped by the writer".into())
            })
        });
        if let Some(e) = written {
            return Err(e);
        }
        if let Err(e) = read {
            let message = e.0.clone();
            *self.failed.borrow_mut() = Some(e);
            return Err(S::Error::custom(message));
        }
        seq.end()
    }
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
    let status_width = columns[0].widest_cell().max(6);
    for (i, l) in lines.iter().enumerate() {
        let status = i.checked_sub(1).and_then(|r| statuses.get(r)).copied();
        write_row(out, l, status, status_width, colour)?;
    }
    Ok(())
}

/// One line of a table, its first `status_width` columns in the colour of
/// `status` when colour is on and it is a row (not the header).
fn write_row(
    out: &mut impl Write,
    l: &str,
    status: Option<Status>,
    status_width: usize,
    colour: bool,
) -> Result<(), CliError> {
    match status {
        Some(st) if colour => {
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
