//! The interface classifies with the same rules as the command line: the
//! user's rule file and `--region`, never the built-in rules alone. Before
//! this, opening the interface relabelled every message with the built-in
//! rules (a message the user's rules call transactional became marketing
//! again) and the next command relabelled them back.

mod common;

use common::tui::{options, run_with, zone};

use optout::classify::{Classifier, Region};
use optout::import::{Format, ImportOptions};
use optout::store::Store;
use optout::tui::Options;
use optout::tui::strings::Lang;

/// A user rule that calls one of the fixture's bank promotions a notice.
const USER_RULES: &str = "[[rule]]\nid = \"user.txn.wealth\"\nlang = \"zh\"\n\
    kind = \"transactional\"\npatterns = ['''尊享理财''']\n";

fn store_labelled_with(classifier: &Classifier) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let options = ImportOptions {
        zone: zone(),
        ..ImportOptions::default()
    };
    optout::ingest::import_file(
        &mut store,
        &common::fixture("android/tui.xml"),
        Format::AndroidXml,
        &options,
        classifier,
        &Region::default(),
        &(),
    )
    .unwrap();
    store
}

/// Every message's label and rule, in id order, and the rules' version.
fn labels(store: &Store) -> (Vec<(i64, String, String)>, Option<String>) {
    let mut stmt = store
        .conn()
        .prepare("SELECT id, kind, rule_id FROM messages ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (rows, store.meta("rules_version").unwrap())
}

#[test]
fn the_interface_keeps_the_labels_of_the_users_rules_and_region() {
    let user = Classifier::with_user_rules_text(USER_RULES, "rules.toml")
        .unwrap()
        .with_region(Region::new("US").unwrap());
    let store = store_labelled_with(&user);
    let before = labels(&store);
    // The user's rules do change a label: otherwise this proves nothing.
    let builtin = labels(&store_labelled_with(&Classifier::builtin()));
    assert_ne!(before.0, builtin.0, "the user rule changed no label");
    assert!(
        before
            .0
            .iter()
            .any(|(_, kind, rule)| kind == "transactional" && rule == "user.txn.wealth"),
        "{:?}",
        before.0
    );
    assert_eq!(before.1.as_deref(), Some(user.version()));

    let (session, _) = run_with(
        Some(store),
        Options {
            rules: user.clone(),
            region: Region::new("US").unwrap(),
            ..options(Lang::En)
        },
        (120, 30),
        vec![],
    );
    let after = labels(session.store().unwrap());
    assert_eq!(after, before, "the interface relabelled the messages");
}

#[test]
fn a_bad_user_rule_file_is_named_on_the_status_line() {
    let store = store_labelled_with(&Classifier::builtin());
    let (session, terminal) = run_with(
        Some(store),
        Options {
            rules_warning: Some("warning: ignoring user rules: rules.toml: bad regex".into()),
            ..options(Lang::En)
        },
        (120, 30),
        vec![],
    );
    assert!(
        common::tui::contains(&terminal, "ignoring user rules"),
        "{}",
        common::tui::screen_text(terminal.backend())
    );
    drop(session);
}
