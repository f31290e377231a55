//! Issue 13, "a first hour without surprises", on the terminal interface:
//! numbers never cut at 120×40, 80×24 and 60×15 in English and Chinese,
//! the message log, help that scrolls, the "working…" frame, the keys a
//! popup names, undo, the overview's Enter and which database is open.

mod common;

use common::tui::{
    OnFlush, Watched, contains, import, key, keys, lines, options, redraw, run_with, screen_text,
    zone,
};

use std::collections::{HashSet, VecDeque};
use std::fmt::Write;

use crossterm::event::{Event, KeyCode};
use optout::store::Store;
use optout::tui::app::{Action, Outcome, Screen, Target};
use optout::tui::strings::{EN, Lang, ZH};
use optout::tui::{Options, Session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 3] = [(120, 40), (80, 24), (60, 15)];

fn fixture_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
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

/// The fixture plus the numbers: a 16-digit port with 12,887
/// marketing messages under a long brand, and a UK number whose opt-out
/// goes to +447700900123.
fn long_numbers_store() -> Store {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.xml");
    let mut xml = String::from("<?xml version='1.0' encoding='UTF-8'?>\n<smses>\n");
    for i in 0..12_887_i64 {
        writeln!(
            xml,
            "<sms address=\"1069057123990731\" date=\"{}\" type=\"1\" body=\"【某某超长品牌名称电子商务有限公司】第{i}期大促，回R退订\" />",
            1_767_225_600_000_i64 + i * 60_000
        )
        .unwrap();
    }
    writeln!(
        xml,
        "<sms address=\"+447700900555\" date=\"1772000000000\" type=\"1\" body=\"【Shop】Sale! Reply STOP\" />"
    )
    .unwrap();
    xml.push_str("</smses>\n");
    std::fs::write(&path, xml).unwrap();
    let mut store = fixture_store();
    import(&mut store, &path);
    let labels = std::fs::read_to_string(common::fixture("android/tui-labels.sql")).unwrap();
    store.conn().execute_batch(&labels).unwrap();
    store
        .conn()
        .execute_batch(
            "UPDATE messages SET optout_keyword = 'R' WHERE body LIKE '%回R退订%';
             UPDATE messages SET optout_target = '+447700900123' WHERE body LIKE '%Reply STOP%';
             UPDATE senders SET class = 'port' WHERE key LIKE '106%';",
        )
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

/// Every run of five or more digits (with a leading +) on the screen.
fn digit_runs(line: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = String::new();
    for c in line.chars().chain([' ']) {
        if c.is_ascii_digit() || (c == '+' && cur.is_empty()) {
            cur.push(c);
        } else {
            if cur.trim_start_matches('+').len() >= 5 {
                runs.push(cur.clone());
            }
            cur.clear();
        }
    }
    runs
}

#[test]
fn numbers_and_counts_are_never_cut_at_any_size_or_language() {
    // Built once, reused through a copy on disk.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("long.sqlite3");
    long_numbers_store()
        .conn()
        .execute("VACUUM INTO ?1", [db.display().to_string()])
        .unwrap();
    for lang in [Lang::En, Lang::Zh] {
        for size in SIZES {
            // The to-do view, every sender, and the long one found.
            let mut find = keys("/1069057");
            find.push(key(KeyCode::Enter));
            for events in [vec![], keys("ff"), find.clone()] {
                let (session, t) = run(Store::open(&db).unwrap(), lang, size, events.clone());
                let r = &session.app.report;
                // What was typed is shown as typed.
                let mut known: HashSet<String> = HashSet::from(["1069057".to_string()]);
                for s in &r.senders {
                    known.insert(s.key.clone());
                    known.extend(s.aliases.iter().cloned());
                    known.extend(s.target.iter().cloned());
                    known.extend(s.findings.optout.iter().map(|o| o.to.clone()));
                }
                let screen = lines(&t);
                for l in &screen {
                    for run in digit_runs(l) {
                        assert!(
                            known.contains(&run),
                            "{lang:?} {size:?} {events:?}: '{run}' is a cut number:\n{}",
                            screen.join("\n")
                        );
                    }
                }
                let row = screen
                    .iter()
                    .find(|l| l.contains("1069057123990731") && l.contains("R→"));
                if size.0 >= 80 && events == find {
                    let row = row.unwrap_or_else(|| panic!("{}", screen.join("\n")));
                    assert!(row.contains("12,887"), "{size:?}: {row}");
                    assert!(row.contains("R→1069057123990731"), "{row}");
                    // The brand is shortened, and says so.
                    assert!(row.contains('…'), "{row}");
                    assert!(!row.contains("2,887 ") || row.contains("12,887"));
                }
            }
        }
    }
}

#[test]
fn the_uk_target_is_shown_whole_at_120_and_80() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("long.sqlite3");
    long_numbers_store()
        .conn()
        .execute("VACUUM INTO ?1", [db.display().to_string()])
        .unwrap();
    for size in [(120, 40), (80, 24)] {
        let (_, t) = run(Store::open(&db).unwrap(), Lang::En, size, vec![]);
        assert!(
            contains(&t, "STOP→+447700900123"),
            "{size:?}\n{}",
            lines(&t).join("\n")
        );
    }
}

