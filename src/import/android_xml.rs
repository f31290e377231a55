//! SMS Backup & Restore (`SyncTech`) XML: `<smses>` holding `<sms>` and `<mms>`.
//!
//! Streams with quick-xml; memory is bounded by the largest single element,
//! never by the file. MMS `data` attributes (base64 media) are skipped
//! without decoding. Attribute values are unescaped here rather than by
//! quick-xml because the app writes emoji as UTF-16 surrogate-pair character
//! references (`&#55357;&#56832;`), which a strict XML unescaper rejects.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{
    Channel, Direction, ImportError, ImportOptions, ImportedMessage, MAX_RECORD_TEXT, MessageSink,
    Position, Progress, line_column,
};

mod guard;
pub mod sims;
use guard::Guard;

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u32 = 512;

/// MMS address types from the WAP spec, as the app writes them.
const PDU_FROM: &str = "137";
const PDU_TO: &str = "151";

#[derive(Default)]
struct MmsDraft {
    position: u64,
    date: Option<String>,
    msg_box: Option<String>,
    address: Option<String>,
    contact_name: Option<String>,
    parts: Vec<(i64, String)>,
    from: Vec<String>,
    to: Vec<String>,
    /// An attribute of the MMS, a part or an address was over the limit.
    oversized: Option<String>,
}

