//! A filter between the file and quick-xml that bounds what one element
//! can cost. quick-xml reads a whole tag into memory before it reports it,
//! so a 1 GB `body` attribute would be held whole (and then copied). The
//! guard follows the XML markup byte by byte and, before quick-xml sees
//! them, drops:
//!
//! - every byte of an MMS `data` attribute value (base64 media, never read);
//! - the bytes of any other attribute value past [`MAX_RECORD_TEXT`], noting
//!   the element so the importer can skip it with its position and reason;
//! - text between elements past 64 KiB (the importer ignores it).
//!
//! Markup that cannot be shortened without changing its meaning (a tag
//! with more than 64 KiB outside its values, a comment or declaration over
//! 64 KiB) stops the import with a clear error instead.

use std::io::{self, BufRead, Read};

use crate::import::MAX_RECORD_TEXT;

/// The most markup one tag may have outside its attribute values, and the
/// longest comment, processing instruction or DOCTYPE: 64 KiB.
pub const MAX_MARKUP: u64 = 64 * 1024;
/// The most text between two tags that is passed on (the rest is dropped).
const MAX_TEXT_RUN: u64 = 64 * 1024;
/// The most attribute text one tag may keep in all (2 × the record limit).
const MAX_TAG_VALUES: u64 = 2 * MAX_RECORD_TEXT as u64;

const CDATA: &[u8] = b"[CDATA[";

/// How much is read from the file at a time: the importer's `BufReader`
/// capacity, so its buffer is bypassed.
const INPUT_CHUNK: usize = 256 * 1024;

/// An attribute value that was cut short.
#[derive(Debug, Clone)]
pub struct Oversized {
    /// Where, in the filtered stream, the dropping started.
    pub at: u64,
    /// The attribute's name.
    pub attribute: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text {
        run: u64,
    },
    /// Just after `<`.
    Open,
    /// `<!` followed by this many bytes matching `--` or `[CDATA[`.
    Bang {
        matched: u8,
        cdata: bool,
    },
    Tag {
        quote: Option<u8>,
    },
    Comment {
        tail: u8,
    },
    CData {
        tail: u8,
    },
    Pi {
        question: bool,
    },
    Doctype {
        quote: Option<u8>,
        depth: u32,
    },
}

/// See the module documentation.
pub struct Guard<R> {
    inner: R,
    /// The bytes read from `inner` (reused), and what is passed on.
    input: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    state: State,
    /// Bytes of markup in the current tag, comment or declaration.
    markup: u64,
    /// Value bytes of the current attribute, and kept in the current tag.
    value: u64,
    tag_values: u64,
    dropping: bool,
    /// The current attribute name (its first 64 bytes) and whether a space
    /// ended it.
    name: Vec<u8>,
    after_space: bool,
    is_data: bool,
    oversized: Vec<Oversized>,
    /// (filtered offset, bytes dropped before it), one entry per drop.
    shifts: Vec<(u64, u64)>,
    dropped: u64,
    emitted: u64,
    refused: Option<(u64, String)>,
}

impl<R: BufRead> Guard<R> {
    pub fn new(inner: R) -> Self {
        Guard {
            inner,
            input: Vec::new(),
            out: Vec::with_capacity(64 * 1024),
            pos: 0,
            state: State::Text { run: 0 },
            markup: 0,
            value: 0,
            tag_values: 0,
            dropping: false,
            name: Vec::new(),
            after_space: false,
            is_data: false,
            oversized: Vec::new(),
            shifts: Vec::new(),
            dropped: 0,
            emitted: 0,
            refused: None,
        }
    }

    /// The oversized values that start before `end` in the filtered stream,
    /// taken out of the list.
    pub fn take_oversized_before(&mut self, end: u64) -> Vec<Oversized> {
        let n = self.oversized.iter().take_while(|o| o.at < end).count();
        self.oversized.drain(..n).collect()
    }

