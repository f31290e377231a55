//! The real terminal: raw mode and the alternate screen on the way in,
//! restored on every way out (quit, error, panic), and where events come from.

use std::collections::VecDeque;
use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once, OnceLock};
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
#[cfg(unix)]
use signal_hook::consts::{SIGHUP, SIGQUIT};
use signal_hook::consts::{SIGINT, SIGTERM};

/// The signals that end the interface cleanly.
#[cfg(unix)]
const SIGNALS: [i32; 4] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT];
#[cfg(not(unix))]
const SIGNALS: [i32; 2] = [SIGTERM, SIGINT];
use ratatui::backend::CrosstermBackend;

use super::{Session, TuiError};

/// Where terminal events come from: the terminal, or a script in tests.
pub trait EventSource {
    /// The next event; `None` ends the loop.
    fn next_event(&mut self) -> io::Result<Option<Event>>;

    /// Like [`EventSource::next_event`], but may answer [`Next::Idle`] when
    /// nothing happened for a while (the loop then looks for other
    /// processes' changes). By default it never does.
    fn next_or_idle(&mut self) -> io::Result<Next> {
        Ok(self.next_event()?.map_or(Next::End, Next::Event))
    }

    /// Like [`EventSource::next_or_idle`], idle after `wait` rather than
    /// [`IDLE`]: the loop has news of its own to show (a send run's
    /// progress). By default the same as `next_or_idle`.
    fn next_within(&mut self, wait: Duration) -> io::Result<Next> {
        let _ = wait;
        self.next_or_idle()
    }
}

/// What [`EventSource::next_or_idle`] found.
pub enum Next {
    Event(Event),
    /// No input for [`IDLE`].
    Idle,
    End,
}

/// How long without input counts as idle.
pub const IDLE: Duration = Duration::from_secs(1);

/// Reads from the real terminal, ending the loop when the process is asked
/// to stop (SIGTERM, SIGHUP, SIGINT from outside, SIGQUIT), so the terminal
/// is restored on the way out like on `q`.
pub struct TerminalEvents {
    stop: Arc<AtomicBool>,
}

/// The stop flag of the real terminal's events, once they exist: only
/// then does [`quit_pressed`] read the terminal.
static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();

impl TerminalEvents {
    pub fn new() -> io::Result<TerminalEvents> {
        let stop = Arc::clone(STOP.get_or_init(|| Arc::new(AtomicBool::new(false))));
        for signal in SIGNALS {
            signal_hook::flag::register(signal, Arc::clone(&stop))?;
        }
        watch_for_a_stuck_loop(SIGNALS)?;
        watch_for_a_closed_terminal(Arc::clone(&stop))?;
        Ok(TerminalEvents { stop })
    }
}

impl EventSource for TerminalEvents {
    fn next_event(&mut self) -> io::Result<Option<Event>> {
        loop {
            if let Next::Event(e) = self.next_or_idle()? {
                return Ok(Some(e));
            }
            if self.stop.load(Ordering::Relaxed) {
                return Ok(None);
            }
        }
    }

    fn next_or_idle(&mut self) -> io::Result<Next> {
        let started = std::time::Instant::now();
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(Next::End);
            }
            // Wake up now and then to notice a signal.
            if event::poll(Duration::from_millis(100))? {
                return event::read().map(Next::Event);
            }
            if started.elapsed() >= IDLE {
                return Ok(Next::Idle);
            }
        }
    }

    fn next_within(&mut self, wait: Duration) -> io::Result<Next> {
        if self.stop.load(Ordering::Relaxed) {
            return Ok(Next::End);
        }
        if event::poll(wait.min(IDLE))? {
            return event::read().map(Next::Event);
        }
        Ok(Next::Idle)
    }
}

/// How often [`join_unless_quit`] looks for `q`.
const JOB_POLL: Duration = Duration::from_millis(25);

/// For how long [`join_unless_quit`] looks every millisecond instead: many
/// jobs (a fill after another optout's small change) end within a frame,
/// and each look waits its whole length unless a key comes, so a 25 ms
/// look added up to 25 ms to the answer (measured while `i` still filled
/// on a thread, 1,000,000 messages: 43–56 ms wall with 25 ms looks,
/// 33–43 ms with these).
const JOB_QUICK: Duration = Duration::from_millis(100);

