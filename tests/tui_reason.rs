//! The `w` window on the timeline: the selected message's kind, the rule
//! that decided it and the words that fired, highlighted in its text. Drawn
//! to ratatui's `TestBackend` from the bundled demo export, classified by
//! the built-in rules (so a rules change that changes the reason shows
//! here). The zone is Asia/Shanghai and "now" is fixed.

mod common;

use common::tui::{key, run_with, zone};

use crossterm::event::{Event, KeyCode};
use insta::assert_snapshot;
use optout::classify::{Classifier, Region};
use optout::import::{Format, ImportOptions};
use optout::store::Store;
use optout::tui::Options;
use optout::tui::strings::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

fn demo_store() -> Store {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.xml");
    std::fs::write(&path, optout::DEMO_EXPORT).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let options = ImportOptions {
        zone: zone(),
        ..ImportOptions::default()
    };
    optout::ingest::import_file(
        &mut store,
        &path,
        Format::AndroidXml,
        &options,
        &Classifier::builtin(),
        &Region::default(),
        &(),
    )
    .unwrap();
    store
}

/// The shared options, without an export directory.
fn options(lang: Lang) -> Options {
    Options {
        export_dir: None,
        ..common::tui::options(lang)
    }
}

fn screen(lang: Lang, events: Vec<Event>) -> Terminal<TestBackend> {
    run_with(Some(demo_store()), options(lang), (100, 30), events).1
}

/// The text of the cells drawn reversed (the highlighted words).
fn highlighted(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if cell.modifier.contains(Modifier::REVERSED) {
                out.push_str(cell.symbol());
            }
        }
    }
    out.replace(' ', "")
}

fn text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    buf.content()
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect()
}

/// Enter opens the first sender's timeline; `w` the reason of its message.
fn why() -> Vec<Event> {
    vec![key(KeyCode::Enter), key(KeyCode::Char('w'))]
}

#[test]
fn reason_window_names_the_rule_and_lights_the_words() {
    let en = screen(Lang::En, why());
    let all = text(&en);
    assert!(all.contains("Why this kind"), "{all}");
    assert!(all.contains("rule:"), "{all}");
    // The words that fired are drawn reversed, in the window's words line
    // and again inside the message text.
    let lit = highlighted(&en);
    assert!(!lit.is_empty(), "nothing highlighted:\n{all}");
    assert_snapshot!("reason_window_en", en.backend());
    assert_snapshot!("reason_window_zh", screen(Lang::Zh, why()).backend());
}

#[test]
fn reason_window_closes_with_w_and_esc() {
    let mut events = why();
    events.push(key(KeyCode::Char('w')));
    assert!(!text(&screen(Lang::En, events)).contains("Why this kind"));
    let mut events = why();
    events.push(key(KeyCode::Esc));
    assert!(!text(&screen(Lang::En, events)).contains("Why this kind"));
}

/// `w` from the senders list: the selected sender's kind, the rule that
/// gave it (stored with the message that gave the sender its kind) and the
/// words it matched, lit; then the sender's address.
#[test]
fn reason_window_from_the_senders_list_explains_the_sender() {
    let store = demo_store();
    let report = optout::findings::compute(&store, &options(Lang::En).policy).unwrap();
    let t = run_with(
        Some(store),
        options(Lang::En),
        (100, 30),
        vec![key(KeyCode::Char('w'))],
    )
    .1;
    let all = text(&t);
    assert!(all.contains("Why this kind"), "{all}");
    // The window explains a sender the list shows, with its stored reason.
    let shown = report
        .senders
        .iter()
        .find(|s| {
            all.contains(&format!(
                "rule: {}",
                s.kind_reason.as_ref().map_or("-", |r| r.rule.as_str())
            )) && all.contains(&s.key)
        })
        .expect("the window names a sender's rule and address");
    let reason = shown
        .kind_reason
        .as_ref()
        .expect("a marketing sender has a reason");
    let words = reason.text.as_deref().expect("its rule matched words");
    assert!(highlighted(&t).contains(&words.replace(' ', "")), "{all}");
    assert_snapshot!("reason_window_sender_en", t.backend());
}

#[test]
fn reason_window_without_a_sender_or_message_says_so() {
    // The overview has neither.
    let t = screen(
        Lang::En,
        vec![key(KeyCode::Char('3')), key(KeyCode::Char('w'))],
    );
    assert!(text(&t).contains("Select a sender"), "{}", text(&t));
}

/// A suspicious sender's "reply T" is bait: the list's keyword column says
/// not to reply instead of repeating it (the demo's +8617123450987 asks for
/// `T`), in both languages; a marketing sender's column is unchanged.
#[test]
fn a_suspicious_sender_s_keyword_column_says_do_not_reply() {
    for (lang, words) in [(Lang::En, "do not reply"), (Lang::Zh, "请勿回复")] {
        let t = run_with(Some(demo_store()), options(lang), (140, 40), Vec::new()).1;
        let rows = common::tui::lines(&t);
        let row = rows
            .iter()
            .find(|l| l.contains("+8617123450987") && !l.contains("Detail"))
            .unwrap_or_else(|| panic!("no row for the suspicious sender:\n{}", rows.join("\n")));
        assert!(row.contains(words), "{lang:?}: {row}");
        assert!(!row.contains("T→+8617123450987"), "{lang:?}: {row}");
        assert!(
            rows.iter().any(|l| l.contains("T→106903278812")),
            "a marketing sender keeps its keyword column"
        );
    }
}
