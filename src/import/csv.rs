//! CSV from any other tool: the header is recognised among common English
//! and Chinese column names (or named with `--map`), the encoding is
//! UTF-8 (with or without BOM), UTF-16 with a BOM, or GBK/GB18030 as
//! Chinese Excel writes it, and the delimiter is a comma, semicolon or tab,
//! whichever the header line uses.
//!
//! A row that cannot be read (a bad date, no address, an unknown
//! direction) is skipped and reported with its line number; a file in
//! which no row can be read is an error.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use encoding_rs_io::DecodeReaderBytesBuilder;

mod columns;
mod guard;
#[cfg(test)]
mod tests;

use super::fields::{CountingReader, Folder, clean_contact, folder, parse_time, zone_label};
use super::{
    Channel, Direction, ImportError, ImportOptions, ImportedMessage, MessageSink, Position,
    Progress, SourceFile, open_input,
};

pub use columns::{ColumnMap, HeaderGuess, first_row, guess_header, map_columns};
use columns::{MAP_EXAMPLE, quoted};

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 512;

/// The encoding a byte-order mark announces, and its length.
fn bom(head: &[u8]) -> Option<(&'static Encoding, usize)> {
    if head.starts_with(b"\xEF\xBB\xBF") {
        Some((UTF_8, 3))
    } else if head.starts_with(b"\xFF\xFE") {
        Some((UTF_16LE, 2))
    } else if head.starts_with(b"\xFE\xFF") {
        Some((UTF_16BE, 2))
    } else {
        None
    }
}

/// Comma, semicolon or tab: whichever the header line has most of,
/// outside quotes.
fn delimiter_of(line: &str) -> u8 {
    let (mut comma, mut semi, mut tab) = (0, 0, 0);
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semi += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}

/// Splits a header line on `delimiter`, honouring double quotes.
fn split_simple(line: &str, delimiter: u8) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && c.is_ascii() && c as u32 == u32::from(delimiter) {
            out.push(std::mem::take(&mut field));
        } else {
            field.push(c);
        }
    }
    out.push(field);
    out
}

/// Counts what a pass over the raw bytes says about their encoding.
#[derive(Default)]
struct Utf8Scan {
    pending: Vec<u8>,
    invalid: u64,
    multibyte: u64,
}

impl Utf8Scan {
    fn feed(&mut self, chunk: &[u8]) {
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(chunk);
        let mut rest: &[u8] = &data;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    self.multibyte += count_leads(s.as_bytes());
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.multibyte += count_leads(valid);
                    if let Some(n) = e.error_len() {
                        self.invalid += 1;
                        rest = after.get(n..).unwrap_or_default();
                    } else {
                        self.pending = after.to_vec();
                        break;
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Self {
        if !self.pending.is_empty() {
            self.invalid += 1;
            self.pending.clear();
        }
        self
    }
}

fn count_leads(valid: &[u8]) -> u64 {
    valid.iter().filter(|&&b| b >= 0xC0).count() as u64
}

/// Hashes the file and decides its encoding in one pass.
fn first_pass(path: &Path) -> Result<(String, u64, &'static Encoding), ImportError> {
    use sha2::{Digest, Sha256};
    let (mut file, _) = open_input(path)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut scan = Utf8Scan::default();
    let mut announced: Option<&'static Encoding> = None;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ImportError::io(path, &e)),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        if size == 0 {
            announced = bom(chunk).map(|(e, _)| e);
        }
        hasher.update(chunk);
        size += n as u64;
        if announced.is_none() {
            scan.feed(chunk);
        }
    }
    let scan = scan.finish();
    let encoding = match announced {
        Some(e) => e,
        None if scan.invalid == 0 => UTF_8,
        // A few broken bytes in a mostly-UTF-8 file: damaged UTF-8, not GBK.
        None if scan.multibyte >= scan.invalid.saturating_mul(10) => UTF_8,
        None => GB18030,
    };
    Ok((super::hex(&hasher.finalize()), size, encoding))
}

