//! JSON: the whole [`Evidence`] model, pretty-printed. Its field names are a
//! stable interface documented in the README; `serde_json` is this target's
//! escaping function (control characters become `\u001b` and the like).

use super::Evidence;

/// The evidence as pretty JSON with a final newline.
pub fn render(evidence: &Evidence) -> String {
    let mut s =
        serde_json::to_string_pretty(evidence).expect("the evidence model always serialises");
    s.push('\n');
    s
}
