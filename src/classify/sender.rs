//! Raw addresses into sender keys: E.164 for phone numbers, Chinese service
//! numbers as dialled, short codes as they are, alphanumeric IDs upper-cased.

use super::fold::width_fold_char;
use super::{NormalizedSender, Region, SenderClass};

/// Calling code and national trunk prefix of the regions optout knows how to
/// write in E.164. Numbers from other regions keep their digits as dialled.
const CALLING_CODES: &[(&str, &str, &str)] = &[
    ("CN", "86", "0"),
    ("US", "1", ""),
    ("CA", "1", ""),
    ("GB", "44", "0"),
    ("IN", "91", "0"),
    ("NG", "234", "0"),
    ("HK", "852", ""),
    ("MO", "853", ""),
    ("TW", "886", "0"),
    ("SG", "65", ""),
    ("MY", "60", "0"),
    ("JP", "81", "0"),
    ("KR", "82", "0"),
    ("AU", "61", "0"),
    ("NZ", "64", "0"),
    ("DE", "49", "0"),
    ("FR", "33", "0"),
    ("NL", "31", "0"),
    ("ES", "34", ""),
    ("IT", "39", ""),
    ("NO", "47", ""),
    ("AE", "971", "0"),
    ("PK", "92", "0"),
    ("PH", "63", "0"),
    ("ID", "62", "0"),
    ("BR", "55", "0"),
    ("MX", "52", ""),
    ("ZA", "27", "0"),
];

fn calling_code(region: &Region) -> Option<(&'static str, &'static str)> {
    CALLING_CODES
        .iter()
        .find(|(code, _, _)| *code == region.code())
        .map(|&(_, cc, trunk)| (cc, trunk))
}

/// Normalises a raw address into the key optout groups messages by.
///
/// - Mobile numbers become E.164 using `region` for numbers written without a
///   country code: `+86 139 1234 5678`, `13912345678`, `008613912345678` →
///   `+8613912345678`; `(415) 555-0132` with region US → `+14155550132`.
/// - Chinese service numbers stay as dialled, with any `+86`/`86` dropped:
///   ports (106…), 95xxx/96xxx, carrier 100xx, government 12xxx.
/// - Short codes (3–6 digits; US/CA use 5–6) stay as they are.
/// - Alphanumeric IDs are upper-cased; Indian DLT headers `AD-HDFCBK` and
///   `AD-HDFCBK-S` become `HDFCBK`, the suffix kept in `dlt_suffix`.
/// - E-mail-like and RCS addresses (`…@rbm.goog`) are lower-cased.
///
/// Never panics, whatever the input.
pub fn normalize_sender(raw: &str, region: &Region) -> NormalizedSender {
    let folded: String = raw.trim().chars().map(width_fold_char).collect();
    let trimmed = folded.trim();
    if trimmed.is_empty() {
        return other(String::new());
    }
    if trimmed.contains('@') {
        return email(trimmed);
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}' | '\t' | '/'))
        .collect();
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return number(plus, digits, region);
    }
    if let Some(dlt) = dlt_header(trimmed) {
        return dlt;
    }
    let alphanumeric = trimmed.chars().any(|c| c.is_ascii_alphabetic())
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '&' | '\''));
    if alphanumeric {
        let key = trimmed
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase();
        return NormalizedSender {
            key,
            class: SenderClass::Alphanumeric,
            dlt_suffix: None,
        };
    }
    other(trimmed.to_string())
}

fn other(key: String) -> NormalizedSender {
    NormalizedSender {
        key,
        class: SenderClass::Other,
        dlt_suffix: None,
    }
}

fn email(trimmed: &str) -> NormalizedSender {
    let key: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let well_formed = key
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && !host.is_empty());
    NormalizedSender {
        key,
        class: if well_formed {
            SenderClass::Email
        } else {
            SenderClass::Other
        },
        dlt_suffix: None,
    }
}

/// `XX-NAME` or `XX-NAME-S`: a two-letter operator/circle prefix, a 3–9
/// character header, and the optional 2025 category suffix.
fn dlt_header(trimmed: &str) -> Option<NormalizedSender> {
    let upper = trimmed.to_ascii_uppercase();
    let mut parts = upper.split('-');
    let prefix = parts.next()?;
    let name = parts.next()?;
    let suffix = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let prefix_ok = prefix.len() == 2 && prefix.bytes().all(|b| b.is_ascii_uppercase());
    let name_ok = (3..=9).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
        && name.bytes().any(|b| b.is_ascii_uppercase());
    if !prefix_ok || !name_ok {
        return None;
    }
    let dlt_suffix = match suffix {
        None => None,
        Some(s @ ("P" | "S" | "T" | "G")) => s.chars().next(),
        Some(_) => return None,
    };
    Some(NormalizedSender {
        key: name.to_string(),
        class: SenderClass::Alphanumeric,
        dlt_suffix,
    })
}

