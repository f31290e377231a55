//! The findings cache's incremental recompute: the (line, sender) pairs
//! the triggers marked and the keys and brands their records named, grown
//! to everything their findings can depend on, recomputed a line at a time.
//!
//! A marked set grows to a sender's brand group on its line, the numbers
//! it names as opt-out targets and the senders naming it, before (the
//! cached links) and after the change (the tally's), until nothing more is
//! reached. A set closed that way has the same findings alone as in the
//! whole computation, so only its messages are read. Findings never cross
//! lines, so each line's work is done alone, with that line's cached
//! links: memory grows with one line's marked senders, not with the
//! casebook.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::cache::{Pair, put_all};
use super::{Events, Records, finish};
use crate::model::ManualOptOut;
use crate::store::{CacheTx, CachedLink, Store, StoreError};
use crate::track::{Policy, SenderReport, Tally};

/// The cached links of one line, indexed the ways the closure looks.
#[allow(clippy::struct_field_names)] // by pair, by key…: how each is looked up
struct Graph<'a> {
    by_pair: HashMap<Pair, &'a CachedLink>,
    by_key: HashMap<(i64, &'a str), Pair>,
    by_brand: HashMap<(i64, &'a str), Vec<Pair>>,
    by_raw_brand: HashMap<(i64, &'a str), Vec<Pair>>,
    by_target: HashMap<(i64, &'a str), Vec<Pair>>,
}

impl<'a> Graph<'a> {
    fn new(links: &'a [CachedLink]) -> Graph<'a> {
        let mut g = Graph {
            by_pair: HashMap::new(),
            by_key: HashMap::new(),
            by_brand: HashMap::new(),
            by_raw_brand: HashMap::new(),
            by_target: HashMap::new(),
        };
        for l in links {
            let p = (l.line_id, l.sender_id);
            g.by_pair.insert(p, l);
            g.by_key.insert((l.line_id, l.key.as_str()), p);
            if let Some(b) = &l.group_brand {
                g.by_brand
                    .entry((l.line_id, b.as_str()))
                    .or_default()
                    .push(p);
            }
            if let Some(b) = &l.raw_brand {
                g.by_raw_brand
                    .entry((l.line_id, b.as_str()))
                    .or_default()
                    .push(p);
            }
            for t in &l.targets {
                g.by_target
                    .entry((l.line_id, t.as_str()))
                    .or_default()
                    .push(p);
            }
        }
        g
    }

    /// The cached senders `link` is tied to on its line.
    fn neighbours(
        &self,
        line: i64,
        key: &str,
        brand: Option<&str>,
        targets: &[String],
        out: &mut Vec<Pair>,
    ) {
        if let Some(b) = brand {
            out.extend(self.by_brand.get(&(line, b)).into_iter().flatten());
        }
        for t in targets {
            out.extend(self.by_key.get(&(line, t.as_str())));
        }
        out.extend(self.by_target.get(&(line, key)).into_iter().flatten());
    }
}

/// One line's marked work: pairs, and records naming a key or a brand.
#[derive(Default)]
struct LineWork {
    pairs: Vec<Pair>,
    /// (is a brand, key or brand).
    names: Vec<(bool, String)>,
}

/// Recomputes the marked pairs and everything tied to them, a line at a
/// time, in `tx`: the pairs recomputed (a pair with no row left is gone),
/// each new row lent to `keep`.
pub(super) fn recompute(
    store: &Store,
    policy: &Policy,
    tx: &CacheTx<'_>,
    keep: &mut dyn FnMut(SenderReport),
) -> Result<Vec<Pair>, StoreError> {
    let work = store.findings_dirty()?;
    let records = Records::read(store)?;
    let mut id_of: HashMap<String, i64> = HashMap::new();
    let mut tally = Tally::new();
    store.scan_senders(|row| {
        id_of.insert(row.key.to_string(), row.id);
        tally.sender(row);
    })?;
    store.scan_aliases(|row| tally.alias(row))?;

    let mut lines: BTreeMap<i64, LineWork> = BTreeMap::new();
    for &p in &work.pairs {
        lines.entry(p.0).or_default().pairs.push(p);
    }
    for (brand, line, name) in work.names {
        // Line 0: every line (an ignore, a brand alias).
        let on = if line == 0 {
            store.cached_lines_naming(brand, &name)?
        } else {
            vec![line]
        };
        for l in on {
            lines
                .entry(l)
                .or_default()
                .names
                .push((brand, name.clone()));
        }
    }

    let brand_aliases = &records.brand_aliases;
    let mut changed = Vec::new();
    for (line, work) in lines {
        let cached = store.cached_links_of(line)?;
        let graph = Graph::new(&cached);
        let mut set: BTreeSet<Pair> = work.pairs.into_iter().collect();
        for (brand, name) in &work.names {
            if *brand {
                for index in [&graph.by_brand, &graph.by_raw_brand] {
                    set.extend(index.get(&(line, name.as_str())).into_iter().flatten());
                }
            } else if let Some(&id) = id_of.get(name.as_str()) {
                set.insert((line, id));
            }
        }
        let mut fed: HashSet<Pair> = HashSet::new();
        loop {
            let new: Vec<Pair> = set.iter().copied().filter(|p| !fed.contains(p)).collect();
            if new.is_empty() {
                break;
            }
            store.scan_message_facts_of(&new, |row| tally.message(&row))?;
            fed.extend(new);
            let mut reached = Vec::new();
            for l in tally.links(brand_aliases) {
                graph.neighbours(
                    l.line_id,
                    &l.key,
                    l.group_brand.as_deref(),
                    &l.targets,
                    &mut reached,
                );
            }
            for p in &set {
                if let Some(l) = graph.by_pair.get(p) {
                    graph.neighbours(
                        l.line_id,
                        &l.key,
                        l.group_brand.as_deref(),
                        &l.targets,
                        &mut reached,
                    );
                }
            }
            set.extend(reached);
        }

        let pairs: Vec<Pair> = set.into_iter().collect();
        let links = tally.links(brand_aliases);
        // This line's senders out of the tally, which keeps the stored
        // senders for the next line.
        let part = tally.split(1, |_, _| 0).pop().unwrap_or_default();
        let manual: Vec<ManualOptOut> = records
            .manual
            .iter()
            .filter(|m| m.line_id == line)
            .cloned()
            .collect();
        let report = finish(
            store,
            policy,
            part,
            &records,
            &manual,
            Events::Pairs(&pairs),
        )?;
        tx.forget(&pairs)?;
        put_all(tx, &report.senders, &links)?;
        changed.extend(pairs);
        for s in report.senders {
            keep(s);
        }
    }
    tx.clear_dirty()?;
    Ok(changed)
}
