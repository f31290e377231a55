//! Import memory does not grow with the export: a 300 MB file full of MMS
//! media imports in under 64 MB peak RSS (measured with GNU time, which the
//! machine image ships; skipped with a message where it is absent).

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
    let kb: u64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .expect("GNU time reports the peak RSS");
    eprintln!(
        "peak RSS importing {:.0} MB: {:.1} MB",
        size as f64 / 1e6,
        kb as f64 / 1024.0
    );
    assert!(kb < 64 * 1024, "peak RSS {kb} kB");
}
