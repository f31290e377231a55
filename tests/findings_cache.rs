//! The findings cache is never the truth: after every step of seeded random
//! sequences of imports (two lines), ignores, manual records, brand aliases,
//! rule and policy changes, the cached report equals a full recomputation
//! from scratch, row for row and in the `--json` shapes; so does the report
//! a long-running reader keeps between reads (`findings::Kept`, the
//! interface's: every line, and one line), which reuses the rows that did
//! not change, including when another process wrote the cache in between;
//! and so does the interface's reader, which leaves every list of
//! violations in the cache (`findings::Kept::leaving_lists`), each list
//! read back from there equal to the computation's.
//! The full fill, a line and a closed group of senders at a time, equals it
//! too however small its batches (`findings::rebuild_in_batches`), and on a
//! database made before migration 9.

mod common;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use jiff::tz::TimeZone;
use optout::classify::Classifier;
use optout::findings;
use optout::store::Store;
use optout::track::{Grace, Moments, Policy, Report};

use common::rng::Rng;

const LINES: &[&str] = &["me", "bo"];
/// Numbers that market, confirm, get replies and name each other as targets.
const SENDERS: &[&str] = &[
    "95528",
    "106901234567",
    "1069055555",
    "10086",
    "95555",
    "+8613800138000",
    "+8613912345678",
];
const BRANDS: &[&str] = &["浦发银行", "浦发", "招商银行", "饭点外卖", "中国移动"];
const KEYS: &[&str] = &[
    "95528",
    "106901234567",
    "1069055555",
    "10086",
    "95555",
    "+8613800138000",
    "+8613912345678",
];

fn body(rng: &mut Rng) -> (u8, String) {
    let brand = *rng.pick(BRANDS);
    match rng.below(9) {
        0 | 1 => (1, format!("【{brand}】限时特惠，全场5折，回TD退订")),
        2 => (
            1,
            format!("【{brand}】会员日大促，满100减30，退订请发送TD到106901234567"),
        ),
        3 => (1, format!("【{brand}】新品秒杀低至1折，回T退订")),
        4 => (
            1,
            format!("【{brand}】您已成功退订营销短信，业务通知不受影响。"),
        ),
        5 => (
            1,
            format!(
                "【{brand}】您的验证码是{}，5分钟内有效。",
                rng.below(900_000) + 100_000
            ),
        ),
        6 => (1, "晚上一起吃饭吗".to_string()),
        7 => (
            2,
            rng.pick(&["TD", "T", "退订", "START", "好的"]).to_string(),
        ),
        _ => (2, "TD".to_string()),
    }
}

/// A small SMS Backup & Restore export of random messages.
fn export(rng: &mut Rng, dir: &Path, n: usize) -> std::path::PathBuf {
    let mut xml =
        String::from("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses>\n");
    for _ in 0..n {
        let address = *rng.pick(SENDERS);
        // Six weeks of 2026, to the hour: replies, grace and violations interleave.
        let ts = 1_767_225_600_000_i64 + (rng.below(6 * 7 * 24) as i64) * 3_600_000;
        let (kind, text) = body(rng);
        writeln!(
            xml,
            r#"  <sms protocol="0" address="{address}" date="{ts}" type="{kind}" body="{text}" read="1" status="-1" contact_name="(Unknown)" />"#
        )
        .unwrap();
    }
    xml.push_str("</smses>\n");
    let path = dir.join(format!("export-{}.xml", rng.next()));
    std::fs::write(&path, xml).unwrap();
    path
}

const USER_RULES: &[&str] = &[
    "",
    "[[rule]]\nid = \"user.mkt.dinner\"\nlang = \"zh\"\nkind = \"marketing\"\nweight = 2\npatterns = ['''吃饭''']\n",
    "[[rule]]\nid = \"user.confirm.code\"\nlang = \"zh\"\nkind = \"optout_confirmation\"\npatterns = ['''验证码''']\n",
];

fn classifier(rules: &str) -> Classifier {
    if rules.is_empty() {
        Classifier::builtin()
    } else {
        Classifier::with_user_rules_text(rules, "rules.toml").unwrap()
    }
}

