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
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use encoding_rs_io::DecodeReaderBytesBuilder;

use super::fields::{CountingReader, Folder, clean_contact, folder, parse_time, zone_label};
use super::{
    Channel, Direction, ImportError, ImportOptions, ImportedMessage, MessageSink, Position,
    Progress, SourceFile, open_input,
};

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 512;

/// Header names for each field, in order of preference, compared after
/// [`normalize`].
const ADDRESS_NAMES: &[&str] = &[
    "address",
    "number",
    "phone",
    "phonenumber",
    "from",
    "sender",
    "号码",
    "手机号",
    "手机号码",
    "电话",
    "电话号码",
    "发件人",
    "发信人",
    "联系人",
];
const DATE_NAMES: &[&str] = &[
    "date",
    "time",
    "timestamp",
    "datetime",
    "datesent",
    "receivedat",
    "sentat",
    "时间",
    "日期",
    "发送时间",
    "接收时间",
    "日期时间",
];
const BODY_NAMES: &[&str] = &[
    "body",
    "message",
    "text",
    "content",
    "sms",
    "msg",
    "内容",
    "短信内容",
    "短信",
    "信息内容",
    "消息内容",
];
const DIRECTION_NAMES: &[&str] = &[
    "type",
    "direction",
    "folder",
    "box",
    "类型",
    "收发",
    "方向",
    "收发类型",
];
const CONTACT_NAMES: &[&str] = &[
    "contactname",
    "contact",
    "name",
    "姓名",
    "联系人姓名",
    "名称",
];

/// `--map` example shown in errors.
const MAP_EXAMPLE: &str = "--map address=号码,date=时间,body=内容,direction=类型";

/// Which column holds which field (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    pub address: usize,
    pub date: usize,
    pub body: usize,
    pub direction: Option<usize>,
    pub contact: Option<usize>,
}

/// Lower-case, without BOM, quotes, spaces, `_` and `-`: `Phone Number`,
/// `phone_number` and `PHONE-NUMBER` all become `phonenumber`.
fn normalize(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .trim_matches('"')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn find(header: &[String], names: &[&str], taken: &[usize]) -> Option<usize> {
    names.iter().find_map(|want| {
        header
            .iter()
            .position(|h| normalize(h) == *want)
            .filter(|i| !taken.contains(i))
    })
}

/// Fields the `--map` names or the header shows, before checking that
/// the required ones are there.
#[derive(Debug, Default)]
struct Partial {
    address: Option<usize>,
    date: Option<usize>,
    body: Option<usize>,
    direction: Option<usize>,
    contact: Option<usize>,
}

/// Maps the header to fields: `--map` entries first, the rest detected.
/// `Err` explains what is missing and how to name it.
pub fn map_columns(header: &[String], map: Option<&str>) -> Result<ColumnMap, String> {
    let mut p = Partial::default();
    if let Some(map) = map {
        for entry in map.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((key, column)) = entry.split_once('=') else {
                return Err(format!(
                    "--map entry '{entry}' is not FIELD=COLUMN (e.g. {MAP_EXAMPLE})"
                ));
            };
            let index = column_index(header, column.trim()).ok_or_else(|| {
                format!(
                    "--map names column '{}', which the header does not have (it has: {})",
                    column.trim(),
                    quoted(header)
                )
            })?;
            let slot = match normalize(key).as_str() {
                "address" | "number" | "phone" | "from" | "sender" => &mut p.address,
                "date" | "time" | "timestamp" => &mut p.date,
                "body" | "text" | "message" | "content" => &mut p.body,
                "direction" | "type" | "folder" => &mut p.direction,
                "contact" | "contactname" | "name" => &mut p.contact,
                other => {
                    return Err(format!(
                        "--map field '{other}' is not one of address, date, body, direction, contact"
                    ));
                }
            };
            *slot = Some(index);
        }
    }
    let mut taken: Vec<usize> = [p.address, p.date, p.body, p.direction, p.contact]
        .into_iter()
        .flatten()
        .collect();
    for (slot, names) in [
        (&mut p.address, ADDRESS_NAMES),
        (&mut p.date, DATE_NAMES),
        (&mut p.body, BODY_NAMES),
        (&mut p.direction, DIRECTION_NAMES),
        (&mut p.contact, CONTACT_NAMES),
    ] {
        if slot.is_none() {
            *slot = find(header, names, &taken);
            if let Some(i) = *slot {
                taken.push(i);
            }
        }
    }
    match (p.address, p.date, p.body) {
        (Some(address), Some(date), Some(body)) => Ok(ColumnMap {
            address,
            date,
            body,
            direction: p.direction,
            contact: p.contact,
        }),
        (address, date, body) => {
            let missing: Vec<&str> = [
                (address.is_none(), "address"),
                (date.is_none(), "date"),
                (body.is_none(), "body"),
            ]
            .into_iter()
            .filter_map(|(m, name)| m.then_some(name))
            .collect();
            Err(format!(
                "the CSV header was not recognised: no {} column among {}",
                missing.join(", "),
                quoted(header)
            ))
        }
    }
}

