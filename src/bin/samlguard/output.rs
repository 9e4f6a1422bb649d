//! Writing to the terminal: never a panic on a closed pipe, never received
//! text raw.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use samlguard::Untrusted;
use serde::Serialize;

/// Longest value printed in text reports, in characters.
pub(crate) const MAX_SHOWN_CHARS: usize = 512;

/// Writes to stdout; a closed stdout is not worth a panic.
pub(crate) fn emit(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

pub(crate) fn emit_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Prints one JSON object and a newline on stdout.
pub(crate) fn emit_json(value: &impl Serialize) {
    match serde_json::to_string(value) {
        Ok(json) => emit(&format!("{json}\n")),
        // Unreachable for these types (string keys, finite numbers); still one object.
        Err(e) => emit(&format!(
            "{{\"valid\":false,\"error\":{{\"kind\":\"output_failed\",\"message\":{:?}}}}}\n",
            e.to_string()
        )),
    }
}

/// A received value for a terminal: invisible, bidi, control and format
/// characters escaped, at most [`MAX_SHOWN_CHARS`] characters.
pub(crate) fn show(value: &str) -> String {
    Untrusted::escape(value, MAX_SHOWN_CHARS)
}

/// Like [`show`], never cut (error messages).
pub(crate) fn show_all(value: &str) -> String {
    Untrusted::escape(value, usize::MAX)
}

/// The one time format of every report.
pub(crate) fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
