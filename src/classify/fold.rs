//! Width folding: full-width ASCII (Ｔ, ＴＤ, ０) and the ideographic space
//! written by Chinese input methods, folded to their ASCII forms so that
//! rules and keyword comparisons see one spelling.

use std::borrow::Cow;

/// Full-width ASCII (U+FF01–U+FF5E) to ASCII, ideographic space to space;
/// every other character unchanged.
pub(crate) fn width_fold_char(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The body with full-width forms folded; borrowed (no copy) when there are
/// none, which is almost always.
pub(crate) fn width_fold(text: &str) -> Cow<'_, str> {
    // U+FF01–U+FF5E encode as EF BC 81–EF BD 9E, U+3000 as E3 80 80.
    let bytes = text.as_bytes();
    let needed = bytes.windows(3).any(|w| {
        (w[0] == 0xef && (w[1] == 0xbc || w[1] == 0xbd))
            || (w[0] == 0xe3 && w[1] == 0x80 && w[2] == 0x80)
    });
    if needed {
        Cow::Owned(text.chars().map(width_fold_char).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Trimmed, width-folded and upper-cased: `" ｔｄ "` → `"TD"`. How keywords are
/// stored, and how tracking compares a reply with an advertised keyword.
pub fn fold(text: &str) -> String {
    width_fold(text).trim().to_uppercase()
}

/// Opt-out words that work without being advertised: the CTIA set every US
/// short code must honour, and the common Chinese ones.
const UNIVERSAL_KEYWORDS: &[&str] = &[
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "UNSUB",
    "CANCEL",
    "END",
    "QUIT",
    "OPTOUT",
    "OPT OUT",
    "OPT-OUT",
    "REVOKE",
    "T",
    "TD",
    "R",
    "退订",
];

/// Whether a reply the user sent is an opt-out: it equals the `advertised`
/// keyword (when given) or one of the universal ones (STOP, UNSUBSCRIBE,
/// CANCEL, END, QUIT, STOPALL, T, TD, R, 退订 …), ignoring case, width,
/// surrounding space, quotes and final punctuation.
pub fn is_optout_keyword(text: &str, advertised: Option<&str>) -> bool {
    let reply = strip_decoration(&fold(text));
    if reply.is_empty() {
        return false;
    }
    if advertised.is_some_and(|k| strip_decoration(&fold(k)) == reply) {
        return true;
    }
    UNIVERSAL_KEYWORDS.contains(&reply.as_str())
}

fn strip_decoration(s: &str) -> String {
    let stripped = s.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\''
                    | '“'
                    | '”'
                    | '‘'
                    | '’'
                    | '【'
                    | '】'
                    | '['
                    | ']'
                    | '.'
                    | '!'
                    | '。'
                    | '！'
            )
    });
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_cases() {
        for (input, want) in [
            ("Ｔ", "T"),
            ("ＴＤ", "TD"),
            ("  td ", "TD"),
            ("\u{3000}ｓｔｏｐ\u{3000}", "STOP"),
            ("００００", "0000"),
            ("退订", "退订"),
            ("", ""),
            ("Stop2End", "STOP2END"),
        ] {
            assert_eq!(fold(input), want, "fold({input:?})");
        }
    }

    #[test]
    fn width_fold_borrows_when_nothing_to_fold() {
        assert!(matches!(width_fold("回T退订【京东】"), Cow::Borrowed(_)));
        assert_eq!(width_fold("回Ｔ退订"), "回T退订");
    }

    #[test]
    fn optout_replies() {
        for (reply, advertised, want) in [
            ("T", Some("T"), true),
            ("ｔ", Some("T"), true),
            (" td ", Some("TD"), true),
            ("TDDX", Some("TDDX"), true),
            ("tddx", None, false),
            ("Stop", None, true),
            ("STOP.", None, true),
            ("\"stop\"", None, true),
            ("unsubscribe", None, true),
            ("stop sending me this", None, false),
            ("ok thanks", Some("T"), false),
            ("0000", Some("0000"), true),
            ("", Some(""), false),
            ("退订", None, true),
        ] {
            assert_eq!(
                is_optout_keyword(reply, advertised),
                want,
                "is_optout_keyword({reply:?}, {advertised:?})"
            );
        }
    }
}
