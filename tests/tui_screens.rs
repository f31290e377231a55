//! The terminal interface drawn to ratatui's `TestBackend`: snapshots of
//! every screen in English and Chinese, colour where it carries meaning,
//! untrusted text that must not act, and the loop performing its effects
//! against a real (in-memory) store.
//!
//! Two data sets: the bundled demo export, and `tui.xml` with the labels
//! the classifier would give (`tui-labels.sql`), so these screens do not
//! depend on the rules. The zone is Asia/Shanghai and "now" is fixed.

mod common;

use common::tui::{contains, import, key, keys, lines, options, redraw, run_with, zone};

use std::collections::VecDeque;
use std::fmt::Write;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use optout::store::Store;
use optout::tui::app::Screen;
use optout::tui::strings::Lang;
use optout::tui::{Options, Session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

/// The bundled demo export.
fn demo_store() -> Store {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.xml");
    std::fs::write(&path, optout::DEMO_EXPORT).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, &path);
    store
}

/// `tui.xml` labelled, with a manual opt-out (Ctrip) and an ignored bank.
fn fixture_store() -> Store {
    fixture_store_in(Store::open_in_memory().unwrap())
}

/// [`fixture_store`] in `store` (a database file: the interface then
/// exports and fills its cache on threads with their own connections).
fn fixture_store_in(mut store: Store) -> Store {
    import(&mut store, &common::fixture("android/tui.xml"));
    let labels = std::fs::read_to_string(common::fixture("android/tui-labels.sql")).unwrap();
    store.conn().execute_batch(&labels).unwrap();
    let (at, offset) = optout::text::parse_user_time("2026-02-21 09:00", &zone()).unwrap();
    store
        .add_manual_optout(false, "1069123000", at, offset, "phone-call", None)
        .unwrap();
    store.set_ignored(false, "95588", true).unwrap();
    store
}

/// Runs a session on `store` through `events` and returns the terminal.
fn run(
    store: Option<Store>,
    lang: Lang,
    size: (u16, u16),
    events: Vec<Event>,
) -> (Session, Terminal<TestBackend>) {
    run_with(store, options(lang), size, events)
}

fn screen(store: Store, lang: Lang, size: (u16, u16), events: Vec<Event>) -> Terminal<TestBackend> {
    run(Some(store), lang, size, events).1
}

/// From the default to-do view to every sender (`f` twice: all, then
/// with personal and transactional, as `optout senders --all`).
fn everything() -> Vec<Event> {
    keys("ff")
}

// --- the demo export ---

#[test]
fn demo_senders() {
    assert_snapshot!(
        "demo_senders_en",
        screen(demo_store(), Lang::En, (100, 24), vec![]).backend()
    );
    assert_snapshot!(
        "demo_senders_zh",
        screen(demo_store(), Lang::Zh, (100, 24), vec![]).backend()
    );
}

#[test]
fn demo_timeline() {
    let enter = vec![key(KeyCode::Enter)];
    assert_snapshot!(
        "demo_timeline_en",
        screen(demo_store(), Lang::En, (100, 24), enter.clone()).backend()
    );
    assert_snapshot!(
        "demo_timeline_zh",
        screen(demo_store(), Lang::Zh, (100, 24), enter).backend()
    );
}

#[test]
fn demo_overview() {
    assert_snapshot!(
        "demo_overview_en",
        screen(demo_store(), Lang::En, (100, 24), keys("3")).backend()
    );
    assert_snapshot!(
        "demo_overview_zh",
        screen(demo_store(), Lang::Zh, (100, 24), keys("3")).backend()
    );
}

#[test]
fn demo_help() {
    assert_snapshot!(
        "demo_help_en",
        screen(demo_store(), Lang::En, (100, 30), keys("?")).backend()
    );
    assert_snapshot!(
        "demo_help_zh",
        screen(demo_store(), Lang::Zh, (100, 30), keys("?")).backend()
    );
}

// --- a labelled history: every status, mark and window ---

