//! The import prompt's second step for a CSV whose header optout does not
//! recognise: which column is the number, the text, the date and the
//! direction. The choice becomes the same `--map` the command line takes
//! (`address=…,date=…,body=…[,direction=…]`), checked against the header
//! with the importer's own `map_columns` before the import starts.

use jiff::tz::TimeZone;

use super::{Action, App, Effect, Outcome, Overlay, Prompt};
use crate::import::csv::map_columns;
use crate::import::fields::{folder, parse_time};

/// The fields to map, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapField {
    Address,
    Body,
    Date,
    Direction,
}

impl MapField {
    pub const ALL: [MapField; 4] = [
        MapField::Address,
        MapField::Body,
        MapField::Date,
        MapField::Direction,
    ];

    fn index(self) -> usize {
        MapField::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// The `--map` name of the field.
    fn key(self) -> &'static str {
        match self {
            MapField::Address => "address",
            MapField::Body => "body",
            MapField::Date => "date",
            MapField::Direction => "direction",
        }
    }
}

/// The mapping prompt's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnsPrompt {
    /// The file, as the import prompt had it.
    pub path: String,
    pub header: Vec<String>,
    /// The first row's values, for examples (may be shorter than the header).
    pub sample: Vec<String>,
    /// The column of each field (0-based), in [`MapField::ALL`] order;
    /// `None` only for the direction (every row received).
    pub columns: [Option<usize>; 4],
    pub field: MapField,
    pub error: Option<String>,
}

impl ColumnsPrompt {
    /// A prompt with guesses from the first row's values.
    pub fn new(path: String, header: Vec<String>, sample: Vec<String>, zone: &TimeZone) -> Self {
        let columns = guess(header.len(), &sample, zone);
        ColumnsPrompt {
            path,
            header,
            sample,
            columns,
            field: MapField::Address,
            error: None,
        }
    }

    pub fn column(&self, field: MapField) -> Option<usize> {
        self.columns[field.index()]
    }

    /// Moves the field's column by one (the direction also has "none").
    fn step(&mut self, forward: bool) {
        let n = self.header.len();
        if n == 0 {
            return;
        }
        let i = self.field.index();
        let optional = self.field == MapField::Direction;
        // Positions 0..n are columns; n is "none" for the direction.
        let count = if optional { n + 1 } else { n };
        let at = self.columns[i].unwrap_or(n);
        let next = if forward {
            (at + 1) % count
        } else {
            (at + count - 1) % count
        };
        self.columns[i] = (next < n).then_some(next);
    }

    /// The `--map` for the choice, checked with the importer's own reading
    /// of it; `Err` says what is wrong.
    pub fn map(&self) -> Result<String, MapError> {
        let [address, body, date, direction] = self.columns;
        let (Some(address), Some(body), Some(date)) = (address, body, date) else {
            return Err(MapError::Missing);
        };
        if address == body || address == date || body == date {
            return Err(MapError::SameColumn);
        }
        if direction.is_some_and(|d| d == address || d == body || d == date) {
            return Err(MapError::SameColumn);
        }
        // By name where the name is unambiguous, else by number; the one
        // the importer reads back as chosen is used.
        for by_name in [true, false] {
            let spec = MapField::ALL
                .iter()
                .filter_map(|f| self.column(*f).map(|c| (*f, c)))
                .map(|(f, c)| format!("{}={}", f.key(), self.reference(c, by_name)))
                .collect::<Vec<_>>()
                .join(",");
            if let Ok(m) = map_columns(&self.header, Some(&spec))
                && m.address == address
                && m.body == body
                && m.date == date
                && direction.is_none_or(|d| m.direction == Some(d))
            {
                return Ok(spec);
            }
        }
        Err(MapError::Unreadable)
    }

    fn reference(&self, column: usize, by_name: bool) -> String {
        let name = self.header[column].trim();
        if by_name && !name.is_empty() && !name.contains([',', '=']) {
            name.to_string()
        } else {
            (column + 1).to_string()
        }
    }
}

/// Why a mapping cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapError {
    Missing,
    SameColumn,
    /// The header's names defeat both ways of naming a column.
    Unreadable,
}

/// Guesses from the first row: the date is a value that reads as a date,
/// the direction one that reads as in/out, the number a short value of
/// digits (or a sender ID), the text the longest of the rest. Without a
/// row: the first three columns in order.
fn guess(n: usize, sample: &[String], zone: &TimeZone) -> [Option<usize>; 4] {
    let value = |i: usize| sample.get(i).map_or("", |s| s.trim());
    let mut taken: Vec<usize> = Vec::new();
    let pick = |ok: &dyn Fn(&str) -> bool, taken: &mut Vec<usize>| {
        let i = (0..n).find(|i| !taken.contains(i) && ok(value(*i)))?;
        taken.push(i);
        Some(i)
    };
    let digits = |v: &str| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit());
    let date = pick(&|v| !digits(v) && parse_time(v, zone).is_some(), &mut taken).or_else(|| {
        pick(
            &|v| digits(v) && matches!(v.len(), 10 | 13) && parse_time(v, zone).is_some(),
            &mut taken,
        )
    });
    let direction = pick(&|v| folder(v).is_some(), &mut taken);
    let phone = |v: &str| {
        v.chars().filter(char::is_ascii_digit).count() >= 3
            && v.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c))
    };
    let address = pick(&phone, &mut taken).or_else(|| {
        pick(
            &|v| !v.is_empty() && v.chars().count() <= 16 && !v.contains(char::is_whitespace),
            &mut taken,
        )
    });
    let body = (0..n)
        .filter(|i| !taken.contains(i) && !value(*i).is_empty())
        .max_by_key(|i| (value(*i).chars().count(), std::cmp::Reverse(*i)));
    if let Some(b) = body {
        taken.push(b);
    }
    // Whatever is still missing takes the first free columns.
    let mut free = (0..n).filter(|i| !taken.contains(i));
    let address = address.or_else(|| free.next());
    let body = body.or_else(|| free.next());
    let date = date.or_else(|| free.next());
    [address, body, date, direction]
}

