//! `messages`: macOS Messages with an iPhone's Text Message Forwarding,
//! driven by `osascript`. The number and the text are passed as the
//! script's arguments, never written into the script.

use super::driver::{Delivery, Driver, DriverError, Invocation, on_path};

pub const PROGRAM: &str = "osascript";

/// The script, one `-e` per line; `argv` is (number, text).
pub const SCRIPT: [&str; 7] = [
    "on run argv",
    "tell application \"Messages\"",
    "set smsAccounts to (every account whose service type = SMS)",
    "if smsAccounts is {} then error \"Messages has no SMS service: turn on Text Message Forwarding for this Mac on the iPhone\"",
    "send (item 2 of argv) to participant (item 1 of argv) of (item 1 of smsAccounts)",
    "end tell",
    "end run",
];

pub struct Messages;

/// `osascript -e … -e … NUMBER TEXT`.
pub fn command(to: &str, body: &str) -> Invocation {
    let mut args = Vec::new();
    for line in SCRIPT {
        args.push("-e".to_string());
        args.push(line.to_string());
    }
    args.push(to.into());
    args.push(body.into());
    Invocation {
        program: PROGRAM,
        args,
    }
}

/// On a Mac (Messages is macOS only).
pub fn available() -> bool {
    cfg!(target_os = "macos") && on_path(PROGRAM).is_some()
}

impl Driver for Messages {
    fn name(&self) -> &'static str {
        "messages"
    }

    fn send(&mut self, to: &str, body: &str) -> Result<Delivery, DriverError> {
        command(to, body).run().map(|_| Delivery::Sent)
    }
}
