//! The progress bar: on stderr, only when stderr is a terminal, never in CI, and only once the
//! run has taken a second (a quick run never flashes one).
//!
//! Output written while the bar may be on screen goes through [`Suspending`], which takes the
//! bar off the screen for the write and draws it again after, so lines never mix with it.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// Whether the environment says this is CI (`CI` set to anything but empty, `0` or `false`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false"))
}

/// The bar, if one may be shown.
#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    done: Arc<AtomicBool>,
}

impl Progress {
    /// A bar that stays hidden.
    pub fn hidden() -> Progress {
        Progress { bar: None, done: Arc::new(AtomicBool::new(false)) }
    }

    /// A bar if `wanted` and stderr is a terminal outside CI; it shows itself after a second.
    pub fn start(wanted: bool) -> Progress {
        if !wanted
            || !io::stderr().is_terminal()
            || in_ci()
            || std::env::var_os("TERM").is_some_and(|t| t == "dumb")
        {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_message("listing files…");
        let done = Arc::new(AtomicBool::new(false));
        let progress = Progress { bar: Some(bar.clone()), done: done.clone() };
        thread::spawn(move || {
            let step = Duration::from_millis(50);
            let mut waited = Duration::ZERO;
            while waited < DELAY {
                if done.load(Ordering::Relaxed) {
                    return;
                }
                thread::sleep(step);
                waited += step;
            }
            if !done.load(Ordering::Relaxed) {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.enable_steady_tick(Duration::from_millis(120));
            }
        });
        progress
    }

    /// The walk is over: `files` inputs will be checked.
    pub fn set_total(&self, files: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(files);
            let template = "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} files, {msg}";
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message("0 B");
        }
    }

    /// One more input reported; `bytes` checked so far in all.
    pub fn file_done(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(human(bytes));
        }
    }

    /// Progress inside a big file: `bytes` checked so far in all.
    pub fn bytes(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(human(bytes));
        }
    }

    /// The run is over: the bar goes away for good.
    pub fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// A writer that takes the bar off the screen while it writes.
    pub fn writer<W: Write>(&self, inner: W) -> Suspending<W> {
        Suspending { inner, bar: self.bar.clone() }
    }
}

fn human(bytes: u64) -> String {
    let mut value = bytes as f64;
    for unit in ["B", "KiB", "MiB", "GiB"] {
        if value < 1024.0 {
            return format!("{value:.1} {unit}");
        }
        value /= 1024.0;
    }
    format!("{value:.1} TiB")
}

/// Writes through to `inner`, with the progress bar hidden during each write.
pub struct Suspending<W: Write> {
    inner: W,
    bar: Option<ProgressBar>,
}

impl<W: Write> Write for Suspending<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &self.bar {
            Some(bar) if !bar.is_hidden() => bar.suspend(|| self.inner.write(buf)),
            _ => self.inner.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &self.bar {
            Some(bar) if !bar.is_hidden() => bar.suspend(|| self.inner.write_all(buf)),
            _ => self.inner.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
