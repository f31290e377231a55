//! `print`: sends nothing; prints each "TEXT → NUMBER" with an
//! `sms:NUMBER?body=TEXT` link any phone can open. Always available.

use std::fmt::Write;

use super::driver::{Delivery, Driver, DriverError};
use crate::text;

pub struct Print;

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `sms:NUMBER?body=TEXT`; a number keeps its `+` and digits.
pub fn sms_link(to: &str, body: &str) -> String {
    let number = if to.chars().all(|c| c == '+' || c.is_ascii_digit()) {
        to.to_string()
    } else {
        percent_encode(to)
    };
    format!("sms:{number}?body={}", percent_encode(body))
}

/// What `print` shows for one message (sanitised: the text came from a message).
pub fn line(to: &str, body: &str) -> String {
    format!(
        "{} → {}   {}",
        text::sanitize(body),
        text::sanitize(to),
        sms_link(to, body)
    )
}

impl Driver for Print {
    fn name(&self) -> &'static str {
        "print"
    }

    fn sends(&self) -> bool {
        false
    }

    fn send(&mut self, to: &str, body: &str) -> Result<Delivery, DriverError> {
        Ok(Delivery::Shown(line(to, body)))
    }
}