#[test]
fn senders_wide_and_narrow() {
    assert_snapshot!(
        "senders_wide_en",
        screen(fixture_store(), Lang::En, (130, 30), vec![]).backend()
    );
    assert_snapshot!(
        "senders_wide_zh",
        screen(fixture_store(), Lang::Zh, (130, 30), vec![]).backend()
    );
    assert_snapshot!(
        "senders_narrow_en",
        screen(fixture_store(), Lang::En, (80, 24), vec![]).backend()
    );
    assert_snapshot!(
        "senders_narrow_zh",
        screen(fixture_store(), Lang::Zh, (80, 24), vec![]).backend()
    );
}

#[test]
fn senders_grouped_by_brand() {
    assert_snapshot!(
        "senders_grouped_en",
        screen(fixture_store(), Lang::En, (130, 26), keys("b")).backend()
    );
}

#[test]
fn timeline_with_every_mark() {
    // The violating SPDB number is first; its timeline includes the sibling
    // that received the opt-out and the confirmation.
    let enter = vec![key(KeyCode::Enter)];
    assert_snapshot!(
        "timeline_en",
        screen(fixture_store(), Lang::En, (130, 30), enter.clone()).backend()
    );
    assert_snapshot!(
        "timeline_zh",
        screen(fixture_store(), Lang::Zh, (130, 30), enter).backend()
    );
    let mut rules = vec![key(KeyCode::Enter)];
    rules.extend(keys("rg"));
    assert_snapshot!(
        "timeline_rules_en",
        screen(fixture_store(), Lang::En, (130, 16), rules).backend()
    );
}

#[test]
fn overview_charts() {
    assert_snapshot!(
        "overview_en",
        screen(fixture_store(), Lang::En, (130, 30), keys("3")).backend()
    );
    assert_snapshot!(
        "overview_zh",
        screen(fixture_store(), Lang::Zh, (100, 30), keys("3")).backend()
    );
}

#[test]
fn unsubscribe_advice() {
    // In the to-do view the fifth sender is the suspicious ETC sender, the
    // third Meituan (no keyword stated), the first SPDB (violating: the
    // evidence, not another opt-out). The cursor skips group headings.
    assert_snapshot!(
        "unsubscribe_suspicious_en",
        screen(fixture_store(), Lang::En, (100, 24), keys("jjjju")).backend()
    );
    assert_snapshot!(
        "unsubscribe_suggestion_en",
        screen(fixture_store(), Lang::En, (100, 24), keys("jju")).backend()
    );
    assert_snapshot!(
        "unsubscribe_suggestion_zh",
        screen(fixture_store(), Lang::Zh, (100, 24), keys("jju")).backend()
    );
    assert_snapshot!(
        "unsubscribe_stated_zh",
        screen(fixture_store(), Lang::Zh, (100, 24), keys("u")).backend()
    );
}

#[test]
fn prompts() {
    assert_snapshot!(
        "manual_prompt_en",
        screen(fixture_store(), Lang::En, (100, 24), keys("m")).backend()
    );
    assert_snapshot!(
        "manual_prompt_zh",
        screen(fixture_store(), Lang::Zh, (100, 24), keys("m")).backend()
    );
    assert_snapshot!(
        "export_prompt_en",
        screen(fixture_store(), Lang::En, (100, 24), keys("e")).backend()
    );
    let mut search = keys("/");
    search.extend(keys("退订成功"));
    assert_snapshot!(
        "search_typing_en",
        screen(fixture_store(), Lang::En, (100, 24), search).backend()
    );
}

#[test]
fn welcome_without_a_database() {
    // Never created: nothing is imported here.
    let path = std::path::PathBuf::from("/nonexistent/optout/optout.sqlite3");
    for (lang, name) in [(Lang::En, "welcome_en"), (Lang::Zh, "welcome_zh")] {
        let mut session = Session::new(
            None,
            Options {
                db_path: Some(path.clone()),
                ..options(lang)
            },
        );
        let mut terminal = Terminal::new(TestBackend::new(100, 26)).unwrap();
        session.run(&mut terminal, &mut VecDeque::new()).unwrap();
        redraw(&mut session, &mut terminal);
        assert_snapshot!(name, terminal.backend());
    }
}