    /// The offset in the file of `filtered`, an offset in what was passed on.
    pub fn original(&self, filtered: u64) -> u64 {
        let i = self.shifts.partition_point(|&(at, _)| at <= filtered);
        let before = i.checked_sub(1).and_then(|i| self.shifts.get(i));
        filtered + before.map_or(0, |&(_, d)| d)
    }

    /// Why the guard stopped the stream, and where in the file.
    pub fn refused(&self) -> Option<&(u64, String)> {
        self.refused.as_ref()
    }

    fn refuse(&mut self, why: &str) -> io::Error {
        let at = self.emitted + self.dropped;
        self.refused = Some((at, why.to_string()));
        io::Error::other(why.to_string())
    }

    fn keep(&mut self, b: u8) {
        self.out.push(b);
        self.emitted += 1;
    }

    fn drop_byte(&mut self) {
        self.drop_bytes(1);
    }

    fn drop_bytes(&mut self, n: u64) {
        self.dropped += n;
        match self.shifts.last_mut() {
            Some((at, d)) if *at == self.emitted => *d = self.dropped,
            _ => self.shifts.push((self.emitted, self.dropped)),
        }
    }

    fn count_markup(&mut self, what: &str) -> io::Result<()> {
        self.markup += 1;
        if self.markup > MAX_MARKUP {
            return Err(self.refuse(&format!("{what} longer than {MAX_MARKUP} bytes")));
        }
        Ok(())
    }

    /// Handles the start of `rest`: a run of text or of an attribute value
    /// at once (the common case, and most of the bytes), else one byte.
    /// Returns how many bytes it used.
    fn run(&mut self, rest: &[u8]) -> io::Result<usize> {
        let (special, so_far) = match self.state {
            State::Text { run } => (b'<', run),
            State::Tag { quote: Some(q) } => (q, 0),
            State::Tag { quote: None } => return self.tag_run(rest),
            _ => {
                self.step(*rest.first().unwrap_or(&0))?;
                return Ok(1);
            }
        };
        let n = memchr::memchr(special, rest).unwrap_or(rest.len());
        let bulk = rest.get(..n).unwrap_or_default();
        let kept = if let State::Text { .. } = self.state {
            self.state = State::Text {
                run: so_far + n as u64,
            };
            MAX_TEXT_RUN.saturating_sub(so_far).min(n as u64)
        } else {
            let room = if self.is_data {
                0
            } else {
                (MAX_RECORD_TEXT as u64)
                    .saturating_sub(self.value)
                    .min(MAX_TAG_VALUES.saturating_sub(self.tag_values))
            };
            let kept = room.min(n as u64);
            self.value += n as u64;
            self.tag_values += kept;
            if kept < n as u64 && !self.dropping && !self.is_data {
                self.oversized.push(Oversized {
                    at: self.emitted + kept,
                    attribute: String::from_utf8_lossy(&self.name).into_owned(),
                });
            }
            self.dropping |= kept < n as u64;
            kept
        } as usize;
        self.out
            .extend_from_slice(bulk.get(..kept).unwrap_or_default());
        self.emitted += kept as u64;
        if kept < n {
            self.drop_bytes((n - kept) as u64);
        }
        if n < rest.len() {
            self.step(special)?;
            return Ok(n + 1);
        }
        Ok(n)
    }

    /// A byte of a tag's markup outside its values that is not a quote or
    /// `>`: `=` and spaces end an attribute name, anything else is part of
    /// the name (its first 64 bytes kept) that the next value belongs to.
    #[inline]
    fn name_byte(&mut self, b: u8) {
        match b {
            b'=' => self.after_space = false,
            b if b.is_ascii_whitespace() => self.after_space = true,
            _ => {
                if self.after_space {
                    self.name.clear();
                    self.after_space = false;
                }
                if self.name.len() < 64 {
                    self.name.push(b);
                }
            }
        }
    }

