//! The interface's test harness, shared by the `TestBackend` tests: a fixed
//! zone and "now", imports through the library, the session run through a
//! list of events, and the screen read back as text.

use std::collections::VecDeque;
use std::path::Path;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use jiff::tz::TimeZone;
use optout::classify::{Classifier, Region};
use optout::import::{Format, ImportOptions};
use optout::store::Store;
use optout::track::Policy;
use optout::tui::strings::Lang;
use optout::tui::{Options, Session};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use unicode_width::UnicodeWidthStr;

/// 2026-03-23 12:00 in Shanghai.
pub const NOW: i64 = 1_774_238_400_000;

pub fn zone() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

/// Imports an Android XML export into `store` in the test zone.
pub fn import(store: &mut Store, path: &Path) {
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

/// The options every screen test runs with: the test zone, a fixed now,
/// colour on, and an export directory under a made-up home.
pub fn options(lang: Lang) -> Options {
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
        export_dir: Some(std::path::PathBuf::from("/home/me/evidence")),
        line: None,
        rules: optout::classify::Classifier::builtin(),
        rules_warning: None,
    }
}

pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn keys(text: &str) -> Vec<Event> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}

/// Runs a session on `store` through `events` and returns it with the
/// terminal, redrawn in full.
pub fn run_with(
    store: Option<Store>,
    options: Options,
    (w, h): (u16, u16),
    events: Vec<Event>,
) -> (Session, Terminal<TestBackend>) {
    let mut session = Session::new(store, options);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut events: VecDeque<Event> = events.into();
    session.run(&mut terminal, &mut events).unwrap();
    redraw(&mut session, &mut terminal);
    (session, terminal)
}

/// Draws the whole screen again from scratch. `TestBackend` applies only
/// the cells that changed and, unlike a terminal, keeps what a new wide
/// character covers, so snapshots are taken from a full redraw.
pub fn redraw(session: &mut Session, terminal: &mut Terminal<TestBackend>) {
    terminal.clear().unwrap();
    terminal
        .draw(|f| optout::tui::views::draw(f, &session.app, &mut session.ui))
        .unwrap();
}

/// Every line of the screen, as text.
pub fn lines(t: &Terminal<TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut covered = 0;
            for x in 0..buf.area.width {
                // The cell after a wide character is part of it.
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

pub fn contains(t: &Terminal<TestBackend>, text: &str) -> bool {
    lines(t).iter().any(|l| l.contains(text))
}

/// What a [`Watched`] backend does at each flush (each frame shown).
pub trait OnFlush {
    fn flushed(&mut self, screen: &TestBackend);
}

/// A `TestBackend` that tells `watch` about every frame it shows, for
/// tests and benches that look at the frames drawn on the way, not only
/// at the last one.
pub struct Watched<W: OnFlush> {
    pub inner: TestBackend,
    pub watch: W,
}

/// The text of every cell of `screen`, row after row.
pub fn screen_text(screen: &TestBackend) -> String {
    screen.buffer().content().iter().map(Cell::symbol).collect()
}

impl<W: OnFlush> Backend for Watched<W> {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()?;
        self.watch.flushed(&self.inner);
        Ok(())
    }
}