/// Waits for `job`, work on a thread of its own (a cache fill, an
/// export), while watching for `q` or Ctrl-C; a resized terminal is
/// `redraw`n at once (the "working…" frame keeps its shape). `None`: the
/// user quit first, and the job is left to end with the process.
pub fn join_unless_quit<T, E: std::fmt::Display>(
    job: std::thread::JoinHandle<T>,
    mut redraw: impl FnMut() -> Result<(), E>,
) -> io::Result<Option<std::thread::Result<T>>> {
    let started = std::time::Instant::now();
    while !job.is_finished() {
        let look = if started.elapsed() < JOB_QUICK {
            Duration::from_millis(1)
        } else {
            JOB_POLL
        };
        match key_within(look)? {
            Waited::Quit => return Ok(None),
            Waited::Resized => redraw().map_err(|e| io::Error::other(e.to_string()))?,
            Waited::Nothing => {}
        }
    }
    Ok(Some(job.join()))
}

/// Runs `step` on this thread while another watches for `q` or Ctrl-C
/// (`quit`, as [`quit_pressed`] answers) and calls `stop` on seeing one,
/// to cut the step short. Whether the user quit.
pub fn run_watching(
    step: &mut dyn FnMut(),
    stop: &(dyn Fn() + Sync),
    quit: impl Fn(Duration) -> io::Result<bool> + Sync,
) -> io::Result<bool> {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            while !done.load(Ordering::Acquire) {
                if quit(JOB_POLL)? {
                    stop();
                    return Ok(true);
                }
            }
            Ok(false)
        });
        step();
        done.store(true, Ordering::Release);
        watcher
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the key watcher panicked")))
    })
}

/// Waits up to `timeout` for a key while the loop cannot run (waiting for
/// another optout's write lock): whether the user asked to quit (`q`,
/// Ctrl-C) or a stop signal came. Other keys are dropped. Away from the
/// real terminal (tests) it only waits.
pub fn quit_pressed(timeout: Duration) -> io::Result<bool> {
    Ok(matches!(key_within(timeout)?, Waited::Quit))
}

/// What [`key_within`] saw.
pub enum Waited {
    /// `q`, Ctrl-C or a stop signal.
    Quit,
    /// The terminal changed size.
    Resized,
    /// Nothing, or another key (dropped).
    Nothing,
}

/// Waits up to `timeout` for a key or a resize while the loop cannot run:
/// [`quit_pressed`], with a resize told apart (to draw again).
pub fn key_within(timeout: Duration) -> io::Result<Waited> {
    use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};
    let Some(stop) = STOP.get() else {
        std::thread::sleep(timeout);
        return Ok(Waited::Nothing);
    };
    let stopped = || {
        if stop.load(Ordering::Relaxed) {
            Waited::Quit
        } else {
            Waited::Nothing
        }
    };
    if stop.load(Ordering::Relaxed) || !event::poll(timeout)? {
        return Ok(stopped());
    }
    Ok(match event::read()? {
        Event::Key(k)
            if k.kind != KeyEventKind::Release
                && (k.code == KeyCode::Char('q')
                    || (k.code == KeyCode::Char('c')
                        && k.modifiers.contains(KeyModifiers::CONTROL))) =>
        {
            Waited::Quit
        }
        Event::Resize(..) => Waited::Resized,
        _ => stopped(),
    })
}

