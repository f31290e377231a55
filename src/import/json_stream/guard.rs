//! A filter between the file and `serde_json` that bounds what one element
//! of the top-level array can cost. serde captures each element whole (as
//! raw text) before the importer sees it, so a 1 GB `body` string would be
//! held whole, then parsed and copied. The guard follows the JSON syntax
//! byte by byte and, before serde sees them, drops:
//!
//! - the bytes of a string past [`MAX_RECORD_TEXT`] (and every string byte
//!   of an element past twice that), noting the element's number so the
//!   importer skips it with its position and reason;
//! - whitespace inside an element past 64 KiB (it means nothing).
//!
//! What it cuts stays valid JSON: a string is cut at a character and escape
//! boundary and keeps its closing quote. An element with more than 1 MiB of
//! markup outside its strings (numbers, brackets) cannot be shortened
//! without changing its meaning, and stops the import with a clear error.
//! A top-level object's members are not bounded by markup: the reader
//! (`json_stream::Member`) keeps only small texts, numbers and booleans and
//! steps over the rest while it streams.

use std::cell::RefCell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use crate::import::MAX_RECORD_TEXT;

/// The most markup (outside strings and whitespace) one element may have.
pub const MAX_MARKUP: u64 = 1024 * 1024;
/// The deepest nesting of arrays and objects (a message export nests two
/// or three levels; the parser keeps one byte per open level).
const MAX_DEPTH: u32 = 256;
/// The most whitespace inside one element that is passed on.
const MAX_SPACE: u64 = 64 * 1024;
/// The most string text one element may keep in all.
const MAX_ELEMENT_TEXT: u64 = 2 * MAX_RECORD_TEXT as u64;

/// What the guard found, shared with the reader of the elements.
#[derive(Debug, Default)]
pub struct Findings {
    /// (element number, why) for each element cut short, in order.
    pub oversized: Vec<(u64, String)>,
    /// Why the stream was stopped, and the byte of the input where.
    pub refused: Option<(u64, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    /// Just after a backslash.
    Backslash,
    /// Inside `\uXXXX`, this many hex digits still to come.
    Hex(u8),
}

/// See the module documentation.
pub struct Guard<R> {
    inner: R,
    out: Vec<u8>,
    pos: usize,
    depth: u32,
    in_string: bool,
    /// The top level's opening bracket: for an object (`{`) the reader
    /// steps over its members or keeps them small, so their markup is not
    /// bounded.
    top: u8,
    escape: Escape,
    dropping: bool,
    /// The element being read (1-based) while `depth` ≥ 1.
    element: u64,
    string_len: u64,
    element_text: u64,
    element_space: u64,
    element_markup: u64,
    /// The current string's first 64 bytes; the last key; and, when the
    /// current string is a member's value, that member's name.
    name: Vec<u8>,
    key: Vec<u8>,
    after_colon: bool,
    field: Option<Vec<u8>>,
    /// Bytes taken from `inner` before the current chunk, and the offset
    /// of the byte being looked at.
    read: u64,
    here: u64,
    findings: Rc<RefCell<Findings>>,
}

impl<R: BufRead> Guard<R> {
    pub fn new(inner: R) -> (Self, Rc<RefCell<Findings>>) {
        let findings = Rc::new(RefCell::new(Findings::default()));
        let guard = Guard {
            inner,
            out: Vec::with_capacity(64 * 1024),
            pos: 0,
            depth: 0,
            in_string: false,
            top: 0,
            escape: Escape::None,
            dropping: false,
            element: 1,
            string_len: 0,
            element_text: 0,
            element_space: 0,
            element_markup: 0,
            name: Vec::new(),
            key: Vec::new(),
            after_colon: false,
            field: None,
            read: 0,
            here: 0,
            findings: Rc::clone(&findings),
        };
        (guard, findings)
    }

