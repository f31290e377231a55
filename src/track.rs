//! Opt-out tracking, pure: for every sender and brand, replay its timeline
//! and decide whether the user opted out, whether it was confirmed, and
//! which marketing messages came after. No database here: the findings layer
//! (`src/findings.rs`) streams stored rows in.
//!
//! - `replay.rs`: [`replay`], the state machine of one sender's [`Event`]s,
//!   and the [`Status`] its [`Findings`] mean.
//! - `tally.rs`: [`Tally`] and [`Timelines`], from rows to a [`Report`]:
//!   totals, brand coverage, opt-out targets, manual records, ignores.
//! - `grace.rs`: [`Grace`] and the user's [`Policy`].
//! - `jurisdiction.rs`: [`Jurisdiction`]: which replies are opt-outs where.
//! - `moments.rs`: [`Moments`], a list of violations or messages in flight,
//!   held or left in the findings cache.
//! - `report.rs`: [`SenderReport`], [`BrandReport`] and their JSON shapes.
//! - `offenders.rs`: [`rank`], the repeat offenders across lines.
//!
//! Status is never stored as truth: it is derived again from the messages
//! and the user's manual records, so importing more, editing rules or
//! recording an opt-out can never leave it stale.

mod grace;
mod jurisdiction;
mod moments;
mod offenders;
mod replay;
mod report;
mod tally;

pub use grace::{Grace, Policy, business_days_between, days_between};
pub use jurisdiction::{CN_KEYWORDS, Jurisdiction, RESUBSCRIBE_KEYWORDS, US_KEYWORDS};
pub use moments::Moments;
pub use offenders::{Detail, Offender, OffenderJson, OffenderLines, Ranking, month_of, rank};
pub use replay::{Event, EventKind, Findings, OptOut, replay};
pub use report::{
    BrandJson, BrandReport, KindReason, ListSpan, Report, SenderJson, SenderReport, Spans,
};
pub use tally::{SEND_SEEN_AFTER_MS, SEND_SEEN_BEFORE_MS, SenderLinks, Tally, Timelines};

pub use crate::model::{ManualOptOut, Moment, SenderKind, Status};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

#[cfg(test)]
use replay::status_of;

#[cfg(test)]
mod tests;
