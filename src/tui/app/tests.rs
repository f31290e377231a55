//! Key → action → state, with no terminal and no database.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use jiff::tz::TimeZone;
use ratatui::layout::Rect;

use super::*;
use crate::classify::SenderClass;
use crate::track::{
    BrandReport, Findings, Jurisdiction, Moment, Moments, OptOut, SenderKind, SenderReport, Status,
};
use crate::tui::keys;
use crate::tui::strings::EN;
use crate::tui::views::Ui;

const NOW: i64 = 1_774_238_400_000; // 2026-03-23T12:00:00+08:00
const DAY: i64 = 86_400_000;

fn moment(ts_ms: i64, id: i64) -> Moment {
    Moment {
        ts_ms,
        utc_offset_s: Some(8 * 3600),
        message_id: Some(id),
    }
}

fn sender(
    id: i64,
    key: &str,
    brand: Option<&str>,
    kind: SenderKind,
    status: Status,
) -> SenderReport {
    SenderReport {
        sender_id: id,
        line_id: 1,
        line: "me".into(),
        key: key.into(),
        aliases: vec![key.into()],
        class: SenderClass::Port,
        brand: brand.map(Into::into),
        claimed_brand: None,
        kind,
        kind_message: None,
        kind_reason: None,
        received: 3,
        marketing: u64::from(kind != SenderKind::Personal) * 3,
        keyword: None,
        target: None,
        instruction: None,
        jurisdiction: Jurisdiction::Cn,
        findings: Findings::default(),
        status,
        ignored: status == Status::Ignored,
        first_seen: Some(moment(NOW - 30 * DAY, id * 100)),
        last_seen: Some(moment(NOW - id * DAY, id * 100 + 1)),
        contact_name: None,
    }
}

fn brand(name: &str, senders: &[&SenderReport], ignored: bool) -> BrandReport {
    BrandReport {
        brand: name.into(),
        line: "me".into(),
        senders: senders.iter().map(|s| s.key.clone()).collect(),
        kind: SenderKind::Marketing,
        received: 6,
        marketing: 6,
        keyword: Some("TD".into()),
        optout: None,
        confirmed: None,
        status: senders
            .iter()
            .map(|s| s.status)
            .min()
            .unwrap_or(Status::None),
        after_optout: 0,
        last_seen: senders
            .iter()
            .filter_map(|s| s.last_seen)
            .max_by_key(|m| m.ts_ms),
        ignored,
    }
}

/// SPDB (two numbers, one violating through the brand opt-out), JD
/// confirmed, Meituan subscribed without a keyword, a suspicious ETC
/// sender, a friend.
fn report() -> Report {
    let optout = OptOut {
        ts_ms: NOW - 14 * DAY,
        utc_offset_s: Some(8 * 3600),
        message_id: Some(1004),
        keyword: "TD".into(),
        to: "106912345678".into(),
        manual: None,
    };
    let mut spdb = sender(
        10,
        "106912345678",
        Some("浦发银行"),
        SenderKind::Marketing,
        Status::Confirmed,
    );
    spdb.keyword = Some("TD".into());
    spdb.target = Some("106912345678".into());
    spdb.instruction = Some(moment(NOW - 15 * DAY, 1003));
    spdb.findings = Findings {
        optout: Some(optout.clone()),
        confirmed: Some(moment(NOW - 14 * DAY + 60_000, 1005)),
        in_flight: vec![moment(NOW - 14 * DAY + 3_600_000, 1006)].into(),
        ..Findings::default()
    };
    let mut spdb2 = sender(
        2,
        "95528",
        Some("浦发银行"),
        SenderKind::Marketing,
        Status::Violating,
    );
    spdb2.findings = Findings {
        optout: Some(optout),
        violations: vec![moment(NOW - 11 * DAY, 201), moment(NOW - 3 * DAY, 202)].into(),
        ..Findings::default()
    };
    let mut jd = sender(
        5,
        "10690001",
        Some("京东"),
        SenderKind::Marketing,
        Status::Confirmed,
    );
    jd.keyword = Some("T".into());
    jd.target = Some("10690002".into());
    let meituan = sender(
        3,
        "1065502010",
        Some("美团"),
        SenderKind::Marketing,
        Status::Subscribed,
    );
    let etc = sender(
        4,
        "1069800123",
        None,
        SenderKind::Suspicious,
        Status::Subscribed,
    );
    let mut friend = sender(
        1,
        "+8613912345678",
        None,
        SenderKind::Personal,
        Status::None,
    );
    friend.class = SenderClass::Mobile;
    friend.contact_name = Some("老王".into());
    let brands = vec![
        brand("浦发银行", &[&spdb, &spdb2], false),
        brand("京东", &[&jd], false),
        brand("美团", &[&meituan], false),
    ];
    let mut senders = vec![friend, spdb2, meituan, etc, jd, spdb];
    senders.sort_by_key(|s| std::cmp::Reverse(s.last_seen.map(|m| m.ts_ms)));
    Report { senders, brands }
}

