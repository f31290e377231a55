//! The settings every command and the TUI run with ([`Settings`], resolved
//! by the CLI from flags, environment and this file), and the user's
//! settings file: `config.toml` in the platform config directory
//! (`~/.config/optout/config.toml` on Linux). Every key is optional; flags
//! and environment variables win over it.
//!
//! ```toml
//! region = "CN"          # numbers without a country code
//! tz = "Asia/Shanghai"   # zone for times stored without an offset
//! grace = "24h"          # grace after an opt-out (m, h, d, bd)
//! grace_us = "10bd"      # grace for US/CA numbers and short codes
//! lang = "zh"            # TUI language: en or zh
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::classify::Region;
use crate::track::Policy;

/// Everything a command needs, resolved from flags, environment and config.
pub struct Settings {
    pub db: PathBuf,
    pub region: Region,
    pub zone: jiff::tz::TimeZone,
    pub policy: Policy,
    pub lang: Option<String>,
    /// Whether the zone came from `--tz`, the environment or the config file.
    pub zone_explicit: bool,
    /// The line the interface shows (`optout --line NAME`).
    pub line: Option<String>,
    /// Colour decided by `--color`, `NO_COLOR` or `CLICOLOR_FORCE`; `None`:
    /// colour only when the output is a terminal.
    pub colour: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub region: Option<String>,
    pub tz: Option<String>,
    pub grace: Option<String>,
    pub grace_us: Option<String>,
    pub lang: Option<String>,
}

/// `config.toml` in the user's config directory.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "optout").map(|d| d.config_dir().join("config.toml"))
}

/// The user rule file beside it.
pub fn rules_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "optout").map(|d| d.config_dir().join("rules.toml"))
}

impl Config {
    /// Reads `path`; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| {
                format!(
                    "{}: {}",
                    path.display(),
                    e.message().lines().next().unwrap_or("invalid TOML")
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_known_keys_and_refuses_unknown_ones() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "region = \"US\"\ngrace = \"2d\"\n").unwrap();
        let c = Config::load(&p).unwrap();
        assert_eq!(c.region.as_deref(), Some("US"));
        assert_eq!(c.grace.as_deref(), Some("2d"));
        std::fs::write(&p, "regoin = \"US\"\n").unwrap();
        let err = Config::load(&p).unwrap_err();
        assert!(err.contains("config.toml"), "{err}");
        assert!(Config::load(&dir.path().join("none.toml")).unwrap() == Config::default());
    }
}
