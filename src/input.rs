//! Turns what operators paste and browsers POST into the XML bytes of a SAML
//! Response, in bounded memory.
//!
//! [`decode`] accepts three forms and tells them apart by their first
//! significant byte (after an optional UTF-8 BOM and ASCII whitespace):
//!
//! * **Raw XML** — the first significant byte is `<`. The input is returned
//!   unchanged and borrowed (BOM and leading whitespace included), so the
//!   parser sees exactly the given bytes and its line:column positions match
//!   the file.
//! * **Base64** of the XML — the standard alphabet (`A–Z a–z 0–9 + /`) with the
//!   `=` padding **required**: a missing pad almost always means the text was
//!   truncated while copying, and saying so beats a confusing parse error.
//!   ASCII whitespace (spaces, tabs, LF, CRLF) is allowed anywhere and ignored,
//!   so wrapped text (64 or 76 columns) and surrounding blank lines are fine.
//!   Non-canonical trailing bits are refused, as is URL-safe base64.
//! * **An `application/x-www-form-urlencoded` body** (the SAML HTTP-POST
//!   binding) with exactly one `SAMLResponse` field holding base64. Fields may
//!   come in any order; others (`RelayState`…) are ignored but must be well
//!   encoded. `+` is a space and `%XX` a byte; keys are compared after
//!   decoding, case-sensitively. A malformed `%` escape anywhere is an error.
//!
//! Whatever was base64-decoded must itself start (after a BOM / whitespace)
//! with `<`; anything else — notably DEFLATE-compressed HTTP-Redirect data — is
//! [`InputError::NotXml`].
//!
//! [`InputLimits::max_encoded_bytes`] is checked against the input length
//! before anything else is done; [`InputLimits::max_decoded_bytes`] against the
//! XML length, computed from the base64 length *before* the output buffer is
//! allocated. Peak memory is therefore about the input length plus the decoded
//! length. No input makes this module panic.
//!
//! ```
//! use samlguard::input::{self, InputLimits};
//!
//! let limits = InputLimits::default();
//! // Raw XML is borrowed as is.
//! let xml = input::decode(b"<samlp:Response/>", &limits)?;
//! assert_eq!(&*xml, b"<samlp:Response/>");
//! // Wrapped base64, as copied from a browser's SAML tracer.
//! let xml = input::decode(b"  PHNhbWxwOlJlc3Bv\r\n  bnNlLz4=\n", &limits)?;
//! assert_eq!(&*xml, b"<samlp:Response/>");
//! // A form body as POSTed to the assertion consumer service.
//! let xml = input::decode(b"RelayState=x%2Fy&SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D", &limits)?;
//! assert_eq!(&*xml, b"<samlp:Response/>");
//!
//! let err = input::decode(b"RelayState=x", &limits).unwrap_err();
//! assert_eq!(err.kind(), "missing_saml_response");
//! # Ok::<(), samlguard::input::InputError>(())
//! ```

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const MIB: usize = 1024 * 1024;

/// AWS Client VPN: "The maximum supported size for SAML responses is 128 KB."
/// AWS does not say whether this counts the XML or its base64; it is applied
/// to the decoded XML, as 128 KiB.
pub const CLIENT_VPN_MAX_RESPONSE_BYTES: usize = 128 * 1024;

/// AWS console (IAM SAML federation) quota: "SAML authentication response
/// base64 encoded: 100,000 characters".
pub const AWS_CONSOLE_MAX_BASE64_CHARS: usize = 100_000;

/// Size bounds for [`decode`]. Every excess is a typed [`InputError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InputLimits {
    /// Maximum length of the input as given (raw XML, base64 text with its
    /// whitespace, or the whole form body), checked before any work.
    pub max_encoded_bytes: usize,
    /// Maximum length of the XML: the input itself for raw XML, otherwise the
    /// base64-decoded bytes.
    pub max_decoded_bytes: usize,
}

impl Default for InputLimits {
    /// 1 MiB each: far above any real SAML Response, small enough that the
    /// worst case stays cheap.
    fn default() -> Self {
        Self::new(MIB, MIB)
    }
}

