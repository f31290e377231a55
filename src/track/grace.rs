//! How long a sender has to act on an opt-out (the grace period), the
//! replay's settings, and counting days between instants.

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan};

use super::{DAY_MS, HOUR_MS};

/// How long a sender has to act on an opt-out before a message counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grace {
    /// A fixed duration.
    Duration { ms: i64 },
    /// Business days (Monday to Friday) in the opt-out's local calendar.
    BusinessDays(u32),
}

impl Grace {
    /// Parses `24h`, `2d`, `90m`, `10bd` (business days).
    pub fn parse(text: &str) -> Result<Grace, String> {
        let t = text.trim().to_ascii_lowercase();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: i64 = num
            .parse()
            .map_err(|_| format!("'{text}' is not a duration such as 24h, 2d or 10bd"))?;
        match unit {
            "m" | "min" => Ok(Grace::Duration { ms: n * 60_000 }),
            "h" => Ok(Grace::Duration { ms: n * HOUR_MS }),
            "d" => Ok(Grace::Duration { ms: n * DAY_MS }),
            "bd" => Ok(Grace::BusinessDays(
                u32::try_from(n).map_err(|e| e.to_string())?,
            )),
            _ => Err(format!(
                "'{text}': use m (minutes), h (hours), d (days) or bd (business days)"
            )),
        }
    }

    /// The first moment after `start` at which a message is no longer in flight.
    pub fn end(self, start_ms: i64, zone: &TimeZone) -> i64 {
        match self {
            Grace::Duration { ms } => start_ms.saturating_add(ms),
            Grace::BusinessDays(days) => add_business_days(start_ms, days, zone),
        }
    }
}

fn add_business_days(start_ms: i64, days: u32, zone: &TimeZone) -> i64 {
    let Ok(ts) = Timestamp::from_millisecond(start_ms) else {
        return start_ms;
    };
    let mut z = ts.to_zoned(zone.clone());
    let mut left = days;
    while left > 0 {
        let Ok(next) = z.checked_add(1.day()) else {
            break;
        };
        z = next;
        if !matches!(z.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    z.timestamp().as_millisecond()
}

/// The rules of the replay that the user can change.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Grace for everyone but US/CA numbers and short codes (default 24 h).
    pub grace: Grace,
    /// Grace for US/CA numbers and short codes (default 10 business days,
    /// after the FCC's 2024 consent-revocation rule).
    pub grace_us: Grace,
    /// How long after an opt-out a confirmation counts (7 days).
    pub confirmation_window_ms: i64,
    /// Calendar for business days when the message has no offset.
    pub zone: TimeZone,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            grace: Grace::Duration { ms: DAY_MS },
            grace_us: Grace::BusinessDays(10),
            confirmation_window_ms: 7 * DAY_MS,
            zone: TimeZone::UTC,
        }
    }
}

/// `Span` of whole days between two instants, for reports.
pub fn days_between(from_ms: i64, to_ms: i64) -> i64 {
    (to_ms - from_ms).div_euclid(DAY_MS)
}

/// Business days (Mon–Fri) strictly after `from` up to and including `to`, in `zone`.
pub fn business_days_between(from_ms: i64, to_ms: i64, zone: &TimeZone) -> i64 {
    let (Ok(a), Ok(b)) = (
        Timestamp::from_millisecond(from_ms),
        Timestamp::from_millisecond(to_ms),
    ) else {
        return 0;
    };
    let mut d = a.to_zoned(zone.clone()).date();
    let end = b.to_zoned(zone.clone()).date();
    let mut n = 0;
    while d < end {
        let Ok(next) = d.checked_add(Span::new().days(1)) else {
            break;
        };
        d = next;
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            n += 1;
        }
    }
    n
}
