//! A spinner on the terminal while a command brings the findings cache up
//! to date before it answers. The first read after a large import fills
//! the whole cache (47 s at 10,000,000 messages), and a command that
//! printed nothing for that long would look hung. Nothing is drawn when
//! stderr is not a terminal or when the cache is already up to date; the
//! line is cleared before the command prints its answer.

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
        if !std::io::stderr().is_terminal() || findings::fresh(store, policy).unwrap_or(true) {
            return idle;
        }
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
            bar.set_message("updating the findings after the last change…");
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
