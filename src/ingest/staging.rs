//! An import's staging file: every message read, classified and hashed
//! before the database's write lock is taken, so another optout that writes
//! (a second import, `ignore`, the interface's `i`) waits only for the
//! short merge that follows, not for the whole read.
//!
//! The file is anonymous: created in the database's own private folder with
//! `O_TMPFILE` on Linux (elsewhere created owner-only and unlinked at
//! once), it has no name while it lives and its space is freed when the
//! process ends, however it ends (a signal, `kill -9`). Rows are written
//! one after the other in a small binary layout (lengths, then bytes) and
//! read back in order with buffers reused, so memory stays constant
//! whatever the file holds.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

use crate::model::Direction;
use crate::store::NewMessage;

/// Marks an absent optional string (no string is this long).
const NONE: u32 = u32::MAX;

/// The rows of one import, written in order, read back once.
pub struct Staging {
    out: BufWriter<File>,
    rows: u64,
}

impl Staging {
    /// A new, empty staging file in `dir` (which must exist).
    pub fn create(dir: &Path) -> io::Result<Staging> {
        let file = tempfile::tempfile_in(dir)?;
        Ok(Staging {
            out: BufWriter::with_capacity(256 * 1024, file),
            rows: 0,
        })
    }

    /// How many rows were written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Appends one row.
    pub fn push(&mut self, m: &NewMessage<'_>) -> io::Result<()> {
        let w = &mut self.out;
        put_str(w, m.sender_key)?;
        put_str(w, m.sender_class)?;
        w.write_all(&m.dlt_suffix.map_or(0, u32::from).to_le_bytes())?;
        put_str(w, m.address)?;
        w.write_all(&[u8::from(m.direction == Direction::Outgoing)])?;
        w.write_all(&m.ts_ms.to_le_bytes())?;
        match m.utc_offset_s {
            Some(o) => {
                w.write_all(&[1])?;
                w.write_all(&o.to_le_bytes())?;
            }
            None => w.write_all(&[0])?,
        }
        put_str(w, m.body)?;
        put_str(w, m.channel)?;
        put_opt(w, m.contact_name)?;
        put_opt(w, m.hint)?;
        w.write_all(&m.dedupe.to_le_bytes())?;
        put_str(w, m.kind)?;
        put_opt(w, m.rule_id)?;
        put_opt(w, m.reason)?;
        put_opt(w, m.brand)?;
        w.write_all(&[u8::from(m.brand_from_prefix)])?;
        put_opt(w, m.optout_keyword)?;
        put_opt(w, m.optout_target)?;
        self.rows += 1;
        Ok(())
    }