impl InputLimits {
    /// Explicit limits.
    pub const fn new(max_encoded_bytes: usize, max_decoded_bytes: usize) -> Self {
        Self { max_encoded_bytes, max_decoded_bytes }
    }

    /// AWS Client VPN: the XML may be at most [`CLIENT_VPN_MAX_RESPONSE_BYTES`]
    /// (131,072) bytes. The input may be up to 1 MiB, room for the base64 of
    /// such a response wrapped in lines and percent-encoded in a form body.
    pub const fn client_vpn() -> Self {
        Self::new(MIB, CLIENT_VPN_MAX_RESPONSE_BYTES)
    }

    /// AWS console: the base64 text may be at most
    /// [`AWS_CONSOLE_MAX_BASE64_CHARS`] (100,000) characters. Padded base64 of
    /// `n` bytes is `4 * ceil(n / 3)` characters, so that quota holds exactly
    /// when the XML is at most 75,000 bytes; the limit is enforced in that form
    /// so that it means the same for raw XML, line-wrapped base64 and
    /// percent-encoded form bodies. The input may be up to 1 MiB.
    pub const fn aws_console() -> Self {
        Self::new(MIB, AWS_CONSOLE_MAX_BASE64_CHARS / 4 * 3)
    }
}

/// Why an input could not be turned into XML bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Nothing but whitespace (and perhaps a BOM).
    #[error(
        "the input is empty: expected a SAML Response as XML, as base64, or as a form body with a \
         SAMLResponse field"
    )]
    Empty,
    /// The input is longer than [`InputLimits::max_encoded_bytes`].
    #[error("the input is {len} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// Input length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The XML is longer than [`InputLimits::max_decoded_bytes`].
    #[error("the SAML Response XML is {len} bytes, more than the limit of {limit} bytes")]
    DecodedTooLarge {
        /// XML length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The base64 text (given directly or as the SAMLResponse field) is not
    /// padded standard base64.
    #[error("invalid base64: {reason}")]
    InvalidBase64 {
        /// What is wrong, for a human.
        reason: String,
    },
    /// The input looks like a form body but is not validly
    /// `application/x-www-form-urlencoded`.
    #[error("invalid form body (application/x-www-form-urlencoded) at byte {offset}: {reason}")]
    InvalidFormEncoding {
        /// Byte offset in the input.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A form body without a `SAMLResponse` field.
    #[error(
        "the form body has no SAMLResponse field: expected `SAMLResponse=<base64>` as POSTed by the \
         identity provider (field names are case-sensitive)"
    )]
    MissingSamlResponse,
    /// A form field whose name is `SAMLResponse` with decoration (`SAMLResponse[]`,
    /// a NUL, surrounding spaces, another letter case).
    #[error(
        "a form field at byte {offset} is named like SAMLResponse but not exactly (brackets, spaces, NUL or letter \
         case): refused, since another form parser could read it as the response"
    )]
    DecoratedSamlResponse {
        /// Byte offset of the field.
        offset: usize,
    },
    /// A form body with more than one `SAMLResponse` field.
    #[error(
        "the form body has more than one SAMLResponse field (at bytes {first} and {second}): exactly \
         one is allowed"
    )]
    DuplicateSamlResponse {
        /// Byte offset of the first field.
        first: usize,
        /// Byte offset of the second field.
        second: usize,
    },
    /// Neither XML nor something that decodes to XML.
    #[error("not a SAML Response: {reason}")]
    NotXml {
        /// What was found instead.
        reason: &'static str,
    },
}