fn policy(i: usize) -> Policy {
    let mut p = Policy {
        zone: TimeZone::UTC,
        ..Policy::default()
    };
    if i == 1 {
        p.grace = Grace::Duration { ms: 3 * 86_400_000 };
        p.confirmation_window_ms = 86_400_000;
    }
    p
}

fn json(report: &Report) -> String {
    let senders: Vec<_> = report
        .senders
        .iter()
        .map(|s| s.to_json(&TimeZone::UTC))
        .collect();
    let brands: Vec<_> = report
        .brands
        .iter()
        .map(|b| b.to_json(&TimeZone::UTC))
        .collect();
    serde_json::to_string_pretty(&(senders, brands)).unwrap()
}

/// What a long-running reader keeps: for every line and for line "me",
/// and the interface's reader, which leaves the lists in the cache.
struct Reader {
    all: (findings::Kept, Report),
    me: (findings::Kept, Report),
    counts: (findings::Kept, Report),
}

/// `full` with its lists left in the cache, as the interface reads it.
fn lists_left(full: &Report) -> Report {
    let mut r = full.clone();
    for s in &mut r.senders {
        let f = &mut s.findings;
        f.violations = Moments::Left(f.violations.span());
        f.in_flight = Moments::Left(f.in_flight.span());
    }
    r
}

impl Reader {
    fn new() -> Reader {
        Reader {
            all: (findings::Kept::default(), Report::default()),
            me: (findings::Kept::default(), Report::default()),
            counts: (findings::Kept::leaving_lists(), Report::default()),
        }
    }

    /// The interface's reader: the same rows with the lists left in the
    /// cache, and each sender's lists read from there equal to `full`'s.
    fn check_counts(&mut self, store: &Store, policy: &Policy, full: &Report, step: &str) {
        let (kept, report) = &mut self.counts;
        *report = kept.report(store, policy, report, None).unwrap();
        let want = lists_left(full);
        assert_eq!(
            report.senders, want.senders,
            "rows read without their lists differ after {step}"
        );
        assert_eq!(
            report.brands, want.brands,
            "their brands differ after {step}"
        );
        for s in &full.senders {
            let (v, f) = findings::lists_of(store, (s.line_id, s.sender_id)).unwrap();
            assert_eq!(
                (Some(&v[..]), Some(&f[..])),
                (s.findings.violations.held(), s.findings.in_flight.held()),
                "the cached lists of {} differ after {step}",
                s.key
            );
        }
    }

    /// Reads again (keeping what did not change) and checks against `full`.
    fn check(&mut self, store: &Store, policy: &Policy, full: &Report, step: &str) {
        self.check_counts(store, policy, full, step);
        let (kept, report) = &mut self.all;
        *report = kept.report(store, policy, report, None).unwrap();
        assert_eq!(
            report.senders, full.senders,
            "kept rows differ after {step}"
        );
        assert_eq!(
            report.brands, full.brands,
            "kept brands differ after {step}"
        );
        let Some(me) = store.line_id("me").unwrap() else {
            return;
        };
        let (kept, report) = &mut self.me;
        *report = kept.report(store, policy, report, Some(me)).unwrap();
        let mut want = full.clone();
        want.retain_line("me");
        assert_eq!(
            report.senders, want.senders,
            "kept line rows differ after {step}"
        );
        assert_eq!(
            report.brands, want.brands,
            "kept line brands differ after {step}"
        );
    }
}

fn assert_same(store: &Store, policy: &Policy, step: &str, reader: &mut Reader, first: bool) {
    // The reader reads first (it recomputes what was marked) or after the
    // cache was brought up to date by another reader.
    if first {
        let full = findings::compute(store, policy).unwrap();
        reader.check(store, policy, &full, step);
    }
    let cached = findings::refresh(store, policy).unwrap();
    let full = findings::compute(store, policy).unwrap();
    if !first {
        reader.check(store, policy, &full, step);
    }
    assert_eq!(json(&cached), json(&full), "--json differs after {step}");
    assert_eq!(
        cached.senders, full.senders,
        "sender rows differ after {step}"
    );
    assert_eq!(cached.brands, full.brands, "brand rows differ after {step}");
    // Read again with nothing to do: the same answer from the rows alone.
    let again = findings::refresh(store, policy).unwrap();
    assert_eq!(
        again.senders, full.senders,
        "second read differs after {step}"
    );
}

