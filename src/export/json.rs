//! JSON: the whole [`Evidence`] model, pretty-printed. Its field names are a
//! stable interface documented in the README. [`crate::text::write_json_pretty`]
//! is this target's escaping function: `serde_json` escapes C0 controls
//! (`\u001b`), and it adds DEL, the C1 controls, the bidi overrides and
//! isolates, and the line separators (`\u202e`), so none reaches a reader raw.
//! A `\u` escape is still the exact text: the canonical JSON the integrity
//! hash covers is the same whichever way the file writes it.

use super::Evidence;

/// The evidence as pretty JSON with a final newline.
pub fn render(evidence: &Evidence) -> String {
    let mut s = crate::text::to_json_pretty(evidence);
    s.push('\n');
    s
}