impl InputError {
    /// The stable kind.
    pub fn kind(&self) -> crate::ErrorKind {
        use crate::ErrorKind as K;
        match self {
            Self::Empty => K::InputEmpty,
            Self::TooLarge { .. } => K::InputTooLarge,
            Self::DecodedTooLarge { .. } => K::DecodedTooLarge,
            Self::InvalidBase64 { .. } => K::InvalidBase64,
            Self::InvalidFormEncoding { .. } => K::InvalidFormEncoding,
            Self::MissingSamlResponse => K::MissingSamlResponse,
            Self::DuplicateSamlResponse { .. } => K::DuplicateSamlResponse,
            Self::DecoratedSamlResponse { .. } => K::DecoratedSamlResponse,
            Self::NotXml { .. } => K::NotXml,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";
const FIELD: &[u8] = b"SAMLResponse";

/// Decodes `input` (raw XML, base64 or a form body; see the [module
/// docs](self)) into the XML bytes, borrowing them when the input is raw XML.
pub fn decode<'a>(input: &'a [u8], limits: &InputLimits) -> Result<Cow<'a, [u8]>, InputError> {
    if input.len() > limits.max_encoded_bytes {
        return Err(InputError::TooLarge { len: input.len(), limit: limits.max_encoded_bytes });
    }
    if input.starts_with(b"\xFE\xFF") || input.starts_with(b"\xFF\xFE") {
        return Err(InputError::NotXml {
            reason: "the input starts with a UTF-16 byte order mark; only UTF-8 is supported",
        });
    }
    let body = input.strip_prefix(BOM).unwrap_or(input);
    let start = input.len() - body.len() + leading_whitespace(body);
    let text = input[start..].trim_ascii_end();
    let Some(&first) = text.first() else {
        return Err(InputError::Empty);
    };
    if first == b'<' {
        if input.len() > limits.max_decoded_bytes {
            return Err(InputError::DecodedTooLarge { len: input.len(), limit: limits.max_decoded_bytes });
        }
        return Ok(Cow::Borrowed(input));
    }
    let decoded = if is_form(text) {
        let (value, value_offset) = find_saml_response(text, start)?;
        let mut buffer = Vec::with_capacity(value.len());
        percent_decode_into(value, value_offset, &mut buffer)?;
        buffer.retain(|b| !b.is_ascii_whitespace());
        if buffer.is_empty() {
            return Err(InputError::InvalidBase64 { reason: "the SAMLResponse field is empty".into() });
        }
        base64_decode(&buffer, limits).map_err(|e| plus_hint(e, value))?
    } else if is_base64_symbol(first) {
        let mut buffer = Vec::with_capacity(text.len());
        buffer.extend(text.iter().copied().filter(|b| !b.is_ascii_whitespace()));
        base64_decode(&buffer, limits)?
    } else {
        return Err(InputError::NotXml {
            reason: "expected XML starting with '<', base64 text, or a form body with a SAMLResponse field",
        });
    };
    let inner = decoded.strip_prefix(BOM).unwrap_or(&decoded);
    if inner.get(leading_whitespace(inner)) != Some(&b'<') {
        return Err(InputError::NotXml {
            reason: "the base64 text does not decode to XML (no '<' at the start); DEFLATE-compressed \
                     data (the HTTP-Redirect binding) is not accepted for Responses",
        });
    }
    Ok(Cow::Owned(decoded))
}

/// In a form body a raw `+` is a space; a base64 `+` must be sent as `%2B`.
fn plus_hint(error: InputError, raw_value: &[u8]) -> InputError {
    match error {
        InputError::InvalidBase64 { mut reason } if raw_value.contains(&b'+') => {
            reason.push_str(" (in a form body '+' means a space: a base64 '+' must be written %2B)");
            InputError::InvalidBase64 { reason }
        }
        other => other,
    }
}

fn leading_whitespace(bytes: &[u8]) -> usize {
    bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len())
}

