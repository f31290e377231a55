//! Two optout processes at once on one database: the first use of a new
//! database, two imports of different files, and an import while other
//! commands write. Both must succeed (the later one waits for the write
//! lock), and the result must be the same as running them one after the
//! other.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::{fixture, root};

fn optout(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_optout"));
    cmd.env("OPTOUT_DB", db)
        .env("OPTOUT_TZ", "Asia/Shanghai")
        .env("OPTOUT_CONFIG", "/dev/null")
        .env("NO_COLOR", "1");
    cmd
}

#[test]
fn two_imports_on_a_new_database_both_succeed() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new").join("db.sqlite3");
        let mut a = optout(&db)
            .arg("import")
            .arg(root().join("assets/demo-sms.xml"))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut b = optout(&db)
            .args(["import", "--line", "bo"])
            .arg(fixture("lines/second-phone.xml"))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (ra, rb) = (a.wait().unwrap(), b.wait().unwrap());
        let err = |c: &mut Child| {
            let mut s = String::new();
            std::io::Read::read_to_string(c.stderr.as_mut().unwrap(), &mut s).unwrap();
            s
        };
        assert!(ra.success(), "round {round}, demo: {}", err(&mut a));
        assert!(rb.success(), "round {round}, second phone: {}", err(&mut b));
        // The same as one after the other: every message of both, each on its line.
        let out = optout(&db).arg("lines").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let messages = |name: &str| {
            text.lines()
                .find(|l| l.split_whitespace().next() == Some(name))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
                .unwrap_or_else(|| panic!("round {round}: no line {name} in\n{text}"))
        };
        assert_eq!(messages("me"), "292", "round {round}");
        assert_eq!(messages("bo"), "3", "round {round}");
    }
}

/// An SMS Backup & Restore export of `n` marketing messages from 500
/// senders, written as a stream: big enough that its import takes a while.
fn big_export(path: &Path, n: u32) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        w,
        "<?xml version='1.0' encoding='UTF-8'?>\n<smses count=\"{n}\">"
    )
    .unwrap();
    for i in 0..n {
        writeln!(
            w,
            r#"  <sms address="1069{:08}" date="{}" type="1" body="【某店{}】第{i}期优惠，回T退订" />"#,
            i % 500,
            1_700_000_000_000_i64 + i64::from(i) * 1000,
            i % 50
        )
        .unwrap();
    }
    writeln!(w, "</smses>").unwrap();
    w.flush().unwrap();
}

fn ok(out: &Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{what} failed: {stderr}");
    stderr
}

/// Runs `optout ARGS` on `db` to its end; its stderr, after asserting it
/// succeeded.
fn run(db: &Path, args: &[&str], what: &str) -> String {
    ok(&optout(db).args(args).output().unwrap(), what)
}

/// Runs `optout import FILE` (after `args`, e.g. `--line bo`) on `db` to
/// its end; its stderr, after asserting it succeeded.
fn import(db: &Path, args: &[&str], file: &Path, what: &str) -> String {
    let out = optout(db)
        .arg("import")
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    ok(&out, what)
}

/// The bundled demo export.
fn demo() -> PathBuf {
    root().join("assets/demo-sms.xml")
}