    fn note_oversized(&mut self) {
        let what = match &self.field {
            Some(name) => format!(
                "'{}' field",
                crate::text::sanitize(&String::from_utf8_lossy(name))
            ),
            None => "a string".to_string(),
        };
        let why = if self.element_text >= MAX_ELEMENT_TEXT {
            format!(
                "a record with more than {MAX_ELEMENT_TEXT} bytes of text in all (skipped at its {what})"
            )
        } else {
            format!("{what} is longer than the {MAX_RECORD_TEXT} bytes a record may hold")
        };
        self.findings
            .borrow_mut()
            .oversized
            .push((self.element, why));
    }

    /// Handles the start of `rest` inside a string: a run of plain bytes at
    /// once (most of the bytes), else one byte. Returns how many it used.
    fn string_run(&mut self, rest: &[u8]) -> usize {
        if self.escape != Escape::None {
            let b = rest.first().copied().unwrap_or(0);
            self.escape = match self.escape {
                Escape::Backslash if b == b'u' => Escape::Hex(4),
                Escape::Hex(n) if n > 1 => Escape::Hex(n - 1),
                _ => Escape::None,
            };
            self.string_byte(b, false);
            return 1;
        }
        let n = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        if n == 0 {
            let b = rest.first().copied().unwrap_or(0);
            if b == b'"' {
                self.in_string = false;
                self.dropping = false;
                self.out.push(b);
            } else {
                self.escape = Escape::Backslash;
                self.string_byte(b, true);
            }
            return 1;
        }
        let bulk = rest.get(..n).unwrap_or_default();
        if self.dropping {
            self.string_len += n as u64;
            return n;
        }
        let room = (MAX_RECORD_TEXT as u64)
            .saturating_sub(self.string_len)
            .min(MAX_ELEMENT_TEXT.saturating_sub(self.element_text));
        let mut kept = room.min(n as u64) as usize;
        if kept < n {
            // Cut at a character: never before a UTF-8 continuation byte.
            while kept > 0 && bulk.get(kept).is_some_and(|b| b & 0xC0 == 0x80) {
                kept -= 1;
            }
            self.note_oversized();
            self.dropping = true;
        }
        self.keep_text(bulk.get(..kept).unwrap_or_default());
        self.string_len += (n - kept) as u64;
        n
    }

    /// One byte of an escape: its backslash (`starts`) or what follows.
    fn string_byte(&mut self, b: u8, starts: bool) {
        if self.dropping {
            self.string_len += 1;
            return;
        }
        let full =
            self.string_len >= MAX_RECORD_TEXT as u64 || self.element_text >= MAX_ELEMENT_TEXT;
        if full && starts {
            // Only a whole escape is cut: the cut starts at its backslash.
            self.note_oversized();
            self.dropping = true;
            self.string_len += 1;
            return;
        }
        self.keep_text(&[b]);
    }

    fn keep_text(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.string_len += bytes.len() as u64;
        if self.depth >= 1 {
            self.element_text += bytes.len() as u64;
        }
        if self.name.len() < 64 {
            let room = 64 - self.name.len();
            self.name
                .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or_default());
        }
    }

    /// One byte outside strings.
    fn markup(&mut self, b: u8) -> io::Result<()> {
        if b.is_ascii_whitespace() {
            if self.depth >= 2 {
                self.element_space += 1;
                if self.element_space > MAX_SPACE {
                    return Ok(());
                }
            }
            self.out.push(b);
            return Ok(());
        }
        match b {
            b'"' => {
                self.in_string = true;
                self.string_len = 0;
                self.name.clear();
                self.field = self.after_colon.then(|| std::mem::take(&mut self.key));
                self.after_colon = false;
            }
            b':' => {
                self.key = std::mem::take(&mut self.name);
                self.after_colon = true;
            }
            b'[' | b'{' => {
                if self.depth == 0 {
                    self.top = b;
                }
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    let why = format!("the JSON is nested more than {MAX_DEPTH} levels deep");
                    self.findings.borrow_mut().refused = Some((self.here, why.clone()));
                    return Err(io::Error::other(why));
                }
                self.after_colon = false;
            }
            b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                self.after_colon = false;
            }
            b',' => {
                self.after_colon = false;
                if self.depth == 1 {
                    self.element += 1;
                    self.element_text = 0;
                    self.element_space = 0;
                    self.element_markup = 0;
                }
            }
            _ => self.after_colon = false,
        }
        if self.depth >= 2 || (self.depth == 1 && !matches!(b, b',' | b'[' | b'{')) {
            self.element_markup += 1;
            if self.element_markup > MAX_MARKUP && self.top != b'{' {
                let why = format!(
                    "record {} has more than {MAX_MARKUP} bytes of JSON outside its strings",
                    self.element
                );
                self.findings.borrow_mut().refused = Some((self.here, why.clone()));
                return Err(io::Error::other(why));
            }
        }
        self.out.push(b);
        Ok(())
    }
}

