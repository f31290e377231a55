//! CSV: one row per message (and per manual opt-out record), UTF-8 with a
//! byte-order mark so Excel, including Chinese Excel, opens it as UTF-8.
//! Every cell goes through [`cell`], which neutralises spreadsheet formulas.

use std::borrow::Cow;

use super::{Evidence, EvidenceMessage, Offender, TimeRecord, visible_controls};

/// The header row: a stable interface, like the JSON field names.
pub const HEADER: [&str; 18] = [
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
];

/// The escaping function for CSV: control characters made visible, and a
/// cell that a spreadsheet would read as a formula (starting with `=`, `+`,
/// `-`, `@`, tab or carriage return; OWASP CSV injection) prefixed with `'`.
pub fn cell(s: &str) -> Cow<'_, str> {
    let visible = visible_controls(s);
    if visible.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{visible}"))
    } else {
        visible
    }
}

/// The evidence as CSV bytes.
pub fn render(evidence: &Evidence) -> Vec<u8> {
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(&mut out);
    let result = (|| -> Result<(), ::csv::Error> {
        w.write_record(HEADER)?;
        for o in &evidence.offenders {
            for row in rows(evidence, o) {
                w.write_record(row.iter().map(|c| cell(c).into_owned()))?;
            }
        }
        w.flush()?;
        Ok(())
    })();
    // Writing into a Vec cannot fail.
    result.expect("CSV into memory");
    drop(w);
    out
}

fn rows(evidence: &Evidence, o: &Offender) -> Vec<Vec<String>> {
    let mut messages: Vec<&EvidenceMessage> = super::offender_messages(o);
    messages.sort_by_key(|m| (m.time.ts_ms, m.message_id));
    let brand = o.brand.clone().unwrap_or_default();
    let file_of = |import_id: i64| {
        evidence
            .imports
            .iter()
            .find(|i| i.import_id == import_id)
            .map(|i| i.file_name.clone())
            .unwrap_or_default()
    };
    let opt = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut rows: Vec<(i64, Vec<String>)> = messages
        .iter()
        .map(|m| {
            (
                m.time.ts_ms,
                vec![
                    o.name.clone(),
                    m.sender.clone(),
                    m.address.clone(),
                    brand.clone(),
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
                    file_of(m.import_id),
                    m.source_sha256.clone(),
                    evidence.sha256().to_string(),
                ],
            )
        })
        .collect();
    // A manual opt-out is not a message, but it is part of the timeline.
    if let Some(x) = o.optout.as_ref().filter(|x| x.manual) {
        rows.push((x.at.ts_ms, manual_row(evidence, o, &brand, &x.at, x)));
        rows.sort_by_key(|(ts, _)| *ts);
    }
    rows.into_iter().map(|(_, r)| r).collect()
}

fn manual_row(
    evidence: &Evidence,
    o: &Offender,
    brand: &str,
    at: &TimeRecord,
    x: &super::OptOutRecord,
) -> Vec<String> {
    vec![
        o.name.clone(),
        x.to.clone(),
        String::new(),
        brand.to_string(),
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
        evidence.sha256().to_string(),
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
