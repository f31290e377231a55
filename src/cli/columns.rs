//! Laying a table out in a terminal's width: numbers (sender keys, targets,
//! counts) are never cut; text columns (brand, line) shrink with `…`; when
//! that is not enough, the least useful columns are dropped, whole.

use unicode_width::UnicodeWidthStr;

use super::table::pad;

/// How a column may give up width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Give {
    /// Never cut (numbers, keys, the status).
    Never,
    /// Shrinks with `…` down to this many columns.
    Shrink(usize),
    /// Dropped whole when the table does not fit; lower goes first.
    Drop(u8),
}

/// One column: its header, cells, alignment and what it may give up.
/// A table printed as it is read keeps no cells: it measures each one
/// first ([`Column::fit`]) and draws its rows with [`row`].
pub struct Column {
    pub header: &'static str,
    pub cells: Vec<String>,
    pub right: bool,
    pub give: Give,
    /// The widest cell measured with [`Column::fit`].
    widest: usize,
}

impl Column {
    pub fn new(header: &'static str, give: Give) -> Column {
        Column {
            header,
            cells: Vec::new(),
            right: false,
            give,
            widest: 0,
        }
    }

    /// Measures a cell that is not kept.
    pub fn fit(&mut self, cell: &str) {
        self.widest = self.widest.max(cell.width());
    }

    /// The widest cell, kept or measured (0 when there is none).
    pub fn widest_cell(&self) -> usize {
        self.cells
            .iter()
            .map(|c| c.width())
            .chain([self.widest])
            .max()
            .unwrap_or(0)
    }

    #[must_use]
    pub fn right(mut self) -> Column {
        self.right = true;
        self
    }

    fn natural(&self) -> usize {
        self.widest_cell().max(self.header.width())
    }
}

/// The widths of `columns` in `max` terminal columns (`None`: no limit);
/// a dropped column gets `None`.
pub fn layout(columns: &[Column], max: Option<usize>) -> Vec<Option<usize>> {
    let mut widths: Vec<Option<usize>> = columns.iter().map(|c| Some(c.natural())).collect();
    let Some(max) = max else {
        return widths;
    };
    let total = |w: &[Option<usize>]| {
        let shown: Vec<usize> = w.iter().flatten().copied().collect();
        shown.iter().sum::<usize>() + shown.len().saturating_sub(1)
    };
    // Shrink text columns, the widest first, one column at a time.
    while total(&widths) > max {
        let widest = columns
            .iter()
            .zip(&widths)
            .enumerate()
            .filter_map(|(i, (c, w))| match (c.give, w) {
                (Give::Shrink(min), Some(w)) if *w > min.max(c.header.width()) => Some((i, *w)),
                _ => None,
            })
            .max_by_key(|&(_, w)| w);
        let Some((i, _)) = widest else { break };
        widths[i] = widths[i].map(|w| w - 1);
    }
    // Then drop whole columns, the least useful first.
    let mut droppable: Vec<(u8, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c.give {
            Give::Drop(rank) => Some((rank, i)),
            _ => None,
        })
        .collect();
    droppable.sort_unstable();
    for (_, i) in droppable {
        if total(&widths) <= max {
            break;
        }
        widths[i] = None;
    }
    widths
}

/// Renders the header and rows of `columns` laid out in `max` columns.
pub fn render(columns: &[Column], max: Option<usize>) -> Vec<String> {
    let widths = layout(columns, max);
    let rows = columns.first().map_or(0, |c| c.cells.len());
    let headers: Vec<&str> = columns.iter().map(|c| c.header).collect();
    let mut out = vec![row(columns, &widths, &headers)];
    for r in 0..rows {
        let cells: Vec<&str> = columns.iter().map(|c| c.cells[r].as_str()).collect();
        out.push(row(columns, &widths, &cells));
    }
    out
}

/// One line of a table laid out in `widths` ([`layout`]): `cells` are
/// the columns' texts, in order.
pub fn row(columns: &[Column], widths: &[Option<usize>], cells: &[&str]) -> String {
    let last = widths.iter().rposition(Option::is_some);
    let mut out = String::new();
    for (i, ((c, w), text)) in columns.iter().zip(widths).zip(cells).enumerate() {
        let Some(w) = *w else { continue };
        if !out.is_empty() {
            out.push(' ');
        }
        let padded = if c.right {
            format!("{}{text}", " ".repeat(w.saturating_sub(text.width())))
        } else {
            pad(text, w)
        };
        if Some(i) == last {
            out.push_str(padded.trim_end());
        } else {
            out.push_str(&padded);
        }
    }
    out
}

/// The width to lay tables out in: the terminal's, else `COLUMNS`, else none
/// (a pipe gets every column whole).
pub fn available_width() -> Option<usize> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Ok((w, _)) = crossterm::terminal::size()
        && w > 0
    {
        return Some(usize::from(w));
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&w: &usize| w > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(header: &'static str, give: Give, cells: &[&str]) -> Column {
        Column {
            header,
            cells: cells.iter().map(|s| (*s).to_string()).collect(),
            right: false,
            give,
            widest: 0,
        }
    }

    #[test]
    fn numbers_keep_their_digits_and_text_shrinks_first() {
        let cols = [
            col("BRAND", Give::Shrink(6), &["浦发银行信用卡中心", "x"]),
            col(
                "SENDER",
                Give::Never,
                &["1069057123990731", "+447700900123"],
            ),
            col("SEEN", Give::Drop(0), &["2026-04-25 20:38", "-"]),
        ];
        let out = render(&cols, Some(40));
        assert!(out.iter().all(|l| l.width() <= 40), "{out:#?}");
        assert!(out[1].contains("1069057123990731"));
        assert!(out[2].contains("+447700900123"));
        assert!(
            out[1].contains('…'),
            "the brand shrinks with a sign: {out:#?}"
        );
        // Narrower: the date column goes whole, digits stay.
        let out = render(&cols, Some(26));
        assert!(!out[0].contains("SEEN"), "{out:#?}");
        assert!(out[1].contains("1069057123990731"));
        // No limit: everything whole.
        let out = render(&cols, None);
        assert!(out[1].contains("浦发银行信用卡中心") && out[1].contains("2026-04-25 20:38"));
    }
}
