//! `adb`: opens the phone's composer over USB debugging with the number
//! and text filled in; the user presses send on the phone. Semi-automatic:
//! optout only knows it was sent because the user says so.

use super::driver::{Delivery, Driver, DriverError, Invocation};

pub const PROGRAM: &str = "adb";

pub struct Adb {
    serial: Option<String>,
    ask: Box<dyn FnMut(&str) -> bool>,
}

/// Quotes `s` for the phone's shell (`adb shell` joins its arguments
/// into one command line there).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `adb [-s SERIAL] shell am start -a android.intent.action.SENDTO -d sms:NUMBER --es sms_body TEXT`.
pub fn command(serial: Option<&str>, to: &str, body: &str) -> Invocation {
    let mut args = Vec::new();
    if let Some(s) = serial {
        args.push("-s".to_string());
        args.push(s.to_string());
    }
    args.extend(
        [
            "shell",
            "am",
            "start",
            "-a",
            "android.intent.action.SENDTO",
            "-d",
        ]
        .map(String::from),
    );
    args.push(shell_quote(&format!("sms:{to}")));
    args.push("--es".into());
    args.push("sms_body".into());
    args.push(shell_quote(body));
    Invocation {
        program: PROGRAM,
        args,
    }
}

impl Adb {
    pub fn new(serial: Option<&str>, ask: Box<dyn FnMut(&str) -> bool>) -> Adb {
        Adb {
            serial: serial.map(str::to_string),
            ask,
        }
    }
}

impl Driver for Adb {
    fn name(&self) -> &'static str {
        "adb"
    }

    fn send(&mut self, to: &str, body: &str) -> Result<Delivery, DriverError> {
        command(self.serial.as_deref(), to, body).run()?;
        if (self.ask)(
            "the composer is open on the phone: press send there, then answer: sent? [y/N] ",
        ) {
            Ok(Delivery::Sent)
        } else {
            Err(DriverError::NotConfirmed)
        }
    }
}
