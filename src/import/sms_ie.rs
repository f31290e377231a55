//! SMS Import / Export (the open-source Android app `tmo1/sms-ie`): a ZIP
//! holding `messages.ndjson`, one JSON object per line with the Android
//! provider's columns (every value written as a string). SMS lines carry
//! `address`, `type`, `date` (ms), `body`; MMS lines carry `msg_box`,
//! `date` (seconds), `__sender_address`, `__recipient_addresses` and
//! `__parts`. The NDJSON is streamed out of the ZIP entry line by line;
//! media entries are never read. A bare `messages.ndjson` (unzipped by
//! the user) is read the same way.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::{Map, Value};

use super::fields::{CountingReader, clean_contact, delivered, epoch_to_ms, json_i64, json_text};
use super::json_stream::parse_object;
use super::{
    Channel, Direction, HashingReader, ImportError, ImportedMessage, MessageSink, Position,
    Progress, SourceFile, finish_hash, open_input, sha256_file,
};

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 512;

/// The entry the app writes the messages to.
pub const ENTRY: &str = "messages.ndjson";

/// A line longer than this (an MMS with inline base64 media) is skipped
/// rather than held in memory.
const MAX_LINE: usize = 64 * 1024 * 1024;

/// A ZIP entry may always inflate to this much (1 MiB), whatever its
/// compressed size.
pub const MIN_INFLATE_ALLOWANCE: u64 = 1024 * 1024;
/// Beyond that, an entry may inflate to at most 100 times its compressed
/// size (real `messages.ndjson` files compress 5 to 20 times; a ZIP bomb
/// of blank lines, a thousand times) ...
pub const MAX_INFLATE_RATIO: u64 = 100;
/// ... and never past 4 GiB.
pub const MAX_INFLATED_ENTRY: u64 = 4 * 1024 * 1024 * 1024;

/// How many bytes the entry with `compressed` bytes may inflate to.
fn inflate_allowance(compressed: u64) -> u64 {
    compressed
        .saturating_mul(MAX_INFLATE_RATIO)
        .clamp(MIN_INFLATE_ALLOWANCE, MAX_INFLATED_ENTRY)
}

fn bomb(path: &Path, entry: &str, allowed: u64) -> ImportError {
    ImportError::new(
        path,
        format!(
            "{} inflates to more than {allowed} bytes (over {MAX_INFLATE_RATIO} times its compressed size, or over 4 GiB): refused as a ZIP bomb",
            crate::text::sanitize(entry)
        ),
    )
    .hint("export your messages again with SMS Import/Export; nothing was imported")
}

/// MMS address types from the WAP spec.
const PDU_FROM: i64 = 137;
const PDU_TO: i64 = 151;

/// Checks that `path` is a ZIP holding `messages.ndjson`.
pub fn check_zip(path: &Path) -> Result<(), ImportError> {
    let file = File::open(path).map_err(|e| ImportError::io(path, &e))?;
    let archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| zip_error(path, &e))?;
    find_entry(path, &archive).map(|_| ())
}

fn find_entry<R: Read + std::io::Seek>(
    path: &Path,
    archive: &zip::ZipArchive<R>,
) -> Result<String, ImportError> {
    let owned: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(std::borrow::Cow::into_owned)
        .collect();
    let names: Vec<&str> = owned.iter().map(String::as_str).collect();
    if let Some(name) = names
        .iter()
        .find(|n| **n == ENTRY || n.ends_with("/messages.ndjson"))
    {
        return Ok((*name).to_string());
    }
    if names.iter().any(|n| n.ends_with("calls.ndjson")) {
        return Err(ImportError::new(
            path,
            "this is an SMS Import/Export call log, not a message export",
        )
        .hint("in SMS Import/Export choose Export messages and import the messages-*.zip file"));
    }
    let mut shown: Vec<&str> = names.iter().copied().take(5).collect();
    if names.len() > 5 {
        shown.push("…");
    }
    Err(ImportError::new(
        path,
        format!(
            "a ZIP file without messages.ndjson (it holds: {})",
            if shown.is_empty() {
                "nothing".to_string()
            } else {
                shown.join(", ")
            }
        ),
    )
    .hint(
        "export with SMS Import/Export (Export messages) and import the messages-*.zip it writes",
    ))
}

fn zip_error(path: &Path, err: &zip::result::ZipError) -> ImportError {
    use zip::result::ZipError;
    match err {
        ZipError::Io(e) => ImportError::io(path, e),
        ZipError::UnsupportedArchive(what) if what.to_lowercase().contains("password") => {
            ImportError::new(path, "the ZIP is password-protected")
                .hint("export again from SMS Import/Export without encryption")
        }
        _ => ImportError::new(path, format!("a damaged or truncated ZIP file: {err}"))
            .hint("copy the export again or export anew; nothing was imported"),
    }
}

