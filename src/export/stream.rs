//! Streaming the evidence: an offender's violations and in-flight messages
//! are read from the store a batch at a time, in time order, while they are
//! hashed or written, so an export's memory does not grow with its messages.
//!
//! A [`Plan`] holds what is small: the [`Evidence`] with every offender's
//! facts and counts, per offender the members whose lists to read (from a
//! held report, or from the findings cache one offender at a time: see
//! [`FindingsSource`]), and which of their messages the HTML and complaint
//! text show (the first and last of each list), read back by
//! [`Plan::offender`] when that offender's part is written. Building it is
//! the first pass (counts, imports, category, windows); [`Streamed`]
//! serialises the whole evidence from it, reading the store again, for the
//! hash (second pass) and for the JSON and CSV (third).
//! Its field order is [`Evidence`]'s: a test checks the bytes are the same.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::findings::Outline;
use crate::model::Moment;
use crate::store::{Store, StoreError};
use crate::track::{Jurisdiction, OptOut, Report, SenderReport, Spans};

use super::build::Ctx;
use super::redact::Redactor;
use super::{Evidence, EvidenceMessage, Offender};

/// Messages read from the store at once.
const BATCH: usize = 512;

/// The first and last messages of each list an HTML page and the complaint
/// text show (the JSON and CSV list every one).
pub const INLINE_MESSAGES: usize = 20;

/// The findings an export is made from.
#[derive(Clone, Copy)]
pub enum FindingsSource<'a> {
    /// A report holding every sender's lists (a full computation, or the
    /// cache decoded with them: `findings::report`).
    Held(&'a Report),
    /// The findings cache: an offender's violations and in-flight lists
    /// are read from it when its part is hashed or written, so an export
    /// holds one offender's lists at a time.
    Cached(&'a Outline<'a>),
}

impl<'a> FindingsSource<'a> {
    /// Every sender and brand (the cached ones without their lists).
    pub fn report(self) -> &'a Report {
        match self {
            FindingsSource::Held(r) => r,
            FindingsSource::Cached(o) => o.report(),
        }
    }

    /// How many violations and in-flight messages `s` has, and the first
    /// and last violation.
    pub(super) fn spans(self, s: &SenderReport) -> Spans {
        match self {
            FindingsSource::Held(_) => Spans::of(&s.findings),
            FindingsSource::Cached(o) => o.spans(s),
        }
    }

    /// The violations and in-flight moments of `s`.
    fn lists(self, s: &'a SenderReport) -> Result<LoadedLists<'a>, StoreError> {
        match self {
            FindingsSource::Held(_) => {
                match (s.findings.violations.held(), s.findings.in_flight.held()) {
                    (Some(v), Some(f)) => Ok((Cow::Borrowed(v), Cow::Borrowed(f))),
                    // A report read for the interface leaves its lists in
                    // the cache: its exports go through an `Outline`.
                    _ => Err(StoreError {
                        message: format!(
                            "the findings of {} were read without their messages: export again",
                            crate::text::sanitize(&s.key)
                        ),
                    }),
                }
            }
            FindingsSource::Cached(o) => {
                let (v, f) = o.lists(s)?;
                Ok((Cow::Owned(v), Cow::Owned(f)))
            }
        }
    }
}

/// One member's violations and in-flight moments.
type LoadedLists<'a> = (Cow<'a, [Moment]>, Cow<'a, [Moment]>);

/// A member of an offender with an opt-out: its violations and in-flight
/// messages, measured from that opt-out.
pub(super) struct Member<'a> {
    pub(super) sender: &'a SenderReport,
    pub(super) optout: &'a OptOut,
    pub(super) jurisdiction: Jurisdiction,
}

/// Where to read one offender's messages from.
#[derive(Default)]
pub(super) struct Lists<'a> {
    pub(super) members: Vec<Member<'a>>,
    /// Messages listed in the offender's facts (instruction, opt-out,
    /// confirmation): listed once in the CSV and counted once.
    pub(super) head_ids: Vec<i64>,
}

