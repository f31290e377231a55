//! How fast optout answers on an imported database, for `scripts/bench.sh`:
//!
//! ```sh
//! cargo bench --bench answers -- DB            # every figure, one line each
//! cargo bench --bench answers -- DB tui-start  # just start the TUI (for /usr/bin/time -v)
//! cargo bench --bench answers -- DB keys       # only `i` and `m`
//! ```
//!
//! Every figure is the median of a few runs, drawn through ratatui's
//! `TestBackend` (120×40) like `benches/tui.rs`:
//! - `tui_first_frame_cached`: open, the first frame (filled from the cache);
//! - `tui_start_to_list_cached`: to the end of start-up (the stored labels'
//!   rules version checked; the rules compile only if they must relabel);
//! - `tui_first_frame_cold`: the same with the cache emptied (rebuilt: what
//!   every start cost before the cache);
//! - `report_full`: the full computation alone (`findings::compute`);
//! - `tui_ignore`, `tui_manual`: `i` on the first sender (and `i` back),
//!   `m` + Enter (and `u` to undo), each with its recompute and redraw,
//!   in wall time and in the main thread's CPU time (Linux: on a machine
//!   others share, the CPU time is the figure that compares).
//!
//! The session is set up by the screen tests' harness
//! (`tests/common/tui.rs`: the zone, the clock, the options, the keys).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode};
use optout::store::Store;
use optout::track::Policy;
use optout::tui::strings::Lang;
use optout::tui::{Options, Session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "../tests/common/tui.rs"]
#[allow(dead_code)]
mod harness;

use harness::{OnFlush, Watched, key, screen_text, zone};

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
        let (first, all, cpu) = start(&db);
        println!(
            "tui_first_frame {:.1} ms ({:.1} ms CPU on the main thread), filled list {:.1} ms",
            ms(first),
            ms(cpu),
            ms(all)
        );
        return;
    }
    let keys_only = args.get(1).map(String::as_str) == Some("keys");
    // Warm the cache (and the page cache) once.
    start(&db);
    if !keys_only {
        figures(&db);
    }
    keys(&db);
}

/// The start-up figures and the full computation.
fn figures(db: &Path) {
    let db = db.to_path_buf();
    let runs: Vec<(Duration, Duration, Duration)> = (0..5).map(|_| start(&db)).collect();
    let first = median(5, runs.iter().map(|r| r.0));
    let all = median(5, runs.iter().map(|r| r.1));
    let cpu = median(5, runs.iter().map(|r| r.2));
    println!(
        "tui_first_frame_cached {:.1} ms ({:.1} ms CPU on the main thread)",
        ms(first),
        ms(cpu)
    );
    println!("tui_start_to_list_cached {:.1} ms", ms(all));
    let policy = policy();
    let full = median(
        3,
        (0..3).map(|_| {
            let store = Store::open(&db).unwrap();
            let t = Instant::now();
            optout::findings::compute(&store, &policy).unwrap();
            t.elapsed()
        }),
    );
    println!("report_full {:.1} ms", ms(full));
    let cold = median(
        3,
        (0..3).map(|_| {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch("DELETE FROM findings_state").unwrap();
            drop(conn);
            start(&db).1
        }),
    );
    println!("tui_start_to_list_rebuilding_cache {:.1} ms", ms(cold));
}

/// `i` and `m` on the first sender of the list.
fn keys(db: &Path) {
    let db = db.to_path_buf();
    let mut s = session(&db);
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    s.run(&mut t, &mut VecDeque::new()).unwrap();
    // `i` asks (no work), `y` ignores; the same again takes it back.
    let ignore: Vec<(Duration, Duration)> = (0..5)
        .map(|_| {
            timed(&mut s, &mut t, &[ch('i')]);
            let a = timed(&mut s, &mut t, &[ch('y')]);
            said(&s, "ignore");
            timed(&mut s, &mut t, &[ch('i')]);
            let b = timed(&mut s, &mut t, &[ch('y')]);
            ((a.0 + b.0) / 2, (a.1 + b.1) / 2)
        })
        .collect();
    print_pair("tui_ignore", &ignore);
    // `m` opens the prompt (no work), Enter records now, `U` takes it back.
    let manual: Vec<(Duration, Duration)> = (0..5)
        .map(|_| {
            timed(&mut s, &mut t, &[ch('m')]);
            let a = timed(&mut s, &mut t, &[key(KeyCode::Enter)]);
            said(&s, "manual");
            let b = timed(&mut s, &mut t, &[ch('U')]);
            said(&s, "undo");
            ((a.0 + b.0) / 2, (a.1 + b.1) / 2)
        })
        .collect();
    print_pair("tui_manual", &manual);
}

/// `name` wall and CPU medians, and the CPU range.
fn print_pair(name: &str, runs: &[(Duration, Duration)]) {
    let wall = median(runs.len(), runs.iter().map(|r| r.0));
    let mut cpu: Vec<Duration> = runs.iter().map(|r| r.1).collect();
    cpu.sort();
    println!(
        "{name} {:.1} ms wall, {:.1} ms CPU (CPU {:.1}–{:.1} ms)",
        ms(wall),
        ms(cpu[cpu.len() / 2]),
        ms(cpu[0]),
        ms(cpu[cpu.len() - 1])
    );
}

/// The calling thread's CPU time so far (Linux `schedstat`; zero elsewhere).
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
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

fn median(n: usize, runs: impl Iterator<Item = Duration>) -> Duration {
    let mut v: Vec<Duration> = runs.collect();
    assert_eq!(v.len(), n);
    v.sort();
    v[n / 2]
}

/// Open the database and run the interface: (to the first frame, when it
/// shows the filled list; to the end of start-up; the main thread's CPU
/// time to the first frame).
fn start(db: &Path) -> (Duration, Duration, Duration) {
    let t = Instant::now();
    let cpu = thread_cpu();
    let mut s = session(db);
    let mut term = Terminal::new(Watched {
        inner: TestBackend::new(120, 40),
        watch: FirstFrame {
            started: t,
            cpu,
            first: None,
        },
    })
    .unwrap();
    s.run(&mut term, &mut VecDeque::new()).unwrap();
    let all = t.elapsed();
    assert!(!s.app.loading, "the report never came");
    let (first, filled, cpu) = term.backend().watch.first.unwrap();
    // With a cold cache the first frame says "loading…": count the list.
    (if filled { first } else { all }, all, cpu)
}

/// Notes when the first frame was flushed, whether it was the list rather
/// than "loading…", and the main thread's CPU time to it.
struct FirstFrame {
    started: Instant,
    cpu: Duration,
    first: Option<(Duration, bool, Duration)>,
}

impl OnFlush for FirstFrame {
    fn flushed(&mut self, screen: &TestBackend) {
        if self.first.is_none() {
            let text = screen_text(screen);
            self.first = Some((
                self.started.elapsed(),
                !text.contains("loading"),
                thread_cpu().saturating_sub(self.cpu),
            ));
        }
    }
}

/// Handles `keys` and redraws: (wall time, this thread's CPU time).
fn timed(s: &mut Session, t: &mut Terminal<TestBackend>, keys: &[Event]) -> (Duration, Duration) {
    let started = Instant::now();
    let cpu = thread_cpu();
    for k in keys {
        s.handle(k, t).unwrap();
    }
    t.draw(|f| optout::tui::views::draw(f, &s.app, &mut s.ui))
        .unwrap();
    (started.elapsed(), thread_cpu().saturating_sub(cpu))
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
            db_path: Some(db.to_path_buf()),
            ..harness::options(Lang::En)
        },
    )
}
