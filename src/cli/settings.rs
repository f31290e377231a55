//! [`resolve`]: the flags resolved against the environment and the config
//! file into the [`Settings`] every command runs with.

use super::{Cli, CliError};
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
    })
}