/// The evidence with its messages still in the store.
pub(super) struct Plan<'a> {
    pub(super) evidence: Evidence,
    pub(super) lists: Vec<Lists<'a>>,
    pub(super) findings: FindingsSource<'a>,
    /// The offender whose members' lists were read last, and those lists:
    /// each pass reads the offenders in turn, some more than once in a row
    /// (violations, then in flight), and only this one is held.
    pub(super) loaded: RefCell<Option<(usize, Rc<Vec<LoadedLists<'a>>>)>>,
    pub(super) store: &'a Store,
    pub(super) ctx: Ctx<'a>,
    pub(super) redactor: Option<Redactor>,
    /// Per offender, the [`Key`]s of the messages its page shows, when the
    /// evidence leaves them in the store ([`Plan::offender`] reads them back
    /// one offender at a time); `None` when `evidence` holds them.
    pub(super) windows: Option<Vec<HashSet<Key>>>,
}

/// Where a listed message comes from: its id and the index of its list in
/// the walk over [`Which::Both`] (every member's violations, then every
/// member's in-flight messages).
pub(super) type Key = (i64, usize);

/// Which lists to read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Violations,
    InFlight,
    Both,
}

/// One list a walk reads, and whose it is.
struct Walked<'x> {
    moments: &'x [Moment],
    member: &'x Member<'x>,
    role: &'static str,
}

impl<'a> Plan<'a> {
    /// Calls `f` with every message of offender `o`'s lists, in time
    /// order, redacted when asked; `skip_heads` leaves out the messages the
    /// offender's facts already list.
    pub(super) fn for_each<E, F>(
        &self,
        o: usize,
        which: Which,
        skip_heads: bool,
        mut f: F,
    ) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(EvidenceMessage) -> Result<(), E>,
    {
        self.for_each_raw(o, which, skip_heads, |mut m| {
            self.redact(&mut m);
            f(m)
        })
    }

    /// [`Plan::for_each`] without redaction.
    pub(super) fn for_each_raw<E, F>(
        &self,
        o: usize,
        which: Which,
        skip_heads: bool,
        mut f: F,
    ) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(EvidenceMessage) -> Result<(), E>,
    {
        self.walk(o, which, skip_heads, None, |_, m| f(m))
    }

