//! The interface's offenders screen (`O`) on the five-phone fixture of
//! `scripts/make_offenders_fixture.py`, drawn to ratatui's `TestBackend`:
//! the ranking across every line (the other screens show one), numbers
//! never cut at 120×40 or 80×24, the detail on Enter, Esc back.

mod common;

use common::tui::{key, lines, options, run_with, zone};

use crossterm::event::{Event, KeyCode};
use insta::assert_snapshot;
use optout::classify::{Classifier, Region};
use optout::import::{Format, ImportOptions};
use optout::store::Store;
use optout::tui::Session;
use optout::tui::app::Screen;
use optout::tui::strings::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let options = ImportOptions {
        zone: zone(),
        ..ImportOptions::default()
    };
    for line in ["p1", "p2", "p3", "p4", "p5"] {
        optout::ingest::import_file_to_line(
            &mut store,
            line,
            &common::fixture(&format!("offenders/{line}.xml")),
            Format::AndroidXml,
            &options,
            &Classifier::builtin(),
            &Region::default(),
            &(),
        )
        .unwrap();
    }
    store
}

fn run(lang: Lang, size: (u16, u16), events: Vec<Event>) -> (Session, Terminal<TestBackend>) {
    run_with(Some(store()), options(lang), size, events)
}

/// The row of the table that starts with rank `rank` and names `name`.
fn row<'a>(all: &'a [String], rank: usize, name: &str) -> &'a str {
    all.iter()
        .find(|l| {
            let t = l.trim_start_matches(['│', ' ']);
            t.starts_with(&format!("{rank} ")) && t.contains(name)
        })
        .unwrap_or_else(|| panic!("no row {rank} {name} in\n{}", all.join("\n")))
}

#[test]
fn the_ranking_spans_every_line_at_120_by_40() {
    let (session, t) = run(Lang::En, (120, 40), vec![key(KeyCode::Char('O'))]);
    assert_eq!(session.app.screen, Screen::Offenders);
    let all = lines(&t);
    // 乙贷款: 3 lines with violations, 3 opted out, 4 reached, 6 violations.
    let first = row(&all, 1, "乙贷款");
    for cell in [" 3 ", " 4 ", " 6 ", "2026-03-06", "2026-03-18", "2.5", "T"] {
        assert!(first.contains(cell), "{cell} in {first}");
    }
    assert!(row(&all, 2, "甲银行").contains("3.5"));
    assert_snapshot!("offenders_120x40_en", t.backend());
}

#[test]
fn numbers_are_never_cut_at_80_by_24() {
    for lang in [Lang::En, Lang::Zh] {
        let (_, t) = run(lang, (80, 24), vec![key(KeyCode::Char('O'))]);
        let all = lines(&t);
        let first = row(&all, 1, "乙贷款");
        // Counts and violations whole; optional columns dropped, not cut.
        for cell in [" 3 ", " 4 ", " 6 "] {
            assert!(first.contains(cell), "{cell} in {first}");
        }
        assert!(!first.contains('…'), "{first}");
        // An unbranded offender's name is its number: whole.
        row(&all, 5, "10690000901");
        let name = match lang {
            Lang::En => "offenders_80x24_en",
            Lang::Zh => "offenders_80x24_zh",
        };
        assert_snapshot!(name, t.backend());
    }
}

#[test]
fn enter_shows_the_offenders_lines_and_esc_goes_back() {
    let (session, t) = run(
        Lang::En,
        (120, 40),
        vec![
            key(KeyCode::Char('O')),
            key(KeyCode::Down),
            key(KeyCode::Enter),
        ],
    );
    assert!(session.app.ranked.detail);
    let text = lines(&t).join("\n");
    // The second offender, 甲银行, on p1, p2, p3 (and reached p4).
    assert!(text.contains("10690000101, 10690000102"), "{text}");
    assert!(text.contains("p1, p2, p3, p4"), "{text}");
    assert!(text.contains("2026-03 6"), "{text}");
    // The table beside the detail still shows the unbranded number whole.
    row(&lines(&t), 5, "10690000901");
    assert_snapshot!("offenders_detail_120x40_en", t.backend());
    let (session, _) = run(
        Lang::En,
        (120, 40),
        vec![
            key(KeyCode::Char('O')),
            key(KeyCode::Enter),
            key(KeyCode::Esc),
        ],
    );
    assert_eq!(session.app.screen, Screen::Offenders);
    assert!(!session.app.ranked.detail);
    let (session, _) = run(
        Lang::En,
        (120, 40),
        vec![key(KeyCode::Char('O')), key(KeyCode::Esc)],
    );
    assert_eq!(session.app.screen, Screen::Senders);
}
