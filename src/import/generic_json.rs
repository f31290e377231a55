//! A plain JSON array of `{"address", "date", "type", "body",
//! "contact_name"}` objects, as `gen_sms.py --format json` and many small
//! export scripts write: `date` in epoch milliseconds (other units and ISO
//! 8601 are recognised too), `type` 1 received / 2 sent / 3… not delivered.

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
    let top = json_stream::for_each_element(path, &mut reader, &mut |n, raw| {
        if n.is_multiple_of(PROGRESS_EVERY) {
            progress.set_position(bytes.get());
        }
        let pos = Some(Position::Record(n));
        match json_stream::parse_object(raw.get()) {
            Ok(map) => record(&map, pos, options, &mut used_zone, sink),
            Err(why) => {
                sink.rejected(pos, why);
                Ok(())
            }
        }
    })?;
    if let TopLevel::Object(_) = top {
        return Err(
            ImportError::new(path, "a JSON object, not an array of messages").hint(
                "optout reads a JSON array of {\"address\", \"date\", \"type\", \"body\"} objects",
            ),
        );
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
    let Some(address) = json_text(map.get("address")).filter(|a| !a.trim().is_empty()) else {
        sink.rejected(pos, "message without an address".into());
        return Ok(());
    };
    let date = json_text(map.get("date")).unwrap_or_default();
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
            body: json_text(map.get("body")).unwrap_or_default(),
            channel: Channel::Sms,
            contact_name: clean_contact(json_text(map.get("contact_name"))),
            hint: None,
        },
    )
}