/// Starts `optout ARGS` on `db` with its stdout dropped and its stderr
/// kept for `wait_with_output`.
fn spawn(db: &Path, args: &[&str]) -> Child {
    optout(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Starts `optout import FILE` on `db` like [`spawn`].
fn spawn_import(db: &Path, file: &Path) -> Child {
    optout(db)
        .arg("import")
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The first line `child` writes to its stderr (empty when it closes
/// stderr first, e.g. by ending), read byte by byte so nothing after it is
/// taken.
fn first_stderr_line(child: &mut Child) -> String {
    let mut line = String::new();
    let stderr = child.stderr.as_mut().unwrap();
    let mut byte = [0u8; 1];
    while std::io::Read::read(stderr, &mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(char::from(byte[0]));
    }
    line
}

/// What a user sees of the database: every sender's status and the manual
/// records.
fn outcome(db: &Path) -> String {
    let senders = optout(db)
        .args(["senders", "--all", "--json"])
        .output()
        .unwrap();
    ok(&senders, "senders");
    let manual = optout(db).arg("manual").output().unwrap();
    ok(&manual, "manual");
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&senders.stdout),
        String::from_utf8_lossy(&manual.stdout)
    )
}

const IGNORE: &[&str] = &["ignore", "95528"];
const RECORD: &[&str] = &[
    "record-optout",
    "106903278812",
    "--at",
    "2024-01-02 10:00",
    "--channel",
    "app",
];

#[test]
fn ignore_and_record_optout_wait_for_an_import_and_equal_running_them_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    big_export(&big, 20_000);
    let seed = |db: &Path| import(db, &[], &demo(), "seed import");

    // One after the other.
    let sequential = dir.path().join("sequential.sqlite3");
    seed(&sequential);
    import(&sequential, &[], &big, "import");
    run(&sequential, IGNORE, "ignore");
    run(&sequential, RECORD, "record-optout");

    // At once: both writers start while the import holds the write lock
    // (most likely; either order must give the same result).
    let together = dir.path().join("together.sqlite3");
    seed(&together);
    let importing = spawn_import(&together, &big);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let ignore = spawn(&together, IGNORE);
    let record = spawn(&together, RECORD);
    let import_err = ok(&importing.wait_with_output().unwrap(), "import");
    assert!(
        import_err.contains("imported 20,000 new messages"),
        "{import_err}"
    );
    let ignore_err = ok(&ignore.wait_with_output().unwrap(), "ignore");
    let record_err = ok(&record.wait_with_output().unwrap(), "record-optout");
    eprintln!("while importing, ignore said: {ignore_err:?}; record-optout: {record_err:?}");
    for err in [&ignore_err, &record_err] {
        assert!(!err.contains("locked"), "{err}");
    }
    assert_eq!(outcome(&together), outcome(&sequential));
}

/// Issue 16's "20 times each" for an import and an `ignore` started
/// together on one database (small files, so twenty rounds stay quick):
/// both succeed every time and the result is the sequential one.
#[test]
fn an_import_and_an_ignore_started_together_both_succeed_twenty_times() {
    let dir = tempfile::tempdir().unwrap();
    // `ignore` needs a database: each one starts with a second phone's
    // export on its own line.
    let seed = |db: &Path| {
        import(
            db,
            &["--line", "bo"],
            &fixture("lines/second-phone.xml"),
            "seed import",
        )
    };
    let sequential = dir.path().join("sequential.sqlite3");
    seed(&sequential);
    import(&sequential, &[], &demo(), "import");
    run(&sequential, IGNORE, "ignore");
    let expected = outcome(&sequential);
    for round in 0..20 {
        let db = dir.path().join(format!("together-{round}.sqlite3"));
        seed(&db);
        let importing = spawn_import(&db, &demo());
        let ignore = spawn(&db, IGNORE);
        ok(
            &importing.wait_with_output().unwrap(),
            &format!("round {round}: import"),
        );
        let err = ok(
            &ignore.wait_with_output().unwrap(),
            &format!("round {round}: ignore"),
        );
        assert!(!err.contains("locked"), "round {round}: {err}");
        assert_eq!(outcome(&db), expected, "round {round}");
    }
}

#[test]
fn a_writer_kept_waiting_says_so_once_and_completes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    import(&db, &[], &demo(), "seed import");
    // Another process holds the write lock (as an import does) until both
    // writers have said they wait: no timing in the test.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut ignore = optout(&db)
        .args(IGNORE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // reclassify used to fail at once: its transaction read before writing.
    let mut reclassify = spawn(&db, &["reclassify"]);
    let said = [
        first_stderr_line(&mut ignore),
        first_stderr_line(&mut reclassify),
    ];
    conn.execute_batch("COMMIT").unwrap();
    for line in &said {
        // Bytes of UTF-8 read one by one: compare the ASCII part.
        assert!(
            line.starts_with("optout: warning: waiting for another optout process to finish"),
            "{line}"
        );
    }
    let rest = ok(&reclassify.wait_with_output().unwrap(), "reclassify");
    assert!(!rest.contains("waiting"), "said twice: {rest}");
    let out = ignore.wait_with_output().unwrap();
    let rest = ok(&out, "ignore");
    assert!(rest.is_empty(), "more on stderr: {rest}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ignoring sender 95528"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The interface on `db`, its report loaded, drawn to a test terminal.
fn interface(
    db: &Path,
) -> (
    optout::tui::Session,
    ratatui::Terminal<ratatui::backend::TestBackend>,
) {
    use optout::classify::Region;
    use optout::track::Policy;
    let zone = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let options = optout::tui::Options {
        lang: optout::tui::strings::Lang::En,
        zone: zone.clone(),
        policy: Policy {
            zone,
            ..Policy::default()
        },
        region: Region::default(),
        db_path: Some(db.to_path_buf()),
        colour: false,
        now_ms: Some(1_774_238_400_000),
        demo: false,
        export_dir: None,
        line: None,
        rules: optout::classify::Classifier::builtin(),
        rules_warning: None,
    };
    let store = optout::store::Store::open(db).unwrap();
    let mut session = optout::tui::Session::new(Some(store), options);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    session
        .perform_all(vec![optout::tui::app::Effect::Reload], &mut terminal)
        .unwrap();
    (session, terminal)
}

/// Another optout (here: a second connection, as another process has)
/// imports one new marketing sender, newer than every other message, so
/// it sorts first and moves every row down.
fn import_elsewhere(db: &Path, dir: &Path, sender: &str) {
    let file = dir.join(format!("{sender}.xml"));
    std::fs::write(
        &file,
        format!(
            r#"<?xml version='1.0' encoding='UTF-8'?><smses count="1"><sms address="{sender}" date="1777200000000" type="1" body="【新店】春季大促，全场五折，回T退订" /></smses>"#
        ),
    )
    .unwrap();
    let mut other = optout::store::Store::open(db).unwrap();
    optout::ingest::import_file(
        &mut other,
        &file,
        optout::import::Format::AndroidXml,
        &optout::import::ImportOptions::default(),
        &optout::classify::Classifier::builtin(),
        &optout::classify::Region::default(),
        &(),
    )
    .unwrap();
}

fn shows(session: &optout::tui::Session, sender: &str) -> bool {
    session.app.report.senders.iter().any(|s| s.key == sender)
}

fn press(
    session: &mut optout::tui::Session,
    terminal: &mut ratatui::Terminal<ratatui::backend::TestBackend>,
    c: char,
) {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let key = Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    session.handle(&key, terminal).unwrap();
}

#[test]
fn the_interface_notices_another_process_import_and_keeps_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let seed = optout(&db)
        .arg("import")
        .arg(root().join("assets/demo-sms.xml"))
        .output()
        .unwrap();
    ok(&seed, "seed import");
    let (mut session, mut terminal) = interface(&db);
    // All senders, newest first.
    press(&mut session, &mut terminal, 'a');
    for _ in 0..3 {
        press(&mut session, &mut terminal, 'j');
    }
    let selected = session.app.selected_target();
    let row = session.app.selected;
    assert!(selected.is_some());
    // Nothing changed: an idle tick does nothing.
    session.tick(&mut terminal).unwrap();
    assert_eq!(session.app.selected, row);

    import_elsewhere(&db, dir.path(), "10690000777");
    assert!(!shows(&session, "10690000777"));
    session.tick(&mut terminal).unwrap();
    assert!(shows(&session, "10690000777"), "not reloaded");
    assert_eq!(session.app.selected_target(), selected, "selection moved");
    assert_eq!(session.app.selected, row + 1, "the new sender sorts first");
    let status = session.app.status.as_ref().map(|s| s.text.clone());
    assert!(
        status
            .as_deref()
            .unwrap_or("")
            .contains("Another optout process changed the database"),
        "{status:?}"
    );

    // `R` reloads by hand, the selection kept too.
    import_elsewhere(&db, dir.path(), "10690000888");
    press(&mut session, &mut terminal, 'R');
    assert!(shows(&session, "10690000888"), "R did not reload");
    assert_eq!(session.app.selected_target(), selected);
}

/// Whether process `pid` has `file` open (Linux: `/proc/PID/fd`).
#[cfg(target_os = "linux")]
fn has_open(pid: u32, file: &Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.filter_map(Result::ok)
        .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l == file))
}

