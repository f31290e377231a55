//! How fast optout answers on an imported database, for `scripts/bench.sh`:
//!
//! ```sh
//! cargo bench --bench answers -- DB            # every figure, one line each
//! cargo bench --bench answers -- DB tui-start  # just start the TUI (for /usr/bin/time -v)
//! ```
//!
//! Every figure is the median of a few runs, drawn through ratatui's
//! `TestBackend` (120×40) like `benches/tui.rs`:
//! - `tui_first_frame_cached`: open, first frame filled from the findings cache;
//! - `tui_first_frame_cold`: the same with the cache emptied (rebuilt: what
//!   every start cost before the cache);
//! - `report_full`: the full computation alone (`findings::compute`);
//! - `tui_ignore`, `tui_manual`: `i` on the first sender (and `i` back),
//!   `m` + Enter (and `u` to undo), each with its recompute and redraw.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use jiff::tz::TimeZone;
use optout::classify::Region;
use optout::store::Store;
use optout::track::Policy;
use optout::tui::strings::Lang;
use optout::tui::{Options, Session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(db) = args.first().map(PathBuf::from) else {
        eprintln!("usage: answers DB [tui-start]");
        std::process::exit(2);
    };
    if args.get(1).map(String::as_str) == Some("tui-start") {
        let t = start(&db);
        println!("tui_start {:.1} ms", ms(t));
        return;
    }
    // Warm the cache (and the page cache) once.
    start(&db);
    let first = median(5, || start(&db));
    println!("tui_first_frame_cached {:.1} ms", ms(first));
    let policy = policy();
    let full = median(3, || {
        let store = Store::open(&db).unwrap();
        let t = Instant::now();
        optout::findings::compute(&store, &policy).unwrap();
        t.elapsed()
    });
    println!("report_full {:.1} ms", ms(full));
    let cold = median(3, || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("DELETE FROM findings_state").unwrap();
        drop(conn);
        start(&db)
    });
    println!("tui_first_frame_cold {:.1} ms", ms(cold));
    let mut s = session(&db);
    let mut t = terminal();
    s.run(&mut t, &mut VecDeque::new()).unwrap();
    // `i` asks (no work), `y` ignores; the same again takes it back.
    let ignore = median(5, || {
        timed(&mut s, &mut t, &[key('i')]);
        let a = timed(&mut s, &mut t, &[key('y')]);
        said(&s, "ignore");
        timed(&mut s, &mut t, &[key('i')]);
        let b = timed(&mut s, &mut t, &[key('y')]);
        (a + b) / 2
    });
    println!("tui_ignore {:.1} ms", ms(ignore));
    // `m` opens the prompt (no work), Enter records now, `U` takes it back.
    let manual = median(5, || {
        timed(&mut s, &mut t, &[key('m')]);
        let a = timed(&mut s, &mut t, &[enter()]);
        said(&s, "manual");
        let b = timed(&mut s, &mut t, &[key('U')]);
        said(&s, "undo");
        (a + b) / 2
    });
    println!("tui_manual {:.1} ms", ms(manual));
}

/// What the status line says after a step (on stderr, once per kind).
fn said(s: &Session, what: &str) {
    static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut seen = SEEN.lock().unwrap();
    if !seen.iter().any(|w| w == what) {
        seen.push(what.to_string());
        eprintln!("{what}: {:?}", s.app.status.as_ref().map(|st| &st.text));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut v: Vec<Duration> = (0..n).map(|_| f()).collect();
    v.sort();
    v[n / 2]
}

/// Open the database and run the interface to its filled list.
fn start(db: &Path) -> Duration {
    let t = Instant::now();
    let mut s = session(db);
    let mut term = terminal();
    s.run(&mut term, &mut VecDeque::new()).unwrap();
    assert!(!s.app.loading, "the report never came");
    t.elapsed()
}

fn timed(s: &mut Session, t: &mut Terminal<TestBackend>, keys: &[Event]) -> Duration {
    let started = Instant::now();
    for k in keys {
        s.handle(k, t).unwrap();
    }
    t.draw(|f| optout::tui::views::draw(f, &s.app, &mut s.ui))
        .unwrap();
    started.elapsed()
}

fn zone() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

fn policy() -> Policy {
    Policy {
        zone: zone(),
        ..Policy::default()
    }
}

fn session(db: &Path) -> Session {
    let store = Store::open(db).unwrap();
    Session::new(
        Some(store),
        Options {
            lang: Lang::En,
            zone: zone(),
            policy: policy(),
            region: Region::default(),
            db_path: Some(db.to_path_buf()),
            colour: true,
            now_ms: Some(1_774_238_400_000),
            demo: false,
            export_dir: None,
            line: None,
        },
    )
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).unwrap()
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn enter() -> Event {
    Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
}
