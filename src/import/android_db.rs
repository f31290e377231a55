//! Android's own message store, `mmssms.db` (from
//! `/data/data/com.android.providers.telephony/databases/` on a rooted
//! phone): the `sms` table (date in milliseconds) and MMS as `pdu` (date
//! in seconds, `msg_box`), `part` (text/plain parts in `seq` order) and
//! `addr` (type 137 from, 151 to).
//!
//! Opened read-only and immutable; columns are checked first because
//! vendors add and rename some.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::fields::{delivered, epoch_to_ms};
use super::sqlite::{self, db_error};
use super::{
    Channel, Direction, ImportError, ImportedMessage, MessageSink, Position, Progress, SourceFile,
    sha256_file,
};

/// Which messages of an Android database an import reads, by the SIM
/// subscription (`sub_id`) the phone recorded for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sim {
    /// The messages of this `sub_id`.
    Id(i64),
    /// The messages with no SIM recorded (no `sub_id`, or -1).
    Unrecorded,
}

/// One SIM's share of a file imported a line per SIM: the SIM, and the
/// lines every part of the same file goes to (the file may be on those,
/// and on no other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimPart {
    pub sim: Sim,
    pub lines: Vec<String>,
}

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 512;

/// MMS address types from the WAP spec.
const PDU_FROM: i64 = 137;
const PDU_TO: i64 = 151;

/// Counts records across both tables for progress.
struct Tally<'a> {
    n: u64,
    total: u64,
    size: u64,
    progress: &'a dyn Progress,
}

impl Tally<'_> {
    fn next(&mut self) -> u64 {
        self.n += 1;
        if self.n.is_multiple_of(PROGRESS_EVERY) && self.total > 0 {
            self.progress
                .set_position(self.size.saturating_mul(self.n.min(self.total)) / self.total);
        }
        self.n
    }
}

/// Reads an Android `mmssms.db` at `path` into `sink`: every message, or
/// only those of one SIM (`sub_id`; a table without the column records
/// none, so all its messages are `Sim::Unrecorded`).
pub fn read(
    path: &Path,
    sim: Option<Sim>,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
) -> Result<SourceFile, ImportError> {
    let (sha256, size) = sha256_file(path)?;
    let snapshot = sqlite::open_snapshot(path)?;
    let conn = &snapshot.conn;
    let tables = sqlite::tables(path, conn)?;
    let has_sms = tables.contains("sms");
    let has_mms = tables.contains("pdu") && tables.contains("part") && tables.contains("addr");
    if !has_sms && !has_mms {
        return Err(ImportError::new(
            path,
            "not an Android message database: there is no sms or pdu table",
        )
        .hint("copy mmssms.db from /data/data/com.android.providers.telephony/databases/"));
    }
    let mut tally = Tally {
        n: 0,
        total: if has_sms {
            sqlite::count_rows(conn, "sms")
        } else {
            0
        } + if has_mms {
            sqlite::count_rows(conn, "pdu")
        } else {
            0
        },
        size,
        progress,
    };
    if has_sms {
        read_sms(path, conn, sim, sink, &mut tally)?;
    }
    if has_mms {
        read_mms(path, conn, sim, sink, &mut tally)?;
    }
    progress.set_position(size);
    Ok(SourceFile {
        sha256,
        size,
        zone: None,
        declared: None,
    })
}

/// The SIM subscriptions (`sub_id`, Android 5.1 and later) the messages
/// of `sms` and `pdu` came through, with how many each, most first, and
/// how many messages record none (no column, NULL or -1). The database
/// holds no phone number, only these ids. Best effort: a database that
/// cannot say gives none.
pub fn sim_counts(path: &Path) -> (Vec<(i64, u64)>, u64) {
    let Ok(snapshot) = sqlite::open_snapshot(path) else {
        return (Vec::new(), 0);
    };
    let conn = &snapshot.conn;
    let Ok(tables) = sqlite::tables(path, conn) else {
        return (Vec::new(), 0);
    };
    let mut by_sim: std::collections::BTreeMap<i64, u64> = std::collections::BTreeMap::new();
    let mut unrecorded = 0;
    for table in ["sms", "pdu"] {
        if !tables.contains(table) {
            continue;
        }
        if !sqlite::columns(path, conn, table).is_ok_and(|c| c.has("sub_id")) {
            unrecorded += sqlite::count_rows(conn, table);
            continue;
        }
        let Ok(mut stmt) = conn.prepare(&format!(
            "SELECT CASE WHEN sub_id >= 0 THEN sub_id END, count(*) FROM {table} GROUP BY 1"
        )) else {
            continue;
        };
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, i64>(1)?))
        });
        for (sim, n) in rows.into_iter().flatten().flatten() {
            let n = u64::try_from(n).unwrap_or(0);
            match sim {
                Some(id) => *by_sim.entry(id).or_default() += n,
                None => unrecorded += n,
            }
        }
    }
    let mut sims: Vec<(i64, u64)> = by_sim.into_iter().collect();
    sims.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    (sims, unrecorded)
}

