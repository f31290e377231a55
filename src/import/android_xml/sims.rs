//! Which SIMs an SMS Backup & Restore export's messages came through: the
//! app writes Android's subscription id (`sub_id`) on each `<sms>` and
//! `<mms>`, `-1` (or nothing, on old phones and some MMS) when the phone
//! recorded none. [`sim_counts`] is a pre-pass over the file, for what must
//! be known before anything is imported: the question `optout import` asks
//! on a terminal, and the lines `--line-per-sim` makes. [`Sims`] is what
//! the reader does with each record's SIM while it imports: it keeps only
//! one SIM's share, and it counts them when asked.
//!
//! Why both: the pre-pass reads the file through the same [`Guard`] and
//! quick-xml settings as the import (a hostile file costs it no more memory
//! than it costs the import), but the guard is most of its cost: 3.3–5.0 s
//! of CPU on the 1,000,000-message bench export (1.47 GB), 0.5 s on
//! 100,000 messages, about a tenth of the import's CPU (README, "One
//! phone, two SIMs"). Off a terminal nothing is asked and the import goes
//! ahead whatever the note says, so there the SIMs are counted during the
//! import instead (the reader takes each record's `sub_id` in the same
//! pass as the attributes it keeps) and the note comes after the
//! summary. On a terminal the question has to come first, because a file
//! imported whole is not split later; and `--line-per-sim` needs every
//! SIM's line before the first part is written.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::Guard;
use crate::import::{ImportError, ImportOptions, Sim, line_column, open_input};

/// How many messages of an export record each SIM, most first (then by
/// `sub_id`), and how many record none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimCounts {
    pub sims: Vec<(i64, u64)>,
    pub unrecorded: u64,
}

/// The SIM an element's `sub_id` names: a number of 0 or more is a SIM; a
/// negative one, `null`, anything else or no attribute is none.
pub fn sim_of(e: &BytesStart<'_>) -> Sim {
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    let mut value = None;
    // The last one wins, as it does for the attributes the reader keeps.
    for attr in attributes.flatten() {
        if attr.key.as_ref() == b"sub_id" {
            value = Some(attr.value);
        }
    }
    sim_named(value.as_deref())
}

/// The SIM a raw `sub_id` value names (see [`sim_of`]).
pub fn sim_named(sub_id: Option<&[u8]>) -> Sim {
    sub_id
        .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<i64>().ok())
        .filter(|&id| id >= 0)
        .map_or(Sim::Unrecorded, Sim::Id)
}

/// Counts records by SIM.
#[derive(Debug, Default)]
struct Counter {
    by_sim: BTreeMap<i64, u64>,
    unrecorded: u64,
}

impl Counter {
    fn add(&mut self, sim: Sim) {
        match sim {
            Sim::Id(id) => *self.by_sim.entry(id).or_default() += 1,
            Sim::Unrecorded => self.unrecorded += 1,
        }
    }

    fn finish(self) -> SimCounts {
        let mut sims: Vec<(i64, u64)> = self.by_sim.into_iter().collect();
        sims.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        SimCounts {
            sims,
            unrecorded: self.unrecorded,
        }
    }
}

/// What the reader does with the SIM of each `<sms>` and `<mms>`: keep
/// only one SIM's (`ImportOptions::sim`), and count them
/// (`ImportOptions::sim_counts`). With neither, no attribute is parsed.
#[derive(Debug, Default)]
pub struct Sims {
    only: Option<Sim>,
    counter: Option<Counter>,
}

impl Sims {
    pub fn new(options: &ImportOptions) -> Sims {
        Sims {
            only: options.sim.as_ref().map(|p| p.sim),
            counter: options.sim_counts.as_ref().map(|_| Counter::default()),
        }
    }

    /// Counts the SIM of a record (its raw `sub_id`) if asked, and says
    /// whether the record is kept.
    pub fn see(&mut self, sub_id: Option<&[u8]>) -> bool {
        if self.only.is_none() && self.counter.is_none() {
            return true;
        }
        let sim = sim_named(sub_id);
        if let Some(c) = self.counter.as_mut() {
            c.add(sim);
        }
        self.only.is_none_or(|only| only == sim)
    }

    /// Leaves the counts where `options` asked for them.
    pub fn hand_over(self, options: &ImportOptions) {
        if let (Some(counter), Some(out)) = (self.counter, options.sim_counts.as_ref())
            && let Ok(mut out) = out.lock()
        {
            *out = counter.finish();
        }
    }
}

/// Counts the `<sms>` and `<mms>` records of the export at `path` by the
/// SIM they record (see [`sim_of`]). Any record counts, drafts and
/// unreadable ones too, as `android_db::sim_counts` does. A file the
/// import would refuse as unreadable XML is refused here too.
pub fn sim_counts(path: &Path) -> Result<SimCounts, ImportError> {
    let (file, _) = open_input(path)?;
    let mut xml = Reader::from_reader(Guard::new(BufReader::with_capacity(256 * 1024, file)));
    xml.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut counter = Counter::default();
    loop {
        buf.clear();
        if buf.capacity() > 4 * 1024 * 1024 {
            buf = Vec::with_capacity(8 * 1024);
        }
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e))
                if matches!(e.name().as_ref(), b"sms" | b"mms") =>
            {
                counter.add(sim_of(&e));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(err) => {
                if let Some((at, why)) = xml.get_ref().refused() {
                    return Err(ImportError::new(path, format!("refused: {why}"))
                        .at(line_column(path, *at)));
                }
                return Err(super::xml_error(
                    path,
                    xml.get_ref().original(xml.error_position()),
                    &err.to_string(),
                    false,
                ));
            }
        }
    }
    Ok(counter.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(xml: &str) -> SimCounts {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sms.xml");
        std::fs::write(&path, xml).unwrap();
        sim_counts(&path).unwrap()
    }

    #[test]
    fn counts_each_sub_id_and_the_messages_that_record_none() {
        let c = counts(
            r#"<smses count="7">
              <sms sub_id="2" type="1"/><sms sub_id="1"/><sms sub_id="2"/>
              <sms sub_id="-1"/><sms/><sms sub_id="null"/>
              <mms sub_id=" 0 "><parts><part seq="0" sub_id="5"/></parts></mms>
            </smses>"#,
        );
        assert_eq!(c.sims, [(2, 2), (0, 1), (1, 1)]);
        assert_eq!(c.unrecorded, 3);
    }

    #[test]
    fn the_last_sub_id_of_an_element_is_the_one_that_counts() {
        let c = counts(r#"<smses><sms sub_id="1" sub_id="3"/></smses>"#);
        assert_eq!(c.sims, [(3, 1)]);
    }

    #[test]
    fn an_oversized_body_is_cut_by_the_guard_and_its_sim_still_counted() {
        let body = "广告".repeat(400_000);
        let c = counts(&format!(
            r#"<smses><sms body="{body}" sub_id="3"/><sms sub_id="3"/></smses>"#
        ));
        assert_eq!(c.sims, [(3, 2)]);
    }

    #[test]
    fn markup_the_guard_refuses_is_refused_here_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sms.xml");
        let names = " a=\"\"".repeat(20_000);
        std::fs::write(&path, format!("<smses><sms{names} sub_id=\"1\"/></smses>")).unwrap();
        let err = sim_counts(&path).unwrap_err().to_string();
        assert!(err.contains("refused: "), "{err}");
    }

    #[test]
    fn unreadable_xml_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sms.xml");
        std::fs::write(&path, "<smses><sms sub_id=\"1\"></mms></smses>").unwrap();
        assert!(sim_counts(&path).is_err());
    }
}
