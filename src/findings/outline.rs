//! The findings of a line without the lists that grow with its messages,
//! for the evidence export: every cached row decoded without its
//! violations and in-flight lists (only their [`Spans`] kept), inside one
//! read transaction, so that a sender's lists are read back from the same
//! rows when its part of the evidence is written, one offender at a time.

use std::collections::HashMap;

use super::cache::scan_named;
use super::codec;
use super::page::Pages;
use crate::model::Moment;
use crate::store::{Store, StoreError};
use crate::track::{Policy, Report, SenderReport, Spans};

/// A report whose senders' violation and in-flight lists are left in the
/// findings cache: they are empty here (so `SenderReport::after_optout`
/// says 0); [`Outline::spans`] counts them and [`Outline::lists`] reads
/// them. The brands' `after_optout` are counted from the spans.
pub struct Outline<'a> {
    pages: Pages<'a>,
    report: Report,
    spans: HashMap<(i64, i64), Spans>,
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
        let mut spans = HashMap::new();
        scan_named(store, line, codec::decode_outline, sender_of, |(s, sp)| {
            spans.insert((s.line_id, s.sender_id), sp);
            senders.push(s);
        })?;
        let mut report = Report::assemble(senders, &store.ignored()?);
        let mut after: HashMap<(&str, &str), u64> = HashMap::new();
        for s in &report.senders {
            if let Some(b) = &s.brand {
                *after.entry((b, &s.line)).or_default() +=
                    spans[&(s.line_id, s.sender_id)].violations.len;
            }
        }
        let after: Vec<u64> = report
            .brands
            .iter()
            .map(|b| after.get(&(b.brand.as_str(), b.line.as_str())).copied())
            .map(Option::unwrap_or_default)
            .collect();
        for (b, n) in report.brands.iter_mut().zip(after) {
            b.after_optout = n;
        }
        Ok(Outline {
            pages,
            report,
            spans,
        })
    }

    /// Every sender and brand of the line, the senders' lists left out.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// How many violations and in-flight messages `s` has, and the first
    /// and last violation.
    pub fn spans(&self, s: &SenderReport) -> Spans {
        self.spans
            .get(&(s.line_id, s.sender_id))
            .copied()
            .unwrap_or_default()
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

/// The report in what [`codec::decode_outline`] gives.
fn sender_of(s: &mut (SenderReport, Spans)) -> &mut SenderReport {
    &mut s.0
}
