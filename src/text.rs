//! Untrusted text from messages made safe for a terminal, and times made
//! readable.
//!
//! Message bodies, addresses and contact names come from strangers: before
//! any of them reaches a terminal, control characters and escape sequences
//! are made visible instead of acted on. `canonical.rs` holds the evidence
//! integrity hash, the one both the export and the bundle import compute.

pub mod canonical;

use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, Zoned};

/// Replaces control characters (C0, DEL, C1, and the bidi overrides that can
/// reorder a line) with visible stand-ins, so `ESC[2J` or an OSC 52 clipboard
/// write prints as text and does nothing. Newlines and tabs become spaces.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            '\u{1b}' => out.push('␛'),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'));
            }
            '\u{7f}' => out.push('␡'),
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
}

/// Like [`sanitize`] but keeps line breaks, for wrapped message bodies.
pub fn sanitize_multiline(s: &str) -> String {
    s.split('\n')
        .map(|line| sanitize(line.trim_end_matches('\r')))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A stored time: UTC milliseconds plus the offset it was received in, when
/// the source said. Without an offset, `zone` (the user's) applies.
pub fn zoned(ts_ms: i64, utc_offset_s: Option<i32>, zone: &TimeZone) -> Zoned {
    let ts = Timestamp::from_millisecond(ts_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    match utc_offset_s.and_then(|s| Offset::from_seconds(s).ok()) {
        Some(offset) => ts.to_zoned(TimeZone::fixed(offset)),
        None => ts.to_zoned(zone.clone()),
    }
}

/// RFC 3339 with the local offset, seconds precision: `2026-03-09T20:11:40+08:00`.
pub fn rfc3339(ts_ms: i64, utc_offset_s: Option<i32>, zone: &TimeZone) -> String {
    zoned(ts_ms, utc_offset_s, zone)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `2026-03-09 20:11`, for tables.
pub fn short(ts_ms: i64, utc_offset_s: Option<i32>, zone: &TimeZone) -> String {
    zoned(ts_ms, utc_offset_s, zone)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Resolves `--tz` (an IANA name or `UTC`), or the system zone.
pub fn resolve_zone(name: Option<&str>) -> Result<TimeZone, String> {
    match name {
        Some(n) if n.eq_ignore_ascii_case("utc") => Ok(TimeZone::UTC),
        Some(n) => TimeZone::get(n).map_err(|e| format!("unknown time zone '{n}': {e}")),
        None => Ok(TimeZone::try_system().unwrap_or(TimeZone::UTC)),
    }
}

/// Parses a time the user typed: RFC 3339 with an offset, or a local
/// `2026-03-09 20:11[:40]`, `2026-03-09T20:11`, `2026-03-09` in `zone`.
/// Returns UTC milliseconds and the offset that applied.
pub fn parse_user_time(text: &str, zone: &TimeZone) -> Result<(i64, Option<i32>), String> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        let offset = jiff::fmt::temporal::Pieces::parse(t)
            .ok()
            .and_then(|p| match p.offset() {
                Some(jiff::fmt::temporal::PiecesOffset::Numeric(n)) => Some(n.offset().seconds()),
                _ => None,
            });
        return Ok((ts.as_millisecond(), offset));
    }
    let civil = t
        .replacen(' ', "T", 1)
        .parse::<jiff::civil::DateTime>()
        .or_else(|_| {
            t.parse::<jiff::civil::Date>()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        })
        .map_err(|_| {
            format!("'{t}' is not a time such as 2026-03-09 20:11 or 2026-03-09T20:11:40+08:00")
        })?;
    let z = civil
        .to_zoned(zone.clone())
        .map_err(|e| format!("'{t}': {e}"))?;
    Ok((z.timestamp().as_millisecond(), Some(z.offset().seconds())))
}

/// 12345 → "12,345".
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Characters JSON allows raw in a string that must not reach a reader raw:
/// DEL, the C1 controls, the bidi embeddings, overrides and isolates (which
/// reorder what a terminal or editor shows), and the line and paragraph
/// separators (line breaks to some readers).
pub fn json_must_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
    )
}