fn signal(pid: u32, name: &str) {
    let ok = std::process::Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name} {pid}");
}

/// Issue 16 item 5: an import holds the write lock only for its short
/// merge, not while it reads its file. The import is frozen (SIGSTOP)
/// while it still has its file open, i.e. reading it; an `ignore` started
/// then must complete at once, without "waiting for another optout
/// process". (Before, the import held the lock from its first byte: the
/// ignore said it was waiting.) Then the import goes on and the result is
/// the one of running them one after the other.
#[cfg(target_os = "linux")]
#[test]
fn an_ignore_during_an_import_s_read_does_not_wait_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    big_export(&big, 20_000);
    let big = big.canonicalize().unwrap();
    let seed = |db: &Path| import(db, &[], &demo(), "seed import");
    let sequential = dir.path().join("sequential.sqlite3");
    seed(&sequential);
    import(&sequential, &[], &big, "import");
    run(&sequential, IGNORE, "ignore");

    for attempt in 0..5 {
        let db = dir.path().join(format!("together-{attempt}.sqlite3"));
        seed(&db);
        let mut importing = spawn_import(&db, &big);
        let pid = importing.id();
        while !has_open(pid, &big) && importing.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        signal(pid, "STOP");
        // Frozen with its file still open: it is reading it.
        if !has_open(pid, &big) {
            signal(pid, "CONT");
            let _ = importing.wait();
            eprintln!("attempt {attempt}: frozen after its read, once more");
            continue;
        }
        let ignore = optout(&db)
            .args(IGNORE)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Its whole stderr: at its end if it completes, or the waiting
        // line a second in if it waits (then the import is let go so the
        // test ends).
        let mut ignore = ignore;
        let first = first_stderr_line(&mut ignore);
        let status = if first.is_empty() {
            Some(ignore.wait().unwrap())
        } else {
            None
        };
        signal(pid, "CONT");
        let import_err = ok(&importing.wait_with_output().unwrap(), "import");
        let ignored = ignore.wait_with_output().unwrap();
        assert!(
            first.is_empty(),
            "the ignore waited for the import's read: {first}"
        );
        assert!(status.is_some_and(|s| s.success()), "ignore failed");
        assert!(
            String::from_utf8_lossy(&ignored.stdout).contains("ignoring sender 95528"),
            "{}",
            String::from_utf8_lossy(&ignored.stdout)
        );
        assert!(
            import_err.contains("imported 20,000 new messages"),
            "{import_err}"
        );
        assert_eq!(outcome(&db), outcome(&sequential));
        return;
    }
    panic!("the import was never frozen while reading its file");
}
