//! CSV: one row per message (and per manual opt-out record), UTF-8 with a
//! byte-order mark so Excel, including Chinese Excel, opens it as UTF-8.
//! Every cell goes through [`cell`], which neutralises spreadsheet formulas.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

use super::stream::{Plan, Which};
use super::write::RenderError;
use super::{Evidence, EvidenceMessage, Offender, TimeRecord, visible_controls};

/// The header row: a stable interface, like the JSON field names.
pub const HEADER: [&str; 19] = [
    "offender",
    "sender",
    "address",
    "brand",
    "direction",
    "role",
    "kind",
    "local_time",
    "utc_time",
    "offset_source",
    "days_since_optout",
    "business_days_since_optout",
    "text",
    "message_id",
    "import_id",
    "source_file",
    "source_sha256",
    "evidence_sha256",
    "reason",
];

/// Characters a spreadsheet reads as the start of a formula.
const FORMULA: [char; 4] = ['=', '+', '-', '@'];

/// Where a spreadsheet may start a new cell or line: the separators of every
/// locale (`,` `;` tab) and line breaks. A cell read with the wrong
/// separator (`;` in much of Europe) is split there.
fn is_boundary(c: char) -> bool {
    matches!(c, ',' | ';' | '\t' | '\r' | '\n')
}

/// A number and nothing else (`+8613912345678`, `+1 (555) 010-0100`,
/// `-50`): a spreadsheet may compute it, but no function, reference or DDE
/// link can be written with these characters, so it is left exact.
fn is_plain_number(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('+' | '-'))
        && s.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
}

/// The escaping function for CSV (OWASP CSV injection): control characters
/// made visible; a cell starting with a formula character (`=` `+` `-` `@`,
/// after any spaces) or with a tab or carriage return gets a leading `'`,
/// and so does every formula character that follows a separator or a line
/// break inside the cell (`a;=b` → `a;'=b`), so that reading the file with
/// another separator cannot start a formula either. A plain number
/// ([`is_plain_number`]: phone numbers) is left as it is. [`write_row`]
/// quotes any cell holding a separator.
pub fn cell(s: &str) -> Cow<'_, str> {
    let visible = visible_controls(s);
    if is_plain_number(visible.trim_start_matches(' ')) {
        return visible;
    }
    let needs = |v: &str| {
        let mut boundary = true;
        v.chars().any(|c| {
            let hit = boundary && FORMULA.contains(&c);
            boundary = is_boundary(c) || (boundary && c == ' ');
            hit
        }) || v.starts_with(['\t', '\r'])
    };
    if !needs(&visible) {
        return visible;
    }
    let mut out = String::with_capacity(visible.len() + 4);
    if visible.starts_with(['\t', '\r']) {
        out.push('\'');
    }
    let mut boundary = true;
    for c in visible.chars() {
        if boundary && FORMULA.contains(&c) {
            out.push('\'');
        }
        boundary = is_boundary(c) || (boundary && c == ' ');
        out.push(c);
    }
    Cow::Owned(out)
}

/// One CSV row, cells through [`cell`], CRLF-terminated. A cell is quoted
/// when it holds a quote, a separator of any locale or a line break, or
/// starts or ends with a space.
pub fn write_row<'c, W, I>(w: &mut W, cells: I) -> std::io::Result<()>
where
    W: Write + ?Sized,
    I: IntoIterator<Item = &'c str>,
{
    for (i, raw) in cells.into_iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        let c = cell(raw);
        let quote =
            c.contains(['"', ',', ';', '\t', '\r', '\n']) || c.starts_with(' ') || c.ends_with(' ');
        if quote {
            w.write_all(b"\"")?;
            w.write_all(c.replace('"', "\"\"").as_bytes())?;
            w.write_all(b"\"")?;
        } else {
            w.write_all(c.as_bytes())?;
        }
    }
    w.write_all(b"\r\n")
}

/// The byte-order mark that makes Excel read UTF-8.
pub(super) const BOM: &str = "\u{FEFF}";

/// The evidence as CSV bytes.
pub fn render(evidence: &Evidence) -> Vec<u8> {
    let mut out = BOM.as_bytes().to_vec();
    let files = files(evidence);
    let sha = evidence.sha256();
    let write = |out: &mut Vec<u8>| -> std::io::Result<()> {
        write_row(out, HEADER)?;
        for o in &evidence.offenders {
            for row in rows(o, sha, &files) {
                write_row(out, written(&row))?;
            }
        }
        Ok(())
    };
    write(&mut out).expect("CSV into memory");
    out
}

