//! `termux-sms-list -l 100000 -t all` output: a JSON array of
//! `{threadid, type, read, sender, address, number, received, body, _id}`
//! where `type` is a folder name and `received` a local time
//! (`yyyy-MM-dd HH:mm:ss`) with no zone, read in the user's zone.

use std::io::BufReader;
use std::path::Path;

use serde_json::{Map, Value};

use super::fields::{CountingReader, clean_contact, json_text, parse_time, zone_label};
use super::json_stream::{self, TopLevel};
use super::{
    Channel, Direction, HashingReader, ImportError, ImportOptions, ImportedMessage, MessageSink,
    Position, Progress, SourceFile, finish_hash, open_input,
};

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 512;

/// Reads a `termux-sms-list` JSON file into `sink`.
pub fn read(
    path: &Path,
    options: &ImportOptions,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
) -> Result<SourceFile, ImportError> {
    let (file, _) = open_input(path)?;
    let (counting, bytes) = CountingReader::new(file);
    let mut reader = BufReader::with_capacity(256 * 1024, HashingReader::new(counting));
    json_stream::skip_utf8_bom(path, &mut reader)?;
    let top = json_stream::for_each_element(path, &mut reader, &mut |n, raw| {
        if n.is_multiple_of(PROGRESS_EVERY) {
            progress.set_position(bytes.get());
        }
        let pos = Some(Position::Record(n));
        match json_stream::object_of(raw) {
            Ok(map) => record(&map, pos, options, sink),
            Err(why) => {
                sink.rejected(pos, why);
                Ok(())
            }
        }
    })?;
    if let TopLevel::Object { members, skipped } = top {
        return Err(object_error(path, &members, &skipped));
    }
    progress.set_position(bytes.get());
    let mut source = finish_hash(path, reader)?;
    source.zone = Some(zone_label(&options.zone));
    Ok(source)
}

fn object_error(
    path: &Path,
    map: &Map<String, Value>,
    skipped: &[(String, String)],
) -> ImportError {
    if let Some(message) = json_text(map.get("error")) {
        return ImportError::new(path, format!("termux-api answered with an error: '{message}'"))
            .hint("the Google Play build of Termux:API may not read SMS; install Termux and Termux:API from F-Droid or GitHub, grant the SMS permission, and run termux-sms-list -l 100000 -t all again");
    }
    ImportError::new(
        path,
        format!(
            "a JSON object, not the array of messages termux-sms-list writes{}",
            json_stream::skipped_note(skipped)
        ),
    )
    .hint("run termux-sms-list -l 100000 -t all > sms.json without --conversation-list options")
}

fn record(
    map: &Map<String, Value>,
    pos: Option<Position>,
    options: &ImportOptions,
    sink: &mut dyn MessageSink,
) -> Result<(), ImportError> {
    let kind = json_text(map.get("type")).unwrap_or_default();
    let direction = match kind.trim().to_ascii_lowercase().as_str() {
        "inbox" => Direction::Incoming,
        "sent" => Direction::Outgoing,
        // termux-api writes "" for queued (6) messages.
        "draft" | "failed" | "outbox" | "queued" | "" => {
            sink.skipped_undelivered();
            return Ok(());
        }
        other => {
            sink.rejected(pos, format!("message with unknown type '{other}'"));
            return Ok(());
        }
    };
    let address = json_text(map.get("address"))
        .or_else(|| json_text(map.get("number")))
        .filter(|a| !a.trim().is_empty());
    let Some(address) = address else {
        sink.rejected(pos, "message without an address".into());
        return Ok(());
    };
    let received = json_text(map.get("received")).unwrap_or_default();
    let Some(time) = parse_time(&received, &options.zone) else {
        sink.rejected(pos, format!("message with a bad time '{received}'"));
        return Ok(());
    };
    // `sender` is the contact's name on received messages and "You" on sent ones.
    let contact_name = match direction {
        Direction::Incoming => clean_contact(json_text(map.get("sender"))),
        Direction::Outgoing => None,
    };
    super::deliver(
        sink,
        pos,
        ImportedMessage {
            direction,
            address,
            timestamp_ms: time.timestamp_ms,
            utc_offset_s: time.utc_offset_s,
            body: json_text(map.get("body")).unwrap_or_default(),
            channel: Channel::Sms,
            contact_name,
            hint: None,
        },
    )
}
