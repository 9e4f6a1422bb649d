//! Text that came from a response or a metadata document, and how it may be
//! shown. A leaf module: every stage may use it, it uses nothing of ours.
//!
//! Untrusted text inside an error message must not forge a log line (a
//! newline), reorder what a reader sees (bidi overrides) or hide characters
//! (zero-width, tag characters). [`Untrusted`] keeps the text as received and
//! escapes all of those whenever it is displayed.

use std::fmt;

/// Longest untrusted text shown in a message, in characters.
const MAX_SHOWN: usize = 256;

/// True for characters that are invisible, reorder text, or control a
/// terminal: C0/C1 controls, Unicode format characters (bidi embeddings,
/// overrides and isolates, zero-width characters, the soft hyphen, tag
/// characters...), line and paragraph separators, non-ASCII spaces, variation
/// selectors and the fillers that render as nothing. A reported identity
/// holding one of these can look like another identity.
pub(crate) fn is_deceptive(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{A0}' | '\u{AD}'
        | '\u{34F}' | '\u{61C}' | '\u{115F}' | '\u{1160}' | '\u{1680}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{2000}'..='\u{200F}' | '\u{2028}'..='\u{202F}' | '\u{205F}'..='\u{206F}'
        | '\u{3000}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{600}'..='\u{605}' | '\u{6DD}' | '\u{70F}' | '\u{890}' | '\u{891}' | '\u{8E2}'
        | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Writes `text` with every [`is_deceptive`] character (and `"` and `\`)
/// escaped, Rust-style (`\n`, `\u{202e}`), at most `max` characters.
pub(crate) fn write_escaped(f: &mut dyn fmt::Write, text: &str, max: usize) -> fmt::Result {
    for (shown, c) in text.chars().enumerate() {
        if shown == max {
            return write!(f, "…({} characters)", text.chars().count());
        }
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if is_deceptive(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    Ok(())
}

/// Text received from the other side, shown quoted and escaped.
///
/// ```
/// use samlguard::Untrusted;
///
/// let issuer = Untrusted::new("https://idp/\nERROR forged log line \u{202e}");
/// assert_eq!(issuer.to_string(), r#""https://idp/\nERROR forged log line \u{202e}""#);
/// assert_eq!(issuer.as_str_less_safe(), "https://idp/\nERROR forged log line \u{202e}");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Untrusted(Box<str>);

impl Untrusted {
    /// Wraps received text.
    pub fn new(text: impl Into<Box<str>>) -> Self {
        Self(text.into())
    }

    /// `text` with every invisible, bidi, control and format character (and
    /// `"` and `\`) escaped, at most `max_chars` characters, unquoted: for
    /// tools that print received values.
    pub fn escape(text: &str, max_chars: usize) -> String {
        let mut out = String::with_capacity(text.len().min(max_chars));
        // Writing into a String cannot fail.
        let _ = write_escaped(&mut out, text, max_chars);
        out
    }

    /// The text exactly as received, unescaped: never print it raw.
    pub fn as_str_less_safe(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Untrusted {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Untrusted {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        write_escaped(f, &self.0, MAX_SHOWN)?;
        f.write_str("\"")
    }
}

impl fmt::Debug for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Untrusted {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_forge_or_hide_text() {
        for (raw, shown) in [
            ("a\nb", r#""a\nb""#),
            ("a\u{202e}b", r#""a\u{202e}b""#),
            ("a\u{200b}b", r#""a\u{200b}b""#),
            ("a\u{2060}b", r#""a\u{2060}b""#),
            ("a\u{a0}b", r#""a\u{a0}b""#),
            ("a\u{ad}b", r#""a\u{ad}b""#),
            ("a\u{2028}b", r#""a\u{2028}b""#),
            ("a\u{e0041}b", r#""a\u{e0041}b""#),
            ("a\u{1b}[31mb", r#""a\u{1b}[31mb""#),
            ("q\"\\", r#""q\"\\""#),
            ("Grüße 日本", "\"Grüße 日本\""),
        ] {
            assert_eq!(Untrusted::new(raw).to_string(), shown);
        }
    }

    #[test]
    fn long_text_is_cut_with_its_length() {
        let shown = Untrusted::new("x".repeat(1000)).to_string();
        assert!(shown.ends_with("…(1000 characters)\""), "{shown}");
        assert_eq!(shown.chars().filter(|&c| c == 'x').count(), MAX_SHOWN);
    }
}
