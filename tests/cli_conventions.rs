//! The conventions every command follows (issue #13, items 16 and 17):
//! shell completions and the man page, `--color` against `NO_COLOR` and
//! `CLICOLOR_FORCE`, one `optout: error:` line per failure, help without
//! backticks. Real processes, stdout never a terminal.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The binary with a private database in `dir`, no colour variables and no
/// settings or rules from the machine running the tests.
fn optout(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("optout").expect("binary");
    cmd.env("OPTOUT_DB", dir.join("optout.sqlite3"))
        .env("OPTOUT_CONFIG", dir.join("config.toml"))
        .env("OPTOUT_TZ", "Asia/Shanghai")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env_remove("OPTOUT_REGION")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

fn demo_sms() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-sms.xml")
}

/// A temporary directory whose database holds the bundled sample.
fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    optout(dir.path())
        .arg("import")
        .arg(demo_sms())
        .assert()
        .success();
    dir
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_for_every_shell_name_the_commands_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(optout(dir.path()).args(["completions", shell]));
        assert!(!script.trim().is_empty(), "{shell}: empty script");
        assert!(script.contains("senders"), "{shell}: no 'senders'");
        // fish spells a long flag `-l NAME`.
        let line_flag = if shell == "fish" { "-l line" } else { "--line" };
        assert!(script.contains(line_flag), "{shell}: no '--line'");
    }
    assert!(
        !dir.path().join("optout.sqlite3").exists(),
        "completions must not create the database"
    );
}

#[test]
fn completions_need_no_valid_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "regoin = 'US'\n").unwrap();
    let script = stdout_of(optout(dir.path()).args(["completions", "bash"]));
    assert!(script.contains("senders"));
}

#[test]
fn an_unknown_shell_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    optout(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .failure();
}

#[test]
fn the_man_page_is_roff_and_lists_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let page = stdout_of(optout(dir.path()).arg("man"));
    let header = page
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap_or_default();
    assert!(header.starts_with(".TH optout 1"), "{header}");
    assert!(page.contains("senders"), "no 'senders' in the man page");
    assert!(
        page.contains("OPTOUT_DB"),
        "the man page lists the variables"
    );
}

const ESC: char = '\u{1b}';

#[test]
fn color_always_wins_over_no_color_off_a_terminal() {
    let dir = imported();
    let out = stdout_of(
        optout(dir.path())
            .args(["senders", "--color", "always"])
            .env("NO_COLOR", "1"),
    );
    assert!(out.contains(ESC), "no ANSI escape: {out}");
}

#[test]
fn color_never_wins_over_clicolor_force() {
    let dir = imported();
    let out = stdout_of(
        optout(dir.path())
            .args(["--color", "never", "senders"])
            .env("CLICOLOR_FORCE", "1"),
    );
    assert!(out.contains("violating"), "{out}");
    assert!(!out.contains(ESC), "ANSI escape: {out}");
}

#[test]
fn color_auto_honours_clicolor_force_then_the_terminal() {
    let dir = imported();
    let forced = stdout_of(optout(dir.path()).arg("senders").env("CLICOLOR_FORCE", "1"));
    assert!(forced.contains(ESC), "CLICOLOR_FORCE=1: no ANSI escape");
    let zero = stdout_of(optout(dir.path()).arg("senders").env("CLICOLOR_FORCE", "0"));
    assert!(!zero.contains(ESC), "CLICOLOR_FORCE=0 forces nothing");
    let plain = stdout_of(optout(dir.path()).args(["senders", "--color", "auto"]));
    assert!(plain.contains("violating"), "{plain}");
    assert!(
        !plain.contains(ESC),
        "not a terminal, yet coloured: {plain}"
    );
}

#[test]
fn color_auto_lets_no_color_win_over_clicolor_force() {
    let dir = imported();
    let out = stdout_of(
        optout(dir.path())
            .arg("brands")
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1"),
    );
    assert!(!out.contains(ESC), "{out}");
}

#[test]
fn an_unknown_color_is_refused_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = optout(dir.path())
        .args(["senders", "--color", "sometimes"])
        .output()
        .unwrap();
    assert_one_error_line(&out);
}

/// The whole of stderr is one line, and it starts with the prefix.
fn assert_one_error_line(out: &std::process::Output) {
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("optout: error: "), "{stderr}");
    assert!(stderr.ends_with('\n'), "{stderr:?}");
}

#[test]
fn a_failing_command_prints_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    // No database yet.
    let out = optout(dir.path()).arg("senders").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_one_error_line(&out);
    assert!(out.stdout.is_empty());
}

#[test]
fn a_usage_error_prints_one_error_line_with_its_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["bogus"][..], &["import"], &["senders", "--nope"]] {
        let out = optout(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_one_error_line(&out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("'optout --help'"), "{stderr}");
    }
    let out = optout(dir.path()).arg("import").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("<FILE>"));
}

#[test]
fn help_and_version_still_go_to_stdout_and_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout_of(optout(dir.path()).arg("--help"));
    assert!(help.contains("--color <WHEN>"), "{help}");
    let version = stdout_of(optout(dir.path()).arg("--version"));
    assert!(version.starts_with("optout "), "{version}");
}

#[test]
fn a_bad_rule_file_is_a_warning_line() {
    let dir = imported();
    let rules = dir.path().join("config/optout/rules.toml");
    std::fs::create_dir_all(rules.parent().unwrap()).unwrap();
    std::fs::write(&rules, "this is = not [ toml").unwrap();
    let out = optout(dir.path()).arg("senders").output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("optout: warning: ") && l.ends_with("using the built-in rules")),
        "{stderr}"
    );
}

#[test]
fn help_has_no_backticks() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["export", "--help"],
        &["senders", "--help"],
        &["record-optout", "--help"],
        &["offenders", "--help"],
        &["import", "--help"],
        &["lines", "--help"],
    ] {
        let help = stdout_of(optout(dir.path()).args(args));
        assert!(!help.contains('`'), "{args:?}:\n{help}");
    }
}
