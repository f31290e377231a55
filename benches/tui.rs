//! How fast the interface answers, drawn through ratatui's `TestBackend`
//! (120×40) on a generated database:
//!
//! ```sh
//! cargo bench --bench tui                                  # 100,000 messages
//! OPTOUT_BENCH_MESSAGES=1000000 cargo bench --bench tui    # 1,000,000
//! ```
//!
//! The export comes from `../shared/tools/gen_sms.py` when python3 and the
//! script are there (else a built-in synthetic export), is imported once
//! (and classified by the real rules) into `bench-data/`, then reused.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use divan::Bencher;
use optout::classify::{Classifier, Region};
use optout::import::{Format, ImportOptions};
use optout::store::Store;
use optout::track::Policy;
use optout::tui::strings::Lang;
use optout::tui::{Options, Session, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

fn main() {
    let db = database();
    eprintln!("benchmark database: {}", db.display());
    divan::main();
}

fn messages() -> u64 {
    std::env::var("OPTOUT_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// The labelled database, built on first use and kept in `bench-data/`.
fn database() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let dir = root.join("bench-data");
        std::fs::create_dir_all(&dir).unwrap();
        let n = messages();
        let db = dir.join(format!("tui-{n}.sqlite3"));
        if db.exists() {
            return db;
        }
        let xml = dir.join(format!("sms-{n}.xml"));
        if !xml.exists() {
            generate(&root, &xml, n);
        }
        let mut store = Store::open(&db).unwrap();
        let started = std::time::Instant::now();
        optout::ingest::import_file(
            &mut store,
            &xml,
            Format::AndroidXml,
            &ImportOptions {
                zone: zone(),
                ..ImportOptions::default()
            },
            &Classifier::builtin(),
            &Region::default(),
            &(),
        )
        .unwrap();
        eprintln!(
            "built {} ({} messages) in {:.1} s",
            db.display(),
            store.message_count().unwrap(),
            started.elapsed().as_secs_f64()
        );
        db
    })
}

/// `gen_sms.py` output, or a synthetic export with the same shape.
fn generate(root: &Path, xml: &Path, n: u64) {
    let script = root.join("../shared/tools/gen_sms.py");
    if script.exists() {
        let ok = Command::new("python3")
            .arg(&script)
            .args([
                "--messages",
                &n.to_string(),
                "--seed",
                "7",
                "--mms-fraction",
                "0",
            ])
            .arg("--out")
            .arg(xml)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return;
        }
    }
    eprintln!("gen_sms.py unavailable: writing a synthetic export");
    let mut out = String::from("<?xml version='1.0' encoding='UTF-8'?>\n<smses>\n");
    let brands = ["浦发银行", "京东", "美团", "携程", "招商银行", "ShopCo"];
    for i in 0..n {
        let date = 1_735_660_800_000_i64 + i as i64 * 60_000;
        let sender = i % 400;
        if sender < 300 {
            let _ = writeln!(
                out,
                "<sms address=\"+86139{sender:08}\" date=\"{date}\" type=\"{}\" body=\"message {i} 晚上吃饭吗\" />",
                1 + i % 2
            );
        } else {
            let brand = brands[(sender % 6) as usize];
            let _ = writeln!(
                out,
                "<sms address=\"10690{sender:05}\" date=\"{date}\" type=\"1\" body=\"【{brand}】offer {i}，回T退订\" />"
            );
        }
    }
    out.push_str("</smses>\n");
    std::fs::write(xml, out).unwrap();
}

/// The zone, clock and options of the screen tests' harness.
#[path = "../tests/common/tui.rs"]
#[allow(dead_code)]
mod harness;

use harness::zone;

fn session() -> Session {
    let store = Store::open(database()).unwrap();
    Session::new(
        Some(store),
        Options {
            db_path: Some(database().to_path_buf()),
            ..harness::options(Lang::En)
        },
    )
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap()
}

fn key(c: char) -> Event {
    harness::key(KeyCode::Char(c))
}

fn draw(session: &mut Session, terminal: &mut Terminal<TestBackend>) {
    terminal
        .draw(|f| views::draw(f, &session.app, &mut session.ui))
        .unwrap();
}

/// Start to the first frame ("loading…"): open the database, draw.
#[divan::bench(sample_count = 20)]
fn first_frame(bencher: Bencher) {
    bencher.bench_local(|| {
        let mut s = session();
        let mut t = terminal();
        draw(&mut s, &mut t);
    });
}

/// Start to the senders list: open, first frame, compute the report, draw.
#[divan::bench(sample_count = 10)]
fn first_full_frame(bencher: Bencher) {
    bencher.bench_local(|| {
        let mut s = session();
        let mut t = terminal();
        s.run(&mut t, &mut VecDeque::new()).unwrap();
    });
}

/// The report alone (once per data change).
#[divan::bench(sample_count = 10)]
fn report(bencher: Bencher) {
    let store = Store::open(database()).unwrap();
    let policy = Policy {
        zone: zone(),
        ..Policy::default()
    };
    bencher.bench_local(|| optout::findings::compute(&store, &policy).unwrap());
}

/// One key in the senders list (j, then k: the selection moves) and the redraw.
#[divan::bench]
fn keypress_senders(bencher: Bencher) {
    let mut s = session();
    let mut t = terminal();
    s.run(&mut t, &mut VecDeque::new()).unwrap();
    let mut down = true;
    bencher.bench_local(|| {
        let k = key(if down { 'j' } else { 'k' });
        down = !down;
        s.handle(&k, &mut t).unwrap();
        draw(&mut s, &mut t);
    });
}

/// Enter on the busiest marketing sender: count, read a window, draw.
#[divan::bench(sample_count = 50)]
fn open_timeline(bencher: Bencher) {
    let mut s = session();
    let mut t = terminal();
    // Sorted by marketing count, the first row is the busiest sender.
    s.run(&mut t, &mut VecDeque::from([key('s'), key('s')]))
        .unwrap();
    bencher.bench_local(|| {
        s.handle(
            &Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            &mut t,
        )
        .unwrap();
        draw(&mut s, &mut t);
        s.handle(
            &Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            &mut t,
        )
        .unwrap();
    });
}

/// One key in that timeline (within the loaded window) and the redraw.
#[divan::bench]
fn keypress_timeline(bencher: Bencher) {
    let mut s = session();
    let mut t = terminal();
    s.run(
        &mut t,
        &mut VecDeque::from([
            key('s'),
            key('s'),
            Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        ]),
    )
    .unwrap();
    let mut up = true;
    bencher.bench_local(|| {
        let k = key(if up { 'k' } else { 'j' });
        up = !up;
        s.handle(&k, &mut t).unwrap();
        draw(&mut s, &mut t);
    });
}

/// Jumping from the end to the start of that timeline: a new window.
#[divan::bench(sample_count = 50)]
fn timeline_jump(bencher: Bencher) {
    let mut s = session();
    let mut t = terminal();
    s.run(
        &mut t,
        &mut VecDeque::from([
            key('s'),
            key('s'),
            Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        ]),
    )
    .unwrap();
    let mut top = true;
    bencher.bench_local(|| {
        let k = key(if top { 'g' } else { 'G' });
        top = !top;
        s.handle(&k, &mut t).unwrap();
        draw(&mut s, &mut t);
    });
}
