//! The whole pipeline (import → classify → track) against the ground truth
//! of `../shared/tools/gen_sms.py`, a generator written outside this crate.
//! Agreement is measured per sender and must stay above defended floors;
//! the measured figures are printed (`cargo test -- --nocapture`).

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::{optout, root};
use serde_json::Value;

fn generate(n: u32, seed: u32, dir: &std::path::Path) -> Option<(std::path::PathBuf, Value)> {
    let script = root().join("../shared/tools/gen_sms.py");
    if !script.exists() {
        eprintln!("skipping: {} is absent", script.display());
        return None;
    }
    let out = dir.join("gen.xml");
    let truth = dir.join("gen.truth.json");
    let status = Command::new("python3")
        .arg(&script)
        .args([
            "--messages",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
        ])
        .arg(&out)
        .arg("--truth")
        .arg(&truth)
        .status();
    match status {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("skipping: python3 gen_sms.py did not run ({other:?})");
            return None;
        }
    }
    let truth: Value = serde_json::from_slice(&std::fs::read(&truth).ok()?).ok()?;
    Some((out, truth))
}

fn ratio(hit: usize, of: usize) -> f64 {
    if of == 0 { 1.0 } else { hit as f64 / of as f64 }
}

#[test]
fn generated_history_agrees_with_its_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let Some((export, truth)) = generate(20_000, 3, dir.path()) else {
        return;
    };
    let db = dir.path().join("db.sqlite3");
    optout(&db).arg("import").arg(&export).assert().success();
    let out = optout(&db).args(["senders", "--json"]).output().unwrap();
    assert!(out.status.success());
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    // Index ours by every alias, so the truth's raw keys find them.
    let mut ours: HashMap<String, &Value> = HashMap::new();
    for s in &got {
        for a in s["aliases"].as_array().unwrap() {
            ours.insert(a.as_str().unwrap().to_string(), s);
        }
    }
    let senders = truth["senders"].as_object().unwrap();
    let find = |key: &str, t: &Value| -> Option<&Value> {
        ours.get(key).copied().or_else(|| {
            t["address_variants"]
                .as_object()
                .and_then(|v| v.keys().find_map(|k| ours.get(k).copied()))
        })
    };

    let (mut mkt, mut mkt_hit, mut pers, mut pers_hit, mut txn, mut txn_hit) = (0, 0, 0, 0, 0, 0);
    let (mut kw, mut kw_hit, mut opt, mut opt_hit) = (0, 0, 0, 0);
    let (mut viol, mut viol_hit, mut clean, mut clean_hit) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for (key, t) in senders {
        if t.get("role").is_some() {
            continue; // opt-out targets that never sent anything
        }
        let Some(s) = find(key, t) else {
            misses.push(format!("{key}: not found"));
            continue;
        };
        let kind = s["kind"].as_str().unwrap();
        let is_mkt = matches!(kind, "marketing" | "suspicious");
        let (total, hit) = match t["kind"].as_str().unwrap() {
            "marketing" => (&mut mkt, &mut mkt_hit),
            "personal" => (&mut pers, &mut pers_hit),
            _ => (&mut txn, &mut txn_hit),
        };
        *total += 1;
        if is_mkt == (t["kind"] == "marketing") {
            *hit += 1;
        } else {
            misses.push(format!("{key}: {}, got {kind}", t["kind"]));
        }
        if let Some(k) = t["optout_keyword"].as_str() {
            kw += 1;
            if s["optout_keyword"].as_str() == Some(k) {
                kw_hit += 1;
            } else {
                misses.push(format!("{key}: keyword {k}, got {}", s["optout_keyword"]));
            }
        }
        if t["optout_sent_at"].is_number() {
            opt += 1;
            if s["optout_sent_at"].is_string() {
                opt_hit += 1;
            } else {
                misses.push(format!("{key}: opt-out not seen"));
            }
            // The generator counts every marketing message after the opt-out;
            // optout splits them into in flight (inside the grace) and violations.
            let after = t["messages_after_optout"].as_u64().unwrap_or(0);
            let ours =
                s["after_optout"].as_u64().unwrap_or(0) + s["in_flight"].as_u64().unwrap_or(0);
            // A brand opt-out covers all its numbers in optout, not in the
            // generator's per-number count: compare single-number brands.
            if t["brand_addresses"].as_array().is_some_and(|a| a.len() > 1) {
                continue;
            }
            let (total, hit) = if after > 0 {
                (&mut viol, &mut viol_hit)
            } else {
                (&mut clean, &mut clean_hit)
            };
            *total += 1;
            if ours == after {
                *hit += 1;
            } else {
                misses.push(format!(
                    "{key}: {after} messages after the opt-out, got {ours}"
                ));
            }
        }
    }
    eprintln!(
        "generated truth, {} senders: marketing found {mkt_hit}/{mkt}, personal kept {pers_hit}/{pers}, \
         transactional kept {txn_hit}/{txn}, keywords {kw_hit}/{kw}, opt-outs seen {opt_hit}/{opt}, \
         messages after the opt-out counted for {viol_hit}/{viol} senders, quiet senders kept quiet {clean_hit}/{clean}",
        senders.len()
    );
    for m in misses.iter().take(20) {
        eprintln!("  miss: {m}");
    }
    assert!(ratio(mkt_hit, mkt) >= 0.95, "marketing senders found");
    assert!(
        ratio(pers_hit, pers) >= 0.99,
        "personal senders never called marketing"
    );
    assert!(
        ratio(txn_hit, txn) >= 0.90,
        "transactional senders not called marketing"
    );
    assert!(ratio(kw_hit, kw) >= 0.95, "advertised keywords");
    assert!(ratio(opt_hit, opt) >= 0.95, "opt-outs seen");
    assert!(ratio(viol_hit, viol) >= 0.95, "messages after the opt-out");
    assert!(ratio(clean_hit, clean) >= 0.95, "quiet senders");
}
