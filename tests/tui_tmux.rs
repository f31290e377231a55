//! The real binary in a real terminal: tmux runs a shell, the shell runs
//! `optout`, keys go in with `send-keys`, the screen comes back with
//! `capture-pane`. Skips (with a message) where tmux is not installed.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// `name` keeps the servers of tests running side by side apart.
    fn start(name: &str, dir: &Path, width: u16, height: u16) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping: tmux is not installed (.ci/run installs it)");
            return None;
        }
        let tmux = Tmux {
            socket: format!("optout-test-{}-{name}", std::process::id()),
        };
        // A plain shell with a known prompt, so a sane terminal is visible.
        let status = Command::new("tmux")
            .args(["-u", "-L", &tmux.socket, "-f", "/dev/null"])
            .args(["new-session", "-d", "-s", "t"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg("-c")
            .arg(dir)
            .args(["env", "-i"])
            .arg(format!("HOME={}", dir.display()))
            .arg(format!(
                "PATH={}",
                std::env::var("PATH").unwrap_or_default()
            ))
            .args(["LANG=C.UTF-8", "TERM=xterm-256color", "PS1=test$ ", "sh"])
            .status()
            .expect("tmux new-session");
        assert!(status.success());
        Some(tmux)
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-u", "-L", &self.socket]);
        c
    }

    /// Types `keys` (tmux key names, one send-keys each, a pause between so
    /// Esc is never read as Alt+key).
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let ok = self
                .tmux()
                .args(["send-keys", "-t", "t", k])
                .status()
                .unwrap()
                .success();
            assert!(ok, "send-keys {k}");
            std::thread::sleep(Duration::from_millis(120));
        }
    }

    /// Types literal text.
    fn text(&self, text: &str) {
        let ok = self
            .tmux()
            .args(["send-keys", "-t", "t", "-l", text])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    fn screen(&self) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn display(&self, format: &str) -> String {
        let out = self
            .tmux()
            .args(["display", "-p", "-t", "t", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Waits until the pane is (or is not) on the alternate screen.
    fn wait_alternate(&self, on: bool) {
        let want = if on { "1" } else { "0" };
        let start = Instant::now();
        while self.display("#{alternate_on}") != want {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "alternate screen never became {want}; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Starts the interface on `db` from the pane's shell (pid `shell`),
    /// waits for its list, and returns its pid (the shell's child).
    fn start_interface(&self, db: &Path, shell: &str) -> String {
        self.start_interface_showing(db, shell, "95528")
    }

    /// [`Tmux::start_interface`], waiting for `shown` instead of the list.
    fn start_interface_showing(&self, db: &Path, shell: &str, shown: &str) -> String {
        self.text(&format!(
            "OPTOUT_DB='{}' OPTOUT_TZ=Asia/Shanghai OPTOUT_CONFIG=/dev/null '{}'",
            db.display(),
            env!("CARGO_BIN_EXE_optout")
        ));
        self.keys(&["Enter"]);
        self.wait_alternate(true);
        self.wait_for(&[shown]);
        let out = Command::new("ps")
            .args(["-o", "pid=", "--ppid", shell])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(!pid.is_empty(), "no optout process under the shell {shell}");
        pid
    }

    /// The shell answers again (the terminal is sane): `echo TAG-$((40+2))`
    /// typed as an expression, so only the shell's answer `TAG-42` matches.
    fn shell_answers(&self, tag: &str) {
        self.text(&format!("echo {tag}-$((40+2))"));
        self.keys(&["Enter"]);
        self.wait_for(&[&format!("{tag}-42")]);
    }

    /// Waits until the screen shows every one of `texts`.
    /// Resizes the window to `width`×`height` and waits for the interface
    /// to draw a frame at that size showing `shown`: its title on the first
    /// row (the frame before had more rows, so a screen only cropped by
    /// tmux would keep its bottom rows and lose the title) and no row
    /// wider than the window.
    fn resize_expecting(&self, width: u16, height: u16, shown: &str) {
        let status = self
            .tmux()
            .args(["resize-window", "-t", "t"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let screen = self.wait_for(&[shown]);
        let rows: Vec<&str> = screen.lines().collect();
        assert!(rows.len() <= usize::from(height), "{screen}");
        assert!(
            rows[0].contains("optout"),
            "no title on the first row:\n{screen}"
        );
        assert!(
            rows.iter().all(|r| r.chars().count() <= usize::from(width)),
            "a row wider than the terminal:\n{screen}"
        );
    }

    fn wait_for(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {texts:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").status();
    }
}

/// A database with `tui.xml` imported by the binary, then labelled as the
/// classifier would (the foundation's stub calls everything personal).
/// Whether process `pid` has ended within 15 s; one still running then
/// is killed, so a failed test never leaves a spinning process behind.
fn ends(pid: &str) -> bool {
    let alive = || Path::new(&format!("/proc/{pid}")).exists();
    let deadline = Instant::now() + Duration::from_secs(15);
    while alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let still = alive();
    if still {
        let _ = Command::new("kill").args(["-9", pid]).status();
    }
    !still
}

fn database(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("optout.sqlite3");
    common::optout(&db)
        .args(["import"])
        .arg(common::fixture("android/tui.xml"))
        .assert()
        .success();
    let labels = std::fs::read_to_string(common::fixture("android/tui-labels.sql")).unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(&labels)
        .unwrap();
    db
}

#[test]
fn the_interface_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let Some(t) = Tmux::start("main", dir.path(), 120, 32) else {
        return;
    };
    t.wait_for(&["test$"]);
    t.text(&format!(
        "OPTOUT_DB='{}' OPTOUT_TZ=Asia/Shanghai OPTOUT_CONFIG=/dev/null '{}'",
        db.display(),
        env!("CARGO_BIN_EXE_optout")
    ));
    t.keys(&["Enter"]);

    // The to-do view, violating first, with the first-run line.
    t.wait_alternate(true);
    let screen = t.wait_for(&["filter to do", "95528", "VIOLATING", "Start here"]);
    assert!(
        screen.contains("database: "),
        "the open database is named: {screen}"
    );

    // Esc never quits from the home screen (issue 13); it says what does.
    t.keys(&["Escape"]);
    t.wait_for(&["press q (or Ctrl-C) to quit"]);
    assert_eq!(t.display("#{alternate_on}"), "1", "still running");

    // a: all senders, as `optout senders` lists them.
    t.keys(&["a"]);
    let screen = t.wait_for(&["filter all"]);
    assert!(screen.contains("1069123000"), "{screen}");
    t.keys(&["a"]);
    t.wait_for(&["filter to do"]);

    // The timeline of the selected (violating) sender with its brand sibling.
    t.keys(&["Enter"]);
    t.wait_for(&[
        "numbers: 95528, 106912345678",
        "VIOLATION",
        "opt-out sent: TD",
    ]);

    // Back, then filter to violating (to do → all → with personal →
    // marketing → not opted out → violating).
    t.keys(&["Escape", "f", "f", "f", "f", "f"]);
    let screen = t.wait_for(&["filter violating", "filter: violating (1 sender)"]);
    assert!(!screen.contains("1065502010"), "{screen}");

    // The export prompt, then its outcome.
    t.keys(&["e"]);
    t.wait_for(&["Write the evidence export", "optout-evidence-"]);
    t.keys(&["Enter"]);
    t.wait_for(&["wrote ", "optout-evidence-"]);
    // The same again: asked, not refused with a flag to pass.
    t.keys(&["e", "Enter"]);
    t.wait_for(&["already exists: overwrite? (y/n)"]);
    t.keys(&["n"]);
    t.wait_for(&["Nothing changed."]);

    // Help, then quit: the shell is back, out of the alternate screen.
    t.keys(&["?"]);
    t.wait_for(&["Keys", "record an opt-out made elsewhere"]);
    t.keys(&["Escape", "q"]);
    t.wait_alternate(false);
    t.wait_for(&["test$"]);
    // The terminal echoes and reads lines again.
    t.shell_answers("sane");
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let Some(t) = Tmux::start("ctrl-c", dir.path(), 100, 30) else {
        return;
    };
    t.wait_for(&["test$"]);
    // No database yet: the welcome screen.
    t.text(&format!(
        "OPTOUT_DB='{}' OPTOUT_CONFIG=/dev/null '{}'",
        dir.path().join("none.sqlite3").display(),
        env!("CARGO_BIN_EXE_optout")
    ));
    t.keys(&["Enter"]);
    t.wait_alternate(true);
    t.wait_for(&["Welcome to optout", "Press I"]);
    t.keys(&["C-c"]);
    t.wait_alternate(false);
    t.shell_answers("sane");
    assert!(
        !dir.path().join("none.sqlite3").exists(),
        "looking creates nothing"
    );
}

#[test]
fn a_signal_to_the_interface_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let Some(t) = Tmux::start("signal", dir.path(), 100, 30) else {
        return;
    };
    t.wait_for(&["test$"]);
    let shell = t.display("#{pane_pid}");
    for signal in ["TERM", "HUP"] {
        let pid = t.start_interface(&db, &shell);
        let ok = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(&pid)
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{signal} {pid}");
        // Back on the normal screen, with the shell answering.
        t.wait_alternate(false);
        t.shell_answers(&format!("after-{signal}"));
    }
}

/// Closing the terminal itself (the tmux server killed: SIGHUP, and the
/// tty at end of file) ends the interface. crossterm's reader spins on a
/// tty at end of file, so without the signal thread's fallback the
/// process stayed at 100% CPU forever.
#[test]
fn closing_the_terminal_ends_the_interface() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let Some(t) = Tmux::start("close", dir.path(), 100, 30) else {
        return;
    };
    t.wait_for(&["test$"]);
    let shell = t.display("#{pane_pid}");
    let pid = t.start_interface(&db, &shell);
    drop(t); // kill-server: the pane's terminal goes away
    assert!(
        ends(&pid),
        "optout {pid} kept running after its terminal closed"
    );
}

/// Issue 16: while another optout process holds the database's write lock
/// (here the test, as an import's merge does), a change in the interface
/// (`i`, then `y`) says it waits, instead of a silent "working…", and `q`
/// still quits: the interface ends, the terminal is restored, and nothing
/// was written.
#[test]
fn a_change_waiting_for_another_optout_says_so_and_q_quits() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let Some(t) = Tmux::start("wait", dir.path(), 120, 30) else {
        return;
    };
    t.wait_for(&["test$"]);
    let shell = t.display("#{pane_pid}");
    let pid = t.start_interface(&db, &shell);
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    t.keys(&["i"]);
    t.wait_for(&["Ignore sender 95528?"]);
    t.keys(&["y"]);
    t.wait_for(&["waiting for another optout import to finish"]);
    // Drawn again at a new size while it waits.
    t.resize_expecting(80, 20, "waiting for another optout import to finish");
    t.keys(&["q"]);
    t.wait_alternate(false);
    // Quit while the lock is still held: the process ends on its own.
    assert!(ends(&pid), "optout {pid} still runs after q");
    holder.execute_batch("ROLLBACK").unwrap();
    let ignored: i64 = holder
        .query_row("SELECT count(*) FROM ignored", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ignored, 0, "the ignore was written after q");
    t.shell_answers("after-wait");
}

/// Issue 17: a findings cache that must be filled before the first screen
/// (after a large import: 47 s at 10,000,000 messages) is filled on a
/// thread of its own, so `q` quits while "working…" is shown. Here the
/// fill cannot even start: the test holds the write lock it needs. Before,
/// the interface waited for that lock on its only thread and `q` did
/// nothing. A resize meanwhile draws the "working…" frame again at the new
/// size at once, not when the fill ends.
#[test]
fn q_quits_while_the_findings_are_still_being_filled() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let Some(t) = Tmux::start("filling", dir.path(), 120, 30) else {
        return;
    };
    t.wait_for(&["test$"]);
    let shell = t.display("#{pane_pid}");
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let working = "working… recomputing the statuses";
    let pid = t.start_interface_showing(&db, &shell, working);
    t.resize_expecting(70, 20, working);
    t.keys(&["q"]);
    t.wait_alternate(false);
    assert!(ends(&pid), "optout {pid} still runs after q");
    holder.execute_batch("ROLLBACK").unwrap();
    // Nothing was cached: the fill never ran.
    let cached: i64 = holder
        .query_row("SELECT count(*) FROM findings_cache", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cached, 0);
    t.shell_answers("after-filling");
}

/// The terminal closing with no signal: the interface runs in a session
/// of its own (`setsid`), so when the tmux server goes, the hang-up
/// signal goes to the shell's session, not to optout; its tty is hung up
/// and at end of file. The interface notices the tty is gone and ends
/// instead of spinning.
#[test]
fn a_terminal_closed_without_a_signal_ends_the_interface() {
    if Command::new("setsid").arg("--version").output().is_err() {
        eprintln!("skipping: no setsid");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let Some(t) = Tmux::start("nosignal", dir.path(), 100, 30) else {
        return;
    };
    t.wait_for(&["test$"]);
    let shell = t.display("#{pane_pid}");
    t.text(&format!(
        "OPTOUT_DB='{}' OPTOUT_TZ=Asia/Shanghai OPTOUT_CONFIG=/dev/null setsid -w '{}'",
        db.display(),
        env!("CARGO_BIN_EXE_optout")
    ));
    t.keys(&["Enter"]);
    t.wait_alternate(true);
    t.wait_for(&["95528"]);
    // The shell's child is setsid (or optout itself when it did not fork).
    let children = |of: &str| {
        let out = Command::new("ps")
            .args(["-o", "pid=,comm=", "--ppid", of])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let mut w = l.split_whitespace();
                (
                    w.next().unwrap_or("").to_string(),
                    w.next().unwrap_or("").to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (first, name) = children(&shell).into_iter().next().expect("no child");
    let pid = if name == "optout" {
        first
    } else {
        children(&first)
            .into_iter()
            .find(|(_, n)| n == "optout")
            .expect("no optout under setsid")
            .0
    };
    // A session of its own: no hang-up signal reaches it.
    let sid = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let sid = sid
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .nth(3)
        .unwrap()
        .to_string();
    assert_eq!(sid, pid, "optout is not in a session of its own");
    drop(t);
    assert!(
        ends(&pid),
        "optout {pid} kept running after its terminal closed"
    );
}
