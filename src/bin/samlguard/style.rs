//! Colour for people at a terminal, and only there: a stream gets colour when
//! it is a terminal, `NO_COLOR` is not set (to any value, empty included) and
//! `TERM` is not `dumb`. Pipes, files and scripts always get plain text.

use std::io::IsTerminal;

/// How to paint text for one stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    on: bool,
}

impl Style {
    /// For stdout.
    pub(crate) fn stdout() -> Self {
        Self { on: wanted(std::io::stdout().is_terminal()) }
    }

    /// For stderr.
    pub(crate) fn stderr() -> Self {
        Self { on: wanted(std::io::stderr().is_terminal()) }
    }

    fn paint(self, sgr: &str, text: &str) -> String {
        if self.on { format!("\x1b[{sgr}m{text}\x1b[0m") } else { text.to_owned() }
    }

    /// A verdict that lets someone in.
    pub(crate) fn good(self, text: &str) -> String {
        self.paint("1;32", text)
    }

    /// A refusal, an error, UNTRUSTED.
    pub(crate) fn bad(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// A warning or UNVERIFIED.
    pub(crate) fn warn(self, text: &str) -> String {
        self.paint("1;33", text)
    }

    /// What to do next (`fix:`, `try:`, a command to run).
    pub(crate) fn action(self, text: &str) -> String {
        self.paint("36", text)
    }

    /// A heading.
    pub(crate) fn heading(self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Whether a stream that is (or is not) a terminal gets colour.
fn wanted(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}
