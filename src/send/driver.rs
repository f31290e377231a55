//! The one trait every driver implements, running the user's own
//! programs (never a shell: each argument is passed as is), and the
//! choice of driver.

use std::cell::RefCell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{adb, kdeconnect, messages, print, termux};
use crate::text;

/// What a driver did with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The phone sent it (or, for adb, the user says they pressed send).
    Sent,
    /// Nothing was sent: a line for the user to send by hand.
    Shown(String),
}

/// One way to get a text onto the user's phone.
pub trait Driver {
    /// Its name: `--via`, and the channel of the opt-outs it records.
    fn name(&self) -> &'static str;
    /// Whether a success means a message left the phone (`print`: no).
    fn sends(&self) -> bool {
        true
    }
    /// Sends `text` to `to`; an error says what failed.
    fn send(&mut self, to: &str, text: &str) -> Result<Delivery, DriverError>;
}

/// Why a driver could not send (or could not start). Its `Display` is the
/// one English line the command line prints and the journal keeps; the
/// interface words each variant in its own language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriverError {
    /// The program is not on PATH.
    NotInstalled { program: &'static str },
    /// It could not be started (the system's reason).
    CouldNotRun {
        program: &'static str,
        cause: String,
    },
    /// It started, but could not be waited for (the system's reason).
    CouldNotWait {
        program: &'static str,
        cause: String,
    },
    /// It exited unsuccessfully: its status (`None`: a signal) and the
    /// first line it printed, sanitised.
    Exited {
        program: &'static str,
        status: Option<i32>,
        said: Option<String>,
    },
    /// It had not finished after this many seconds and was stopped.
    TimedOut { program: &'static str, secs: u64 },
    /// KDE Connect sees no paired, reachable device.
    NoDevice,
    /// KDE Connect sees several and none was named (sanitised ids).
    SeveralDevices(Vec<String>),
    /// The device named is not among those available (sanitised).
    DeviceNotAvailable {
        wanted: String,
        available: Vec<String>,
    },
    /// adb: the user did not say they pressed send.
    NotConfirmed,
    /// `--via` names no driver (sanitised).
    UnknownDriver(String),
    /// Anything else, in English.
    Other(String),
}

impl std::fmt::Display for DriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DriverError::NotInstalled { program } => {
                write!(f, "{program} is not installed (not on PATH)")
            }
            DriverError::CouldNotRun { program, cause } => {
                write!(f, "could not run {program}: {cause}")
            }
            DriverError::CouldNotWait { program, cause } => {
                write!(f, "could not wait for {program}: {cause}")
            }
            DriverError::Exited {
                program,
                status,
                said,
            } => {
                let status = status.map_or_else(|| "a signal".to_string(), |c| format!("status {c}"));
                write!(f, "{program} failed (exit {status})")?;
                match said {
                    Some(said) => write!(f, ": {said}"),
                    None => Ok(()),
                }
            }
            DriverError::TimedOut { program, secs } => write!(
                f,
                "{program} did not finish within {secs} s and was stopped: check your phone \
                 for whether the message left before sending it again"
            ),
            DriverError::NoDevice => f.write_str(
                "kdeconnect: no device is available: pair the phone in KDE Connect and keep it reachable",
            ),
            DriverError::SeveralDevices(ids) => write!(
                f,
                "kdeconnect: several devices are available; choose one with --device ID: {}",
                ids.join(", ")
            ),
            DriverError::DeviceNotAvailable { wanted, available } => write!(
                f,
                "kdeconnect: device '{wanted}' is not available; available: {}",
                available.join(", ")
            ),
            DriverError::NotConfirmed => {
                f.write_str("adb: not sent on the phone (the user did not confirm it)")
            }
            DriverError::UnknownDriver(name) => {
                write!(f, "--via: '{name}' is not one of {}", DRIVERS.join(", "))
            }
            DriverError::Other(s) => f.write_str(s),
        }
    }
}

impl From<&str> for DriverError {
    fn from(s: &str) -> DriverError {
        DriverError::Other(s.to_string())
    }
}

impl From<String> for DriverError {
    fn from(s: String) -> DriverError {
        DriverError::Other(s)
    }
}

thread_local! {
    /// The PATH programs are looked up in on this thread, when not the
    /// process's: the interface's send thread takes the one its session
    /// was given (tests point it at their stub programs without changing
    /// the environment of every thread).
    static SEARCH_PATH: RefCell<Option<OsString>> = const { RefCell::new(None) };
}

