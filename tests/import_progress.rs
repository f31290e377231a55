//! An import's progress: the bytes of its file while it reads, then the
//! merge's phases (messages written; the index by sender built again when
//! the import outnumbers what is stored; the new messages indexed for
//! search), each counted from 0 to its end, so no display sits at 100%
//! while the database is still being written.

mod common;

use std::cell::{Cell, RefCell};

use common::root;
use optout::classify::{Classifier, Region};
use optout::import::{Format, ImportOptions, MergePhase, Progress};
use optout::store::Store;

/// Every report, in order.
#[derive(Default)]
struct Recorded {
    bytes: RefCell<Vec<u64>>,
    merge: RefCell<Vec<(MergePhase, u64, u64)>>,
}

impl Progress for Recorded {
    fn set_position(&self, bytes: u64) {
        self.bytes.borrow_mut().push(bytes);
    }

    fn merging(&self, phase: MergePhase, done: u64, total: u64) {
        self.merge.borrow_mut().push((phase, done, total));
    }
}

fn import(store: &mut Store, progress: &Recorded) -> optout::ingest::ImportReport {
    optout::ingest::import_file(
        store,
        &root().join("assets/demo-sms.xml"),
        Format::AndroidXml,
        &ImportOptions::default(),
        &Classifier::builtin(),
        &Region::default(),
        progress,
    )
    .unwrap()
}

/// The reports of one phase: each total the same, `done` from 0 up to it.
fn phase(recorded: &Recorded, phase: MergePhase) -> (u64, Vec<u64>) {
    let merge = recorded.merge.borrow();
    let of: Vec<_> = merge.iter().filter(|(p, _, _)| *p == phase).collect();
    assert!(!of.is_empty(), "{phase:?} was reported");
    let total = of[0].2;
    assert!(of.iter().all(|(_, _, t)| *t == total), "{phase:?}: {of:?}");
    let done: Vec<u64> = of.iter().map(|(_, d, _)| *d).collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{phase:?}: {done:?}");
    assert_eq!(done.first(), Some(&0), "{phase:?} starts at 0");
    assert_eq!(done.last(), Some(&total), "{phase:?} ends at its total");
    (total, done)
}

#[test]
fn an_import_reports_its_read_then_its_writing_then_its_indexing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let size = std::fs::metadata(root().join("assets/demo-sms.xml"))
        .unwrap()
        .len();

    let first = Recorded::default();
    let report = import(&mut store, &first);
    assert!(report.new > 0);
    assert_eq!(
        first.bytes.borrow().last(),
        Some(&size),
        "the read ends at the file's size"
    );
    let (written, _) = phase(&first, MergePhase::Writing);
    let (indexed, _) = phase(&first, MergePhase::Indexing);
    assert_eq!(
        written,
        report.new + report.duplicates,
        "every staged message"
    );
    assert_eq!(indexed, report.new, "the new messages");
    // Into an empty database: the index by sender is built after the rows,
    // reported once before and once after.
    assert_eq!(phase(&first, MergePhase::Sorting), (1, vec![0, 1]));
    // Writing comes first, then sorting, then indexing: nothing of one
    // after the next.
    let merge = first.merge.borrow();
    let last = |of: MergePhase| merge.iter().rposition(|(p, _, _)| *p == of);
    let first_of = |of: MergePhase| merge.iter().position(|(p, _, _)| *p == of);
    assert!(
        last(MergePhase::Writing) < first_of(MergePhase::Sorting),
        "{merge:?}"
    );
    assert!(
        last(MergePhase::Sorting) < first_of(MergePhase::Indexing),
        "{merge:?}"
    );

    // The same file again: every message is written (and found a
    // duplicate); none is new, so nothing is indexed, and it does not
    // outnumber what is stored, so the index is kept and updated.
    let again = Recorded::default();
    let report = import(&mut store, &again);
    assert_eq!(report.new, 0);
    assert_eq!(phase(&again, MergePhase::Writing).0, report.duplicates);
    assert_eq!(phase(&again, MergePhase::Indexing), (0, vec![0]));
    assert!(
        !again
            .merge
            .borrow()
            .iter()
            .any(|(p, _, _)| *p == MergePhase::Sorting),
        "{:?}",
        again.merge.borrow()
    );
}

