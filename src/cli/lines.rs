//! `optout lines` (list, rename, remove) and `optout brand-alias`: whose
//! phone messages reached, and which spellings are one company.

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use super::{CliError, LinesAction, Settings, classifier, open_existing};
use crate::findings;
use crate::model::{DEFAULT_LINE, Status};
use crate::store::Store;
use crate::text::{self, group_digits};

pub(super) fn run(settings: &Settings, action: Option<&LinesAction>) -> Result<ExitCode, CliError> {
    let mut store = open_existing(settings, &classifier(&settings.region))?;
    match action {
        None => list(settings, &store),
        Some(LinesAction::Rename { old, new }) => {
            let new = new.trim();
            if new.is_empty() {
                return Err(CliError("a line needs a name".into()));
            }
            store.rename_line(old, new)?;
            println!(
                "renamed line '{}' to '{}'",
                text::sanitize(old),
                text::sanitize(new)
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(LinesAction::Remove { name, yes }) => remove(&mut store, name, *yes),
    }
}

fn list(settings: &Settings, store: &Store) -> Result<ExitCode, CliError> {
    let stats = store.line_stats()?;
    if stats.is_empty() {
        println!("no lines yet: import an export first (optout import FILE)");
        return Ok(ExitCode::SUCCESS);
    }
    let report = super::working::Working::updating(store, &settings.policy, || {
        findings::report(store, &settings.policy)
    })?;
    let mut violating: HashMap<&str, u64> = HashMap::new();
    for s in &report.senders {
        if s.status == Status::Violating {
            *violating.entry(s.line.as_str()).or_default() += 1;
        }
    }
    let date = |ms: Option<i64>| {
        ms.map_or_else(
            || "-".to_string(),
            |ms| text::short(ms, None, &settings.zone),
        )
    };
    println!(
        "{} {:>10} {:>8} {:>9} {:>7}  {:<16} {:<16}",
        super::table::pad("LINE", 20),
        "MESSAGES",
        "SENDERS",
        "VIOLATING",
        "IMPORTS",
        "FIRST",
        "LAST"
    );
    for st in &stats {
        let mut name = text::sanitize(&st.line.name);
        if st.line.redacted {
            name.push_str(" (redacted)");
        }
        println!(
            "{} {:>10} {:>8} {:>9} {:>7}  {:<16} {:<16}",
            super::table::pad(&name, 20),
            group_digits(st.messages),
            group_digits(st.senders),
            group_digits(violating.get(st.line.name.as_str()).copied().unwrap_or(0)),
            group_digits(st.imports),
            date(st.first_ms),
            date(st.last_ms),
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn remove(store: &mut Store, name: &str, yes: bool) -> Result<ExitCode, CliError> {
    let Some(stats) = store
        .line_stats()?
        .into_iter()
        .find(|s| s.line.name == name)
    else {
        return Err(CliError(format!(
            "no line called '{}': see `optout lines`",
            text::sanitize(name)
        )));
    };
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError(format!(
                "removing the line '{}' deletes {} messages: pass --yes to do it without asking",
                text::sanitize(name),
                group_digits(stats.messages)
            )));
        }
        eprint!(
            "remove the line '{}' with its {} messages and {} imports? (y/N) ",
            text::sanitize(name),
            group_digits(stats.messages),
            group_digits(stats.imports)
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("kept the line '{}'", text::sanitize(name));
            return Ok(ExitCode::SUCCESS);
        }
    }
    let n = store.remove_line(name)?;
    println!(
        "removed the line '{}' and its {} message{}",
        text::sanitize(name),
        group_digits(n),
        if n == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}

/// The line a command acts on: the one named, else the only one, else `me`.
pub(super) fn resolve_line(store: &Store, name: Option<&str>) -> Result<(i64, String), CliError> {
    if let Some(name) = name {
        return match store.line_id(name)? {
            Some(id) => Ok((id, name.to_string())),
            None => Err(CliError(format!(
                "no line called '{}': see `optout lines`",
                text::sanitize(name)
            ))),
        };
    }
    let lines = store.lines()?;
    match lines.as_slice() {
        [] => Ok((store.ensure_line(DEFAULT_LINE)?, DEFAULT_LINE.to_string())),
        [only] => Ok((only.id, only.name.clone())),
        many => Err(CliError(format!(
            "this database holds several lines ({}): say which with --line NAME",
            many.iter()
                .map(|l| text::sanitize(&l.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

pub(super) fn brand_alias(
    settings: &Settings,
    alias: &str,
    name: Option<&str>,
    undo: bool,
) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    let alias = alias.trim();
    if undo {
        if store.set_brand_alias(alias, None)? {
            println!("'{}' is its own brand again", text::sanitize(alias));
        } else {
            println!("'{}' was not an alias", text::sanitize(alias));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let name = name.unwrap_or_default().trim();
    if name.is_empty() || name == alias {
        return Err(CliError(
            "give the alias and the brand name it becomes, e.g. optout brand-alias 浦发 浦发银行"
                .into(),
        ));
    }
    if !store.brand_exists(alias)? {
        return Err(CliError(format!(
            "no brand '{}' in your messages: see `optout brands`",
            text::sanitize(alias)
        )));
    }
    if store.brand_aliases()?.contains_key(name) {
        return Err(CliError(format!(
            "'{}' is itself an alias: merge into the brand it stands for",
            text::sanitize(name)
        )));
    }
    store.set_brand_alias(alias, Some(name))?;
    println!(
        "'{}' now counts as '{}' (take it back with optout brand-alias --undo {})",
        text::sanitize(alias),
        text::sanitize(name),
        text::sanitize(alias)
    );
    Ok(ExitCode::SUCCESS)
}