fn is_base64_symbol(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// A form body rather than base64: it has a `&` separator or a `%` escape,
/// starts with the field name, or begins with a short field name (at most 64
/// bytes) and `=` followed by a value. A `=` that is not trailing padding deep
/// inside base64 text (two texts pasted together) stays a base64 error.
fn is_form(text: &[u8]) -> bool {
    let short_key_then_value = text
        .iter()
        .take(65)
        .position(|&b| b == b'=')
        .is_some_and(|eq| text.get(eq + 1).is_some_and(|&n| n != b'=' && !n.is_ascii_whitespace()));
    short_key_then_value || text.starts_with(b"SAMLResponse=") || text.iter().any(|&b| b == b'&' || b == b'%')
}

/// The raw (still percent-encoded) value of the only `SAMLResponse` field and
/// its offset in the input. Validates the encoding of every field.
fn find_saml_response(text: &[u8], base: usize) -> Result<(&[u8], usize), InputError> {
    let mut found: Option<(&[u8], usize, usize)> = None;
    let mut field_start = 0;
    for field in text.split(|&b| b == b'&') {
        let offset = base + field_start;
        field_start += field.len() + 1;
        let (key, value, value_offset) = match field.iter().position(|&b| b == b'=') {
            Some(eq) => (&field[..eq], &field[eq + 1..], offset + eq + 1),
            None => (field, &field[field.len()..], offset + field.len()),
        };
        if key.trim_ascii().is_empty() && value.is_empty() {
            continue; // `&&` or a trailing `&`
        }
        if key.trim_ascii().is_empty() {
            return Err(InputError::InvalidFormEncoding { offset, reason: "a field has no name" });
        }
        let is_saml_response = match field_name(key, offset)? {
            FieldName::SamlResponse => true,
            FieldName::Decorated => return Err(InputError::DecoratedSamlResponse { offset }),
            FieldName::Other => false,
        };
        check_percent_encoding(value, value_offset)?;
        if is_saml_response {
            if let Some((_, _, first)) = found {
                return Err(InputError::DuplicateSamlResponse { first, second: offset });
            }
            found = Some((value, value_offset, offset));
        }
    }
    found.map(|(value, value_offset, _)| (value, value_offset)).ok_or(InputError::MissingSamlResponse)
}

/// Percent-decoded bytes of a form component: `+` is a space, `%XX` a byte.
struct FormDecoder<'a> {
    src: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> FormDecoder<'a> {
    fn new(src: &'a [u8], base: usize) -> Self {
        Self { src, pos: 0, base }
    }
}

impl Iterator for FormDecoder<'_> {
    type Item = Result<u8, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        let &b = self.src.get(self.pos)?;
        let at = self.pos;
        self.pos += 1;
        Some(match b {
            b'+' => Ok(b' '),
            b'%' => {
                let hi = self.src.get(at + 1).copied().and_then(hex_value);
                let lo = self.src.get(at + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => {
                        self.pos = at + 3;
                        Ok(hi << 4 | lo)
                    }
                    _ => Err(InputError::InvalidFormEncoding {
                        offset: self.base + at,
                        reason: "'%' must be followed by two hexadecimal digits",
                    }),
                }
            }
            _ => Ok(b),
        })
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// What a form field's name is.
enum FieldName {
    /// Exactly `SAMLResponse`.
    SamlResponse,
    /// `SAMLResponse` with decoration: other letter case, whitespace or
    /// control characters (a NUL) around or inside it, a `[...]` suffix. An
    /// embedding application's own form parser may read such a key as the
    /// response (PHP turns `SAMLResponse[]` into an array, some parsers
    /// trim or stop at a NUL), so it is refused rather than ignored.
    Decorated,
    Other,
}

/// Longest field name compared (decoded); longer names are other fields.
const MAX_NAME: usize = 64;

fn field_name(key: &[u8], base: usize) -> Result<FieldName, InputError> {
    let mut decoded = Vec::with_capacity(FIELD.len());
    for b in FormDecoder::new(key, base) {
        let b = b?;
        if decoded.len() < MAX_NAME {
            decoded.push(b);
        }
    }
    if decoded == FIELD {
        return Ok(FieldName::SamlResponse);
    }
    let mut plain: Vec<u8> =
        decoded.iter().copied().filter(|b| !b.is_ascii_whitespace() && !b.is_ascii_control()).collect();
    if let Some(open) = plain.iter().position(|&b| b == b'[')
        && plain.last() == Some(&b']')
    {
        plain.truncate(open);
    }
    Ok(if plain.eq_ignore_ascii_case(FIELD) { FieldName::Decorated } else { FieldName::Other })
}

fn check_percent_encoding(src: &[u8], base: usize) -> Result<(), InputError> {
    FormDecoder::new(src, base).try_for_each(|b| b.map(drop))
}

