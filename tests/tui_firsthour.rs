//! Issue 13, the rest of "a first hour": the `M` list of manual opt-out
//! records (remove with y/n, undo), the import prompt's column mapping for
//! a CSV whose header is not recognised, and a mark on every opt-out reply
//! of a timeline, repeats included.

mod common;

use std::collections::VecDeque;
use std::path::Path;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use jiff::tz::TimeZone;
use optout::classify::{Classifier, Region};
use optout::import::{Format, ImportOptions};
use optout::store::Store;
use optout::track::{Policy, Status};
use optout::tui::app::Overlay;
use optout::tui::strings::Lang;
use optout::tui::{Options, Session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

/// 2026-03-23 12:00 in Shanghai.
const NOW: i64 = 1_774_238_400_000;

fn zone() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

fn import(store: &mut Store, path: &Path) {
    let options = ImportOptions {
        zone: zone(),
        ..ImportOptions::default()
    };
    optout::ingest::import_file(
        store,
        path,
        Format::AndroidXml,
        &options,
        &Classifier::builtin(),
        &Region::default(),
        &(),
    )
    .unwrap();
}

fn at(text: &str) -> (i64, Option<i32>) {
    optout::text::parse_user_time(text, &zone()).unwrap()
}

/// The labelled fixture with one manual opt-out (1069123000, by phone).
fn fixture_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, &common::fixture("android/tui.xml"));
    let labels = std::fs::read_to_string(common::fixture("android/tui-labels.sql")).unwrap();
    store.conn().execute_batch(&labels).unwrap();
    let (t, offset) = at("2026-02-21 09:00");
    store
        .add_manual_optout(false, "1069123000", t, offset, "phone-call", None)
        .unwrap();
    store
}

/// The fixture with two more records: a Chinese brand with a note, and a
/// sender on a second line.
fn records_store() -> Store {
    let store = fixture_store();
    let (t, offset) = at("2026-03-01 18:30");
    store
        .add_manual_optout(
            true,
            "浦发银行",
            t,
            offset,
            "app",
            Some("在App里关闭了营销短信"),
        )
        .unwrap();
    let work = store.ensure_line("work phone").unwrap();
    let (t, offset) = at("2026-03-10 08:15");
    store
        .add_manual_optout_on(work, false, "95588", t, offset, "website", None)
        .unwrap();
    store
}

fn options(lang: Lang) -> Options {
    Options {
        lang,
        zone: zone(),
        policy: Policy {
            zone: zone(),
            ..Policy::default()
        },
        region: Region::default(),
        db_path: None,
        colour: true,
        now_ms: Some(NOW),
        demo: false,
        export_dir: Some("/home/me/evidence".into()),
        line: None,
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn keys(text: &str) -> Vec<Event> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}

fn run_with(
    store: Option<Store>,
    options: Options,
    (w, h): (u16, u16),
    events: Vec<Event>,
) -> (Session, Terminal<TestBackend>) {
    let mut session = Session::new(store, options);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut events: VecDeque<Event> = events.into();
    session.run(&mut terminal, &mut events).unwrap();
    terminal.clear().unwrap();
    terminal
        .draw(|f| optout::tui::views::draw(f, &session.app, &mut session.ui))
        .unwrap();
    (session, terminal)
}

fn run(
    store: Store,
    lang: Lang,
    size: (u16, u16),
    events: Vec<Event>,
) -> (Session, Terminal<TestBackend>) {
    run_with(Some(store), options(lang), size, events)
}

fn lines(t: &Terminal<TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut covered = 0;
            for x in 0..buf.area.width {
                if covered > 0 {
                    covered -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                covered = sym.width().saturating_sub(1);
                line.push_str(sym);
            }
            line
        })
        .collect()
}

fn contains(t: &Terminal<TestBackend>, text: &str) -> bool {
    lines(t).iter().any(|l| l.contains(text))
}

fn status_of(session: &Session, key: &str) -> Status {
    session.app.sender(key).map(|s| s.status).unwrap()
}

// --- M: the manual opt-out records ---

