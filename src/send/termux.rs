//! `termux`: optout running inside Termux on the phone itself
//! (`termux-sms-send` from Termux:API). It can say Android took the
//! message, not that it was delivered.

use super::driver::{Delivery, Driver, DriverError, Invocation, on_path};

pub const PROGRAM: &str = "termux-sms-send";

pub struct Termux;

/// `termux-sms-send -n NUMBER TEXT`.
pub fn command(to: &str, body: &str) -> Invocation {
    Invocation {
        program: PROGRAM,
        args: vec!["-n".into(), to.into(), body.into()],
    }
}

/// Inside Termux with Termux:API installed.
pub fn available() -> bool {
    on_path(PROGRAM).is_some()
}

impl Driver for Termux {
    fn name(&self) -> &'static str {
        "termux"
    }

    fn send(&mut self, to: &str, body: &str) -> Result<Delivery, DriverError> {
        command(to, body).run().map(|_| Delivery::Sent)
    }
}
