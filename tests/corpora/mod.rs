//! Readers for the real SMS corpora in the shared data (`../shared/data`, or
//! `$OPTOUT_SHARED_DATA`; each described in its README), shared by the corpus tests. Test input only: nothing here is
//! shipped.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};

#[path = "../common/mod.rs"]
mod common;

/// The corpus folder `sub` of the shared data (`common::shared_data_root`),
/// or `None` after printing a skip notice.
pub fn data_dir(sub: &str) -> Option<PathBuf> {
    let dir = common::shared_data_root().join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        common::skipped(&dir);
        None
    }
}

/// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (_, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

pub fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.push((
            entry.name().map(|n| n.to_string()).unwrap_or_default(),
            bytes,
        ));
    }
    out
}

/// The `<text>` of every `<message>` in an NUS corpus XML file.
pub fn nus_texts(xml: &[u8]) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut in_text = false;
    let mut current = String::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            Event::Start(e) if e.name().as_ref() == b"text" => {
                in_text = true;
                current.clear();
            }
            Event::End(e) if e.name().as_ref() == b"text" => {
                in_text = false;
                out.push(std::mem::take(&mut current));
            }
            Event::Text(t) if in_text => {
                current.push_str(&t.decode().unwrap());
            }
            Event::GeneralRef(r) if in_text => {
                let name = r.decode().unwrap();
                let resolved = match name.as_ref() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    other => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map_or_else(|| format!("&{other};"), String::from),
                };
                current.push_str(&resolved);
            }
            Event::CData(t) if in_text => current.push_str(&String::from_utf8_lossy(&t)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

// ------------------------------------------------ the expected instruction

const REFUSALS: &[&str] = &["退订", "退定", "退阅", "拒收", "屏蔽", "打扰", "取消订阅"];
const VERBS: &[&str] = &["回复", "回覆", "编辑短信", "编辑", "发送", "回", "复", "发"];

fn fold_char(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

fn starts_with_at(chars: &[char], i: usize, word: &str) -> bool {
    (i..)
        .zip(word.chars())
        .all(|(k, w)| chars.get(k) == Some(&w))
}

/// The keyword and target an explicit Chinese opt-out instruction names: a
/// refusal word (退订, 拒收, 屏蔽 …) within ten characters of a sending verb
/// (回, 回复, 发送, 编辑短信 …) directly followed, quotes aside, by Latin
/// letters or digits; or a refusal word written right against such a word
/// (退订T, TD退订). The candidate nearest a refusal word wins; the target is
/// the number after 至/到 that follows the keyword.
pub fn expected_instruction(text: &str) -> Option<(String, Option<String>)> {
    let chars: Vec<char> = text
        .chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .collect();
    let quote = |c: char| "\"“”'‘’【】「」『』[]():：".contains(c);
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let mut refusals = Vec::new();
    for i in 0..chars.len() {
        for r in REFUSALS {
            if starts_with_at(&chars, i, r) {
                let confirmed = i > 0 && (chars[i - 1] == '已' || chars[i - 1] == '功');
                if !confirmed {
                    refusals.push((i, i + r.chars().count()));
                }
            }
        }
    }
    if refusals.is_empty() {
        return None;
    }
    // (start, end) of each candidate keyword.
    let mut candidates = Vec::new();
    let word_at = |mut k: usize| {
        while k < chars.len() && (quote(chars[k]) || chars[k] == '数' || chars[k] == '字') {
            k += 1;
        }
        let start = k;
        // 回@5TD: the @ is part of what to send.
        if chars.get(k) == Some(&'@') {
            k += 1;
        }
        while k < chars.len() && alnum(chars[k]) {
            k += 1;
        }
        (k - start >= 1 && k - start <= 8 && alnum(chars[k - 1])).then_some((start, k))
    };
    let mut i = 0;
    while i < chars.len() {
        if let Some(v) = VERBS.iter().find(|v| starts_with_at(&chars, i, v)) {
            let end = i + v.chars().count();
            if let Some(c) = word_at(end) {
                candidates.push(c);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    // Written right against the refusal word: 退订T, TD退订 (capitals only,
    // so that a masked number "xxxx退订" is not a keyword).
    let mut bare = Vec::new();
    for &(rs, re) in &refusals {
        if let Some(c) = word_at(re).filter(|&(s, _)| s == re) {
            bare.push(c);
        }
        let mut k = rs;
        while k > 0 && chars[k - 1].is_ascii_uppercase() {
            k -= 1;
        }
        if (1..=4).contains(&(rs - k)) && (k == 0 || !alnum(chars[k - 1])) {
            bare.push((k, rs));
        }
    }
    // Characters between a keyword and the refusal word after it, a
    // punctuation mark counting as five ("详询回Y，退订回TD" is TD).
    let gap = |a: usize, b: usize| {
        chars[a..b]
            .iter()
            .map(|&c| {
                if "，。,.;；!！?？、/".contains(c) {
                    5
                } else {
                    1
                }
            })
            .sum::<usize>()
    };
    let distance = |(s, e): (usize, usize)| {
        refusals
            .iter()
            .map(|&(rs, re)| {
                if re <= s {
                    s - re
                } else if e <= rs {
                    gap(e, rs)
                } else {
                    usize::MAX
                }
            })
            .min()
            .unwrap_or(usize::MAX)
    };
    // A bare keyword counts as one character away: "有意回F，退订T" is T.
    let distance = |c: (usize, usize)| {
        if bare.contains(&c) { 1 } else { distance(c) }
    };
    candidates.extend(bare.iter().copied());
    let best = candidates
        .into_iter()
        .filter(|&c| distance(c) <= 10)
        .min_by_key(|&c| (distance(c), c.0))?;
    let keyword: String = chars[best.0..best.1]
        .iter()
        .collect::<String>()
        .to_uppercase();
    let mut k = best.1;
    while k < chars.len() && quote(chars[k]) {
        k += 1;
    }
    for w in ["发送", "发"] {
        if starts_with_at(&chars, k, w) {
            k += w.chars().count();
            break;
        }
    }
    let target = if k < chars.len() && (chars[k] == '至' || chars[k] == '到') {
        let digits: String = chars[k + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        (digits.len() >= 5).then_some(digits)
    } else {
        None
    };
    Some((keyword, target))
}

thread_local! {
    static VERDICTS: std::cell::RefCell<Option<std::io::BufWriter<std::fs::File>>> =
        const { std::cell::RefCell::new(None) };
}

/// [`classify_dumped`] of a corpus text as an incoming message from a
/// sender of `class` who is not a contact.
pub fn classify_incoming(
    c: &optout::classify::Classifier,
    class: optout::model::SenderClass,
    body: &str,
) -> optout::classify::Classification {
    classify_dumped(
        c,
        &optout::classify::MessageFeatures {
            from_contact: false,
            direction: optout::model::Direction::Incoming,
            sender_class: class,
            body,
            hint: None,
        },
    )
}

/// `c.classify_dlt(msg, None)`; with `OPTOUT_CORPUS_DUMP` set, also appends
/// the message and the whole verdict (`Debug`) to `<dir>/<test>.verdicts`,
/// so that two builds' verdicts can be compared byte for byte.
pub fn classify_dumped(
    c: &optout::classify::Classifier,
    msg: &optout::classify::MessageFeatures<'_>,
) -> optout::classify::Classification {
    use std::io::Write as _;
    let got = c.classify(msg);
    if let Some(dir) = std::env::var_os("OPTOUT_CORPUS_DUMP") {
        VERDICTS.with(|v| {
            let mut v = v.borrow_mut();
            let f = v.get_or_insert_with(|| {
                std::fs::create_dir_all(&dir).unwrap();
                let test = std::thread::current()
                    .name()
                    .unwrap_or("main")
                    .replace("::", "-");
                let path = Path::new(&dir).join(format!("{test}.verdicts"));
                std::io::BufWriter::new(std::fs::File::create(path).unwrap())
            });
            writeln!(f, "{msg:?}\t{got:?}").unwrap();
            f.flush().unwrap();
        });
    }
    got
}
