//! A plain JSON array of `{"address", "date", "type", "body",
//! "contact_name"}` objects, as `gen_sms.py --format json` and many small
//! export scripts write: `date` in epoch milliseconds (other units and ISO
//! 8601 are recognised too), `type` 1 received / 2 sent / 3… not delivered.
//! App dumps name the fields otherwise, and are read too: the other party
//! as `sender`, `from`, `number` or `phone`; the time as `timestamp`,
//! `time` or `date_sent`; the text as `text`, `message` or `content`. The
//! same objects one per line (JSON Lines) are read as well.

use std::io::BufReader;
use std::path::Path;

use serde_json::{Map, Value};

use super::fields::{CountingReader, clean_contact, delivered, json_text, parse_time, zone_label};
use super::json_stream::{self, TopLevel};
use super::{
    Channel, Direction, HashingReader, ImportError, ImportOptions, ImportedMessage, MessageSink,
    Position, Progress, SourceFile, finish_hash, open_input,
};

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 512;

/// Reads a JSON array of message objects into `sink`.
pub fn read(
    path: &Path,
    options: &ImportOptions,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
) -> Result<SourceFile, ImportError> {
    let (file, _) = open_input(path)?;
    let (counting, bytes) = CountingReader::new(file);
    let mut reader = BufReader::with_capacity(256 * 1024, HashingReader::new(counting));
    let mut used_zone = false;
    json_stream::skip_utf8_bom(path, &mut reader)?;
    if starts_with_object(&mut reader) {
        read_lines(
            path,
            &mut reader,
            options,
            &mut used_zone,
            sink,
            progress,
            &bytes,
        )?;
        let mut source = finish_hash(path, reader)?;
        if used_zone {
            source.zone = Some(zone_label(&options.zone));
        }
        return Ok(source);
    }
    let top = json_stream::for_each_element(path, &mut reader, &mut |n, raw| {
        if n.is_multiple_of(PROGRESS_EVERY) {
            progress.set_position(bytes.get());
        }
        let pos = Some(Position::Record(n));
        match json_stream::object_of(raw) {
            Ok(map) => record(&map, pos, options, &mut used_zone, sink),
            Err(why) => {
                sink.rejected(pos, why);
                Ok(())
            }
        }
    })?;
    if let TopLevel::Object { skipped, .. } = top {
        return Err(ImportError::new(
            path,
            format!(
                "a JSON object, not an array of messages{}",
                json_stream::skipped_note(&skipped)
            ),
        )
        .hint("optout reads a JSON array of {\"address\", \"date\", \"type\", \"body\"} objects"));
    }
    progress.set_position(bytes.get());
    let mut source = finish_hash(path, reader)?;
    if used_zone {
        source.zone = Some(zone_label(&options.zone));
    }
    Ok(source)
}

fn record(
    map: &Map<String, Value>,
    pos: Option<Position>,
    options: &ImportOptions,
    used_zone: &mut bool,
    sink: &mut dyn MessageSink,
) -> Result<(), ImportError> {
    let kind = json_text(map.get("type")).or_else(|| json_text(map.get("direction")));
    let direction = match kind {
        // No type at all: a list of received messages.
        None => Direction::Incoming,
        Some(kind) => {
            let Some(d) = delivered(&kind, sink, pos, || {
                format!("message with unknown type '{kind}'")
            }) else {
                return Ok(());
            };
            d
        }
    };
    let Some(address) = first(map, ADDRESS_KEYS).filter(|a| !a.trim().is_empty()) else {
        sink.rejected(
            pos,
            "message without an address (expected 'address', 'sender', 'from' or 'number')".into(),
        );
        return Ok(());
    };
    let Some(date) = first(map, DATE_KEYS) else {
        sink.rejected(
            pos,
            "message without a date (expected 'date' or 'timestamp')".into(),
        );
        return Ok(());
    };
    let Some(time) = parse_time(&date, &options.zone) else {
        sink.rejected(pos, format!("message with a bad date '{date}'"));
        return Ok(());
    };
    *used_zone |= time.used_zone;
    super::deliver(
        sink,
        pos,
        ImportedMessage {
            direction,
            address,
            timestamp_ms: time.timestamp_ms,
            utc_offset_s: time.utc_offset_s,
            body: first(map, BODY_KEYS).unwrap_or_default(),
            channel: Channel::Sms,
            contact_name: clean_contact(first(map, CONTACT_KEYS)),
            hint: None,
        },
    )
}

