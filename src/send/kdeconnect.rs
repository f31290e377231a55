//! `kdeconnect`: texts through a phone paired with KDE Connect
//! (`kdeconnect-cli --send-sms`). It can say the phone accepted the
//! message, not that the network delivered it.

use super::driver::{Delivery, Driver, DriverError, Invocation};
use crate::text;

pub const PROGRAM: &str = "kdeconnect-cli";

pub struct KdeConnect {
    device: String,
}

/// `kdeconnect-cli --device ID --destination NUMBER --send-sms TEXT`.
pub fn command(device: &str, to: &str, body: &str) -> Invocation {
    Invocation {
        program: PROGRAM,
        args: vec![
            "--device".into(),
            device.into(),
            "--destination".into(),
            to.into(),
            "--send-sms".into(),
            body.into(),
        ],
    }
}

/// The reachable devices' ids (`kdeconnect-cli --list-available --id-only`).
pub fn devices() -> Result<Vec<String>, DriverError> {
    let out = Invocation {
        program: PROGRAM,
        args: vec!["--list-available".into(), "--id-only".into()],
    }
    .run()?;
    Ok(out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

impl KdeConnect {
    /// The device `wanted` names, or the only one available.
    pub fn new(wanted: Option<&str>) -> Result<KdeConnect, DriverError> {
        let devices = devices()?;
        let listed = || devices.iter().map(|d| text::sanitize(d)).collect();
        let device = match (wanted, devices.as_slice()) {
            (_, []) => return Err(DriverError::NoDevice),
            (Some(w), _) if devices.iter().any(|d| d == w) => w.to_string(),
            (Some(w), _) => {
                return Err(DriverError::DeviceNotAvailable {
                    wanted: text::sanitize(w),
                    available: listed(),
                });
            }
            (None, [one]) => one.clone(),
            (None, _) => return Err(DriverError::SeveralDevices(listed())),
        };
        Ok(KdeConnect { device })
    }
}

impl Driver for KdeConnect {
    fn name(&self) -> &'static str {
        "kdeconnect"
    }

    fn send(&mut self, to: &str, body: &str) -> Result<Delivery, DriverError> {
        command(&self.device, to, body)
            .run()
            .map(|_| Delivery::Sent)
    }
}