/// The evidence as CSV, every message read from the store as it is written.
pub(super) fn write_plan(w: &mut dyn Write, plan: &Plan<'_>) -> Result<(), RenderError> {
    let evidence = &plan.evidence;
    let files = files(evidence);
    let sha = evidence.sha256();
    w.write_all(BOM.as_bytes())?;
    write_row(w, HEADER)?;
    for (i, o) in evidence.offenders.iter().enumerate() {
        // The offender's facts (and a manual record), merged by time with its lists.
        let heads = rows(o, sha, &files);
        let mut heads = heads.into_iter().peekable();
        plan.for_each(i, Which::Both, true, |m| -> Result<(), RenderError> {
            let key = (m.time.ts_ms, m.message_id);
            while let Some(row) = heads.next_if(|r| row_key(r) <= key) {
                write_row(w, written(&row))?;
            }
            write_row(w, written(&message_row(o, &m, sha, &files)))?;
            Ok(())
        })?;
        for row in heads {
            write_row(w, written(&row))?;
        }
    }
    Ok(())
}

/// Where a row goes in time order: its time, then its message id (a manual
/// record after the messages of the same millisecond).
fn row_key(row: &[String]) -> (i64, i64) {
    let ts = row[TS_COLUMN].parse().unwrap_or(i64::MIN);
    let id = row[MESSAGE_ID_COLUMN].parse().unwrap_or(i64::MAX);
    (ts, id)
}

fn files(evidence: &Evidence) -> HashMap<i64, String> {
    evidence
        .imports
        .iter()
        .map(|i| (i.import_id, i.file_name.clone()))
        .collect()
}

/// Rows carry their time in milliseconds after the header's columns, for
/// ordering (never written).
const TS_COLUMN: usize = HEADER.len();
const MESSAGE_ID_COLUMN: usize = 13;

fn message_row(
    o: &Offender,
    m: &EvidenceMessage,
    sha: &str,
    files: &HashMap<i64, String>,
) -> Vec<String> {
    let opt = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    vec![
        o.name.clone(),
        m.sender.clone(),
        m.address.clone(),
        o.brand.clone().unwrap_or_default(),
        m.direction.to_string(),
        m.role.to_string(),
        m.kind.clone(),
        m.time.local.clone(),
        m.time.utc.clone(),
        m.time.offset_source.to_string(),
        opt(m.days_since_optout),
        opt(m.business_days_since_optout),
        m.text.clone(),
        m.message_id.to_string(),
        m.import_id.to_string(),
        files.get(&m.import_id).cloned().unwrap_or_default(),
        m.source_sha256.clone(),
        sha.to_string(),
        reason_cell(m),
    ]
}

/// `rule: words` (or the rule alone) for the message's kind.
fn reason_cell(m: &EvidenceMessage) -> String {
    m.reason
        .as_ref()
        .map_or_else(String::new, |r| match &r.text {
            Some(w) => format!("{}: {w}", r.rule),
            None => r.rule.clone(),
        })
}

/// The rows of an offender's listed messages (all of them for an in-memory
/// evidence; its facts only for a plan, whose lists are streamed), with a
/// manual record in its place, in time order. Each row carries its time in
/// a last, unwritten column.
fn rows(o: &Offender, sha: &str, files: &HashMap<i64, String>) -> Vec<Vec<String>> {
    let mut messages: Vec<&EvidenceMessage> = super::offender_messages(o);
    messages.sort_by_key(|m| (m.time.ts_ms, m.message_id));
    let mut rows: Vec<Vec<String>> = messages
        .iter()
        .map(|m| {
            let mut row = message_row(o, m, sha, files);
            row.push(m.time.ts_ms.to_string());
            row
        })
        .collect();
    // A manual opt-out is not a message, but it is part of the timeline.
    if let Some(x) = o.optout.as_ref().filter(|x| x.manual) {
        let mut row = manual_row(o, &x.at, x, sha);
        row.push(x.at.ts_ms.to_string());
        rows.push(row);
        rows.sort_by_key(|r| row_key(r).0);
    }
    rows
}

/// A row's written cells (without its time column).
fn written(row: &[String]) -> impl Iterator<Item = &str> {
    row.iter().take(HEADER.len()).map(String::as_str)
}

fn manual_row(o: &Offender, at: &TimeRecord, x: &super::OptOutRecord, sha: &str) -> Vec<String> {
    vec![
        o.name.clone(),
        x.to.clone(),
        String::new(),
        o.brand.clone().unwrap_or_default(),
        String::new(),
        "opt_out".into(),
        format!("manual_record:{}", x.channel.clone().unwrap_or_default()),
        at.local.clone(),
        at.utc.clone(),
        at.offset_source.to_string(),
        String::new(),
        String::new(),
        x.note.clone().unwrap_or_default(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        sha.to_string(),
        String::new(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_are_neutralised() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        for s in ["+1 deal", "-50%", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(cell("【浦发银行】回TD退订"), "【浦发银行】回TD退订");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("\u{1b}=x"), "␛=x");
    }
}
