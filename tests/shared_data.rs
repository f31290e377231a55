//! The shared corpora the other tests read (`../shared/data`, or
//! `$OPTOUT_SHARED_DATA`): one line in plain `cargo test` output saying how
//! many of them are absent, so a run where the corpus tests skipped is not
//! mistaken for one where they passed. Each skipping test also prints its own
//! `skipped: …` line (`common::skipped`). With `OPTOUT_REQUIRE_SHARED_DATA=1`
//! an absent corpus fails this test instead.

mod common;

use std::collections::BTreeSet;
use std::io::Write as _;

use common::{root, shared_data_root};

/// The corpus names the tests ask for: the first path component of each
/// string literal passed to `data_dir(…)` or `shared_data(…)` in `tests/`.
fn corpora_named_by_the_tests() -> BTreeSet<String> {
    let mut files = Vec::new();
    for dir in ["tests", "tests/corpora", "tests/common"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut names = BTreeSet::new();
    for file in files {
        let src = std::fs::read_to_string(&file).unwrap();
        for call in ["data_dir(\"", "shared_data(\""] {
            for rest in src.split(call).skip(1) {
                let arg = rest.split('"').next().unwrap_or_default();
                let corpus = arg.split('/').next().unwrap_or_default();
                if !corpus.is_empty() && corpus != "." {
                    names.insert(corpus.to_string());
                }
            }
        }
    }
    names
}

#[test]
fn says_which_shared_corpora_are_absent() {
    let names = corpora_named_by_the_tests();
    // The scan itself must work, or this line would always say "all present".
    assert!(
        names.len() >= 10 && names.contains("uci-sms-spam-collection"),
        "{names:?}"
    );
    let base = shared_data_root();
    let absent: Vec<&String> = names.iter().filter(|n| !base.join(n).exists()).collect();
    let line = if absent.is_empty() {
        format!(
            "shared data: all {} corpora present in {}\n",
            names.len(),
            base.display()
        )
    } else {
        format!(
            "shared data: {} of {} corpora absent from {}, their tests skipped \
             (set OPTOUT_SHARED_DATA): {}\n",
            absent.len(),
            names.len(),
            base.display(),
            absent
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    // Written to the handle, not with eprint!, so libtest does not capture it.
    let _ = std::io::stderr().write_all(line.as_bytes());
    if std::env::var_os("OPTOUT_REQUIRE_SHARED_DATA").is_some_and(|v| v == "1") {
        assert!(absent.is_empty(), "{line}");
    }
}
