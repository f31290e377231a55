//! The interface's sends through a real process boundary (issue 15): `S`
//! on the to-do list and `s` in the unsubscribe window run stub
//! phone-link programs (tests/common/phone.rs) on the session's send
//! thread, which finds them through the session's program path; the pauses
//! go through an injected clock, so no test sleeps. Each test checks the
//! exact command lines, the progress view, the journal in the database and
//! the statuses after.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::phone::{PLANNED, Stubs, kdeconnect_send, query, strs};
use common::tui::{NOW, import, key, keys, lines, options, redraw};
use crossterm::event::{Event, KeyCode};
use optout::send::Clock;
use optout::store::Store;
use optout::track::Status;
use optout::tui::app::{RowRef, Target};
use optout::tui::strings::Lang;
use optout::tui::{ClockMaker, Session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A clock that never sleeps: it notes each pause, and with a gate its
/// first pause says "pausing" and waits for the test to let it go on.
struct TestClock {
    now: AtomicI64,
    slept: Arc<Mutex<Vec<Duration>>>,
    gate: Option<(Sender<()>, Receiver<()>)>,
}

impl Clock for TestClock {
    fn now(&self) -> (i64, Option<i32>) {
        // A second later each time it is read: every stamp is distinct.
        (self.now.fetch_add(1_000, Ordering::Relaxed), Some(28_800))
    }

    fn sleep(&mut self, pause: Duration) {
        self.slept.lock().unwrap().push(pause);
        self.now
            .fetch_add(pause.as_millis() as i64, Ordering::Relaxed);
        // Only the first pause waits for the test.
        if let Some((pausing, go_on)) = self.gate.take() {
            pausing.send(()).unwrap();
            go_on.recv().unwrap();
        }
    }
}

/// The pieces a test steers the clock with.
struct Gate {
    /// Hears the clock start a pause.
    pausing: Receiver<()>,
    /// Lets the clock finish it.
    go_on: Sender<()>,
}

struct Phone {
    dir: tempfile::TempDir,
    db: PathBuf,
    stubs: Stubs,
    slept: Arc<Mutex<Vec<Duration>>>,
}

impl Phone {
    /// A database holding `send/phone.xml` with 106900008001 ignored, and
    /// stubs for `programs`.
    fn new(programs: &[&str]) -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.sqlite3");
        let mut store = Store::open(&db).unwrap();
        import(&mut store, &common::fixture("send/phone.xml"));
        store.set_ignored(false, "106900008001", true).unwrap();
        let stubs = Stubs::new(dir.path().join("stubs"), programs);
        Phone {
            dir,
            db,
            stubs,
            slept: Arc::default(),
        }
    }

    /// A session on the database, its sends through the stubs and the
    /// test clock (gated when `gate`), after `events`.
    fn session(
        &self,
        lang: Lang,
        gate: bool,
        events: Vec<Event>,
    ) -> (Session, Terminal<TestBackend>, Option<Gate>) {
        let store = Store::open_existing(&self.db).unwrap();
        let mut session = Session::new(store, options(lang));
        session.set_send_programs(self.stubs.path().into());
        let (gate_for_clock, gate) = if gate {
            let (pausing_tx, pausing) = mpsc::channel();
            let (go_on, go_on_rx) = mpsc::channel();
            (
                Mutex::new(Some((pausing_tx, go_on_rx))),
                Some(Gate { pausing, go_on }),
            )
        } else {
            (Mutex::new(None), None)
        };
        let slept = Arc::clone(&self.slept);
        let make: ClockMaker = Arc::new(move || {
            Box::new(TestClock {
                now: AtomicI64::new(NOW),
                slept: Arc::clone(&slept),
                gate: gate_for_clock.lock().unwrap().take(),
            })
        });
        session.set_send_clock(make);
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        let mut events: std::collections::VecDeque<Event> = events.into();
        session.run(&mut terminal, &mut events).unwrap();
        (session, terminal, gate)
    }

    fn query(&self, sql: &str) -> Vec<Vec<String>> {
        query(&self.db, sql)
    }

    fn journal(&self) -> Vec<Vec<String>> {
        self.query("SELECT id, target, body, driver, status, error FROM sends ORDER BY id")
    }

    fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }
}

/// `S` then `y`: the whole to-do list, after the one question.
fn send_all() -> Vec<Event> {
    let mut events = keys("S");
    events.push(key(KeyCode::Char('y')));
    events
}

/// Waits for the run to end, then the screen as text.
fn finish(session: &mut Session, terminal: &mut Terminal<TestBackend>) -> String {
    assert!(!session.pump_sends(terminal, true).unwrap());
    screen(session, terminal)
}

fn screen(session: &mut Session, terminal: &mut Terminal<TestBackend>) -> String {
    redraw(session, terminal);
    lines(terminal).join("\n")
}

