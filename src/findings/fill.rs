//! The full fill of the findings cache (the first read after an import
//! into an empty cache, `optout reclassify`, other rules or another
//! policy), in memory bounded by one group of senders, not by the
//! database.
//!
//! Findings are per line and sender, and a sender's findings depend only on
//! the senders of its own line it is tied to: its brand group, the numbers
//! it names as opt-out targets and the senders naming it
//! ([`Tally::links`]). So the fill goes one line at a time. Pass 1 reads the
//! line's message facts (through migration 9's index, or the whole table in
//! one sequential read for a line holding much of it) into a tally of that
//! line's senders. Their links cut the line into closed groups (connected
//! components), packed in order into batches of at most [`BATCH_MESSAGES`]
//! messages (a larger group is a batch alone). Each batch's tally replays
//! over the line's event rows (read once per batch, rows of other batches
//! passed over), and its rows are written and dropped before the next.
//! What stays in memory: the stored senders with their aliases, one line's
//! tally (per sender, not per message) and one batch's events and findings.
//!
//! It equals [`super::compute`]: a line's tally is the whole tally's
//! accumulators of that line (each is per line and sender), a closed group
//! replays alone to the findings it has among every sender
//! ([`Tally::split`]), manual records count only on their own line and
//! ignores go by name. `tests/findings_cache.rs` compares both.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::cache::put_all;
use super::{Events, Records, finish};
use crate::model::ManualOptOut;
use crate::store::{CacheTx, LineRead, Store, StoreError};
use crate::track::{Policy, SenderLinks, Tally};

/// The messages one batch of groups covers at most: what bounds the events
/// held at once (a marketing message costs 24 bytes until its replay, and
/// the others are rarely events). A line of more is read once per batch.
pub(super) const BATCH_MESSAGES: u64 = 1_000_000;

/// Computes every line and sender's findings into the (emptied) cache.
pub(super) fn fill(
    store: &Store,
    policy: &Policy,
    tx: &CacheTx<'_>,
    batch_messages: u64,
) -> Result<(), StoreError> {
    let records = Records::read(store)?;
    let mut manual: HashMap<i64, Vec<ManualOptOut>> = HashMap::new();
    for m in &records.manual {
        manual.entry(m.line_id).or_default().push(m.clone());
    }
    let mut tally = Tally::new();
    store.scan_senders(|row| tally.sender(row))?;
    store.scan_aliases(|row| tally.alias(row))?;
    let sizes = store.line_sizes()?;
    let total: u64 = sizes.iter().map(|s| s.1).sum();
    for (line, size) in sizes {
        // An index look-up per row costs more than reading past the other
        // lines' rows once a line holds a quarter of the table.
        let read = if size * 4 > total {
            LineRead::Table
        } else {
            LineRead::Index
        };
        let mut weight: HashMap<i64, u64> = HashMap::new();
        store.scan_line_facts(line, read, |row| {
            *weight.entry(row.sender_id).or_default() += 1;
            tally.message(&row);
        })?;
        let links = tally.links(&records.brand_aliases);
        let batch_of = batches(&links, &weight, batch_messages);
        let n = batch_of.values().max().map_or(0, |b| b + 1);
        let manual = manual.get(&line).map_or(&[][..], Vec::as_slice);
        for t in tally.split(n, |_, sender| batch_of[&sender]) {
            let report = finish(store, policy, t, &records, manual, Events::Line(line, read))?;
            put_all(tx, &report.senders, &links)?;
        }
    }
    Ok(())
}

/// The batch of each sender of one line's `links`: the closed groups
/// (senders tied by a brand group or an opt-out target, transitively),
/// taken in the order of their first sender and packed into batches of at
/// most `budget` messages (`weight`: messages per sender).
fn batches(links: &[SenderLinks], weight: &HashMap<i64, u64>, budget: u64) -> HashMap<i64, usize> {
    let mut parent: Vec<usize> = (0..links.len()).collect();
    let by_key: HashMap<&str, usize> = links
        .iter()
        .enumerate()
        .map(|(i, l)| (l.key.as_str(), i))
        .collect();
    let mut by_brand: HashMap<&str, usize> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        if let Some(b) = &l.group_brand {
            match by_brand.entry(b.as_str()) {
                Entry::Occupied(e) => union(&mut parent, *e.get(), i),
                Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
        for t in &l.targets {
            if let Some(&j) = by_key.get(t.as_str()) {
                union(&mut parent, i, j);
            }
        }
    }
    let mut group_weight: HashMap<usize, u64> = HashMap::new();
    let mut order = Vec::new();
    for (i, l) in links.iter().enumerate() {
        let r = root(&mut parent, i);
        let w = group_weight.entry(r).or_insert_with(|| {
            order.push(r);
            0
        });
        *w += weight.get(&l.sender_id).copied().unwrap_or(0);
    }
    let (mut batch, mut used) = (0, 0);
    let mut batch_of_group: HashMap<usize, usize> = HashMap::new();
    for r in order {
        let w = group_weight[&r];
        if used > 0 && used + w > budget {
            batch += 1;
            used = 0;
        }
        batch_of_group.insert(r, batch);
        used += w;
    }
    (0..links.len())
        .map(|i| (links[i].sender_id, batch_of_group[&root(&mut parent, i)]))
        .collect()
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (root(parent, a), root(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(sender_id: i64, key: &str, brand: Option<&str>, targets: &[&str]) -> SenderLinks {
        SenderLinks {
            line_id: 1,
            sender_id,
            key: key.into(),
            group_brand: brand.map(str::to_string),
            raw_brand: brand.map(str::to_string),
            targets: targets.iter().map(|t| (*t).to_string()).collect(),
        }
    }

    #[test]
    fn groups_follow_brands_and_targets_and_pack_into_batches() {
        let links = [
            link(1, "95528", Some("浦发银行"), &[]),
            link(2, "10690", None, &["95555"]),
            link(3, "95555", None, &[]),
            link(4, "10086", Some("浦发银行"), &[]),
            link(5, "10010", None, &[]),
        ];
        let weight: HashMap<i64, u64> = [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)].into();
        // Everything fits: one batch.
        let one = batches(&links, &weight, 100);
        assert!(one.values().all(|&b| b == 0), "{one:?}");
        // A budget of one group each: {1, 4} (one brand), {2, 3} (a
        // target), {5}; never a brand or a target cut in two.
        let apart = batches(&links, &weight, 10);
        assert_eq!(apart[&1], apart[&4]);
        assert_eq!(apart[&2], apart[&3]);
        assert_ne!(apart[&1], apart[&2]);
        assert_ne!(apart[&2], apart[&5]);
        assert_eq!(apart.values().max(), Some(&2));
        // A group over the budget is a batch alone.
        let tight = batches(&links, &weight, 1);
        assert_eq!(tight[&1], tight[&4]);
        assert_eq!(tight.values().max(), Some(&2));
    }
}