    /// Offender `o` with the messages its page shows (the first and last of
    /// each list) read back from the store, when the plan left them there.
    pub(super) fn offender(&self, o: usize) -> Result<Cow<'_, Offender>, StoreError> {
        let Some(windows) = &self.windows else {
            return Ok(Cow::Borrowed(&self.evidence.offenders[o]));
        };
        let mut off = self.evidence.offenders[o].clone();
        self.walk::<StoreError, _>(o, Which::Both, false, Some(&windows[o]), |_, mut m| {
            self.redact(&mut m);
            if m.role == "violation" {
                off.violations.push(m);
            } else {
                off.in_flight.push(m);
            }
            Ok(())
        })?;
        Ok(Cow::Owned(off))
    }

    /// The lists of offender `o`'s members, read when another offender's
    /// were held (those are let go first).
    fn loaded(&self, o: usize) -> Result<Rc<Vec<LoadedLists<'a>>>, StoreError> {
        if let Some((held, lists)) = &*self.loaded.borrow()
            && *held == o
        {
            return Ok(Rc::clone(lists));
        }
        self.loaded.replace(None);
        let lists = self.lists[o]
            .members
            .iter()
            .map(|m| self.findings.lists(m.sender))
            .collect::<Result<Vec<_>, _>>()?;
        let lists = Rc::new(lists);
        self.loaded.replace(Some((o, Rc::clone(&lists))));
        Ok(lists)
    }

    /// Calls `f` with the list's index (see [`Key`]) and every message of
    /// offender `o`'s lists (only those in `only` when given), in time
    /// order, not redacted.
    pub(super) fn walk<E, F>(
        &self,
        o: usize,
        which: Which,
        skip_heads: bool,
        only: Option<&HashSet<Key>>,
        mut f: F,
    ) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(usize, EvidenceMessage) -> Result<(), E>,
    {
        let lists = &self.lists[o];
        let loaded = self.loaded(o)?;
        let of = |pick: for<'l> fn(&'l LoadedLists<'a>) -> &'l [Moment], role| {
            lists
                .members
                .iter()
                .zip(loaded.iter())
                .map(move |(member, l)| Walked {
                    moments: pick(l),
                    member,
                    role,
                })
        };
        let violations = of(|l| &l.0, "violation");
        let in_flight = of(|l| &l.1, "in_flight");
        let sources: Vec<Walked<'_>> = match which {
            Which::Violations => violations.collect(),
            Which::InFlight => in_flight.collect(),
            Which::Both => violations.chain(in_flight).collect(),
        };
        let since = self.ctx.since_ms;
        let mut pos = vec![0usize; sources.len()];
        let mut batch: Vec<(i64, usize)> = Vec::with_capacity(BATCH);
        loop {
            let next = sources
                .iter()
                .enumerate()
                .filter_map(|(i, s)| s.moments.get(pos[i]).map(|m| (m.ts_ms, m.message_id, i)))
                .min();
            let Some((ts_ms, id, i)) = next else {
                break;
            };
            pos[i] += 1;
            let Some(id) = id else { continue };
            if since.is_some_and(|s| ts_ms < s)
                || (skip_heads && lists.head_ids.contains(&id))
                || only.is_some_and(|keys| !keys.contains(&(id, i)))
            {
                continue;
            }
            batch.push((id, i));
            if batch.len() == BATCH {
                self.flush(&sources, &mut batch, &mut f)?;
            }
        }
        self.flush(&sources, &mut batch, &mut f)
    }

    fn flush<E, F>(
        &self,
        sources: &[Walked<'_>],
        batch: &mut Vec<(i64, usize)>,
        f: &mut F,
    ) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(usize, EvidenceMessage) -> Result<(), E>,
    {
        if batch.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        let mut found: HashMap<i64, _> = self
            .store
            .messages_by_id(&ids)?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        for (id, i) in batch.drain(..) {
            let Some(m) = found.remove(&id) else { continue };
            let s = &sources[i];
            let since = (s.member.optout, s.member.jurisdiction);
            f(i, self.ctx.evidence_message(&m, s.role, Some(since)))?;
        }
        Ok(())
    }

    pub(super) fn redact(&self, m: &mut EvidenceMessage) {
        if let Some(r) = &self.redactor {
            r.message(m);
        }
    }
}

/// Keeps the first `n` and the last `n` of a stream (everything when `n`
/// is `None`).
pub(super) struct Window<T> {
    n: Option<usize>,
    first: Vec<T>,
    last: VecDeque<T>,
    pub(super) total: u64,
}

impl<T> Window<T> {
    pub(super) fn new(n: Option<usize>) -> Self {
        Window {
            n,
            first: Vec::new(),
            last: VecDeque::new(),
            total: 0,
        }
    }

    pub(super) fn push(&mut self, m: T) {
        self.total += 1;
        match self.n {
            Some(n) if self.first.len() >= n => {
                self.last.push_back(m);
                if self.last.len() > n {
                    self.last.pop_front();
                }
            }
            _ => self.first.push(m),
        }
    }

    pub(super) fn into_vec(self) -> Vec<T> {
        let mut v = self.first;
        v.extend(self.last);
        v
    }
}

/// The part of `list` a page shows: the first `n`, how many are left out,
/// the last `n`. `listed` is how many the evidence lists; a streamed
/// export's `list` already holds only the first and last `n` of them.
pub fn window(
    list: &[EvidenceMessage],
    listed: u64,
    n: Option<usize>,
) -> (&[EvidenceMessage], u64, &[EvidenceMessage]) {
    let len = list.len();
    let Some(n) = n else {
        return (list, listed.saturating_sub(len as u64), &[]);
    };
    if len as u64 >= listed {
        if len <= 2 * n {
            (list, 0, &[])
        } else {
            (&list[..n], (len - 2 * n) as u64, &list[len - n..])
        }
    } else {
        let cut = n.min(len);
        (&list[..cut], listed - len as u64, &list[cut..])
    }
}