#[test]
fn the_log_keeps_every_error_in_full() {
    let (mut session, mut t) = run(fixture_store(), Lang::En, (80, 24), vec![]);
    let long = "could not read /home/me/sms.xml: line 3, column 7: unexpected end of the file\nthe export was cut while copying; copy it again";
    session
        .app
        .update(Action::Outcome(Outcome::Failed(long.into())));
    redraw(&mut session, &mut t);
    assert!(contains(&t, "(L for more)"), "{}", lines(&t).join("\n"));
    session.handle(&key(KeyCode::Char('L')), &mut t).unwrap();
    redraw(&mut session, &mut t);
    let screen = lines(&t).join("\n");
    assert!(screen.contains("Message log"), "{screen}");
    assert!(
        screen.contains("the export was cut while copying;"),
        "{screen}"
    );
    assert!(
        screen.contains("Start here"),
        "actions are kept too: {screen}"
    );
    assert_eq!(session.app.log.last().map(|e| e.text.as_str()), Some(long));
    session.handle(&key(KeyCode::Esc), &mut t).unwrap();
    assert!(!session.app.quit, "Esc closes the log");
}

#[test]
fn help_scrolls_on_a_small_terminal() {
    for lang in [Lang::En, Lang::Zh] {
        let (mut session, mut t) = run(fixture_store(), lang, (60, 15), keys("?"));
        assert!(contains(&t, "↑↓ 1–"), "{}", lines(&t).join("\n"));
        for _ in 0..60 {
            session.handle(&key(KeyCode::Down), &mut t).unwrap();
        }
        redraw(&mut session, &mut t);
        let last = match lang {
            Lang::En => "in flight",
            Lang::Zh => "宽限期内",
        };
        assert!(contains(&t, last), "{}", lines(&t).join("\n"));
    }
}

#[test]
fn a_terminal_below_the_minimum_says_what_size_is_needed() {
    let (_, t) = run(fixture_store(), Lang::En, (59, 14), vec![]);
    let screen = lines(&t).join(" ");
    assert!(
        screen.contains("59×14") && screen.contains("60×15"),
        "{screen}"
    );
}

#[test]
fn the_hint_bar_keeps_every_key_at_80_columns() {
    for (lang, strings) in [(Lang::En, &EN), (Lang::Zh, &ZH)] {
        let (_, t) = run(fixture_store(), lang, (80, 24), vec![]);
        let screen = lines(&t);
        let hints = screen[screen.len() - 3..].join(" ");
        for (k, what) in strings.hints_senders {
            assert!(
                hints.contains(&format!("{k} {what}")),
                "{k} {what}: {hints}"
            );
        }
        // … and the detail pane keeps what to do.
        assert!(
            screen
                .iter()
                .any(|l| l.contains(strings.advice_violating_short)),
            "{}",
            screen.join("\n")
        );
    }
}

/// The text of every frame the interface was asked to show.
#[derive(Default)]
struct Frames(Vec<String>);

impl OnFlush for Frames {
    fn flushed(&mut self, screen: &TestBackend) {
        self.0.push(screen_text(screen));
    }
}

#[test]
fn a_slow_action_draws_a_working_frame_first() {
    let mut session = Session::new(Some(fixture_store()), options(Lang::En));
    let mut terminal = Terminal::new(Watched {
        inner: TestBackend::new(100, 24),
        watch: Frames::default(),
    })
    .unwrap();
    let mut events: VecDeque<Event> = keys("/成功").into();
    events.push_back(key(KeyCode::Enter));
    events.extend(keys("iy"));
    session.run(&mut terminal, &mut events).unwrap();
    let frames = &terminal.backend().watch.0;
    for what in [
        "working… recomputing the statuses",
        "working… searching the messages",
        "working… saving the ignore",
    ] {
        assert!(
            frames.iter().any(|f| f.contains(what)),
            "no frame said {what}"
        );
    }
    assert!(
        session.app.working.is_none(),
        "and the last frame no longer does"
    );
}

