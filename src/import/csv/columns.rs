//! Recognising the columns of a CSV header: common English and Chinese
//! names, or the user's `--map`.

use encoding_rs::{GB18030, UTF_8};

use super::{bom, delimiter_of, split_simple};

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
pub(super) const MAP_EXAMPLE: &str = "--map address=号码,date=时间,body=内容,direction=类型";

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

pub(super) fn quoted(header: &[String]) -> String {
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
    let text = decode_head(body, encoding);
    let first = first_line(&text);
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

/// The text of a file's first bytes `body` (after its byte-order mark) in
/// `encoding`; UTF-8 that is not UTF-8 is read as GB18030, and a character
/// cut at the end of the head is dropped.
fn decode_head(body: &[u8], encoding: &'static encoding_rs::Encoding) -> String {
    if encoding != UTF_8 {
        return encoding.decode_without_bom_handling(body).0.into_owned();
    }
    match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        // Cut in the middle of a character, or not UTF-8 at all.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(body.get(..e.valid_up_to()).unwrap_or_default()).into_owned()
        }
        Err(_) => GB18030.decode_without_bom_handling(body).0.into_owned(),
    }
}

/// The header line (old Mac Excel ends lines with a bare CR).
fn first_line(text: &str) -> &str {
    text.split(['\r', '\n']).next().unwrap_or("")
}

/// The first data row under the header of `head` (the file's first
/// bytes), decoded and split as the importer reads the file: the column
/// mapping prompt's example row. Empty when there is none.
pub fn first_row(head: &[u8]) -> Vec<String> {
    let (encoding, skip) = bom(head).unwrap_or((UTF_8, 0));
    let text = decode_head(head.get(skip..).unwrap_or_default(), encoding);
    ::csv::ReaderBuilder::new()
        .delimiter(delimiter_of(first_line(&text)))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .into_records()
        .nth(1)
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_default()
}