fn app() -> App {
    let mut app = App::new(
        &EN,
        Theme::default(),
        TimeZone::get("Asia/Shanghai").unwrap(),
        NOW,
        true,
        Some("test.sqlite3".into()),
    );
    let effects = app.update(Action::Loaded(Box::new(report())));
    assert!(effects.is_empty());
    // Most tests below work on every sender by status; the default to-do
    // view has tests of its own.
    app.filter = Filter::Everything;
    app.sort = Sort::Status;
    app.rebuild_rows();
    app.selected = 0;
    app
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

/// Presses keys; returns the effects of the last one.
fn press(app: &mut App, events: &[Event]) -> Vec<Effect> {
    let ui = Ui::default();
    let mut last = Vec::new();
    for e in events {
        last = keys::action(app, &ui, e).map_or_else(Vec::new, |a| app.update(a));
    }
    last
}

fn typed(text: &str) -> Vec<Event> {
    text.chars().map(ch).collect()
}

fn selected_key(app: &App) -> String {
    match app.selected_target() {
        Some(Target::Sender(k) | Target::Brand(k)) => k,
        None => String::new(),
    }
}

#[test]
fn starts_loading_then_shows_what_to_do() {
    let mut a = App::new(&EN, Theme::default(), TimeZone::UTC, NOW, true, None);
    assert!(a.loading);
    assert!(
        press(&mut a, &[ch('j')]).is_empty(),
        "keys wait for the data"
    );
    a.update(Action::Loaded(Box::new(report())));
    assert!(!a.loading);
    assert_eq!(a.screen, Screen::Senders);
    let keys: Vec<&str> = a
        .rows
        .iter()
        .map(|r| match r {
            RowRef::Sender(i) => a.report.senders[*i].key.as_str(),
            RowRef::Brand(_) => "brand",
            RowRef::Group(Group::Violating) => "VIOLATING",
            RowRef::Group(Group::Send) => "SEND",
            RowRef::Group(Group::Suspicious) => "SUSPICIOUS",
        })
        .collect();
    // The to-do view: each group under its heading, the cursor on a sender.
    assert_eq!(a.filter, Filter::ToDo);
    assert_eq!(
        keys,
        [
            "VIOLATING",
            "95528",
            "SEND",
            "1065502010",
            "SUSPICIOUS",
            "1069800123",
        ]
    );
    assert_eq!(selected_key(&a), "95528");
    assert!(
        a.status
            .as_ref()
            .is_some_and(|s| s.text.starts_with("Start here")),
        "a first-run line says what to press: {:?}",
        a.status
    );
    assert_eq!(
        a.counts,
        Counts {
            marketing: 5,
            opted_out: 3,
            confirmed: 2,
            violating: 1,
            suspicious: 1,
            in_flight: 1,
        }
    );
}

#[test]
fn without_a_database_the_welcome_screen_offers_import() {
    let mut a = App::new(&EN, Theme::default(), TimeZone::UTC, NOW, false, None);
    assert_eq!(a.screen, Screen::Welcome);
    assert!(press(&mut a, &[ch('j'), ch('f'), key(KeyCode::Enter)]).is_empty());
    press(&mut a, &[ch('I')]);
    assert!(matches!(a.overlay, Overlay::Prompt(Prompt::Import { .. })));
    let mut events = typed("~/sms.xml");
    events.push(key(KeyCode::Enter));
    assert_eq!(
        press(&mut a, &events),
        vec![Effect::Import {
            path: "~/sms.xml".into(),
            csv_map: None,
        }]
    );
    a.update(Action::Loaded(Box::new(report())));
    assert_eq!(a.screen, Screen::Senders);
}

#[test]
fn moving_clamps_and_pages() {
    let mut a = app();
    press(&mut a, &[ch('k')]);
    assert_eq!(a.selected, 0);
    press(&mut a, &[ch('j'), key(KeyCode::Down)]);
    assert_eq!(a.selected, 2);
    press(&mut a, &[ch('G')]);
    assert_eq!(a.selected, 5);
    press(&mut a, &[ch('j')]);
    assert_eq!(a.selected, 5);
    press(&mut a, &[ch('g')]);
    assert_eq!(a.selected, 0);
    a.update(Action::PageDown(4));
    assert_eq!(a.selected, 3);
    a.update(Action::PageUp(40));
    assert_eq!(a.selected, 0);
}

#[test]
fn filters_cycle_and_say_so() {
    let mut a = app();
    let mut seen = Vec::new();
    for _ in 0..8 {
        press(&mut a, &[ch('f')]);
        seen.push((a.filter, a.sender_rows()));
    }
    assert_eq!(
        seen,
        [
            (Filter::Marketing, 5),
            (Filter::Subscribed, 2),
            (Filter::Violating, 1),
            (Filter::Suspicious, 1),
            (Filter::Ignored, 0),
            (Filter::ToDo, 3),
            // As `optout senders`: the friend (personal, no status) is left out …
            (Filter::All, 5),
            // … and listed with `--all`.
            (Filter::Everything, 6),
        ]
    );
    press(&mut a, &[ch('f'), ch('f'), ch('f')]);
    assert_eq!(selected_key(&a), "95528");
    assert_eq!(
        a.status.as_ref().map(|s| s.text.as_str()),
        Some("filter: violating (1 sender)")
    );
}

#[test]
fn sorting_keeps_the_selected_sender() {
    let mut a = app();
    press(&mut a, &[ch('j'), ch('j')]);
    assert_eq!(selected_key(&a), "1069800123");
    press(&mut a, &[ch('s')]);
    assert_eq!(a.sort, Sort::Marketing);
    assert_eq!(selected_key(&a), "1069800123");
    press(&mut a, &[ch('s'), ch('s'), ch('s')]);
    assert_eq!(a.sort, Sort::Sender);
    assert_eq!(
        a.rows.first().and_then(|r| a.target_of(*r)),
        Some(Target::Sender("+8613912345678".into()))
    );
}

#[test]
fn grouping_puts_each_brand_above_its_numbers() {
    let mut a = app();
    press(&mut a, &[ch('b')]);
    let rows: Vec<Target> = a.rows.iter().filter_map(|r| a.target_of(*r)).collect();
    assert_eq!(
        rows,
        [
            Target::Brand("浦发银行".into()),
            Target::Sender("95528".into()),
            Target::Sender("106912345678".into()),
            Target::Brand("美团".into()),
            Target::Sender("1065502010".into()),
            Target::Sender("1069800123".into()),
            Target::Brand("京东".into()),
            Target::Sender("10690001".into()),
            Target::Sender("+8613912345678".into()),
        ]
    );
}

#[test]
fn enter_opens_the_timeline_of_the_sender_and_its_brand() {
    let mut a = app();
    let effects = press(&mut a, &[key(KeyCode::Enter)]);
    assert_eq!(a.screen, Screen::Timeline);
    assert_eq!(
        effects,
        vec![Effect::LoadTimeline {
            sender_ids: vec![2, 10],
            start: None,
            limit: TIMELINE_WINDOW,
        }]
    );
    let tl = a.timeline.as_ref().unwrap();
    assert_eq!(tl.sender_keys, ["95528", "106912345678"]);
    assert_eq!(tl.violations, 2);
    assert_eq!(tl.marks[&201], vec![Mark::Violation]);
    assert_eq!(tl.marks[&1006], vec![Mark::InFlight]);
    assert_eq!(tl.marks[&1005], vec![Mark::Confirmation]);
    assert_eq!(
        tl.marks[&1004],
        vec![Mark::OptOut {
            keyword: "TD".into(),
            to: "106912345678".into()
        }]
    );
    assert_eq!(
        tl.marks[&1003],
        vec![Mark::Instruction {
            keyword: "TD".into(),
            target: "106912345678".into()
        }]
    );
    // Esc goes back; Esc at home never quits (issue 13), q does.
    press(&mut a, &[key(KeyCode::Esc)]);
    assert_eq!(a.screen, Screen::Senders);
    assert!(!a.quit);
    press(&mut a, &[key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert!(!a.quit, "Esc at home does not quit");
    assert_eq!(
        a.status.as_ref().map(|s| s.text.as_str()),
        Some("Esc closes and goes back; press q (or Ctrl-C) to quit.")
    );
    press(&mut a, &[ch('q')]);
    assert!(a.quit);
}

#[test]
fn a_timeline_includes_the_number_its_opt_out_goes_to() {
    let mut a = app();
    let mut target = sender(9, "10690002", None, SenderKind::Transactional, Status::None);
    target.marketing = 0;
    let mut r = a.report.clone();
    r.senders.push(target);
    a.update(Action::Loaded(Box::new(r)));
    let tl = a.timeline_for(&Target::Sender("10690001".into()));
    assert_eq!(tl.sender_ids, [5, 9]);
}

#[test]
fn the_timeline_pages_a_window_around_the_cursor() {
    let mut a = app();
    press(&mut a, &[key(KeyCode::Enter)]);
    a.update(Action::TimelineLoaded {
        sender_ids: vec![2, 10],
        total: 1000,
        start: 880,
        messages: Vec::new(),
    });
    let tl = a.timeline.as_ref().unwrap();
    assert_eq!(tl.cursor, 999, "opens at the latest message");
    let effects = press(&mut a, &[ch('g')]);
    assert_eq!(
        effects,
        vec![Effect::LoadTimeline {
            sender_ids: vec![2, 10],
            start: Some(0),
            limit: TIMELINE_WINDOW,
        }]
    );
    let effects = a.update(Action::Click(500));
    assert_eq!(
        effects,
        vec![Effect::LoadTimeline {
            sender_ids: vec![2, 10],
            start: Some(500 - TIMELINE_WINDOW / 2),
            limit: TIMELINE_WINDOW,
        }]
    );
    // A result for another timeline is ignored.
    a.update(Action::TimelineLoaded {
        sender_ids: vec![7],
        total: 3,
        start: 0,
        messages: Vec::new(),
    });
    assert_eq!(a.timeline.as_ref().unwrap().total, Some(1000));
}

#[test]
fn a_reload_keeps_the_open_timeline_and_reloads_its_window() {
    let mut a = app();
    press(&mut a, &[key(KeyCode::Enter)]);
    a.update(Action::TimelineLoaded {
        sender_ids: vec![2, 10],
        total: 10,
        start: 0,
        messages: Vec::new(),
    });
    let effects = a.update(Action::Loaded(Box::new(report())));
    assert_eq!(
        effects,
        vec![Effect::LoadTimeline {
            sender_ids: vec![2, 10],
            start: Some(0),
            limit: TIMELINE_WINDOW,
        }]
    );
    assert_eq!(a.timeline.as_ref().unwrap().cursor, 9);
    assert_eq!(a.screen, Screen::Timeline);
}

#[test]
fn i_ignores_the_sender_or_the_brand_when_grouped() {
    let mut a = app();
    assert!(press(&mut a, &[ch('i')]).is_empty(), "i asks first");
    assert!(matches!(
        a.overlay,
        Overlay::Confirm(Confirm::Ignore { .. })
    ));
    assert_eq!(
        press(&mut a, &[ch('y')]),
        vec![Effect::SetIgnored {
            brand: false,
            name: "95528".into(),
            ignored: true
        }]
    );
    press(&mut a, &[ch('b')]);
    assert_eq!(selected_key(&a), "95528", "grouping keeps the selection");
    assert_eq!(
        press(&mut a, &[ch('i'), ch('y')]),
        vec![Effect::SetIgnored {
            brand: true,
            name: "浦发银行".into(),
            ignored: true
        }]
    );
    a.update(Action::Outcome(Outcome::Ignored {
        brand: true,
        name: "浦发银行".into(),
        ignored: true,
        changed: true,
    }));
    assert_eq!(
        a.status.as_ref().map(|s| s.text.as_str()),
        Some("Ignoring brand 浦发银行: kept, never flagged. (U undoes)")
    );
}

#[test]
fn a_sender_ignored_through_its_brand_says_where_to_unignore() {
    let mut a = app();
    let mut r = report();
    for s in &mut r.senders {
        if s.brand.as_deref() == Some("浦发银行") {
            s.ignored = true;
            s.status = Status::Ignored;
        }
    }
    r.brands[0].ignored = true;
    a.update(Action::Loaded(Box::new(r)));
    let i = a
        .rows
        .iter()
        .position(|r| a.target_of(*r) == Some(Target::Sender("95528".into())))
        .unwrap();
    a.update(Action::Click(i));
    assert!(press(&mut a, &[ch('i')]).is_empty());
    let st = a.status.clone().unwrap();
    assert!(st.error && st.text.contains("brand 浦发银行"), "{st:?}");
}

#[test]
fn a_manual_opt_out_defaults_to_now_and_checks_the_date() {
    let mut a = app();
    press(&mut a, &[ch('m')]);
    let Overlay::Prompt(Prompt::Manual { date, channel, .. }) = &a.overlay else {
        panic!("{:?}", a.overlay)
    };
    assert_eq!(date, "2026-03-23 12:00");
    assert_eq!(channel, "other");
    // A bad date stays in the prompt with the reason.
    let mut events = vec![Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    ))];
    events.extend(typed("yesterday"));
    events.push(key(KeyCode::Enter));
    assert!(press(&mut a, &events).is_empty());
    let Overlay::Prompt(Prompt::Manual { error: Some(e), .. }) = &a.overlay else {
        panic!("{:?}", a.overlay)
    };
    assert!(e.contains("yesterday"), "{e}");
    let mut events: Vec<Event> = (0..9).map(|_| key(KeyCode::Backspace)).collect();
    events.extend(typed("2026-03-20 09:30"));
    events.push(key(KeyCode::Tab));
    events.extend((0..5).map(|_| key(KeyCode::Backspace)));
    events.extend(typed("phone-call"));
    events.push(key(KeyCode::Enter));
    assert_eq!(
        press(&mut a, &events),
        vec![Effect::RecordManualOptOut {
            brand: false,
            name: "95528".into(),
            at_ms: 1_773_970_200_000,
            utc_offset_s: Some(8 * 3600),
            channel: "phone-call".into(),
        }]
    );
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn export_offers_a_named_dated_file_for_the_sender_or_all_violating() {
    let mut a = app();
    a.export_dir = "/home/me".into();
    press(&mut a, &[ch('j'), ch('e')]);
    let Overlay::Prompt(Prompt::Export {
        dir, file, scope, ..
    }) = &a.overlay
    else {
        panic!("{:?}", a.overlay)
    };
    assert_eq!(dir, "/home/me", "the folder is shown");
    assert_eq!(file, "optout-evidence-美团-2026-03-23.html");
    assert_eq!(*scope, ExportScope::Selected);
    assert_eq!(
        press(&mut a, &[key(KeyCode::Enter)]),
        vec![Effect::WriteExport {
            sender_keys: vec!["1065502010".into()],
            path: "/home/me/optout-evidence-美团-2026-03-23.html".into(),
            redact: false,
            zh: false,
            overwrite: false,
        }]
    );
    // Tab to the scope, Space flips it (and the default name follows);
    // then redaction and language.
    let space = ch(' ');
    press(
        &mut a,
        &[
            ch('e'),
            key(KeyCode::Tab),
            space.clone(),
            key(KeyCode::Tab),
            space.clone(),
        ],
    );
    press(&mut a, &[key(KeyCode::Tab), space]);
    assert_eq!(
        press(&mut a, &[key(KeyCode::Enter)]),
        vec![Effect::WriteExport {
            sender_keys: vec!["95528".into()],
            path: "/home/me/optout-evidence-all-violating-2026-03-23.html".into(),
            redact: true,
            zh: true,
            overwrite: false,
        }]
    );
    // The folder is editable.
    let mut events = vec![ch('e')];
    events.extend((0..4).map(|_| key(KeyCode::Tab)));
    events.extend((0..8).map(|_| key(KeyCode::Backspace)));
    events.extend(typed("/tmp/my evidence"));
    events.push(key(KeyCode::Enter));
    let Some(Effect::WriteExport { path, .. }) = press(&mut a, &events).pop() else {
        panic!("{:?}", a.overlay)
    };
    assert!(
        path.starts_with("/tmp/my evidence/optout-evidence-"),
        "{path}"
    );
    a.update(Action::Outcome(Outcome::ExportFailed(
        "export not available in this build".into(),
    )));
    let st = a.status.clone().unwrap();
    assert!(st.error);
    assert_eq!(st.text, "Export failed: export not available in this build");
}

#[test]
fn search_filters_names_while_typing_and_message_text_on_enter() {
    let mut a = app();
    press(&mut a, &[ch('/')]);
    let mut events = typed("京");
    assert!(press(&mut a, &events).is_empty());
    assert_eq!(a.rows.len(), 1, "brand matches as you type");
    events = vec![key(KeyCode::Backspace)];
    events.extend(typed("red envelope"));
    events.push(key(KeyCode::Enter));
    assert_eq!(
        press(&mut a, &events),
        vec![Effect::Search {
            query: "red envelope".into()
        }]
    );
    assert!(a.rows.is_empty());
    a.update(Action::SearchDone {
        query: "red envelope".into(),
        sender_ids: vec![3],
        mode: crate::store::SearchMode::Index,
    });
    assert_eq!(selected_key(&a), "1065502010");
    assert_eq!(
        a.status.as_ref().map(|s| s.text.as_str()),
        Some("search “red envelope”: 1 sender (1 by message text)")
    );
    press(&mut a, &[key(KeyCode::Esc)]);
    assert!(a.search.is_none());
    assert_eq!(a.rows.len(), 6);
    assert!(!a.quit, "the first Esc clears the search");
}

#[test]
fn typing_in_a_prompt_never_triggers_commands() {
    let mut a = app();
    press(&mut a, &[ch('/')]);
    assert!(press(&mut a, &typed("qfsie?")).is_empty());
    assert!(!a.quit);
    assert_eq!(a.filter, Filter::Everything);
    assert_eq!(
        a.overlay,
        Overlay::Prompt(Prompt::Search {
            text: "qfsie?".into()
        })
    );
    press(&mut a, &[key(KeyCode::Esc)]);
    assert_eq!(a.overlay, Overlay::None);
    assert!(a.search.is_none(), "Esc drops what was typed");
    assert_eq!(a.rows.len(), 6);
    // … and puts back a search made before.
    let mut events = vec![ch('/')];
    events.extend(typed("京"));
    events.push(key(KeyCode::Enter));
    events.push(ch('/'));
    events.extend(typed("xyz"));
    events.push(key(KeyCode::Esc));
    press(&mut a, &events);
    assert_eq!(a.search.as_ref().map(|s| s.query.as_str()), Some("京"));
    assert_eq!(a.rows.len(), 1);
}

#[test]
fn the_timeline_screen_follows_the_selection() {
    let mut a = app();
    press(&mut a, &[key(KeyCode::Enter), key(KeyCode::Esc)]);
    assert!(
        press(&mut a, &[ch('2')]).is_empty(),
        "same sender: no reload"
    );
    assert_eq!(a.screen, Screen::Timeline);
    press(&mut a, &[key(KeyCode::Esc), ch('j')]);
    let effects = press(&mut a, &[ch('2')]);
    assert_eq!(
        a.timeline.as_ref().unwrap().target,
        Target::Sender("1065502010".into())
    );
    assert_eq!(effects.len(), 1);
}

#[test]
fn ctrl_c_and_q_quit_from_anywhere() {
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    let mut a = app();
    press(&mut a, &[ch('/'), ctrl_c.clone()]);
    assert!(a.quit);
    let mut a = app();
    press(&mut a, &[key(KeyCode::Enter), ch('q')]);
    assert!(a.quit);
    let mut a = app();
    press(&mut a, &[ch('?'), ch('q')]);
    assert!(!a.quit, "q closes the help");
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn advice_warns_suggests_or_repeats_the_instruction() {
    let mut a = app();
    assert_eq!(
        advice(&a, &Target::Sender("1069800123".into())),
        Advice::DoNotReply { advertised: None }
    );
    assert_eq!(
        advice(&a, &Target::Sender("10690001".into())),
        Advice::Send {
            keyword: "T".into(),
            to: "10690002".into()
        }
    );
    assert_eq!(
        advice(&a, &Target::Sender("1065502010".into())),
        Advice::Suggest {
            keyword: "R",
            to: "1065502010".into()
        }
    );
    assert_eq!(
        advice(&a, &Target::Sender("+8613912345678".into())),
        Advice::Unknown
    );
    let mut r = report();
    let mut us = sender(
        8,
        "+15555550123",
        None,
        SenderKind::Marketing,
        Status::Subscribed,
    );
    us.class = SenderClass::Mobile;
    r.senders.push(us);
    a.update(Action::Loaded(Box::new(r)));
    assert_eq!(
        advice(&a, &Target::Sender("+15555550123".into())),
        Advice::Suggest {
            keyword: "STOP",
            to: "+15555550123".into()
        }
    );
    press(&mut a, &[ch('u')]);
    assert!(matches!(a.overlay, Overlay::Unsubscribe(_)));
    press(&mut a, &[ch('x')]);
    assert!(matches!(a.overlay, Overlay::Unsubscribe(_)));
    press(&mut a, &[key(KeyCode::Esc)]);
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn mouse_click_selects_then_opens_and_the_wheel_scrolls() {
    let mut a = app();
    let mut ui = Ui {
        senders_rows: Rect::new(1, 4, 60, 10),
        ..Ui::default()
    };
    let click = |row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let act = |a: &mut App, ui: &Ui, e: &Event| {
        keys::action(a, ui, e).map_or_else(Vec::new, |x| a.update(x))
    };
    act(&mut a, &ui, &click(6));
    assert_eq!(a.selected, 2);
    assert_eq!(a.screen, Screen::Senders);
    act(&mut a, &ui, &click(40));
    assert_eq!(a.selected, 2, "outside the list");
    let effects = act(&mut a, &ui, &click(6));
    assert_eq!(a.screen, Screen::Timeline);
    assert_eq!(effects.len(), 1);
    press(&mut a, &[key(KeyCode::Esc)]);
    ui.senders_rows = Rect::new(1, 4, 60, 10);
    let wheel = Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    });
    act(&mut a, &ui, &wheel);
    assert_eq!(a.selected, 5);
}

#[test]
fn tab_cycles_screens_and_the_overview_loads_once() {
    let mut a = app();
    let e = press(&mut a, &[key(KeyCode::Tab)]);
    assert_eq!(a.screen, Screen::Timeline);
    assert!(matches!(e.as_slice(), [Effect::LoadTimeline { .. }]));
    assert_eq!(
        press(&mut a, &[key(KeyCode::Tab)]),
        vec![Effect::LoadOverview]
    );
    assert_eq!(a.screen, Screen::Overview);
    a.update(Action::OverviewLoaded(Overview::default()));
    press(&mut a, &[key(KeyCode::Tab)]);
    assert_eq!(a.screen, Screen::Senders);
    assert!(press(&mut a, &[ch('3')]).is_empty());
    assert_eq!(a.screen, Screen::Overview);
    press(&mut a, &[key(KeyCode::BackTab)]);
    assert_eq!(a.screen, Screen::Timeline);
}

#[test]
fn a_dragged_in_path_is_unquoted_and_tab_completes_it() {
    use super::prompts::{complete, unquote};
    assert_eq!(
        unquote("'/home/me/My Files/sms.xml'"),
        "/home/me/My Files/sms.xml"
    );
    assert_eq!(unquote("\"/tmp/a b.xml\" "), "/tmp/a b.xml");
    assert_eq!(
        unquote("/home/me/My\\ Files/it\\'s.xml"),
        "/home/me/My Files/it's.xml"
    );
    assert_eq!(unquote("file:///tmp/sms.xml"), "/tmp/sms.xml");
    assert_eq!(unquote("~/sms.xml"), "~/sms.xml");
    let (done, shown) = complete("~/sm", &["~/sms-1.xml".into(), "~/sms-2.xml".into()]);
    assert_eq!(done, "~/sms-");
    assert_eq!(shown, ["sms-1.xml", "sms-2.xml"]);
    let (done, shown) = complete("~/D", &["~/Downloads/".into()]);
    assert_eq!((done.as_str(), shown.len()), ("~/Downloads/", 0));
    // Tab in the import prompt asks the loop, then takes its answer.
    let mut a = app();
    press(&mut a, &[ch('I')]);
    press(&mut a, &typed("'~/D"));
    assert_eq!(
        press(&mut a, &[key(KeyCode::Tab)]),
        vec![Effect::CompletePath { path: "~/D".into() }]
    );
}

#[test]
fn a_toggles_between_the_to_do_view_and_all_and_u_undoes_an_ignore() {
    let mut a = app();
    a.filter = Filter::ToDo;
    a.rebuild_rows();
    press(&mut a, &[ch('a')]);
    assert_eq!(a.filter, Filter::All);
    press(&mut a, &[ch('a')]);
    assert_eq!(a.filter, Filter::ToDo);
    assert!(press(&mut a, &[ch('U')]).is_empty(), "nothing to undo yet");
    a.update(Action::Outcome(Outcome::Ignored {
        brand: false,
        name: "95528".into(),
        ignored: true,
        changed: true,
    }));
    assert_eq!(
        press(&mut a, &[ch('U')]),
        vec![Effect::SetIgnored {
            brand: false,
            name: "95528".into(),
            ignored: false
        }]
    );
    a.update(Action::Outcome(Outcome::Ignored {
        brand: false,
        name: "95528".into(),
        ignored: false,
        changed: true,
    }));
    assert_eq!(
        a.status.as_ref().map(|s| s.text.as_str()),
        Some("Undone: No longer ignoring sender 95528.")
    );
    assert!(a.undo.is_none(), "undone once");
    // n answers no.
    press(&mut a, &[ch('i')]);
    assert!(press(&mut a, &[ch('n')]).is_empty());
    assert_eq!(a.overlay, Overlay::None);
}

#[test]
fn enter_on_the_overview_opens_the_selected_offender() {
    let mut a = app();
    press(&mut a, &[ch('3')]);
    let e = press(&mut a, &[key(KeyCode::Enter)]);
    assert!(
        matches!(e.as_slice(), [Effect::LoadTimeline { .. }]),
        "{e:?}"
    );
    assert_eq!(a.screen, Screen::Timeline);
    assert_eq!(
        a.timeline.as_ref().map(|t| t.target.clone()),
        Some(Target::Brand("浦发银行".into()))
    );
}

#[test]
fn a_keyword_is_suggested_only_for_marketing_that_states_none() {
    let mut r = report();
    // A power company's service number that advertised nothing, and a bank
    // alert number: transactional, so no suggestion.
    let mut service = sender(20, "95598", None, SenderKind::Transactional, Status::None);
    service.class = SenderClass::Service;
    r.senders.push(service);
    // Marketing from a port, but the export names it as a saved contact.
    let mut saved = sender(
        21,
        "1065509999",
        None,
        SenderKind::Marketing,
        Status::Subscribed,
    );
    saved.contact_name = Some("Gym".into());
    r.senders.push(saved);
    // Plain marketing from a port with no keyword stated: suggested.
    r.senders.push(sender(
        22,
        "1065508888",
        None,
        SenderKind::Marketing,
        Status::Subscribed,
    ));
    let mut a = app();
    a.update(Action::Loaded(Box::new(r)));
    assert_eq!(advice(&a, &Target::Sender("95598".into())), Advice::Unknown);
    assert_eq!(
        advice(&a, &Target::Sender("1065509999".into())),
        Advice::Unknown
    );
    assert!(matches!(
        advice(&a, &Target::Sender("1065508888".into())),
        Advice::Suggest { .. }
    ));
}

#[test]
fn a_reload_that_moves_the_rows_keeps_the_selection_by_key() {
    let mut a = app();
    press(&mut a, &[ch('j'), ch('j'), ch('j')]);
    let before = selected_key(&a);
    assert!(!before.is_empty());
    let rows = a.rows.len();
    let first = a
        .rows
        .iter()
        .find_map(|r| match r {
            RowRef::Sender(i) => Some(a.report.senders[*i].key.clone()),
            _ => None,
        })
        .unwrap();
    assert_ne!(first, before);

    // A reload that fails takes nothing: the list is as it was.
    let failed: Result<Report, ()> = a.lend_report(|_| Err(()));
    assert!(failed.is_err());
    assert_eq!((a.rows.len(), selected_key(&a)), (rows, before.clone()));

    // One that moves the rows out leaves no row pointing into them ...
    let mut next = a.lend_report(std::mem::take);
    assert!(a.rows.is_empty() && a.selected_target().is_none());
    // ... and the next report, without the first row's sender (every row
    // below it moves up one), selects the same sender.
    next.senders.retain(|s| s.key != first);
    a.update(Action::Loaded(Box::new(next)));
    assert_eq!(a.rows.len(), rows - 1);
    assert_eq!(selected_key(&a), before);
}

#[test]
fn a_timeline_over_lists_left_in_the_cache_marks_them_once_read() {
    let mut left = report();
    for s in &mut left.senders {
        let f = &mut s.findings;
        f.violations = Moments::Left(f.violations.span());
        f.in_flight = Moments::Left(f.in_flight.span());
    }
    let mut a = app();
    a.update(Action::Loaded(Box::new(left)));
    let effects = press(&mut a, &[key(KeyCode::Enter)]);
    let pairs: Vec<(i64, i64)> = a
        .timeline
        .as_ref()
        .unwrap()
        .sender_keys
        .iter()
        .map(|k| a.sender(k).map(|s| (s.line_id, s.sender_id)).unwrap())
        .collect();
    assert_eq!(
        effects,
        vec![
            Effect::LoadTimeline {
                sender_ids: vec![2, 10],
                start: None,
                limit: TIMELINE_WINDOW,
            },
            Effect::LoadLists {
                pairs: pairs.clone()
            },
        ]
    );
    let tl = a.timeline.as_ref().unwrap();
    // Counted from the spans; marked only once the lists are read.
    assert_eq!((tl.violations, tl.in_flight), (2, 1));
    assert!(!tl.marks.contains_key(&201) && !tl.marks.contains_key(&1006));
    assert_eq!(tl.marks[&1005], vec![Mark::Confirmation]);
    let lists = MarkedLists {
        violations: vec![201, 202],
        in_flight: vec![1006],
    };
    // The lists of another timeline are not put on this one.
    a.update(Action::ListsLoaded {
        pairs: vec![(pairs[0].0, 99)],
        lists: lists.clone(),
    });
    assert!(!a.timeline.as_ref().unwrap().marks.contains_key(&201));
    a.update(Action::ListsLoaded { pairs, lists });
    let tl = a.timeline.as_ref().unwrap();
    assert_eq!(tl.marks[&201], vec![Mark::Violation]);
    assert_eq!(tl.marks[&202], vec![Mark::Violation]);
    assert_eq!(tl.marks[&1006], vec![Mark::InFlight]);
    assert!(tl.lists_left.is_empty());
}
