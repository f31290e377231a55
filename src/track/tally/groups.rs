//! A tally cut into groups that are replayed apart: the findings cache's
//! fill computes one group of a line's senders at a time, so that only
//! that group's events are held.

use super::Tally;

impl Tally {
    /// Moves every line and sender counted so far into one of `n` tallies,
    /// chosen by `group` (line id, sender id → a group below `n`), and
    /// keeps the stored senders and their aliases for the next messages.
    ///
    /// A group closed under what a finding depends on (the other senders of
    /// its brand on its line, the numbers it names as opt-out targets and
    /// the senders naming it: [`Tally::links`]) replays alone to the
    /// findings it has in the whole tally: every event of one of its
    /// senders, every brand sibling and target, every manual record that
    /// names one of them is in the group.
    pub fn split(&mut self, n: usize, mut group: impl FnMut(i64, i64) -> usize) -> Vec<Tally> {
        let mut out: Vec<Tally> = std::iter::repeat_with(Tally::new).take(n).collect();
        self.index.clear();
        for acc in std::mem::take(&mut self.senders) {
            let t = &mut out[group(acc.line_id, acc.id)];
            t.index.insert((acc.line_id, acc.id), t.senders.len());
            t.senders.push(acc);
        }
        out
    }
}
