//! Opening someone else's `SQLite` database (an iPhone's `sms.db`, a Mac's
//! `chat.db`, an Android `mmssms.db`) without ever changing it, and asking
//! which tables and columns this version of it has.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::ImportError;

/// The first 16 bytes of every `SQLite` 3 database.
pub const MAGIC: &[u8] = b"SQLite format 3\0";

/// Opens `path` read-only and immutable: `SQLite` takes no locks, writes no
/// journal and never checkpoints a WAL into the user's file.
pub fn open_immutable(path: &Path) -> Result<Connection, ImportError> {
    let uri = immutable_uri(path);
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| db_error(path, &e))?;
    // Opening is lazy: touch the schema so a non-database fails here.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| db_error(path, &e))?;
    Ok(conn)
}

/// A database opened for reading, and the private copy it was opened from
/// when the original has a write-ahead log.
pub struct Snapshot {
    pub conn: Connection,
    // Dropped after `conn`: the copy outlives the connection that reads it.
    _copy: Option<PrivateCopy>,
}

/// Opens `path` for reading without ever changing it or its folder.
///
/// An immutable open ignores a `-wal` file, and messages still in the
/// write-ahead log (recent ones in a copied `chat.db` or `mmssms.db`) would
/// be missing. So when `PATH-wal` exists and is not empty, the database and
/// its log are copied into a private temporary folder (`optout-read-PID-…`,
/// mode 0700), the log is checkpointed into the copy, and the copy is
/// opened immutable. On Unix the folder is then removed at once, while the
/// connection keeps the open file: from then on nothing is left on disk
/// whatever ends the process, even `kill -9`. A folder left by a run killed
/// while copying is removed by the next import ([`remove_stale_copies`]).
pub fn open_snapshot(path: &Path) -> Result<Snapshot, ImportError> {
    let wal = sibling(path, "-wal");
    if !std::fs::metadata(&wal).is_ok_and(|m| m.is_file() && m.len() > 0) {
        return Ok(Snapshot {
            conn: open_immutable(path)?,
            _copy: None,
        });
    }
    remove_stale_copies();
    let copy = PrivateCopy::new().map_err(|e| {
        ImportError::new(
            path,
            format!("cannot make a private copy to read its -wal: {e}"),
        )
        .hint("check that the temporary folder (TMPDIR) exists and has room")
    })?;
    let db = copy.dir.path().join("messages.db");
    std::fs::copy(path, &db).map_err(|e| ImportError::io(path, &e))?;
    std::fs::copy(&wal, copy.dir.path().join("messages.db-wal"))
        .map_err(|e| ImportError::io(&wal, &e))?;
    checkpoint(&db).map_err(|e| db_error(path, &e))?;
    let conn = open_immutable(&db).map_err(|mut e| {
        e.path = path.to_path_buf();
        e
    })?;
    #[cfg(unix)]
    {
        // The connection holds the file open: the folder can go now.
        drop(copy);
        Ok(Snapshot { conn, _copy: None })
    }
    #[cfg(not(unix))]
    Ok(Snapshot {
        conn,
        _copy: Some(copy),
    })
}

/// Replays the copy's write-ahead log into it and leaves it a single file.
fn checkpoint(db: &Path) -> Result<(), rusqlite::Error> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    conn.close().map_err(|(_, e)| e)
}

fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    std::path::PathBuf::from(name)
}

/// The name every private copy folder starts with.
const COPY_PREFIX: &str = "optout-read-";

/// A folder only the user can read, removed when dropped.
struct PrivateCopy {
    dir: tempfile::TempDir,
}

impl PrivateCopy {
    fn new() -> std::io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{COPY_PREFIX}{}-", std::process::id()))
            .tempdir()?;
        Ok(PrivateCopy { dir })
    }
}