#[test]
fn the_manual_list_at_120_and_80_columns() {
    let (_, t) = run(records_store(), Lang::En, (120, 40), keys("M"));
    assert_snapshot!("manual_list_120x40_en", t.backend());
    let (_, t) = run(records_store(), Lang::En, (80, 24), keys("M"));
    assert_snapshot!("manual_list_80x24_en", t.backend());
    let (_, t) = run(records_store(), Lang::Zh, (120, 40), keys("M"));
    assert_snapshot!("manual_list_120x40_zh", t.backend());
    // The Chinese brand's columns line up with the numbers' (cells, not chars).
    let rows: Vec<String> = lines(&t)
        .into_iter()
        .filter(|l| l.contains("#1 ") || l.contains("#2 ") || l.contains("#3 "))
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    let col = |l: &str, needle: &str| {
        l.find(needle)
            .and_then(|i| l.get(..i))
            .map(UnicodeWidthStr::width)
    };
    let dates: Vec<Option<usize>> = rows.iter().map(|l| col(l, "2026-0")).collect();
    assert!(
        dates.iter().all(|d| d.is_some() && *d == dates[0]),
        "{rows:#?}"
    );
}

#[test]
fn removing_a_record_asks_first_recomputes_and_undo_puts_it_back() {
    let (before, _) = run(fixture_store(), Lang::En, (120, 30), vec![]);
    assert_eq!(status_of(&before, "1069123000"), Status::Violating);

    // n: nothing removed.
    let (session, t) = run(fixture_store(), Lang::En, (120, 30), keys("Mdn"));
    assert_eq!(session.store().unwrap().manual_optouts().unwrap().len(), 1);
    assert!(contains(&t, "Nothing changed."), "{}", lines(&t).join("\n"));

    // d asks, y removes: the record is gone from the database, the list and
    // the report, and the status line says how to undo.
    let mut events = keys("Md");
    let (_, t) = run(fixture_store(), Lang::En, (120, 30), events.clone());
    assert!(
        contains(&t, "Remove manual opt-out #1 of sender 1069123000"),
        "{}",
        lines(&t).join("\n")
    );
    events.extend(keys("y"));
    let (session, t) = run(fixture_store(), Lang::En, (120, 30), events.clone());
    assert!(
        session
            .store()
            .unwrap()
            .manual_optouts()
            .unwrap()
            .is_empty()
    );
    assert_eq!(status_of(&session, "1069123000"), Status::Subscribed);
    assert!(
        contains(
            &t,
            "Removed the manual opt-out of sender 1069123000 (2026-02-21 09:00, phone-call). (U undoes)"
        ),
        "{}",
        lines(&t).join("\n")
    );
    assert!(contains(&t, "No manual opt-outs recorded."));

    // U records it again (same sender, time and channel) and the status
    // comes back.
    events.extend(keys("U"));
    let (session, t) = run(fixture_store(), Lang::En, (120, 30), events.clone());
    let left = session.store().unwrap().manual_optouts().unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].name, "1069123000");
    assert_eq!(left[0].at_ms, at("2026-02-21 09:00").0);
    assert_eq!(left[0].channel, "phone-call");
    assert_eq!(status_of(&session, "1069123000"), Status::Violating);
    assert!(
        contains(
            &t,
            "Undone: recorded the manual opt-out of sender 1069123000"
        ),
        "{}",
        lines(&t).join("\n")
    );
    // Esc closes the list, and a second U has nothing left to undo.
    events.push(key(KeyCode::Esc));
    events.extend(keys("U"));
    let (session, t) = run(fixture_store(), Lang::En, (120, 30), events);
    assert_eq!(session.app.overlay, Overlay::None);
    assert!(contains(&t, "Nothing to undo."));
    assert_eq!(session.store().unwrap().manual_optouts().unwrap().len(), 1);
}

#[test]
fn delete_removes_the_selected_record_not_another() {
    let mut events = keys("Mj");
    events.push(key(KeyCode::Delete));
    events.extend(keys("y"));
    let (session, _) = run(records_store(), Lang::En, (120, 30), events);
    let left: Vec<String> = session
        .store()
        .unwrap()
        .manual_optouts()
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(left, ["1069123000", "95588"]);
}
