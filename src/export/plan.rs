//! The first pass of an export: select, build each offender's facts,
//! redact, and read every list once for the counts, the imports, the
//! category and the messages a page shows. [`build_evidence`] is the same
//! with every message kept in memory.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::store::{Store, StoreError};
use crate::track::{Moment, Report, SenderKind, SenderReport};

use super::build::{
    Ctx, file_name_of, instruction_acted_on, members, offender, select, time_record, zone_name,
};
use super::stream::{FindingsSource, Key, Plan, Which, Window};
use super::{
    CANONICAL_FORM, EVIDENCE_VERSION, Evidence, ExportError, ExportOptions, ImportProvenance,
    Integrity, Listed, Offender, PolicyRecord, Selection, SelectionRecord, Summary, grace_str,
    integrity_sha256, is_financial, offender_messages, redact,
};

/// Builds the evidence for `selection`: selected, redacted when asked,
/// hashed, with every message in memory (an export streams instead).
pub fn build_evidence(
    store: &Store,
    report: &Report,
    selection: &Selection,
    options: &ExportOptions,
) -> Result<Evidence, ExportError> {
    let findings = FindingsSource::Held(report);
    let plan = build_plan(store, findings, selection, options, None, true)?;
    let mut evidence = plan.evidence;
    let sha256 = integrity_sha256(&evidence);
    evidence.integrity = Some(integrity(sha256, options));
    Ok(evidence)
}

pub(super) fn integrity(sha256: String, options: &ExportOptions) -> Integrity {
    Integrity {
        algorithm: "sha256",
        canonical_form: CANONICAL_FORM,
        sha256,
        generated_at: time_record(options.now_ms, None, &options.zone),
    }
}

/// The first pass: selects, builds every offender's facts and counts,
/// redacts, and reads each list once for the summary, the imports, the
/// category and the first and last `inline` messages (all with `None`).
/// With `keep` the evidence holds those messages; without, the plan notes
/// which they are and [`Plan::offender`] reads them back when a page needs
/// them, so the memory an export needs does not grow with its offenders.
///
/// [`Plan::offender`]: super::stream::Plan::offender
pub(super) fn build_plan<'a>(
    store: &'a Store,
    findings: FindingsSource<'a>,
    selection: &Selection,
    options: &'a ExportOptions,
    inline: Option<usize>,
    keep: bool,
) -> Result<Plan<'a>, ExportError> {
    let report = findings.report();
    let targets = select(findings, selection)?;
    let mut ctx = Ctx {
        messages: HashMap::new(),
        imports: store.imports()?.into_iter().map(|i| (i.id, i)).collect(),
        manual: store.manual_optouts()?,
        options,
        since_ms: selection.since_ms,
    };
    // Load every message the offenders' facts cite, in one pass.
    let mut ids: BTreeSet<i64> = BTreeSet::new();
    for t in &targets {
        for s in members(t) {
            let f = &s.findings;
            ids.extend(s.instruction.and_then(|m| m.message_id));
            ids.extend(f.optout.as_ref().and_then(|o| o.message_id));
            ids.extend(f.confirmed.and_then(|m| m.message_id));
        }
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    ctx.messages = store
        .messages_by_id(&ids)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();

    let mut offenders: Vec<Offender> = Vec::with_capacity(targets.len());
    let mut lists = Vec::with_capacity(targets.len());
    for t in &targets {
        let acted_on = instruction_acted_on(store, report, &members(t))?;
        let first_marketing = first_marketing(store, &members(t))?;
        let (o, l) = offender(&ctx, findings, t, acted_on.as_ref(), first_marketing);
        offenders.push(o);
        lists.push(l);
    }

    // A document from one line names that line's reporter id (a redacted
    // line's evidence stays marked redacted, whoever exports it again).
    let lines: BTreeSet<i64> = targets
        .iter()
        .flat_map(|t| members(t))
        .map(|s| s.line_id)
        .collect();
    let line = match lines.first() {
        Some(&id) if lines.len() == 1 => store.line_by_id(id)?,
        _ => None,
    };
    let reporter_id = match &line {
        Some(l) => Some(store.reporter_id_of(l.id, fresh_reporter_id)?),
        None => None,
    };
    let evidence = Evidence {
        evidence_version: EVIDENCE_VERSION,
        optout_version: env!("CARGO_PKG_VERSION").to_string(),
        rules_version: store.meta("rules_version")?,
        zone: zone_name(&options.zone),
        redacted: options.redact || line.as_ref().is_some_and(|l| l.redacted),
        reporter_id,
        selection: SelectionRecord {
            senders: selection.senders.clone(),
            brands: selection.brands.clone(),
            statuses: selection
                .statuses
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
            since: selection
                .since_ms
                .map(|ms| time_record(ms, None, &options.zone)),
        },
        policy: PolicyRecord {
            grace: grace_str(options.policy.grace),
            grace_us: grace_str(options.policy.grace_us),
            confirmation_window_hours: options.policy.confirmation_window_ms / 3_600_000,
        },
        summary: Summary {
            offenders: offenders.len() as u64,
            senders: offenders.iter().map(|o| o.senders.len() as u64).sum(),
            messages: 0,
            violations: 0,
            in_flight: 0,
        },
        offenders,
        imports: Vec::new(),
        integrity: None,
    };
    let mut plan = Plan {
        evidence,
        lists,
        findings,
        loaded: std::cell::RefCell::new(None),
        store,
        ctx,
        redactor: None,
        windows: None,
    };
    if options.redact {
        let personal: Vec<&SenderReport> = report
            .senders
            .iter()
            .filter(|s| s.kind == SenderKind::Personal)
            .collect();
        let ids: Vec<i64> = personal.iter().map(|s| s.sender_id).collect();
        // The names of every line these senders write to: a redaction list
        // masks more, never less.
        let names = store.contact_names_of(None, &ids)?;
        let redactor = redact::Redactor::new(&plan.evidence, &personal, &names);
        redactor.apply(&mut plan.evidence);
        plan.redactor = Some(redactor);
    }
    first_pass(&mut plan, inline, keep)?;
    Ok(plan)
}