#[test]
fn a_small_terminal_says_so_and_a_resize_redraws() {
    let (mut session, mut terminal) = run(Some(fixture_store()), Lang::En, (50, 12), vec![]);
    assert_snapshot!("too_small_en", terminal.backend());
    terminal.backend_mut().resize(100, 24);
    session
        .handle(&Event::Resize(100, 24), &mut terminal)
        .unwrap();
    redraw(&mut session, &mut terminal);
    assert!(contains(&terminal, "95528"));
}

// --- colour ---

#[test]
fn a_violating_row_is_red_and_a_confirmed_one_green() {
    let t = screen(fixture_store(), Lang::En, (130, 30), everything());
    let buf = t.backend().buffer();
    let ls = lines(&t);
    let row = |needle: &str| ls.iter().position(|l| l.contains(needle)).unwrap() as u16;
    let badge_fg = |y: u16| {
        let x = (0..buf.area.width)
            .find(|&x| ["✗", "✓", "●", "!"].contains(&buf[(x, y)].symbol()))
            .unwrap();
        buf[(x, y)].fg
    };
    // Ctrip is not selected; 95528 is red too.
    assert_eq!(badge_fg(row("95528")), Color::Red);
    assert_eq!(badge_fg(row("1069123000")), Color::Red);
    assert_eq!(badge_fg(row("10690001")), Color::Green);
    assert_eq!(badge_fg(row("1065502010")), Color::Yellow);
}

#[test]
fn a_violation_in_the_timeline_is_red() {
    let t = screen(
        fixture_store(),
        Lang::En,
        (130, 30),
        vec![key(KeyCode::Enter)],
    );
    let buf = t.backend().buffer();
    let y = lines(&t)
        .iter()
        .position(|l| l.contains("VIOLATION"))
        .unwrap() as u16;
    let x = (0..buf.area.width)
        .find(|&x| buf[(x, y)].symbol() == "✗")
        .unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red);
}

// --- untrusted text ---

#[test]
fn escape_sequences_in_a_body_are_shown_not_acted_on() {
    // 老王's message holds ESC[2J (clear screen) and an OSC 52 clipboard write.
    let mut events = keys("/老王");
    events.push(key(KeyCode::Enter));
    events.push(key(KeyCode::Enter));
    let t = screen(fixture_store(), Lang::En, (100, 24), events);
    let buf = t.backend().buffer();
    for cell in &buf.content {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "a control character reached the terminal: {:?}",
            cell.symbol()
        );
    }
    assert!(contains(&t, "␛[2J␛]52;c;SGVsbG8=␇ end"), "{:#?}", lines(&t));
    assert!(contains(&t, "第二行"), "the line break is kept");
}

// --- the loop performs effects ---

#[test]
fn ignoring_writes_the_store_and_says_so() {
    // i asks (y/n); n changes nothing, y ignores.
    let (session, t) = run(Some(fixture_store()), Lang::En, (100, 24), keys("in"));
    assert!(session.store().unwrap().ignored().unwrap().len() == 1);
    assert!(contains(&t, "Nothing changed."));
    let (session, t) = run(Some(fixture_store()), Lang::En, (100, 24), keys("i"));
    assert!(contains(
        &t,
        "Ignore sender 95528? It is kept but never flagged."
    ));
    assert!(contains(&t, "y: yes"));
    drop(session);
    let (session, t) = run(Some(fixture_store()), Lang::En, (100, 24), keys("iy"));
    let store = session.store().unwrap();
    assert!(
        store
            .ignored()
            .unwrap()
            .contains(&(false, "95528".to_string()))
    );
    assert!(contains(
        &t,
        "Ignoring sender 95528: kept, never flagged. (U undoes)"
    ));
    assert_eq!(session.app.counts.violating, 1, "the report was recomputed");
    // The cursor moves to the row's neighbour (Ctrip, next in the group).
    assert_eq!(
        session.app.selected_target(),
        Some(optout::tui::app::Target::Sender("1069123000".into()))
    );
    // U reverses exactly that change, and says so.
    let (session, t) = run(Some(fixture_store()), Lang::En, (100, 24), keys("iyU"));
    let ignored = session.store().unwrap().ignored().unwrap();
    assert!(
        !ignored.contains(&(false, "95528".to_string())),
        "{ignored:?}"
    );
    assert!(
        ignored.contains(&(false, "95588".to_string())),
        "the other ignore stays"
    );
    assert!(
        contains(&t, "Undone: No longer ignoring sender 95528."),
        "{:#?}",
        lines(&t)
    );
    assert_eq!(session.app.counts.violating, 2);
}

