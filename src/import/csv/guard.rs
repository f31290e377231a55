//! A filter between the decoded text and the `csv` reader that bounds what
//! one row can cost. The reader holds a whole row (every field, and the end
//! of each) before it hands it over, so a 1 GB field would be held whole,
//! and a row of a billion empty fields would cost gigabytes of offsets. The
//! guard follows the CSV quoting byte by byte and, once a row has a field
//! longer than [`MAX_RECORD_TEXT`], more than twice that in all, or more
//! than [`MAX_FIELDS`] fields, drops the rest of the row up to its end
//! (closing an open quote first), noting where so the importer skips the
//! row with its line and reason. Newlines dropped inside quoted fields are
//! counted, so later rows keep their line numbers in the file.

use std::io::{self, BufRead, Read};

use crate::import::MAX_RECORD_TEXT;

/// The most fields one row may have.
pub const MAX_FIELDS: u64 = 4096;
/// The most text one row may hold in all.
const MAX_ROW_TEXT: u64 = 2 * MAX_RECORD_TEXT as u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: its end, or the first of `""`.
    QuoteInQuoted,
}

/// A row that was cut short.
#[derive(Debug, Clone)]
pub struct Cut {
    /// Where, in the filtered stream, the dropping started.
    pub at: u64,
    pub why: String,
}

/// See the module documentation.
pub struct Guard<R> {
    inner: R,
    delimiter: u8,
    out: Vec<u8>,
    pos: usize,
    state: State,
    field_len: u64,
    row_text: u64,
    fields: u64,
    /// Dropping the rest of the row.
    dropping: bool,
    cuts: Vec<Cut>,
    /// (filtered offset, newlines dropped before it), one entry per cut row.
    shifts: Vec<(u64, u64)>,
    newlines_dropped: u64,
    emitted: u64,
}

impl<R: BufRead> Guard<R> {
    pub fn new(inner: R, delimiter: u8) -> Self {
        Guard {
            inner,
            delimiter,
            out: Vec::with_capacity(64 * 1024),
            pos: 0,
            state: State::FieldStart,
            field_len: 0,
            row_text: 0,
            fields: 1,
            dropping: false,
            cuts: Vec::new(),
            shifts: Vec::new(),
            newlines_dropped: 0,
            emitted: 0,
        }
    }

    /// Why the rows that start before `end` (in the filtered stream) were
    /// cut, taken out of the list.
    pub fn take_cuts_before(&mut self, end: u64) -> Vec<Cut> {
        let n = self.cuts.iter().take_while(|c| c.at < end).count();
        self.cuts.drain(..n).collect()
    }

    /// The line in the file of a row the reader says starts on `line` at
    /// `filtered` bytes into what was passed on.
    pub fn original_line(&self, filtered: u64, line: u64) -> u64 {
        let i = self.shifts.partition_point(|&(at, _)| at <= filtered);
        let before = i.checked_sub(1).and_then(|i| self.shifts.get(i));
        line + before.map_or(0, |&(_, n)| n)
    }

    fn keep(&mut self, b: u8) {
        self.out.push(b);
        self.emitted += 1;
    }

    fn drop_bytes(&mut self, bytes: &[u8]) {
        self.newlines_dropped += memchr::memchr_iter(b'\n', bytes).count() as u64;
    }

    fn cut(&mut self, why: String) {
        self.cuts.push(Cut {
            at: self.emitted,
            why,
        });
        self.dropping = true;
        if self.state == State::Quoted {
            // The kept part stays a well-formed row.
            self.keep(b'"');
        }
    }

    fn cut_for_length(&mut self) {
        let why = if self.field_len >= MAX_RECORD_TEXT as u64 {
            format!("a field longer than the {MAX_RECORD_TEXT} bytes a record may hold")
        } else {
            format!("more than {MAX_ROW_TEXT} bytes of text in all")
        };
        self.cut(why);
    }

    /// How many more bytes of text the current field may keep.
    fn room(&self) -> u64 {
        (MAX_RECORD_TEXT as u64)
            .saturating_sub(self.field_len)
            .min(MAX_ROW_TEXT.saturating_sub(self.row_text))
    }

    /// Handles the start of `rest`: a run of field text at once (most of
    /// the bytes), else one byte. Returns how many bytes it used.
    fn run(&mut self, rest: &[u8]) -> usize {
        let d = self.delimiter;
        let n = match self.state {
            State::Unquoted => memchr::memchr3(d, b'\n', b'\r', rest).unwrap_or(rest.len()),
            State::Quoted => memchr::memchr(b'"', rest).unwrap_or(rest.len()),
            _ => 0,
        };
        if n == 0 {
            self.step(rest.first().copied().unwrap_or(0));
            return 1;
        }
        let bulk = rest.get(..n).unwrap_or_default();
        let kept = if self.dropping {
            0
        } else {
            self.room().min(n as u64) as usize
        };
        self.out
            .extend_from_slice(bulk.get(..kept).unwrap_or_default());
        self.emitted += kept as u64;
        self.field_len += kept as u64;
        self.row_text += kept as u64;
        if kept < n {
            if !self.dropping {
                self.cut_for_length();
            }
            self.drop_bytes(bulk.get(kept..).unwrap_or_default());
        }
        n
    }

