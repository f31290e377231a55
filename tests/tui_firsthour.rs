//! Issue 13, the rest of "a first hour": the `M` list of manual opt-out
//! records (remove with y/n, undo), the import prompt's column mapping for
//! a CSV whose header is not recognised, and a mark on every opt-out reply
//! of a timeline, repeats included.

mod common;

use common::tui::{contains, import, key, keys, lines, options, run_with, zone};

use std::fmt::Write;
use std::path::Path;

use crossterm::event::{Event, KeyCode};
use insta::assert_snapshot;
use optout::store::Store;
use optout::track::Status;
use optout::tui::Session;
use optout::tui::app::{MapField, Overlay, Prompt};
use optout::tui::strings::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

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

fn run(
    store: Store,
    lang: Lang,
    size: (u16, u16),
    events: Vec<Event>,
) -> (Session, Terminal<TestBackend>) {
    run_with(Some(store), options(lang), size, events)
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

// --- I: a CSV whose columns are not recognised ---

/// A CSV with German column names, a note column longer than the text, and
/// the direction as in/out.
fn unknown_csv(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("export aus dem Handy.csv");
    std::fs::write(
        &path,
        "Zeitpunkt;Absender;Notiz;Inhalt;Art\n\
         2026-03-01 10:00;1069123000;aus dem alten Telefon übernommen, bitte prüfen;【美团】周末特惠，回T退订;in\n\
         2026-03-02 11:00;1069123000;;T;out\n\
         2026-03-03 12:00;95588;;【工商银行】您的账户消费100元;in\n",
    )
    .unwrap();
    path
}

fn open_import(path: &Path) -> Vec<Event> {
    let mut events = keys("I");
    events.extend(keys(&format!("'{}'", path.display())));
    events.push(key(KeyCode::Enter));
    events
}

fn stored(session: &Session) -> Vec<(String, String, String)> {
    let store = session.store().unwrap();
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT s.key, m.direction, m.body FROM messages m JOIN senders s ON s.id = m.sender_id
             ORDER BY m.ts_ms",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_unrecognised_csv_asks_for_the_columns_then_imports_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = unknown_csv(dir.path());
    // The prompt opens with guesses from the first row; nothing is imported yet.
    let (session, t) = run_with(None, options(Lang::En), (100, 30), open_import(&path));
    let Overlay::Prompt(Prompt::Columns(p)) = &session.app.overlay else {
        panic!("{:?}\n{}", session.app.overlay, lines(&t).join("\n"));
    };
    assert_eq!(
        p.header,
        ["Zeitpunkt", "Absender", "Notiz", "Inhalt", "Art"]
    );
    assert_eq!(p.column(MapField::Address), Some(1));
    assert_eq!(p.column(MapField::Date), Some(0));
    assert_eq!(p.column(MapField::Direction), Some(4));
    // The long note looks like the text: the user corrects it.
    assert_eq!(p.column(MapField::Body), Some(2));
    assert!(session.store().is_none_or(|s| stored_count(s) == 0));
    assert_snapshot!("columns_prompt_100x30_en", t.backend());

    // Down to the text, → to the next column (Inhalt), Enter imports.
    let mut events = open_import(&path);
    events.push(key(KeyCode::Down));
    events.push(key(KeyCode::Right));
    events.push(key(KeyCode::Enter));
    let (session, t) = run_with(None, options(Lang::En), (100, 30), events);
    assert_eq!(session.app.overlay, Overlay::None, "{:?}", session.app.log);
    assert_eq!(
        stored(&session),
        vec![
            (
                "1069123000".into(),
                "in".into(),
                "【美团】周末特惠，回T退订".into()
            ),
            ("1069123000".into(), "out".into(), "T".into()),
            (
                "95588".into(),
                "in".into(),
                "【工商银行】您的账户消费100元".into()
            ),
        ],
        "{:?}",
        session.app.log
    );
    assert!(
        contains(&t, "Imported 3 new messages"),
        "{}",
        lines(&t).join("\n")
    );
}

fn stored_count(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_columns_are_chosen_by_number_and_two_fields_cannot_share_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = unknown_csv(dir.path());
    // Number and text both on column 2: refused, nothing imported.
    let mut events = open_import(&path);
    events.extend(keys("2"));
    events.push(key(KeyCode::Tab));
    events.extend(keys("2"));
    events.push(key(KeyCode::Enter));
    let (session, t) = run_with(None, options(Lang::En), (100, 30), events.clone());
    assert!(matches!(
        session.app.overlay,
        Overlay::Prompt(Prompt::Columns(_))
    ));
    assert!(
        contains(&t, "Each field needs a column of its own"),
        "{}",
        lines(&t).join("\n")
    );
    assert!(session.store().is_none_or(|s| stored_count(s) == 0));
    // 4 for the text, no direction (0): every row is received.
    events.extend(keys("4"));
    events.push(key(KeyCode::Tab));
    events.push(key(KeyCode::Tab));
    events.extend(keys("0"));
    events.push(key(KeyCode::Enter));
    let (session, _) = run_with(None, options(Lang::En), (100, 30), events);
    let rows = stored(&session);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|(_, d, _)| d == "in"), "{rows:?}");
    assert_eq!(rows[1].2, "T");
}

