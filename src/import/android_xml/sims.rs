//! Which SIMs an SMS Backup & Restore export's messages came through: the
//! app writes Android's subscription id (`sub_id`) on each `<sms>` and
//! `<mms>`, `-1` (or nothing, on old phones and some MMS) when the phone
//! recorded none. [`sim_counts`] is a pre-pass over the file for
//! `optout import` (the note, or the question, before anything is
//! imported) and `--line-per-sim` (which lines to make); [`keeps`] is the
//! filter the reader applies for one SIM's share.
//!
//! The pre-pass reads the file through the same [`Guard`] and quick-xml
//! settings as the import, so a hostile file costs it no more memory than
//! it costs the import, and it unescapes nothing but `sub_id`. It is worth
//! its cost: on the 1,000,000-message bench export (1.47 GB) it takes a few
//! seconds of CPU, against the import's half minute (figures in the
//! README's "One phone, two SIMs"), and only a count made before the import
//! lets optout ask first, or name every SIM's line before the first part is
//! written. Counting during the import instead and saying it afterwards
//! would come too late: a file imported whole is not split later.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::Guard;
use crate::import::{ImportError, Sim, line_column, open_input};

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
    value
        .and_then(|v| std::str::from_utf8(&v).ok()?.trim().parse::<i64>().ok())
        .filter(|&id| id >= 0)
        .map_or(Sim::Unrecorded, Sim::Id)
}

/// Whether the reader keeps this `<sms>` or `<mms>` when it reads only
/// `only`'s messages (every message when `None`: nothing is parsed then).
pub fn keeps(only: Option<Sim>, e: &BytesStart<'_>) -> bool {
    only.is_none_or(|sim| sim_of(e) == sim)
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
    let mut by_sim: BTreeMap<i64, u64> = BTreeMap::new();
    let mut unrecorded = 0;
    loop {
        buf.clear();
        if buf.capacity() > 4 * 1024 * 1024 {
            buf = Vec::with_capacity(8 * 1024);
        }
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e))
                if matches!(e.name().as_ref(), b"sms" | b"mms") =>
            {
                match sim_of(&e) {
                    Sim::Id(id) => *by_sim.entry(id).or_default() += 1,
                    Sim::Unrecorded => unrecorded += 1,
                }
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
    let mut sims: Vec<(i64, u64)> = by_sim.into_iter().collect();
    sims.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(SimCounts { sims, unrecorded })
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
    fn unreadable_xml_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sms.xml");
        std::fs::write(&path, "<smses><sms sub_id=\"1\"></mms></smses>").unwrap();
        assert!(sim_counts(&path).is_err());
    }
}
