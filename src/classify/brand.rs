//! Brands: the 【签名】 signature Chinese enterprise messages must carry (also
//! `[Brand]`), and a leading `Brand:` in English, trusted only when a sender
//! uses it consistently.

use std::collections::HashMap;

use super::BrandSource;

const MAX_BRAND_CHARS: usize = 20;

/// Words that start English messages with a colon but name no brand.
const NOT_BRANDS: &[&str] = &[
    "RE",
    "FW",
    "FWD",
    "URGENT",
    "FREEMSG",
    "FREE MSG",
    "FREE",
    "REMINDER",
    "ALERT",
    "NOTE",
    "NOTICE",
    "PS",
    "HI",
    "HEY",
    "HELLO",
    "DEAR",
    "TIME",
    "DATE",
    "VENUE",
    "ADDRESS",
    "TEL",
    "PHONE",
    "MOBILE",
    "EMAIL",
    "SUBJECT",
    "FROM",
    "TO",
    "WARNING",
    "IMPORTANT",
    "INFO",
    "UPDATE",
    "NEWS",
    "SMS",
    "MSG",
    "TXT",
    "TEXT",
    "CODE",
    "OTP",
    "PIN",
    "OK",
    "YES",
    "NO",
    "LOL",
    "BTW",
    "FYI",
    "Q",
    "A",
    "ANS",
    "TODAY",
    "TOMORROW",
    "TONIGHT",
    "WINNER",
    "CONGRATULATIONS",
    "CONGRATS",
    "SORRY",
    "THANKS",
    "THANK YOU",
    "PLEASE",
    "PLS",
];

/// The brand a message names, if any: a signature at the start or end first,
/// then a leading `Brand:` prefix.
pub(crate) fn extract_brand(body: &str) -> Option<(String, BrandSource)> {
    if let Some(b) = leading_signature(body).or_else(|| trailing_signature(body)) {
        return Some((b, BrandSource::Signature));
    }
    prefix_brand(body).map(|b| (b, BrandSource::Prefix))
}

/// The body without its 【签名】 at the start or end: a brand's own name
/// (【XX会员】, 【优选商城】) says nothing about whether this message promotes.
/// Only the 【】 form of Chinese signatures; 退订回【T】 stays.
pub(crate) fn without_signatures(body: &str) -> &str {
    let mut s = body.trim();
    if s.starts_with('【')
        && leading_signature(s).is_some()
        && let Some(end) = s.find('】')
    {
        s = s.get(end + '】'.len_utf8()..).unwrap_or(s).trim_start();
    }
    let t = s.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '。' | '.'));
    if t.ends_with('】')
        && trailing_signature(t).is_some()
        && let Some(start) = t.rfind('【')
    {
        s = t.get(..start).unwrap_or(s).trim_end();
    }
    s
}

fn closing(open: char) -> char {
    if open == '【' { '】' } else { ']' }
}

fn clean_brand(inner: &str) -> Option<String> {
    let brand = inner.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = brand.chars().count();
    let plausible = (1..=MAX_BRAND_CHARS).contains(&n)
        && !brand.contains(['【', '】', '[', ']'])
        && brand.chars().any(char::is_alphanumeric)
        // 【T】 or [1] is a keyword or a footnote, not a brand.
        && !(n <= 2 && brand.chars().all(|c| c.is_ascii_alphanumeric()));
    plausible.then_some(brand)
}

fn leading_signature(body: &str) -> Option<String> {
    let s = body.trim_start();
    let open = s.chars().next().filter(|c| matches!(c, '【' | '['))?;
    let close = closing(open);
    let rest = s.get(open.len_utf8()..)?;
    let inner: String = rest
        .chars()
        .take_while(|&c| c != close)
        .take(MAX_BRAND_CHARS + 1)
        .collect();
    let closed = rest.get(inner.len()..)?.starts_with(close);
    if !closed {
        return None;
    }
    clean_brand(&inner)
}

fn trailing_signature(body: &str) -> Option<String> {
    let s = body.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '。' | '.'));
    let close = s.chars().next_back().filter(|c| matches!(c, '】' | ']'))?;
    let open = if close == '】' { '【' } else { '[' };
    let before_close = s.get(..s.len() - close.len_utf8())?;
    let start = before_close.rfind(open)?;
    let inner = before_close.get(start + open.len_utf8()..)?;
    // 退订回【T】: a bracketed keyword after 回/复, not a signature.
    let preceding = before_close.get(..start)?.chars().next_back();
    if matches!(preceding, Some('回' | '复' | '发' | '送' | '覆')) {
        return None;
    }
    clean_brand(inner)
}

/// `Amazon: your …` → `Amazon`. At most three words of ASCII letters, digits
/// and `&'.-`, starting with a capital, followed by `: `.
fn prefix_brand(body: &str) -> Option<String> {
    let s = body.trim_start();
    let colon = s
        .char_indices()
        .take(32)
        .find(|&(_, c)| c == ':')
        .map(|(i, _)| i)?;
    let name = s.get(..colon)?.trim();
    let after = s.get(colon + 1..)?;
    if !after.starts_with(char::is_whitespace) {
        return None;
    }
    let ok = name.len() >= 2
        && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '&' | '\'' | '.' | '-'))
        && name.split_whitespace().count() <= 3
        && !NOT_BRANDS.contains(&name.to_ascii_uppercase().as_str());
    ok.then(|| name.to_string())
}