#[test]
fn a_manual_opt_out_is_recorded_and_changes_the_status() {
    // Meituan (the third row) had no opt-out.
    let mut events = keys("jjm");
    events.push(key(KeyCode::Enter));
    let (session, t) = run(Some(fixture_store()), Lang::En, (100, 24), events);
    assert!(
        contains(
            &t,
            "Recorded a manual opt-out for sender 1065502010 at 2026-03-23 12:00 (other)."
        ),
        "{:#?}",
        lines(&t)
    );
    let s = session
        .app
        .report
        .senders
        .iter()
        .find(|s| s.key == "1065502010")
        .unwrap();
    assert_eq!(s.status, optout::track::Status::OptedOut);
    assert_eq!(
        s.findings.optout.as_ref().unwrap().manual.as_deref(),
        Some("other")
    );
}

#[test]
fn export_prompts_then_reports_the_outcome() {
    let (_, t) = run(Some(fixture_store()), Lang::En, (100, 24), keys("e"));
    // Named after what it covers (the selected sender's brand).
    assert!(
        contains(&t, "optout-evidence-浦发银行-2026-03-23.html"),
        "{:#?}",
        lines(&t)
    );
    // Replace the default path with one in a temporary directory.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evidence.html");
    let mut events = keys("e");
    events.push(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    events.extend(keys(&out.display().to_string()));
    events.push(key(KeyCode::Enter));
    let (_, t) = run(Some(fixture_store()), Lang::En, (100, 24), events);
    assert!(contains(&t, "wrote"), "{}", lines(&t).join("\n"));
    let html = std::fs::read_to_string(&out).expect("the export was written");
    assert!(html.contains("<!DOCTYPE html>") || html.contains("<!doctype html>"));
    // Written once: the same path again is refused, never overwritten.
    let mut again = keys("e");
    again.push(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    again.extend(keys(&out.display().to_string()));
    again.push(key(KeyCode::Enter));
    let mut no = again.clone();
    no.extend(keys("n"));
    let (_, t) = run(Some(fixture_store()), Lang::En, (100, 24), again);
    // Asked in the interface, never "pass --force".
    assert!(
        contains(&t, "already exists: overwrite? (y/n)"),
        "{}",
        lines(&t).join("\n")
    );
    assert!(!lines(&t).join("\n").contains("--"), "no CLI flag is named");
    std::fs::write(&out, "mine").unwrap();
    let (_, t) = run(Some(fixture_store()), Lang::En, (100, 24), no);
    assert!(contains(&t, "Nothing changed."));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "mine",
        "n keeps the file"
    );
    let mut yes = keys("e");
    yes.push(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    yes.extend(keys(&out.display().to_string()));
    yes.push(key(KeyCode::Enter));
    yes.extend(keys("y"));
    let (_, t) = run(Some(fixture_store()), Lang::En, (100, 24), yes);
    assert!(contains(&t, "wrote"), "{}", lines(&t).join("\n"));
    assert_ne!(
        std::fs::read_to_string(&out).unwrap(),
        "mine",
        "y overwrites"
    );
}

#[test]
fn an_export_from_the_interface_lists_every_violation_of_a_full_computation() {
    // The interface reads its findings with the lists of violations left
    // in the findings cache; its export reads them back from there.
    // In memory, on this thread; in a file, on a thread of its own.
    let full = optout::findings::compute(&fixture_store(), &options(Lang::En).policy).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for in_file in [false, true] {
        let store = if in_file {
            fixture_store_in(Store::open(&dir.path().join("db.sqlite3")).unwrap())
        } else {
            fixture_store()
        };
        let out = dir.path().join(format!("evidence-{in_file}.json"));
        lists_every_violation(store, &out, &full);
    }
}

fn lists_every_violation(store: Store, out: &std::path::Path, full: &optout::track::Report) {
    let mut events = keys("e");
    events.push(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    events.extend(keys(&out.display().to_string()));
    events.push(key(KeyCode::Enter));
    let (_, t) = run(Some(store), Lang::En, (100, 24), events);
    assert!(contains(&t, "wrote"), "{}", lines(&t).join("\n"));
    let evidence: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let mut listed = 0;
    for o in evidence["offenders"].as_array().unwrap() {
        let keys: Vec<&str> = o["senders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap())
            .collect();
        let mut want: Vec<i64> = full
            .senders
            .iter()
            .filter(|s| keys.contains(&s.key.as_str()))
            .flat_map(|s| s.findings.violations.held().unwrap().to_vec())
            .filter_map(|m| m.message_id)
            .collect();
        let mut got: Vec<i64> = o["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["message_id"].as_i64().unwrap())
            .collect();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "the violations of {keys:?}");
        listed += got.len();
    }
    assert!(listed > 0, "the selected brand has violations to list");
}

#[test]
fn importing_from_the_welcome_screen_fills_the_list() {
    let mut events = keys("I");
    events.extend(keys(
        &common::fixture("android/cases.xml").display().to_string(),
    ));
    events.push(key(KeyCode::Enter));
    events.extend(everything());
    let (session, t) = run(None, Lang::En, (120, 24), events);
    assert_eq!(session.app.screen, Screen::Senders);
    assert!(
        session.app.log.iter().any(|e| e
            .text
            .contains("Imported 6 new messages (0 already stored)")),
        "{:#?}",
        lines(&t)
    );
    assert!(contains(&t, "+15555550101"));
}

/// The import's gauge after the read: the merge's phase, its share and
/// its counts, in both languages (nothing sits at 100% while the database
/// is still written).
#[test]
fn the_import_gauge_names_the_merge_phase_and_counts_messages() {
    use optout::import::MergePhase;
    use optout::tui::app::Action;
    for (lang, writing, indexing) in [
        (
            Lang::En,
            "writing to the database: 40% (4,000 / 10,000)",
            "indexing for search: 75% (7,500 / 10,000)",
        ),
        (
            Lang::Zh,
            "正在写入数据库: 40% (4,000 / 10,000)",
            "正在建立搜索索引: 75% (7,500 / 10,000)",
        ),
    ] {
        let (mut session, mut t) = run(None, lang, (100, 24), Vec::new());
        session.app.update(Action::ImportStarted {
            file: "big.xml".into(),
            total: 2_000_000,
        });
        session.app.update(Action::ImportProgress(1_000_000));
        redraw(&mut session, &mut t);
        assert!(contains(&t, "50% (1.0 / 2.0 MB)"), "{:#?}", lines(&t));
        let phases = [
            (MergePhase::Writing, 4_000, writing),
            (MergePhase::Indexing, 7_500, indexing),
        ];
        for (phase, done, shown) in phases {
            session.app.update(Action::ImportMerging {
                phase,
                done,
                total: 10_000,
            });
            redraw(&mut session, &mut t);
            assert!(contains(&t, shown), "{lang:?} {phase:?}: {:#?}", lines(&t));
            assert!(contains(&t, "big.xml"));
        }
        // The index by sender, one statement: named, with no share.
        session.app.update(Action::ImportMerging {
            phase: MergePhase::Sorting,
            done: 0,
            total: 1,
        });
        redraw(&mut session, &mut t);
        let sorting = if lang == Lang::En {
            "indexing by sender…"
        } else {
            "正在按发送方建立索引…"
        };
        assert!(contains(&t, sorting), "{lang:?}: {:#?}", lines(&t));
        assert!(!contains(&t, "0 / 1"), "{lang:?}: {:#?}", lines(&t));
    }
}

#[test]
fn a_bad_import_says_why_and_changes_nothing() {
    let mut events = keys("I");
    events.extend(keys(
        &common::fixture("android/truncated.xml")
            .display()
            .to_string(),
    ));
    events.push(key(KeyCode::Enter));
    let (session, t) = run(Some(fixture_store()), Lang::En, (140, 24), events);
    assert!(
        contains(&t, "Import failed, nothing changed"),
        "{:#?}",
        lines(&t)
    );
    assert_eq!(session.store().unwrap().message_count().unwrap(), 22);
}

#[test]
fn search_finds_senders_by_message_text() {
    // "退订成功" (JD) and "成功退订" (SPDB's first number).
    let mut events = keys("/成功");
    events.push(key(KeyCode::Enter));
    let (session, t) = run(Some(fixture_store()), Lang::En, (100, 24), events);
    assert_eq!(session.app.rows.len(), 2);
    assert!(
        contains(&t, "search “成功”: 2 senders (2 by message text)"),
        "{:#?}",
        lines(&t)
    );
}

#[test]
fn a_long_timeline_is_read_a_window_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.xml");
    let mut xml = String::from("<?xml version='1.0' encoding='UTF-8'?>\n<smses count=\"500\">\n");
    for i in 0..500 {
        writeln!(
            xml,
            "<sms address=\"10690001\" date=\"{}\" type=\"1\" body=\"message number {i}\" />",
            1_767_225_600_000_i64 + i * 3_600_000
        )
        .unwrap();
    }
    xml.push_str("</smses>\n");
    std::fs::write(&path, xml).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, &path);
    let mut events = everything();
    events.push(key(KeyCode::Enter));
    let (mut session, mut t) = run(Some(store), Lang::En, (100, 24), events);
    let tl = session.app.timeline.clone().unwrap();
    assert_eq!(tl.total, Some(500));
    assert_eq!(tl.cursor, 499);
    assert!(
        tl.messages.len() < 500 && tl.start > 0,
        "{} from {}",
        tl.messages.len(),
        tl.start
    );
    assert!(contains(&t, "message number 499"));
    assert!(contains(&t, "500/500"));
    session.handle(&key(KeyCode::Char('g')), &mut t).unwrap();
    redraw(&mut session, &mut t);
    let tl = session.app.timeline.clone().unwrap();
    assert_eq!((tl.start, tl.cursor), (0, 0));
    assert!(contains(&t, "message number 0 "), "{:#?}", lines(&t));
    session.handle(&key(KeyCode::PageDown), &mut t).unwrap();
    assert!(session.app.timeline.as_ref().unwrap().cursor > 0);
}

#[test]
fn a_long_list_keeps_the_selection_on_screen_and_clicks_hit_their_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.xml");
    let mut xml = String::from("<?xml version='1.0' encoding='UTF-8'?>\n<smses>\n");
    for i in 0..60 {
        writeln!(
            xml,
            "<sms address=\"1069{i:04}\" date=\"{}\" type=\"1\" body=\"hello\" />",
            1_767_225_600_000_i64 - i * 60_000
        )
        .unwrap();
    }
    xml.push_str("</smses>\n");
    std::fs::write(&path, xml).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, &path);
    // Newest first: 10690000 … 10690059.
    let mut events = everything();
    events.extend(keys("G"));
    let (mut session, mut t) = run(Some(store), Lang::En, (100, 24), events);
    assert!(contains(&t, "10690059"));
    assert!(!contains(&t, "10690000 "));
    let y = lines(&t)
        .iter()
        .position(|l| l.contains("10690055"))
        .unwrap() as u16;
    let click = Event::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: 30,
        row: y,
        modifiers: KeyModifiers::NONE,
    });
    session.handle(&click, &mut t).unwrap();
    redraw(&mut session, &mut t);
    assert_eq!(
        session.app.selected_target(),
        Some(optout::tui::app::Target::Sender("10690055".into()))
    );
    session.handle(&key(KeyCode::Char('g')), &mut t).unwrap();
    redraw(&mut session, &mut t);
    assert!(contains(&t, "10690000 "));
}