/// The names app dumps give each field, in order of preference.
const ADDRESS_KEYS: &[&str] = &[
    "address",
    "sender",
    "from",
    "number",
    "phone",
    "originatingAddress",
];
const DATE_KEYS: &[&str] = &[
    "date",
    "timestamp",
    "time",
    "date_sent",
    "sent_at",
    "received_at",
];
const BODY_KEYS: &[&str] = &["body", "text", "message", "content", "msg"];
const CONTACT_KEYS: &[&str] = &["contact_name", "contact", "name"];

/// The first of `keys` that `map` has, as text.
fn first(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| json_text(map.get(*k)))
}

/// Whether the first line of a file that starts with `{` is a message as
/// an app dump writes one (JSON Lines).
pub fn looks_like_message_line(text: &str) -> bool {
    let line = text.split('\n').next().unwrap_or(text);
    let keys = |map: &Map<String, Value>| {
        ADDRESS_KEYS.iter().any(|k| map.contains_key(*k))
            && (DATE_KEYS.iter().any(|k| map.contains_key(*k))
                || BODY_KEYS.iter().any(|k| map.contains_key(*k)))
    };
    match serde_json::from_str::<Map<String, Value>>(line) {
        Ok(map) => keys(&map),
        // A first line longer than the head: its first keys decide.
        Err(_) => {
            text.split_once('\n').is_none()
                && ADDRESS_KEYS
                    .iter()
                    .any(|k| line.contains(&format!("\"{k}\"")))
        }
    }
}

/// Whether the next non-blank byte is `{` (JSON Lines) rather than `[`.
fn starts_with_object(reader: &mut impl std::io::BufRead) -> bool {
    loop {
        let Ok(buf) = reader.fill_buf() else {
            return false;
        };
        let Some(&b) = buf.first() else {
            return false;
        };
        if b.is_ascii_whitespace() {
            reader.consume(1);
            continue;
        }
        return b == b'{';
    }
}

/// JSON Lines: one message object per line. A line that is not an object
/// is skipped with its line number; a line over 1 MiB too, unread.
fn read_lines(
    path: &Path,
    reader: &mut impl std::io::BufRead,
    options: &ImportOptions,
    used_zone: &mut bool,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
    bytes: &std::rc::Rc<std::cell::Cell<u64>>,
) -> Result<(), ImportError> {
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        let read = std::io::BufRead::read_until(
            &mut std::io::Read::take(&mut *reader, super::MAX_RECORD_TEXT as u64 + 1),
            b'\n',
            &mut line,
        )
        .map_err(|e| ImportError::io(path, &e))?;
        if read == 0 {
            break;
        }
        n += 1;
        let pos = Some(Position::Line { line: n, column: 1 });
        if !line.ends_with(b"\n") && read > super::MAX_RECORD_TEXT {
            // Skip the rest of this overlong line without holding it.
            loop {
                let buf = reader.fill_buf().map_err(|e| ImportError::io(path, &e))?;
                if buf.is_empty() {
                    break;
                }
                if let Some(i) = buf.iter().position(|&b| b == b'\n') {
                    reader.consume(i + 1);
                    break;
                }
                let len = buf.len();
                reader.consume(len);
            }
            sink.rejected(pos, "a line longer than 1 MiB".into());
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if n.is_multiple_of(PROGRESS_EVERY) {
            progress.set_position(bytes.get());
        }
        match json_stream::parse_object(text) {
            Ok(map) => record(&map, pos, options, used_zone, sink)?,
            Err(why) => sink.rejected(pos, why),
        }
    }
    progress.set_position(bytes.get());
    Ok(())
}
