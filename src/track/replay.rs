//! The pure state machine: one sender's events in, its findings out.

use super::Moments;

use jiff::tz::TimeZone;

use super::{Grace, Policy};
use crate::model::{Moment, Status};

/// One thing that happened in a sender's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    /// The stored message, when the event is one (manual records are not).
    pub message_id: Option<i64>,
    pub what: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A marketing (or suspicious) message from this sender.
    Marketing,
    /// Anything else received from this sender: alerts, codes, personal.
    OtherIncoming,
    /// A confirmation of an opt-out, from the sender or its target.
    Confirmation,
    /// The user opted out: a reply, or a manual record.
    OptOut {
        keyword: String,
        /// The number the reply went to (the sender, its target, or a brand sibling).
        to: String,
        manual: Option<String>,
    },
    /// The user took the opt-out back (START …).
    Resubscribe,
}

/// When and how the user opted out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOut {
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub message_id: Option<i64>,
    pub keyword: String,
    pub to: String,
    /// The channel of a manual record (`None` for a reply found in the export).
    pub manual: Option<String>,
}

/// What replaying one sender's events found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The opt-out in force (the first of the current period).
    pub optout: Option<OptOut>,
    pub confirmed: Option<Moment>,
    pub resubscribed: Option<Moment>,
    /// Marketing after opt-out + grace: the violations. At ten million
    /// messages these lists are most of a report: the interface reads them
    /// left in the findings cache ([`Moments::Left`]).
    pub violations: Moments,
    /// Marketing inside the grace period.
    pub in_flight: Moments,
    /// Marketing messages before any opt-out.
    pub before_optout: u64,
}

/// Replays one sender's events (any order; sorted here) under `grace`.
pub fn replay(events: &[Event], grace: Grace, policy: &Policy) -> Findings {
    let mut sorted: Vec<&Event> = events.iter().collect();
    // At equal times an opt-out goes first: a message at the same
    // millisecond is in flight, never before the opt-out.
    sorted.sort_by_key(|e| {
        (
            e.ts_ms,
            !matches!(e.what, EventKind::OptOut { .. }),
            e.message_id,
        )
    });
    let mut f = Findings::default();
    let (mut violations, mut in_flight) = (Vec::new(), Vec::new());
    let mut active: Option<(OptOut, i64)> = None;
    for e in sorted {
        let moment = Moment {
            ts_ms: e.ts_ms,
            utc_offset_s: e.utc_offset_s,
            message_id: e.message_id,
        };
        match &e.what {
            EventKind::OptOut {
                keyword,
                to,
                manual,
            } => {
                if active.is_none() {
                    let zone = offset_zone(e.utc_offset_s, &policy.zone);
                    let end = grace.end(e.ts_ms, &zone);
                    let optout = OptOut {
                        ts_ms: e.ts_ms,
                        utc_offset_s: e.utc_offset_s,
                        message_id: e.message_id,
                        keyword: keyword.clone(),
                        to: to.clone(),
                        manual: manual.clone(),
                    };
                    f.optout = Some(optout.clone());
                    f.confirmed = None;
                    f.resubscribed = None;
                    active = Some((optout, end));
                }
            }
            EventKind::Confirmation => {
                if let Some((optout, _)) = &active
                    && f.confirmed.is_none()
                    && e.ts_ms >= optout.ts_ms
                    && e.ts_ms <= optout.ts_ms + policy.confirmation_window_ms
                {
                    f.confirmed = Some(moment);
                }
            }
            EventKind::Resubscribe => {
                if active.take().is_some() {
                    f.resubscribed = Some(moment);
                }
            }
            EventKind::Marketing => match &active {
                Some((_, end)) if e.ts_ms < *end => in_flight.push(moment),
                Some(_) => violations.push(moment),
                None if f.optout.is_none() => f.before_optout += 1,
                None => {}
            },
            EventKind::OtherIncoming => {}
        }
    }
    f.violations = violations.into();
    f.in_flight = in_flight.into();
    f
}

pub(super) fn offset_zone(offset_s: Option<i32>, zone: &TimeZone) -> TimeZone {
    offset_s
        .and_then(|s| jiff::tz::Offset::from_seconds(s).ok())
        .map_or_else(|| zone.clone(), TimeZone::fixed)
}

/// A sender's status from its findings: ignoring wins, then violations.
pub(super) fn status_of(f: &Findings, marketing: u64, ignored: bool) -> Status {
    if ignored {
        Status::Ignored
    } else if !f.violations.is_empty() {
        Status::Violating
    } else if f.resubscribed.is_some() && f.optout.is_none() {
        Status::Resubscribed
    } else if f.optout.is_some() {
        if f.resubscribed.is_some() {
            Status::Resubscribed
        } else if f.confirmed.is_some() {
            Status::Confirmed
        } else {
            Status::OptedOut
        }
    } else if marketing > 0 {
        Status::Subscribed
    } else {
        Status::None
    }
}
