//! [`resolve`]: the flags resolved against the environment and the config
//! file into the [`Settings`] every command runs with.

use std::ffi::OsString;

use super::{Cli, CliError, ColorWhen};
use crate::classify::Region;
use crate::config::{self, Config, Settings};
use crate::store;
use crate::text;
use crate::track::{Grace, Policy};

/// Resolves the flags against the environment and the config file.
pub fn resolve(cli: &Cli) -> Result<Settings, CliError> {
    let config_path = cli.config.clone().or_else(config::default_path);
    let cfg = match &config_path {
        Some(p) => Config::load(p).map_err(CliError)?,
        None => Config::default(),
    };
    let region = cli
        .region
        .as_deref()
        .or(cfg.region.as_deref())
        .unwrap_or("CN");
    let region = Region::new(region).map_err(|e| CliError(format!("--region: {e}")))?;
    let zone_explicit = cli.tz.is_some() || cfg.tz.is_some();
    let zone = text::resolve_zone(cli.tz.as_deref().or(cfg.tz.as_deref()))
        .map_err(|e| CliError(format!("--tz: {e}")))?;
    let mut policy = Policy {
        zone: zone.clone(),
        ..Policy::default()
    };
    if let Some(g) = cli.grace.as_deref().or(cfg.grace.as_deref()) {
        policy.grace = Grace::parse(g).map_err(|e| CliError(format!("--grace: {e}")))?;
    }
    if let Some(g) = cli.grace_us.as_deref().or(cfg.grace_us.as_deref()) {
        policy.grace_us = Grace::parse(g).map_err(|e| CliError(format!("--grace-us: {e}")))?;
    }
    let db = match &cli.db {
        Some(p) => p.clone(),
        None => store::default_path().ok_or_else(|| {
            CliError("cannot find your data directory; pass --db PATH or set OPTOUT_DB".into())
        })?,
    };
    Ok(Settings {
        db,
        region,
        zone,
        policy,
        lang: cfg.lang,
        zone_explicit,
        line: cli.line.clone(),
        colour: colour(cli.color, |k| std::env::var_os(k)),
    })
}

/// `--color` against the environment: `Some` when the flag, `NO_COLOR` or
/// `CLICOLOR_FORCE` decides it, `None` to colour only a terminal. The flag
/// wins over both variables; `NO_COLOR` wins over `CLICOLOR_FORCE`.
fn colour(when: ColorWhen, env: impl Fn(&str) -> Option<OsString>) -> Option<bool> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    match when {
        ColorWhen::Always => Some(true),
        ColorWhen::Never => Some(false),
        ColorWhen::Auto if set("NO_COLOR").is_some() => Some(false),
        ColorWhen::Auto if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => Some(true),
        ColorWhen::Auto => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{ColorWhen, colour};
    use std::ffi::OsString;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        move |k| {
            vars.iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_flag_wins_then_no_color_then_clicolor_force() {
        let both = [("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")];
        assert_eq!(colour(ColorWhen::Always, with(&both)), Some(true));
        assert_eq!(colour(ColorWhen::Never, with(&both)), Some(false));
        assert_eq!(colour(ColorWhen::Auto, with(&both)), Some(false));
        assert_eq!(
            colour(ColorWhen::Auto, with(&[("CLICOLOR_FORCE", "1")])),
            Some(true)
        );
        assert_eq!(colour(ColorWhen::Auto, with(&[])), None);
    }

    #[test]
    fn empty_values_and_a_zero_force_change_nothing() {
        let empty = [("NO_COLOR", ""), ("CLICOLOR_FORCE", "")];
        assert_eq!(colour(ColorWhen::Auto, with(&empty)), None);
        assert_eq!(
            colour(ColorWhen::Auto, with(&[("CLICOLOR_FORCE", "0")])),
            None
        );
    }
}
