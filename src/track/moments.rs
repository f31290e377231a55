//! A sender's list of moments (its violations, its messages in flight):
//! held, or left in the findings cache with only its count and ends.
//!
//! At ten million messages these lists are most of a report, and a reader
//! that shows counts (the interface's senders list) does not need them:
//! it reads them [`Moments::Left`] and a sender's lists only when its
//! timeline or evidence needs them. Nothing iterates a list without saying
//! what it does with one left behind: [`Moments::held`] is an `Option`.

use std::sync::Arc;

use super::ListSpan;
use crate::model::Moment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moments {
    /// Every moment, in time order. Shared, not copied, when a report is
    /// cloned.
    Held(Arc<[Moment]>),
    /// Left in the findings cache: how many, the earliest and the latest.
    Left(ListSpan),
}

impl Default for Moments {
    fn default() -> Self {
        Moments::Held(Arc::default())
    }
}

impl Moments {
    /// How many moments (also of a list left in the cache).
    pub fn len(&self) -> usize {
        match self {
            Moments::Held(list) => list.len(),
            Moments::Left(span) => usize::try_from(span.len).unwrap_or(usize::MAX),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The count and the ends, held or not.
    pub fn span(&self) -> ListSpan {
        match self {
            Moments::Held(list) => ListSpan::of(list),
            Moments::Left(span) => *span,
        }
    }

    /// Every moment, when held; `None` when the list was left in the cache
    /// (read it from there: `findings::lists_of`).
    pub fn held(&self) -> Option<&[Moment]> {
        match self {
            Moments::Held(list) => Some(list),
            Moments::Left(_) => None,
        }
    }

    /// Was this list left in the cache?
    pub fn is_left(&self) -> bool {
        matches!(self, Moments::Left(_))
    }
}

impl From<Vec<Moment>> for Moments {
    fn from(list: Vec<Moment>) -> Self {
        Moments::Held(list.into())
    }
}

impl FromIterator<Moment> for Moments {
    fn from_iter<I: IntoIterator<Item = Moment>>(iter: I) -> Self {
        Moments::Held(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ts_ms: i64, id: i64) -> Moment {
        Moment {
            ts_ms,
            utc_offset_s: None,
            message_id: Some(id),
        }
    }

    #[test]
    fn a_list_left_in_the_cache_counts_as_the_list_it_stands_for() {
        let held: Moments = vec![at(5, 1), at(2, 2), at(5, 3)].into();
        let left = Moments::Left(held.span());
        assert_eq!((held.len(), left.len()), (3, 3));
        assert_eq!(left.span(), held.span());
        assert_eq!(held.span().earliest, Some(at(2, 2)));
        assert_eq!(held.span().latest, Some(at(5, 3)));
        assert_eq!(held.held().map(<[Moment]>::len), Some(3));
        assert!(left.held().is_none() && left.is_left() && !held.is_left());
        assert!(Moments::default().is_empty());
        assert!(Moments::Left(ListSpan::default()).is_empty());
    }
}
