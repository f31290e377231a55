//! `--redact`: masks the user's own number and personal contacts' numbers
//! and names wherever they appear in the evidence, keeping the offenders'.
//!
//! Exports do not record the phone's own number, so it cannot be looked up:
//! instead every mobile-shaped number in the text is masked (Chinese mobiles,
//! `+`-prefixed international numbers, US/CA numbers outside the toll-free
//! and 400 ranges) unless it is one of the offenders' own addresses.
//! Personal contacts (senders whose kind is personal) are masked by number,
//! whatever the spacing, and by every contact name the exports gave them.

use crate::track::SenderReport;

use super::Evidence;

pub(super) const NUMBER_MASK: &str = "[redacted number]";
pub(super) const NAME_MASK: &str = "[redacted name]";

/// Area codes that belong to businesses, not people (toll-free; 400 is
/// China's business-number range).
const BUSINESS_AREA_CODES: &[&str] = &["800", "833", "844", "855", "866", "877", "888", "400"];

pub(super) struct Redactor {
    /// Contact names, longest first (so "老王头" goes before "老王").
    names: Vec<String>,
    /// Digits of personal numbers without their country code.
    personal: Vec<String>,
    /// Digits of the offenders' addresses: never masked.
    keep: Vec<String>,
}

impl Redactor {
    pub(super) fn new(evidence: &Evidence, personal: &[&SenderReport], names: &[String]) -> Self {
        let mut keep: Vec<String> = Vec::new();
        let mut keep_words: Vec<&str> = Vec::new();
        for o in &evidence.offenders {
            keep_words.push(&o.name);
            keep_words.extend(o.brand.as_deref());
            for s in &o.senders {
                keep.push(digits(&s.key));
                keep.extend(s.aliases.iter().map(|a| digits(a)));
            }
            keep.extend(o.instruction.as_ref().map(|i| digits(&i.target)));
            keep.extend(o.optout.as_ref().map(|x| digits(&x.to)));
        }
        keep.retain(|d| d.len() >= 5);
        let mut personal_digits: Vec<String> = Vec::new();
        let mut all_names: Vec<String> = names.to_vec();
        for s in personal {
            for raw in std::iter::once(&s.key).chain(s.aliases.iter()) {
                let d = national(&digits(raw));
                if d.len() >= 7 && !keep.contains(&d) {
                    personal_digits.push(d);
                }
            }
            all_names.extend(s.contact_name.clone());
        }
        all_names.retain(|n| n.trim().chars().count() >= 2 && !keep_words.contains(&n.trim()));
        let mut all_names: Vec<String> = all_names.iter().map(|n| n.trim().to_string()).collect();
        all_names.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        all_names.dedup();
        personal_digits.sort();
        personal_digits.dedup();
        Redactor {
            names: all_names,
            personal: personal_digits,
            keep,
        }
    }

    /// Masks every free-text field of the evidence (not hashes or times).
    pub(super) fn apply(&self, e: &mut Evidence) {
        let r = |s: &mut String| *s = self.text(s);
        e.selection.senders.iter_mut().for_each(r);
        for i in &mut e.imports {
            r(&mut i.file_name);
        }
        for o in &mut e.offenders {
            r(&mut o.name);
            for s in &mut o.senders {
                r(&mut s.key);
                s.aliases.iter_mut().for_each(r);
            }
            if let Some(i) = &mut o.instruction {
                r(&mut i.target);
            }
            if let Some(x) = &mut o.optout {
                r(&mut x.to);
                if let Some(n) = &mut x.note {
                    r(n);
                }
                if let Some(c) = &mut x.channel {
                    r(c);
                }
            }
            let messages = o
                .instruction
                .iter_mut()
                .filter_map(|i| i.message.as_mut())
                .chain(o.optout.iter_mut().filter_map(|x| x.message.as_mut()))
                .chain(o.confirmation.iter_mut())
                .chain(o.violations.iter_mut())
                .chain(o.in_flight.iter_mut());
            for m in messages {
                r(&mut m.text);
                r(&mut m.sender);
                r(&mut m.address);
                if let Some(w) = m.reason.as_mut().and_then(|x| x.text.as_mut()) {
                    r(w);
                }
            }
        }
    }

    /// Masks one message's text, sender and address.
    pub(super) fn message(&self, m: &mut super::EvidenceMessage) {
        m.text = self.text(&m.text);
        m.sender = self.text(&m.sender);
        m.address = self.text(&m.address);
        if let Some(w) = m.reason.as_mut().and_then(|x| x.text.as_mut()) {
            *w = self.text(w);
        }
    }

    /// `s` with personal names and numbers masked.
    pub(super) fn text(&self, s: &str) -> String {
        let named = self.mask_names(s);
        self.mask_numbers(&named)
    }

    fn mask_names(&self, s: &str) -> String {
        let mut out = s.to_string();
        for name in &self.names {
            out = replace_name(&out, name);
        }
        out
    }

