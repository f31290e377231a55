//! Apple Messages databases: the iPhone's `sms.db` (from an unencrypted
//! iTunes/Finder backup, where it is stored as
//! `3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28`) and the Mac's `chat.db`.
//!
//! The database is opened read-only and immutable. Columns differ between
//! iOS and macOS versions, so the query is built from `PRAGMA table_info`:
//! a missing column falls back to a neutral value instead of failing.
//! When `text` is NULL (recent macOS/iOS) the text comes from the
//! `attributedBody` typedstream.

use std::path::{Path, PathBuf};

use super::fields::apple_time_to_ms;
use super::sqlite::{self, Columns, db_error};
use super::typedstream;
use super::{
    Channel, Direction, ImportError, ImportedMessage, MAX_SIDE_FILE, MessageSink, Position,
    Progress, SourceFile, open_input, read_small, sha256_file,
};

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 512;

/// The backup file name of `HomeDomain-Library/SMS/sms.db` (SHA-1 of it).
pub const SMS_DB_BACKUP_NAME: &str = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";
/// Backups since iOS 10 put each file in a folder named after its first two hex digits.
const SMS_DB_BACKUP_FOLDER: &str = "3d";

/// The attachment placeholder Messages puts in the text where a picture was.
const OBJECT_REPLACEMENT: char = '\u{FFFC}';

const ENCRYPTED_HINT: &str = "make an unencrypted backup: connect the iPhone, select it in Finder (macOS 10.15 or later) or iTunes (Windows, older macOS), untick 'Encrypt local backup' (it asks for the backup password), click 'Back Up Now', then import the new backup folder";

/// Finds the Messages database in an iPhone backup folder (or a folder
/// holding `chat.db`), refusing encrypted backups with a way out.
pub fn database_in_folder(dir: &Path) -> Result<PathBuf, ImportError> {
    let manifest = dir.join("Manifest.plist");
    // A FIFO or a link to /dev/zero here must not hang or fill the memory.
    if std::fs::symlink_metadata(&manifest).is_ok()
        && plist_is_encrypted(&read_small(&manifest, MAX_SIDE_FILE)?) == Some(true)
    {
        return Err(encrypted(dir));
    }
    let manifest_db = dir.join("Manifest.db");
    if manifest_db.is_file() && !starts_with_sqlite_magic(&manifest_db) {
        // Encrypted backups encrypt Manifest.db itself.
        return Err(encrypted(dir));
    }
    let candidates = [
        dir.join(SMS_DB_BACKUP_FOLDER).join(SMS_DB_BACKUP_NAME),
        dir.join(SMS_DB_BACKUP_NAME),
        dir.join("sms.db"),
        dir.join("chat.db"),
    ];
    for candidate in candidates {
        if candidate.is_file() {
            if !starts_with_sqlite_magic(&candidate) {
                return Err(encrypted(dir));
            }
            return Ok(candidate);
        }
    }
    let what = if manifest.is_file() || manifest_db.is_file() {
        "this iPhone backup has no Messages database (no 3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28)"
    } else {
        "is a directory, not an export file or an iPhone backup folder"
    };
    Err(ImportError::new(dir, what).hint(
        "pass the backup folder (the one holding Manifest.plist), the sms.db/chat.db file, or an export file",
    ))
}

fn encrypted(dir: &Path) -> ImportError {
    ImportError::new(
        dir,
        "this iPhone backup is encrypted; optout cannot read encrypted backups",
    )
    .hint(ENCRYPTED_HINT)
}

fn starts_with_sqlite_magic(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == sqlite::MAGIC)
}

/// Reads `IsEncrypted` from a backup's `Manifest.plist`, XML or binary.
/// `None` when the key is missing or the plist cannot be read.
pub fn plist_is_encrypted(bytes: &[u8]) -> Option<bool> {
    if bytes.starts_with(b"bplist00") {
        return bplist_bool(bytes, "IsEncrypted");
    }
    let text = String::from_utf8_lossy(bytes);
    let (_, after) = text.split_once("<key>IsEncrypted</key>")?;
    let after = after.trim_start();
    if after.starts_with("<true/>") {
        Some(true)
    } else if after.starts_with("<false/>") {
        Some(false)
    } else {
        None
    }
}

