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

/// Prints one JSON object and a newline on stdout, in ASCII: every other
/// character is a `\uXXXX` escape, so that no received text (a bidi override,
/// a zero-width character) reaches a terminal raw, and every value still
/// parses back exactly.
pub(crate) fn emit_json(value: &impl Serialize) {
    match to_ascii_json(value) {
        Ok(json) => emit(&format!("{json}\n")),
        // Unreachable for these types (string keys, finite numbers); still one object.
        Err(e) => emit(&format!(
            "{{\"valid\":false,\"error\":{{\"kind\":\"output_failed\",\"message\":{:?}}}}}\n",
            e.to_string()
        )),
    }
}

fn to_ascii_json(value: &impl Serialize) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, AsciiFormatter))?;
    // The formatter writes ASCII only.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// serde_json's compact output with non-ASCII characters escaped.
struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(|c: char| !c.is_ascii()) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

/// A received value for a terminal: invisible, bidi, control and format
/// characters escaped, at most [`MAX_SHOWN_CHARS`] characters.
pub(crate) fn show(value: &str) -> String {
    Untrusted::escape(value, MAX_SHOWN_CHARS)
}

/// Received text of several lines (a document) for a terminal: each line
/// as [`show_message`] shows it.
pub(crate) fn show_lines(text: &str) -> String {
    text.split('\n').map(show_message).collect::<Vec<_>>().join("\n")
}

/// An error message for a terminal: received text escaped, but `"` and `\` stay
/// as they are (the library's messages already quote and escape the
/// received text they carry; escaping that again would only double it).
pub(crate) fn show_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut buffer = [0u8; 4];
    for c in message.chars() {
        match c {
            '"' | '\\' => out.push(c),
            c => out.push_str(&Untrusted::escape(c.encode_utf8(&mut buffer), 1)),
        }
    }
    out
}

/// The one time format of every report.
pub(crate) fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `text` as one shell word: as is when it holds only characters no shell
/// reads specially, else in single quotes.
pub(crate) fn shell_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=@,+%#".contains(c);
    if !text.is_empty() && text.chars().all(plain) && !text.starts_with('#') {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Bytes as hexadecimal: upper case for people (as Entra and openssl show
/// thumbprints), lower case in JSON (as `key_sha256`).
pub(crate) fn hex(bytes: &[u8], upper: bool) -> String {
    bytes.iter().map(|b| if upper { format!("{b:02X}") } else { format!("{b:02x}") }).collect()
}