#[test]
fn the_unsubscribe_popup_keys_work_from_it() {
    // On a violating sender: the evidence, never "send TD".
    let (session, t) = run(fixture_store(), Lang::En, (100, 30), keys("u"));
    let screen = lines(&t).join("\n");
    assert!(screen.contains("export the evidence (e)"), "{screen}");
    assert!(screen.contains("file a complaint"), "{screen}");
    assert!(!screen.contains("Send  TD"), "{screen}");
    drop(session);
    let (_, t) = run(fixture_store(), Lang::En, (100, 30), keys("ue"));
    assert!(contains(&t, "Write the evidence export"));
    let (_, t) = run(fixture_store(), Lang::En, (100, 30), keys("um"));
    assert!(contains(&t, "Record a manual opt-out"));
}

#[test]
fn undo_removes_exactly_the_manual_opt_out_just_recorded() {
    // Meituan is the third sender of the to-do view.
    let mut events = keys("jjm");
    events.push(key(KeyCode::Enter));
    let (session, t) = run(fixture_store(), Lang::En, (120, 24), events.clone());
    assert_eq!(session.store().unwrap().manual_optouts().unwrap().len(), 2);
    assert!(contains(&t, "(U undoes)"), "{}", lines(&t).join("\n"));
    events.extend(keys("U"));
    let (session, t) = run(fixture_store(), Lang::En, (120, 24), events);
    let left = session.store().unwrap().manual_optouts().unwrap();
    assert_eq!(left.len(), 1, "the earlier record stays");
    assert!(
        contains(
            &t,
            "Undone: removed the manual opt-out of sender 1065502010."
        ),
        "{}",
        lines(&t).join("\n")
    );
}

#[test]
fn enter_on_a_top_offender_opens_its_timeline() {
    let mut events = keys("3");
    events.push(key(KeyCode::Enter));
    let (session, t) = run(fixture_store(), Lang::En, (120, 30), events);
    assert_eq!(session.app.screen, Screen::Timeline);
    assert_eq!(
        session.app.timeline.as_ref().map(|t| t.target.clone()),
        Some(Target::Brand("浦发银行".into()))
    );
    assert!(contains(&t, "✗ violating"), "the header shows the status");
    // The overview's opted-out total is the header's (confirmed and
    // violating senders opted out too).
    let (session, t) = run(fixture_store(), Lang::En, (120, 30), keys("3"));
    let n = session.app.counts.opted_out;
    assert_eq!(n, 4);
    assert!(
        contains(&t, &format!("opted out {n}   ")),
        "{}",
        lines(&t).join("\n")
    );
}

#[test]
fn the_header_names_the_database_and_the_demo_says_temporary() {
    let (_, t) = run_with(
        Some(fixture_store()),
        Options {
            db_path: Some("/home/me/.local/share/optout/optout.sqlite3".into()),
            ..options(Lang::En)
        },
        (120, 24),
        vec![],
    );
    assert!(lines(&t)[0].contains("optout.sqlite3"), "{}", lines(&t)[0]);
    let (_, t) = run_with(
        Some(fixture_store()),
        Options {
            demo: true,
            ..options(Lang::En)
        },
        (120, 24),
        vec![],
    );
    assert!(lines(&t)[0].contains("demo: temporary sample, not saved"));
}

#[test]
fn a_search_opens_the_timeline_on_the_matching_message() {
    let mut events = keys("/退订成功");
    events.push(key(KeyCode::Enter));
    events.push(key(KeyCode::Enter));
    let (session, _) = run(fixture_store(), Lang::En, (120, 30), events);
    let tl = session.app.timeline.as_ref().unwrap();
    let m = tl.current().unwrap();
    assert!(m.body.contains("退订成功"), "{}", m.body);
}

#[test]
fn import_takes_a_dragged_in_path_with_spaces_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("My Files");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(
        common::fixture("android/cases.xml"),
        sub.join("sms backup.xml"),
    )
    .unwrap();
    for typed in [
        format!("'{}'", sub.join("sms backup.xml").display()),
        sub.join("sms backup.xml")
            .display()
            .to_string()
            .replace(' ', "\\ "),
    ] {
        let mut events = keys("I");
        events.extend(keys(&typed));
        events.push(key(KeyCode::Enter));
        let (session, _) = run_with(None, options(Lang::En), (120, 24), events);
        assert!(
            session
                .app
                .log
                .iter()
                .any(|e| e.text.contains("Imported 6 new messages")),
            "{typed}: {:?}",
            session.app.log
        );
    }
    // Tab completes a unique name.
    let mut events = keys("I");
    events.extend(keys(&format!("{}/My", dir.path().display())));
    events.push(key(KeyCode::Tab));
    let (session, _) = run_with(None, options(Lang::En), (120, 24), events);
    let optout::tui::app::Overlay::Prompt(optout::tui::app::Prompt::Import { path, .. }) =
        &session.app.overlay
    else {
        panic!("{:?}", session.app.overlay)
    };
    assert_eq!(*path, format!("{}/My Files/", dir.path().display()));
}
