//! The text of an `NSAttributedString` archived as an Apple typedstream,
//! as Messages stores it in `message.attributedBody` when `text` is NULL.
//!
//! Only the string is wanted, not the attributes, so this is a small
//! extractor written from the format rather than a full decoder: find the
//! `NSString` class name, then the string record that follows it, a `+`
//! type byte and a length-prefixed UTF-8 run. Lengths use typedstream's
//! integer encoding: one byte, or 0x81 then an i16, or 0x82 then an i32,
//! little-endian. Never panics on any input.

/// The class name that precedes the string's bytes.
const NSSTRING: &[u8] = b"NSString";
/// The typedstream type code of a C string / byte run.
const STRING_TYPE: u8 = b'+';
/// Length prefixes: the next 2 or 4 bytes hold the length.
const I16_FOLLOWS: u8 = 0x81;
const I32_FOLLOWS: u8 = 0x82;
/// How far after the class name the `+` may appear (class version and
/// reference bytes sit in between).
const SEARCH_WINDOW: usize = 16;

/// The message text in an `attributedBody` blob, or `None` when the blob
/// holds no `NSString` record. Attachment placeholders (U+FFFC) are kept:
/// the caller decides what to do with them.
pub fn extract_text(blob: &[u8]) -> Option<String> {
    let marker = find(blob, NSSTRING)?;
    let after_marker = marker + NSSTRING.len();
    let window = blob.get(after_marker..blob.len().min(after_marker + SEARCH_WINDOW))?;
    // Prefer the exact `0x84 0x01 '+'` (a one-character type string "+");
    // fall back to the first `+` in the window.
    let plus = find(window, &[0x84, 0x01, STRING_TYPE])
        .map(|i| i + 2)
        .or_else(|| window.iter().position(|&b| b == STRING_TYPE))?;
    let mut at = after_marker + plus + 1;
    let length = read_length(blob, &mut at)?;
    let available = blob.get(at..)?;
    if let Some(bytes) = available.get(..length) {
        return Some(String::from_utf8_lossy(bytes).into_owned());
    }
    // The length runs past the blob: keep the text up to the first byte
    // that cannot be UTF-8 (the record's end marker 0x86 never can).
    let valid = match std::str::from_utf8(available) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(available.get(..e.valid_up_to())?).ok()?,
    };
    Some(valid.to_string())
}

/// Reads a typedstream length at `*at`, advancing past it.
fn read_length(blob: &[u8], at: &mut usize) -> Option<usize> {
    let first = *blob.get(*at)?;
    *at += 1;
    match first {
        I16_FOLLOWS => {
            let bytes: [u8; 2] = blob.get(*at..*at + 2)?.try_into().ok()?;
            *at += 2;
            usize::try_from(i16::from_le_bytes(bytes)).ok()
        }
        I32_FOLLOWS => {
            let bytes: [u8; 4] = blob.get(*at..*at + 4)?.try_into().ok()?;
            *at += 4;
            usize::try_from(i32::from_le_bytes(bytes)).ok()
        }
        n if n < 0x80 => Some(usize::from(n)),
        // Other tag bytes are not lengths: not a string record.
        _ => None,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A typedstream blob shaped like the ones Messages writes, around `text`.
    fn blob(text: &[u8], length: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84");
        b.extend_from_slice(
            b"\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84",
        );
        b.extend_from_slice(b"\x08NSString\x01\x94\x84\x01+");
        b.extend_from_slice(length);
        b.extend_from_slice(text);
        b.extend_from_slice(b"\x86\x84\x02iI\x01\x05\x92\x84\x84\x84\x0cNSDictionary\x00\x86\x86");
        b
    }

    #[test]
    fn short_string_with_a_one_byte_length() {
        assert_eq!(
            extract_text(&blob(b"Hello", b"\x05")).as_deref(),
            Some("Hello")
        );
    }

    #[test]
    fn i16_and_i32_lengths() {
        let long = "退订回T ".repeat(40);
        let n = u16::try_from(long.len()).unwrap().to_le_bytes();
        let b = blob(long.as_bytes(), &[0x81, n[0], n[1]]);
        assert_eq!(extract_text(&b).as_deref(), Some(long.as_str()));
        let n = u32::try_from(long.len()).unwrap().to_le_bytes();
        let b = blob(long.as_bytes(), &[0x82, n[0], n[1], n[2], n[3]]);
        assert_eq!(extract_text(&b).as_deref(), Some(long.as_str()));
    }

    #[test]
    fn emoji_and_placeholders_survive() {
        let text = "\u{FFFC}Sale 🎉 today";
        let b = blob(text.as_bytes(), &[u8::try_from(text.len()).unwrap()]);
        assert_eq!(extract_text(&b).as_deref(), Some(text));
    }

    #[test]
    fn empty_string() {
        assert_eq!(extract_text(&blob(b"", b"\x00")).as_deref(), Some(""));
    }

    #[test]
    fn length_past_the_end_keeps_the_text_before_the_end_marker() {
        // Claims 157 bytes; only "Hi there " and the record's end follow.
        let b = blob(b"Hi there ", &[0x81, 0x9d, 0x00]);
        assert_eq!(extract_text(&b).as_deref(), Some("Hi there "));
    }

    #[test]
    fn hostile_blobs_do_not_panic() {
        assert_eq!(extract_text(b""), None);
        assert_eq!(extract_text(b"NSString"), None);
        assert_eq!(extract_text(b"NSString\x01\x94\x84\x01+"), None);
        assert_eq!(extract_text(b"NSString\x01\x94\x84\x01+\x81\x05"), None);
        assert_eq!(
            extract_text(b"NSString\x01\x94\x84\x01+\x82\xff\xff\xff\xff"),
            None
        );
        assert_eq!(extract_text(b"NSString\x01\x94\x84\x01+\x85abc"), None);
        assert_eq!(extract_text(b"no marker here"), None);
        // Negative i16 length.
        assert_eq!(
            extract_text(b"NSString\x01\x94\x84\x01+\x81\x00\x80abc"),
            None
        );
        // Invalid UTF-8 inside the declared length is replaced, not fatal.
        assert_eq!(
            extract_text(b"NSString\x01\x94\x84\x01+\x03a\xffb").as_deref(),
            Some("a\u{FFFD}b")
        );
        for cut in 0..blob(b"Hello", b"\x05").len() {
            let b = blob(b"Hello", b"\x05");
            let _ = extract_text(b.get(..cut).unwrap());
        }
    }

    #[test]
    fn simplified_blob_without_a_typedstream_header() {
        // The shape of the macOS test fixture: marker, version, reference, "+".
        let b = b"bplist\x00\x00\x00\x00NSString\x01\x94\x84\x01+\x1cCheck out this cool project!";
        assert_eq!(
            extract_text(b).as_deref(),
            Some("Check out this cool project!")
        );
    }
}