/// Puts the selection on `key`'s row.
fn select(session: &mut Session, key: &str) {
    let app = &session.app;
    let row = app
        .rows
        .iter()
        .position(|r| matches!(r, RowRef::Sender(i) if app.report.senders[*i].key == key))
        .unwrap_or_else(|| panic!("no row for {key}"));
    session.app.selected = row;
}

fn status_of(session: &Session, key: &str) -> (Status, Option<String>) {
    let s = session
        .app
        .report
        .senders
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no sender {key}"));
    (
        s.status,
        s.findings.optout.as_ref().and_then(|o| o.manual.clone()),
    )
}

#[test]
fn bulk_send_runs_the_phone_link_off_the_loop_and_stops_at_the_first_failure() {
    let phone = Phone::new(&["kdeconnect-cli"]);
    phone.stubs.set("devices", "phone1\n");
    phone.stubs.set("fail-at-kdeconnect-cli", "3");
    let (mut session, mut terminal, _) = phone.session(Lang::En, false, send_all());
    let shown = finish(&mut session, &mut terminal);
    insta::assert_snapshot!("bulk_send_stopped_at_a_failure", shown);

    let mut expected = vec![strs(&["kdeconnect-cli", "--list-available", "--id-only"])];
    expected.extend(
        PLANNED[..3]
            .iter()
            .map(|(k, t)| kdeconnect_send("phone1", t, k)),
    );
    assert_eq!(phone.stubs.calls(), expected, "the 4th is never tried");
    assert_eq!(
        phone.slept(),
        [Duration::from_secs(3); 2],
        "3 s before the 2nd and the 3rd"
    );
    let refused = "kdeconnect-cli failed (exit status 3): stub: the phone refused";
    assert_eq!(
        phone.journal(),
        vec![
            strs(&["1", "38294", "STOP", "kdeconnect", "sent", "NULL"]),
            strs(&["2", "106900003001", "N", "kdeconnect", "sent", "NULL"]),
            strs(&["3", "106900002001", "退订", "kdeconnect", "failed", refused]),
        ]
    );
    // Stamped by the injected clock (a second per reading): begun, then
    // finished; 3 s of pause between one and the next.
    assert_eq!(
        phone.query(
            "SELECT started_at_ms - ?0, finished_at_ms - ?0 FROM sends ORDER BY id"
                .replace("?0", &NOW.to_string())
                .as_str()
        ),
        vec![
            strs(&["0", "1000"]),
            strs(&["5000", "6000"]),
            strs(&["10000", "11000"])
        ]
    );
    assert_eq!(
        phone.query("SELECT scope, name, channel FROM manual_optouts ORDER BY id"),
        vec![
            strs(&["sender", "38294", "kdeconnect"]),
            strs(&["brand", "山野户外", "kdeconnect"]),
        ]
    );
    // The statuses were recomputed at the end.
    assert_eq!(
        status_of(&session, "38294"),
        (Status::OptedOut, Some("kdeconnect".into()))
    );
    assert_eq!(status_of(&session, "106900002001").0, Status::Subscribed);
    let status = session.app.status.clone().unwrap();
    assert!(status.error);
    assert_eq!(
        status.text,
        "2 sent via kdeconnect, awaiting confirmation; 1 failed; 1 not sent."
    );

    // Enter closes the view; the sent sender's detail says how it was sent.
    let after = [key(KeyCode::Enter), key(KeyCode::Char('a'))];
    for e in &after {
        session.handle(e, &mut terminal).unwrap();
    }
    select(&mut session, "38294");
    let shown = screen(&mut session, &mut terminal);
    assert!(
        shown.contains("(sent via kdeconnect, awaiting confirmation)"),
        "{shown}"
    );
}

#[test]
fn esc_during_the_pause_stops_before_the_next_send_with_an_exact_record() {
    let phone = Phone::new(&["kdeconnect-cli"]);
    phone.stubs.set("devices", "phone1\n");
    let (mut session, mut terminal, gate) = phone.session(Lang::En, true, send_all());
    let gate = gate.unwrap();
    // The first is sent; the thread waits before the second.
    gate.pausing
        .recv_timeout(Duration::from_secs(120))
        .expect("the send thread never paused");
    assert!(
        session.pump_sends(&mut terminal, false).unwrap(),
        "still running"
    );
    insta::assert_snapshot!("bulk_send_pausing", screen(&mut session, &mut terminal));
    // The interface answers keys meanwhile: Esc asks it to stop.
    session.handle(&key(KeyCode::Esc), &mut terminal).unwrap();
    let stopping = screen(&mut session, &mut terminal);
    assert!(
        stopping.contains("Stopping after the current send; what was sent stays recorded."),
        "{stopping}"
    );
    gate.go_on.send(()).unwrap();
    let shown = finish(&mut session, &mut terminal);
    insta::assert_snapshot!("bulk_send_stopped_by_esc", shown);
    assert_eq!(
        phone.stubs.sends(),
        vec![kdeconnect_send("phone1", "38294", "STOP")]
    );
    assert_eq!(
        phone.journal(),
        vec![strs(&["1", "38294", "STOP", "kdeconnect", "sent", "NULL"])],
        "nothing pending, nothing else begun"
    );
    assert_eq!(
        phone.query("SELECT name, channel, note FROM manual_optouts"),
        vec![strs(&["38294", "kdeconnect", "optout send #1"])]
    );
    assert_eq!(status_of(&session, "38294").0, Status::OptedOut);
    assert_eq!(status_of(&session, "106900003001").0, Status::Subscribed);
}