/// Reads an SMS Import/Export ZIP (or bare NDJSON) into `sink`.
pub fn read(
    path: &Path,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
) -> Result<SourceFile, ImportError> {
    let (mut file, size) = open_input(path)?;
    let mut magic = [0u8; 2];
    let is_zip = file.read_exact(&mut magic).is_ok() && &magic == b"PK";
    drop(file);
    if !is_zip {
        let (file, _) = open_input(path)?;
        let (counting, bytes) = CountingReader::new(file);
        let mut reader = BufReader::with_capacity(256 * 1024, HashingReader::new(counting));
        super::json_stream::skip_utf8_bom(path, &mut reader)?;
        read_lines(path, &mut reader, sink, &|| {
            progress.set_position(bytes.get());
        })?;
        progress.set_position(size);
        return finish_hash(path, reader);
    }
    let (sha256, size) = sha256_file(path)?;
    let file = File::open(path).map_err(|e| ImportError::io(path, &e))?;
    let mut archive =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| zip_error(path, &e))?;
    let name = find_entry(path, &archive)?;
    let entry = archive.by_name(&name).map_err(|e| zip_error(path, &e))?;
    let unpacked = entry.size().max(1);
    let allowed = inflate_allowance(entry.compressed_size());
    if entry.size() > allowed {
        return Err(bomb(path, &name, allowed));
    }
    // The declared size may lie: the bound is enforced on the bytes too.
    let (counting, bytes) = CountingReader::new(entry.take(allowed.saturating_add(1)));
    let mut reader = BufReader::with_capacity(256 * 1024, counting);
    let result = read_lines(path, &mut reader, sink, &|| {
        progress.set_position(size.saturating_mul(bytes.get().min(unpacked)) / unpacked);
    });
    if bytes.get() > allowed {
        return Err(bomb(path, &name, allowed));
    }
    result?;
    progress.set_position(size);
    Ok(SourceFile {
        sha256,
        size,
        zone: None,
        declared: None,
    })
}

/// One line of the NDJSON as read: its bytes (or that it was too long) and
/// whether a newline ended it.
struct Line {
    too_long: bool,
    ended: bool,
}

/// Reads the next line into `buf` (without its newline), keeping at most
/// `MAX_LINE` bytes. `None` at the end of the input.
fn next_line<R: BufRead>(reader: &mut R, buf: &mut Vec<u8>) -> std::io::Result<Option<Line>> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(any.then_some(Line {
                too_long,
                ended: false,
            }));
        }
        any = true;
        let (chunk, found) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], Some(i)),
            None => (available, None),
        };
        if !too_long {
            if buf.len() + chunk.len() > MAX_LINE {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = found.map_or(available.len(), |i| i + 1);
        reader.consume(used);
        if found.is_some() {
            return Ok(Some(Line {
                too_long,
                ended: true,
            }));
        }
    }
}

fn read_lines<R: BufRead>(
    path: &Path,
    reader: &mut R,
    sink: &mut dyn MessageSink,
    report: &dyn Fn(),
) -> Result<(), ImportError> {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut line_no = 0u64;
    let mut records = 0u64;
    let mut delivered_or_rejected = 0u64;
    loop {
        let line = match next_line(reader, &mut buf) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                return Err(
                    ImportError::new(path, format!("cannot read the export: {e}"))
                        .at(Position::Line {
                            line: line_no + 1,
                            column: 1,
                        })
                        .hint("the ZIP looks damaged or truncated; copy or export it again"),
                );
            }
        };
        line_no += 1;
        if buf.capacity() > 4 * 1024 * 1024 && buf.len() < 64 * 1024 {
            buf = Vec::with_capacity(64 * 1024);
        }
        let pos = Some(Position::Line {
            line: line_no,
            column: 1,
        });
        if line.too_long {
            sink.rejected(pos, "a record longer than 64 MiB".into());
            continue;
        }
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        records += 1;
        if records.is_multiple_of(PROGRESS_EVERY) {
            report();
        }
        match parse_object(text) {
            Ok(map) => {
                delivered_or_rejected += 1;
                record(&map, pos, sink)?;
            }
            Err(why) if !line.ended => {
                // The app ends every record with a newline: a last line that
                // is cut off and unreadable means the export is truncated.
                return Err(ImportError::new(
                    path,
                    format!("the last record is cut off ({why}): the export is truncated"),
                )
                .at(Position::Line {
                    line: line_no,
                    column: 1,
                })
                .hint("copy the export again or export anew; nothing was imported"));
            }
            Err(why) => sink.rejected(pos, why),
        }
    }
    if records == 0 {
        return Err(
            ImportError::new(path, "messages.ndjson holds no messages").hint(
                "in SMS Import/Export, check that SMS and MMS export is enabled and export again",
            ),
        );
    }
    if delivered_or_rejected == 0 {
        return Err(
            ImportError::new(path, "no line of messages.ndjson could be read")
                .hint("the export is damaged; export your messages again"),
        );
    }
    Ok(())
}