    /// A run of a tag's markup outside its values that changes no state
    /// (names, `=`, spaces), at once, as `step_tag` would take it byte by
    /// byte; a quote, `>` or the byte over [`MAX_MARKUP`] goes to `step`.
    fn tag_run(&mut self, rest: &[u8]) -> io::Result<usize> {
        let mut n = 0;
        for &b in rest {
            if matches!(b, b'"' | b'\'' | b'>') || self.markup >= MAX_MARKUP {
                break;
            }
            self.markup += 1;
            self.name_byte(b);
            n += 1;
        }
        if n == 0 {
            self.step(*rest.first().unwrap_or(&0))?;
            return Ok(1);
        }
        self.out
            .extend_from_slice(rest.get(..n).unwrap_or_default());
        self.emitted += n as u64;
        Ok(n)
    }

    /// Passes `b` on or drops it, and moves the state machine.
    fn step(&mut self, b: u8) -> io::Result<()> {
        match self.state {
            State::Text { run } => {
                if b == b'<' {
                    self.state = State::Open;
                    self.markup = 1;
                } else {
                    self.state = State::Text { run: run + 1 };
                    if run >= MAX_TEXT_RUN {
                        self.drop_byte();
                        return Ok(());
                    }
                }
            }
            State::Open => {
                self.state = match b {
                    b'!' => State::Bang {
                        matched: 0,
                        cdata: false,
                    },
                    b'?' => State::Pi { question: false },
                    _ => {
                        self.tag_values = 0;
                        self.name.clear();
                        self.after_space = false;
                        State::Tag { quote: None }
                    }
                };
                if let State::Tag { .. } = self.state {
                    return self.step_tag(b);
                }
            }
            State::Bang { matched, cdata } => {
                self.count_markup("an XML comment or declaration")?;
                self.state = if matched == 0 && b == b'-' {
                    State::Bang {
                        matched: 1,
                        cdata: false,
                    }
                } else if matched == 1 && !cdata && b == b'-' {
                    State::Comment { tail: 0 }
                } else if (cdata || matched == 0) && CDATA.get(usize::from(matched)) == Some(&b) {
                    if usize::from(matched) + 1 == CDATA.len() {
                        State::CData { tail: 0 }
                    } else {
                        State::Bang {
                            matched: matched + 1,
                            cdata: true,
                        }
                    }
                } else {
                    Self::doctype_step(None, 0, b)
                };
            }
            State::Comment { tail } => {
                self.count_markup("an XML comment")?;
                self.state = match b {
                    b'>' if tail >= 2 => State::Text { run: 0 },
                    b'-' => State::Comment { tail: tail + 1 },
                    _ => State::Comment { tail: 0 },
                };
            }
            State::CData { tail } => {
                self.count_markup("an XML CDATA section")?;
                self.state = match b {
                    b'>' if tail >= 2 => State::Text { run: 0 },
                    b']' => State::CData { tail: tail + 1 },
                    _ => State::CData { tail: 0 },
                };
            }
            State::Pi { question } => {
                self.count_markup("an XML processing instruction")?;
                self.state = match b {
                    b'>' if question => State::Text { run: 0 },
                    _ => State::Pi {
                        question: b == b'?',
                    },
                };
            }
            State::Doctype { quote, depth } => {
                self.count_markup("an XML declaration")?;
                self.state = Self::doctype_step(quote, depth, b);
            }
            State::Tag { .. } => return self.step_tag(b),
        }
        self.keep(b);
        Ok(())
    }

    fn doctype_step(quote: Option<u8>, depth: u32, b: u8) -> State {
        match (quote, b) {
            (Some(q), _) if q == b => State::Doctype { quote: None, depth },
            (None, b'"' | b'\'') => State::Doctype {
                quote: Some(b),
                depth,
            },
            (None, b'[') => State::Doctype {
                quote,
                depth: depth + 1,
            },
            (None, b']') => State::Doctype {
                quote,
                depth: depth.saturating_sub(1),
            },
            (None, b'>') if depth == 0 => State::Text { run: 0 },
            _ => State::Doctype { quote, depth },
        }
    }

