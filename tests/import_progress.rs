//! An import's progress: the bytes of its file while it reads, then the
//! merge's two phases (messages written, then indexed for search), each
//! counted from 0 to its end, so no display sits at 100% while the
//! database is still being written.

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
    // Writing comes first, then indexing: nothing of one after the other.
    let merge = first.merge.borrow();
    let last_write = merge
        .iter()
        .rposition(|(p, _, _)| *p == MergePhase::Writing);
    let first_index = merge
        .iter()
        .position(|(p, _, _)| *p == MergePhase::Indexing);
    assert!(last_write < first_index, "{merge:?}");

    // The same file again: every message is written (and found a
    // duplicate); none is new, so nothing is indexed.
    let again = Recorded::default();
    let report = import(&mut store, &again);
    assert_eq!(report.new, 0);
    assert_eq!(phase(&again, MergePhase::Writing).0, report.duplicates);
    assert_eq!(phase(&again, MergePhase::Indexing), (0, vec![0]));
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

/// `q` in the interface while an import reads, writes or indexes: the
/// import stops there, says it was stopped, and the database is exactly as
/// it was (one transaction, rolled back; the staging file gone).
#[test]
fn an_import_stopped_while_reading_writing_or_indexing_writes_nothing() {
    // Each stops only in its own phase: a stop the import missed there
    // would let it finish.
    let stops: [(&str, Stop); 3] = [
        ("reading", |r| {
            !r.bytes.borrow().is_empty() && r.merge.borrow().is_empty()
        }),
        (
            "writing",
            |r| matches!(r.merge.borrow().last(), Some((MergePhase::Writing, d, _)) if *d > 0),
        ),
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
    }
}