#[test]
fn s_in_the_unsubscribe_window_sends_one_without_blocking() {
    let phone = Phone::new(&["termux-sms-send"]);
    let (mut session, mut terminal, _) = phone.session(Lang::En, false, Vec::new());
    let (keyword, number) = ("N", "106900003001");
    select(&mut session, number);
    assert_eq!(
        session.app.selected_target(),
        Some(Target::Sender(number.into()))
    );
    for e in keys("us").into_iter().chain([key(KeyCode::Char('y'))]) {
        session.handle(&e, &mut terminal).unwrap();
    }
    assert!(session.is_sending(), "the send runs on its thread");
    let shown = finish(&mut session, &mut terminal);
    assert!(
        shown.contains(&format!("✓ sent #1  {keyword} → {number}")),
        "{shown}"
    );
    assert_eq!(
        phone.stubs.sends(),
        vec![strs(&["termux-sms-send", "-n", number, keyword])]
    );
    assert_eq!(
        phone.journal(),
        vec![strs(&["1", number, keyword, "termux", "sent", "NULL"])]
    );
    assert!(phone.slept().is_empty(), "no pause before a single send");
    assert_eq!(status_of(&session, number).0, Status::OptedOut);
}

#[test]
fn the_chinese_interface_says_why_nothing_was_sent_and_records_nothing() {
    let phone = Phone::new(&["kdeconnect-cli"]);
    phone.stubs.set("devices", "phoneA\ntabletB\n");
    let (mut session, mut terminal, _) = phone.session(Lang::Zh, false, send_all());
    let shown = finish(&mut session, &mut terminal);
    insta::assert_snapshot!("bulk_send_zh_several_devices", shown);
    assert!(shown.contains("kdeconnect：有多台可用设备"), "{shown}");
    assert_eq!(
        phone.stubs.calls(),
        vec![strs(&["kdeconnect-cli", "--list-available", "--id-only"])]
    );
    assert!(phone.journal().is_empty());
    assert!(phone.query("SELECT id FROM manual_optouts").is_empty());
    drop(phone.dir);
}

#[test]
fn a_send_a_crash_left_pending_is_not_sent_again_from_the_interface() {
    let phone = Phone::new(&["termux-sms-send"]);
    rusqlite::Connection::open(&phone.db)
        .unwrap()
        .execute(
            "INSERT INTO sends(line_id, purpose, sender, target, body, driver, status, started_at_ms)
             VALUES (1, 'optout', '38294', '38294', 'STOP', 'termux', 'pending', 1)",
            [],
        )
        .unwrap();
    let (mut session, mut terminal, _) = phone.session(Lang::En, false, send_all());
    finish(&mut session, &mut terminal);
    assert_eq!(
        phone.stubs.sends(),
        PLANNED[1..]
            .iter()
            .map(|(k, t)| strs(&["termux-sms-send", "-n", t, k]))
            .collect::<Vec<_>>(),
        "all but the pending one"
    );
    assert_eq!(
        phone.query("SELECT target, status FROM sends WHERE target = '38294'"),
        vec![strs(&["38294", "pending"])]
    );
}

#[test]
fn quitting_mid_run_waits_for_the_send_in_progress_and_sends_no_more() {
    let phone = Phone::new(&["termux-sms-send"]);
    let mut events = send_all();
    // In the progress view q stops like Esc; Ctrl-C quits.
    events.push(Event::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('c'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    let (session, _terminal, _) = phone.session(Lang::En, false, events);
    assert!(
        !session.is_sending(),
        "run() returned after the thread ended"
    );
    let journal = phone.journal();
    // How many left before the stop was seen depends on the thread; none
    // may be half done.
    assert!(journal.len() <= PLANNED.len(), "{journal:?}");
    assert!(
        journal.iter().all(|r| r[4] == "sent"),
        "nothing left pending: {journal:?}"
    );
    assert_eq!(phone.stubs.sends().len(), journal.len(), "{journal:?}");
}