/// The boolean value of `key` in the top-level dictionary of a binary
/// property list (`bplist00`). Every offset is bounds-checked.
fn bplist_bool(data: &[u8], key: &str) -> Option<bool> {
    let trailer = data.get(data.len().checked_sub(32)?..)?;
    let offset_size = usize::from(*trailer.get(6)?);
    let ref_size = usize::from(*trailer.get(7)?);
    let num_objects = be_uint(trailer.get(8..16)?)?;
    let top = be_uint(trailer.get(16..24)?)?;
    let table = be_uint(trailer.get(24..32)?)?;
    if !(1..=8).contains(&offset_size) || !(1..=8).contains(&ref_size) || top >= num_objects {
        return None;
    }
    let object_offset = |index: usize| -> Option<usize> {
        if index >= num_objects {
            return None;
        }
        let at = table.checked_add(index.checked_mul(offset_size)?)?;
        be_uint(data.get(at..at.checked_add(offset_size)?)?)
    };
    let (kind, count, body) = object_header(data, object_offset(top)?)?;
    if kind != 0xD {
        return None;
    }
    let refs = |i: usize| -> Option<usize> {
        let at = body.checked_add(i.checked_mul(ref_size)?)?;
        be_uint(data.get(at..at.checked_add(ref_size)?)?)
    };
    for i in 0..count {
        let (k_kind, k_len, k_body) = object_header(data, object_offset(refs(i)?)?)?;
        let matches = match k_kind {
            0x5 => data.get(k_body..k_body.checked_add(k_len)?)? == key.as_bytes(),
            0x6 => {
                let raw = data.get(k_body..k_body.checked_add(k_len.checked_mul(2)?)?)?;
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units).ok()? == key
            }
            _ => false,
        };
        if matches {
            let value_at = object_offset(refs(count.checked_add(i)?)?)?;
            return match data.get(value_at)? {
                0x09 => Some(true),
                0x08 => Some(false),
                _ => None,
            };
        }
    }
    None
}

/// (type nibble, count, offset of the body) of the bplist object at `at`.
fn object_header(data: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let marker = *data.get(at)?;
    let kind = marker >> 4;
    let low = marker & 0x0F;
    if low != 0x0F {
        return Some((kind, usize::from(low), at + 1));
    }
    // Count too big for the nibble: an int object follows.
    let int_marker = *data.get(at + 1)?;
    if int_marker >> 4 != 0x1 {
        return None;
    }
    let width = 1usize << (int_marker & 0x0F);
    let count = be_uint(data.get(at + 2..at + 2 + width)?)?;
    Some((kind, count, at + 2 + width))
}

fn be_uint(bytes: &[u8]) -> Option<usize> {
    if bytes.len() > 8 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in bytes {
        n = (n << 8) | u64::from(b);
    }
    usize::try_from(n).ok()
}

/// One row of the message query.
struct Row {
    rowid: i64,
    text: Option<String>,
    attributed_body: Option<Vec<u8>>,
    is_from_me: bool,
    date: Option<i64>,
    service: Option<String>,
    handle: Option<String>,
    chat_handles: Option<String>,
    chat_identifier: Option<String>,
    is_spam: bool,
    filter_action: Option<i64>,
    item_type: i64,
    associated_type: i64,
    error: i64,
}