#[test]
fn the_columns_prompt_in_chinese_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = unknown_csv(dir.path());
    let (_, t) = run_with(None, options(Lang::Zh), (80, 24), open_import(&path));
    // The path is the temporary folder's: keep it out of the snapshot.
    let shown = lines(&t).join("\n");
    assert!(shown.contains("哪一列是什么"), "{shown}");
    assert!(shown.contains("‹ 2 Absender ›"), "{shown}");
    assert!(shown.contains("例： 1069123000"), "{shown}");
}

#[test]
fn a_semicolon_csv_is_split_on_its_semicolons() {
    // The header line is read from the file, not from the decoder's first
    // few bytes: a `;` file was read as one column, with or without --map.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let csv = dir.path().join("semi.csv");
    std::fs::write(
        &csv,
        "date;address;body\n2026-03-01 10:00;1069123000;【美团】会员日，回T退订\n",
    )
    .unwrap();
    common::optout(&db)
        .args(["import", csv.to_str().unwrap()])
        .assert()
        .success();
    let mapped = unknown_csv(dir.path());
    common::optout(&db)
        .args([
            "import",
            "--map",
            "address=Absender,date=Zeitpunkt,body=Inhalt,direction=Art",
            mapped.to_str().unwrap(),
        ])
        .assert()
        .success();
    let store = Store::open(&db).unwrap();
    assert_eq!(stored_count(&store), 4);
}

// --- the timeline marks every opt-out reply ---

/// A Chinese port the user told T three times (T, t, full-width Ｔ) and
/// once "好的"; a US number told STOP twice and once T (not an opt-out
/// there).
fn replies_store() -> Store {
    const DAY: i64 = 86_400_000;
    let base = 1_772_323_200_000_i64; // 2026-03-01 00:00 UTC
    let rows: [(&str, i64, u8, &str); 10] = [
        ("1069123000", 0, 1, "【携程】特价机票，回T退订"),
        ("1069123000", 1, 2, "T"),
        ("1069123000", 4, 2, "t"),
        ("1069123000", 7, 2, "Ｔ"),
        ("1069123000", 8, 2, "好的，谢谢"),
        ("1069123000", 9, 1, "【携程】周末特惠，回T退订"),
        ("+15555550123", 0, 1, "Shop: Sale! Reply STOP"),
        ("+15555550123", 1, 2, "T"),
        ("+15555550123", 2, 2, "STOP"),
        ("+15555550123", 3, 2, "stop"),
    ];
    let mut xml = String::from("<?xml version='1.0' encoding='UTF-8'?>\n<smses>\n");
    for (address, day, kind, body) in rows {
        writeln!(
            xml,
            "<sms address=\"{address}\" date=\"{}\" type=\"{kind}\" body=\"{body}\" />",
            base + day * DAY + 3_600_000
        )
        .unwrap();
    }
    xml.push_str("</smses>\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replies.xml");
    std::fs::write(&path, xml).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, &path);
    let labels = std::fs::read_to_string(common::fixture("android/tui-labels.sql")).unwrap();
    store.conn().execute_batch(&labels).unwrap();
    store
}

