//! The senders table's columns: numbers (sender keys, counts, opt-out
//! targets) get their full width first; text (brand, contact name) shrinks
//! with "…"; a column that cannot fit is dropped whole, never cut.

use unicode_width::UnicodeWidthStr;

use super::truncate;

/// The columns of the senders table, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Status,
    Brand,
    Sender,
    Marketing,
    After,
    Keyword,
    LastSeen,
}

/// The widest value of each column over every row (not only the visible
/// ones, so columns do not jump while scrolling).
#[derive(Debug, Clone, Default)]
pub struct Needs {
    /// Badge with its word, and the symbol alone.
    pub status: usize,
    pub status_short: usize,
    pub brand: usize,
    /// The sender key alone: never cut.
    pub sender: usize,
    /// The key with its contact name: the name may be cut.
    pub sender_full: usize,
    pub marketing: usize,
    pub after: usize,
    /// `keyword→target`: never cut (the target is a number).
    pub keyword: usize,
    pub last_seen: usize,
}

/// The chosen columns and widths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub cols: Vec<(Col, u16)>,
    /// Only the status symbol, without its word.
    pub status_short: bool,
}

impl Plan {
    #[cfg(test)]
    pub fn width_of(&self, col: Col) -> Option<usize> {
        self.cols
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, w)| usize::from(*w))
    }
}

/// The smallest brand column worth showing: two CJK characters and "…".
const BRAND_MIN: usize = 5;

/// Chooses columns for `width` terminal columns (one space between columns).
pub fn plan(width: usize, needs: &Needs) -> Plan {
    let total = |cols: &[(Col, usize)]| -> usize {
        cols.iter().map(|(_, w)| w).sum::<usize>() + cols.len().saturating_sub(1)
    };
    let mut status_short = false;
    let mut cols: Vec<(Col, usize)> = vec![
        (Col::Status, needs.status),
        (Col::Sender, needs.sender),
        (Col::Marketing, needs.marketing),
        (Col::After, needs.after),
    ];
    if total(&cols) > width {
        status_short = true;
        cols[0].1 = needs.status_short;
    }
    // Too narrow even so: drop counts (the detail pane has them), never digits.
    for drop in [Col::Marketing, Col::After] {
        if total(&cols) > width {
            cols.retain(|(c, _)| *c != drop);
        }
    }
    let room = |cols: &[(Col, usize)], w: usize| total(cols) + 1 + w <= width;
    let brand_min = needs.brand.min(BRAND_MIN);
    if needs.brand > 0 && room(&cols, brand_min) {
        cols.insert(1, (Col::Brand, brand_min));
    }
    if needs.keyword > 0 && room(&cols, needs.keyword) {
        let at = cols
            .iter()
            .position(|(c, _)| *c == Col::After)
            .map_or(cols.len(), |i| i + 1);
        cols.insert(at, (Col::Keyword, needs.keyword));
    }
    if room(&cols, needs.last_seen) {
        cols.push((Col::LastSeen, needs.last_seen));
    }
    // What is left widens the brand, then the contact names.
    let mut spare = width.saturating_sub(total(&cols));
    for (col, want) in [(Col::Brand, needs.brand), (Col::Sender, needs.sender_full)] {
        if let Some(c) = cols.iter_mut().find(|(c, _)| *c == col) {
            let more = want.saturating_sub(c.1).min(spare);
            c.1 += more;
            spare -= more;
        }
    }
    Plan {
        cols: cols
            .into_iter()
            .map(|(c, w)| (c, u16::try_from(w).unwrap_or(u16::MAX)))
            .collect(),
        status_short,
    }
}

/// A sender key with its contact name in `width` columns: the key whole,
/// the name cut with "…" (or left out when not even "(…)" fits).
pub fn sender_cell(key: &str, name: Option<&str>, width: usize) -> String {
    let Some(name) = name else {
        return key.to_string();
    };
    // " (" + at least one character or "…" + ")".
    let room = width.saturating_sub(key.width() + 3);
    if room == 0 {
        return key.to_string();
    }
    format!("{key} ({})", truncate(name, room))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs() -> Needs {
        Needs {
            status: 15,
            status_short: 2,
            brand: 12,
            sender: 16,
            sender_full: 24,
            marketing: 6,
            after: 5,
            keyword: 19,
            last_seen: 10,
        }
    }

    #[test]
    fn numbers_keep_their_width_and_text_shrinks() {
        let wide = plan(120, &needs());
        assert_eq!(wide.width_of(Col::Sender).map(|w| w >= 16), Some(true));
        assert_eq!(wide.width_of(Col::Keyword), Some(19));
        assert_eq!(wide.width_of(Col::Marketing), Some(6));
        assert!(!wide.status_short);
        let narrow = plan(58, &needs());
        assert_eq!(narrow.width_of(Col::Sender).map(|w| w >= 16), Some(true));
        assert_eq!(narrow.width_of(Col::Marketing), Some(6));
        assert_eq!(narrow.width_of(Col::After), Some(5));
        // Dropped whole rather than cut.
        assert!(narrow.width_of(Col::Keyword).is_none_or(|w| w == 19));
        for p in [&wide, &narrow] {
            let used: usize =
                p.cols.iter().map(|(_, w)| usize::from(*w)).sum::<usize>() + p.cols.len() - 1;
            assert!(used <= 120);
        }
        let tiny = plan(20, &needs());
        assert!(tiny.status_short);
        assert!(tiny.width_of(Col::Sender).is_some_and(|w| w >= 16));
    }

    #[test]
    fn a_contact_name_is_cut_never_the_key() {
        assert_eq!(
            sender_cell("+8613912345678", Some("老王"), 30),
            "+8613912345678 (老王)"
        );
        assert_eq!(
            sender_cell("+8613912345678", Some("老王的朋友"), 20),
            "+8613912345678 (老…)"
        );
        assert_eq!(
            sender_cell("+8613912345678", Some("老王"), 14),
            "+8613912345678"
        );
    }
}
