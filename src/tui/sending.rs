//! The sends of `S` (and `s`) off the interface's thread: a thread of its
//! own chooses the phone link, runs the driver program for each opt-out
//! and waits the pause between them, journalling every attempt on its own
//! connection to the database, and reports each move over a channel. The
//! loop reads the channel between events, so the interface keeps redrawing
//! and answering keys; Esc sets the stop flag, which the run reads before
//! each send (and the real clock while it waits).

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread::JoinHandle;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;

use super::app::{Action, NotStarted, SEND_PAUSE_S, SendEvent};
use super::{Session, TuiError};
use crate::send::{self, Choice, Clock, Job, Progress, StoreJournal, SystemClock};
use crate::store::Store;

/// Makes the clock a run waits and stamps its attempts with (tests: one
/// that never sleeps).
pub type ClockMaker = Arc<dyn Fn() -> Box<dyn Clock + Send> + Send + Sync>;

/// A run in progress: its news, its stop flag, its thread.
pub(super) struct Worker {
    news: Receiver<SendEvent>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    fn ended(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The real clock, in the user's zone, whose pause ends early on a stop.
struct StoppableClock {
    inner: SystemClock,
    stop: Arc<AtomicBool>,
}

impl Clock for StoppableClock {
    fn now(&self) -> (i64, Option<i32>) {
        self.inner.now()
    }

    fn sleep(&mut self, pause: Duration) {
        let until = std::time::Instant::now() + pause;
        while !self.stop.load(Ordering::Relaxed) {
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
        }
    }
}

/// What a run needs from the session.
pub(super) struct Start {
    pub db: Option<PathBuf>,
    pub line_id: i64,
    pub jobs: Vec<Job>,
    pub zone: jiff::tz::TimeZone,
    pub clock: Option<ClockMaker>,
    pub programs: Option<OsString>,
}

/// Starts the thread.
pub(super) fn start(run: Start) -> Worker {
    let (tx, news) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("optout-send".into())
        .spawn(move || {
            let tell = |e: SendEvent| {
                let _ = tx.send(e);
            };
            work(run, &flag, &tell);
            tell(SendEvent::Finished);
        });
    match thread {
        Ok(t) => Worker {
            news,
            stop,
            thread: Some(t),
        },
        Err(e) => {
            // No thread: say so through the same channel.
            let (tx, news) = mpsc::channel();
            let _ = tx.send(SendEvent::NotStarted(NotStarted::Database(Some(format!(
                "could not start sending: {e}"
            )))));
            let _ = tx.send(SendEvent::Finished);
            Worker {
                news,
                stop,
                thread: None,
            }
        }
    }
}

fn work(run: Start, stop: &Arc<AtomicBool>, tell: &dyn Fn(SendEvent)) {
    let Some(db) = run.db else {
        return tell(SendEvent::NotStarted(NotStarted::Database(None)));
    };
    let store = match Store::open_existing(&db) {
        Ok(Some(s)) => s,
        Ok(None) => {
            return tell(SendEvent::NotStarted(NotStarted::Database(Some(format!(
                "{} is gone",
                db.display()
            )))));
        }
        Err(e) => {
            return tell(SendEvent::NotStarted(NotStarted::Database(Some(
                e.to_string(),
            ))));
        }
    };
    send::set_search_path(run.programs);
    // The interface never picks adb (it would ask on the terminal) or print.
    let chosen = send::choose(
        &Choice {
            via: None,
            device: None,
        },
        Box::new(|_| false),
    );
    let mut driver = match chosen {
        Ok(d) if d.sends() => d,
        Ok(_) => return tell(SendEvent::NotStarted(NotStarted::NoPhoneLink)),
        Err(e) => return tell(SendEvent::NotStarted(NotStarted::Driver(e))),
    };
    tell(SendEvent::Driver(driver.name()));
    let mut clock: Box<dyn Clock + Send> = match &run.clock {
        Some(make) => make(),
        None => Box::new(StoppableClock {
            inner: SystemClock { zone: run.zone },
            stop: Arc::clone(stop),
        }),
    };
    let mut journal = StoreJournal {
        store: &store,
        line_id: run.line_id,
    };
    let mut progress = |p: Progress<'_>| {
        tell(match p {
            Progress::Pausing(i, pause) => SendEvent::Pausing(i, pause),
            Progress::Sending(i) => SendEvent::Sending(i),
            Progress::Done(i, step) => SendEvent::Done(i, step.clone()),
        });
    };
    send::run_until(
        &run.jobs,
        driver.as_mut(),
        &mut journal,
        clock.as_mut(),
        Duration::from_secs(SEND_PAUSE_S),
        &mut progress,
        &|| stop.load(Ordering::Relaxed),
    );
}

impl Session {
    /// Starts the sends on their thread (one run at a time).
    pub(super) fn start_sending(&mut self, jobs: Vec<Job>, line_id: i64) -> Vec<Action> {
        if self.sending.is_some() {
            return Vec::new();
        }
        let db = self
            .store
            .as_ref()
            .and_then(|s| s.path())
            .map(std::path::Path::to_path_buf);
        self.sending = Some(start(Start {
            db,
            line_id,
            jobs,
            zone: self.options.zone.clone(),
            clock: self.send_clock.clone(),
            programs: self.send_programs.clone(),
        }));
        Vec::new()
    }

    /// Esc in the progress view: no send after the current one.
    pub(super) fn stop_sending(&mut self) {
        if let Some(w) = &self.sending {
            w.stop.store(true, Ordering::Relaxed);
        }
    }

    /// Is a run in progress?
    pub fn is_sending(&self) -> bool {
        self.sending.is_some()
    }

    /// The clock runs wait and stamp with (tests: one that never sleeps).
    pub fn set_send_clock(&mut self, clock: ClockMaker) {
        self.send_clock = Some(clock);
    }

    /// Where runs look the phone-link programs up instead of `$PATH`
    /// (tests: their stub programs, without changing the environment).
    pub fn set_send_programs(&mut self, path: OsString) {
        self.send_programs = Some(path);
    }

    /// Hands the run's news to the app and performs what follows, without
    /// waiting; `wait` waits for the run to end instead. Returns whether
    /// a run is still in progress.
    pub fn pump_sends<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        wait: bool,
    ) -> Result<bool, TuiError> {
        loop {
            let Some(worker) = self.sending.as_mut() else {
                return Ok(false);
            };
            let next = if wait {
                worker.news.recv().map_err(|_| TryRecvError::Disconnected)
            } else {
                worker.news.try_recv()
            };
            let event = match next {
                Ok(e) => e,
                Err(TryRecvError::Empty) => return Ok(true),
                Err(TryRecvError::Disconnected) => SendEvent::Finished,
            };
            let last = event == SendEvent::Finished;
            if last {
                worker.ended();
                self.sending = None;
            }
            let effects = self.app.update(Action::Send(event));
            self.perform_all(effects, terminal)?;
            if wait {
                self.draw(terminal)?;
            }
            if last {
                return Ok(false);
            }
        }
    }

    /// On the way out: the run stops after the send in progress, and its
    /// record is complete before the process ends.
    pub fn finish_sending(&mut self) {
        self.stop_sending();
        if let Some(mut w) = self.sending.take() {
            while w.news.recv().is_ok() {}
            w.ended();
        }
    }
}
