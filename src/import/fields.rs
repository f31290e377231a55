//! Field-level parsing the formats share: epoch numbers of unknown unit,
//! local times without an offset, direction words in English and Chinese,
//! and a reader wrapper that tells progress how far the parse is.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::{Direction, MessageSink, Position};

/// What a type/direction/folder field says about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Delivered(Direction),
    /// Draft, outbox, failed, queued: not a delivered message.
    Undelivered,
}

/// Reads the direction words exports use: Android provider numbers
/// (1 inbox, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued), English words,
/// and the Chinese ones phone tools write. `None` when the word is unknown.
pub fn folder(word: &str) -> Option<Folder> {
    let w = word.trim().to_lowercase();
    let incoming = Folder::Delivered(Direction::Incoming);
    let outgoing = Folder::Delivered(Direction::Outgoing);
    Some(match w.as_str() {
        "1" | "in" | "incoming" | "inbox" | "received" | "receive" | "recv" | "rcvd"
        | "inbound" | "接收" | "收" | "收到" | "已接收" | "收件" | "收件箱" | "接收的" => {
            incoming
        }
        "2" | "out" | "outgoing" | "sent" | "send" | "outbound" | "发送" | "发" | "已发送"
        | "发出" | "已发" | "发件箱" | "发送的" => outgoing,
        "3" | "4" | "5" | "6" | "draft" | "drafts" | "outbox" | "failed" | "queued" | "草稿"
        | "发送失败" | "失败" | "待发送" => Folder::Undelivered,
        _ => return None,
    })
}

/// The direction of a delivered message from its type word, or `None` after
/// telling `sink` why the record is not one: an undelivered folder is
/// skipped, an unknown word rejected with the reason `unknown` gives.
pub fn delivered(
    word: &str,
    sink: &mut dyn MessageSink,
    pos: Option<Position>,
    unknown: impl FnOnce() -> String,
) -> Option<Direction> {
    match folder(word) {
        Some(Folder::Delivered(d)) => Some(d),
        Some(Folder::Undelivered) => {
            sink.skipped_undelivered();
            None
        }
        None => {
            sink.rejected(pos, unknown());
            None
        }
    }
}

/// Milliseconds since the Unix epoch from a number whose unit the export
/// does not say: seconds, milliseconds, microseconds or nanoseconds, told
/// apart by magnitude (seconds stay below 10^11 until the year 5138).
pub fn epoch_to_ms(value: i64) -> i64 {
    let magnitude = value.unsigned_abs();
    if magnitude < 100_000_000_000 {
        value.saturating_mul(1000)
    } else if magnitude < 100_000_000_000_000 {
        value
    } else if magnitude < 100_000_000_000_000_000 {
        value / 1000
    } else {
        value / 1_000_000
    }
}

/// Seconds between the Unix epoch and Apple's (2001-01-01T00:00:00Z).
const APPLE_EPOCH_S: i64 = 978_307_200;

/// Milliseconds since the Unix epoch from an Apple Messages `date`: seconds
/// since 2001 in old databases, nanoseconds since 2001 from iOS 11 and
/// macOS 10.13 on, told apart by magnitude. `None` for 0 (no date).
pub fn apple_time_to_ms(value: i64) -> Option<i64> {
    if value == 0 {
        return None;
    }
    let since_2001_ms = if value.unsigned_abs() >= 100_000_000_000 {
        value / 1_000_000
    } else {
        value.saturating_mul(1000)
    };
    Some(since_2001_ms.saturating_add(APPLE_EPOCH_S * 1000))
}

/// A time an export wrote: UTC milliseconds, the offset it carried or the
/// zone gave it, and whether the zone had to be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedTime {
    pub timestamp_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub used_zone: bool,
}

/// Local date-time layouts seen in exports, tried in order.
const LOCAL_LAYOUTS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H:%M",
];

/// Parses a date field: an epoch number (unit by magnitude), RFC 3339 /
/// ISO 8601 with an offset (kept), or a local date-time in one of the
/// common layouts (read in `zone`).
pub fn parse_time(text: &str, zone: &TimeZone) -> Option<ParsedTime> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<i64>() {
        return Some(ParsedTime {
            timestamp_ms: epoch_to_ms(n),
            utc_offset_s: None,
            used_zone: false,
        });
    }
    if let Some(t) = parse_with_offset(s) {
        return Some(t);
    }
    parse_local(s, zone)
}