/// A column given by name (case and spacing ignored) or 1-based number.
fn column_index(header: &[String], column: &str) -> Option<usize> {
    let want = normalize(column);
    header
        .iter()
        .position(|h| normalize(h) == want)
        .or_else(|| {
            column
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1 && n <= header.len())
                .map(|n| n - 1)
        })
}

fn quoted(header: &[String]) -> String {
    let shown: Vec<String> = header
        .iter()
        .take(12)
        .map(|h| {
            format!(
                "'{}'",
                crate::text::sanitize(h.trim_start_matches('\u{feff}'))
            )
        })
        .collect();
    if shown.is_empty() {
        "no columns".to_string()
    } else {
        shown.join(", ")
    }
}

/// What the first line of a text file says about it being a CSV export.
#[derive(Debug, PartialEq, Eq)]
pub enum HeaderGuess {
    /// A header optout recognises.
    Recognised,
    /// Delimited columns with names optout does not know.
    Unrecognised(Vec<String>),
    /// Not a delimited text file.
    NotCsv,
}

/// Looks at the first line of `head` (the file's first bytes).
pub fn guess_header(head: &[u8], map: Option<&str>) -> HeaderGuess {
    let (encoding, skip) = bom(head).unwrap_or((UTF_8, 0));
    let body = head.get(skip..).unwrap_or_default();
    if encoding == UTF_8 && body.contains(&0) {
        return HeaderGuess::NotCsv;
    }
    let text = if encoding == UTF_8 {
        match std::str::from_utf8(body) {
            Ok(s) => s.to_string(),
            // Cut in the middle of a character, or not UTF-8 at all.
            Err(e) if e.error_len().is_none() => {
                String::from_utf8_lossy(body.get(..e.valid_up_to()).unwrap_or_default())
                    .into_owned()
            }
            Err(_) => GB18030.decode_without_bom_handling(body).0.into_owned(),
        }
    } else {
        encoding.decode_without_bom_handling(body).0.into_owned()
    };
    let first = text.lines().next().unwrap_or("");
    if first.chars().any(|c| c.is_control() && c != '\t') {
        return HeaderGuess::NotCsv;
    }
    let delimiter = delimiter_of(first);
    let header = split_simple(first, delimiter);
    if header.len() < 2 {
        return HeaderGuess::NotCsv;
    }
    if map_columns(&header, map).is_ok() {
        HeaderGuess::Recognised
    } else {
        HeaderGuess::Unrecognised(header)
    }
}

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
    let mut reader = BufReader::with_capacity(64 * 1024, decoded);
    let first_line = {
        let head = reader.fill_buf().map_err(|e| ImportError::io(path, &e))?;
        let text = String::from_utf8_lossy(head);
        text.lines().next().unwrap_or("").to_string()
    };
    let delimiter = delimiter_of(&first_line);
    let mut rows = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(reader);
    let header: Vec<String> = rows
        .byte_headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
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
        let line = record.position().map_or(0, ::csv::Position::line);
        state.rows += 1;
        if state.rows.is_multiple_of(PROGRESS_EVERY) {
            progress.set_position(bytes.get());
        }
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            state.rows -= 1;
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
    sink.message(ImportedMessage {
        direction,
        address,
        timestamp_ms: time.timestamp_ms,
        utc_offset_s: time.utc_offset_s,
        body: field(columns.body).unwrap_or_default(),
        channel: Channel::Sms,
        contact_name: clean_contact(columns.contact.and_then(field)),
        hint: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn english_and_chinese_headers_are_recognised() {
        let m = map_columns(
            &header(&["address", "date", "type", "body", "contact_name"]),
            None,
        )
        .unwrap();
        assert_eq!(
            m,
            ColumnMap {
                address: 0,
                date: 1,
                body: 3,
                direction: Some(2),
                contact: Some(4)
            }
        );
        let m = map_columns(&header(&["号码", "时间", "内容", "类型"]), None).unwrap();
        assert_eq!((m.address, m.date, m.body, m.direction), (0, 1, 2, Some(3)));
        let m = map_columns(&header(&["\u{feff}Phone Number", "Time", "Message"]), None).unwrap();
        assert_eq!((m.address, m.date, m.body, m.direction), (0, 1, 2, None));
        // 号码 wins over 联系人 for the address; 联系人 is then free.
        let m = map_columns(&header(&["联系人", "号码", "日期", "短信内容"]), None).unwrap();
        assert_eq!(m.address, 1);
    }

    #[test]
    fn map_names_columns_by_name_or_number() {
        let h = header(&["对方", "收发时间", "正文", "方式"]);
        let err = map_columns(&h, None).unwrap_err();
        assert!(err.contains("'对方'"), "{err}");
        let m = map_columns(
            &h,
            Some("address=对方,date=收发时间,body=正文,direction=方式"),
        )
        .unwrap();
        assert_eq!((m.address, m.date, m.body, m.direction), (0, 1, 2, Some(3)));
        let m = map_columns(&h, Some("address=1, date=2, body=3")).unwrap();
        assert_eq!((m.address, m.date, m.body, m.direction), (0, 1, 2, None));
        assert!(
            map_columns(&h, Some("address=nope"))
                .unwrap_err()
                .contains("'nope'")
        );
        assert!(map_columns(&h, Some("colour=1")).is_err());
        assert!(map_columns(&h, Some("address")).is_err());
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter_of("a,b,c"), b',');
        assert_eq!(delimiter_of("a;b;c"), b';');
        assert_eq!(delimiter_of("a\tb\tc"), b'\t');
        assert_eq!(delimiter_of("\"a;b\",c,d"), b',');
    }

    #[test]
    fn header_guess() {
        assert_eq!(
            guess_header(b"address,date,body\n1,2,3\n", None),
            HeaderGuess::Recognised
        );
        assert_eq!(
            guess_header(b"foo,bar\n", None),
            HeaderGuess::Unrecognised(header(&["foo", "bar"]))
        );
        assert_eq!(
            guess_header(b"\x89PNG\r\n\x1a\n\0\0", None),
            HeaderGuess::NotCsv
        );
        assert_eq!(
            guess_header(b"just some words\n", None),
            HeaderGuess::NotCsv
        );
        let (gbk, _, _) = GB18030.encode("号码,时间,内容\n");
        assert_eq!(guess_header(&gbk, None), HeaderGuess::Recognised);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "号码\t时间\t内容\r\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(guess_header(&utf16, None), HeaderGuess::Recognised);
    }

    #[test]
    fn utf8_scan_counts_across_chunk_boundaries() {
        let text = "短信内容".as_bytes();
        let mut scan = Utf8Scan::default();
        scan.feed(&text[..4]);
        scan.feed(&text[4..]);
        let scan = scan.finish();
        assert_eq!((scan.invalid, scan.multibyte), (0, 4));
        let (gbk, _, _) = GB18030.encode("短信内容");
        let mut scan = Utf8Scan::default();
        scan.feed(&gbk);
        assert!(scan.finish().invalid > 0);
    }
}
