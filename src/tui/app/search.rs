//! Text search in the interface: the senders whose messages contain the
//! query (through the store's trigram index; a query under three characters
//! is a bounded scan, and the status line says so), and a timeline opened
//! from a search that starts on the newest matching message, wherever it is
//! in the timeline, with that message marked.

use std::collections::HashSet;

use super::{App, Effect, TIMELINE_WINDOW, Timeline};
use crate::store::{SearchMode, Store, StoreError, StoredMessage};
use crate::text;

/// The first message of the window of `limit` messages that puts the one at
/// `index` (of `total`) in its middle.
pub fn window_around(index: u64, total: u64, limit: u64) -> u64 {
    index
        .saturating_sub(limit / 2)
        .min(total.saturating_sub(limit))
}

impl App {
    /// The result of [`Effect::Search`]: the senders the message text
    /// matched join those the names matched.
    pub(super) fn search_done(&mut self, query: &str, sender_ids: Vec<i64>, mode: SearchMode) {
        let Some(search) = self.search.as_mut().filter(|s| s.query == query) else {
            return;
        };
        let by_text: HashSet<i64> = sender_ids.into_iter().collect();
        let n_text = by_text.len();
        search.by_text = Some(by_text);
        self.rebuild_rows();
        let n = self.sender_rows();
        let mut said = (self.strings.searched)(&text::sanitize(query), n, n_text);
        if let SearchMode::Scan { scanned, bounded } = mode {
            said.push_str(&(self.strings.searched_short)(scanned, bounded));
        }
        self.say(said);
    }

    /// How to load a new timeline: from the last window, or, opened from a
    /// text search, around the newest message that matches.
    pub(super) fn first_window(tl: &Timeline) -> Effect {
        match &tl.find {
            Some(query) => Effect::LoadTimelineAt {
                sender_ids: tl.sender_ids.clone(),
                query: query.clone(),
                limit: TIMELINE_WINDOW,
            },
            None => Effect::LoadTimeline {
                sender_ids: tl.sender_ids.clone(),
                start: None,
                limit: TIMELINE_WINDOW,
            },
        }
    }

    /// The result of [`Effect::LoadTimelineAt`]: the window, with the
    /// cursor on the match (`found`: its index and id) when there is one.
    pub(super) fn timeline_found(
        &mut self,
        sender_ids: &[i64],
        total: u64,
        start: u64,
        messages: Vec<StoredMessage>,
        found: Option<(u64, i64)>,
    ) {
        self.timeline_loaded(sender_ids, total, start, messages);
        if let Some(tl) = self.timeline.as_mut()
            && tl.sender_ids == sender_ids
        {
            tl.find = None;
            if let Some((index, id)) = found {
                tl.cursor = index.min(total.saturating_sub(1));
                tl.found = Some(id);
            }
        }
    }
}

/// The window of a timeline around its newest message containing `query`
/// (the last window when none does): the count, the window's start, its
/// messages, and the match's index and id.
#[allow(clippy::type_complexity)]
pub fn timeline_at(
    store: &Store,
    line: Option<i64>,
    sender_ids: &[i64],
    query: &str,
    limit: u64,
) -> Result<(u64, u64, Vec<StoredMessage>, Option<(u64, i64)>), StoreError> {
    let total = store.count_messages_of(line, sender_ids)?;
    let found = match store.latest_match(query, line, sender_ids)? {
        Some(m) => store
            .position_in_timeline(line, sender_ids, m.id)?
            .map(|i| (i, m.id)),
        None => None,
    };
    let start = match found {
        Some((i, _)) => window_around(i, total, limit),
        None => total.saturating_sub(limit),
    };
    let messages = store.messages_of(line, sender_ids, start, limit)?;
    Ok((total, start, messages, found))
}