/// Looks programs up in `path` (not `$PATH`) on this thread from now on.
pub fn set_search_path(path: Option<OsString>) {
    SEARCH_PATH.with(|p| *p.borrow_mut() = path);
}

fn search_path() -> Option<OsString> {
    SEARCH_PATH
        .with(|p| p.borrow().clone())
        .or_else(|| std::env::var_os("PATH"))
}

/// The drivers, in the order `--via` lists them.
pub const DRIVERS: [&str; 5] = ["kdeconnect", "termux", "messages", "adb", "print"];

/// A program and its arguments: what a driver runs, testable without running it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub program: &'static str,
    pub args: Vec<String>,
}

impl Invocation {
    /// Runs it with no standard input; its standard output, or one line
    /// naming the program, its exit status and the first line it printed.
    /// A program that has not finished after [`timeout`] is stopped and the
    /// send counts as failed (the message may or may not have left: the
    /// error says to check the phone), so a hung phone link never hangs
    /// optout.
    pub fn run(&self) -> Result<String, DriverError> {
        let program = self.program;
        let mut command = Command::new(program);
        if let Some(path) = SEARCH_PATH.with(|p| p.borrow().clone()) {
            // The child's PATH is also where `program` is looked up.
            command.env("PATH", path);
        }
        let mut child = command
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => DriverError::NotInstalled { program },
                _ => DriverError::CouldNotRun {
                    program,
                    cause: e.to_string(),
                },
            })?;
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let limit = timeout();
        let started = std::time::Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() >= limit => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(DriverError::TimedOut {
                        program,
                        secs: limit.as_secs(),
                    });
                }
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
                Err(e) => {
                    return Err(DriverError::CouldNotWait {
                        program,
                        cause: e.to_string(),
                    });
                }
            }
        };
        let out = std::process::Output {
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        };
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        let said = String::from_utf8_lossy(&out.stderr);
        let said = said
            .lines()
            .chain(String::from_utf8_lossy(&out.stdout).lines())
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(text::sanitize);
        Err(DriverError::Exited {
            program,
            status: out.status.code(),
            said,
        })
    }
}

/// Reads a child's pipe on its own thread (so a chatty program never
/// blocks on a full pipe), keeping its first megabyte.
fn drain<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut p) = pipe {
            let _ =
                std::io::Read::read_to_end(&mut std::io::Read::take(&mut p, 1 << 20), &mut bytes);
            let _ = std::io::copy(&mut p, &mut std::io::sink());
        }
        bytes
    })
}

/// How long a driver's program may run before it is stopped: 60 s, or
/// `OPTOUT_DRIVER_TIMEOUT` seconds.
pub fn timeout() -> std::time::Duration {
    let secs = std::env::var("OPTOUT_DRIVER_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(60);
    std::time::Duration::from_secs(secs)
}

/// The file `program` would run from, on `PATH`.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = search_path()?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// How the user asked to send.
pub struct Choice<'a> {
    /// `--via`, or none for the first available.
    pub via: Option<&'a str>,
    /// `--device`: the KDE Connect device id or the adb serial.
    pub device: Option<&'a str>,
}

/// The driver `choice` names, or the first available of kdeconnect,
/// termux and messages, else print. `ask` is what adb asks the user
/// after opening the composer ("did you press send?").
pub fn choose(
    choice: &Choice<'_>,
    ask: Box<dyn FnMut(&str) -> bool>,
) -> Result<Box<dyn Driver>, DriverError> {
    match choice.via {
        Some("kdeconnect") => Ok(Box::new(kdeconnect::KdeConnect::new(choice.device)?)),
        Some("termux") => Ok(Box::new(termux::Termux)),
        Some("messages") => Ok(Box::new(messages::Messages)),
        Some("adb") => Ok(Box::new(adb::Adb::new(choice.device, ask))),
        Some("print") => Ok(Box::new(print::Print)),
        Some(other) => Err(DriverError::UnknownDriver(text::sanitize(other))),
        None => {
            if on_path(kdeconnect::PROGRAM).is_some() {
                match kdeconnect::KdeConnect::new(choice.device) {
                    Ok(d) => return Ok(Box::new(d)),
                    // Several phones and no --device: the user must choose.
                    Err(e @ DriverError::SeveralDevices(_)) => return Err(e),
                    Err(_) => {}
                }
            }
            if termux::available() {
                return Ok(Box::new(termux::Termux));
            }
            if messages::available() {
                return Ok(Box::new(messages::Messages));
            }
            Ok(Box::new(print::Print))
        }
    }
}