impl<R: BufRead> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        crate::import::files::read_buffered(self, buf)
    }
}

impl<R: BufRead> BufRead for Guard<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if let Some((_, why)) = &self.findings.borrow().refused {
            return Err(io::Error::other(why.clone()));
        }
        while self.pos >= self.out.len() {
            self.out.clear();
            self.pos = 0;
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let chunk = chunk.to_vec();
            self.inner.consume(chunk.len());
            let mut at = 0;
            while let Some(rest) = chunk.get(at..).filter(|r| !r.is_empty()) {
                if self.in_string {
                    at += self.string_run(rest);
                } else {
                    self.here = self.read + at as u64;
                    self.markup(rest.first().copied().unwrap_or(0))?;
                    at += 1;
                }
            }
            self.read += chunk.len() as u64;
        }
        Ok(self.out.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(input: &[u8]) -> (Vec<u8>, Vec<(u64, String)>) {
        let (mut g, findings) = Guard::new(input);
        let mut out = Vec::new();
        g.read_to_end(&mut out).unwrap();
        let over = std::mem::take(&mut findings.borrow_mut().oversized);
        (out, over)
    }

    #[test]
    fn small_files_pass_unchanged() {
        let json =
            br#"[ {"a": "x\"y\\", "b": [1, 2.5e3, true, null], "c": "\ud83d\ude00 \u00e9"}, "s" ]"#;
        let (out, over) = filter(json);
        assert_eq!(out, json.to_vec());
        assert!(over.is_empty());
    }

    #[test]
    fn long_strings_are_cut_at_a_boundary_and_noted() {
        let big = "é".repeat(MAX_RECORD_TEXT / 2 + 10);
        let json = format!(r#"[{{"body":"ok"}},{{"address":"1","body":"{big}\"q","n":1}},"x"]"#);
        let (out, over) = filter(json.as_bytes());
        let out = String::from_utf8(out).unwrap();
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        let body = value[1]["body"].as_str().unwrap();
        assert!(body.len() <= MAX_RECORD_TEXT && body.len() > MAX_RECORD_TEXT - 4);
        assert!(body.chars().all(|c| c == 'é'));
        assert_eq!(value[1]["n"], 1);
        assert_eq!(value[2], "x");
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].0, 2);
        assert!(over[0].1.contains("'body' field"), "{}", over[0].1);
    }

    #[test]
    fn a_cut_never_splits_an_escape() {
        let body = "\\n".repeat(MAX_RECORD_TEXT);
        let json = format!(r#"[{{"body":"{body}"}}]"#);
        let (out, over) = filter(json.as_bytes());
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(
            value[0]["body"]
                .as_str()
                .unwrap()
                .chars()
                .all(|c| c == '\n')
        );
        assert_eq!(over.len(), 1);
    }

    #[test]
    fn endless_markup_is_refused() {
        let json = format!("[[{}1]]", "1,".repeat(MAX_MARKUP as usize));
        let (mut g, findings) = Guard::new(json.as_bytes());
        assert!(g.read_to_end(&mut Vec::new()).is_err());
        assert!(findings.borrow().refused.is_some());
    }
}