/// The whole evidence, serialised from a [`Plan`] with every message read
/// from the store as it is written. A store error stops the serialiser;
/// [`Streamed::take_error`] returns it.
pub(super) struct Streamed<'p, 'a> {
    pub(super) plan: &'p Plan<'a>,
    error: RefCell<Option<StoreError>>,
}

impl<'p, 'a> Streamed<'p, 'a> {
    pub(super) fn new(plan: &'p Plan<'a>) -> Self {
        Streamed {
            plan,
            error: RefCell::new(None),
        }
    }

    pub(super) fn take_error(&self) -> Option<StoreError> {
        self.error.borrow_mut().take()
    }
}

impl Serialize for Streamed<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = &self.plan.evidence;
        let mut st = s.serialize_struct("Evidence", 12)?;
        st.serialize_field("evidence_version", &e.evidence_version)?;
        st.serialize_field("optout_version", &e.optout_version)?;
        st.serialize_field("rules_version", &e.rules_version)?;
        st.serialize_field("zone", &e.zone)?;
        st.serialize_field("redacted", &e.redacted)?;
        st.serialize_field("reporter_id", &e.reporter_id)?;
        st.serialize_field("selection", &e.selection)?;
        st.serialize_field("policy", &e.policy)?;
        st.serialize_field("summary", &e.summary)?;
        st.serialize_field("offenders", &Offenders(self))?;
        st.serialize_field("imports", &e.imports)?;
        st.serialize_field("integrity", &e.integrity)?;
        st.end()
    }
}

struct Offenders<'s, 'p, 'a>(&'s Streamed<'p, 'a>);

impl Serialize for Offenders<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let offenders = &self.0.plan.evidence.offenders;
        let mut seq = s.serialize_seq(Some(offenders.len()))?;
        for (i, o) in offenders.iter().enumerate() {
            seq.serialize_element(&StreamedOffender {
                streamed: self.0,
                index: i,
                offender: o,
            })?;
        }
        seq.end()
    }
}

struct StreamedOffender<'s, 'p, 'a> {
    streamed: &'s Streamed<'p, 'a>,
    index: usize,
    offender: &'s Offender,
}

impl Serialize for StreamedOffender<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.offender;
        let mut st = s.serialize_struct("Offender", 13)?;
        st.serialize_field("scope", &o.scope)?;
        st.serialize_field("name", &o.name)?;
        st.serialize_field("brand", &o.brand)?;
        st.serialize_field("status", &o.status)?;
        st.serialize_field("category", &o.category)?;
        st.serialize_field("senders", &o.senders)?;
        st.serialize_field("instruction", &o.instruction)?;
        st.serialize_field("optout", &o.optout)?;
        st.serialize_field("confirmation", &o.confirmation)?;
        st.serialize_field("resubscribed", &o.resubscribed)?;
        st.serialize_field("counts", &o.counts)?;
        let list = |which, len| MessageList {
            streamed: self.streamed,
            index: self.index,
            which,
            len,
        };
        st.serialize_field("violations", &list(Which::Violations, o.listed.violations))?;
        st.serialize_field("in_flight", &list(Which::InFlight, o.listed.in_flight))?;
        st.end()
    }
}

struct MessageList<'s, 'p, 'a> {
    streamed: &'s Streamed<'p, 'a>,
    index: usize,
    which: Which,
    len: u64,
}

impl Serialize for MessageList<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len as usize))?;
        let result = self
            .streamed
            .plan
            .for_each(self.index, self.which, false, |m| {
                seq.serialize_element(&m).map_err(Stop::Other)
            });
        match result {
            Ok(()) => seq.end(),
            Err(Stop::Other(e)) => Err(e),
            Err(Stop::Store(e)) => {
                *self.streamed.error.borrow_mut() = Some(e);
                Err(S::Error::custom(
                    "reading the evidence from the database failed",
                ))
            }
        }
    }
}

/// Why a walk over the messages stopped: the store, or the writer.
pub(super) enum Stop<E> {
    Store(StoreError),
    Other(E),
}

impl<E> From<StoreError> for Stop<E> {
    fn from(e: StoreError) -> Self {
        Stop::Store(e)
    }
}