    fn step_tag(&mut self, b: u8) -> io::Result<()> {
        let State::Tag { quote } = self.state else {
            return Ok(());
        };
        match quote {
            Some(q) if b == q => {
                self.state = State::Tag { quote: None };
                self.after_space = true;
            }
            Some(_) => {
                self.value += 1;
                let keep = !self.is_data
                    && self.value <= MAX_RECORD_TEXT as u64
                    && self.tag_values < MAX_TAG_VALUES;
                if !keep {
                    if !self.dropping && !self.is_data {
                        self.oversized.push(Oversized {
                            at: self.emitted,
                            attribute: String::from_utf8_lossy(&self.name).into_owned(),
                        });
                    }
                    self.dropping = true;
                    self.drop_byte();
                    return Ok(());
                }
                self.tag_values += 1;
            }
            None => {
                self.count_markup("an XML tag (outside its attribute values)")?;
                match b {
                    b'"' | b'\'' => {
                        self.state = State::Tag { quote: Some(b) };
                        self.value = 0;
                        self.dropping = false;
                        self.is_data = self.name == b"data";
                    }
                    b'>' => self.state = State::Text { run: 0 },
                    _ => self.name_byte(b),
                }
            }
        }
        self.keep(b);
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
        if let Some((_, why)) = &self.refused {
            return Err(io::Error::other(why.clone()));
        }
        while self.pos >= self.out.len() {
            self.out.clear();
            self.pos = 0;
            // Read straight into our own buffer: as large as the BufReader's,
            // it bypasses that one (one copy fewer than fill_buf + to_vec).
            let mut chunk = std::mem::take(&mut self.input);
            chunk.resize(INPUT_CHUNK, 0);
            let n = loop {
                match self.inner.read(&mut chunk) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => break other,
                }
            };
            let n = match n {
                Ok(0) => {
                    self.input = chunk;
                    break;
                }
                Ok(n) => n,
                Err(e) => {
                    self.input = chunk;
                    return Err(e);
                }
            };
            let mut at = 0;
            let mut result = Ok(());
            while let Some(rest) = chunk.get(at..n).filter(|r| !r.is_empty()) {
                match self.run(rest) {
                    Ok(used) => at += used,
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            self.input = chunk;
            result?;
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

    fn filter(input: &[u8]) -> (Vec<u8>, Vec<Oversized>) {
        let mut g = Guard::new(input);
        let mut out = Vec::new();
        g.read_to_end(&mut out).unwrap();
        let over = g.take_oversized_before(u64::MAX);
        (out, over)
    }

    #[test]
    fn small_files_pass_unchanged() {
        let xml = br#"<?xml version='1.0'?><!--a > "b" --><!DOCTYPE x [<!ENTITY a "b>">]><smses><sms body="a&gt;'b" x='"'/><![CDATA[ " ]]></smses>"#;
        let (out, over) = filter(xml);
        assert_eq!(out, xml.to_vec());
        assert!(over.is_empty());
    }

    #[test]
    fn media_is_dropped_and_long_values_are_cut_and_noted() {
        let big = "x".repeat(MAX_RECORD_TEXT + 10);
        let xml =
            format!(r#"<smses><part data="QUJD" text="t"/><sms body="{big}" date="1"/></smses>"#);
        let mut g = Guard::new(xml.as_bytes());
        let mut out = Vec::new();
        g.read_to_end(&mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with(r#"<smses><part data="" text="t"/><sms body="xx"#));
        assert!(out.ends_with(r#"x" date="1"/></smses>"#));
        assert_eq!(out.len(), xml.len() - 4 - 10);
        let over = g.take_oversized_before(u64::MAX);
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].attribute, "body");
        let cut = over[0].at;
        assert_eq!(g.original(cut + 1), cut + 1 + 10 + 4);
        assert_eq!(g.original(5), 5);
    }

    #[test]
    fn endless_markup_is_refused() {
        let xml = format!("<smses {}", "a".repeat(MAX_MARKUP as usize + 1));
        let mut g = Guard::new(xml.as_bytes());
        assert!(g.read_to_end(&mut Vec::new()).is_err());
        assert!(g.refused().is_some());
    }
}
