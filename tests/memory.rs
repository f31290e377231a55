//! Memory does not grow with the data: a 300 MB file full of MMS media
//! imports in under 64 MB peak RSS, and an HTML evidence page is written as
//! it is made, in less memory than half its size (measured with GNU time,
//! which the machine image ships; skipped with a message where it is absent).

mod common;

use std::io::Write;
use std::process::Command;

use common::root;

const TIME: &str = "/usr/bin/time";

/// An SMS Backup & Restore export with `sms` text messages and `mms`
/// messages carrying `media_kb` of base64 each, written as a stream.
fn write_export(path: &std::path::Path, sms: u32, mms: u32, media_kb: usize) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::new(file);
    writeln!(
        w,
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
    )
    .unwrap();
    writeln!(w, "<smses count=\"{}\">", sms + mms).unwrap();
    let media = "QUJDRA==".repeat(media_kb * 1024 / 8);
    let t0 = 1_700_000_000_000_i64;
    for i in 0..sms.max(mms) {
        if i < sms {
            writeln!(
                w,
                r#"  <sms address="1069{:08}" date="{}" type="1" body="【某店{}】第{i}期优惠，回T退订 &#55357;&#56832;" />"#,
                i % 500,
                t0 + i64::from(i) * 1000,
                i % 50
            )
            .unwrap();
        }
        if i < mms {
            writeln!(
                w,
                r#"  <mms date="{}" msg_box="1" address="+8613900000{:03}"><parts><part seq="0" ct="image/jpeg" data="{media}" /><part seq="1" ct="text/plain" text="photo {i}" /></parts><addrs><addr address="+8613900000{:03}" type="137" /></addrs></mms>"#,
                t0 + i64::from(i) * 1000 + 500,
                i % 100,
                i % 100
            )
            .unwrap();
        }
    }
    writeln!(w, "</smses>").unwrap();
    w.flush().unwrap();
}