/// `value` as pretty JSON into `writer`, with the characters of
/// [`json_must_escape`] written as `\uXXXX` escapes (`serde_json` already
/// escapes C0 controls). The escapes are still the exact text: any JSON
/// parser reads back the same string. `senders --json`, `brands --json` and
/// the evidence JSON use it.
pub fn write_json_pretty<W, T>(writer: W, value: &T) -> serde_json::Result<()>
where
    W: std::io::Write,
    T: serde::Serialize + ?Sized,
{
    let mut ser = serde_json::Serializer::with_formatter(
        writer,
        SafeFormatter(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser)
}

/// [`write_json_pretty`] into a string.
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    write_json_pretty(&mut out, value).expect("serialising into memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// A formatter that escapes [`json_must_escape`] characters and otherwise
/// formats as the one it wraps.
struct SafeFormatter<F>(F);

macro_rules! delegate {
    ($($name:ident),*) => {$(
        fn $name<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
            self.0.$name(w)
        }
    )*};
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    delegate!(
        begin_array,
        end_array,
        begin_object,
        end_object,
        end_array_value,
        end_object_value,
        begin_object_value
    );

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| json_must_escape(c)) {
            let (before, after) = rest.split_at(i);
            w.write_all(before.as_bytes())?;
            write!(w, "\\u{:04x}", c as u32)?;
            rest = after.split_at(c.len_utf8()).1;
        }
        w.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_bidi_and_c1_and_reads_back_exactly() {
        let text = "a\u{202e}b\u{85}c\u{2066}d\u{7f}e\u{1b}f【浦发】\u{2028}";
        let json = to_json_pretty(&serde_json::json!({ "text": text }));
        for c in [
            '\u{202e}', '\u{85}', '\u{2066}', '\u{7f}', '\u{1b}', '\u{2028}',
        ] {
            assert!(!json.contains(c), "{c:?} raw in {json}");
        }
        assert!(json.contains("a\\u202eb\\u0085c\\u2066d\\u007fe\\u001bf【浦发】\\u2028"));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["text"], text);
        // Pretty output otherwise as serde_json's own.
        let plain = serde_json::json!({ "a": [1, {"b": "c"}], "d": null });
        assert_eq!(
            to_json_pretty(&plain),
            serde_json::to_string_pretty(&plain).unwrap()
        );
    }

    #[test]
    fn escape_sequences_are_made_visible() {
        let s = sanitize("hi\u{1b}[2J\u{1b}]52;c;SGVsbG8=\u{7}");
        assert!(!s.contains('\u{1b}'));
        assert!(!s.contains('\u{7}'));
        assert_eq!(s, "hi␛[2J␛]52;c;SGVsbG8=␇");
    }

    #[test]
    fn user_times_in_several_shapes() {
        let sh = TimeZone::get("Asia/Shanghai").unwrap();
        let expect = (1_773_058_260_000, Some(8 * 3600));
        assert_eq!(parse_user_time("2026-03-09 20:11", &sh), Ok(expect));
        assert_eq!(parse_user_time("2026-03-09T20:11", &sh), Ok(expect));
        assert_eq!(
            parse_user_time("2026-03-09T12:11:00Z", &sh).map(|t| t.0),
            Ok(expect.0)
        );
        assert_eq!(
            parse_user_time("2026-03-09T20:11:00+08:00", &sh),
            Ok(expect)
        );
        assert_eq!(
            parse_user_time("2026-03-09", &TimeZone::UTC),
            Ok((1_773_014_400_000, Some(0)))
        );
        assert!(parse_user_time("yesterday", &sh).is_err());
    }

    #[test]
    fn cjk_and_emoji_pass_through() {
        assert_eq!(
            sanitize("【浦发银行】回TD退订 😀"),
            "【浦发银行】回TD退订 😀"
        );
    }

    #[test]
    fn times_use_the_stored_offset_or_the_given_zone() {
        let ms = 1_773_058_300_000; // 2026-03-09T12:11:40Z
        assert_eq!(
            rfc3339(ms, Some(8 * 3600), &TimeZone::UTC),
            "2026-03-09T20:11:40+08:00"
        );
        assert_eq!(
            rfc3339(ms, None, &TimeZone::UTC),
            "2026-03-09T12:11:40+00:00"
        );
        let sh = TimeZone::get("Asia/Shanghai").unwrap();
        assert_eq!(short(ms, None, &sh), "2026-03-09 20:11");
    }
}
