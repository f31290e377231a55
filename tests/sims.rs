//! One phone, two SIMs, in an SMS Backup & Restore export (issue 14): the
//! app records each message's SIM subscription (`sub_id`), so `optout
//! import` says when a file holds several and `--line-per-sim` gives each
//! its own line, as it does for `mmssms.db` (`tests/offenders_owner.rs`).
//! On the hand-written `fixtures/sims/two-sims.xml` and on two real exports
//! of the shared data.

mod common;

use std::path::Path;

use common::{dump, fixture, optout, shared_data};
use optout::import::android_xml::sims::{SimCounts, sim_counts};
use serde_json::Value;

/// `optout lines`: each line's name and message count.
fn lines(db: &Path) -> Vec<(String, u64)> {
    let out = optout(db).arg("lines").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let mut cols = l.split_whitespace();
            let name = cols.next().unwrap().to_string();
            (name, cols.next().unwrap().parse().unwrap())
        })
        .collect()
}

fn import(db: &Path, args: &[&str], file: &Path) -> (bool, String) {
    let out = optout(db)
        .arg("import")
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn status_on(db: &Path, line: &str, key: &str) -> (String, u64) {
    let out = optout(db)
        .args(["senders", "--all", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = all
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["line"] == line && s["sender"] == key)
        .unwrap_or_else(|| panic!("no {key} on {line}: {all}"));
    (
        s["status"].as_str().unwrap().to_string(),
        s["after_optout"].as_u64().unwrap(),
    )
}

fn owned(lines: &[(&str, u64)]) -> Vec<(String, u64)> {
    lines.iter().map(|&(l, n)| (l.to_string(), n)).collect()
}

#[test]
fn the_fixture_counts_its_messages_per_sim() {
    // 4 records of SIM 1, 4 of SIM 2 (one a draft: every record counts),
    // and an SMS without sub_id and an MMS with -1 that record none.
    assert_eq!(
        sim_counts(&fixture("sims/two-sims.xml")).unwrap(),
        SimCounts {
            sims: vec![(1, 4), (2, 4)],
            unrecorded: 2
        }
    );
}

#[test]
fn an_export_of_two_sims_imported_whole_says_so_and_split_shares_no_opt_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("sims/two-sims.xml");

    // Without the option: one line, the note naming the command, and SIM
    // 1's opt-out counted against SIM 2's promotions too (4 after it).
    let whole = dir.path().join("whole.sqlite3");
    let (ok, err) = import(&whole, &[], &file);
    assert!(ok, "{err}");
    assert!(
        err.contains(&format!(
            "optout: note: this export holds messages of 2 SIMs (sub_id 1, 2); they went on one line, 'me', so an opt-out sent from one SIM counts for the other's messages too. To give each SIM its own line (me-sim1, me-sim2), import the file with: optout import --line-per-sim {} (in a database that does not hold it yet",
            file.display()
        )),
        "{err}"
    );
    // Counted while the file was read, so said after its summary.
    assert!(
        err.find("imported 9 new messages") < err.find("optout: note"),
        "{err}"
    );
    assert_eq!(lines(&whole), owned(&[("me", 9)]));
    assert_eq!(
        status_on(&whole, "me", "10690000101"),
        ("violating".into(), 4)
    );

    // With it: a line per SIM and one for the messages that record none;
    // together they hold what the whole file does.
    let split = dir.path().join("split.sqlite3");
    let (ok, err) = import(&split, &["--line-per-sim"], &file);
    assert!(ok, "{err}");
    assert!(
        err.contains("optout: the messages of SIM sub_id 2 go on the line 'me-sim2'"),
        "{err}"
    );
    assert!(!err.contains("optout: note"), "{err}");
    assert_eq!(
        lines(&split),
        owned(&[("me-sim1", 4), ("me-sim2", 3), ("me-nosim", 2)])
    );
    // SIM 1 opted out and was marketed twice after; SIM 2 never opted out.
    assert_eq!(
        status_on(&split, "me-sim1", "10690000101"),
        ("violating".into(), 2)
    );
    assert_eq!(
        status_on(&split, "me-sim2", "10690000101"),
        ("subscribed".into(), 0)
    );

    // Again: nothing new. Whole into the split database, or split into
    // the whole one: refused, naming the line, nothing changed.
    let (ok, err) = import(&split, &["--line-per-sim"], &file);
    assert!(ok, "{err}");
    assert_eq!(err.matches("imported 0 new messages").count(), 3, "{err}");
    let before = dump(&split);
    let (ok, err) = import(&split, &[], &file);
    assert!(!ok);
    assert!(
        err.contains("this file is already imported on the line 'me-"),
        "{err}"
    );
    assert_eq!(dump(&split), before);
    let before = dump(&whole);
    let (ok, err) = import(&whole, &["--line-per-sim"], &file);
    assert!(!ok);
    assert!(
        err.contains("this file is already imported on the line 'me'"),
        "{err}"
    );
    assert_eq!(dump(&whole), before);
}

#[test]
fn line_per_sim_names_the_lines_after_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let (ok, err) = import(
        &db,
        &["--line-per-sim", "--line", "anna"],
        &fixture("sims/two-sims.xml"),
    );
    assert!(ok, "{err}");
    assert_eq!(
        lines(&db),
        owned(&[("anna-sim1", 4), ("anna-sim2", 3), ("anna-nosim", 2)])
    );
}