impl App {
    /// The import found a CSV with a header it does not know: ask.
    pub(super) fn ask_columns(&mut self, path: String, header: Vec<String>, sample: Vec<String>) {
        self.overlay = Overlay::Prompt(Prompt::Columns(ColumnsPrompt::new(
            path, header, sample, &self.zone,
        )));
    }

    /// A key in the mapping prompt (Esc was handled by the caller).
    pub(super) fn columns_prompt(&mut self, mut p: ColumnsPrompt, action: &Action) -> Vec<Effect> {
        let at = p.field.index();
        match action {
            Action::NextField | Action::Down => {
                p.field = MapField::ALL[(at + 1) % MapField::ALL.len()];
            }
            Action::Up => {
                p.field = MapField::ALL[(at + MapField::ALL.len() - 1) % MapField::ALL.len()];
            }
            Action::NextChoice | Action::Input(' ') => p.step(true),
            Action::PrevChoice => p.step(false),
            // A column by its number; 0 (or Backspace) is "none" for the direction.
            Action::Input(c) if c.is_ascii_digit() => {
                let n = c.to_digit(10).unwrap_or(0) as usize;
                if n >= 1 && n <= p.header.len() {
                    p.columns[at] = Some(n - 1);
                } else if n == 0 && p.field == MapField::Direction {
                    p.columns[at] = None;
                }
            }
            Action::Backspace if p.field == MapField::Direction => p.columns[at] = None,
            Action::Submit => match p.map() {
                Ok(spec) => {
                    self.overlay = Overlay::None;
                    p.error = None;
                    self.columns_retry = Some(p.clone());
                    return vec![Effect::Import {
                        path: p.path,
                        csv_map: Some(spec),
                    }];
                }
                Err(e) => {
                    p.error = Some(
                        match e {
                            MapError::Missing | MapError::SameColumn => self.strings.columns_same,
                            MapError::Unreadable => self.strings.columns_unreadable,
                        }
                        .to_string(),
                    );
                    self.overlay = Overlay::Prompt(Prompt::Columns(p));
                    return Vec::new();
                }
            },
            _ => {}
        }
        p.error = None;
        self.overlay = Overlay::Prompt(Prompt::Columns(p));
        Vec::new()
    }

    /// An import with a mapping ended: when nothing could be read, the
    /// question comes back (the log has the importer's full reason).
    pub(super) fn columns_outcome(&mut self, o: &Outcome) {
        match o {
            Outcome::ImportFailed(_) => {
                if let Some(mut p) = self.columns_retry.take() {
                    p.error = Some(self.strings.columns_failed.to_string());
                    self.overlay = Overlay::Prompt(Prompt::Columns(p));
                }
            }
            Outcome::Imported { .. } => self.columns_retry = None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn guesses_follow_the_first_row() {
        let zone = TimeZone::UTC;
        let row = s(&[
            "2026-03-01 10:00",
            "【美团】周末特惠，回T退订",
            "入",
            "1069123000",
            "received",
        ]);
        assert_eq!(guess(5, &row, &zone), [Some(3), Some(1), Some(0), Some(4)]);
        // An epoch date and a mobile number: the 13 digits are the date.
        let row = s(&["13800138000", "1772000000000", "hello there"]);
        assert_eq!(guess(3, &row, &zone), [Some(0), Some(2), Some(1), None]);
        assert_eq!(guess(3, &[], &zone), [Some(0), Some(1), Some(2), None]);
    }

    #[test]
    fn the_map_names_columns_the_importer_reads_back() {
        let mut p = ColumnsPrompt::new(
            "x.csv".into(),
            s(&["Wann", "Wer", "Was, genau", "Art"]),
            Vec::new(),
            &TimeZone::UTC,
        );
        p.columns = [Some(1), Some(2), Some(0), Some(3)];
        // A name with a comma goes by number.
        assert_eq!(
            p.map().unwrap(),
            "address=Wer,body=3,date=Wann,direction=Art"
        );
        p.columns = [Some(1), Some(1), Some(0), None];
        assert_eq!(p.map(), Err(MapError::SameColumn));
        // A header whose names are numbers: by name, not by position.
        let mut p = ColumnsPrompt::new(
            "x.csv".into(),
            s(&["2", "1", "3"]),
            Vec::new(),
            &TimeZone::UTC,
        );
        p.columns = [Some(0), Some(1), Some(2), None];
        let spec = p.map().unwrap();
        let m = map_columns(&p.header, Some(&spec)).unwrap();
        assert_eq!((m.address, m.body, m.date), (0, 1, 2), "{spec}");
    }

    #[test]
    fn stepping_wraps_and_the_direction_can_be_none() {
        let mut p = ColumnsPrompt::new(
            "x.csv".into(),
            s(&["a", "b", "c"]),
            Vec::new(),
            &TimeZone::UTC,
        );
        p.field = MapField::Direction;
        assert_eq!(p.column(MapField::Direction), None);
        p.step(true);
        assert_eq!(p.column(MapField::Direction), Some(0));
        p.step(false);
        p.step(false);
        assert_eq!(p.column(MapField::Direction), Some(2));
        p.field = MapField::Address;
        p.step(false);
        assert_eq!(p.column(MapField::Address), Some(2));
    }
}