fn run(seed: u64, steps: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let mut rng = Rng(seed);
    let mut rules = 0;
    let mut classifier = classifier(USER_RULES[rules]);
    let mut pol = 0;
    let mut manual: Vec<i64> = Vec::new();
    let mut violating_seen = false;
    let mut reader = Reader::new();
    for step in 0..steps {
        let what = match rng.below(12) {
            0..=4 => {
                let line = *rng.pick(LINES);
                let n = 2 + rng.below(10);
                let file = export(&mut rng, dir.path(), n);
                common::import_xml(&mut store, line, &file, &classifier);
                format!("import of {n} to {line}")
            }
            5 => {
                let brand = rng.below(2) == 0;
                let name = if brand {
                    *rng.pick(BRANDS)
                } else {
                    *rng.pick(KEYS)
                };
                let on = rng.below(3) != 0;
                store.set_ignored(brand, name, on).unwrap();
                format!("ignore {name} = {on}")
            }
            6 | 7 => {
                if !manual.is_empty() && rng.below(3) == 0 {
                    let id = manual.swap_remove(rng.below(manual.len()));
                    store.remove_manual_optout(id).unwrap();
                    format!("remove manual record {id}")
                } else {
                    let name = LINES[rng.below(LINES.len())];
                    let line = store.ensure_line(name).unwrap();
                    let brand = rng.below(2) == 0;
                    let name = if brand {
                        *rng.pick(BRANDS)
                    } else {
                        *rng.pick(KEYS)
                    };
                    let at = 1_767_225_600_000_i64 + (rng.below(6 * 7 * 24) as i64) * 3_600_000;
                    let id = store
                        .add_manual_optout_on(line, brand, name, at, Some(28_800), "call", None)
                        .unwrap();
                    manual.push(id);
                    format!("manual record {name} on line {line}")
                }
            }
            8 => {
                let (alias, name) = *rng.pick(&[
                    ("浦发", "浦发银行"),
                    ("饭点外卖", "招商银行"),
                    ("中国移动", "浦发"),
                ]);
                let set = rng.below(2) == 0;
                store.set_brand_alias(alias, set.then_some(name)).unwrap();
                format!("brand alias {alias} → {name} = {set}")
            }
            9 => {
                rules = (rules + 1 + rng.below(USER_RULES.len() - 1)) % USER_RULES.len();
                classifier = self::classifier(USER_RULES[rules]);
                optout::ingest::ensure_classified(&mut store, &classifier).unwrap();
                format!("rules {rules}")
            }
            10 => {
                pol = 1 - pol;
                format!("policy {pol}")
            }
            _ => {
                // Nothing changed: the cache answers alone.
                "nothing".to_string()
            }
        };
        let policy = policy(pol);
        let first = rng.below(2) == 0;
        assert_same(
            &store,
            &policy,
            &format!("step {step} ({what}), seed {seed}"),
            &mut reader,
            first,
        );
        violating_seen |= findings::compute(&store, &policy)
            .unwrap()
            .senders
            .iter()
            .any(|s| s.status == optout::track::Status::Violating);
    }
    // The sequences reach the states worth comparing.
    assert!(violating_seen, "seed {seed} never made a violation");
}

#[test]
fn the_cache_equals_a_full_recomputation_after_random_sequences() {
    for seed in [7, 42, 0x5eed_cafe] {
        run(seed, 45);
    }
}

