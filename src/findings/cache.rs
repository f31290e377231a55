//! The findings cache: every line and sender's finding kept in the
//! database (`store/cache.rs`), read back in a few milliseconds, and kept
//! equal to [`super::compute`] by recomputing only what a change touched.
//!
//! Triggers (migration 7) mark the (line, sender) pairs whose messages
//! changed and the keys and brands named by manual records, ignores and
//! brand aliases, in the same transaction as the change. Before answering,
//! the marked pairs grow to everything their findings can depend on: a
//! sender's brand group on its line, the numbers it names as opt-out
//! targets and the senders naming it, before and after the change, until
//! nothing more is reached. A set closed that way has the same findings
//! alone as in the whole computation, so only its messages are read.
//!
//! The cache is never the truth: other rules, another policy, a new
//! encoding or a damaged row rebuild it from scratch, one line and group
//! of senders at a time (`findings/fill.rs`).

use std::collections::HashMap;

use super::codec::{self, FORMAT};
use super::compute;
use super::fill::{BATCH_MESSAGES, fill};
use super::keep::{Keep, Rows};
use super::recompute::recompute;
use crate::model::Moment;
use crate::store::{CacheRow, CacheTx, GENERATION, Store, StoreError};
use crate::track::{Policy, Report, SenderLinks, SenderReport};

pub(super) type Pair = (i64, i64);

/// How a cached row is read: with its lists, or with them left in the
/// cache ([`crate::track::Moments::Left`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decode {
    Lists,
    LeaveLists,
}

impl Decode {
    pub(super) fn row(
        self,
        line: i64,
        sender: i64,
        data: &str,
    ) -> Result<SenderReport, StoreError> {
        match self {
            Decode::Lists => codec::decode(line, sender, data),
            Decode::LeaveLists => codec::decode_outline(line, sender, data),
        }
    }
}

/// The violations and in-flight moments of one line and sender, read from
/// its cached row: for a report whose lists were left there
/// ([`Kept::leaving_lists`]). The row may have been recomputed since that
/// report was read; a reader that reloads on every change (the interface)
/// shows the two together only until its next reload.
pub fn lists_of(store: &Store, pair: Pair) -> Result<(Vec<Moment>, Vec<Moment>), StoreError> {
    store.with_cached_finding(pair, |data| codec::decode_lists(pair.0, pair.1, data))
}

/// The report, from the cache brought up to date first. Falls back to the
/// full computation when the cache cannot be written (a read-only file, a
/// lock held too long).
pub fn report(store: &Store, policy: &Policy) -> Result<Report, StoreError> {
    refresh(store, policy).or_else(|_| compute(store, policy))
}

/// The report of one line (every line: `None`), from the cache brought up
/// to date: only that line's rows are decoded. Falls back to the full
/// computation as [`report`] does.
pub fn report_of(store: &Store, policy: &Policy, line: Option<i64>) -> Result<Report, StoreError> {
    Kept::default().report(store, policy, &mut Report::default(), line)
}

/// The report from the cache, after recomputing what the triggers marked
/// (or everything, when the cache is missing or stale).
pub fn refresh(store: &Store, policy: &Policy) -> Result<Report, StoreError> {
    Ok(refresh_keeping(store, policy, None, None, Decode::Lists)?.0)
}

/// A report kept by a reader that reads again after every change (the
/// interface): the generation of the cache rows it was read at, so that
/// the next read keeps the rows that did not change instead of decoding
/// every row again. Rows written by anyone else (another generation) are
/// read again in full.
#[derive(Debug, Default)]
pub struct Kept {
    generation: Option<String>,
    /// The rows are read with their lists of violations and in-flight
    /// messages left in the cache ([`crate::track::Moments::Left`]).
    leave_lists: bool,
}

impl Kept {
    /// A reader that shows counts and reads a sender's lists only when it
    /// needs them ([`lists_of`]): its reports hold no list of violations
    /// (the interface; at ten million messages those lists were most of
    /// its memory). A report it falls back to computing holds them.
    pub fn leaving_lists() -> Kept {
        Kept {
            generation: None,
            leave_lists: true,
        }
    }

    /// The report of `line` (every line: `None`), from the cache brought up
    /// to date, with the rows of `previous` (this reader's last report, or
    /// part of it) that did not change moved into it: `previous` is left
    /// empty when any were, and as it was when this fails. Falls back to
    /// the full computation as [`report`] does.
    pub fn report(
        &mut self,
        store: &Store,
        policy: &Policy,
        previous: &mut Report,
        line: Option<i64>,
    ) -> Result<Report, StoreError> {
        let previous = self.generation.take().map(|g| (g, previous));
        let decode = if self.leave_lists {
            Decode::LeaveLists
        } else {
            Decode::Lists
        };
        if let Ok((report, generation)) = refresh_keeping(store, policy, previous, line, decode) {
            self.generation = generation;
            return Ok(report);
        }
        let mut report = compute(store, policy)?;
        if let Some(id) = line {
            report.senders.retain(|s| s.line_id == id);
            report = Report::assemble(report.senders, &store.ignored()?);
        }
        Ok(report)
    }
}

