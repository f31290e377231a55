//! `optout search TEXT`: the messages containing a text, newest first, as a
//! table or JSON. Like `grep`, it exits 1 with nothing on standard output
//! when nothing matches.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use super::columns::{self, Column, Give};
use super::{CliError, Settings, resolve_target};
use crate::store::{SCAN_BOUND, SearchMode, SearchQuery, Store, StoredMessage};
use crate::text::{self, group_digits};

/// What `optout search` was asked.
pub(super) struct Args<'a> {
    pub text: &'a str,
    pub sender: Option<&'a str>,
    pub line: Option<&'a str>,
    pub limit: u64,
    pub json: bool,
}

/// The `--json` shape: how the search ran, then the messages.
#[derive(Serialize)]
struct SearchJson<'a> {
    query: &'a str,
    /// "index" (every message searched) or "scan" (a query under three
    /// characters: only the newest `scanned` messages).
    mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    scanned: Option<u64>,
    /// Whether every stored message was searched.
    complete: bool,
    messages: Vec<MessageJson<'a>>,
}

#[derive(Serialize)]
struct MessageJson<'a> {
    id: i64,
    sender: &'a str,
    address: &'a str,
    direction: &'static str,
    at: String,
    kind: &'a str,
    brand: Option<&'a str>,
    body: &'a str,
}

/// Runs the search; an error exits 2 (as in ripgrep), so a script can tell
/// it from "no match" (1).
pub(super) fn run(settings: &Settings, args: &Args<'_>) -> Result<ExitCode, CliError> {
    match search(settings, args) {
        Err(e) if e.0 != super::BROKEN_PIPE => {
            let _ = writeln!(
                std::io::stderr(),
                "optout: error: {}",
                text::sanitize(&e.to_string())
            );
            Ok(ExitCode::from(2))
        }
        other => other,
    }
}

fn search(settings: &Settings, args: &Args<'_>) -> Result<ExitCode, CliError> {
    if args.text.is_empty() {
        return Err(CliError("search: the text to find is empty".into()));
    }
    // No classifier: compiling the rules would cost more than the search,
    // and the labels shown are those stored (any other command relabels
    // after a rules change).
    let Some(store) = Store::open_existing(&settings.db)? else {
        return Err(CliError(format!(
            "no database at {} yet: import an export first (optout import FILE)",
            settings.db.display()
        )));
    };
    let line = match args.line {
        Some(name) => Some(store.line_id(name)?.ok_or_else(|| {
            CliError(format!(
                "no line called '{}': see `optout lines`",
                text::sanitize(name)
            ))
        })?),
        None => None,
    };
    let sender_ids = match args.sender {
        Some(raw) => {
            let (_, key) = resolve_target(&store, Some(raw), None, &settings.region)?;
            store.sender_id(&key)?.into_iter().collect()
        }
        None => Vec::new(),
    };
    let hits = store.search(&SearchQuery {
        text: args.text,
        sender_ids: &sender_ids,
        line,
        limit: args.limit,
        offset: 0,
    })?;
    if let SearchMode::Scan { scanned, bounded } = hits.mode {
        // Said on standard error, so a script reading the output still can.
        eprintln!(
            "optout: note: under 3 characters the index cannot help: scanned {} {} message{}",
            if bounded { "only the newest" } else { "all" },
            group_digits(scanned),
            if scanned == 1 { "" } else { "s" }
        );
    }
    if hits.messages.is_empty() {
        return Ok(ExitCode::from(1));
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = SearchJson {
            query: args.text,
            mode: match hits.mode {
                SearchMode::Index => "index",
                SearchMode::Scan { .. } => "scan",
            },
            scanned: match hits.mode {
                SearchMode::Index => None,
                SearchMode::Scan { scanned, .. } => Some(scanned),
            },
            complete: !matches!(hits.mode, SearchMode::Scan { bounded: true, .. }),
            messages: hits
                .messages
                .iter()
                .map(|m| message_json(m, settings))
                .collect(),
        };
        text::write_json_pretty(&mut out, &json)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut date = Column::new("DATE", Give::Never);
    let mut sender = Column::new("SENDER", Give::Never);
    let mut dir = Column::new("DIR", Give::Drop(0));
    let mut brand = Column::new("BRAND", Give::Drop(1));
    let mut body = Column::new("MESSAGE", Give::Shrink(12));
    for m in &hits.messages {
        date.cells
            .push(text::short(m.ts_ms, m.utc_offset_s, &settings.zone));
        sender.cells.push(text::sanitize(&m.sender_key));
        dir.cells.push(m.direction.as_str().to_string());
        brand
            .cells
            .push(text::sanitize(m.brand.as_deref().unwrap_or("-")));
        body.cells.push(text::sanitize(m.body.trim()));
    }
    for l in columns::render(
        &[date, sender, dir, brand, body],
        columns::available_width(),
    ) {
        writeln!(out, "{l}")?;
    }
    if hits.messages.len() as u64 == args.limit {
        writeln!(
            out,
            "showing the newest {}: --limit N for more",
            group_digits(args.limit)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn message_json<'a>(m: &'a StoredMessage, settings: &Settings) -> MessageJson<'a> {
    MessageJson {
        id: m.id,
        sender: &m.sender_key,
        address: &m.address,
        direction: m.direction.as_str(),
        at: text::rfc3339(m.ts_ms, m.utc_offset_s, &settings.zone),
        kind: &m.kind,
        brand: m.brand.as_deref(),
        body: &m.body,
    }
}

/// The note `--help` ends with.
pub(super) const AFTER_HELP: &str = "The text is matched literally anywhere in a message (quotes, *, OR and NEAR are plain characters), case-blind for ASCII letters. Three characters or more are looked up in the full-text index, every message; a shorter text scans only the newest 200,000 messages and says so on standard error.

Exit status: 0 when a message matched, 1 when none did (nothing is printed), 2 on an error (an 'optout: error:' line says which).";

const _: () = assert!(SCAN_BOUND == 200_000, "AFTER_HELP names the bound");