#[test]
fn a_missing_or_stale_cache_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let mut rng = Rng(99);
    let file = export(&mut rng, dir.path(), 40);
    let classifier = Classifier::builtin();
    common::import_xml(&mut store, "me", &file, &classifier);
    let policy = policy(0);
    let full = findings::compute(&store, &policy).unwrap();
    assert_eq!(
        findings::refresh(&store, &policy).unwrap().senders,
        full.senders
    );
    // A damaged row: the strict read says so, the command falls back.
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n = conn
        .execute("UPDATE findings_cache SET data = 'not json'", [])
        .unwrap();
    assert!(n > 0);
    drop(conn);
    let store = Store::open(&db).unwrap();
    let err = findings::refresh(&store, &policy).unwrap_err();
    assert!(err.message.contains("findings cache"), "{}", err.message);
    assert_eq!(
        findings::report(&store, &policy).unwrap().senders,
        full.senders
    );
    // A rebuild (optout reclassify) makes it whole again.
    findings::rebuild(&store, &policy).unwrap();
    assert_eq!(
        findings::refresh(&store, &policy).unwrap().senders,
        full.senders
    );
    // Emptied: rebuilt on first use.
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DELETE FROM findings_cache; DELETE FROM findings_state;")
        .unwrap();
    drop(conn);
    let store = Store::open(&db).unwrap();
    assert_eq!(
        findings::refresh(&store, &policy).unwrap().senders,
        full.senders
    );
}

/// A line's export: several groups of numbers at random hours of six
/// weeks: 浦发银行 on two numbers and 浦发 on a third (one brand once
/// aliased), a number naming 10086 as where to send its keyword, 招商银行
/// alone, a personal contact; replies to some of them.
fn groups_export(rng: &mut Rng, dir: &Path) -> std::path::PathBuf {
    let mut xml =
        String::from("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses>\n");
    let messages: &[(&str, u8, &str)] = &[
        ("95528", 1, "【浦发银行】限时特惠，全场5折，回TD退订"),
        (
            "106901234567",
            1,
            "【浦发银行】会员日大促，满100减30，回TD退订",
        ),
        ("1069088888", 1, "【浦发】新品秒杀低至1折，回T退订"),
        ("1069055555", 1, "【饭点外卖】满30减15，退订请发送TD到10086"),
        (
            "10086",
            1,
            "【中国移动】您已成功退订营销短信，业务通知不受影响。",
        ),
        ("95555", 1, "【招商银行】信用卡分期免息，回TD退订"),
        ("+8613800138000", 1, "晚上一起吃饭吗"),
        ("95528", 2, "TD"),
        ("10086", 2, "TD"),
        ("95555", 2, "T"),
        ("1069088888", 2, "T"),
    ];
    for _ in 0..60 {
        let (address, kind, text) = *rng.pick(messages);
        let ts = 1_767_225_600_000_i64 + (rng.below(6 * 7 * 24) as i64) * 3_600_000;
        writeln!(
            xml,
            r#"  <sms protocol="0" address="{address}" date="{ts}" type="{kind}" body="{text}" read="1" status="-1" />"#
        )
        .unwrap();
    }
    xml.push_str("</smses>\n");
    let path = dir.join(format!("groups-{}.xml", rng.next()));
    std::fs::write(&path, xml).unwrap();
    path
}

/// Three lines of [`groups_export`]s, brand aliases and manual records.
fn casebook(dir: &Path, seed: u64) -> Store {
    let mut store = Store::open(&dir.join("db.sqlite3")).unwrap();
    let mut rng = Rng(seed);
    let classifier = Classifier::builtin();
    for line in ["me", "bo", "cy", "me", "bo"] {
        let file = groups_export(&mut rng, dir);
        common::import_xml(&mut store, line, &file, &classifier);
    }
    store.set_brand_alias("浦发", Some("浦发银行")).unwrap();
    let bo = store.ensure_line("bo").unwrap();
    let cy = store.ensure_line("cy").unwrap();
    let at = 1_767_225_600_000_i64 + 9 * 86_400_000;
    store
        .add_manual_optout_on(bo, true, "浦发银行", at, Some(28_800), "call", None)
        .unwrap();
    store
        .add_manual_optout_on(cy, false, "1069055555", at, Some(28_800), "call", None)
        .unwrap();
    store
}

