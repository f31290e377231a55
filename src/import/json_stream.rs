//! Streaming a top-level JSON array one element at a time, in constant
//! memory: serde's `visit_seq` hands each element over as raw JSON text,
//! which the format's importer parses on its own. A broken element (a lone
//! surrogate, a wrong type) is then that record's problem, not the file's;
//! a syntax error or a truncated file stops the import with its line and
//! column. A [`guard::Guard`] in front of serde cuts an element's
//! oversized strings while they stream, so an element costs at most a few
//! MiB whatever the file holds; such an element reaches the importer as
//! `Err(why)`, to be skipped with its number.

use std::fmt;
use std::io::BufRead;
use std::path::Path;

use serde::de::{self, Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::fields::scrub_lone_surrogates;
use super::{ImportError, Position, line_column};

mod guard;

/// One element as the importer receives it: its raw JSON text, or why it
/// was cut short and must be skipped.
pub type Element<'a> = Result<&'a RawValue, String>;

/// What the top level of the file turned out to be.
pub enum TopLevel {
    /// An array; every element went to the callback.
    Array { elements: u64 },
    /// An object (Termux writes `{"error": …}` when it may not read SMS):
    /// its small text, number and boolean members, and the name of each
    /// member stepped over (an array, an object, a long text) with why.
    Object {
        members: Map<String, Value>,
        skipped: Vec<(String, String)>,
    },
}

/// Calls `each(record_number, element)` for every element of the top-level
/// array in `reader`, in order; record numbers start at 1.
pub fn for_each_element<R: BufRead>(
    path: &Path,
    reader: R,
    each: &mut dyn FnMut(u64, Element<'_>) -> Result<(), ImportError>,
) -> Result<TopLevel, ImportError> {
    let (guarded, findings) = guard::Guard::new(reader);
    let mut de = serde_json::Deserializer::from_reader(guarded);
    let mut stopped: Option<ImportError> = None;
    let result = (&mut de).deserialize_any(TopVisitor {
        each,
        findings: &findings,
        stopped: &mut stopped,
    });
    if let Some(err) = stopped {
        return Err(err);
    }
    let refused = || {
        let findings = findings.borrow();
        let (at, why) = findings.refused.as_ref()?;
        Some(
            ImportError::new(path, format!("refused: {why}"))
                .at(line_column(path, *at))
                .hint("this is not a message export optout can read; nothing was imported"),
        )
    };
    let top = result.map_err(|e| refused().unwrap_or_else(|| json_error(path, &e)))?;
    de.end()
        .map_err(|e| refused().unwrap_or_else(|| json_error(path, &e)))?;
    Ok(top)
}

/// For an error about a top-level object: what the first member stepped
/// over was (`" (its 'messages' member, an array, was skipped unread)"`),
/// or nothing.
pub fn skipped_note(skipped: &[(String, String)]) -> String {
    match skipped.first() {
        Some((name, why)) => format!(" (its '{name}' member, {why}, was skipped unread)"),
        None => String::new(),
    }
}

/// Parses an element as a JSON object (see [`parse_object`]), or passes on
/// why it was cut short.
pub fn object_of(element: Element<'_>) -> Result<Map<String, Value>, String> {
    element.and_then(|raw| parse_object(raw.get()))
}

/// Steps over a UTF-8 byte-order mark (Windows tools write one before JSON,
/// which JSON itself does not allow).
pub fn skip_utf8_bom<R: std::io::BufRead>(path: &Path, reader: &mut R) -> Result<(), ImportError> {
    let head = reader.fill_buf().map_err(|e| ImportError::io(path, &e))?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// One line for a JSON error, with where and what to do.
pub fn json_error(path: &Path, err: &serde_json::Error) -> ImportError {
    use serde_json::error::Category;
    let position = Position::Line {
        line: err.line() as u64,
        column: err.column() as u64,
    };
    let message = strip_position(&err.to_string());
    match err.classify() {
        Category::Eof => ImportError::new(
            path,
            format!("the JSON ends too early ({message}): the file is truncated"),
        )
        .at(position)
        .hint("export again or copy the file again; nothing was imported"),
        Category::Syntax => ImportError::new(path, format!("malformed JSON: {message}"))
            .at(position)
            .hint("the file is damaged; export your messages again. Nothing was imported"),
        Category::Data => ImportError::new(path, format!("unexpected JSON: {message}"))
            .at(position)
            .hint("optout expects a JSON array of message objects"),
        Category::Io => ImportError::new(path, format!("cannot read: {message}")),
    }
}

/// `serde_json` appends " at line L column C"; the position is shown apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

/// Parses one element as a JSON object, replacing lone surrogate escapes
/// with U+FFFD if that is what stops it. `Err` says why it is unreadable.
pub fn parse_object(raw: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!("not a JSON object but {}", kind(&other))),
        Err(first) => match scrub_lone_surrogates(raw) {
            Some(scrubbed) => match serde_json::from_str::<Value>(&scrubbed) {
                Ok(Value::Object(map)) => Ok(map),
                Ok(other) => Err(format!("not a JSON object but {}", kind(&other))),
                Err(e) => Err(format!(
                    "unreadable JSON: {}",
                    strip_position(&e.to_string())
                )),
            },
            None => Err(format!(
                "unreadable JSON: {}",
                strip_position(&first.to_string())
            )),
        },
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct TopVisitor<'a> {
    each: &'a mut dyn FnMut(u64, Element<'_>) -> Result<(), ImportError>,
    findings: &'a std::cell::RefCell<guard::Findings>,
    stopped: &'a mut Option<ImportError>,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
        let mut n = 0u64;
        while let Some(element) = seq.next_element::<Box<RawValue>>()? {
            n += 1;
            // The guard has read past this element: its cut, if any, is known.
            let cut = {
                let mut findings = self.findings.borrow_mut();
                let before = findings
                    .oversized
                    .iter()
                    .take_while(|(e, _)| *e <= n)
                    .count();
                findings
                    .oversized
                    .drain(..before)
                    .find(|(e, _)| *e == n)
                    .map(|(_, why)| why)
            };
            let element = match cut {
                Some(why) => Err(why),
                None => Ok(&*element),
            };
            if let Err(err) = (self.each)(n, element) {
                *self.stopped = Some(err);
                return Err(de::Error::custom("stopped by the importer"));
            }
        }
        Ok(TopLevel::Array { elements: n })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        // Only small texts, numbers and booleans are kept (an `"error"`
        // line from termux-api): any other member is stepped over while it
        // streams, never held, and named with its reason.
        let mut out = Map::new();
        let mut skipped = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let member = map.next_value::<Member>()?;
            let why = match member {
                Member::Kept(v) if out.len() < MAX_OBJECT_MEMBERS => {
                    out.insert(key, v);
                    continue;
                }
                Member::Kept(_) => format!("more than {MAX_OBJECT_MEMBERS} members"),
                Member::Skipped(why) => why,
            };
            if skipped.len() < MAX_OBJECT_MEMBERS {
                let name: String = key.chars().take(64).collect();
                skipped.push((crate::text::sanitize(&name), why));
            }
        }
        Ok(TopLevel::Object {
            members: out,
            skipped,
        })
    }
}