/// How long the loop has, after a stop signal, to notice it and leave.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// The loop notices a stop signal within 100 ms, except when the terminal
/// itself is gone (a closed tmux or ssh session: SIGHUP and a tty at end
/// of file): crossterm's reader then spins inside its poll and never
/// returns. A thread waits for the same signals and, if the process is
/// still running [`STOP_GRACE`] later, restores what it can of the
/// terminal and exits with the signal's status; the database rolls back anything
/// left uncommitted, so nothing is half written.
fn watch_for_a_stuck_loop(signals: impl IntoIterator<Item = i32>) -> io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(signals)?;
    std::thread::Builder::new()
        .name("optout-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                std::thread::sleep(STOP_GRACE);
                restore_terminal();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// How often the terminal is checked for being gone.
const TTY_CHECK: Duration = Duration::from_millis(500);

/// The terminal can also close with no signal at all: the other end of a
/// pseudo-terminal closed while optout runs in a session of its own
/// (`setsid`, some remote shells), so SIGHUP goes elsewhere. The tty is
/// then hung up, it stops being a terminal to `isatty`, and crossterm's
/// reader spins at end of file. A thread checks every half second and,
/// once it is gone, asks the loop to stop and, if it has not within
/// [`STOP_GRACE`], ends the process (status 129, as for SIGHUP); the
/// database rolls back anything uncommitted.
fn watch_for_a_closed_terminal(stop: Arc<AtomicBool>) -> io::Result<()> {
    std::thread::Builder::new()
        .name("optout-tty".into())
        .spawn(move || {
            loop {
                std::thread::sleep(TTY_CHECK);
                if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
                    break;
                }
            }
            stop.store(true, Ordering::Relaxed);
            std::thread::sleep(STOP_GRACE);
            restore_terminal();
            std::process::exit(128 + 1);
        })?;
    Ok(())
}

/// A fixed list of events (tests, benchmarks).
impl EventSource for VecDeque<Event> {
    fn next_event(&mut self) -> io::Result<Option<Event>> {
        Ok(self.pop_front())
    }
}

/// Leaves raw mode, the alternate screen and mouse capture. Safe to call
/// twice (quit after a panic hook already ran).
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped: on quit, on error, on unwinding.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
    });
}

/// Runs the interface on the real terminal. Ctrl-C arrives as a key in raw
/// mode and quits like `q`.
pub fn run_in_terminal(session: &mut Session) -> Result<(), TuiError> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(TuiError(
            "the terminal interface needs a terminal; use `optout senders` or `optout demo --no-tui` in scripts".into(),
        ));
    }
    install_panic_hook();
    enable_raw_mode()?;
    let _guard = TerminalGuard;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;
    let mut events = TerminalEvents::new()?;
    session.run(&mut terminal, &mut events)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// The step ends when `stop` is called (or after 10 s: a failure).
    fn stoppable(stopped: &AtomicBool) -> impl FnMut() + '_ {
        move || {
            let until = std::time::Instant::now() + Duration::from_secs(10);
            while !stopped.load(Ordering::Acquire) && std::time::Instant::now() < until {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    #[test]
    fn a_quit_while_a_step_runs_stops_it() {
        let stopped = AtomicBool::new(false);
        let asked = AtomicUsize::new(0);
        let quit = |_: Duration| Ok(asked.fetch_add(1, Ordering::Relaxed) == 2);
        let stop = || stopped.store(true, Ordering::Release);
        let quit_seen = run_watching(&mut stoppable(&stopped), &stop, quit).unwrap();
        assert!(quit_seen);
        assert!(stopped.load(Ordering::Acquire), "stop was not called");
        assert_eq!(asked.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn a_step_that_ends_first_is_not_stopped() {
        let stopped = AtomicBool::new(false);
        let stop = || stopped.store(true, Ordering::Release);
        let quit = |d: Duration| {
            std::thread::sleep(d);
            Ok(false)
        };
        let mut ran = false;
        let quit_seen = run_watching(&mut || ran = true, &stop, quit).unwrap();
        assert!(ran);
        assert!(!quit_seen);
        assert!(!stopped.load(Ordering::Acquire));
    }

    #[test]
    fn a_terminal_error_while_watching_is_reported_after_the_step() {
        // The step lasts until the watcher has looked (and failed).
        let looked = AtomicBool::new(false);
        let stop = || {};
        let quit = |_: Duration| {
            looked.store(true, Ordering::Release);
            Err(io::Error::other("tty gone"))
        };
        let err = run_watching(&mut stoppable(&looked), &stop, quit).unwrap_err();
        assert!(looked.load(Ordering::Acquire));
        assert_eq!(err.to_string(), "tty gone");
    }
}