fn record(
    map: &Map<String, Value>,
    pos: Option<Position>,
    sink: &mut dyn MessageSink,
) -> Result<(), ImportError> {
    let is_mms = map.contains_key("msg_box") || map.contains_key("__parts");
    let kind_key = if is_mms { "msg_box" } else { "type" };
    let kind = json_text(map.get(kind_key));
    let what = if is_mms { "mms" } else { "sms" };
    let Some(kind) = kind else {
        sink.rejected(pos, format!("{what} without a {kind_key}"));
        return Ok(());
    };
    let Some(direction) = delivered(&kind, sink, pos, || {
        format!("{what} with unknown {kind_key} '{kind}'")
    }) else {
        return Ok(());
    };
    // SMS dates are ms, MMS dates seconds: epoch_to_ms tells them apart.
    let Some(timestamp_ms) = json_i64(map.get("date"))
        .filter(|&d| d > 0)
        .map(epoch_to_ms)
    else {
        sink.rejected(
            pos,
            format!(
                "{what} with a bad date '{}'",
                json_text(map.get("date")).unwrap_or_default()
            ),
        );
        return Ok(());
    };
    let (address, contact_name, body, channel) = if is_mms {
        let (address, contact) = mms_address(map, direction);
        (address, contact, mms_body(map), Channel::Mms)
    } else {
        (
            json_text(map.get("address")),
            json_text(map.get("__display_name")),
            json_text(map.get("body")).unwrap_or_default(),
            Channel::Sms,
        )
    };
    let Some(address) = address.filter(|a| !a.trim().is_empty()) else {
        sink.rejected(pos, format!("{what} without an address"));
        return Ok(());
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
            contact_name: match direction {
                Direction::Incoming => clean_contact(contact_name),
                Direction::Outgoing => None,
            },
            hint: None,
        },
    )
}

/// The other party of an MMS: the sender of a received one, the `~`-joined
/// recipients of a sent one (as SMS Backup & Restore writes them).
fn mms_address(map: &Map<String, Value>, direction: Direction) -> (Option<String>, Option<String>) {
    match direction {
        Direction::Incoming => {
            let sender = map.get("__sender_address").and_then(Value::as_object);
            (
                sender.and_then(|s| json_text(s.get("address"))),
                sender.and_then(|s| json_text(s.get("__display_name"))),
            )
        }
        Direction::Outgoing => {
            let recipients: Vec<(Option<i64>, String)> = map
                .get("__recipient_addresses")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_object)
                        .filter_map(|r| {
                            let address = json_text(r.get("address"))?;
                            (!address.trim().is_empty()).then(|| (json_i64(r.get("type")), address))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let to: Vec<&str> = recipients
                .iter()
                .filter(|(t, _)| *t == Some(PDU_TO))
                .map(|(_, a)| a.as_str())
                .collect();
            let chosen = if to.is_empty() {
                recipients
                    .iter()
                    .filter(|(t, _)| *t != Some(PDU_FROM))
                    .map(|(_, a)| a.as_str())
                    .collect::<Vec<_>>()
            } else {
                to
            };
            ((!chosen.is_empty()).then(|| chosen.join("~")), None)
        }
    }
}

/// The text/plain parts of an MMS in `seq` order, joined by newlines.
fn mms_body(map: &Map<String, Value>) -> String {
    let mut parts: Vec<(i64, String)> = map
        .get("__parts")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .filter(|p| {
                    json_text(p.get("ct"))
                        .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("text/plain"))
                })
                .filter_map(|p| {
                    Some((
                        json_i64(p.get("seq")).unwrap_or(0),
                        json_text(p.get("text"))?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    parts.sort_by_key(|(seq, _)| *seq);
    parts
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_and_the_last_one_may_lack_a_newline() {
        let mut r = std::io::Cursor::new(b"a\nbb\r\n\nccc".to_vec());
        let mut buf = Vec::new();
        let mut got = Vec::new();
        while let Some(line) = next_line(&mut r, &mut buf).unwrap() {
            got.push((String::from_utf8(buf.clone()).unwrap(), line.ended));
        }
        assert_eq!(
            got,
            vec![
                ("a".to_string(), true),
                ("bb\r".to_string(), true),
                (String::new(), true),
                ("ccc".to_string(), false)
            ]
        );
    }
}
