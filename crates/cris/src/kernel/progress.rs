//! Progress of long commands (seed, import, ingest, retention purge): a bar with the rate and
//! the time left when a person watches a terminal, nothing at all when the output goes to a log
//! or a pipe (a bar redrawn there would fill it with control codes).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A long command's progress; cheap to clone (the clones share one bar). Hidden unless both
/// standard output and standard error are terminals.
#[derive(Debug, Clone)]
pub struct Progress(ProgressBar);

impl Progress {
    /// A bar of `total` items (0: not known, then a counter with the rate), labelled `what`
    /// ("cases", "events", "lines"), drawn on standard error when it is watched.
    pub fn start(what: &str, total: u64) -> Progress {
        let watched = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        if !watched {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
        bar.set_prefix(what.to_owned());
        let progress = Progress(bar);
        if total > 0 {
            progress.set_total(total);
        } else {
            progress.style("{prefix} {human_pos} {per_sec} {elapsed} elapsed {msg}");
        }
        progress
    }

    fn style(&self, template: &str) {
        // The templates are constants; a mistake in one keeps the default style, not an error.
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.0.set_style(style.progress_chars("=> "));
        }
    }

    /// Progress that is never drawn (tests, the server, logs).
    pub fn hidden() -> Progress {
        Progress(ProgressBar::hidden())
    }

    /// Whether it is drawn.
    pub fn is_shown(&self) -> bool {
        !self.0.is_hidden()
    }

    /// `n` more items done.
    pub fn inc(&self, n: u64) {
        self.0.inc(n);
    }

    /// `n` items done in all.
    pub fn set_done(&self, n: u64) {
        self.0.set_position(n);
    }

    /// The total, when it becomes known or changes.
    pub fn set_total(&self, total: u64) {
        self.0.set_length(total);
        if self.is_shown() {
            self.style("{prefix} [{bar:32}] {human_pos}/{human_len} {per_sec} {elapsed} elapsed, {eta} left {msg}");
        }
    }

    /// A short note after the figures (the step under way).
    pub fn note(&self, text: impl Into<std::borrow::Cow<'static, str>>) {
        self.0.set_message(text);
    }

    /// Removes the bar: the command's own summary line follows.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_when_not_on_a_terminal() {
        // Tests run with their output captured: never a terminal.
        let p = Progress::start("cases", 10);
        assert!(!p.is_shown());
        p.inc(5);
        p.finish();
        assert!(!Progress::hidden().is_shown());
    }
}
