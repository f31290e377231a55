//! One run: the jobs one at a time, a pause between them, each attempt
//! written down before and after the driver, the first failure stops it.

use std::collections::HashSet;
use std::time::Duration;

use super::driver::{Delivery, Driver};

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
        error: String,
    },
    /// Never tried: an earlier one failed.
    NotSent,
    /// The same text to the same number as an earlier job of this run.
    Duplicate,
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
    let mut steps = Vec::with_capacity(jobs.len());
    let mut done: HashSet<(&str, &str)> = HashSet::new();
    let mut stopped = false;
    let mut tried = 0usize;
    for (i, job) in jobs.iter().enumerate() {
        let step = if stopped {
            Step::NotSent
        } else if !done.insert((job.target.as_str(), job.body.as_str())) {
            Step::Duplicate
        } else {
            if tried > 0 && driver.sends() && !pause.is_zero() {
                clock.sleep(pause);
            }
            tried += 1;
            let step = attempt(job, driver, journal, clock);
            stopped = matches!(step, Step::Failed { .. });
            step
        };
        progress(i, &step);
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
            Err(error) => Step::Failed { id: None, error },
        };
    }
    let id = match journal.begin(job, driver.name(), clock.now()) {
        Ok(id) => id,
        Err(error) => return Step::Failed { id: None, error },
    };
    let result = driver.send(&job.target, &job.body);
    let at = clock.now();
    match result {
        Ok(_) => match journal.sent(id, job, at) {
            Ok(()) => Step::Sent { id },
            Err(error) => Step::Failed {
                id: Some(id),
                error: format!("sent, but not recorded: {error}"),
            },
        },
        Err(error) => {
            let recorded = journal.failed(id, at, &error);
            Step::Failed {
                id: Some(id),
                error: match recorded {
                    Ok(()) => error,
                    Err(e) => format!("{error} (and not recorded: {e})"),
                },
            }
        }
    }
}