/// The most groups of senders tied by a brand or an opt-out target (the
/// fill's unit) any line has, from the cached links, worked out here.
fn most_groups(db: &Path) -> usize {
    let conn = rusqlite::Connection::open(db).unwrap();
    let rows: Vec<(i64, i64, String, Option<String>)> = conn
        .prepare("SELECT line_id, sender_id, key, group_brand FROM findings_cache")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let targets: Vec<(i64, i64, String)> = conn
        .prepare("SELECT line_id, sender_id, target FROM findings_targets")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // Each sender's group on its line: merged until nothing changes.
    let mut group: HashMap<(i64, i64), i64> = rows.iter().map(|r| ((r.0, r.1), r.1)).collect();
    let mut ties: Vec<((i64, i64), (i64, i64))> = Vec::new();
    for x in &rows {
        for y in &rows {
            if x.0 == y.0 && x.3.is_some() && x.3 == y.3 {
                ties.push(((x.0, x.1), (y.0, y.1)));
            }
        }
    }
    for (line, sender, target) in &targets {
        if let Some(y) = rows.iter().find(|y| y.0 == *line && y.2 == *target) {
            ties.push(((*line, *sender), (y.0, y.1)));
        }
    }
    let mut changed = true;
    while changed {
        changed = false;
        for (a, b) in &ties {
            let (ga, gb) = (group[a], group[b]);
            if ga != gb {
                let (lo, hi) = (ga.min(gb), ga.max(gb));
                for g in group.values_mut().filter(|g| **g == hi) {
                    *g = lo;
                }
                changed = true;
            }
        }
    }
    let mut per_line: std::collections::BTreeMap<i64, std::collections::BTreeSet<i64>> =
        std::collections::BTreeMap::new();
    for ((line, _), g) in &group {
        per_line.entry(*line).or_default().insert(*g);
    }
    per_line
        .values()
        .map(std::collections::BTreeSet::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn the_fill_in_small_batches_equals_a_full_recomputation() {
    let policy = policy(0);
    let mut covered = false;
    for seed in [3, 1414] {
        let dir = tempfile::tempdir().unwrap();
        let store = casebook(dir.path(), seed);
        let full = findings::compute(&store, &policy).unwrap();
        findings::refresh(&store, &policy).unwrap();
        assert_eq!(
            full.senders
                .iter()
                .map(|s| s.line_id)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            3
        );
        // An opt-out that reached a sender through another number (its
        // brand, or a number naming another as target): a fill that cut a
        // group apart would lose it.
        covered |= full.senders.iter().any(|s| {
            s.findings
                .optout
                .as_ref()
                .is_some_and(|o| o.manual.is_none() && o.to != s.key)
        });
        assert!(
            most_groups(&dir.path().join("db.sqlite3")) >= 3,
            "seed {seed}: no line has several groups to cut apart"
        );
        // 1 message: every group a batch of its own; then a few groups
        // together; then each line at once.
        for batch in [1, 30, 90, u64::MAX] {
            findings::rebuild_in_batches(&store, &policy, batch).unwrap();
            let cached = findings::refresh(&store, &policy).unwrap();
            let step = format!("seed {seed}, batches of {batch} messages");
            assert_eq!(json(&cached), json(&full), "--json differs: {step}");
            assert_eq!(cached.senders, full.senders, "sender rows differ: {step}");
            assert_eq!(cached.brands, full.brands, "brand rows differ: {step}");
        }
    }
    assert!(
        covered,
        "no opt-out crossed numbers: the groups are not tested"
    );
}

#[test]
fn a_database_made_before_migration_9_gets_its_index_and_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    drop(casebook(dir.path(), 5));
    // Back to the schema of migration 8: no index by line, an empty cache.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP INDEX messages_line_sender_ts;
             DELETE FROM findings_cache; DELETE FROM findings_targets; DELETE FROM findings_state;
             PRAGMA user_version = 8;",
        )
        .unwrap();
    }
    let index = |conn: &rusqlite::Connection| -> Option<String> {
        conn.query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'messages_line_sender_ts'",
            [],
            |r| r.get(0),
        )
        .ok()
    };
    assert_eq!(index(&rusqlite::Connection::open(&db).unwrap()), None);
    let store = Store::open(&db).unwrap();
    let policy = policy(0);
    let cached = findings::refresh(&store, &policy).unwrap();
    assert_eq!(
        cached.senders,
        findings::compute(&store, &policy).unwrap().senders
    );
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, optout::store::MIGRATIONS.len() as i64);
    assert!(index(&conn).unwrap().contains("line_id, sender_id, ts_ms"));
    // The fill reads a line through it.
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM messages WHERE line_id = 1",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("messages_line_sender_ts"), "{plan}");
}