    /// Reads every row back in the order written, calling `each` with it;
    /// stops at the first `Err` of `each`.
    pub fn replay<E>(
        self,
        mut each: impl FnMut(&NewMessage<'_>) -> Result<(), E>,
    ) -> Result<(), Replay<E>> {
        let mut file = self
            .out
            .into_inner()
            .map_err(|e| Replay::Io(e.into_error()))?;
        file.rewind().map_err(Replay::Io)?;
        let mut r = BufReader::with_capacity(256 * 1024, file);
        let mut row = Row::default();
        for _ in 0..self.rows {
            row.read(&mut r).map_err(Replay::Io)?;
            each(&row.message()).map_err(Replay::Each)?;
        }
        Ok(())
    }
}

/// Why [`Staging::replay`] stopped.
pub enum Replay<E> {
    /// Reading the staging file back failed.
    Io(io::Error),
    /// The callback said so.
    Each(E),
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    let len = u32::try_from(s.len())
        .ok()
        .filter(|&n| n != NONE)
        .ok_or_else(|| io::Error::other("a text longer than 4 GiB"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(s.as_bytes())
}

fn put_opt(w: &mut impl Write, s: Option<&str>) -> io::Result<()> {
    match s {
        Some(s) => put_str(w, s),
        None => w.write_all(&NONE.to_le_bytes()),
    }
}

/// One row read back, its texts in buffers kept from row to row.
#[derive(Default)]
struct Row {
    sender_key: String,
    sender_class: String,
    dlt_suffix: Option<char>,
    address: String,
    outgoing: bool,
    ts_ms: i64,
    utc_offset_s: Option<i32>,
    body: String,
    channel: String,
    contact_name: Option<String>,
    hint: Option<String>,
    dedupe: i64,
    kind: String,
    rule_id: Option<String>,
    reason: Option<String>,
    brand: Option<String>,
    brand_from_prefix: bool,
    optout_keyword: Option<String>,
    optout_target: Option<String>,
}

impl Row {
    fn read(&mut self, r: &mut impl Read) -> io::Result<()> {
        let mut bytes = Vec::new();
        get_str(r, &mut self.sender_key, &mut bytes)?;
        get_str(r, &mut self.sender_class, &mut bytes)?;
        self.dlt_suffix = char::from_u32(u32::from_le_bytes(get(r)?)).filter(|&c| c != '\0');
        get_str(r, &mut self.address, &mut bytes)?;
        self.outgoing = get::<1>(r)?[0] == 1;
        self.ts_ms = i64::from_le_bytes(get(r)?);
        self.utc_offset_s = if get::<1>(r)?[0] == 1 {
            Some(i32::from_le_bytes(get(r)?))
        } else {
            None
        };
        get_str(r, &mut self.body, &mut bytes)?;
        get_str(r, &mut self.channel, &mut bytes)?;
        get_opt(r, &mut self.contact_name, &mut bytes)?;
        get_opt(r, &mut self.hint, &mut bytes)?;
        self.dedupe = i64::from_le_bytes(get(r)?);
        get_str(r, &mut self.kind, &mut bytes)?;
        get_opt(r, &mut self.rule_id, &mut bytes)?;
        get_opt(r, &mut self.reason, &mut bytes)?;
        get_opt(r, &mut self.brand, &mut bytes)?;
        self.brand_from_prefix = get::<1>(r)?[0] == 1;
        get_opt(r, &mut self.optout_keyword, &mut bytes)?;
        get_opt(r, &mut self.optout_target, &mut bytes)?;
        Ok(())
    }

    fn message(&self) -> NewMessage<'_> {
        NewMessage {
            sender_key: &self.sender_key,
            sender_class: &self.sender_class,
            dlt_suffix: self.dlt_suffix,
            address: &self.address,
            direction: if self.outgoing {
                Direction::Outgoing
            } else {
                Direction::Incoming
            },
            ts_ms: self.ts_ms,
            utc_offset_s: self.utc_offset_s,
            body: &self.body,
            channel: &self.channel,
            contact_name: self.contact_name.as_deref(),
            hint: self.hint.as_deref(),
            dedupe: self.dedupe,
            kind: &self.kind,
            rule_id: self.rule_id.as_deref(),
            reason: self.reason.as_deref(),
            brand: self.brand.as_deref(),
            brand_from_prefix: self.brand_from_prefix,
            optout_keyword: self.optout_keyword.as_deref(),
            optout_target: self.optout_target.as_deref(),
        }
    }
}

fn get<const N: usize>(r: &mut impl Read) -> io::Result<[u8; N]> {
    let mut b = [0u8; N];
    r.read_exact(&mut b)?;
    Ok(b)
}

/// Reads a string of the length that comes first into `out`; `Ok(false)`
/// for an absent one.
fn get_into(r: &mut impl Read, out: &mut String, bytes: &mut Vec<u8>) -> io::Result<bool> {
    let len = u32::from_le_bytes(get(r)?);
    out.clear();
    if len == NONE {
        return Ok(false);
    }
    bytes.clear();
    bytes.resize(len as usize, 0);
    r.read_exact(bytes)?;
    out.push_str(std::str::from_utf8(bytes).map_err(io::Error::other)?);
    Ok(true)
}

fn get_str(r: &mut impl Read, out: &mut String, bytes: &mut Vec<u8>) -> io::Result<()> {
    get_into(r, out, bytes).map(drop)
}

fn get_opt(r: &mut impl Read, out: &mut Option<String>, bytes: &mut Vec<u8>) -> io::Result<()> {
    let mut s = out.take().unwrap_or_default();
    if get_into(r, &mut s, bytes)? {
        *out = Some(s);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message<'a>(body: &'a str, reason: Option<&'a str>) -> NewMessage<'a> {
        NewMessage {
            sender_key: "+8610690000",
            sender_class: "long_code",
            dlt_suffix: Some('P'),
            address: "10690000",
            direction: Direction::Outgoing,
            ts_ms: -5,
            utc_offset_s: Some(28_800),
            body,
            channel: "sms",
            contact_name: None,
            hint: Some(""),
            dedupe: i64::MIN,
            kind: "marketing",
            rule_id: Some("r1"),
            reason,
            brand: None,
            brand_from_prefix: true,
            optout_keyword: Some("TD"),
            optout_target: None,
        }
    }

    #[test]
    fn rows_come_back_as_written_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Staging::create(dir.path()).unwrap();
        let bodies = ["【店】回T退订", "", "\u{202e}x\r\n"];
        for (i, b) in bodies.iter().enumerate() {
            s.push(&message(b, (i == 1).then_some("回T"))).unwrap();
        }
        assert_eq!(s.rows(), 3);
        // Anonymous: nothing in the folder while it lives.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut back = Vec::new();
        s.replay::<()>(|m| {
            back.push(format!("{m:?}"));
            Ok(())
        })
        .ok()
        .unwrap();
        let want: Vec<String> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| format!("{:?}", message(b, (i == 1).then_some("回T"))))
            .collect();
        assert_eq!(back, want);
    }
}