    fn mask_numbers(&self, s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < chars.len() {
            if let Some(end) = number_run(&chars, i) {
                let run: String = chars[i..end].iter().collect();
                if self.masks(&run) {
                    out.push_str(NUMBER_MASK);
                } else {
                    out.push_str(&run);
                }
                i = end;
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        out
    }

    /// Should this phone-like run be masked?
    fn masks(&self, run: &str) -> bool {
        let d = digits(run);
        if d.len() < 7 {
            return false;
        }
        if self
            .keep
            .iter()
            .any(|k| d.contains(k.as_str()) || k.contains(d.as_str()))
        {
            return false;
        }
        if self.personal.iter().any(|p| d.contains(p.as_str())) {
            return true;
        }
        is_mobile_shaped(run, &d)
    }
}

/// The digits of `s`.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A number without its country code, so `+86 139…`, `86139…` and `139…`
/// (and `+1 555…`/`555…`) all contain it.
fn national(d: &str) -> String {
    let n = d.chars().count();
    if n == 13 && d.starts_with("86") {
        d.chars().skip(2).collect()
    } else if n == 11 && d.starts_with('1') && !is_cn_mobile(d) {
        d.chars().skip(1).collect()
    } else {
        d.to_string()
    }
}

fn is_cn_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// A number a person might own: a Chinese mobile, a full international
/// number, or a US/CA number outside the business ranges.
fn is_mobile_shaped(run: &str, d: &str) -> bool {
    // `1-800-555-0199` and `(415) 555-2671` are grouped the US way; without
    // such grouping an 11-digit `1[3-9]…` is a Chinese mobile.
    let groups: Vec<usize> = run
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    let us_grouped = matches!(groups.as_slice(), [1, 3, 3, 4] | [3, 3, 4]);
    if !us_grouped {
        let cn = d.strip_prefix("86").filter(|r| r.len() == 11).unwrap_or(d);
        if is_cn_mobile(cn) {
            return true;
        }
    }
    let nanp = match d.len() {
        11 => d.strip_prefix('1'),
        10 => Some(d),
        _ => None,
    };
    if let Some(n) = nanp {
        if BUSINESS_AREA_CODES.contains(&n.get(..3).unwrap_or_default()) {
            return false;
        }
        let b = n.as_bytes();
        if (b'2'..=b'9').contains(&b[0]) && (b'2'..=b'9').contains(&b[3]) {
            return true;
        }
    }
    run.starts_with('+') && (8..=15).contains(&d.len())
}

/// The end of a phone-like run starting at `i`: an optional `+` or `(`,
/// then digits with at most two separators (space, `-`, `.`, brackets)
/// between them. `None` when no run starts here (or it would start inside
/// a longer word of digits).
fn number_run(chars: &[char], i: usize) -> Option<usize> {
    let is_sep = |c: char| matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{3000}');
    if i > 0 && chars[i - 1].is_ascii_digit() {
        return None;
    }
    let mut j = i;
    if matches!(chars[j], '+' | '(') {
        j += 1;
    }
    if !chars.get(j).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let mut end = j;
    while end < chars.len() {
        if chars[end].is_ascii_digit() {
            end += 1;
            continue;
        }
        let mut k = end;
        while k < chars.len() && k - end < 2 && is_sep(chars[k]) {
            k += 1;
        }
        if k > end && chars.get(k).is_some_and(char::is_ascii_digit) {
            end = k;
        } else {
            break;
        }
    }
    Some(end)
}

/// Replaces `name` in `s`; a Latin-script name only as a whole word.
fn replace_name(s: &str, name: &str) -> String {
    if name.is_empty() {
        return s.to_string();
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let name_starts_word = word(name.chars().next());
    let name_ends_word = word(name.chars().next_back());
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((before, after)) = rest.split_once(name) {
        let prev = before
            .chars()
            .next_back()
            .or_else(|| out.chars().next_back());
        let next = after.chars().next();
        let whole = !(name_starts_word && word(prev) || name_ends_word && word(next));
        out.push_str(before);
        out.push_str(if whole { NAME_MASK } else { name });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(personal: &[&str], names: &[&str], keep: &[&str]) -> Redactor {
        Redactor {
            names: names.iter().map(|s| (*s).to_string()).collect(),
            personal: personal.iter().map(|p| national(&digits(p))).collect(),
            keep: keep.iter().map(|k| digits(k)).collect(),
        }
    }

    #[test]
    fn personal_numbers_are_masked_whatever_the_spacing() {
        let r = redactor(&["+8613912345678"], &["老王"], &[]);
        for s in [
            "老王（+86 139 1234 5678）推荐",
            "call 13912345678 now",
            "8613912345678",
            "139-1234-5678",
        ] {
            let got = r.text(s);
            assert!(!got.contains("5678"), "{s} → {got}");
            assert!(!got.contains("老王"), "{s} → {got}");
        }
        assert_eq!(
            r.text("老王（+86 139 1234 5678）"),
            "[redacted name]（[redacted number]）"
        );
    }

    #[test]
    fn the_users_own_number_is_masked_by_shape() {
        let r = redactor(&[], &[], &["106912345678"]);
        assert_eq!(
            r.text("尊敬的13800138000用户"),
            "尊敬的[redacted number]用户"
        );
        assert_eq!(
            r.text("your phone +1 (415) 555-2671 is"),
            "your phone [redacted number] is"
        );
        assert_eq!(r.text("text 415.555.2671"), "text [redacted number]");
    }

    #[test]
    fn offenders_and_business_numbers_are_kept() {
        let r = redactor(&[], &[], &["106912345678", "+8613700001111"]);
        for s in [
            "106912345678",
            "回复至106912345678",
            "客服95588",
            "致电400-820-8820",
            "call 1-800-555-0199",
            "代码 123456",
            "offender 13700001111",
            "金额 2026.03.05",
        ] {
            assert_eq!(r.text(s), s);
        }
    }

    #[test]
    fn latin_names_are_masked_only_as_whole_words() {
        let r = redactor(&[], &["Ann"], &[]);
        assert_eq!(r.text("Ann said hi"), "[redacted name] said hi");
        assert_eq!(
            r.text("Announcement for Ann."),
            "Announcement for [redacted name]."
        );
        assert_eq!(r.text("安Ann好"), "安[redacted name]好");
    }

    #[test]
    fn numbers_inside_longer_digit_strings_are_not_runs() {
        let chars: Vec<char> = "a12345b".chars().collect();
        assert_eq!(number_run(&chars, 1), Some(6));
        assert_eq!(number_run(&chars, 2), None);
    }
}
