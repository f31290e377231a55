//! Unit tests: file names, grace, financial words, times, control characters, atomic writes.

use super::*;
use crate::track::Grace;

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

#[test]
fn default_file_names_follow_the_selection() {
    let d = date("2026-11-29");
    assert_eq!(
        default_file_name(&Selection::default(), ExportFormat::Html, d),
        "optout-evidence-violating-2026-11-29.html"
    );
    let one = Selection {
        senders: vec!["+1 (555) 010/0100".into()],
        ..Selection::default()
    };
    assert_eq!(
        default_file_name(&one, ExportFormat::Csv, d),
        "optout-evidence-sender-+1-555-010-0100-2026-11-29.csv"
    );
    let brands = Selection {
        brands: vec!["浦发银行".into()],
        statuses: vec![Status::OptedOut],
        ..Selection::default()
    };
    assert_eq!(
        default_file_name(&brands, ExportFormat::Complaint, d),
        "optout-complaint-brand-浦发银行-opted-out-2026-11-29.txt"
    );
    let many = Selection {
        senders: vec!["a".into(), "b".into()],
        ..Selection::default()
    };
    assert_eq!(
        default_file_name(&many, ExportFormat::Json, d),
        "optout-evidence-2-senders-2026-11-29.json"
    );
    let slashes = Selection {
        brands: vec!["../../etc".into()],
        ..Selection::default()
    };
    assert_eq!(
        default_file_name(&slashes, ExportFormat::Json, d),
        "optout-evidence-brand-etc-2026-11-29.json"
    );
}

#[test]
fn grace_is_written_the_way_the_flag_takes_it() {
    assert_eq!(grace_str(Grace::Duration { ms: 86_400_000 }), "24h");
    assert_eq!(grace_str(Grace::Duration { ms: 2 * 86_400_000 }), "2d");
    assert_eq!(grace_str(Grace::Duration { ms: 3_600_000 * 36 }), "36h");
    assert_eq!(grace_str(Grace::Duration { ms: 90 * 60_000 }), "90m");
    assert_eq!(grace_str(Grace::BusinessDays(10)), "10bd");
}

#[test]
fn loan_and_credit_words_make_financial_marketing() {
    assert!(is_financial(&["【速贷】您有一笔5000元借款额度待领取"]));
    assert!(is_financial(&["Low APR personal LOANS today"]));
    assert!(!is_financial(&["Acme: 20% off everything this week!"]));
    assert!(!is_financial(&[]));
}

#[test]
fn times_keep_the_original_offset_and_give_utc() {
    let t = time_record(1_772_677_800_000, Some(-5 * 3600), &TimeZone::UTC);
    assert_eq!(t.local, "2026-03-04T21:30:00-05:00");
    assert_eq!(t.utc, "2026-03-05T02:30:00Z");
    assert_eq!(t.offset_source, "message");
    let sh = TimeZone::get("Asia/Shanghai").unwrap();
    let t = time_record(1_772_677_800_000, None, &sh);
    assert_eq!(t.local, "2026-03-05T10:30:00+08:00");
    assert_eq!(t.offset_source, "zone");
}

#[test]
fn control_characters_become_visible_and_line_breaks_stay() {
    assert_eq!(visible_controls("a\u{1b}[2Jb\n\tc"), "a␛[2Jb\n\tc");
    assert_eq!(visible_controls("x\u{202e}y\u{85}"), "x\u{FFFD}y\u{FFFD}");
    assert!(matches!(
        visible_controls("【浦发银行】😀"),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn atomic_writes_never_clobber_and_leave_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.json");
    write_atomically(&p, b"one", false).unwrap();
    assert!(matches!(
        write_atomically(&p, b"two", false),
        Err(ExportError::Exists(_))
    ));
    assert_eq!(std::fs::read(&p).unwrap(), b"one");
    write_atomically(&p, b"two", true).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"two");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("e.json")]);
}

#[test]
fn a_write_that_fails_midway_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.csv");
    let err = write::write_atomically_with(&p, false, |w| {
        w.write_all(b"half a file")?;
        Err(std::io::Error::other("disk full").into())
    })
    .unwrap_err();
    assert!(matches!(err, ExportError::Io { .. }), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // A panic while writing unwinds through the temporary file's drop, too.
    let caught = std::panic::catch_unwind(|| {
        let _ = write::write_atomically_with(&p, false, |w| {
            w.write_all(b"half").unwrap();
            panic!("renderer bug");
        });
    });
    assert!(caught.is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn csv_cells_are_neutralised_after_every_separator() {
    use super::csv::cell;
    assert_eq!(cell("a;=b"), "a;'=b");
    assert_eq!(cell("a; +b"), "a; '+b");
    assert_eq!(cell("x\t@y"), "x\t'@y");
    assert_eq!(
        cell("x,-2+3+cmd|' /C calc'!A0"),
        "x,'-2+3+cmd|' /C calc'!A0"
    );
    assert_eq!(cell("line\n=1+1"), "line\n'=1+1");
    assert_eq!(cell("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(cell("  =1"), "  '=1");
    assert_eq!(cell("=1"), "'=1");
    // Phone numbers and plain numbers stay exact.
    for n in [
        "+8613912345678",
        "+447700900123",
        "+1 (555) 010-0100",
        "-50",
        "10690571239907",
    ] {
        assert_eq!(cell(n), n);
    }
    assert_eq!(cell("a=b;c"), "a=b;c");
}