/// The reporter id of `line`, made (and stored) now when it has none. An
/// export from [`findings::Outline`] reads inside a read transaction, where
/// storing one would fail or be rolled back: give the line its id first.
///
/// [`findings::Outline`]: crate::findings::Outline
pub fn reporter_id(store: &Store, line: i64) -> Result<String, ExportError> {
    Ok(store.reporter_id_of(line, fresh_reporter_id)?)
}

/// 128 random bits in hex: a reporter id made from nothing personal.
pub(super) fn fresh_reporter_id() -> String {
    use std::io::Read as _;
    let mut bytes = [0u8; 16];
    let urandom = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if urandom.is_err() {
        // No /dev/urandom: the standard library's random hash keys (seeded
        // by the operating system), the clock and the process id.
        use sha2::Digest as _;
        use std::hash::{BuildHasher as _, Hasher as _};
        let mut h = sha2::Sha256::new();
        for i in 0..4u8 {
            let mut k = std::collections::hash_map::RandomState::new().build_hasher();
            k.write_u8(i);
            h.update(k.finish().to_le_bytes());
        }
        h.update(crate::model::now_ms().to_le_bytes());
        h.update(std::process::id().to_le_bytes());
        bytes.copy_from_slice(&h.finalize()[..16]);
    }
    crate::text::canonical::hex(&bytes)
}

/// Reads every list once: counts, imports used, category, windows (the
/// messages themselves with `keep`, else which they are).
fn first_pass(plan: &mut Plan<'_>, inline: Option<usize>, keep: bool) -> Result<(), ExportError> {
    let mut used_imports: BTreeSet<i64> = BTreeSet::new();
    let mut messages = 0u64;
    let mut windows: Vec<HashSet<Key>> = Vec::new();
    for i in 0..plan.evidence.offenders.len() {
        let o = &plan.evidence.offenders[i];
        let heads = offender_messages(o);
        messages += heads.len() as u64;
        used_imports.extend(heads.iter().map(|m| m.import_id));
        let mut financial = o.category == "financial_marketing";
        let mut violations = Window::new(inline);
        let mut in_flight = Window::new(inline);
        let mut violation_keys = Window::new(inline);
        let mut in_flight_keys = Window::new(inline);
        let mut extra = 0u64;
        let head_ids = &plan.lists[i].head_ids;
        plan.walk::<StoreError, _>(i, Which::Both, false, None, |source, mut m| {
            if !head_ids.contains(&m.message_id) {
                extra += 1;
                used_imports.insert(m.import_id);
            }
            financial = financial || is_financial(&[m.text.as_str()]);
            let (keys, list) = if m.role == "violation" {
                (&mut violation_keys, &mut violations)
            } else {
                (&mut in_flight_keys, &mut in_flight)
            };
            keys.push((m.message_id, source));
            if keep {
                plan.redact(&mut m);
                list.push(m);
            }
            Ok(())
        })?;
        messages += extra;
        let o = &mut plan.evidence.offenders[i];
        if financial {
            o.category = "financial_marketing";
        }
        o.listed = Listed {
            violations: violation_keys.total,
            in_flight: in_flight_keys.total,
        };
        o.violations = violations.into_vec();
        o.in_flight = in_flight.into_vec();
        if !keep {
            windows.push(
                violation_keys
                    .into_vec()
                    .into_iter()
                    .chain(in_flight_keys.into_vec())
                    .collect(),
            );
        }
    }
    if !keep {
        plan.windows = Some(windows);
    }
    let e = &mut plan.evidence;
    e.summary.messages = messages;
    e.summary.violations = e.offenders.iter().map(|o| o.listed.violations).sum();
    e.summary.in_flight = e.offenders.iter().map(|o| o.listed.in_flight).sum();
    let options = plan.ctx.options;
    e.imports = used_imports
        .iter()
        .filter_map(|id| plan.ctx.imports.get(id))
        .map(|i| ImportProvenance {
            import_id: i.id,
            file_name: file_name_of(&i.path),
            sha256: i.sha256.clone(),
            size: i.size,
            format: i.format.clone(),
            imported_at: time_record(
                i.finished_at_ms.unwrap_or(i.started_at_ms),
                None,
                &options.zone,
            ),
            optout_version: i.optout_version.clone(),
        })
        .collect();
    if let Some(r) = &plan.redactor {
        for i in &mut e.imports {
            i.file_name = r.text(&i.file_name);
        }
    }
    Ok(())
}

/// The first marketing message any of `members` sent, read a page at a time
/// in time order (for a marketing sender, almost always on the first page).
fn first_marketing(
    store: &Store,
    members: &[&SenderReport],
) -> Result<Option<Moment>, ExportError> {
    const PAGE: u64 = 64;
    let ids: Vec<i64> = members.iter().map(|s| s.sender_id).collect();
    let line = members.first().map(|s| s.line_id);
    let mut offset = 0;
    loop {
        let page = store.messages_of(line, &ids, offset, PAGE)?;
        if let Some(m) = page
            .iter()
            .find(|m| m.kind == "marketing" && m.direction == crate::model::Direction::Incoming)
        {
            return Ok(Some(Moment {
                ts_ms: m.ts_ms,
                utc_offset_s: m.utc_offset_s,
                message_id: Some(m.id),
            }));
        }
        if (page.len() as u64) < PAGE {
            return Ok(None);
        }
        offset += PAGE;
    }
}