/// The most members of a top-level object that are kept.
const MAX_OBJECT_MEMBERS: usize = 64;
/// The longest text member of a top-level object that is kept.
const MAX_OBJECT_TEXT: usize = 64 * 1024;

/// One member of a top-level object: kept when small and simple, else why
/// it was skipped. Deserialising it never holds a big or nested value.
enum Member {
    Kept(Value),
    Skipped(String),
}

impl<'de> de::Deserialize<'de> for Member {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Member, D::Error> {
        d.deserialize_any(MemberVisitor)
    }
}

struct MemberVisitor;

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Member, E> {
        Ok(Member::Kept(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Member, E> {
        Ok(Member::Kept(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Member, E> {
        Ok(Member::Kept(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Member, E> {
        Ok(Member::Kept(Value::from(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Member, E> {
        Ok(Member::Kept(Value::Null))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
        // The guard has already cut a string at the record limit.
        if v.len() > MAX_OBJECT_TEXT {
            return Ok(Member::Skipped(format!(
                "a text longer than {MAX_OBJECT_TEXT} bytes"
            )));
        }
        Ok(Member::Kept(Value::String(v.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Member, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Member::Skipped("an array".into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Member, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Member::Skipped("an object".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(json: &str) -> Result<(TopLevel, Vec<String>), ImportError> {
        let mut seen = Vec::new();
        let top = for_each_element(Path::new("x.json"), json.as_bytes(), &mut |_, raw| {
            seen.push(raw.unwrap().get().to_string());
            Ok(())
        })?;
        Ok((top, seen))
    }

    #[test]
    fn elements_arrive_one_by_one() {
        let (top, seen) = collect(r#" [ {"a":1}, {"b":"x,]"} , 3 ] "#).unwrap();
        assert!(matches!(top, TopLevel::Array { elements: 3 }));
        assert_eq!(seen, vec![r#"{"a":1}"#, r#"{"b":"x,]"}"#, "3"]);
    }

    #[test]
    fn truncated_array_names_the_line() {
        let err = collect("[\n{\"a\":1},\n{\"b\":").err().unwrap();
        assert!(err.message.contains("truncated"), "{err}");
        assert!(
            matches!(err.position, Some(Position::Line { line: 3, .. })),
            "{err}"
        );
    }

    #[test]
    fn trailing_garbage_is_malformed() {
        let err = collect("[]\nxyz").err().unwrap();
        assert!(err.message.contains("malformed"), "{err}");
    }

    #[test]
    fn objects_are_returned_whole() {
        let (top, _) =
            collect(r#"{"error":"Reading SMS is no longer permitted by Google"}"#).unwrap();
        let TopLevel::Object { members, .. } = top else {
            panic!()
        };
        assert!(members.contains_key("error"));
    }

    #[test]
    fn a_top_level_object_keeps_small_members_and_names_the_rest() {
        let long = "x".repeat(MAX_OBJECT_TEXT + 1);
        let json = format!(
            r#"{{"error":"no SMS","n":3,"messages":[{{"a":1}},[2]],"meta":{{"b":[]}},"long":"{long}"}}"#
        );
        let (top, _) = collect(&json).unwrap();
        let TopLevel::Object { members, skipped } = top else {
            panic!()
        };
        assert_eq!(members["error"], "no SMS");
        assert_eq!(members["n"], 3);
        assert_eq!(members.len(), 2);
        let names: Vec<&str> = skipped.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["messages", "meta", "long"]);
        assert_eq!(skipped[0].1, "an array");
        assert!(skipped[2].1.contains("longer than"), "{}", skipped[2].1);
        assert!(skipped_note(&skipped).contains("'messages' member, an array"));
    }

    #[test]
    fn lone_surrogates_survive_capture_and_are_scrubbed() {
        let (_, seen) = collect(r#"[{"body":"a\ud83db"}]"#).unwrap();
        let map = parse_object(&seen[0]).unwrap();
        assert_eq!(map["body"], "a\u{FFFD}b");
        assert!(parse_object("3").is_err());
    }
}