/// The index by line, sender and time, as the database holds it.
fn index_by_line(db: &std::path::Path) -> Option<String> {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'messages_line_sender_ts'",
            [],
            |r| r.get(0),
        )
        .ok()
}

/// An import that outnumbers the stored messages drops the index by line,
/// sender and time and builds it again after its rows: afterwards it is
/// the index migration 9 made, every message in it, and used.
#[test]
fn the_index_by_sender_built_again_is_the_migrations_own() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let made = index_by_line(&db).expect("migration 9's index");
    let recorded = Recorded::default();
    let report = import(&mut store, &recorded);
    assert_eq!(phase(&recorded, MergePhase::Sorting), (1, vec![0, 1]));
    drop(store);
    assert_eq!(index_by_line(&db).as_deref(), Some(made.as_str()));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let indexed: u64 = conn
        .query_row(
            "SELECT count(*) FROM messages INDEXED BY messages_line_sender_ts WHERE line_id > 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexed, report.new);
}

/// Whether to stop, given what has been reported so far.
type Stop = fn(&Recorded) -> bool;

/// Stops when `stop` says so, given what has been reported so far.
struct StopWhen<F: Fn(&Recorded) -> bool> {
    seen: Recorded,
    stop: F,
    asked: Cell<u32>,
}

impl<F: Fn(&Recorded) -> bool> Progress for StopWhen<F> {
    fn set_position(&self, bytes: u64) {
        self.seen.set_position(bytes);
    }

    fn merging(&self, phase: MergePhase, done: u64, total: u64) {
        self.seen.merging(phase, done, total);
    }

    fn cancelled(&self) -> bool {
        self.asked.set(self.asked.get() + 1);
        (self.stop)(&self.seen)
    }
}

/// `q` in the interface while an import reads, writes, sorts or indexes: the
/// import stops there, says it was stopped, and the database is exactly as
/// it was (one transaction, rolled back; the staging file gone).
#[test]
fn an_import_stopped_while_reading_writing_sorting_or_indexing_writes_nothing() {
    // Each stops only in its own phase: a stop the import missed there
    // would let it finish.
    let stops: [(&str, Stop); 4] = [
        ("reading", |r| {
            !r.bytes.borrow().is_empty() && r.merge.borrow().is_empty()
        }),
        (
            "writing",
            |r| matches!(r.merge.borrow().last(), Some((MergePhase::Writing, d, _)) if *d > 0),
        ),
        ("sorting", |r| {
            matches!(r.merge.borrow().last(), Some((MergePhase::Sorting, _, _)))
        }),
        ("indexing", |r| {
            matches!(r.merge.borrow().last(), Some((MergePhase::Indexing, _, _)))
        }),
    ];
    for (when, stop) in stops {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.sqlite3");
        let mut store = Store::open(&db).unwrap();
        let before = common::dump(&db);
        let progress = StopWhen {
            seen: Recorded::default(),
            stop,
            asked: Cell::new(0),
        };
        let result = optout::ingest::import_file(
            &mut store,
            &root().join("assets/demo-sms.xml"),
            Format::AndroidXml,
            &ImportOptions::default(),
            &Classifier::builtin(),
            &Region::default(),
            &progress,
        );
        let Err(e) = result else {
            panic!("{when}: the import was not stopped");
        };
        assert!(
            matches!(e, optout::ingest::ImportFailure::Cancelled),
            "{when}: {e}"
        );
        assert!(e.to_string().contains("nothing was imported"), "{e}");
        assert!(progress.asked.get() > 0);
        drop(store);
        assert_eq!(common::dump(&db), before, "{when}: the database changed");
        assert!(
            index_by_line(&db).is_some(),
            "{when}: the index by sender is gone"
        );
    }
}