    /// One byte of field text.
    fn text_byte(&mut self, b: u8) {
        if !self.dropping && self.room() == 0 {
            self.cut_for_length();
        }
        if self.dropping {
            self.drop_bytes(&[b]);
        } else {
            self.keep(b);
            self.field_len += 1;
            self.row_text += 1;
        }
    }

    /// Keeps `b` (markup) unless the row is being dropped.
    fn markup(&mut self, b: u8) {
        if !self.dropping {
            self.keep(b);
        }
    }

    fn step(&mut self, b: u8) {
        match self.state {
            State::FieldStart | State::Unquoted if b == b'\n' || b == b'\r' => {
                self.keep(b);
                if self.dropping {
                    self.shifts.push((self.emitted, self.newlines_dropped));
                }
                self.dropping = false;
                self.state = State::FieldStart;
                self.field_len = 0;
                self.row_text = 0;
                self.fields = 1;
            }
            State::FieldStart | State::Unquoted if b == self.delimiter => {
                self.fields += 1;
                self.field_len = 0;
                if self.fields > MAX_FIELDS && !self.dropping {
                    self.cut(format!("more than {MAX_FIELDS} fields"));
                }
                self.markup(b);
                self.state = State::FieldStart;
            }
            State::FieldStart if b == b'"' => {
                self.markup(b);
                self.state = State::Quoted;
            }
            State::FieldStart | State::Unquoted => {
                self.state = State::Unquoted;
                self.text_byte(b);
            }
            State::Quoted if b == b'"' => {
                self.markup(b);
                self.state = State::QuoteInQuoted;
            }
            State::Quoted => self.text_byte(b),
            State::QuoteInQuoted if b == b'"' => {
                // `""`: one quote inside the field. Cut here, the first quote
                // (already passed on) closes the field.
                if !self.dropping && self.room() == 0 {
                    self.cut_for_length();
                }
                self.state = State::Quoted;
                self.text_byte(b);
            }
            State::QuoteInQuoted => {
                // The field's closing quote; what follows is read unquoted.
                self.state = State::Unquoted;
                self.step(b);
            }
        }
    }
}

impl<R: BufRead> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        crate::import::files::read_buffered(self, buf)
    }
}

impl<R: BufRead> BufRead for Guard<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
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
                at += self.run(rest);
            }
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

    fn filter(input: &[u8]) -> (Guard<&[u8]>, Vec<u8>) {
        let mut g = Guard::new(input, b',');
        let mut out = Vec::new();
        g.read_to_end(&mut out).unwrap();
        (g, out)
    }

    #[test]
    fn small_files_pass_unchanged() {
        let csv = b"a,b,c\r\n1,\"x,\"\"y\"\"\nz\",3\r4,5,\"\"\n";
        let (mut g, out) = filter(csv);
        assert_eq!(out, csv.to_vec());
        assert!(g.take_cuts_before(u64::MAX).is_empty());
    }

    #[test]
    fn a_long_field_drops_the_rest_of_its_row_and_keeps_lines() {
        let big = "x\n".repeat(MAX_RECORD_TEXT);
        let csv = format!("a,b\n1,\"{big}\"\"q\",more\n2,ok\n");
        let (mut g, out) = filter(csv.as_bytes());
        assert!(out.len() < MAX_RECORD_TEXT + 100);
        let mut rows = ::csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(out.as_slice());
        let records: Vec<::csv::ByteRecord> = rows.byte_records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].len(), 2);
        assert_eq!(&records[1][1], b"ok");
        let second = records[1].position().unwrap();
        assert_eq!(
            g.original_line(second.byte(), second.line()),
            2 + MAX_RECORD_TEXT as u64 + 1
        );
        let cuts = g.take_cuts_before(second.byte());
        assert_eq!(cuts.len(), 1);
        assert!(cuts[0].why.contains("longer than"), "{}", cuts[0].why);
    }

    #[test]
    fn endless_fields_are_cut() {
        let csv = format!("a,b\n{}\n1,2\n", ",".repeat(MAX_FIELDS as usize * 3));
        let (mut g, out) = filter(csv.as_bytes());
        assert!(out.len() < MAX_FIELDS as usize + 20);
        let cuts = g.take_cuts_before(u64::MAX);
        assert_eq!(cuts.len(), 1);
        assert!(cuts[0].why.contains("fields"));
    }
}
