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

/// Shown while it lives; dropping it clears the line.
pub(super) struct Working {
    stop: Option<mpsc::Sender<()>>,
    spinner: Option<JoinHandle<()>>,
}

impl Working {
    /// Starts the spinner when stderr is a terminal and the findings of
    /// `store` under `policy` must be computed first.
    pub(super) fn if_stale(store: &Store, policy: &Policy) -> Working {
        let idle = Working {
            stop: None,
            spinner: None,
        };
        if findings::fresh(store, policy).unwrap_or(true) {
            return idle;
        }
        Working::saying("updating the findings after the last change…")
    }

    /// Starts the spinner with `message` when stderr is a terminal.
    pub(super) fn saying(message: &str) -> Working {
        if !std::io::stderr().is_terminal() {
            return Working {
                stop: None,
                spinner: None,
            };
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
        Working {
            stop: Some(stop),
            spinner: Some(spinner),
        }
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(spinner) = self.spinner.take() {
            // The line is cleared before the answer is printed.
            let _ = spinner.join();
        }
    }
}