/// The SQL condition choosing `sim`'s rows of a table with these columns
/// (empty for every row).
fn sim_filter(cols: &sqlite::Columns, alias: &str, sim: Option<Sim>) -> String {
    match (sim, cols.has("sub_id")) {
        (None, _) | (Some(Sim::Unrecorded), false) => String::new(),
        (Some(Sim::Id(id)), true) => format!(" WHERE {alias}.sub_id = {id}"),
        (Some(Sim::Id(_)), false) => " WHERE 0".to_string(),
        (Some(Sim::Unrecorded), true) => {
            format!(" WHERE ({alias}.sub_id IS NULL OR {alias}.sub_id < 0)")
        }
    }
}

fn int(row: &rusqlite::Row<'_>, i: usize) -> Result<Option<i64>, rusqlite::Error> {
    Ok(match row.get_ref(i)? {
        ValueRef::Integer(n) => Some(n),
        ValueRef::Real(f) if f.is_finite() => Some(f as i64),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.trim().parse().ok()),
        _ => None,
    })
}

fn text(row: &rusqlite::Row<'_>, i: usize) -> Result<Option<String>, rusqlite::Error> {
    Ok(match row.get_ref(i)? {
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(n) => Some(n.to_string()),
        _ => None,
    })
}

fn read_sms(
    path: &Path,
    conn: &Connection,
    sim: Option<Sim>,
    sink: &mut dyn MessageSink,
    tally: &mut Tally<'_>,
) -> Result<(), ImportError> {
    let cols = sqlite::columns(path, conn, "sms")?;
    for needed in ["address", "date", "type"] {
        if !cols.has(needed) {
            return Err(ImportError::new(
                path,
                format!(
                    "the sms table has no {needed} column: not an Android mmssms.db optout knows"
                ),
            ));
        }
    }
    let sql = format!(
        "SELECT {id}, s.address, s.date, s.type, {body} FROM sms s{filter} ORDER BY {id}",
        id = cols.or("s", "_id", "s.ROWID"),
        body = cols.or("s", "body", "NULL"),
        filter = sim_filter(&cols, "s", sim),
    );
    let mut stmt = conn.prepare(&sql).map_err(|e| db_error(path, &e))?;
    let mut rows = stmt.query([]).map_err(|e| db_error(path, &e))?;
    while let Some(row) = rows.next().map_err(|e| db_error(path, &e))? {
        let n = tally.next();
        let fail = |e: rusqlite::Error| db_error(path, &e).at(Position::Record(n));
        let id = int(row, 0).map_err(fail)?.unwrap_or(0);
        let address = text(row, 1).map_err(fail)?;
        let date = int(row, 2).map_err(fail)?;
        let kind = text(row, 3).map_err(fail)?;
        let body = text(row, 4).map_err(fail)?;
        let pos = Some(Position::Record(n));
        let kind = kind.unwrap_or_default();
        let Some(direction) = delivered(&kind, sink, pos, || {
            format!("sms (_id {id}) with unknown type '{kind}'")
        }) else {
            continue;
        };
        let Some(timestamp_ms) = date.filter(|&d| d > 0).map(epoch_to_ms) else {
            sink.rejected(pos, format!("sms (_id {id}) without a date"));
            continue;
        };
        let Some(address) = address.filter(|a| !a.trim().is_empty()) else {
            sink.rejected(pos, format!("sms (_id {id}) without an address"));
            continue;
        };
        super::deliver(
            sink,
            pos,
            ImportedMessage {
                direction,
                address,
                timestamp_ms,
                utc_offset_s: None,
                body: body.unwrap_or_default(),
                channel: Channel::Sms,
                contact_name: None,
                hint: None,
            },
        )?;
    }
    Ok(())
}