/// [`refresh`], keeping the rows of `previous` (read at its generation)
/// that are unchanged, of `line` only when given; with the generation the
/// answer was read at.
fn refresh_keeping(
    store: &Store,
    policy: &Policy,
    previous: Option<(String, &mut Report)>,
    line: Option<i64>,
    decode: Decode,
) -> Result<(Report, Option<String>), StoreError> {
    let want = state(store, policy)?;
    {
        let read = store.begin_findings_read()?;
        let got = store.findings_state()?;
        if same_state(&got, &want) && store.findings_dirty_count()? == 0 {
            let generation = got.get(GENERATION).cloned();
            let (keep, previous) = keeping(previous, generation.as_ref());
            let rows = Rows::read(store, keep, &[], line, decode)?;
            read.commit()?;
            return Ok((rows.report(previous), generation));
        }
    }
    let tx = store.begin_findings_update()?;
    let got = store.findings_state()?;
    if !same_state(&got, &want) || most_is_marked(store)? {
        build(store, policy, &tx, &want, BATCH_MESSAGES)?;
        let generation = tx.new_generation()?;
        let report = load(store, line, decode)?;
        tx.commit()?;
        return Ok((report, Some(generation)));
    }
    let (mut keep, previous) = keeping(previous, got.get(GENERATION));
    let mut rows = Vec::new();
    let keep_rows = keep.is_some();
    let changed = recompute(store, policy, &tx, &mut |mut s| {
        if keep_rows && line.is_none_or(|id| s.line_id == id) {
            if decode == Decode::LeaveLists {
                codec::leave_lists(&mut s);
            }
            rows.push(s);
        }
    })?;
    let generation = tx.new_generation()?;
    // The new rows are what the cache now holds: kept like the others.
    if let Some(k) = keep.as_mut() {
        k.recomputed(&changed, rows);
    }
    let rows = Rows::read(store, keep, &changed, line, decode)?;
    tx.commit()?;
    Ok((rows.report(previous), Some(generation)))
}

/// What of `previous` a reload can keep, when it was read at `generation`,
/// and the report to take those rows from.
fn keeping<'a>(
    previous: Option<(String, &'a mut Report)>,
    generation: Option<&String>,
) -> (Option<Keep>, Option<&'a mut Report>) {
    previous
        .and_then(|(at, report)| Keep::of(report, &at, generation).map(|keep| (keep, report)))
        .unzip()
}

/// Whether the cache's state is `want` (its generation aside).
fn same_state(got: &HashMap<String, String>, want: &HashMap<String, String>) -> bool {
    got.len() - usize::from(got.contains_key(GENERATION)) == want.len()
        && want.iter().all(|(k, v)| got.get(k) == Some(v))
}

/// Whether the cache can answer at once (no rebuild, nothing marked).
pub fn fresh(store: &Store, policy: &Policy) -> Result<bool, StoreError> {
    Ok(same_state(&store.findings_state()?, &state(store, policy)?)
        && store.findings_dirty_count()? == 0)
}

/// Throws the cache away and builds it again (`optout reclassify`).
pub fn rebuild(store: &Store, policy: &Policy) -> Result<(), StoreError> {
    rebuild_in_batches(store, policy, BATCH_MESSAGES)
}

/// [`rebuild`], replaying at most about `messages` messages of a line at a
/// time (the fill's batches; tests make them small to cut lines apart).
#[doc(hidden)]
pub fn rebuild_in_batches(store: &Store, policy: &Policy, messages: u64) -> Result<(), StoreError> {
    let want = state(store, policy)?;
    let tx = store.begin_findings_update()?;
    build(store, policy, &tx, &want, messages)?;
    tx.new_generation()?;
    tx.commit()
}

/// Brings the cache up to date without making a report of it (what a
/// reader that streams the rows needs, and the interface's fill on a
/// thread of its own): the full fill or the marked work.
pub fn update(store: &Store, policy: &Policy) -> Result<(), StoreError> {
    let want = state(store, policy)?;
    let tx = store.begin_findings_update()?;
    if !partial_under(store, &want)? {
        build(store, policy, &tx, &want, BATCH_MESSAGES)?;
    } else if store.findings_dirty_count()? > 0 {
        recompute(store, policy, &tx, &mut drop)?;
    } else {
        return Ok(());
    }
    tx.new_generation()?;
    tx.commit()
}

