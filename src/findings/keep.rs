//! A reader's last report, kept across reloads: the rows of the cache that
//! did not change since it was read are moved from it into the next report
//! instead of being decoded (or copied) again. At ten million messages a
//! report is most of the interface's memory; holding it twice while the
//! next one is made was most of an `i` or `m`'s peak.
//!
//! Everything that can fail (the store's reads) happens first, into
//! [`Rows`]; the previous report is taken apart only in [`Rows::report`],
//! which cannot fail, after the transaction has committed. A failed reload
//! leaves the previous report as it was.

use std::collections::{HashMap, HashSet};

use super::cache::{Decode, Pair, load};
use crate::store::{Store, StoreError};
use crate::track::{Report, SenderReport};

/// The rows a reload can take from the previous report: its row of each
/// pair, by position, and the rows just recomputed (which replace theirs).
pub(super) struct Keep {
    at: HashMap<Pair, usize>,
    fresh: HashMap<Pair, SenderReport>,
}

impl Keep {
    /// The positions of `previous`'s rows, when it was read at `generation`
    /// (`at`): other rows of the cache cannot be kept.
    pub(super) fn of(previous: &Report, at: &str, generation: Option<&String>) -> Option<Keep> {
        (Some(at) == generation.map(String::as_str)).then(|| Keep {
            at: previous
                .senders
                .iter()
                .enumerate()
                .map(|(i, s)| ((s.line_id, s.sender_id), i))
                .collect(),
            fresh: HashMap::new(),
        })
    }

    /// The rows of `changed` were recomputed: `rows` replace them (rows of
    /// other lines than the one read are not given).
    pub(super) fn recomputed(&mut self, changed: &[Pair], rows: Vec<SenderReport>) {
        for p in changed {
            self.at.remove(p);
        }
        self.fresh
            .extend(rows.into_iter().map(|s| ((s.line_id, s.sender_id), s)));
    }
}

/// What a reload read, before the previous report is taken apart.
pub(super) enum Rows {
    /// Every row decoded: nothing of the previous report is used.
    Full(Report),
    Keeping(Gathered),
}

pub(super) struct Gathered {
    slots: Vec<Slot>,
    /// The rows decoded or recomputed, in the order of their slots.
    read: Vec<SenderReport>,
    /// The senders whose aliases are read again, and those aliases.
    touched: HashSet<i64>,
    aliases: HashMap<i64, Vec<String>>,
    lines: HashMap<i64, String>,
    ignored: HashSet<(bool, String)>,
}

/// One row of the next report, in the cache's order.
enum Slot {
    /// The previous report's row at this position.
    Kept(usize),
    /// The next of the rows read.
    Read,
}

impl Rows {
    /// Every cached row (of `line`, when given), with the store's current
    /// aliases and line names. The rows `keep` holds are not decoded;
    /// without `keep`, every row is.
    pub(super) fn read(
        store: &Store,
        keep: Option<Keep>,
        changed: &[Pair],
        line: Option<i64>,
        decode: Decode,
    ) -> Result<Rows, StoreError> {
        let Some(Keep { at, mut fresh }) = keep else {
            return Ok(Rows::Full(load(store, line, decode)?));
        };
        let lines: HashMap<i64, String> =
            store.lines()?.into_iter().map(|l| (l.id, l.name)).collect();
        let pairs = store.cached_pairs(line)?;
        // A sender's raw addresses change only with its messages, which
        // marks its pairs: those senders' rows take their aliases again, as
        // do the rows decoded here.
        let mut touched: HashSet<i64> = changed.iter().map(|p| p.1).collect();
        touched.extend(pairs.iter().filter(|p| !at.contains_key(p)).map(|p| p.1));
        let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
        if !touched.is_empty() {
            store.scan_aliases(|a| {
                if touched.contains(&a.sender_id) {
                    aliases
                        .entry(a.sender_id)
                        .or_default()
                        .push(a.raw.to_string());
                }
            })?;
        }
        let mut slots = Vec::with_capacity(pairs.len());
        let mut read = Vec::new();
        for pair in pairs {
            if let Some(&i) = at.get(&pair).filter(|_| !fresh.contains_key(&pair)) {
                slots.push(Slot::Kept(i));
                continue;
            }
            let row = if let Some(s) = fresh.remove(&pair) {
                s
            } else {
                let (l, sender) = pair;
                store.with_cached_finding(pair, |data| decode.row(l, sender, data))?
            };
            read.push(row);
            slots.push(Slot::Read);
        }
        Ok(Rows::Keeping(Gathered {
            slots,
            read,
            touched,
            aliases,
            lines,
            ignored: store.ignored()?,
        }))
    }

    /// The report, with the rows kept taken out of `previous` (which is
    /// left empty when the previous report could be kept from).
    pub(super) fn report(self, previous: Option<&mut Report>) -> Report {
        let g = match self {
            Rows::Full(report) => return report,
            Rows::Keeping(g) => g,
        };
        let mut old: Vec<Option<SenderReport>> = previous
            .map(|p| std::mem::take(p).senders.into_iter().map(Some).collect())
            .unwrap_or_default();
        let mut read = g.read.into_iter();
        let mut senders = Vec::with_capacity(g.slots.len());
        for slot in g.slots {
            // A pair is one cached row and one slot: a position of
            // `previous` is asked for once, and there are as many rows read
            // as `Read` slots.
            let mut s = match slot {
                Slot::Read => read.next().expect("a row for each slot read"),
                Slot::Kept(i) => old
                    .get_mut(i)
                    .and_then(Option::take)
                    .expect("each kept row is taken once"),
            };
            if g.touched.contains(&s.sender_id) {
                s.aliases = g.aliases.get(&s.sender_id).cloned().unwrap_or_default();
            }
            match g.lines.get(&s.line_id) {
                Some(name) if *name != s.line => s.line.clone_from(name),
                Some(_) => {}
                None => s.line.clear(),
            }
            senders.push(s);
        }
        drop(old);
        Report::assemble(senders, &g.ignored)
    }
}
