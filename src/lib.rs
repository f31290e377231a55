//! optout reads a person's exported SMS history, finds the marketing senders
//! and the opt-out keyword each advertises, follows the opt-out replies and
//! confirmations, and flags every sender that keeps marketing afterwards.
//!
//! The data takes one path and never comes back (ARCHITECTURE.md is the map):
//!
//! - [`model`]: the domain's words every stage shares; imports nothing.
//! - [`import`]: one reader per export format, pushing
//!   [`model::ImportedMessage`]s into a sink; never writes.
//! - [`classify`]: pure labels: sender keys, message kinds, opt-out
//!   instructions, brands.
//! - [`ingest`]: the pipeline: reader → classifier → store writer, one
//!   transaction per import.
//! - [`store`]: the `SQLite` database, SQL only.
//! - [`track`]: the pure opt-out state machine: rows and events in, a
//!   [`track::Report`] out.
//! - [`findings`]: streams the store into the tracker.
//! - [`export`]: evidence for a complaint: HTML, CSV, JSON, complaint text.
//! - [`send`]: the opt-outs (and SMS reports) sent through the user's own
//!   phone, one driver per phone-link program.
//! - [`tui`]: the terminal interface.
//! - [`cli`]: the command line, on top of everything.
//! - [`text`] (safe text, times) and [`config`] (settings) are shared helpers.
#![forbid(unsafe_code)]

pub mod classify;
pub mod cli;
pub mod config;
pub mod export;
pub mod findings;
pub mod import;
pub mod ingest;
pub mod model;
pub mod send;
pub mod store;
pub mod text;
pub mod track;
pub mod tui;

/// The bundled sample export that `optout demo` imports.
pub const DEMO_EXPORT: &[u8] = include_bytes!("../assets/demo-sms.xml");
