//! The integrity hash of an evidence document: SHA-256 over its *canonical
//! JSON* (compact, `integrity` null, keys in document order, non-ASCII as
//! UTF-8). The export hashes the model it writes with [`canonical_sha256`];
//! an import recomputes it from the file's own text with
//! [`document_sha256`], so both sides are this one function of the same
//! serialiser and cannot drift apart.

use std::fmt::Write as _;
use std::io;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use sha2::{Digest, Sha256};

/// Lower-case hex of a byte string.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// SHA-256 (lower-case hex) of the compact JSON of `value`, streamed: the
/// document is never held whole. Fails only when `value` does.
pub fn canonical_sha256<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    struct Hasher(Sha256);
    impl io::Write for Hasher {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = Hasher(Sha256::new());
    serde_json::to_writer(&mut hasher, value)?;
    Ok(hex(&hasher.0.finalize()))
}

/// What a document says its hash is, and what its content hashes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentHash {
    /// `integrity.sha256` as written in the file (`None` when absent).
    pub claimed: Option<String>,
    /// The SHA-256 of the file's canonical JSON.
    pub computed: String,
}

impl DocumentHash {
    /// The file is as it was exported.
    pub fn matches(&self) -> bool {
        self.claimed.as_deref() == Some(self.computed.as_str())
    }
}

/// Recomputes the integrity hash of the JSON document `json`: its top-level
/// `integrity` set to null, everything else re-serialised compactly in the
/// order the file has it. Whitespace and `\u` escapes do not change it; any
/// change to a value, key or the order of keys does. A key written twice is
/// kept twice (and so never matches what an export wrote).
pub fn document_sha256(json: &str) -> serde_json::Result<DocumentHash> {
    let mut doc: Node = serde_json::from_str(json)?;
    let Node::Object(fields) = &mut doc else {
        return Err(de::Error::custom("an evidence document is a JSON object"));
    };
    let mut claimed = None;
    for (key, value) in fields.iter_mut() {
        if key == "integrity" {
            if let Node::Object(inner) = value {
                claimed = inner.iter().find_map(|(k, v)| match v {
                    Node::String(s) if k == "sha256" => Some(s.clone()),
                    _ => None,
                });
            }
            *value = Node::Null;
        }
    }
    Ok(DocumentHash {
        claimed,
        computed: canonical_sha256(&doc)?,
    })
}

/// A JSON value that keeps its object's keys in document order (and
/// duplicates), without depending on `serde_json`'s `preserve_order`.
enum Node {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Number(n) => n.serialize(s),
            Node::String(v) => s.serialize_str(v),
            Node::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        serde_json::Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut fields = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            fields.push((k, v));
        }
        Ok(Node::Object(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Doc<'a> {
        b: &'a str,
        a: Vec<i64>,
        integrity: Option<Inner<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Inner<'a> {
        sha256: &'a str,
    }

    fn written(text: &str) -> String {
        let bare = Doc {
            b: text,
            a: vec![-1, 2],
            integrity: None,
        };
        let sha = canonical_sha256(&bare).unwrap();
        let doc = Doc {
            integrity: Some(Inner { sha256: &sha }),
            ..bare
        };
        crate::text::to_json_pretty(&doc)
    }

    #[test]
    fn a_written_document_verifies_and_a_changed_one_does_not() {
        let text = "【浦发】回TD退订\u{1b}\u{7f}\u{202e}";
        let json = written(text);
        let h = document_sha256(&json).unwrap();
        assert!(h.matches(), "{h:?}");
        // Escapes and whitespace are not content.
        let compact: String = json.split('\n').map(str::trim).collect();
        assert!(document_sha256(&compact).unwrap().matches());
        // One character of the text is.
        let changed = json.replacen("退订", "退定", 1);
        let h = document_sha256(&changed).unwrap();
        assert!(!h.matches());
        assert_eq!(h.claimed, document_sha256(&json).unwrap().claimed);
        // So is a key, and a key written twice.
        let reordered = json.replacen("\"b\"", "\"c\"", 1);
        assert!(!document_sha256(&reordered).unwrap().matches());
        let doubled = json.replacen("\"a\"", "\"b\": \"x\", \"a\"", 1);
        assert!(!document_sha256(&doubled).unwrap().matches());
    }

    #[test]
    fn a_document_without_a_hash_claims_none() {
        let h = document_sha256(r#"{"a":1,"integrity":null}"#).unwrap();
        assert_eq!(h.claimed, None);
        assert!(!h.matches());
        assert!(document_sha256("[1]").is_err());
    }
}