/// Reads an Apple Messages database (or the one in a backup folder at
/// `path`) into `sink`.
pub fn read(
    path: &Path,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
) -> Result<SourceFile, ImportError> {
    let db_path = if path.is_dir() {
        database_in_folder(path)?
    } else {
        // Missing, empty and unreadable files get the usual one-line errors.
        open_input(path)?;
        path.to_path_buf()
    };
    let (sha256, size) = sha256_file(&db_path)?;
    let snapshot = sqlite::open_snapshot(&db_path)?;
    let conn = &snapshot.conn;
    let tables = sqlite::tables(&db_path, conn)?;
    if !tables.contains("message") {
        return Err(ImportError::new(
            &db_path,
            "not a Messages database: there is no message table",
        )
        .hint("import sms.db (iPhone backup) or chat.db (~/Library/Messages on a Mac)"));
    }
    let message = sqlite::columns(&db_path, conn, "message")?;
    if !message.has("date") {
        return Err(ImportError::new(
            &db_path,
            "the message table has no date column: not a Messages database optout knows",
        ));
    }
    let has_handle = tables.contains("handle");
    if !has_handle && message.has("address") {
        return Err(ImportError::new(
            &db_path,
            "a Messages database from iOS 5 or older (no handle table)",
        )
        .hint("optout reads sms.db from iOS 6 and later"));
    }
    let chat = if tables.contains("chat") {
        sqlite::columns(&db_path, conn, "chat")?
    } else {
        Columns::default()
    };
    let has_chat_join = tables.contains("chat_message_join") && tables.contains("chat");
    let has_chat_handles =
        has_chat_join && tables.contains("chat_handle_join") && tables.contains("handle");
    let sql = message_query(
        &message,
        &chat,
        has_handle && message.has("handle_id"),
        has_chat_join,
        has_chat_handles,
    );
    let total = sqlite::count_rows(conn, "message");
    let mut stmt = conn.prepare(&sql).map_err(|e| db_error(&db_path, &e))?;
    let mut rows = stmt.query([]).map_err(|e| db_error(&db_path, &e))?;
    let mut n: u64 = 0;
    while let Some(row) = rows.next().map_err(|e| db_error(&db_path, &e))? {
        n += 1;
        let row = read_row(row).map_err(|e| db_error(&db_path, &e).at(Position::Record(n)))?;
        emit(&row, n, sink)?;
        if n.is_multiple_of(PROGRESS_EVERY) && total > 0 {
            progress.set_position(size.saturating_mul(n.min(total)) / total);
        }
    }
    progress.set_position(size);
    Ok(SourceFile {
        sha256,
        size,
        zone: None,
        declared: None,
    })
}

/// The message query. The chats a message belongs to come from
/// `chat_message_join`, which some databases do not index by message: so
/// they are grouped once and joined, never looked up per message (a
/// correlated subquery there made 30,000 messages take a minute).
fn message_query(
    m: &Columns,
    chat: &Columns,
    has_handle: bool,
    has_chat_join: bool,
    has_chat_handles: bool,
) -> String {
    let mut joins = String::new();
    let handle = if has_handle {
        joins.push_str(" LEFT JOIN handle h ON h.ROWID = m.handle_id");
        "h.id"
    } else {
        "NULL"
    };
    let chat_handles = if has_chat_handles {
        joins.push_str(
            " LEFT JOIN (SELECT cmj.message_id AS mid,
                    group_concat(ch.id, '~' ORDER BY ch.ROWID) AS ids
                FROM chat_message_join cmj
                JOIN chat_handle_join chj ON chj.chat_id = cmj.chat_id
                JOIN handle ch ON ch.ROWID = chj.handle_id
                GROUP BY cmj.message_id) mh ON mh.mid = m.ROWID",
        );
        "mh.ids"
    } else {
        "NULL"
    };
    if has_chat_join {
        // The message's first chat (lowest ROWID).
        joins.push_str(
            " LEFT JOIN (SELECT cmj.message_id AS mid, min(c.ROWID) AS cid
                FROM chat_message_join cmj JOIN chat c ON c.ROWID = cmj.chat_id
                GROUP BY cmj.message_id) mc ON mc.mid = m.ROWID
              LEFT JOIN chat c1 ON c1.ROWID = mc.cid",
        );
    }
    let chat_identifier = if has_chat_join && chat.has("chat_identifier") {
        "c1.chat_identifier"
    } else {
        "NULL"
    };
    // iOS 16+ records the SMS filter's verdict; older versions have none.
    let filter_action = if m.has("filter_action") {
        "m.filter_action"
    } else if has_chat_join && chat.has("filter_action") {
        "c1.filter_action"
    } else {
        "NULL"
    };
    format!(
        "SELECT m.ROWID, {text}, {body}, {from_me}, m.date, {service}, {handle},
                {chat_handles}, {chat_identifier}, {spam}, {filter_action},
                {item_type}, {assoc}, {error}
         FROM message m{joins}
         ORDER BY m.ROWID",
        text = m.or("m", "text", "NULL"),
        body = m.or("m", "attributedBody", "NULL"),
        from_me = m.or("m", "is_from_me", "0"),
        service = m.or("m", "service", "NULL"),
        spam = m.or("m", "is_spam", "0"),
        item_type = m.or("m", "item_type", "0"),
        assoc = m.or("m", "associated_message_type", "0"),
        error = m.or("m", "error", "0"),
    )
}