fn most_frequent<'a>(map: &HashMap<&'a str, u64>) -> Option<(&'a str, u64)> {
    map.iter()
        .filter(|&(_, &n)| n > 0)
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(&brand, &n)| (brand, n))
}

/// A sender's brand from its messages' brand candidates `(brand, source,
/// messages)`: the most frequent signature brand; failing that, a prefix
/// brand only when it is consistent (in at least 2 messages and at least 60%
/// of the sender's `total_incoming` messages). Ties go to the name that sorts
/// first, so the answer does not depend on input order.
pub fn resolve_sender_brand(
    candidates: &[(String, BrandSource, u64)],
    total_incoming: u64,
) -> Option<String> {
    let mut signatures: HashMap<&str, u64> = HashMap::new();
    let mut prefixes: HashMap<&str, u64> = HashMap::new();
    for (brand, source, count) in candidates {
        let map = match source {
            BrandSource::Signature => &mut signatures,
            BrandSource::Prefix => &mut prefixes,
        };
        *map.entry(brand.as_str()).or_default() += count;
    }
    if let Some((brand, _)) = most_frequent(&signatures) {
        return Some(brand.to_string());
    }
    let (brand, n) = most_frequent(&prefixes)?;
    // n / total >= 60%, in integers.
    (n >= 2 && n * 10 >= total_incoming * 6).then(|| brand.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::unnecessary_wraps)] // table rows compare with Option
    fn sig(b: &str) -> Option<(String, BrandSource)> {
        Some((b.to_string(), BrandSource::Signature))
    }

    #[allow(clippy::unnecessary_wraps)]
    fn pre(b: &str) -> Option<(String, BrandSource)> {
        Some((b.to_string(), BrandSource::Prefix))
    }

    #[test]
    fn brands_from_bodies() {
        for (body, want) in [
            ("【京东】618大促，全场5折起，回T退订", sig("京东")),
            ("尊敬的会员，618大促全场5折起，回T退订【京东】", sig("京东")),
            ("  【 招商银行 】您的账单已出", sig("招商银行")),
            ("全场5折，退订回【T】", None),
            ("全场5折，退订回复【TD】。", None),
            ("[Amazon] Your order shipped", sig("Amazon")),
            ("Sale ends today [1]", None),
            ("Amazon: your order shipped", pre("Amazon")),
            ("Best Buy: 20% off TVs", pre("Best Buy")),
            ("URGENT: call now", None),
            ("FreeMsg: Hey there darling", None),
            ("Re: dinner", None),
            ("see you at 10:30 ok", None),
            ("http://example.com", None),
            ("lol: that was funny", None),
            ("", None),
            ("【", None),
            ("】", None),
            ("【】", None),
            (
                "【这是一个非常非常非常非常非常非常长的不是签名的文字】好的",
                None,
            ),
            ("😀【京东】", sig("京东")),
        ] {
            assert_eq!(extract_brand(body), want, "extract_brand({body:?})");
        }
    }

    fn cand(b: &str, s: BrandSource, n: u64) -> (String, BrandSource, u64) {
        (b.to_string(), s, n)
    }

    #[test]
    fn sender_brand_resolution() {
        use BrandSource::{Prefix, Signature};
        type Case = (Vec<(String, BrandSource, u64)>, u64, Option<&'static str>);
        let cases: Vec<Case> = vec![
            (vec![], 10, None),
            (vec![cand("京东", Signature, 1)], 10, Some("京东")),
            (
                vec![cand("京东", Signature, 2), cand("京东商城", Signature, 5)],
                10,
                Some("京东商城"),
            ),
            // A signature beats a more frequent prefix.
            (
                vec![cand("Acme", Prefix, 9), cand("阿克米", Signature, 1)],
                10,
                Some("阿克米"),
            ),
            (vec![cand("Acme", Prefix, 6)], 10, Some("Acme")),
            (vec![cand("Acme", Prefix, 5)], 10, None),
            // One message is not consistency.
            (vec![cand("Acme", Prefix, 1)], 1, None),
            (vec![cand("Acme", Prefix, 2)], 2, Some("Acme")),
            // Counts for one brand add up across candidates.
            (
                vec![
                    cand("Acme", Prefix, 3),
                    cand("Acme", Prefix, 3),
                    cand("Other", Prefix, 4),
                ],
                10,
                Some("Acme"),
            ),
            // Ties: the name that sorts first.
            (
                vec![cand("B", Signature, 3), cand("A", Signature, 3)],
                6,
                Some("A"),
            ),
            (vec![cand("Acme", Prefix, 0)], 0, None),
        ];
        for (candidates, total, want) in cases {
            assert_eq!(
                resolve_sender_brand(&candidates, total).as_deref(),
                want,
                "resolve_sender_brand({candidates:?}, {total})"
            );
        }
    }
}