#[test]
fn line_per_sim_refuses_a_format_that_records_no_sim() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let (ok, err) = import(&db, &["--line-per-sim"], &fixture("csv/chinese.csv"));
    assert!(!ok);
    assert!(
        err.contains("--line-per-sim: this is CSV; only an Android mmssms.db or an SMS Backup & Restore XML records the SIM of each message"),
        "{err}"
    );
    assert!(!db.exists() || lines(&db).is_empty());
}

#[test]
fn an_export_that_records_no_sim_goes_on_the_nosim_line() {
    // The fixture of another test, written before the app recorded sub_id.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let file = fixture("offenders/p1.xml");
    assert_eq!(sim_counts(&file).unwrap().sims, []);
    let (ok, err) = import(&db, &[], &file);
    assert!(ok && !err.contains("SIM"), "{err}");
    let split = dir.path().join("split.sqlite3");
    let (ok, err) = import(&split, &["--line-per-sim"], &file);
    assert!(ok, "{err}");
    let whole = lines(&db);
    assert_eq!(lines(&split), owned(&[("me-nosim", whole[0].1)]));
}

/// The real exports: what `sim_counts` finds, the lines a split makes, and
/// that they hold every message the whole import does.
fn real_export(rel: &str, counts: &SimCounts, split: &[(&str, u64)]) {
    let Some(file) = shared_data(rel) else {
        return;
    };
    assert_eq!(&sim_counts(&file).unwrap(), counts);
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.sqlite3");
    let (ok, err) = import(&whole, &[], &file);
    assert!(ok, "{err}");
    assert!(
        err.contains("optout: note: this export holds messages of 2 SIMs"),
        "{err}"
    );
    let db = dir.path().join("split.sqlite3");
    let (ok, err) = import(&db, &["--line-per-sim"], &file);
    assert!(ok, "{err}");
    let made = lines(&db);
    assert_eq!(made, owned(split));
    assert_eq!(made.iter().map(|(_, n)| n).sum::<u64>(), lines(&whole)[0].1);
}

#[test]
fn a_real_export_with_sub_ids_1_and_9_and_mms_without_one() {
    real_export(
        "sbr-xml-pennywise-fab/fab_sms_test_data_anonymized.xml",
        &SimCounts {
            sims: vec![(1, 24), (9, 7)],
            unrecorded: 3,
        },
        &[("me-sim1", 24), ("me-sim9", 7), ("me-nosim", 3)],
    );
}

#[test]
fn a_real_samsung_export_whose_sms_and_mms_record_sub_ids_0_and_4() {
    real_export(
        "sbr-xml-frodeto/test-smses.xml",
        &SimCounts {
            sims: vec![(0, 2), (4, 2)],
            unrecorded: 0,
        },
        &[("me-sim0", 2), ("me-sim4", 2)],
    );
}

/// From a terminal, `optout import` asks before it imports, and a yes
/// splits the file. The terminal is `script`'s (util-linux); without it the
/// test says so and checks nothing.
#[test]
fn from_a_terminal_the_import_asks_first_and_a_yes_splits_the_file() {
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        common::skipped(script);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let file = fixture("sims/two-sims.xml");
    let binary = Path::new(env!("CARGO_BIN_EXE_optout"));
    let out = std::process::Command::new(script)
        .args([
            "-qec",
            &format!("'{}' import '{}'", binary.display(), file.display()),
            "/dev/null",
        ])
        .env("OPTOUT_DB", &db)
        .env("OPTOUT_TZ", "Asia/Shanghai")
        .env("NO_COLOR", "1")
        .env("HOME", dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(b"y\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("this export holds messages of 2 SIMs (sub_id 1, 2); put each SIM on its own line (me-sim1, me-sim2)? [y/N]"),
        "{screen}"
    );
    assert_eq!(
        lines(&db),
        owned(&[("me-sim1", 4), ("me-sim2", 3), ("me-nosim", 2)])
    );
}
