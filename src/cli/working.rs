//! A spinner on the terminal while a command does long work before it
//! answers: bringing the findings cache up to date (the first read after a
//! large import fills the whole cache: 47 s at 10,000,000 messages), or
//! `reclassify` relabelling every message. A command that printed nothing
//! for that long would look hung. Nothing is drawn when stderr is not a
//! terminal or when the cache is already up to date; the line is cleared
//! before the command prints its answer.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::findings;
use crate::store::Store;
use crate::track::Policy;

/// Shown while it lives; dropping it clears the line. `None`: nothing is
/// drawn (not a terminal, or nothing to wait for).
pub(super) struct Working(Option<(mpsc::Sender<()>, JoinHandle<()>)>);

impl Working {
    /// `work`, with the spinner up while it runs when stderr is a terminal
    /// and the findings of `store` under `policy` must be brought up to
    /// date first (what `work` then does).
    pub(super) fn updating<T>(store: &Store, policy: &Policy, work: impl FnOnce() -> T) -> T {
        let stale =
            std::io::stderr().is_terminal() && !findings::fresh(store, policy).unwrap_or(true);
        let working = if stale {
            Working::saying("updating the findings after the last change…")
        } else {
            Working(None)
        };
        let done = work();
        drop(working);
        done
    }

    /// `work`, with the spinner saying `message` while it runs when stderr
    /// is a terminal.
    pub(super) fn during<T>(message: &str, work: impl FnOnce() -> T) -> T {
        let working = Working::saying(message);
        let done = work();
        drop(working);
        done
    }

    /// Starts the spinner with `message` when stderr is a terminal.
    fn saying(message: &str) -> Working {
        if !std::io::stderr().is_terminal() {
            return Working(None);
        }
        let message = message.to_string();
        let (stop, stopped) = mpsc::channel::<()>();
        let spinner = std::thread::spawn(move || {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr_with_hz(10),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.set_message(message);
            bar.enable_steady_tick(Duration::from_millis(120));
            // Until the command drops its `Working` (the sender hangs up).
            let _ = stopped.recv();
            bar.finish_and_clear();
        });
        Working(Some((stop, spinner)))
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        if let Some((stop, spinner)) = self.0.take() {
            drop(stop);
            // The line is cleared before the answer is printed.
            let _ = spinner.join();
        }
    }
}
