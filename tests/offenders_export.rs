//! `optout export --offenders` on the five-phone fixture of
//! `scripts/make_offenders_fixture.py`: the JSON equals the script's own
//! computation, the CSV has one row per offender, and the lines appear only
//! as pseudonymous ids unless `--name-lines`.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, optout};
use serde_json::Value;

const LINES: [&str; 5] = ["p1", "p2", "p3", "p4", "p5"];

fn database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    for line in LINES {
        optout(&db)
            .args(["import", "--line", line])
            .arg(fixture(&format!("offenders/{line}.xml")))
            .assert()
            .success();
    }
    (dir, db)
}

/// Runs `export --offenders` into `dir/name` and returns the file's text.
fn export(db: &Path, dir: &Path, name: &str, extra: &[&str]) -> String {
    let out = dir.join(name);
    let run = optout(db)
        .args(["export", "--offenders", "--out"])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(&out).unwrap()
}

fn expected_named() -> Value {
    serde_json::from_slice(&std::fs::read(fixture("offenders/expected-export-named.json")).unwrap())
        .unwrap()
}

/// The reporter id line `line`'s own evidence export carries.
fn reporter_id(db: &Path, dir: &Path, line: &str) -> String {
    let out = dir.join(format!("evidence-{line}.json"));
    optout(db)
        .args(["export", "--format", "json", "--line", line, "--out"])
        .arg(&out)
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    v["reporter_id"].as_str().unwrap().to_string()
}

#[test]
fn the_named_json_equals_the_independently_computed_one() {
    let (dir, db) = database();
    let doc: Value =
        serde_json::from_str(&export(&db, dir.path(), "o.json", &["--name-lines"])).unwrap();
    assert_eq!(doc["report"], "optout-offenders");
    assert_eq!(doc["lines_named"], true);
    assert_eq!(doc["lines_total"], 5);
    assert_eq!(doc["min_lines"], 1);
    assert_eq!(doc["offenders"], expected_named());
}

#[test]
fn without_name_lines_the_lines_are_reporter_ids_and_no_name_appears() {
    let (dir, db) = database();
    let json = export(&db, dir.path(), "o.json", &[]);
    let csv = export(&db, dir.path(), "o.csv", &[]);
    let html = export(&db, dir.path(), "o.html", &[]);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["lines_named"], false);
    // The ids are the ones each line's own evidence carries.
    let ids: Vec<(String, String)> = LINES
        .iter()
        .map(|l| (l.to_string(), reporter_id(&db, dir.path(), l)))
        .collect();
    let expected = expected_named();
    let rename = |v: &Value| -> Vec<String> {
        let mut out: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                let n = n.as_str().unwrap();
                ids.iter().find(|(l, _)| l == n).unwrap().1.clone()
            })
            .collect();
        out.sort();
        out
    };
    let got = doc["offenders"].as_array().unwrap();
    assert_eq!(got.len(), expected.as_array().unwrap().len());
    for (g, e) in got.iter().zip(expected.as_array().unwrap()) {
        assert_eq!(g["offender"], e["offender"]);
        for k in ["violating", "opted_out", "affected"] {
            let got: Vec<String> = g["lines"][k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            assert_eq!(got, rename(&e["lines"][k]), "{} {k}", e["offender"]);
        }
    }
    for text in [&json, &csv, &html] {
        for line in LINES {
            assert!(!text.contains(line), "line name {line} in {text}");
        }
    }
    // With --name-lines the names are there.
    let named_csv = export(&db, dir.path(), "n.csv", &["--name-lines"]);
    let named_html = export(&db, dir.path(), "n.html", &["--name-lines"]);
    assert!(named_csv.contains("p1; p2; p5"), "{named_csv}");
    assert!(named_html.contains("<code>p4</code>"), "{named_html}");
}

