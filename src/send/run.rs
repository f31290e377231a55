//! One run: the jobs one at a time, a pause between them, each attempt
//! written down before and after the driver, the first failure stops it
//! (and so does the user, between two sends: [`run_until`]).

use std::collections::HashSet;
use std::time::Duration;

use super::driver::{Delivery, Driver, DriverError};

/// One text to one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// `optout` or `report`.
    pub purpose: &'static str,
    pub sender: String,
    pub brand: Option<String>,
    pub target: String,
    pub body: String,
    /// What a successful opt-out records as manual opt-outs (`(is_brand, name)`).
    pub scopes: Vec<(bool, String)>,
}

/// The time, and waiting: injected so tests neither read the clock nor sleep.
pub trait Clock {
    /// Now, in UTC milliseconds, with the offset it is in.
    fn now(&self) -> (i64, Option<i32>);
    fn sleep(&mut self, pause: Duration);
}

/// The real clock, in the user's zone.
pub struct SystemClock {
    pub zone: jiff::tz::TimeZone,
}

impl Clock for SystemClock {
    fn now(&self) -> (i64, Option<i32>) {
        let now = jiff::Zoned::now().with_time_zone(self.zone.clone());
        (
            now.timestamp().as_millisecond(),
            Some(now.offset().seconds()),
        )
    }

    fn sleep(&mut self, pause: Duration) {
        std::thread::sleep(pause);
    }
}

/// Where attempts are written down (the database's `sends` table).
pub trait Journal {
    /// Before the driver runs: the attempt's id.
    fn begin(&mut self, job: &Job, driver: &str, at: (i64, Option<i32>)) -> Result<i64, String>;
    fn sent(&mut self, id: i64, job: &Job, at: (i64, Option<i32>)) -> Result<(), String>;
    fn failed(&mut self, id: i64, at: (i64, Option<i32>), error: &str) -> Result<(), String>;
}

/// What happened to one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Sent {
        id: i64,
    },
    /// Not sent: a line to send by hand (print).
    Shown(String),
    Failed {
        id: Option<i64>,
        /// The whole reason, in English (what the journal keeps).
        error: String,
        /// The driver's failure, when the driver is what failed (the
        /// interface words it in its language).
        cause: Option<DriverError>,
    },
    /// Never tried: an earlier one failed, or the run was stopped.
    NotSent,
    /// The same text to the same number as an earlier job of this run.
    Duplicate,
}

/// Where a run is, for a progress view: told before the pause, before
/// the driver runs, and when a job's step is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress<'a> {
    /// Waiting `pause` before job `i`.
    Pausing(usize, Duration),
    /// Job `i` is being sent (its attempt is journalled as pending).
    Sending(usize),
    Done(usize, &'a Step),
}

/// Runs `jobs` through `driver`, `pause` apart; one [`Step`] per job, in
/// order. `progress` hears each job's step as soon as it is known.
pub fn run(
    jobs: &[Job],
    driver: &mut dyn Driver,
    journal: &mut dyn Journal,
    clock: &mut dyn Clock,
    pause: Duration,
    progress: &mut dyn FnMut(usize, &Step),
) -> Vec<Step> {
    let mut each = |p: Progress<'_>| {
        if let Progress::Done(i, step) = p {
            progress(i, step);
        }
    };
    run_until(jobs, driver, journal, clock, pause, &mut each, &|| false)
}

/// [`run`], telling `progress` every move, and stopping before the next
/// send (never during one) once `stop` says so: what is left is
/// [`Step::NotSent`], and nothing of it was journalled.
pub fn run_until(
    jobs: &[Job],
    driver: &mut dyn Driver,
    journal: &mut dyn Journal,
    clock: &mut dyn Clock,
    pause: Duration,
    progress: &mut dyn FnMut(Progress<'_>),
    stop: &dyn Fn() -> bool,
) -> Vec<Step> {
    let mut steps = Vec::with_capacity(jobs.len());
    let mut done: HashSet<(&str, &str)> = HashSet::new();
    let mut stopped = false;
    let mut tried = 0usize;
    for (i, job) in jobs.iter().enumerate() {
        let step = if stopped || stop() {
            stopped = true;
            Step::NotSent
        } else if !done.insert((job.target.as_str(), job.body.as_str())) {
            Step::Duplicate
        } else {
            if tried > 0 && driver.sends() && !pause.is_zero() {
                progress(Progress::Pausing(i, pause));
                clock.sleep(pause);
            }
            if stop() {
                stopped = true;
                Step::NotSent
            } else {
                tried += 1;
                progress(Progress::Sending(i));
                let step = attempt(job, driver, journal, clock);
                stopped = matches!(step, Step::Failed { .. });
                step
            }
        };
        progress(Progress::Done(i, &step));
        steps.push(step);
    }
    steps
}

fn attempt(
    job: &Job,
    driver: &mut dyn Driver,
    journal: &mut dyn Journal,
    clock: &dyn Clock,
) -> Step {
    if !driver.sends() {
        return match driver.send(&job.target, &job.body) {
            Ok(Delivery::Shown(line)) => Step::Shown(line),
            Ok(Delivery::Sent) => Step::Shown(String::new()),
            Err(error) => Step::Failed {
                id: None,
                error: error.to_string(),
                cause: Some(error),
            },
        };
    }
    let id = match journal.begin(job, driver.name(), clock.now()) {
        Ok(id) => id,
        Err(error) => {
            return Step::Failed {
                id: None,
                error,
                cause: None,
            };
        }
    };
    let result = driver.send(&job.target, &job.body);
    let at = clock.now();
    match result {
        Ok(_) => match journal.sent(id, job, at) {
            Ok(()) => Step::Sent { id },
            Err(error) => Step::Failed {
                id: Some(id),
                error: format!("sent, but not recorded: {error}"),
                cause: None,
            },
        },
        Err(cause) => {
            let error = cause.to_string();
            let recorded = journal.failed(id, at, &error);
            Step::Failed {
                id: Some(id),
                error: match recorded {
                    Ok(()) => error,
                    Err(e) => format!("{error} (and not recorded: {e})"),
                },
                cause: Some(cause),
            }
        }
    }
}