fn read_row(row: &rusqlite::Row<'_>) -> Result<Row, rusqlite::Error> {
    use rusqlite::types::ValueRef;
    // Columns are typed loosely in SQLite: read each defensively.
    let int = |i: usize| -> Result<Option<i64>, rusqlite::Error> {
        Ok(match row.get_ref(i)? {
            ValueRef::Integer(n) => Some(n),
            ValueRef::Real(f) if f.is_finite() => Some(f as i64),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .ok()
                .and_then(|s| s.trim().parse().ok()),
            _ => None,
        })
    };
    let text = |i: usize| -> Result<Option<String>, rusqlite::Error> {
        Ok(match row.get_ref(i)? {
            ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Integer(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let blob = |i: usize| -> Result<Option<Vec<u8>>, rusqlite::Error> {
        Ok(match row.get_ref(i)? {
            ValueRef::Blob(b) | ValueRef::Text(b) => Some(b.to_vec()),
            _ => None,
        })
    };
    Ok(Row {
        rowid: int(0)?.unwrap_or(0),
        text: text(1)?,
        attributed_body: blob(2)?,
        is_from_me: int(3)?.unwrap_or(0) != 0,
        date: int(4)?,
        service: text(5)?,
        handle: text(6)?,
        chat_handles: text(7)?,
        chat_identifier: text(8)?,
        is_spam: int(9)?.unwrap_or(0) != 0,
        filter_action: int(10)?,
        item_type: int(11)?.unwrap_or(0),
        associated_type: int(12)?.unwrap_or(0),
        error: int(13)?.unwrap_or(0),
    })
}

fn emit(row: &Row, record: u64, sink: &mut dyn MessageSink) -> Result<(), ImportError> {
    // Group renames, member changes and tapback reactions are not messages.
    if row.item_type != 0 || row.associated_type != 0 {
        return Ok(());
    }
    if row.is_from_me && row.error != 0 {
        sink.skipped_undelivered();
        return Ok(());
    }
    let pos = Some(Position::Record(record));
    let direction = if row.is_from_me {
        Direction::Outgoing
    } else {
        Direction::Incoming
    };
    let Some(timestamp_ms) = row.date.and_then(apple_time_to_ms) else {
        sink.rejected(pos, format!("message (ROWID {}) without a date", row.rowid));
        return Ok(());
    };
    let present = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let address = match direction {
        Direction::Incoming => present(&row.handle).or_else(|| present(&row.chat_identifier)),
        Direction::Outgoing => present(&row.handle)
            .or_else(|| present(&row.chat_handles))
            .or_else(|| present(&row.chat_identifier)),
    };
    let Some(address) = address else {
        sink.rejected(
            pos,
            format!("message (ROWID {}) without a sender or chat", row.rowid),
        );
        return Ok(());
    };
    let body = match &row.text {
        Some(t) if !t.is_empty() => t.clone(),
        _ => row
            .attributed_body
            .as_deref()
            .and_then(typedstream::extract_text)
            .unwrap_or_default(),
    };
    let body: String = body.chars().filter(|&c| c != OBJECT_REPLACEMENT).collect();
    let channel = match row.service.as_deref().map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("iMessage") => Channel::IMessage,
        Some(s) if s.eq_ignore_ascii_case("RCS") => Channel::Rcs,
        _ => Channel::Sms,
    };
    let hint = match row.filter_action {
        Some(2) => Some("junk"),
        Some(3) => Some("promotion"),
        Some(4) => Some("transaction"),
        _ if row.is_spam => Some("junk"),
        _ => None,
    };
    super::deliver(
        sink,
        pos,
        ImportedMessage {
            direction,
            address,
            timestamp_ms,
            utc_offset_s: None,
            body,
            channel,
            contact_name: None,
            hint: hint.map(str::to_string),
        },
    )
}

/// The owner's own numbers as the database records them, most messages
/// first: the phone-number `destination_caller_id`s of the messages (iOS 10
/// and later, macOS), else the `account`s of the form `p:+8613…`. Email
/// accounts (iMessage) are not numbers and are left out. Best effort: a
/// database that cannot say gives none (the import reports real errors).
pub fn own_numbers(path: &Path) -> Vec<String> {
    let db_path = if path.is_dir() {
        let Ok(p) = database_in_folder(path) else {
            return Vec::new();
        };
        p
    } else {
        path.to_path_buf()
    };
    let Ok(snapshot) = sqlite::open_snapshot(&db_path) else {
        return Vec::new();
    };
    let conn = &snapshot.conn;
    let Ok(message) = sqlite::columns(&db_path, conn, "message") else {
        return Vec::new();
    };
    for column in ["destination_caller_id", "account"]
        .into_iter()
        .filter(|c| message.has(c))
    {
        let sql = format!(
            "SELECT {column}, count(*) AS n FROM message WHERE {column} IS NOT NULL AND {column} != '' GROUP BY 1 ORDER BY n DESC LIMIT 8"
        );
        let values: Vec<String> = conn.prepare(&sql).map_or_else(
            |_| Vec::new(),
            |mut stmt| {
                stmt.query_map([], |r| r.get::<_, String>(0))
                    .map(|rows| rows.flatten().collect())
                    .unwrap_or_default()
            },
        );
        let mut numbers: Vec<String> = Vec::new();
        for v in &values {
            let n = v
                .trim()
                .trim_start_matches(['p', 'P'])
                .trim_start_matches(':');
            if is_phone_number(n) && !numbers.iter().any(|x| x == n) {
                numbers.push(n.to_string());
            }
        }
        if !numbers.is_empty() {
            return numbers;
        }
    }
    Vec::new()
}

/// `+8613912345678` or `13912345678`: a plus or not, then 5 to 15 digits.
fn is_phone_number(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal binary plist: `{ "Version": "1", "IsEncrypted": <value> }`.
    fn bplist(value: bool) -> Vec<u8> {
        let mut b = b"bplist00".to_vec();
        let mut offsets = Vec::new();
        // 0: dict of 2 entries: keys 1, 2; values 3, 4.
        offsets.push(b.len());
        b.extend_from_slice(&[0xD2, 1, 2, 3, 4]);
        offsets.push(b.len());
        b.push(0x57);
        b.extend_from_slice(b"Version");
        offsets.push(b.len());
        b.push(0x5B);
        b.extend_from_slice(b"IsEncrypted");
        offsets.push(b.len());
        b.extend_from_slice(&[0x51, b'1']);
        offsets.push(b.len());
        b.push(if value { 0x09 } else { 0x08 });
        let table = b.len();
        for o in &offsets {
            b.push(u8::try_from(*o).unwrap());
        }
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 1, 1]);
        b.extend_from_slice(&(offsets.len() as u64).to_be_bytes());
        b.extend_from_slice(&0u64.to_be_bytes());
        b.extend_from_slice(&(table as u64).to_be_bytes());
        b
    }

    #[test]
    fn binary_manifest_says_whether_it_is_encrypted() {
        assert_eq!(plist_is_encrypted(&bplist(true)), Some(true));
        assert_eq!(plist_is_encrypted(&bplist(false)), Some(false));
    }

    #[test]
    fn xml_manifest_says_whether_it_is_encrypted() {
        let xml =
            b"<?xml version=\"1.0\"?><plist><dict><key>IsEncrypted</key>\n\t<true/></dict></plist>";
        assert_eq!(plist_is_encrypted(xml), Some(true));
        let xml = b"<plist><dict><key>IsEncrypted</key><false/></dict></plist>";
        assert_eq!(plist_is_encrypted(xml), Some(false));
        assert_eq!(plist_is_encrypted(b"<plist><dict/></plist>"), None);
    }

    #[test]
    fn damaged_binary_plists_do_not_panic() {
        let good = bplist(true);
        for cut in 0..good.len() {
            let _ = plist_is_encrypted(good.get(..cut).unwrap());
        }
        let mut bad = good.clone();
        let n = bad.len();
        bad[n - 24] = 0xFF; // absurd object count
        let _ = plist_is_encrypted(&bad);
        let mut bad = good;
        bad[9] = 0xFF; // absurd key reference
        assert_eq!(plist_is_encrypted(&bad), None);
    }
}