fn percent_decode_into(src: &[u8], base: usize, out: &mut Vec<u8>) -> Result<(), InputError> {
    for b in FormDecoder::new(src, base) {
        out.push(b?);
    }
    Ok(())
}

/// Decodes whitespace-free, padded standard base64, checking the decoded
/// length against the limit before allocating for it.
fn base64_decode(text: &[u8], limits: &InputLimits) -> Result<Vec<u8>, InputError> {
    if !text.len().is_multiple_of(4) {
        return Err(InputError::InvalidBase64 {
            reason: format!(
                "{} base64 characters (whitespace not counted) is not a multiple of 4: the text is \
                 truncated or its '=' padding is missing",
                text.len()
            ),
        });
    }
    let padding = text.iter().rev().take(2).take_while(|&&b| b == b'=').count();
    let len = text.len() / 4 * 3 - padding;
    if len > limits.max_decoded_bytes {
        return Err(InputError::DecodedTooLarge { len, limit: limits.max_decoded_bytes });
    }
    let mut out = Vec::with_capacity(len);
    STANDARD.decode_vec(text, &mut out).map_err(|e| InputError::InvalidBase64 { reason: describe(&e) })?;
    Ok(out)
}

fn describe(error: &base64::DecodeError) -> String {
    use base64::DecodeError as E;
    match *error {
        E::InvalidByte(at, b'=') => {
            format!(
                "'=' at base64 character {} (whitespace not counted): padding may only end the text",
                at + 1
            )
        }
        E::InvalidByte(at, byte) => format!(
            "{} at base64 character {} (whitespace not counted) is not in the standard alphabet \
             A-Z a-z 0-9 + / (URL-safe base64 is not accepted)",
            show_byte(byte),
            at + 1
        ),
        E::InvalidLength(n) => format!("{n} base64 symbols cannot encode whole bytes: the text is truncated"),
        E::InvalidLastSymbol { offset, symbol, .. } => format!(
            "{} at base64 character {} sets bits that encode nothing (non-canonical or corrupted base64)",
            show_byte(symbol),
            offset + 1
        ),
        E::InvalidPadding => "the '=' padding does not match the length of the text".into(),
    }
}

fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() { format!("'{}'", char::from(b)) } else { format!("byte 0x{b:02X}") }
}

