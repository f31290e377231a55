//! The findings of a line without the lists that grow with its messages,
//! for the evidence export: every cached row decoded with its violations
//! and in-flight lists left in the cache (counted, their ends kept), inside one
//! read transaction, so that a sender's lists are read back from the same
//! rows when its part of the evidence is written, one offender at a time.

use super::cache::scan_named;
use super::codec;
use super::page::Pages;
use crate::model::Moment;
use crate::store::{Store, StoreError};
use crate::track::{Policy, Report, SenderReport, Spans};

/// A report whose senders' violation and in-flight lists are left in the
/// findings cache ([`crate::track::Moments::Left`]: counted, so
/// `SenderReport::after_optout` and the brands' counts are right);
/// [`Outline::lists`] reads them.
pub struct Outline<'a> {
    pages: Pages<'a>,
    report: Report,
}

impl<'a> Outline<'a> {
    /// The outline of `line` (every line: `None`) from the cache brought up
    /// to date, a read transaction held open on it until the outline is
    /// dropped; `None` when the cache cannot be read so (see
    /// [`Pages::open`]) or a row is damaged: then the caller computes the
    /// report instead, as `findings::report` does.
    pub fn open(store: &'a Store, policy: &Policy, line: Option<i64>) -> Option<Outline<'a>> {
        let pages = Pages::open(store, policy, line)?;
        Self::read(pages).ok()
    }

    fn read(pages: Pages<'a>) -> Result<Outline<'a>, StoreError> {
        let (store, line) = (pages.store, pages.line);
        let mut senders = Vec::new();
        scan_named(
            store,
            line,
            codec::decode_outline,
            |s| s,
            |s| senders.push(s),
        )?;
        let report = Report::assemble(senders, &store.ignored()?);
        Ok(Outline { pages, report })
    }

    /// Every sender and brand of the line, the senders' lists left out.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// How many violations and in-flight messages `s` has, and the first
    /// and last violation.
    pub fn spans(&self, s: &SenderReport) -> Spans {
        Spans::of(&s.findings)
    }

    /// The violations and in-flight moments of `s`, read from its cached
    /// row (the one this outline was made from).
    pub fn lists(&self, s: &SenderReport) -> Result<(Vec<Moment>, Vec<Moment>), StoreError> {
        let key = (s.line_id, s.sender_id);
        self.pages
            .store
            .with_cached_finding(key, |data| codec::decode_lists(key.0, key.1, data))
    }
}