/// Reads a whole SMS Backup & Restore file from `reader` into `sink`: every
/// message, or only those of one SIM (`sub_id`; the others are passed over
/// unread), counting them by SIM if asked (`options.sim` and
/// `options.sim_counts`, see [`sims`]). Returns the `count` the root
/// element declares, when it has one, with how many `<sms>` and `<mms>`
/// records the file held.
pub fn read<R: BufRead>(
    path: &Path,
    reader: R,
    options: &ImportOptions,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
) -> Result<Option<(u64, u64)>, ImportError> {
    let mut xml = Reader::from_reader(Guard::new(reader));
    xml.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut root_open = false;
    let mut root_closed = false;
    let mut mms: Option<MmsDraft> = None;
    let mut since_progress = 0u32;
    let mut declared: Option<u64> = None;
    let mut records = 0u64;
    let mut sims = sims::Sims::new(options);

    loop {
        buf.clear();
        if buf.capacity() > 4 * 1024 * 1024 {
            // One huge MMS part must not keep its memory for the rest of the file.
            buf = Vec::with_capacity(8 * 1024);
        }
        let start = xml.buffer_position();
        let event = match xml.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(err) => {
                if let Some((at, why)) = xml.get_ref().refused() {
                    return Err(ImportError::new(path, format!("refused: {why}"))
                        .at(line_column(path, *at))
                        .hint("this is not an export SMS Backup & Restore writes; nothing was imported"));
                }
                let truncated = matches!(
                    err,
                    quick_xml::Error::Syntax(_) | quick_xml::Error::IllFormed(_)
                ) && xml.get_mut().fill_buf().is_ok_and(<[u8]>::is_empty);
                return Err(xml_error(
                    path,
                    xml.get_ref().original(xml.error_position()),
                    &err.to_string(),
                    truncated,
                ));
            }
        };
        let end = xml.buffer_position();
        let oversized = xml.get_mut().take_oversized_before(end).first().map(|o| {
            format!(
                "'{}' attribute is longer than the {MAX_RECORD_TEXT} bytes a record may hold",
                crate::text::sanitize(&o.attribute)
            )
        });
        let start = xml.get_ref().original(start);
        let opened = match event {
            Event::Start(e) => Some((e, false)),
            Event::Empty(e) => Some((e, true)),
            Event::End(e) => {
                match e.name().as_ref() {
                    b"mms" => {
                        if let Some(draft) = mms.take() {
                            finish_mms(draft, sink)?;
                        }
                    }
                    b"smses" => root_closed = true,
                    _ => {}
                }
                None
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some((e, is_empty)) = opened {
            {
                let name = e.name();
                let name = name.as_ref();
                if !root_open {
                    if name == b"smses" {
                        root_open = true;
                        declared =
                            e.try_get_attribute("count").ok().flatten().and_then(|a| {
                                std::str::from_utf8(&a.value).ok()?.trim().parse().ok()
                            });
                    } else if name == b"calls" {
                        return Err(ImportError::new(
                            path,
                            "this is a call log backup, not a message backup",
                        )
                        .hint("import the sms-*.xml file SMS Backup & Restore wrote"));
                    } else {
                        return Err(ImportError::new(
                            path,
                            format!(
                                "not an SMS Backup & Restore file: the first element is <{}>, not <smses>",
                                String::from_utf8_lossy(name)
                            ),
                        )
                        .at(line_column(path, start)));
                    }
                    continue;
                }
                match name {
                    b"sms" => {
                        records += 1;
                        since_progress += 1;
                        // One pass over the attributes: the SIM and the
                        // values read_sms unescapes if the record is kept.
                        let raw = RawAttrs::of(&e, SMS_KEYS);
                        if sims.see(raw.sub_id()) {
                            if let Some(why) = oversized {
                                sink.rejected(
                                    Some(Position::Byte(start)),
                                    format!("an sms whose {why}"),
                                );
                            } else {
                                read_sms(path, raw, start, sink)?;
                            }
                        }
                    }
                    b"mms" => {
                        records += 1;
                        since_progress += 1;
                        let raw = RawAttrs::of(&e, MMS_KEYS);
                        if sims.see(raw.sub_id()) {
                            let mut draft = MmsDraft {
                                position: start,
                                oversized,
                                ..MmsDraft::default()
                            };
                            [draft.date, draft.msg_box, draft.address, draft.contact_name] =
                                raw.values(path, start)?;
                            // `<mms .../>` has no parts: finish it now.
                            if is_empty {
                                finish_mms(draft, sink)?;
                            } else {
                                mms = Some(draft);
                            }
                        }
                    }
                    b"part" | b"addr" => {
                        if let Some(draft) = mms.as_mut() {
                            if oversized.is_some() {
                                draft.oversized = draft.oversized.take().or(oversized);
                            } else if name == b"part" {
                                read_part(path, &e, start, draft)?;
                            } else {
                                read_addr(path, &e, start, draft)?;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        if since_progress >= PROGRESS_EVERY {
            since_progress = 0;
            progress.set_position(xml.get_ref().original(xml.buffer_position()));
        }
    }
    progress.set_position(xml.get_ref().original(xml.buffer_position()));

    if !root_open {
        return Err(
            ImportError::new(path, "no <smses> element: not an SMS Backup & Restore file").hint(
                "export your messages with SMS Backup & Restore and import the sms-*.xml file",
            ),
        );
    }
    if !root_closed {
        return Err(ImportError::new(
            path,
            "the file ends before </smses>: the export is truncated",
        )
        .at(line_column(
            path,
            xml.get_ref().original(xml.buffer_position()),
        ))
        .hint("copy the export again or make a new backup; nothing was imported"));
    }
    sims.hand_over(options);
    Ok(declared.map(|d| (d, records)))
}

fn xml_error(path: &Path, offset: u64, message: &str, truncated: bool) -> ImportError {
    let at = line_column(path, offset);
    if truncated {
        return ImportError::new(
            path,
            format!("the export is truncated: it ends inside an element ({message})"),
        )
        .at(at)
        .hint("copy the export again or make a new backup; nothing was imported");
    }
    ImportError::new(path, format!("malformed XML: {message}"))
        .at(at)
        .hint("the file is damaged; make a new backup. Nothing was imported")
}

/// What `<sms>` and `<mms>` records are read for.
const SMS_KEYS: [&[u8]; 5] = [b"address", b"date", b"type", b"body", b"contact_name"];
const MMS_KEYS: [&[u8]; 4] = [b"date", b"msg_box", b"address", b"contact_name"];

/// One pass over an element's attributes: the raw values of `keys` (the
/// last of a name wins) up to the first malformed attribute, and `sub_id`
/// from all of them (as [`sims::sim_of`] reads it), so the SIM decides
/// whether the record is kept before anything is unescaped.
struct RawAttrs<'a, const N: usize> {
    values: [Option<Cow<'a, [u8]>>; N],
    sub_id: Option<Cow<'a, [u8]>>,
    error: Option<quick_xml::events::attributes::AttrError>,
}

impl<'a, const N: usize> RawAttrs<'a, N> {
    fn of(e: &'a BytesStart<'_>, keys: [&[u8]; N]) -> Self {
        let mut raw = RawAttrs {
            values: std::array::from_fn(|_| None),
            sub_id: None,
            error: None,
        };
        let mut attributes = e.attributes();
        attributes.with_checks(false);
        for attr in attributes {
            match attr {
                Ok(attr) => {
                    let key = attr.key.as_ref();
                    if key == b"sub_id" {
                        raw.sub_id = Some(attr.value);
                    } else if raw.error.is_none()
                        && let Some(slot) = keys.iter().position(|k| *k == key)
                        && let Some(out) = raw.values.get_mut(slot)
                    {
                        *out = Some(attr.value);
                    }
                }
                Err(err) => {
                    raw.error.get_or_insert(err);
                }
            }
        }
        raw
    }

    fn sub_id(&self) -> Option<&[u8]> {
        self.sub_id.as_deref()
    }

    /// The values, unescaped, with the app's literal `null` as `None` (MMS
    /// `data` is never touched); the first malformed attribute is an error.
    fn values(self, path: &Path, position: u64) -> Result<[Option<String>; N], ImportError> {
        if let Some(err) = self.error {
            return Err(xml_error(
                path,
                position,
                &format!("bad attribute: {err}"),
                false,
            ));
        }
        Ok(self.values.map(|v| {
            let value = unescape(&v?);
            (value != "null").then_some(value)
        }))
    }
}

fn read_sms(
    path: &Path,
    raw: RawAttrs<'_, 5>,
    position: u64,
    sink: &mut dyn MessageSink,
) -> Result<(), ImportError> {
    let [address, date, kind, body, contact] = raw.values(path, position)?;
    let pos = Some(Position::Byte(position));
    let direction = match kind.as_deref().map(str::trim) {
        Some("1") => Direction::Incoming,
        Some("2") => Direction::Outgoing,
        Some("3" | "4" | "5" | "6") => {
            sink.skipped_undelivered();
            return Ok(());
        }
        Some(other) => {
            sink.rejected(pos, format!("sms with unknown type '{other}'"));
            return Ok(());
        }
        None => {
            sink.rejected(pos, "sms without a type".into());
            return Ok(());
        }
    };
    let Some(timestamp_ms) = date.as_deref().and_then(|d| d.trim().parse::<i64>().ok()) else {
        sink.rejected(
            pos,
            format!("sms with a bad date '{}'", date.unwrap_or_default()),
        );
        return Ok(());
    };
    let Some(address) = address.filter(|a| !a.trim().is_empty()) else {
        sink.rejected(pos, "sms without an address".into());
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
            body: body.unwrap_or_default(),
            channel: Channel::Sms,
            contact_name: clean_contact(contact),
            hint: None,
        },
    )
}

fn clean_contact(contact: Option<String>) -> Option<String> {
    contact.filter(|c| !c.is_empty() && c != "(Unknown)")
}

fn read_part(
    path: &Path,
    e: &BytesStart<'_>,
    position: u64,
    draft: &mut MmsDraft,
) -> Result<(), ImportError> {
    let [seq, ct, text] = RawAttrs::of(e, [b"seq", b"ct", b"text"]).values(path, position)?;
    let seq: i64 = seq.and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    if ct
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("text/plain"))
        && let Some(text) = text
    {
        draft.parts.push((seq, text));
    }
    Ok(())
}

fn read_addr(
    path: &Path,
    e: &BytesStart<'_>,
    position: u64,
    draft: &mut MmsDraft,
) -> Result<(), ImportError> {
    let [address, kind] = RawAttrs::of(e, [b"address", b"type"]).values(path, position)?;
    if let (Some(address), Some(kind)) = (address, kind) {
        match kind.as_str() {
            PDU_FROM => draft.from.push(address),
            PDU_TO => draft.to.push(address),
            _ => {}
        }
    }
    Ok(())
}

fn finish_mms(mut draft: MmsDraft, sink: &mut dyn MessageSink) -> Result<(), ImportError> {
    let pos = Some(Position::Byte(draft.position));
    if let Some(why) = draft.oversized {
        sink.rejected(pos, format!("an mms whose {why}"));
        return Ok(());
    }
    let direction = match draft.msg_box.as_deref().map(str::trim) {
        Some("1") => Direction::Incoming,
        Some("2") => Direction::Outgoing,
        Some("3" | "4" | "5" | "6") => {
            sink.skipped_undelivered();
            return Ok(());
        }
        other => {
            sink.rejected(
                pos,
                format!("mms with unknown msg_box '{}'", other.unwrap_or("")),
            );
            return Ok(());
        }
    };
    let Some(timestamp_ms) = draft
        .date
        .as_deref()
        .and_then(|d| d.trim().parse::<i64>().ok())
    else {
        sink.rejected(pos, "mms with a bad date".into());
        return Ok(());
    };
    let listed = match direction {
        Direction::Incoming => draft.from.first().cloned(),
        Direction::Outgoing if !draft.to.is_empty() => Some(draft.to.join("~")),
        Direction::Outgoing => None,
    };
    let address = listed
        .or_else(|| {
            draft.address.as_deref().map(|a| match direction {
                Direction::Incoming => a.split('~').next().unwrap_or(a).to_string(),
                Direction::Outgoing => a.to_string(),
            })
        })
        .filter(|a| !a.trim().is_empty());
    let Some(address) = address else {
        sink.rejected(pos, "mms without an address".into());
        return Ok(());
    };
    // The SMIL layout part has seq -1 and is not text/plain, so it never gets here.
    draft.parts.sort_by_key(|(seq, _)| *seq);
    let body = draft
        .parts
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join("\n");
    super::deliver(
        sink,
        pos,
        ImportedMessage {
            direction,
            address,
            timestamp_ms,
            utc_offset_s: None,
            body,
            channel: Channel::Mms,
            contact_name: clean_contact(draft.contact_name),
            hint: None,
        },
    )
}

/// Unescapes an XML attribute value leniently: the five named entities,
/// decimal and hex character references, and UTF-16 surrogate pairs written
/// as two references. A lone surrogate or an unknown entity becomes U+FFFD or
/// stays as written; invalid UTF-8 is replaced. Never fails.
pub fn unescape(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    if !text.contains('&') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    let mut pending_high: Option<u32> = None;
    while let Some(amp) = rest.find('&') {
        let (before, after) = rest.split_at(amp);
        if !before.is_empty() {
            flush_high(&mut out, &mut pending_high);
            out.push_str(before);
        }
        let Some(semi) = after.find(';').filter(|&i| i <= 12) else {
            flush_high(&mut out, &mut pending_high);
            out.push('&');
            rest = after.get(1..).unwrap_or("");
            continue;
        };
        let entity = after.get(1..semi).unwrap_or("");
        rest = after.get(semi + 1..).unwrap_or("");
        let code = if let Some(hex) = entity
            .strip_prefix("#x")
            .or_else(|| entity.strip_prefix("#X"))
        {
            u32::from_str_radix(hex, 16).ok()
        } else if let Some(dec) = entity.strip_prefix('#') {
            dec.parse::<u32>().ok()
        } else {
            let named = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => None,
            };
            flush_high(&mut out, &mut pending_high);
            if let Some(c) = named {
                out.push(c);
            } else {
                out.push('&');
                out.push_str(entity);
                out.push(';');
            }
            continue;
        };
        match code {
            Some(high @ 0xD800..=0xDBFF) => {
                flush_high(&mut out, &mut pending_high);
                pending_high = Some(high);
            }
            Some(low @ 0xDC00..=0xDFFF) => {
                if let Some(high) = pending_high.take() {
                    let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                } else {
                    out.push('\u{FFFD}');
                }
            }
            Some(c) => {
                flush_high(&mut out, &mut pending_high);
                out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            None => {
                flush_high(&mut out, &mut pending_high);
                out.push('&');
                out.push_str(entity);
                out.push(';');
            }
        }
    }
    flush_high(&mut out, &mut pending_high);
    out.push_str(rest);
    out
}

fn flush_high(out: &mut String, pending_high: &mut Option<u32>) {
    if pending_high.take().is_some() {
        out.push('\u{FFFD}');
    }
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn surrogate_pair_becomes_one_character() {
        assert_eq!(unescape(b"hi &#55357;&#56832;!"), "hi \u{1F600}!");
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(unescape(b"a&#55357;b"), "a\u{FFFD}b");
        assert_eq!(unescape(b"a&#56832;b"), "a\u{FFFD}b");
        assert_eq!(unescape(b"&#55357;"), "\u{FFFD}");
        assert_eq!(unescape(b"&#55357;&#55357;&#56832;"), "\u{FFFD}\u{1F600}");
    }

    #[test]
    fn named_and_numeric_references() {
        assert_eq!(
            unescape(b"&lt;b&gt; &amp; &quot;x&quot; &apos; &#x1F30D; &#169;"),
            "<b> & \"x\" ' \u{1F30D} \u{A9}"
        );
    }

    #[test]
    fn stray_ampersands_are_kept() {
        assert_eq!(unescape(b"T&C apply & more"), "T&C apply & more");
        assert_eq!(unescape(b"&bogus; x"), "&bogus; x");
    }
}