fn read_mms(
    path: &Path,
    conn: &Connection,
    sim: Option<Sim>,
    sink: &mut dyn MessageSink,
    tally: &mut Tally<'_>,
) -> Result<(), ImportError> {
    let cols = sqlite::columns(path, conn, "pdu")?;
    if !cols.has("date") || !cols.has("msg_box") {
        return Err(ImportError::new(
            path,
            "the pdu table has no date or msg_box column: not an Android mmssms.db optout knows",
        ));
    }
    let sql = format!(
        "SELECT {id}, p.date, p.msg_box FROM pdu p{filter} ORDER BY {id}",
        id = cols.or("p", "_id", "p.ROWID"),
        filter = sim_filter(&cols, "p", sim),
    );
    let part_cols = sqlite::columns(path, conn, "part")?;
    let addr_cols = sqlite::columns(path, conn, "addr")?;
    let part_sql = format!(
        "SELECT ct, {text} FROM part WHERE mid = ?1 ORDER BY {seq}, _id",
        text = part_cols.or("part", "text", "NULL"),
        seq = part_cols.or("part", "seq", "0"),
    );
    let addr_sql = format!(
        "SELECT address, type FROM addr WHERE msg_id = ?1 ORDER BY {id}",
        id = addr_cols.or("addr", "_id", "ROWID")
    );
    let mut stmt = conn.prepare(&sql).map_err(|e| db_error(path, &e))?;
    let mut parts = conn.prepare(&part_sql).map_err(|e| db_error(path, &e))?;
    let mut addrs = conn.prepare(&addr_sql).map_err(|e| db_error(path, &e))?;
    let mut rows = stmt.query([]).map_err(|e| db_error(path, &e))?;
    while let Some(row) = rows.next().map_err(|e| db_error(path, &e))? {
        let n = tally.next();
        let fail = |e: rusqlite::Error| db_error(path, &e).at(Position::Record(n));
        let id = int(row, 0).map_err(fail)?.unwrap_or(0);
        let date = int(row, 1).map_err(fail)?;
        let msg_box = text(row, 2).map_err(fail)?;
        let pos = Some(Position::Record(n));
        let msg_box = msg_box.unwrap_or_default();
        let Some(direction) = delivered(&msg_box, sink, pos, || {
            format!("mms (_id {id}) with unknown msg_box '{msg_box}'")
        }) else {
            continue;
        };
        // pdu.date is in seconds; epoch_to_ms also copes with vendors that write ms.
        let Some(timestamp_ms) = date.filter(|&d| d > 0).map(epoch_to_ms) else {
            sink.rejected(pos, format!("mms (_id {id}) without a date"));
            continue;
        };
        let mut body_parts: Vec<String> = Vec::new();
        let mut part_rows = parts.query([id]).map_err(fail)?;
        while let Some(p) = part_rows.next().map_err(fail)? {
            let ct = text(p, 0).map_err(fail)?;
            if ct.is_some_and(|c| c.trim().eq_ignore_ascii_case("text/plain"))
                && let Some(t) = text(p, 1).map_err(fail)?
            {
                body_parts.push(t);
            }
        }
        let (mut from, mut to) = (Vec::new(), Vec::new());
        let mut addr_rows = addrs.query([id]).map_err(fail)?;
        while let Some(a) = addr_rows.next().map_err(fail)? {
            let Some(address) = text(a, 0).map_err(fail)?.filter(|a| !a.trim().is_empty()) else {
                continue;
            };
            match int(a, 1).map_err(fail)? {
                Some(PDU_FROM) => from.push(address),
                Some(PDU_TO) => to.push(address),
                _ => {}
            }
        }
        let address = match direction {
            Direction::Incoming => from.into_iter().next(),
            Direction::Outgoing if !to.is_empty() => Some(to.join("~")),
            Direction::Outgoing => None,
        };
        let Some(address) = address else {
            sink.rejected(pos, format!("mms (_id {id}) without an address"));
            continue;
        };
        super::deliver(
            sink,
            pos,
            ImportedMessage {
                direction,
                address,
                timestamp_ms,
                utc_offset_s: None,
                body: body_parts.join("\n"),
                channel: Channel::Mms,
                contact_name: None,
                hint: None,
            },
        )?;
    }
    Ok(())
}
