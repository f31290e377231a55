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
    /// An object (Termux writes `{"error": …}` when it may not read SMS).
    Object(Map<String, Value>),
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
        let mut out = Map::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            out.insert(k, v);
        }
        Ok(TopLevel::Object(out))
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
        let TopLevel::Object(map) = top else { panic!() };
        assert!(map.contains_key("error"));
    }

    #[test]
    fn lone_surrogates_survive_capture_and_are_scrubbed() {
        let (_, seen) = collect(r#"[{"body":"a\ud83db"}]"#).unwrap();
        let map = parse_object(&seen[0]).unwrap();
        assert_eq!(map["body"], "a\u{FFFD}b");
        assert!(parse_object("3").is_err());
    }
}