/// One error of each variant, for tests of the kinds.
#[cfg(test)]
pub(crate) fn every_error() -> Vec<InputError> {
    vec![
        InputError::Empty,
        InputError::TooLarge { len: 0, limit: 0 },
        InputError::DecodedTooLarge { len: 0, limit: 0 },
        InputError::InvalidBase64 { reason: String::new() },
        InputError::InvalidFormEncoding { offset: 0, reason: "" },
        InputError::MissingSamlResponse,
        InputError::DecoratedSamlResponse { offset: 0 },
        InputError::DuplicateSamlResponse { first: 0, second: 0 },
        InputError::NotXml { reason: "" },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &[u8]) -> Vec<u8> {
        decode(input, &InputLimits::default()).unwrap().into_owned()
    }

    fn err(input: &[u8]) -> InputError {
        decode(input, &InputLimits::default()).unwrap_err()
    }

    #[test]
    fn raw_xml_is_borrowed_unchanged() {
        let input = b"\xEF\xBB\xBF \n\t<a/>\n";
        let out = decode(input, &InputLimits::default()).unwrap();
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(&*out, input);
    }

    #[test]
    fn base64_with_whitespace_and_bom() {
        assert_eq!(ok(b"\xEF\xBB\xBF\r\n PGE+\r\n\tPC9h\nPg==  \r\n"), b"<a></a>");
    }

    #[test]
    fn base64_padding_is_required() {
        // "<a/>" is PGEvPg== ; without padding it is refused as truncated.
        assert_eq!(ok(b"PGEvPg=="), b"<a/>");
        let e = err(b"PGEvPg");
        assert_eq!(e.kind(), "invalid_base64");
        assert!(e.to_string().contains("padding"), "{e}");
    }

    #[test]
    fn non_canonical_trailing_bits_are_refused() {
        // PGEvPh== differs from PGEvPg== only in unused low bits.
        assert_eq!(err(b"PGEvPh==").kind(), "invalid_base64");
    }

    #[test]
    fn url_safe_and_junk_are_refused() {
        let e = err(b"PGEv-g==");
        assert_eq!(e.kind(), "invalid_base64");
        assert!(e.to_string().contains("'-' at base64 character 5"), "{e}");
        assert_eq!(err(b"{\"SAMLResponse\": 1}").kind(), "not_xml");
    }

    #[test]
    fn decoded_non_xml_is_not_xml() {
        assert_eq!(err(b"aGVsbG8=").kind(), "not_xml"); // "hello"
    }

    #[test]
    fn form_fields_in_any_order() {
        assert_eq!(ok(b"SAMLResponse=PGEvPg%3D%3D&RelayState=abc"), b"<a/>");
        assert_eq!(ok(b"RelayState=a%20b+c&SAMLResponse=PGEv%0D%0APg%3d%3d\n"), b"<a/>");
        assert_eq!(ok(b"SAML%52esponse=PGEvPg%3D%3D"), b"<a/>");
    }

    #[test]
    fn plus_is_a_space_in_forms() {
        // A raw '+' in the value is a space (skipped), so the base64 '+' of
        // "<a>" (PGE+) must be written %2B.
        assert_eq!(ok(b"SAMLResponse=PGE%2BPC9hPg%3D%3D"), b"<a></a>");
        assert_eq!(err(b"SAMLResponse=PGE+PC9hPg%3D%3D").kind(), "invalid_base64");
    }

    #[test]
    fn form_errors() {
        assert_eq!(err(b"RelayState=x").kind(), "missing_saml_response");
        assert_eq!(err(b"samlresponse=PGEvPg%3D%3D").kind(), "decorated_saml_response");
        let e = err(b"SAMLResponse=PGEvPg%3D%3D&SAMLResponse=PGEvPg%3D%3D");
        assert_eq!(e, InputError::DuplicateSamlResponse { first: 0, second: 26 });
        let e = err(b"SAMLResponse=PGEvPg%3D%3D&RelayState=%zz");
        assert_eq!(
            e,
            InputError::InvalidFormEncoding {
                offset: 37,
                reason: "'%' must be followed by two hexadecimal digits"
            }
        );
        assert_eq!(err(b"SAMLResponse=PGEvPg%3").kind(), "invalid_form_encoding");
        assert_eq!(err(b"SAMLResponse=").kind(), "invalid_base64");
        assert_eq!(err(b"=x&SAMLResponse=PGEvPg%3D%3D").kind(), "invalid_form_encoding");
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(err(b"").kind(), "input_empty");
        assert_eq!(err(b" \r\n\t").kind(), "input_empty");
        assert_eq!(err(b"\xEF\xBB\xBF\n").kind(), "input_empty");
    }

    #[test]
    fn utf16_is_not_xml() {
        assert_eq!(err(b"\xFF\xFE<\0a\0/\0>\0").kind(), "not_xml");
    }

    #[test]
    fn limits() {
        let limits = InputLimits::new(8, 4);
        assert_eq!(decode(b"<abcdefgh/>", &limits).unwrap_err(), InputError::TooLarge { len: 11, limit: 8 });
        assert_eq!(decode(b"<abc/>", &limits).unwrap_err(), InputError::DecodedTooLarge { len: 6, limit: 4 });
        assert_eq!(decode(b"<ab/>", &InputLimits::new(8, 5)).unwrap().len(), 5);
        // "<abc/>" in base64 is 8 characters: within the encoded limit, over the decoded one.
        assert_eq!(
            decode(b"PGFiYy8+", &limits).unwrap_err(),
            InputError::DecodedTooLarge { len: 6, limit: 4 }
        );
    }

    #[test]
    fn aws_limits() {
        assert_eq!(InputLimits::client_vpn().max_decoded_bytes, 131_072);
        assert_eq!(InputLimits::aws_console().max_decoded_bytes, 75_000);
    }

    #[test]
    fn kinds_are_distinct() {
        let all = every_error();
        let mut kinds: Vec<_> = all.iter().map(InputError::kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), all.len());
    }
}