#[test]
fn peak_memory_stays_under_64_mb_on_a_300_mb_export() {
    if !std::path::Path::new(TIME).exists() {
        eprintln!("skipping: {TIME} (GNU time) is absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("big.xml");
    write_export(&export, 40_000, 300, 1024);
    let size = std::fs::metadata(&export).unwrap().len();
    assert!(size > 300_000_000, "export is {size} bytes");
    let out = Command::new(TIME)
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_optout"))
        .arg("--db")
        .arg(dir.path().join("db.sqlite3"))
        .arg("import")
        .arg(&export)
        .current_dir(root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("imported 40,300 new messages"), "{stderr}");
    let kb = peak_kb(&stderr);
    eprintln!(
        "peak RSS importing {:.0} MB: {:.1} MB",
        size as f64 / 1e6,
        kb as f64 / 1024.0
    );
    assert!(kb < 64 * 1024, "peak RSS {kb} kB");
}

/// An export with `offenders` port numbers that each advertise `回TD退订`,
/// get the reply `TD`, and then send `violations` more marketing messages
/// of about `body_kb` each, a day apart, from three days after the reply.
fn write_offenders_export(path: &std::path::Path, offenders: u32, violations: u32, body_kb: usize) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::new(file);
    writeln!(
        w,
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{}\">",
        offenders * (violations + 2)
    )
    .unwrap();
    let filler = "爆款限时抢购，会员专享好礼，全场满300减50，".repeat(body_kb * 1024 / 63 + 1);
    let t0 = 1_767_225_600_000_i64; // 2026-01-01
    let day = 86_400_000_i64;
    for k in 0..offenders {
        let address = format!("10690{k:07}");
        let at = t0 + i64::from(k) * 60_000;
        let sms = |w: &mut std::io::BufWriter<std::fs::File>, date: i64, kind: u8, body: &str| {
            writeln!(
                w,
                r#"  <sms protocol="0" address="{address}" date="{date}" type="{kind}" body="{body}" read="1" status="-1" />"#
            )
            .unwrap();
        };
        sms(
            &mut w,
            at,
            1,
            &format!("【优品{k}商城】会员日全场5折起，回TD退订"),
        );
        sms(&mut w, at + 3_600_000, 2, "TD");
        for j in 0..violations {
            let body = format!("【优品{k}商城】第{j}期会员日全场5折起，{filler}回TD退订");
            sms(&mut w, at + (3 + i64::from(j)) * day, 1, &body);
        }
    }
    writeln!(w, "</smses>").unwrap();
    w.flush().unwrap();
}

/// The peak RSS GNU time reports in `stderr`, in kB.
fn peak_kb(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .expect("GNU time reports the peak RSS")
}

/// `optout export --format html` of `args` under GNU time: the page and
/// the peak RSS in kB.
fn html_export(db: &std::path::Path, out: &std::path::Path, args: &[&str]) -> (String, u64) {
    let run = Command::new(TIME)
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_optout"))
        .arg("--db")
        .arg(db)
        .args([
            "--tz",
            "Asia/Shanghai",
            "export",
            "--format",
            "html",
            "--out",
        ])
        .arg(out)
        .args(args)
        .env("HOME", db.parent().unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    (std::fs::read_to_string(out).unwrap(), peak_kb(&stderr))
}

#[test]
fn the_html_evidence_is_written_as_it_is_made_not_held_whole_in_memory() {
    if !std::path::Path::new(TIME).exists() {
        eprintln!("skipping: {TIME} (GNU time) is absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("offenders.xml");
    // 32 offenders, each section listing its first and last 20 violations
    // of about 4 kB (and its complaint text quoting them again).
    write_offenders_export(&export, 32, 41, 4);
    let db = dir.path().join("db.sqlite3");
    common::run_ok(common::optout(&db).arg("import").arg(&export));

    // What every export needs (the rules, the report, SQLite's cache): one
    // offender's page.
    let (one, base_kb) = html_export(
        &db,
        &dir.path().join("one.html"),
        &["--sender", "106900000000"],
    );
    assert_eq!(one.matches("<section class=\"offender\"").count(), 1);
    let (page, kb) = html_export(&db, &dir.path().join("all.html"), &[]);
    assert_eq!(page.matches("<section class=\"offender\"").count(), 32);
    assert_eq!(
        page.matches("<tr class=\"gap\">").count(),
        32,
        "one left-out message each"
    );
    assert!(page.ends_with("</html>\n"));
    let size = page.len() as u64;
    assert!(size > 10_000_000, "the page is {size} bytes");
    eprintln!(
        "peak RSS writing {:.1} MB of HTML: {:.1} MB ({:.1} MB for one offender's page)",
        size as f64 / 1e6,
        kb as f64 / 1024.0,
        base_kb as f64 / 1024.0
    );
    // Rendered in memory, the page (and every offender's listed messages
    // beside it) would add more than its own size.
    assert!(
        (kb.saturating_sub(base_kb)) * 1024 < size / 3,
        "peak RSS {kb} kB for a {size}-byte page, {base_kb} kB for one offender's"
    );
}

/// Peak RSS (kB) of `optout --tz Asia/Shanghai ARGS` on `db`, and what it
/// printed; it must succeed.
fn optout_peak(db: &std::path::Path, args: &[&str]) -> (String, u64) {
    let run = Command::new(TIME)
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_optout"))
        .arg("--db")
        .arg(db)
        .args(["--tz", "Asia/Shanghai"])
        .args(args)
        .env("HOME", db.parent().unwrap())
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    (String::from_utf8(run.stdout).unwrap(), peak_kb(&stderr))
}

/// Peak RSS (kB) of `optout senders ARGS` on `db`, and what it printed.
fn senders_peak(db: &std::path::Path, args: &[&str]) -> (String, u64) {
    optout_peak(db, &[&["senders"], args].concat())
}

/// A database of `offenders` violating senders (ten violations each) on
/// each of four lines, its findings cache filled.
fn four_lines(dir: &std::path::Path, name: &str, offenders: u32) -> std::path::PathBuf {
    let db = dir.join(format!("{name}.sqlite3"));
    for (i, line) in ["a", "b", "c", "d"].into_iter().enumerate() {
        // The same messages, in a file of other bytes: one file, one line.
        let export = dir.join(format!("{name}-{line}.xml"));
        write_offenders_export(&export, offenders, 10, 0);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&export)
            .unwrap();
        f.write_all(&b"\n"[..].repeat(i + 1)).unwrap();
        common::run_ok(
            common::optout(&db)
                .args(["import", "--line", line])
                .arg(&export),
        );
    }
    senders_peak(&db, &[]);
    db
}

#[test]
fn senders_pages_through_the_cache_instead_of_holding_every_row() {
    if !std::path::Path::new(TIME).exists() {
        eprintln!("skipping: {TIME} (GNU time) is absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let small = four_lines(dir.path(), "small", 10);
    let big = four_lines(dir.path(), "big", 2_500);
    for args in [&[][..], &["--json"][..]] {
        let (_, base_kb) = senders_peak(&small, args);
        let (out, kb) = senders_peak(&big, args);
        if args.is_empty() {
            // Every row, on four lines: the LINE column is there.
            assert_eq!(
                out.lines().count(),
                10_001,
                "{}",
                out.lines().next().unwrap_or_default()
            );
            assert!(
                out.starts_with("STATUS      LINE BRAND"),
                "{}",
                out.lines().next().unwrap_or_default()
            );
        } else {
            assert_eq!(out.matches("\"sender\":").count(), 10_000);
        }
        eprintln!(
            "peak RSS of senders {args:?}: {:.1} MB for 10,000 rows, {:.1} MB for 40",
            kb as f64 / 1024.0,
            base_kb as f64 / 1024.0
        );
        // Holding the 10,000 rows (their findings, ten violations each,
        // and the table's cells) cost main's binary 27 MB more than 40 rows;
        // paging through them costs one row and the sort of their keys,
        // besides SQLite's page cache, which the 61 MB database fills to
        // its cap (a reader's 2 MiB, `store::READ_CACHE_KIB`) and the
        // 0.3 MB one cannot: with the 8 MiB every command had before,
        // heaptrack put 8.8 of the larger run's 9.5 MB heap peak in
        // SQLite's allocator. (That cost was hidden while every command
        // compiled the rules, whose transient peak was higher than both.)
        assert!(
            kb.saturating_sub(base_kb) < (3 + 2) * 1024,
            "peak RSS {kb} kB for 10,000 rows, {base_kb} kB for 40"
        );
    }
}

/// Peak RSS (kB) of `optout export --format json ARGS` on `db`, and the
/// evidence it wrote.
fn json_export_peak(db: &std::path::Path, args: &[&str]) -> (serde_json::Value, u64) {
    let out = db.with_extension("json");
    let out_arg = out.to_str().unwrap();
    let export = ["export", "--format", "json", "--force", "--out", out_arg];
    let (_, kb) = optout_peak(db, &[&export[..], args].concat());
    let evidence = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    (evidence, kb)
}

#[test]
fn export_reads_one_offenders_violations_at_a_time_instead_of_every_offenders() {
    // Enough offenders that their facts, held by every export, outweigh
    // what starting the command costs: a difference in the lists shows.
    const OFFENDERS: u32 = 2_000;
    if !std::path::Path::new(TIME).exists() {
        eprintln!("skipping: {TIME} (GNU time) is absent");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = |name: &str, violations: u32| {
        let export = dir.path().join(format!("{name}.xml"));
        write_offenders_export(&export, OFFENDERS, violations, 0);
        let db = dir.path().join(format!("{name}.sqlite3"));
        common::run_ok(common::optout(&db).arg("import").arg(&export));
        senders_peak(&db, &[]); // fills the findings cache
        db
    };
    // The same offenders with 10 violations each, and with 80 (160,000 in
    // all: 5.1 MB of the tracker's moments, 32 bytes each).
    let (small, big) = (db("small", 10), db("big", 80));
    // Only each offender's last day is listed, the same messages in both
    // (the first 1,440 offenders' last violation, the others' last two):
    // the exports read as much of the database, and differ in the lists
    // they page through.
    let last_day = |violations: i64| {
        let ms = 1_767_225_600_000 + (violations + 2) * 86_400_000;
        jiff::Timestamp::from_millisecond(ms).unwrap().to_string()
    };
    let (small_evidence, base_kb) = json_export_peak(&small, &["--since", &last_day(10)]);
    let (evidence, kb) = json_export_peak(&big, &["--since", &last_day(80)]);
    for (e, violations) in [(&small_evidence, 10), (&evidence, 80)] {
        let offenders = e["offenders"].as_array().unwrap();
        assert_eq!(offenders.len(), OFFENDERS as usize);
        for o in offenders {
            assert_eq!(o["counts"]["marketing_after_optout"], violations);
        }
        assert_eq!(e["summary"]["violations"], 1_440 + 2 * 560);
    }
    eprintln!(
        "peak RSS of export --since: {:.1} MB with 160,000 violations, {:.1} MB with 20,000",
        kb as f64 / 1024.0,
        base_kb as f64 / 1024.0
    );
    // Holding every offender's lists at once (main's binary, which held
    // the whole report's: +4.3 MB, fails) costs the 4.5 MB more moments;
    // one offender's at a time, 2.5 kB (measured: -0.1 MB).
    assert!(
        kb.saturating_sub(base_kb) < 2 * 1024,
        "peak RSS {kb} kB with 160,000 violations, {base_kb} kB with 20,000"
    );
}