/// RFC 3339 / ISO 8601 with `Z` or a numeric offset.
fn parse_with_offset(s: &str) -> Option<ParsedTime> {
    let ts: jiff::Timestamp = s.parse().ok()?;
    let pieces = jiff::fmt::temporal::Pieces::parse(s).ok()?;
    let offset_s = match pieces.offset()? {
        jiff::fmt::temporal::PiecesOffset::Zulu => 0,
        jiff::fmt::temporal::PiecesOffset::Numeric(n) => n.offset().seconds(),
        _ => return None,
    };
    Some(ParsedTime {
        timestamp_ms: ts.as_millisecond(),
        utc_offset_s: Some(offset_s),
        used_zone: false,
    })
}

/// A local date-time without an offset, read in `zone`. A time that a
/// daylight-saving change skipped or repeated takes the earlier offset.
pub fn parse_local(s: &str, zone: &TimeZone) -> Option<ParsedTime> {
    let s = s.trim();
    let civil = LOCAL_LAYOUTS
        .iter()
        .find_map(|layout| DateTime::strptime(layout, s).ok())?;
    let zoned = zone.to_ambiguous_zoned(civil).compatible().ok()?;
    Some(ParsedTime {
        timestamp_ms: zoned.timestamp().as_millisecond(),
        utc_offset_s: Some(zoned.offset().seconds()),
        used_zone: true,
    })
}

/// The zone's name for the imports table: the IANA name, `UTC`, or the
/// fixed offset.
pub fn zone_label(zone: &TimeZone) -> String {
    if let Some(name) = zone.iana_name() {
        return name.to_string();
    }
    match zone.to_fixed_offset() {
        Ok(offset) if offset.seconds() == 0 => "UTC".to_string(),
        Ok(offset) => {
            let total = offset.seconds();
            let sign = if total < 0 { '-' } else { '+' };
            let minutes = total.unsigned_abs() / 60;
            format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
        }
        Err(_) => "local".to_string(),
    }
}

/// The contact name as exports write it, with their "unknown" markers
/// turned into `None`.
pub fn clean_contact(name: Option<String>) -> Option<String> {
    name.map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty() && n != "(Unknown)" && n != "null")
}