/// Removes the private copies that runs killed while copying left in the
/// temporary folder: `optout-read-PID-…` folders whose process is gone
/// (Linux, where `/proc` says which processes live; elsewhere nothing is
/// removed).
pub fn remove_stale_copies() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    if !Path::new("/proc/self").exists() {
        return;
    }
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(COPY_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !alive && is_dir {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// `file:/abs/path?immutable=1`, with everything but unreserved characters
/// and `/` percent-encoded (a `?` or `#` in a folder name must not end the
/// path).
pub fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let raw = path_bytes(&absolute);
    let mut uri = String::with_capacity(raw.len() + 24);
    uri.push_str("file:");
    if !raw.starts_with(b"/") {
        // Windows: file:/C:/Users/…
        uri.push('/');
    }
    for &b in &raw {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(b as char);
        } else {
            let _ = write!(uri, "%{b:02X}");
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().replace('\\', "/").into_bytes()
}

/// One line for a database error, with what to do about it.
pub fn db_error(path: &Path, err: &rusqlite::Error) -> ImportError {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => ImportError::new(
            path,
            "not a readable SQLite database (damaged or encrypted)",
        )
        .hint("copy the database again; an encrypted iPhone backup must be made unencrypted first"),
        Some(ErrorCode::DatabaseCorrupt) => {
            ImportError::new(path, "the database is damaged or truncated")
                .hint("copy it again from the phone or backup; nothing was imported")
        }
        Some(ErrorCode::CannotOpen) => ImportError::new(path, "cannot open the database")
            .hint("check that the file exists and is readable by your user"),
        Some(ErrorCode::PermissionDenied) => ImportError::new(path, "permission denied")
            .hint("make the file readable by your user (chmod u+r) and try again"),
        // Its Display quotes the whole query: say what was wrong, not the SQL.
        _ => match err {
            rusqlite::Error::SqlInputError { msg, .. } => ImportError::new(
                path,
                format!(
                    "the database's tables are not laid out as in a message database optout knows ({msg})"
                ),
            )
            .hint("import the phone's own sms.db, chat.db or mmssms.db, not a converted copy"),
            _ => ImportError::new(path, format!("cannot read the database: {err}")),
        },
    }
}

/// The names of the tables in the database.
pub fn tables(path: &Path, conn: &Connection) -> Result<HashSet<String>, ImportError> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .map_err(|e| db_error(path, &e))?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(|e| db_error(path, &e))?
        .collect::<Result<HashSet<_>, _>>()
        .map_err(|e| db_error(path, &e))?;
    Ok(names)
}

/// The column names of `table` (empty when the table does not exist).
pub fn columns(path: &Path, conn: &Connection, table: &str) -> Result<Columns, ImportError> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1)")
        .map_err(|e| db_error(path, &e))?;
    let names = stmt
        .query_map([table], |r| r.get::<_, String>(0))
        .map_err(|e| db_error(path, &e))?
        .collect::<Result<HashSet<_>, _>>()
        .map_err(|e| db_error(path, &e))?;
    Ok(Columns {
        names: names.into_iter().map(|n| n.to_ascii_lowercase()).collect(),
    })
}

/// The columns one table has in this version of the schema.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    names: HashSet<String>,
}

impl Columns {
    pub fn has(&self, name: &str) -> bool {
        self.names.contains(&name.to_ascii_lowercase())
    }

    /// `alias.column` when the column exists, else the SQL fallback.
    pub fn or(&self, alias: &str, name: &str, fallback: &str) -> String {
        if self.has(name) {
            format!("{alias}.{name}")
        } else {
            fallback.to_string()
        }
    }
}

/// Counts the rows of `table` for progress; 0 when it cannot.
pub fn count_rows(conn: &Connection, table: &str) -> u64 {
    conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
        r.get::<_, i64>(0)
    })
    .map_or(0, |n| n.max(0) as u64)
}

/// Which message database a `SQLite` file is, from its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AppleMessages,
    AndroidTelephony,
}

/// Looks at the tables of the database at `path`.
pub fn kind(path: &Path) -> Result<Kind, ImportError> {
    let mut tables = tables(path, &open_immutable(path)?)?;
    if tables.is_empty() {
        // A database created moments before the copy may have its schema
        // only in the write-ahead log.
        tables = self::tables(path, &open_snapshot(path)?.conn)?;
    }
    if tables.contains("message") && (tables.contains("handle") || tables.contains("chat")) {
        return Ok(Kind::AppleMessages);
    }
    if tables.contains("sms") || (tables.contains("pdu") && tables.contains("part")) {
        return Ok(Kind::AndroidTelephony);
    }
    let hint = if tables.contains("Files") {
        "this is an iPhone backup's Manifest.db: import the backup folder itself"
    } else if tables.contains("message") {
        "an iOS sms.db or macOS chat.db has the tables message and handle; this one has no handle table (iOS 5 or older is not supported)"
    } else {
        "optout reads iOS sms.db, macOS chat.db (tables message, handle) and Android mmssms.db (tables sms, pdu); check you picked the right file"
    };
    let mut names: Vec<&str> = tables.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.truncate(8);
    Err(ImportError::new(
        path,
        format!(
            "a SQLite database without message tables (it has: {})",
            if names.is_empty() {
                "no tables".to_string()
            } else {
                names.join(", ")
            }
        ),
    )
    .hint(hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn uri_escapes_what_would_end_the_path() {
        let uri = immutable_uri(Path::new("/tmp/a b/x?y#z%/短信.db"));
        assert_eq!(
            uri,
            "file:/tmp/a%20b/x%3Fy%23z%25/%E7%9F%AD%E4%BF%A1.db?immutable=1"
        );
    }
}