/// A Chinese service number as dialled (without any 86), and its class.
fn cn_service(d: &str) -> Option<SenderClass> {
    let n = d.len();
    if d.starts_with("106") && n >= 5 {
        Some(SenderClass::Port)
    } else if (d.starts_with("95") || d.starts_with("96") || d.starts_with("100"))
        && (5..=8).contains(&n)
        || d.starts_with("12") && (5..=6).contains(&n)
    {
        Some(SenderClass::Service)
    } else {
        None
    }
}

fn is_cn_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

fn keyed(key: String, class: SenderClass) -> NormalizedSender {
    NormalizedSender {
        key,
        class,
        dlt_suffix: None,
    }
}

fn number(plus: bool, digits: &str, region: &Region) -> NormalizedSender {
    // 00 is the international prefix in most of the world (and in China).
    let (international, digits) = match digits.strip_prefix("00") {
        Some(rest) if !plus && rest.len() >= 7 => (true, rest),
        _ => (plus, digits),
    };
    if international {
        return international_number(digits);
    }
    let cn = region.code() == "CN";
    if cn {
        if let Some(rest) = digits.strip_prefix("86") {
            if let Some(class) = cn_service(rest) {
                return keyed(rest.to_string(), class);
            }
            if is_cn_mobile(rest) {
                return keyed(format!("+86{rest}"), SenderClass::Mobile);
            }
        }
        if let Some(class) = cn_service(digits) {
            return keyed(digits.to_string(), class);
        }
        if is_cn_mobile(digits) {
            return keyed(format!("+86{digits}"), SenderClass::Mobile);
        }
    } else if digits.starts_with("106") && digits.len() >= 8 {
        // No other numbering plan writes numbers like a Chinese port.
        return keyed(digits.to_string(), SenderClass::Port);
    }
    let n = digits.len();
    if (3..=6).contains(&n) {
        return keyed(digits.to_string(), SenderClass::ShortCode);
    }
    match region.code() {
        "US" | "CA" => {
            let national = match digits.strip_prefix('1') {
                Some(rest) if n == 11 => rest,
                _ => digits,
            };
            if national.len() == 10 {
                return keyed(format!("+1{national}"), SenderClass::Mobile);
            }
        }
        "CN" => {
            // Landlines: 0 + area code + number.
            if let Some(rest) = digits.strip_prefix('0')
                && (9..=11).contains(&n)
                && !rest.starts_with('0')
            {
                return keyed(format!("+86{rest}"), SenderClass::Other);
            }
        }
        _ => {
            if let Some((cc, trunk)) = calling_code(region) {
                let national = if trunk.is_empty() {
                    Some(digits)
                } else {
                    digits.strip_prefix(trunk)
                };
                if let Some(national) = national.filter(|d| (7..=12).contains(&d.len()))
                    && !national.starts_with('0')
                    && (!trunk.is_empty() || n >= 8)
                {
                    return keyed(format!("+{cc}{national}"), SenderClass::Mobile);
                }
            }
        }
    }
    keyed(digits.to_string(), SenderClass::Other)
}

fn international_number(digits: &str) -> NormalizedSender {
    if let Some(rest) = digits.strip_prefix("86") {
        if let Some(class) = cn_service(rest) {
            return keyed(rest.to_string(), class);
        }
        if is_cn_mobile(rest) {
            return keyed(format!("+86{rest}"), SenderClass::Mobile);
        }
    }
    let class = if (8..=15).contains(&digits.len()) {
        SenderClass::Mobile
    } else {
        SenderClass::Other
    };
    keyed(format!("+{digits}"), class)
}

/// The keyword a jurisdiction's rules or industry practice make work when a
/// marketing sender states none: `R` for Chinese ports and service numbers,
/// `STOP` for US/CA short codes and +1 numbers. Only ever shown as a clearly
/// marked suggestion.
pub fn jurisdiction_default_keyword(class: SenderClass, key: &str) -> Option<&'static str> {
    match class {
        SenderClass::Port | SenderClass::Service if !key.starts_with('+') => Some("R"),
        SenderClass::ShortCode => Some("STOP"),
        SenderClass::Mobile | SenderClass::Other if key.starts_with("+1") => Some("STOP"),
        _ => None,
    }
}
