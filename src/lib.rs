//! optout reads a person's exported SMS history, finds the marketing senders
//! and the opt-out keyword each advertises, follows the opt-out replies and
//! confirmations, and flags every sender that keeps marketing afterwards.
//!
//! The data takes one path and never comes back:
//!
//! - [`import`] reads an export file (format sniffed from content) and
//!   streams [`import::ImportedMessage`]s into a sink.
//! - [`store`] owns the `SQLite` database: private file, migrations, one
//!   transaction per import, dedupe, typed queries.
//! - [`classify`] normalises addresses into senders and labels each message
//!   (marketing, transactional, confirmation …) with the opt-out instruction
//!   it carries.
//! - [`track`] replays each sender's timeline: opt-outs sent, confirmations,
//!   resubscriptions, and marketing that kept coming (violations).
//! - [`export`] turns the findings into evidence for a complaint: HTML,
//!   CSV, JSON and complaint text, with an integrity hash.
//! - [`text`] makes untrusted message text safe for terminals and formats
//!   times.
//! - [`config`] reads the user's settings file.
//! - [`tui`] is the terminal interface: senders, timelines, overview, and
//!   the actions (ignore, manual opt-out, export, import) on them.
//! - [`cli`] parses the command line and runs the commands.
#![forbid(unsafe_code)]

pub mod classify;
pub mod cli;
pub mod config;
pub mod export;
pub mod findings;
pub mod import;
pub mod ingest;
pub mod model;
pub mod store;
pub mod text;
pub mod track;
pub mod tui;

/// The bundled sample export that `optout demo` imports.
pub const DEMO_EXPORT: &[u8] = include_bytes!("../assets/demo-sms.xml");
