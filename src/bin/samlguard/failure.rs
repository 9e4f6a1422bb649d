//! A failure: a usage or configuration error (exit 2), an input that could
//! not be read as XML (exit 1), or a policy refusal (exit 1).

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use samlguard::xml::{self, Document, TextPosition, XmlError};
use samlguard::{Error, ErrorKind};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::Format;
use crate::output::{emit, emit_json, emit_stderr, show_message};
use crate::style::Style;

#[derive(Debug)]
pub(crate) struct Failure {
    /// Process exit code.
    pub(crate) code: u8,
    /// Stable snake_case kind: the library's, or one of the CLI's own
    /// (`usage_error`, `input_unreadable`, …).
    kind: &'static str,
    /// Where in the XML, for parse errors.
    position: Option<TextPosition>,
    message: String,
    /// What to change in Entra / AWS (the library's hint).
    hint: Option<&'static str>,
    /// What to change on this command line.
    cli_hint: Option<Cow<'static, str>>,
    /// A verdict of `verify`/`bench` (printed as `REJECTED:`), not a tool error.
    refusal: bool,
    /// Context for people (text only), e.g. the clock used.
    note: Option<Box<str>>,
    /// What the CLI found out about the refusal: lines for people (escaped,
    /// printed before the hints) and the same as JSON (`diagnosis`).
    diagnosis: Option<Box<Diagnosis>>,
}

#[derive(Debug, Default)]
struct Diagnosis {
    text: String,
    json: Map<String, Value>,
}

impl Failure {
    pub(crate) fn new(code: u8, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            kind,
            position: None,
            message: message.into(),
            hint: None,
            cli_hint: None,
            refusal: false,
            note: None,
            diagnosis: None,
        }
    }

    pub(crate) fn rejected(kind: &'static str, message: impl Into<String>) -> Self {
        Self::new(1, kind, message)
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(2, "usage_error", message)
    }

    /// A configuration error in the file at `path`.
    pub(crate) fn config(path: &Path, error: &Error) -> Self {
        Self::new(2, error.kind().as_str(), format!("{}: {error}", path.display()))
    }

    /// The library's refusal of the input (exit 1).
    pub(crate) fn refusal(error: &Error) -> Self {
        Self {
            hint: error.hint(),
            cli_hint: crate::hints::for_error(error).map(Cow::Borrowed),
            refusal: true,
            ..Self::new(1, error.kind().as_str(), error.to_string())
        }
    }

    /// Appends what caused the failure to its message.
    pub(crate) fn with_cause(mut self, cause: &str) -> Self {
        self.message.push_str(cause);
        self
    }

    /// Adds a note for people (text output only).
    pub(crate) fn with_note(mut self, note: String) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Replaces the command-line hint with a more precise one.
    pub(crate) fn with_cli_hint(mut self, hint: String) -> Self {
        self.cli_hint = Some(hint.into());
        self
    }

    /// Adds a diagnosis: `text` for people (already escaped, one or more
    /// lines), `key: json` to the JSON `diagnosis` object.
    pub(crate) fn with_diagnosis(mut self, text: &str, key: &str, json: Value) -> Self {
        let diagnosis = self.diagnosis.get_or_insert_with(Box::default);
        diagnosis.text.push_str(text);
        diagnosis.json.insert(key.to_owned(), json);
        self
    }

    /// Prints the failure: JSON on stdout; in text, a refusal on stdout (it is
    /// the answer), a tool error on stderr.
    pub(crate) fn report(&self, format: Format) {
        match format {
            Format::Json => {
                let message = format!("{}{}", self.message, self.at());
                emit_json(&RejectedJson {
                    valid: false,
                    error: ErrorJson { kind: self.kind, message: &message, hint: self.hint },
                    diagnosis: self.diagnosis.as_ref().map(|d| &d.json),
                });
            }
            Format::Text if self.refusal => {
                let style = Style::stdout();
                let mut text =
                    format!("{} {}\n{}\n", style.bad("REJECTED:"), self.kind, show_message(&self.message));
                if let Some(note) = &self.note {
                    text.push_str(&format!("{note}\n"));
                }
                if let Some(diagnosis) = &self.diagnosis {
                    text.push_str(&diagnosis.text);
                }
                self.push_hints(&mut text, style);
                emit(&text);
            }
            Format::Text => {
                let style = Style::stderr();
                let mut text = format!(
                    "{} {}{}: {}\n",
                    style.bad("error:"),
                    self.kind,
                    self.at(),
                    show_message(&self.message)
                );
                self.push_hints(&mut text, style);
                emit_stderr(&text);
            }
        }
    }

    /// `" at line:col"` for XML errors, else empty.
    fn at(&self) -> String {
        self.position.map(|p| format!(" at {p}")).unwrap_or_default()
    }

    fn push_hints(&self, text: &mut String, style: Style) {
        if let Some(hint) = self.hint {
            text.push_str(&format!("{} {hint}\n", style.action("fix:")));
        }
        if let Some(hint) = &self.cli_hint {
            text.push_str(&format!("{} {hint}\n", style.action("try:")));
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}{}: {}", self.kind, self.at(), show_message(&self.message))
    }
}

impl From<Error> for Failure {
    /// Errors outside a verdict (decoding for `inspect` and `c14n`): exit 1.
    fn from(e: Error) -> Self {
        Self::rejected(e.kind().as_str(), e.to_string())
    }
}

impl From<samlguard::input::InputError> for Failure {
    fn from(e: samlguard::input::InputError) -> Self {
        Error::from(e).into()
    }
}

impl From<samlguard::c14n::C14nError> for Failure {
    fn from(e: samlguard::c14n::C14nError) -> Self {
        Self::rejected(e.kind().as_str(), e.to_string())
    }
}

/// Parses decoded input; errors say when their position is in base64-decoded XML.
#[allow(clippy::ptr_arg)] // the Cow variant is what says whether the XML was decoded
pub(crate) fn parse_decoded<'a>(bytes: &'a Cow<'_, [u8]>) -> Result<Document<'a>, Failure> {
    xml::parse(bytes).map_err(|e| xml_failure(&e, matches!(bytes, Cow::Owned(_))))
}

fn xml_failure(e: &XmlError, decoded: bool) -> Failure {
    let mut message = e.message().to_owned();
    if decoded {
        message.push_str(" (position in the base64-decoded XML)");
    }
    Failure { position: Some(e.position()), ..Failure::rejected(e.kind().as_str(), message) }
}

/// Whether a refusal is about time (the report then says which clock was used).
pub(crate) fn is_about_time(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Expired
            | ErrorKind::NotYetValid
            | ErrorKind::IssuedInFuture
            | ErrorKind::ResponseTooOld
            | ErrorKind::SessionExpired
    )
}

#[derive(Serialize)]
struct RejectedJson<'a> {
    valid: bool,
    error: ErrorJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnosis: Option<&'a Map<String, Value>>,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    kind: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
}