fn timeline_of(store: Store, search: &str) -> (Session, Vec<String>) {
    let mut events = keys("a/");
    events.extend(keys(search));
    events.push(key(KeyCode::Enter));
    events.push(key(KeyCode::Enter));
    let (session, t) = run(store, Lang::En, (120, 70), events);
    (session, lines(&t))
}

/// The message heading above each "opt-out sent" mark.
fn marked(screen: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, l) in screen.iter().enumerate() {
        if l.contains("opt-out sent") {
            // The body is the line after the mark.
            out.push(
                screen
                    .get(i + 1)
                    .map_or(String::new(), |b| b.trim_matches(['│', ' ']).to_string()),
            );
        }
    }
    out
}

#[test]
fn every_opt_out_reply_is_marked_repeats_too_and_only_those() {
    let (session, screen) = timeline_of(replies_store(), "1069123000");
    assert_eq!(
        session.app.timeline.as_ref().map(|t| t.title.clone()),
        Some("1069123000".into())
    );
    assert_eq!(marked(&screen), ["T", "t", "Ｔ"], "{}", screen.join("\n"));
    // The user's other reply is not an opt-out.
    assert!(screen.iter().any(|l| l.contains("好的，谢谢")));
    let (_, screen) = timeline_of(replies_store(), "+15555550123");
    assert_eq!(marked(&screen), ["STOP", "stop"], "{}", screen.join("\n"));
}

#[test]
fn a_mapping_that_reads_nothing_asks_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = unknown_csv(dir.path());
    // The date on the text's column: no row reads; the question comes back
    // with the guesses as chosen, and the database holds nothing.
    let mut events = open_import(&path);
    events.push(key(KeyCode::Tab));
    events.push(key(KeyCode::Tab));
    events.extend(keys("4"));
    events.push(key(KeyCode::Enter));
    let (session, t) = run_with(None, options(Lang::En), (100, 30), events.clone());
    let Overlay::Prompt(Prompt::Columns(p)) = &session.app.overlay else {
        panic!("{:?}", session.app.overlay);
    };
    assert_eq!(p.column(MapField::Date), Some(3));
    assert!(
        contains(&t, "Nothing could be read with these columns"),
        "{}",
        lines(&t).join("\n")
    );
    assert!(session.store().is_none_or(|s| stored_count(s) == 0));
    assert!(
        session
            .app
            .log
            .iter()
            .any(|e| e.error && e.text.contains("bad date"))
    );
    // Put the date back (column 1) and the text on 4: it imports.
    events.extend(keys("1"));
    events.push(key(KeyCode::Up));
    events.extend(keys("4"));
    events.push(key(KeyCode::Enter));
    let (session, _) = run_with(None, options(Lang::En), (100, 30), events);
    assert_eq!(session.app.overlay, Overlay::None);
    assert_eq!(stored(&session).len(), 3);
}

#[test]
fn both_windows_fit_the_smallest_terminal() {
    // 60×15: the list drops the channel, never a number or a date.
    let (_, t) = run(records_store(), Lang::Zh, (60, 15), keys("Md"));
    let shown = lines(&t).join("\n");
    for whole in [
        "1069123000",
        "浦发银行",
        "95588",
        "2026-03-10 08:15",
        "y：是",
    ] {
        assert!(shown.contains(whole), "{whole}:\n{shown}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = unknown_csv(dir.path());
    let (_, t) = run_with(None, options(Lang::Zh), (60, 15), open_import(&path));
    let shown = lines(&t).join("\n");
    for field in [
        "号码（发送方）",
        "短信内容",
        "时间",
        "收发方向",
        "Enter：导入",
    ] {
        assert!(shown.contains(field), "{field}:\n{shown}");
    }
}
