//! The pure state machine: given events, the findings. One test per rule.

use super::*;
use crate::model::SenderClass;
use jiff::Timestamp;
use jiff::tz::TimeZone;

const T0: i64 = 1_773_058_300_000; // 2026-03-09T12:11:40Z, a Monday
const MIN: i64 = 60_000;

fn ev(ts_ms: i64, what: EventKind) -> Event {
    Event {
        ts_ms,
        utc_offset_s: Some(8 * 3600),
        message_id: Some(ts_ms),
        what,
    }
}

fn optout(ts_ms: i64) -> Event {
    ev(
        ts_ms,
        EventKind::OptOut {
            keyword: "T".into(),
            to: "10690001".into(),
            manual: None,
        },
    )
}

fn day() -> Grace {
    Grace::Duration { ms: DAY_MS }
}

fn ids(ms: &Moments) -> Vec<i64> {
    let held = ms.held().expect("a replay holds its lists");
    held.iter().map(|m| m.ts_ms).collect()
}

#[test]
fn marketing_before_any_optout_is_counted_not_flagged() {
    let f = replay(
        &[
            ev(T0, EventKind::Marketing),
            ev(T0 + MIN, EventKind::Marketing),
        ],
        day(),
        &Policy::default(),
    );
    assert_eq!(f.before_optout, 2);
    assert!(f.optout.is_none());
    assert!(f.violations.is_empty());
    assert_eq!(status_of(&f, 2, false), Status::Subscribed);
}

#[test]
fn marketing_after_optout_plus_grace_is_a_violation() {
    let late = T0 + DAY_MS + MIN;
    let f = replay(
        &[optout(T0), ev(late, EventKind::Marketing)],
        day(),
        &Policy::default(),
    );
    assert_eq!(ids(&f.violations), vec![late]);
    assert_eq!(status_of(&f, 1, false), Status::Violating);
}

#[test]
fn marketing_inside_grace_is_in_flight() {
    let soon = T0 + 2 * MIN;
    let f = replay(
        &[ev(soon, EventKind::Marketing), optout(T0)],
        day(),
        &Policy::default(),
    );
    assert_eq!(ids(&f.in_flight), vec![soon]);
    assert!(f.violations.is_empty());
    assert_eq!(status_of(&f, 1, false), Status::OptedOut);
}

#[test]
fn a_message_at_the_same_millisecond_as_the_optout_is_in_flight() {
    let f = replay(
        &[ev(T0, EventKind::Marketing), optout(T0)],
        day(),
        &Policy::default(),
    );
    assert_eq!(f.before_optout, 0);
    assert_eq!(f.in_flight.len(), 1);
}

#[test]
fn transactional_messages_after_optout_are_never_violations() {
    let f = replay(
        &[optout(T0), ev(T0 + 3 * DAY_MS, EventKind::OtherIncoming)],
        day(),
        &Policy::default(),
    );
    assert!(f.violations.is_empty());
    assert_eq!(status_of(&f, 1, false), Status::OptedOut);
}

#[test]
fn confirmation_within_seven_days_confirms() {
    let c = T0 + 40 * 1000;
    let f = replay(
        &[optout(T0), ev(c, EventKind::Confirmation)],
        day(),
        &Policy::default(),
    );
    assert_eq!(f.confirmed.map(|m| m.ts_ms), Some(c));
    assert_eq!(status_of(&f, 1, false), Status::Confirmed);
}

#[test]
fn confirmation_after_seven_days_or_before_the_optout_does_not_count() {
    let f = replay(
        &[
            ev(T0 - MIN, EventKind::Confirmation),
            optout(T0),
            ev(T0 + 7 * DAY_MS + MIN, EventKind::Confirmation),
        ],
        day(),
        &Policy::default(),
    );
    assert!(f.confirmed.is_none());
}

#[test]
fn violating_wins_over_confirmed() {
    let f = replay(
        &[
            optout(T0),
            ev(T0 + MIN, EventKind::Confirmation),
            ev(T0 + 5 * DAY_MS, EventKind::Marketing),
        ],
        day(),
        &Policy::default(),
    );
    assert!(f.confirmed.is_some());
    assert_eq!(status_of(&f, 1, false), Status::Violating);
}

#[test]
fn resubscribing_ends_the_optout_and_later_marketing_is_fine() {
    let f = replay(
        &[
            optout(T0),
            ev(T0 + 2 * DAY_MS, EventKind::Resubscribe),
            ev(T0 + 3 * DAY_MS, EventKind::Marketing),
        ],
        day(),
        &Policy::default(),
    );
    assert!(f.violations.is_empty());
    assert!(f.resubscribed.is_some());
    assert_eq!(status_of(&f, 1, false), Status::Resubscribed);
}

#[test]
fn a_new_optout_after_resubscribing_starts_a_new_period() {
    let again = T0 + 10 * DAY_MS;
    let f = replay(
        &[
            optout(T0),
            ev(T0 + 2 * DAY_MS, EventKind::Resubscribe),
            optout(again),
            ev(again + 2 * DAY_MS, EventKind::Marketing),
        ],
        day(),
        &Policy::default(),
    );
    assert_eq!(f.optout.as_ref().map(|o| o.ts_ms), Some(again));
    assert!(f.resubscribed.is_none());
    assert_eq!(f.violations.len(), 1);
}

#[test]
fn repeating_the_optout_does_not_restart_the_clock() {
    let f = replay(
        &[
            optout(T0),
            optout(T0 + 3 * DAY_MS),
            ev(T0 + 3 * DAY_MS + MIN, EventKind::Marketing),
        ],
        day(),
        &Policy::default(),
    );
    assert_eq!(f.optout.as_ref().map(|o| o.ts_ms), Some(T0));
    assert_eq!(
        f.violations.len(),
        1,
        "the grace ran from the first opt-out"
    );
}