/// Reads a CSV export into `sink`.
pub fn read(
    path: &Path,
    options: &ImportOptions,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
) -> Result<SourceFile, ImportError> {
    let (sha256, size, encoding) = first_pass(path)?;
    let file = File::open(path).map_err(|e| ImportError::io(path, &e))?;
    let (counting, bytes) = CountingReader::new(file);
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(counting);
    let reader = BufReader::with_capacity(64 * 1024, decoded);
    // From the file's head, not the decoder's first read: that can be only
    // the few bytes it looks for a BOM in (and a `;` file read as `,`).
    let first_line = {
        let mut head = Vec::with_capacity(8192);
        File::open(path)
            .and_then(|f| f.take(8192).read_to_end(&mut head))
            .map_err(|e| ImportError::io(path, &e))?;
        let (enc, skip) = bom(&head).unwrap_or((encoding, 0));
        let text = enc
            .decode_without_bom_handling(head.get(skip..).unwrap_or_default())
            .0;
        text.split(['\r', '\n']).next().unwrap_or("").to_string()
    };
    let delimiter = delimiter_of(&first_line);
    let mut rows = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(guard::Guard::new(reader, delimiter));
    let header: Vec<String> = rows
        .byte_headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let header_end = rows.position().byte();
    if let Some(cut) = rows.get_mut().take_cuts_before(header_end).pop() {
        return Err(
            ImportError::new(path, format!("the header line has {}", cut.why))
                .at(Position::Line { line: 1, column: 1 })
                .hint("this is not a message export optout can read; nothing was imported"),
        );
    }
    let columns = map_columns(&header, options.csv_map.as_deref()).map_err(|why| {
        ImportError::new(path, why)
            .at(Position::Line { line: 1, column: 1 })
            .hint(format!(
                "name the columns with --map address=COLUMN,date=COLUMN,body=COLUMN[,direction=COLUMN], e.g. {MAP_EXAMPLE}"
            ))
    })?;
    let mut state = RowState::default();
    let mut record = ::csv::ByteRecord::new();
    loop {
        match rows.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, &e)),
        }
        let (start, line) = record.position().map_or((0, 0), |p| (p.byte(), p.line()));
        let line = rows.get_ref().original_line(start, line);
        let end = rows.position().byte();
        let cut = rows.get_mut().take_cuts_before(end).pop();
        state.rows += 1;
        if state.rows.is_multiple_of(PROGRESS_EVERY) {
            progress.set_position(bytes.get());
        }
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            state.rows -= 1;
            continue;
        }
        if let Some(cut) = cut {
            state.reject(sink, line, format!("row with {}", cut.why));
            continue;
        }
        row(&record, line, &columns, options, &mut state, sink)?;
    }
    progress.set_position(size);
    if state.read == 0 {
        let err = match state.first_rejection {
            Some((line, why)) => ImportError::new(
                path,
                format!("no row of the CSV could be read (the first problem: {why})"),
            )
            .at(Position::Line { line, column: 1 })
            .hint(format!(
                "check that the columns are mapped right (--map address=COLUMN,date=COLUMN,body=COLUMN,direction=COLUMN) and that dates are epoch numbers, ISO 8601 or like 2026-03-09 20:11:40; header: {}",
                quoted(&header)
            )),
            None => ImportError::new(path, "the CSV has a header but no messages")
                .hint("export your messages again; the copy may have failed"),
        };
        return Err(err);
    }
    Ok(SourceFile {
        sha256,
        size,
        zone: state.used_zone.then(|| zone_label(&options.zone)),
        declared: None,
    })
}

fn csv_error(path: &Path, err: &::csv::Error) -> ImportError {
    let mut e = ImportError::new(path, format!("cannot read the CSV: {err}"))
        .hint("the file is damaged; export it again. Nothing was imported");
    if let Some(pos) = err.position() {
        e = e.at(Position::Line {
            line: pos.line(),
            column: 1,
        });
    }
    e
}

#[derive(Default)]
struct RowState {
    rows: u64,
    /// Rows that became a message or a skipped draft.
    read: u64,
    first_rejection: Option<(u64, String)>,
    used_zone: bool,
}

impl RowState {
    fn reject(&mut self, sink: &mut dyn MessageSink, line: u64, why: String) {
        if self.first_rejection.is_none() {
            self.first_rejection = Some((line, why.clone()));
        }
        sink.rejected(Some(Position::Line { line, column: 1 }), why);
    }
}

fn row(
    record: &::csv::ByteRecord,
    line: u64,
    columns: &ColumnMap,
    options: &ImportOptions,
    state: &mut RowState,
    sink: &mut dyn MessageSink,
) -> Result<(), ImportError> {
    let field = |i: usize| {
        record
            .get(i)
            .map(|f| String::from_utf8_lossy(f).into_owned())
    };
    let direction = match columns.direction.map(|i| field(i).unwrap_or_default()) {
        None => Direction::Incoming,
        Some(word) => match folder(&word) {
            Some(Folder::Delivered(d)) => d,
            Some(Folder::Undelivered) => {
                state.read += 1;
                sink.skipped_undelivered();
                return Ok(());
            }
            None => {
                state.reject(
                    sink,
                    line,
                    format!("row with unknown direction '{}'", word.trim()),
                );
                return Ok(());
            }
        },
    };
    let Some(address) = field(columns.address)
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
    else {
        state.reject(sink, line, "row without an address".into());
        return Ok(());
    };
    let date = field(columns.date).unwrap_or_default();
    let Some(time) = parse_time(&date, &options.zone) else {
        state.reject(sink, line, format!("row with a bad date '{}'", date.trim()));
        return Ok(());
    };
    state.used_zone |= time.used_zone;
    state.read += 1;
    super::deliver(
        sink,
        Some(Position::Line { line, column: 1 }),
        ImportedMessage {
            direction,
            address,
            timestamp_ms: time.timestamp_ms,
            utc_offset_s: time.utc_offset_s,
            body: field(columns.body).unwrap_or_default(),
            channel: Channel::Sms,
            contact_name: clean_contact(columns.contact.and_then(field)),
            hint: None,
        },
    )
}
