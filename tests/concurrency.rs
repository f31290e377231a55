//! Two optout processes at once on one database: the first use of a new
//! database, and two imports of different files. Both must succeed, and the
//! result must be the same as running them one after the other.

mod common;

use common::{fixture, root};

fn optout(db: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_optout"));
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
        let err = |c: &mut std::process::Child| {
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
