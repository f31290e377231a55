//! A command that must bring the findings up to date before it answers (the
//! first read after an import: 47 s at 10,000,000 messages) says so on a
//! terminal: a spinner line on stderr, cleared before the answer. Nothing
//! is drawn once the cache is up to date, nor when stderr is not a
//! terminal. The terminal is a real pseudo-terminal, from util-linux's
//! `script`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{optout, root, run_ok};

const SAYS: &str = "updating the findings after the last change";

/// What `optout ARGS` wrote to its terminal (stdout to /dev/null), or
/// `None` when there is no `script` to give it one.
fn on_a_terminal(db: &Path, args: &str) -> Option<String> {
    let log = db.with_extension(format!("typescript-{}", args.len()));
    let bin = assert_cmd::cargo::cargo_bin("optout");
    let command = format!(
        "'{}' --db '{}' {args} >/dev/null",
        bin.display(),
        db.display()
    );
    let status = Command::new("script")
        .args(["-q", "-e", "-c", &command])
        .arg(&log)
        .env("OPTOUT_TZ", "Asia/Shanghai")
        .env("NO_COLOR", "1")
        .env("HOME", db.parent().unwrap())
        .stdin(std::process::Stdio::null())
        .status();
    let Ok(status) = status else {
        eprintln!("skipped: no `script` (util-linux) to run optout on a terminal");
        return None;
    };
    assert!(status.success(), "script -c {command}: {status}");
    Some(String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned())
}

#[test]
fn a_command_that_updates_the_findings_says_so_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    run_ok(
        optout(&db)
            .args(["import"])
            .arg(root().join("assets/demo-sms.xml")),
    );

    // The first read after the import fills the cache: said, then cleared.
    let Some(first) = on_a_terminal(&db, "senders") else {
        return;
    };
    assert!(first.contains(SAYS), "{first}");
    assert!(first.contains("\u{1b}[2K"), "the line is cleared: {first}");
    // Up to date: nothing drawn.
    let again = on_a_terminal(&db, "senders").unwrap();
    assert!(!again.contains(SAYS), "{again}");
    // Another grace period needs another fill: said again, by `offenders`
    // and `brands` too (each after a change of its own).
    for (grace, command) in [("4d", "senders"), ("5d", "offenders"), ("6d", "brands")] {
        let shown = on_a_terminal(&db, &format!("--grace {grace} {command}")).unwrap();
        assert!(shown.contains(SAYS), "{command}: {shown}");
    }
    // `reclassify` says what it does, in two steps.
    let shown = on_a_terminal(&db, "reclassify").unwrap();
    assert!(
        shown.contains("relabelling 292 messages with the current rules"),
        "{shown}"
    );
    assert!(shown.contains("rebuilding the findings"), "{shown}");
    // Off a terminal, a stale cache is filled without a word on stderr.
    let out = run_ok(optout(&db).args(["--grace", "7d", "senders"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(SAYS), "{stderr}");
}