/// Whether [`update`] would only recompute the marked senders (the cache
/// was computed under today's rules and policy, and less than half of it
/// is marked) rather than build the whole cache again.
pub fn partial(store: &Store, policy: &Policy) -> Result<bool, StoreError> {
    partial_under(store, &state(store, policy)?)
}

/// [`partial`], for the state `want` already computed.
fn partial_under(store: &Store, want: &HashMap<String, String>) -> Result<bool, StoreError> {
    Ok(same_state(&store.findings_state()?, want) && !most_is_marked(store)?)
}

/// When most pairs are marked (a first import), one pass over every
/// message beats reading them sender by sender.
fn most_is_marked(store: &Store) -> Result<bool, StoreError> {
    let (marked, cached) = store.findings_sizes()?;
    Ok(marked * 2 > cached.max(64))
}

/// What a cache must have been computed under to be used.
fn state(store: &Store, policy: &Policy) -> Result<HashMap<String, String>, StoreError> {
    Ok(HashMap::from([
        ("format".to_string(), FORMAT.to_string()),
        (
            "rules".to_string(),
            store.meta("rules_version")?.unwrap_or_default(),
        ),
        (
            "policy".to_string(),
            format!(
                "{:?} {:?} {} {}",
                policy.grace,
                policy.grace_us,
                policy.confirmation_window_ms,
                policy
                    .zone
                    .iana_name()
                    .map_or_else(|| format!("{:?}", policy.zone), str::to_string)
            ),
        ),
    ]))
}

/// The cache emptied and filled again, a line and group at a time.
fn build(
    store: &Store,
    policy: &Policy,
    tx: &CacheTx<'_>,
    want: &HashMap<String, String>,
    batch_messages: u64,
) -> Result<(), StoreError> {
    tx.clear()?;
    fill(store, policy, tx, batch_messages)?;
    tx.clear_dirty()?;
    for (k, v) in want {
        tx.set_state(k, v)?;
    }
    Ok(())
}

/// Writes the rows of `senders`, with their links (from `links`).
pub(super) fn put_all(
    tx: &CacheTx<'_>,
    senders: &[SenderReport],
    links: &[SenderLinks],
) -> Result<(), StoreError> {
    let links: HashMap<Pair, &SenderLinks> = links
        .iter()
        .map(|l| ((l.line_id, l.sender_id), l))
        .collect();
    for s in senders {
        let link = links.get(&(s.line_id, s.sender_id));
        tx.put(&CacheRow {
            line_id: s.line_id,
            sender_id: s.sender_id,
            key: s.key.clone(),
            group_brand: link.and_then(|l| l.group_brand.clone()),
            raw_brand: link.and_then(|l| l.raw_brand.clone()),
            status: s.status.as_str(),
            received: s.received,
            marketing: s.marketing,
            after_optout: s.after_optout(),
            last_seen_ms: s.last_seen.map(|m| m.ts_ms),
            targets: link.map(|l| l.targets.clone()).unwrap_or_default(),
            data: codec::encode(s),
        })?;
    }
    Ok(())
}

/// Every cached row (of `line`), with the store's current aliases and line names.
pub(super) fn load(store: &Store, line: Option<i64>, decode: Decode) -> Result<Report, StoreError> {
    let mut senders = Vec::new();
    scan_named(
        store,
        line,
        |l, s, d| decode.row(l, s, d),
        |s| s,
        |s| senders.push(s),
    )?;
    Ok(Report::assemble(senders, &store.ignored()?))
}

/// Every cached row (of `line`, every line: `None`) decoded by `decode`
/// and handed to `each` with its sender (`report` finds it in what
/// `decode` gave) named: the store's current aliases and line name.
pub(super) fn scan_named<T>(
    store: &Store,
    line: Option<i64>,
    mut decode: impl FnMut(i64, i64, &str) -> Result<T, StoreError>,
    report: impl Fn(&mut T) -> &mut SenderReport,
    mut each: impl FnMut(T),
) -> Result<(), StoreError> {
    let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
    store.scan_aliases(|a| {
        aliases
            .entry(a.sender_id)
            .or_default()
            .push(a.raw.to_string());
    })?;
    let lines: HashMap<i64, String> = store.lines()?.into_iter().map(|l| (l.id, l.name)).collect();
    store.scan_cached_findings(|l, sender, data| {
        if line.is_some_and(|id| id != l) {
            return Ok(());
        }
        let mut t = decode(l, sender, data)?;
        let s = report(&mut t);
        s.aliases = aliases.get(&sender).cloned().unwrap_or_default();
        s.line = lines.get(&l).cloned().unwrap_or_default();
        each(t);
        Ok(())
    })
}