#[test]
fn the_csv_has_one_row_per_offender_with_complaint_data_columns() {
    let (dir, db) = database();
    let csv = export(
        &db,
        dir.path(),
        "o.csv",
        &["--name-lines", "--min-lines", "2"],
    );
    let csv = csv.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let mut rd = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "rank",
            "caller_id_number",
            "advertiser",
            "scope",
            "first_violation_date",
            "last_violation_date",
            "violations",
            "type_of_message",
            "lines_violating",
            "lines_affected",
            "lines_opted_out",
            "optout_keyword",
            "median_days_past_grace",
            "lines",
        ]
    );
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let want: Vec<Vec<String>> = expected_named()
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["lines_violating"].as_u64().unwrap() >= 2)
        .enumerate()
        .map(|(i, o)| {
            let strs = |v: &Value| -> Vec<String> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect()
            };
            vec![
                (i + 1).to_string(),
                strs(&o["numbers"]).join("; "),
                o["offender"].as_str().unwrap().to_string(),
                "brand".into(),
                o["first_violation"]
                    .as_str()
                    .unwrap()
                    .get(..10)
                    .unwrap()
                    .to_string(),
                o["last_violation"]
                    .as_str()
                    .unwrap()
                    .get(..10)
                    .unwrap()
                    .to_string(),
                o["violations"].to_string(),
                "text".into(),
                o["lines_violating"].to_string(),
                o["lines_affected"].to_string(),
                o["lines_opted_out"].to_string(),
                "T".into(),
                format!("{:.1}", o["median_days_past_grace"].as_f64().unwrap()),
                strs(&o["lines"]["violating"]).join("; "),
            ]
        })
        .collect();
    assert_eq!(want.len(), 4, "four offenders on two lines or more");
    assert_eq!(rows, want);
}

#[test]
fn since_and_min_lines_filter_like_offenders() {
    let (dir, db) = database();
    let doc: Value = serde_json::from_str(&export(
        &db,
        dir.path(),
        "o.json",
        &["--since", "2026-03-10", "--min-lines", "2"],
    ))
    .unwrap();
    let since: Value = serde_json::from_slice(
        &std::fs::read(fixture("offenders/expected-since-2026-03-10.json")).unwrap(),
    )
    .unwrap();
    let want: Vec<&str> = since
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["lines_violating"].as_u64().unwrap() >= 2)
        .map(|o| o["offender"].as_str().unwrap())
        .collect();
    let got: Vec<&str> = doc["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["offender"].as_str().unwrap())
        .collect();
    assert_eq!(got, want);
    assert_eq!(doc["since"], "2026-03-10T00:00:00+08:00");
}

#[test]
fn the_html_escapes_a_hostile_brand_and_is_self_contained() {
    let (dir, db) = database();
    let hostile = "<script>alert('x')</script>&\"乙";
    optout(&db)
        .args(["brand-alias", "乙贷款", hostile])
        .assert()
        .success();
    let html = export(&db, dir.path(), "o.html", &[]);
    assert!(!html.contains("<script"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;乙"),
        "{html}"
    );
    assert!(html.contains("<svg class=\"chart\""));
    assert!(html.contains("@media print"));
    // No external resource: the only URL is the SVG namespace.
    let rest = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !rest.contains("http:") && !rest.contains("https:"),
        "{rest}"
    );
    assert!(!html.contains("src=") && !html.contains("<link"));
    let csv = export(&db, dir.path(), "o.csv", &[]);
    assert!(
        csv.contains("\"<script>alert('x')</script>&\"\"乙\""),
        "{csv}"
    );
}

#[test]
fn the_files_are_owner_only_and_never_overwritten_without_force() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, db) = database();
    export(&db, dir.path(), "o.json", &[]);
    let mode = std::fs::metadata(dir.path().join("o.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    optout(&db)
        .args(["export", "--offenders", "--out"])
        .arg(dir.path().join("o.json"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("already exists"));
    // A format the offenders report has no form for is refused.
    optout(&db)
        .args([
            "export",
            "--offenders",
            "--format",
            "complaint",
            "--out",
            "-",
        ])
        .assert()
        .failure();
    // --name-lines without --offenders is refused.
    optout(&db)
        .args(["export", "--name-lines"])
        .assert()
        .failure();
}