/// A reader that counts the bytes it hands out into a shared cell, so a
/// parser that owns the reader can still report progress.
pub struct CountingReader<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> CountingReader<R> {
    pub fn new(inner: R) -> (Self, Rc<Cell<u64>>) {
        let count = Rc::new(Cell::new(0));
        (
            CountingReader {
                inner,
                count: Rc::clone(&count),
            },
            count,
        )
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Replaces `\uXXXX` escapes of lone UTF-16 surrogates in JSON text with
/// `\uFFFD`, so one broken emoji does not cost the whole record. Valid
/// pairs are kept. Returns `None` when there was nothing to replace.
pub fn scrub_lone_surrogates(json: &str) -> Option<String> {
    fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
        let digits = bytes.get(at..at + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        u32::from_str_radix(text, 16).ok()
    }
    let bytes = json.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut changed = false;
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if !in_string {
            if b == b'"' {
                in_string = true;
            }
            out.push(b);
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = false;
                out.push(b);
                i += 1;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                let Some(unit) = hex4(bytes, i + 2) else {
                    out.extend_from_slice(&bytes[i..(i + 2).min(bytes.len())]);
                    i += 2;
                    continue;
                };
                if (0xD800..0xDC00).contains(&unit) {
                    let low = (bytes.get(i + 6) == Some(&b'\\') && bytes.get(i + 7) == Some(&b'u'))
                        .then(|| hex4(bytes, i + 8))
                        .flatten()
                        .filter(|l| (0xDC00..0xE000).contains(l));
                    if low.is_some() {
                        out.extend_from_slice(&bytes[i..i + 12]);
                        i += 12;
                    } else {
                        out.extend_from_slice(b"\\uFFFD");
                        changed = true;
                        i += 6;
                    }
                } else if (0xDC00..0xE000).contains(&unit) {
                    out.extend_from_slice(b"\\uFFFD");
                    changed = true;
                    i += 6;
                } else {
                    out.extend_from_slice(&bytes[i..i + 6]);
                    i += 6;
                }
            }
            b'\\' => {
                out.extend_from_slice(&bytes[i..(i + 2).min(bytes.len())]);
                i += 2;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    if changed {
        String::from_utf8(out).ok()
    } else {
        None
    }
}

/// A JSON value as a string, whether the export wrote it as a string or a
/// number (SMS Import/Export writes every column as a string).
pub fn json_text(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A JSON value as an integer, from a number or a numeric string.
pub fn json_i64(value: Option<&serde_json::Value>) -> Option<i64> {
    match value? {
        serde_json::Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_units_are_told_apart_by_magnitude() {
        assert_eq!(epoch_to_ms(1_773_058_300), 1_773_058_300_000);
        assert_eq!(epoch_to_ms(1_773_058_300_123), 1_773_058_300_123);
        assert_eq!(epoch_to_ms(1_773_058_300_123_456), 1_773_058_300_123);
        assert_eq!(epoch_to_ms(1_773_058_300_123_456_789), 1_773_058_300_123);
        assert_eq!(epoch_to_ms(i64::MAX), i64::MAX / 1_000_000);
        assert_eq!(epoch_to_ms(i64::MIN), i64::MIN / 1_000_000);
    }

    #[test]
    fn apple_dates_in_seconds_and_nanoseconds() {
        // 2020-01-01T00:00:00Z is 599,529,600 s after 2001-01-01.
        assert_eq!(apple_time_to_ms(599_529_600), Some(1_577_836_800_000));
        assert_eq!(
            apple_time_to_ms(599_529_600_123_456_789),
            Some(1_577_836_800_123)
        );
        assert_eq!(apple_time_to_ms(0), None);
        assert!(apple_time_to_ms(i64::MAX).is_some());
    }

    #[test]
    fn times_with_offsets_keep_the_offset() {
        let t = parse_time("2026-03-09T20:11:40+08:00", &TimeZone::UTC).unwrap();
        assert_eq!(t.timestamp_ms, 1_773_058_300_000);
        assert_eq!(t.utc_offset_s, Some(8 * 3600));
        assert!(!t.used_zone);
        let z = parse_time("2026-03-09T12:11:40Z", &TimeZone::UTC).unwrap();
        assert_eq!(z.timestamp_ms, 1_773_058_300_000);
        assert_eq!(z.utc_offset_s, Some(0));
    }

    #[test]
    fn local_times_use_the_zone() {
        let sh = TimeZone::get("Asia/Shanghai").unwrap();
        for s in [
            "2026-03-09 20:11:40",
            "2026/3/9 20:11:40",
            "2026年3月9日 20:11:40",
        ] {
            let t = parse_time(s, &sh).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(t.timestamp_ms, 1_773_058_300_000, "{s}");
            assert_eq!(t.utc_offset_s, Some(8 * 3600));
            assert!(t.used_zone);
        }
        let t = parse_time("2026/3/9 20:11", &sh).unwrap();
        assert_eq!(t.timestamp_ms, 1_773_058_260_000);
        assert!(parse_time("yesterday", &sh).is_none());
        assert!(parse_time("2026-13-40 99:99", &sh).is_none());
        assert!(parse_time("", &sh).is_none());
    }

    #[test]
    fn direction_words() {
        use Direction::{Incoming, Outgoing};
        for w in ["1", "in", "Inbox", "received", "接收", "收", "收到"] {
            assert_eq!(folder(w), Some(Folder::Delivered(Incoming)), "{w}");
        }
        for w in ["2", "OUT", "sent", "发送", "发", "已发送"] {
            assert_eq!(folder(w), Some(Folder::Delivered(Outgoing)), "{w}");
        }
        for w in ["3", "draft", "failed", "queued", "草稿"] {
            assert_eq!(folder(w), Some(Folder::Undelivered), "{w}");
        }
        assert_eq!(folder("sideways"), None);
    }

    #[test]
    fn lone_surrogate_escapes_are_replaced() {
        assert_eq!(
            scrub_lone_surrogates(r#"{"b":"a\ud83db"}"#).as_deref(),
            Some(r#"{"b":"a\uFFFDb"}"#)
        );
        assert_eq!(
            scrub_lone_surrogates(r#"{"b":"\ude00\ud83d"}"#).as_deref(),
            Some(r#"{"b":"\uFFFD\uFFFD"}"#)
        );
        assert_eq!(scrub_lone_surrogates(r#"{"b":"\ud83d\ude00 ok"}"#), None);
        assert_eq!(scrub_lone_surrogates(r#"{"b":"\\ud83d"}"#), None);
        assert_eq!(scrub_lone_surrogates(r#"{"b":"\u12"#), None);
    }

    #[test]
    fn zone_labels() {
        assert_eq!(zone_label(&TimeZone::UTC), "UTC");
        assert_eq!(
            zone_label(&TimeZone::get("Asia/Shanghai").unwrap()),
            "Asia/Shanghai"
        );
        let fixed = TimeZone::fixed(jiff::tz::offset(8));
        assert_eq!(zone_label(&fixed), "+08:00");
    }
}