#[test]
fn a_manual_optout_counts_and_is_marked_manual() {
    let manual = Event {
        ts_ms: T0,
        utc_offset_s: None,
        message_id: None,
        what: EventKind::OptOut {
            keyword: String::new(),
            to: "95528".into(),
            manual: Some("phone call".into()),
        },
    };
    let f = replay(
        &[manual, ev(T0 + 2 * DAY_MS, EventKind::Marketing)],
        day(),
        &Policy::default(),
    );
    assert_eq!(
        f.optout.as_ref().and_then(|o| o.manual.as_deref()),
        Some("phone call")
    );
    assert_eq!(f.violations.len(), 1);
}

#[test]
fn ignored_wins_over_everything() {
    let f = replay(
        &[optout(T0), ev(T0 + 5 * DAY_MS, EventKind::Marketing)],
        day(),
        &Policy::default(),
    );
    assert_eq!(status_of(&f, 1, true), Status::Ignored);
}

#[test]
fn no_marketing_and_no_optout_is_none() {
    let f = replay(
        &[ev(T0, EventKind::OtherIncoming)],
        day(),
        &Policy::default(),
    );
    assert_eq!(status_of(&f, 0, false), Status::None);
}

#[test]
fn ten_business_days_skip_weekends() {
    // Friday 2026-03-13 10:00 UTC + 10 business days = Friday 2026-03-27 10:00.
    let friday = Timestamp::from_second(1_773_396_000)
        .unwrap()
        .as_millisecond();
    let end = Grace::BusinessDays(10).end(friday, &TimeZone::UTC);
    assert_eq!(
        Timestamp::from_millisecond(end).unwrap().to_string(),
        "2026-03-27T10:00:00Z"
    );
    // A message on day 9 is in flight, on day 15 a violation.
    let f = replay(
        &[
            optout(friday),
            ev(friday + 9 * DAY_MS, EventKind::Marketing),
            ev(friday + 15 * DAY_MS, EventKind::Marketing),
        ],
        Grace::BusinessDays(10),
        &Policy::default(),
    );
    assert_eq!(f.in_flight.len(), 1);
    assert_eq!(f.violations.len(), 1);
    assert_eq!(
        business_days_between(friday, friday + 15 * DAY_MS, &TimeZone::UTC),
        10
    );
}

#[test]
fn grace_parses_the_documented_units() {
    assert_eq!(Grace::parse("24h"), Ok(Grace::Duration { ms: DAY_MS }));
    assert_eq!(Grace::parse("2d"), Ok(Grace::Duration { ms: 2 * DAY_MS }));
    assert_eq!(Grace::parse("90m"), Ok(Grace::Duration { ms: 90 * MIN }));
    assert_eq!(Grace::parse("10bd"), Ok(Grace::BusinessDays(10)));
    assert!(Grace::parse("soon").is_err());
    assert!(Grace::parse("3w").is_err());
}

#[test]
fn jurisdictions_and_their_keywords() {
    assert_eq!(
        Jurisdiction::of(SenderClass::ShortCode, "80808", &[]),
        Jurisdiction::Us
    );
    assert_eq!(
        Jurisdiction::of(SenderClass::Port, "106912345678", &[]),
        Jurisdiction::Cn
    );
    assert_eq!(
        Jurisdiction::of(SenderClass::Mobile, "+14155550132", &[]),
        Jurisdiction::Us
    );
    let j = Jurisdiction::of(SenderClass::Alphanumeric, "SHOPCO", &["STOP".to_string()]);
    assert_eq!(j, Jurisdiction::Us);
    assert!(Jurisdiction::Cn.is_optout("TD", &[]));
    assert!(Jurisdiction::Cn.is_optout("退订", &[]));
    assert!(
        Jurisdiction::Cn.is_optout("STOP", &[]),
        "a STOP to a Chinese number is clear"
    );
    assert!(Jurisdiction::Us.is_optout("STOP", &[]));
    assert!(
        !Jurisdiction::Us.is_optout("N", &[]),
        "a US 'N' answers a question"
    );
    assert!(Jurisdiction::Us.is_optout("STOP2END", &["STOP2END".to_string()]));
}

#[test]
fn list_spans_pick_what_a_stable_sort_by_time_puts_first_and_last() {
    // Ties at one time with different offsets: a span must name the same
    // moment the export's sorted list did (the first of the earliest, the
    // last of the latest), also when lists are joined member after member.
    let m = |ts_ms: i64, id: i64| Moment {
        ts_ms,
        utc_offset_s: Some(i32::try_from(id).unwrap()),
        message_id: Some(id),
    };
    let lists: Vec<Vec<Moment>> = vec![
        vec![m(5, 1), m(3, 2), m(9, 3), m(3, 4), m(9, 5)],
        vec![],
        vec![m(9, 6), m(2, 7), m(2, 8)],
        vec![m(1, 9), m(9, 10)],
    ];
    for n in 0..=lists.len() {
        let lists = &lists[..n];
        let mut sorted: Vec<Moment> = lists.iter().flatten().copied().collect();
        sorted.sort_by_key(|m| m.ts_ms);
        let span = lists
            .iter()
            .map(|l| ListSpan::of(l))
            .fold(ListSpan::default(), ListSpan::then);
        assert_eq!(span.len, sorted.len() as u64);
        assert_eq!(span.earliest, sorted.first().copied(), "{n} lists");
        assert_eq!(span.latest, sorted.last().copied(), "{n} lists");
    }
    assert_eq!(ListSpan::of(&lists[0]).earliest, Some(m(3, 2)));
    assert_eq!(ListSpan::of(&lists[0]).latest, Some(m(9, 5)));
}
